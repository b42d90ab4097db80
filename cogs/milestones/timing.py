"""Spans of recovery time as people count them: completed days, and years/months/days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.i18n import ENGLISH, Translator
from bot.timeutil import (
    add_months,
    humanize_delta,
    resolve_local,
    start_of_local_day,
    zone,
)
from storage.milestones import RunStart


def run_start(day: date, at: time | None, tz: str) -> RunStart:
    """A run beginning on local `day` at local `at` (None: the start of that day) in `tz`."""
    started = resolve_local(day, at, tz) if at is not None else start_of_local_day(day, tz)
    return RunStart(day, at, started.replace(microsecond=0))


def completed_days(start: RunStart, end: datetime, tz: str) -> int:
    """Whole days from a run's start to `end`: the member's count, and the one celebrated.

    A day completes when the run's local start time (midnight without one) comes round again on
    the member's calendar, and never before 24 hours per day have passed: so "1 day" is never
    shown next to "24 hours … in 1 minute" on a 23-hour spring-forward day, and a 25-hour
    autumn day still ends at the local start time.
    """
    if end <= start.started_at:
        return 0
    local_end = end.astimezone(zone(tz))
    days = (local_end.date() - start.start_date).days
    if start.start_time is not None and local_end.time().replace(tzinfo=None) < start.start_time:
        days -= 1
    return max(0, min(days, (end - start.started_at) // timedelta(days=1)))


def day_reached_at(start: RunStart, day: date, tz: str) -> datetime:
    """When a run reaches local `day` by the rule of :func:`completed_days`."""
    local = (
        resolve_local(day, start.start_time, tz)
        if start.start_time is not None
        else start_of_local_day(day, tz)
    )
    return max(local, start.started_at + timedelta(days=(day - start.start_date).days))


def years_months_days(start: date, end: date) -> tuple[int, int, int]:
    """Calendar years, months and days from `start` to `end` (Jan 31 → Feb 28 is one month)."""
    if end <= start:
        return 0, 0, 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    while months > 0 and add_months(start, months) > end:
        months -= 1
    days = (end - add_months(start, months)).days
    return months // 12, months % 12, days


def days_text(days: int, tr: Translator = ENGLISH) -> str:
    """ "1 day", "143 days" in ``tr``'s language."""
    return tr.plural("{count} day", "{count} days", days)


def span_text(start: RunStart, now: datetime, tz: str, tr: Translator = ENGLISH) -> str:
    """How long a run has lasted: "5 hours", "12 days", "143 days (4 months, 21 days)"."""
    days = completed_days(start, now, tz)
    if days == 0:
        return humanize_delta(now - start.started_at, tr)
    # the calendar span ends on the last local day the run completed
    end = date.fromordinal(start.start_date.toordinal() + days)
    years, months, rest = years_months_days(start.start_date, end)
    if not years and not months:
        return days_text(days, tr)
    parts = [p for p in (tr.plural("{count} year", "{count} years", years) if years else "",
                         tr.plural("{count} month", "{count} months", months) if months else "",
                         days_text(rest, tr) if rest else "") if p]  # fmt: skip
    return tr("{days} ({parts})", days=days_text(days, tr), parts=", ".join(parts))
