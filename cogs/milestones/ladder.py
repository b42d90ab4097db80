"""The milestone ladder: which milestones a community celebrates, and when each one falls.

A ladder is a list of steps such as ``24h, 7d, 30d, 6mo, 1y`` and optionally "then every year".
Hour steps fall at the exact instant (start + n hours). Day, week, month and year steps fall at
the start of the member's local day, with calendar arithmetic for months and years (a start on
31 January reaches 1 month on the last day of February; 29 February anniversaries fall on
28 February in other years).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.i18n import ENGLISH, Translator, _
from bot.timeutil import add_months, local_date
from cogs.milestones.timing import day_reached_at
from storage.milestones import RunStart

UNIT_WORDS = {"h": "hour", "d": "day", "w": "week", "mo": "month", "y": "year"}
# Rough length in days, only to check that a ladder goes from shortest to longest.
_APPROX_DAYS = {"h": 1 / 24, "d": 1.0, "w": 7.0, "mo": 30.436875, "y": 365.2425}
_MAX_AMOUNT = {"h": 8760, "d": 36500, "w": 5200, "mo": 1200, "y": 100}
_ALIASES = {
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "d": "d", "day": "d", "days": "d",
    "w": "w", "wk": "w", "week": "w", "weeks": "w",
    "mo": "mo", "mon": "mo", "month": "mo", "months": "mo",
    "y": "y", "yr": "y", "yrs": "y", "year": "y", "years": "y",
}  # fmt: skip
_STEP = re.compile(r"(\d{1,5})\s*([a-z]+)")
_YEARLY_WORDS = {"...", "…", "yearly", "every year", "then every year"}
MAX_STEPS = 30
_OUT_OF_RANGE = {
    "h": _("{step} is out of range: use 1 to {most} hours."),
    "d": _("{step} is out of range: use 1 to {most} days."),
    "w": _("{step} is out of range: use 1 to {most} weeks."),
    "mo": _("{step} is out of range: use 1 to {most} months."),
    "y": _("{step} is out of range: use 1 to {most} years."),
}
_MAX_YEARS = 150  # no counter celebrates beyond this


class LadderError(ValueError):
    """A ladder a moderator typed cannot be used. `template` and `values` form the reply."""

    def __init__(self, template: str, **values: str) -> None:
        super().__init__(template)
        self.template = template
        self.values = values


@dataclass(frozen=True)
class Step:
    """One milestone on the ladder, e.g. 30 days (``30d``) or 6 months (``6mo``)."""

    amount: int
    unit: str

    @property
    def code(self) -> str:
        """The compact form stored and typed: ``24h``, ``30d``, ``6mo``, ``1y``."""
        return f"{self.amount}{self.unit}"

    @property
    def label(self) -> str:
        """How people read it: "24 hours", "1 year"."""
        return self.label_in(ENGLISH)

    def label_in(self, tr: Translator) -> str:
        """How people read it in ``tr``'s language: "24 horas", "1 año"."""
        n = self.amount
        if self.unit == "h":
            return tr.plural("{count} hour", "{count} hours", n)
        if self.unit == "d":
            return tr.plural("{count} day", "{count} days", n)
        if self.unit == "w":
            return tr.plural("{count} week", "{count} weeks", n)
        if self.unit == "mo":
            return tr.plural("{count} month", "{count} months", n)
        return tr.plural("{count} year", "{count} years", n)

    @property
    def approx_days(self) -> float:
        """Rough length in days (for ordering only)."""
        return self.amount * _APPROX_DAYS[self.unit]

    def day(self, start: RunStart) -> date | None:
        """The local date a day/week/month/year step falls on (None: hours, or beyond 9999)."""
        if self.unit == "h":
            return None
        try:
            if self.unit in ("d", "w"):
                return start.start_date + timedelta(
                    days=self.amount * (7 if self.unit == "w" else 1)
                )
            return add_months(start.start_date, self.amount * (12 if self.unit == "y" else 1))
        except (OverflowError, ValueError):
            return None

    def due(self, start: RunStart, zone: str) -> datetime | None:
        """When a run that began at `start` reaches this step (None: beyond the calendar)."""
        if self.unit == "h":
            return start.started_at + timedelta(hours=self.amount)
        day = self.day(start)
        return None if day is None else day_reached_at(start, day, zone)


def parse_step(code: str) -> Step:
    """A stored step code (``30d``) back into a :class:`Step`."""
    match = _STEP.fullmatch(code.strip().lower())
    if not match or match[2] not in UNIT_WORDS:
        raise ValueError(f"not a milestone step: {code!r}")
    return Step(int(match[1]), match[2])


def step_label(code: str, tr: Translator = ENGLISH) -> str:
    """The readable label of a stored step code; the code itself if it cannot be read."""
    try:
        return parse_step(code).label_in(tr)
    except ValueError:
        return code


@dataclass(frozen=True)
class Ladder:
    """The milestones of a community, shortest first, optionally then every year."""

    steps: tuple[Step, ...]
    yearly: bool = False

    @property
    def code(self) -> str:
        """The stored form: ``24h,7d,…,18mo,...``."""
        return ",".join([s.code for s in self.steps] + (["..."] if self.yearly else []))

    def describe(self, tr: Translator = ENGLISH) -> str:
        """For people: "24 hours, 7 days, …, 18 months, then every year"."""
        text = ", ".join(s.label_in(tr) for s in self.steps)
        return tr("{steps}, then every year", steps=text) if self.yearly else text

    def points(self, start: RunStart, zone: str) -> Points:
        """Where each explicit step of this ladder falls for one run (computed once, reused)."""
        hours: list[tuple[datetime, float, Step]] = []
        days: list[tuple[date, float, Step]] = []
        last_day: date | None = None
        for step in self.steps:
            if step.unit == "h":
                due = start.started_at + timedelta(hours=step.amount)
                hours.append((due, -step.approx_days, step))
                day = local_date(due, zone)
            else:
                found = step.day(start)
                if found is None:
                    continue
                day = found
                days.append((day, -step.approx_days, step))
            last_day = day if last_day is None else max(last_day, day)
        return Points(start, zone, self.yearly, tuple(hours), tuple(days), last_day)

    def next_after(
        self, start: RunStart, zone: str, after: datetime
    ) -> tuple[Step, datetime] | None:
        """The first milestone strictly after `after` (the longer step wins a tie)."""
        return self.points(start, zone).next_after(after)

    def reached(
        self, start: RunStart, zone: str, after: datetime, upto: datetime, limit: int = 200
    ) -> list[tuple[Step, datetime]]:
        """Every milestone in (after, upto], in order."""
        return self.points(start, zone).walk(after, upto, limit)[0]


@dataclass(frozen=True)
class Points:
    """A ladder laid over one run: hour steps as instants, the others as local dates."""

    start: RunStart
    zone: str
    yearly: bool
    hours: tuple[tuple[datetime, float, Step], ...]
    days: tuple[tuple[date, float, Step], ...]
    last_day: date | None

    def next_after(self, after: datetime) -> tuple[Step, datetime] | None:
        """The first milestone strictly after `after` (the longer step wins a tie)."""
        # A day step is reached on its local date or, at most a day later (start time, DST),
        # so only steps from two days before the local date of `after` can still be ahead.
        floor = local_date(after, self.zone) - timedelta(days=2)
        best_hour = min((h for h in self.hours if h[0] > after), default=None, key=_rank)
        candidates = [best_hour] if best_hour is not None else []
        for day, rank, step in self.days:
            if day > floor and (at := day_reached_at(self.start, day, self.zone)) > after:
                candidates.append((at, rank, step))
        if self.yearly:
            yearly = _yearly_after(
                self.start, floor if self.last_day is None else max(floor, self.last_day)
            )
            while yearly is not None:
                at = day_reached_at(self.start, yearly[0], self.zone)
                if at > after:
                    candidates.append((at, yearly[1], yearly[2]))
                    break
                yearly = _yearly_after(self.start, yearly[0])
        if not candidates:
            return None
        due, _, step = min(candidates, key=_rank)
        return step, due

    def walk(
        self, after: datetime, upto: datetime, limit: int = 200
    ) -> tuple[list[tuple[Step, datetime]], tuple[Step, datetime] | None]:
        """Every milestone in (after, upto] in order, and the first one after `upto`."""
        found: list[tuple[Step, datetime]] = []
        nxt = self.next_after(after)
        while nxt is not None and nxt[1] <= upto and len(found) < limit:
            found.append(nxt)
            nxt = self.next_after(nxt[1])
        return found, nxt


def _rank(item: tuple) -> tuple:
    return item[0], item[1]


def _yearly_after(start: RunStart, floor: date) -> tuple[date, float, Step] | None:
    """The first whole-year anniversary on a local date later than `floor`."""
    first = max(1, floor.year - start.start_date.year - 1)
    for years in range(first, _MAX_YEARS + 1):
        step = Step(years, "y")
        day = step.day(start)
        if day is None:
            return None
        if day > floor:
            return day, -step.approx_days, step
    return None


DEFAULT_LADDER = Ladder(
    tuple(
        Step(n, u)
        for n, u in [(24, "h"), (7, "d"), (14, "d"), (30, "d"), (60, "d"), (90, "d"),
                     (6, "mo"), (9, "mo"), (1, "y"), (18, "mo")]
    ),
    yearly=True,
)  # fmt: skip


def parse_ladder(text: str) -> Ladder:
    """Read a ladder a moderator typed: ``1d,30d,90d,6mo,1y,...`` (``...``: then every year).

    Raises :class:`LadderError` with a kind message naming the first problem.
    """
    parts = [p.strip() for p in text.replace(";", ",").split(",")]
    parts = [p for p in parts if p]
    if not parts:
        raise LadderError(_("The ladder is empty. Example: 24h,7d,30d,90d,6mo,1y,..."))
    yearly = False
    if parts[-1].lower() in _YEARLY_WORDS:
        yearly = True
        parts = parts[:-1]
    if not parts:
        raise LadderError(_("Please list at least one milestone before '...'. Example: 30d,1y,..."))
    if len(parts) > MAX_STEPS:
        raise LadderError(
            _("That's {count} milestones; a ladder can have up to {most}."),
            count=str(len(parts)),
            most=str(MAX_STEPS),
        )
    steps: list[Step] = []
    for part in parts:
        step = _read_step(part)
        if steps and step.approx_days <= steps[-1].approx_days:
            same = step.approx_days == steps[-1].approx_days
            raise LadderError(
                _("{a} and {b} are the same milestone; please list each once.")
                if same
                else _(
                    "Please list milestones from shortest to longest ({b} is shorter than {a})."
                ),
                a=steps[-1].code,
                b=step.code,
            )
        steps.append(step)
    return Ladder(tuple(steps), yearly)


def _read_step(part: str) -> Step:
    shown = part if len(part) <= 20 else part[:19] + "…"
    match = _STEP.fullmatch(part.lower())
    if match is None:
        raise LadderError(
            _(
                "I can't read {step} as a milestone. Use a number and a unit: "
                "h (hours), d (days), w (weeks), mo (months), y (years), like 30d or 6mo."
            ),
            step=shown,
        )
    amount, word = int(match[1]), match[2]
    if word in ("m", "min", "mins", "minute", "minutes"):
        raise LadderError(_("{step}: please use mo for months (m could mean minutes)."), step=shown)
    unit = _ALIASES.get(word)
    if unit is None:
        raise LadderError(
            _("I don't know the unit in {step}. Use h, d, w, mo or y, like 30d or 6mo."), step=shown
        )
    if not 1 <= amount <= _MAX_AMOUNT[unit]:
        raise LadderError(
            _OUT_OF_RANGE[unit],
            step=shown,
            most=str(_MAX_AMOUNT[unit]),
        )
    return Step(amount, unit)


def first_on_or_before(
    ladder: Ladder, start: RunStart, zone: str, upto: datetime
) -> tuple[Step, datetime] | None:
    """The latest milestone at or before `upto` (for "that's 30 days today!")."""
    reached = ladder.reached(start, zone, start.started_at, upto, limit=500)
    return reached[-1] if reached else None
