"""Once-a-day work at a local wall time (reminders, the community check-in post).

Pure functions: given the instant a row fell due, decide whether to act and when it is next due.
The zone is read when the work runs, so a zone that changed since the row was scheduled is
honoured, and a day never gets the work twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.timeutil import local_date, next_daily, resolve_local


@dataclass(frozen=True)
class DailyPlan:
    """What to do with a due daily row: act or not, for which local day, and when it is next due."""

    fire: bool
    day: date
    next_at: datetime


def plan_daily(now: datetime, at: time, tz: str, last_day: date | None) -> DailyPlan:
    """Plan a daily item due at local time `at` in `tz` that last acted on `last_day`.

    Acts when today's local `at` has passed and today has not had it yet (late, after downtime,
    but never twice). When today's `at` is still ahead (the zone changed), it only reschedules.
    """
    today = local_date(now, tz)
    todays_instant = resolve_local(today, at, tz)
    if todays_instant > now:
        return DailyPlan(False, today, todays_instant)
    # Each day's instant is later than the day before's, and today's has passed: the next one
    # is on a later day (usually tomorrow; later only after a long downtime).
    day = today + timedelta(days=1)
    next_at = resolve_local(day, at, tz)
    while next_at <= now:
        day += timedelta(days=1)
        next_at = resolve_local(day, at, tz)
    return DailyPlan(last_day != today, today, next_at)


def first_due(now: datetime, at: time, tz: str) -> datetime:
    """When a newly set daily item is first due: the next local `at` strictly after now."""
    return next_daily(now, at, tz)
