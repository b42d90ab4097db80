"""A sliding-window rate limiter (in memory) for commands and other bursts."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from datetime import datetime, timedelta


class RateLimiter:
    """Allows `limit` events per `period` per key. `hit` says whether this event is allowed and
    whether the caller should be told (only the first refusal in a window is announced)."""

    def __init__(self, limit: int, period: timedelta) -> None:
        self.limit = limit
        self.period = period
        self._events: dict[Hashable, deque[datetime]] = {}
        self._warned: dict[Hashable, datetime] = {}

    def hit(self, key: Hashable, now: datetime) -> tuple[bool, bool]:
        """(allowed, announce_refusal)."""
        events = self._events.setdefault(key, deque())
        while events and now - events[0] >= self.period:
            events.popleft()
        if len(events) < self.limit:
            events.append(now)
            self._warned.pop(key, None)
            return True, False
        warned_at = self._warned.get(key)
        if warned_at is None or now - warned_at >= self.period:
            self._warned[key] = now
            return False, True
        return False, False

    def retry_after(self, key: Hashable, now: datetime) -> timedelta:
        """How long until the next event would be allowed."""
        events = self._events.get(key)
        if not events or len(events) < self.limit:
            return timedelta(0)
        return max(timedelta(0), events[0] + self.period - now)
