"""The closed weeks anonymous figures are reported for (pure functions)."""

from __future__ import annotations

from datetime import date, timedelta

# A local day is still running somewhere for up to 26 hours after it starts in the community's
# zone (UTC+14 to UTC-12), so a week is closed only two days after its Sunday.
CLOSED_AFTER = timedelta(days=2)


def closed_weeks(today: date, count: int) -> list[date]:
    """The Mondays of the `count` latest weeks (Monday to Sunday) that no member anywhere can
    still check in for, newest first; `today` is the community's local date."""
    latest_sunday = today - CLOSED_AFTER
    latest_sunday -= timedelta(days=(latest_sunday.weekday() + 1) % 7)
    newest = latest_sunday - timedelta(days=6)
    return [newest - timedelta(weeks=n) for n in range(count)]
