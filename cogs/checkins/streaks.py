"""Streak arithmetic over local check-in days (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta


def current_streak(days: Iterable[date], today: date) -> int:
    """Consecutive check-in days ending today, or yesterday when today has none yet."""
    wanted = set(days)
    start = today if today in wanted else today - timedelta(days=1)
    count = 0
    while start - timedelta(days=count) in wanted:
        count += 1
    return count


def longest_streak(days: Iterable[date]) -> int:
    """The longest run of consecutive check-in days."""
    ordered = sorted(set(days))
    best = run = 0
    previous: date | None = None
    for day in ordered:
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        best = max(best, run)
        previous = day
    return best


@dataclass(frozen=True)
class WeekAverage:
    """Average mood and cravings over the check-in days of one week (Monday first)."""

    monday: date
    days: int
    mood: float
    cravings: float | None  # None: no cravings given that week


def weekly_averages(
    entries: Sequence[tuple[date, float, float | None]],
) -> list[WeekAverage]:
    """Per-week averages of (day, mood, cravings) day entries, each day weighing the same;
    days without cravings given count for mood only."""
    weeks: dict[date, list[tuple[float, float | None]]] = {}
    for day, mood, cravings in entries:
        monday = day - timedelta(days=day.weekday())
        weeks.setdefault(monday, []).append((mood, cravings))
    out = []
    for monday, values in sorted(weeks.items()):
        given = [v[1] for v in values if v[1] is not None]
        out.append(
            WeekAverage(
                monday,
                len(values),
                sum(v[0] for v in values) / len(values),
                sum(given) / len(given) if given else None,
            )
        )
    return out
