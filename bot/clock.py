"""The one source of time for the whole bot.

Production reads the system clock; tests and the console move a manual clock so that
everything that falls due (reminders, prompts, milestones) can be driven deterministically.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Returns the current instant as an aware UTC datetime."""

    manual = False

    def now(self) -> datetime:
        """The current instant (aware, UTC)."""
        return datetime.now(UTC)


class SystemClock(Clock):
    """The real wall clock."""


class ManualClock(Clock):
    """A clock that only moves when told to (tests, scripted console sessions)."""

    manual = True

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime.now(UTC).replace(microsecond=0)
        self._now = _as_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        """Move to `instant` (never backwards)."""
        instant = _as_utc(instant)
        if instant > self._now:
            self._now = instant

    def advance(self, delta: timedelta) -> None:
        """Move forward by `delta`."""
        self.set(self._now + delta)


class OffsetClock(Clock):
    """The system clock shifted by an offset that only grows (the interactive console)."""

    manual = True

    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta(0)
        if start is not None:
            self._offset = _as_utc(start) - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def set(self, instant: datetime) -> None:
        """Shift so that now() reads `instant` (never backwards)."""
        delta = _as_utc(instant) - self.now()
        if delta > timedelta(0):
            self._offset += delta

    def advance(self, delta: timedelta) -> None:
        """Move forward by `delta`."""
        self._offset += max(delta, timedelta(0))


def _as_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("clock instants must be timezone-aware")
    return instant.astimezone(UTC)
