"""Facilitators' prompt schedules: parsing, description and the next time a prompt posts.

A schedule is always read in the community's time zone, as local wall-clock times. A time
that does not exist on a daylight-saving day posts once, at the first valid instant after the
gap; a time that happens twice posts once, at its first occurrence (see
:func:`bot.timeutil.resolve_local`). The iteration over local dates is done here rather than
with a cron library so that those two rules hold everywhere.

Formats::

    daily 09:00
    weekdays 08:30
    weekly mon,thu 19:30
    monthly first mon 20:00   (also typed "first mon 20:00"; first…fourth or last)
    once 2026-12-24 18:00
    cron 0 9 * * 1-5
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal, get_args

from babel.dates import get_day_names, get_month_names

from bot.i18n import ENGLISH, Said, Translator, _
from bot.param_types import ArgumentError
from bot.timeutil import UnknownTimezone, local_date, parse_date, parse_hhmm, resolve_local, zone

__all__ = ["Kind", "Recurrence", "ScheduleError", "parse_schedule"]

Kind = Literal["daily", "weekdays", "weekly", "monthly", "once", "cron"]

MIN_GAP_MINUTES = 15
# A cron schedule can skip years (Feb 29 only, across 2100); 11 years covers any gap.
_SEARCH_DAYS = 366 * 11
_MAX_SHOWN = 40

_DAY_ABBR = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NAMES = {name: i for i, name in enumerate(_DAY_ABBR)} | {
    name: i for i, name in enumerate(_DAY_FULL)
}
_MONTH_ABBR = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Cron counts weekdays from Sunday = 0; Python's date.weekday() from Monday = 0.
_CRON_DOW_NAMES = {name: (i + 1) % 7 for i, name in enumerate(_DAY_ABBR)}
_CRON_MONTH_NAMES = {name: i + 1 for i, name in enumerate(_MONTH_ABBR)}
_LONGEST_MONTH = {m: 29 if m == 2 else calendar.monthrange(2001, m)[1] for m in range(1, 13)}

_EXAMPLES = (
    "'daily 09:00', 'weekdays 08:30', 'weekly mon,thu 19:30', "
    "'once 2026-12-24 18:00' or 'cron 0 9 * * 1-5'"
)
# The words typed in a schedule (daily, mon, HH:MM…) stay English: they are what is typed.
_USAGE = {
    "daily": _("Use 'daily HH:MM', like 'daily 09:00'."),
    "weekdays": _("Use 'weekdays HH:MM', like 'weekdays 08:30'."),
    "weekly": _("Use 'weekly DAYS HH:MM', like 'weekly mon,thu 19:30'."),
    "monthly": _("Use 'monthly first|second|third|fourth|last DAY HH:MM', like 'first mon 20:00'."),
    "once": _("Use 'once YYYY-MM-DD HH:MM', like 'once 2026-12-24 18:00'."),
    "cron": _(
        "A cron schedule has 5 fields (minute hour day-of-month month day-of-week), "
        "like 'cron 0 9 * * 1-5'."
    ),
}
_TOO_OFTEN = _("Prompts can post at most once every {count} minutes.")


class ScheduleError(ArgumentError):
    """A schedule that cannot be used; the message is written for the facilitator
    (``str()`` is the English, :meth:`translated` the reader's language)."""


def _shown(token: str) -> str:
    """A piece of user text, shortened so an error message stays readable."""
    return token if len(token) <= _MAX_SHOWN else token[: _MAX_SHOWN - 1] + "…"


def _join(items: list[str], tr: Translator) -> str:
    """ "a", "a and b", "a, b and c" in ``tr``'s language."""
    if len(items) == 1:
        return items[0]
    return tr("{items} and {last}", items=", ".join(items[:-1]), last=items[-1])


def _day(index: int, tr: Translator) -> str:
    """A weekday (Monday = 0) as ``tr``'s language abbreviates it: "Mon", "lun.", "пн"."""
    name = get_day_names("abbreviated", locale=tr.locale)[index]
    return name[:1].upper() + name[1:]


def _month(number: int, tr: Translator) -> str:
    """A month (January = 1) as ``tr``'s language abbreviates it."""
    name = get_month_names("abbreviated", locale=tr.locale)[number]
    return name[:1].upper() + name[1:]


def _hhmm(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def _parse_time(token: str) -> time:
    try:
        return parse_hhmm(token)
    except ValueError:
        raise ScheduleError(
            _("{token} is not a time of day. Use 24-hour HH:MM."), token=_shown(token)
        ) from None


@dataclass(frozen=True)
class _Rule:
    """What a schedule means: the days it posts on and its local times on those days."""

    times: tuple[time, ...]  # sorted, distinct
    posts_on: Callable[[date], bool]
    once: date | None = None
    describe: Callable[[Translator], str] = lambda tr: ""


@dataclass(frozen=True)
class Recurrence:
    """A prompt schedule. ``spec`` is the canonical text, fit to store and to parse again.

    Constructing a Recurrence validates ``spec`` (raising :class:`ScheduleError`) but does not
    check that a ``once`` schedule lies in the future; :func:`parse_schedule` does that.
    """

    kind: Kind
    spec: str
    _rule: _Rule = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kind, canonical, rule = _parse(self.spec)
        if kind != self.kind:
            raise ScheduleError(
                _("The schedule {spec} is not a {kind} schedule."),
                spec=repr(_shown(self.spec)),
                kind=self.kind,
            )
        object.__setattr__(self, "spec", canonical)
        object.__setattr__(self, "_rule", rule)

    def next_after(self, after_utc: datetime, tz: str) -> datetime | None:
        """The first post strictly after ``after_utc`` (aware UTC), or None when finished.

        Raises :class:`bot.timeutil.UnknownTimezone` for an unknown ``tz``.
        """
        if after_utc.tzinfo is None:
            raise ValueError("Expected an aware datetime (UTC), got a naive one.")
        zone(tz)
        rule = self._rule
        try:
            if rule.once is not None:
                instant = resolve_local(rule.once, rule.times[0], tz)
                return instant if instant > after_utc else None
            # Start a day early: a daylight-saving gap can move a post onto the next date.
            day = local_date(after_utc, tz) - timedelta(days=1)
            for _day_number in range(_SEARCH_DAYS):
                if rule.posts_on(day):
                    # Resolved instants never decrease as wall times increase, so bisect works.
                    index = bisect.bisect_right(
                        rule.times, after_utc, key=lambda t, d=day: resolve_local(d, t, tz)
                    )
                    if index < len(rule.times):
                        return resolve_local(day, rule.times[index], tz)
                day += timedelta(days=1)
        except OverflowError:  # past the end of the calendar datetime can represent
            return None
        return None

    def upcoming(self, after_utc: datetime, tz: str, n: int = 3) -> list[datetime]:
        """The next ``n`` posts after ``after_utc`` (fewer when the schedule finishes)."""
        found: list[datetime] = []
        current = after_utc
        while len(found) < n:
            following = self.next_after(current, tz)
            if following is None:
                break
            found.append(following)
            current = following
        return found

    def describe(self, tr: Translator | None = None) -> str:
        """A short description for people: "every day at 09:00", "Mon and Thu at 19:30".

        In ``tr``'s language; without one, the English that a reply (``when=...``) says again
        in its reader's language."""
        if tr is not None:
            return self._rule.describe(tr)
        return Said(self._rule.describe)


def parse_schedule(
    text: str, *, now_utc: datetime | None = None, tz: str | None = None
) -> Recurrence:
    """Parse a facilitator's schedule text into a :class:`Recurrence`.

    With ``now_utc`` given, a ``once`` schedule must lie in the future in zone ``tz``
    (UTC when not given). Every problem is reported as a :class:`ScheduleError`.
    """
    kind, canonical, _unused = _parse(text)
    schedule = Recurrence(kind, canonical)
    rule = schedule._rule
    zone_name = tz if tz is not None else "UTC"
    try:
        zone(zone_name)
    except UnknownTimezone as error:
        raise ScheduleError(str(error)) from None
    if rule.once is not None and now_utc is not None:
        try:
            passed = resolve_local(rule.once, rule.times[0], zone_name) <= now_utc
        except OverflowError:
            # Only the first or last days of the calendar get here.
            if rule.once.year < 2:
                raise ScheduleError(_("That time has already passed.")) from None
            raise ScheduleError(_("That date is too far away.")) from None
        if passed:
            raise ScheduleError(_("That time has already passed."))
    return schedule


def _parse(text: str) -> tuple[Kind, str, _Rule]:
    """Parse schedule text into its kind, canonical spec and rule."""
    if not isinstance(text, str):
        raise ScheduleError(_("Give a schedule, like {examples}."), examples=_EXAMPLES)
    tokens = text.lower().split()
    if not tokens:
        raise ScheduleError(_("Give a schedule, like {examples}."), examples=_EXAMPLES)
    kind, args = tokens[0], tokens[1:]
    if kind in _ORDINALS:  # "first mon 20:00" is a monthly schedule
        kind, args = "monthly", tokens
    if kind not in get_args(Kind):
        raise ScheduleError(
            _(
                "I don't know the schedule kind {kind}. Use daily, weekdays, weekly, once or "
                "cron, like {examples}."
            ),
            kind=repr(_shown(tokens[0])),
            examples=_EXAMPLES,
        )
    parsers: dict[str, Callable[[list[str]], tuple[str, _Rule]]] = {
        "daily": _parse_daily,
        "weekdays": _parse_weekdays,
        "weekly": _parse_weekly,
        "monthly": _parse_monthly,
        "once": _parse_once,
        "cron": _parse_cron,
    }
    spec, rule = parsers[kind](args)
    return kind, spec, rule  # type: ignore[return-value]


def _parse_daily(args: list[str]) -> tuple[str, _Rule]:
    if len(args) != 1:
        raise ScheduleError(_USAGE["daily"])
    t = _parse_time(args[0])
    rule = _Rule((t,), lambda d: True, describe=lambda tr: tr("every day at {time}", time=_hhmm(t)))
    return f"daily {_hhmm(t)}", rule


def _parse_weekdays(args: list[str]) -> tuple[str, _Rule]:
    if len(args) != 1:
        raise ScheduleError(_USAGE["weekdays"])
    t = _parse_time(args[0])
    rule = _Rule(
        (t,),
        lambda d: d.weekday() < 5,
        describe=lambda tr: tr("weekdays at {time}", time=_hhmm(t)),
    )
    return f"weekdays {_hhmm(t)}", rule


def _parse_weekly(args: list[str]) -> tuple[str, _Rule]:
    if len(args) < 2:
        raise ScheduleError(_USAGE["weekly"])
    names = [name for name in re.split(r"[,\s]+", " ".join(args[:-1])) if name]
    if not names:
        raise ScheduleError(_USAGE["weekly"])
    days: set[int] = set()
    for name in names:
        if name not in _DAY_NAMES:
            raise ScheduleError(
                _(
                    "{day} is not a day of the week. Use mon, tue, wed, thu, fri, sat or sun (or "
                    "the full names)."
                ),
                day=repr(_shown(name)),
            )
        days.add(_DAY_NAMES[name])
    t = _parse_time(args[-1])
    ordered = sorted(days)

    def describe(tr: Translator) -> str:
        if len(ordered) == 1:
            return tr("every {day} at {time}", day=_day(ordered[0], tr), time=_hhmm(t))
        days = _join([_day(i, tr) for i in ordered], tr)
        return tr("{days} at {time}", days=days, time=_hhmm(t))

    chosen = frozenset(days)
    rule = _Rule((t,), lambda d: d.weekday() in chosen, describe=describe)
    return f"weekly {','.join(_DAY_ABBR[i] for i in ordered)} {_hhmm(t)}", rule


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
# Whole sentences, not an ordinal word: "first" agrees with the day in many languages.
_MONTHLY = {
    "first": _("the first {day} of each month at {time}"),
    "second": _("the second {day} of each month at {time}"),
    "third": _("the third {day} of each month at {time}"),
    "fourth": _("the fourth {day} of each month at {time}"),
    "last": _("the last {day} of each month at {time}"),
}


def _parse_monthly(args: list[str]) -> tuple[str, _Rule]:
    if len(args) != 3 or args[0] not in _ORDINALS:
        raise ScheduleError(_USAGE["monthly"])
    which, name = _ORDINALS[args[0]], args[1]
    if name not in _DAY_NAMES:
        raise ScheduleError(
            _("{day} is not a day of the week. Use mon, tue, wed, thu, fri, sat or sun."),
            day=repr(_shown(name)),
        )
    weekday, t = _DAY_NAMES[name], _parse_time(args[2])

    def posts_on(d: date) -> bool:
        if d.weekday() != weekday:
            return False
        if which == -1:
            return d.day + 7 > calendar.monthrange(d.year, d.month)[1]
        return (d.day - 1) // 7 + 1 == which

    template = _MONTHLY[args[0]]
    rule = _Rule(
        (t,),
        posts_on,
        describe=lambda tr: tr(template, day=_day(weekday, tr), time=_hhmm(t)),
    )
    return f"monthly {args[0]} {_DAY_ABBR[weekday]} {_hhmm(t)}", rule


def _parse_once(args: list[str]) -> tuple[str, _Rule]:
    if len(args) != 2:
        raise ScheduleError(_USAGE["once"])
    try:
        day = parse_date(args[0])
    except ValueError:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", args[0], re.ASCII):
            raise ScheduleError(
                _("{typed} is not a date on the calendar."), typed=_shown(args[0])
            ) from None
        raise ScheduleError(
            _("{typed} is not a date. Use a date like 2026-12-24 (year-month-day)."),
            typed=repr(_shown(args[0])),
        ) from None
    t = _parse_time(args[1])
    rule = _Rule(
        (t,),
        lambda d: d == day,
        once=day,
        describe=lambda tr: tr("once on {date} at {time}", date=day.isoformat(), time=_hhmm(t)),
    )
    return f"once {day.isoformat()} {_hhmm(t)}", rule


@dataclass(frozen=True)
class _CronField:
    name: str
    low: int
    high: int
    names: dict[str, int] = field(default_factory=dict)


_CRON_FIELDS = (
    _CronField("minute", 0, 59),
    _CronField("hour", 0, 23),
    _CronField("day-of-month", 1, 31),
    _CronField("month", 1, 12, _CRON_MONTH_NAMES),
    _CronField("day-of-week", 0, 7, _CRON_DOW_NAMES),
)


def _cron_value(token: str, spec: _CronField) -> int:
    if token in spec.names:
        return spec.names[token]
    if not re.fullmatch(r"[0-9]{1,2}", token, re.ASCII):
        raise ScheduleError(
            _("{value} is not a value for the cron {field} field ({low}-{high})."),
            value=repr(_shown(token)),
            field=spec.name,
            low=spec.low,
            high=spec.high,
        )
    value = int(token)
    if not spec.low <= value <= spec.high:
        raise ScheduleError(
            _("{value} is out of range for the cron {field} field ({low}-{high})."),
            value=value,
            field=spec.name,
            low=spec.low,
            high=spec.high,
        )
    return value


def _parse_cron_field(text: str, spec: _CronField) -> frozenset[int]:
    """Expand one cron field ("*", "1,5", "1-5", "*/15", "1-5/2", "mon-fri") to its values."""
    values: set[int] = set()
    for item in text.split(","):
        base, slash, step_text = item.partition("/")
        step = 1
        if slash:
            if not re.fullmatch(r"[0-9]{1,2}", step_text, re.ASCII) or int(step_text) == 0:
                raise ScheduleError(
                    _("{item}: a cron step must be a whole number from 1 up in the {field} field."),
                    item=repr(_shown(item)),
                    field=spec.name,
                )
            step = int(step_text)
        if base == "*":
            low, high = spec.low, spec.high
        elif "-" in base:
            first, _dash, last = base.partition("-")
            low, high = _cron_value(first, spec), _cron_value(last, spec)
            if low > high:
                raise ScheduleError(
                    _("{item}: a cron range must go from low to high in the {field} field."),
                    item=repr(_shown(base)),
                    field=spec.name,
                )
        else:
            low = _cron_value(base, spec)
            high = spec.high if slash else low
        values.update(range(low, high + 1, step))
    return frozenset(values)


def _parse_cron(args: list[str]) -> tuple[str, _Rule]:
    if len(args) != 5:
        raise ScheduleError(_USAGE["cron"])
    minutes, hours, doms, months, dows = (
        _parse_cron_field(text, spec) for text, spec in zip(args, _CRON_FIELDS, strict=True)
    )
    dows = frozenset(d % 7 for d in dows)  # 7 is Sunday too
    # Classic cron: a field written starting with "*" does not restrict the day.
    dom_restricted, dow_restricted = not args[2].startswith("*"), not args[4].startswith("*")
    times = tuple(time(h, m) for h in sorted(hours) for m in sorted(minutes))
    _check_gaps(times)
    if (
        dom_restricted
        and not dow_restricted
        and not any(day <= _LONGEST_MONTH[month] for month in months for day in doms)
    ):
        raise ScheduleError(_("That cron schedule never matches a date on the calendar."))

    def posts_on(d: date) -> bool:
        if d.month not in months:
            return False
        dom_ok, dow_ok = d.day in doms, (d.weekday() + 1) % 7 in dows
        if dom_restricted and dow_restricted:
            return dom_ok or dow_ok
        return dom_ok and dow_ok

    def describe(tr: Translator) -> str:
        return _describe_cron(times, minutes, hours, doms, months, dows, args, tr)

    return "cron " + " ".join(args), _Rule(times, posts_on, describe=describe)


def _check_gaps(times: tuple[time, ...]) -> None:
    """Refuse cron schedules that could post twice within MIN_GAP_MINUTES (wall clock)."""
    marks = [t.hour * 60 + t.minute for t in times]
    gaps = [b - a for a, b in zip(marks, marks[1:], strict=False)]
    gaps.append(24 * 60 - marks[-1] + marks[0])  # last post of a day to the next day's first
    if min(gaps) < MIN_GAP_MINUTES:
        raise ScheduleError(_TOO_OFTEN, count=MIN_GAP_MINUTES)


def _describe_cron(
    times: tuple[time, ...],
    minutes: frozenset[int],
    hours: frozenset[int],
    doms: frozenset[int],
    months: frozenset[int],
    dows: frozenset[int],
    args: list[str],
    tr: Translator = ENGLISH,
) -> str:
    """A plain-words reading of a cron schedule, e.g. "on weekdays at 09:00", in ``tr``'s
    language."""
    dom_restricted, dow_restricted = not args[2].startswith("*"), not args[4].startswith("*")
    day_labels = [_day((d - 1) % 7, tr) for d in sorted(dows, key=lambda d: (d - 1) % 7)]
    on_days = (
        tr("on weekdays")
        if dows == frozenset(range(1, 6))
        else tr("on {days}", days=_join(day_labels, tr))
    )
    on_dates = tr.ngettext(
        "on day {days} of the month", "on days {days} of the month", len(doms)
    ).format(days=_join([str(d) for d in sorted(doms)], tr))
    if dom_restricted and dow_restricted:
        days = tr("{dates} and {days}", dates=on_dates, days=on_days)
    elif dom_restricted:
        days = on_dates
    elif dow_restricted and len(dows) < 7:
        days = on_days
    else:
        days = tr("every day")
    if len(months) < 12:
        days = tr(
            "{days} in {months}",
            days=days,
            months=_join([_month(m, tr) for m in sorted(months)], tr),
        )
    if len(times) <= 4:
        at = tr("at {times}", times=_join([_hhmm(t) for t in times], tr))
    elif len(hours) == 24:
        at = tr(
            "at minute {minutes} of every hour",
            minutes=_join([f"{m:02d}" for m in sorted(minutes)], tr),
        )
    else:
        at = tr.plural("{count} time a day", "{count} times a day", len(times))
    return tr("{days} {at}", days=days, at=at)
