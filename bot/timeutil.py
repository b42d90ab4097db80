"""Local-time arithmetic and parsing for peerbot.

Everything here is a pure function. Instants are aware UTC datetimes; time zones are IANA
names (``Europe/London``) looked up with :mod:`zoneinfo`. Wall-clock times that do not exist
(the spring-forward gap) resolve to the first instant after the gap; wall-clock times that
happen twice (the fall-back hour) resolve to their first occurrence.
"""

from __future__ import annotations

import calendar
import contextlib
import difflib
import functools
import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import ENGLISH, Translator

__all__ = [
    "UnknownTimezone",
    "add_months",
    "add_years",
    "humanize_delta",
    "local_date",
    "next_daily",
    "parse_date",
    "parse_duration",
    "parse_hhmm",
    "resolve_local",
    "start_of_local_day",
    "suggest_zones",
    "zone",
]

TIME_HINT = "Use a 24-hour time like 09:00 or 21:30."
DATE_HINT = "Use a date like 2026-12-24 (year-month-day)."
DURATION_HINT = "Use a duration like 90m, 1h30m, 2d or 1w."

# Entries of the system zone database that are not zones a community should pick.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})
_ZONE_CHARS = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*", re.ASCII)
_OFFSET = re.compile(r"(?:utc|gmt)?\s*[+-]\s*[0-9]{1,2}(?::?[0-9]{2})?", re.ASCII | re.IGNORECASE)
_HHMM = re.compile(r"([0-9]{1,2}):([0-9]{2})", re.ASCII)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_DURATION_PART = re.compile(r"([0-9]+)\s*([wdhm])", re.ASCII)
_DURATION_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1),
                   "m": timedelta(minutes=1)}  # fmt: skip
# Far beyond anything peerbot schedules, and well inside what datetime can represent.
_MAX_DURATION = timedelta(days=36525)


class UnknownTimezone(ValueError):
    """A time zone name that is not in the IANA database.

    ``suggestions`` holds close IANA names to offer the member instead.
    """

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        message = f"{name!r} is not a time zone I know. Use an IANA name like Europe/London."
        if _OFFSET.fullmatch(name.strip()):
            message += (
                " A fixed offset like +02:00 does not follow daylight saving; name a place instead."
            )
        if suggestions:
            shown = ", ".join(suggestions[:-1]) + " or " if len(suggestions) > 1 else ""
            message += f" Did you mean {shown}{suggestions[-1]}?"
        super().__init__(message)


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones() - _NOT_ZONES)


@functools.cache
def _zones_by_lower() -> dict[str, str]:
    return {name.lower(): name for name in _known_zones()}


@functools.cache
def _zones_by_city() -> dict[str, list[str]]:
    """Map the lower-cased last part of each zone ("new_york") to its full names."""
    cities: dict[str, list[str]] = {}
    for name in sorted(_known_zones()):
        cities.setdefault(name.rsplit("/", 1)[-1].lower(), []).append(name)
    return cities


_RESOLVED: dict[str, ZoneInfo] = {}  # exact IANA names already checked


# Names people type that are not a place's zone: abbreviations and the old fixed-offset or
# US-only rule names (valid in the zone database, but an hour wrong for half the year).
_ABBREVIATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "EST": ("has no daylight saving", ("America/New_York",)),
    "MST": ("has no daylight saving", ("America/Denver", "America/Phoenix")),
    "HST": ("has no daylight saving", ("Pacific/Honolulu",)),
    "EDT": ("is an abbreviation, not a zone", ("America/New_York",)),
    "CST": ("is an abbreviation, not a zone", ("America/Chicago",)),
    "CDT": ("is an abbreviation, not a zone", ("America/Chicago",)),
    "MDT": ("is an abbreviation, not a zone", ("America/Denver",)),
    "PST": ("is an abbreviation, not a zone", ("America/Los_Angeles",)),
    "PDT": ("is an abbreviation, not a zone", ("America/Los_Angeles",)),
    "AKST": ("is an abbreviation, not a zone", ("America/Anchorage",)),
    "BST": ("is an abbreviation, not a zone", ("Europe/London",)),
    "IST": ("is an abbreviation, not a zone", ("Asia/Kolkata", "Europe/Dublin")),
    "AEST": ("is an abbreviation, not a zone", ("Australia/Sydney", "Australia/Brisbane")),
    "EST5EDT": ("follows only old US rules", ("America/New_York",)),
    "CST6CDT": ("follows only old US rules", ("America/Chicago",)),
    "MST7MDT": ("follows only old US rules", ("America/Denver",)),
    "PST8PDT": ("follows only old US rules", ("America/Los_Angeles",)),
}


def abbreviation(name: str) -> tuple[str, str, tuple[str, ...]] | None:
    """A zone abbreviation or fixed-offset name as (name, why it is not a zone, the places'
    zones meant), or None for a place's zone."""
    key = name.strip().upper()
    if key not in _ABBREVIATIONS:
        return None
    why, places = _ABBREVIATIONS[key]
    return key, why, places


def abbreviation_hint(name: str) -> str | None:
    """A hint for a zone abbreviation or fixed-offset name: "EST has no daylight saving; did
    you mean America/New_York?" (None for a place's zone)."""
    found = abbreviation(name)
    if found is None:
        return None
    key, why, places = found
    return f"{key} {why}; did you mean {' or '.join(places)}?"


def canonical_zone(name: str) -> str:
    """The IANA spelling of a zone typed in any case ("europe/london" → "Europe/London");
    anything else unchanged."""
    return _zones_by_lower().get(name.strip().lower(), name)


def zone(name: str) -> ZoneInfo:
    """Return the :class:`ZoneInfo` for an IANA zone name.

    Raises :class:`UnknownTimezone` (with suggestions) for anything that is not an IANA name,
    including UTC offsets ("+02:00", "UTC+2"), the empty string and file paths.
    """
    found = _RESOLVED.get(name)
    if found is not None:
        return found
    key = name.strip() if isinstance(name, str) else ""
    valid_shape = bool(_ZONE_CHARS.fullmatch(key)) and ".." not in key
    known = _known_zones()
    if valid_shape and (key in known or not known):
        # a name that looks right but has no zone file falls through to the suggestions
        with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            found = ZoneInfo(key)
            if key == name:  # only exact IANA names: the cache stays as small as the zone list
                _RESOLVED[name] = found
            return found
    raise UnknownTimezone(str(name), suggest_zones(str(name)))


def suggest_zones(name: str, n: int = 3) -> list[str]:
    """Return up to ``n`` IANA names close to ``name`` (case-insensitive, spaces as ``_``).

    A UTC offset gets no suggestions: no single zone keeps an offset all year.
    """
    query = "_".join(name.strip().lower().split())
    if not query or n <= 0 or _OFFSET.fullmatch(name.strip()):
        return []
    by_lower = _zones_by_lower()
    cities = _zones_by_city()
    found: list[str] = []

    def add(candidates: list[str]) -> None:
        for candidate in candidates:
            if candidate not in found:
                found.append(candidate)

    if query in by_lower:
        add([by_lower[query]])
    add(cities.get(query, []))
    add([by_lower[m] for m in difflib.get_close_matches(query, list(by_lower), n, 0.75)])
    for city in difflib.get_close_matches(query, list(cities), n, 0.75):
        add(cities[city])
    return found[:n]


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("Expected an aware datetime (UTC), got a naive one.")


def local_date(instant_utc: datetime, tz: str) -> date:
    """The calendar date in zone ``tz`` at the given instant."""
    _require_aware(instant_utc)
    return instant_utc.astimezone(zone(tz)).date()


def resolve_local(d: date, t: time, tz: str) -> datetime:
    """Turn a local wall-clock date and time in ``tz`` into an aware UTC instant.

    A wall time inside a spring-forward gap becomes the first instant after the gap (for
    Europe/London on 2026-03-29, 01:30 becomes 02:00 BST = 01:00 UTC). A wall time that
    happens twice at fall-back becomes its first occurrence (``fold=0``).
    """
    tzinfo = zone(tz)
    naive = datetime.combine(d, t.replace(tzinfo=None, fold=0))
    first = naive.replace(tzinfo=tzinfo).astimezone(UTC)
    if first.astimezone(tzinfo).replace(tzinfo=None) == naive:
        return first
    return _end_of_gap(naive, tzinfo)


def _end_of_gap(naive: datetime, tzinfo: ZoneInfo) -> datetime:
    """The UTC instant at which the gap containing the non-existent ``naive`` ends."""
    # The two folds read the wall time with the offsets before and after the transition,
    # so the transition instant lies between them; tzdata transitions fall on whole seconds.
    a = naive.replace(tzinfo=tzinfo, fold=0).astimezone(UTC)
    b = naive.replace(tzinfo=tzinfo, fold=1).astimezone(UTC)
    lo = int(min(a, b).timestamp()) - 1  # wall time here is before the gap
    hi = int(max(a, b).timestamp()) + 1  # wall time here is after the gap
    while hi - lo > 1:
        mid = (lo + hi) // 2
        wall = datetime.fromtimestamp(mid, UTC).astimezone(tzinfo).replace(tzinfo=None)
        if wall >= naive:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def next_daily(after_utc: datetime, t: time, tz: str) -> datetime:
    """The first instant strictly after ``after_utc`` whose local wall time in ``tz`` is ``t``.

    Days whose ``t`` does not exist or repeats are handled as in :func:`resolve_local`.
    """
    _require_aware(after_utc)
    # Start a day early: a gap can push one day's time onto the next local date.
    day = local_date(after_utc, tz) - timedelta(days=1)
    while True:
        candidate = resolve_local(day, t, tz)
        if candidate > after_utc:
            return candidate
        day += timedelta(days=1)


def start_of_local_day(d: date, tz: str) -> datetime:
    """The UTC instant at which local date ``d`` begins in ``tz`` (not always 00:00)."""
    return resolve_local(d, time(0, 0), tz)


def add_months(d: date, months: int) -> date:
    """Add calendar months, clamping to the end of a shorter month (Jan 31 + 1 -> Feb 28/29)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ValueError("That date is outside the calendar peerbot can handle.")
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last_day))


def add_years(d: date, years: int) -> date:
    """Add calendar years; Feb 29 becomes Feb 28 in a year that is not a leap year."""
    return add_months(d, 12 * years)


def parse_hhmm(text: str) -> time:
    """Parse a 24-hour ``H:MM`` / ``HH:MM`` time such as "09:00", "9:05" or "21:30".

    Raises ValueError with a message fit to show the member.
    """
    stripped = text.strip()
    match = _HHMM.fullmatch(stripped)
    if match is None:
        shown = f"{stripped!r} is not a time of day." if stripped else "No time given."
        raise ValueError(f"{shown} {TIME_HINT}")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ValueError(f"{stripped} is not a time of day. {TIME_HINT}")
    return time(hour, minute)


def parse_date(text: str, *, today: date | None = None) -> date:
    """Parse a strict ``YYYY-MM-DD`` date, or "today"/"yesterday" when ``today`` is given.

    Raises ValueError with a message fit to show the member.
    """
    stripped = text.strip()
    word = stripped.lower()
    if today is not None and word == "today":
        return today
    if today is not None and word == "yesterday":
        return today - timedelta(days=1)
    match = _ISO_DATE.fullmatch(stripped)
    if match is None:
        shown = f"{stripped!r} is not a date." if stripped else "No date given."
        raise ValueError(f"{shown} {DATE_HINT}")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"{stripped} is not a date on the calendar.") from None


def parse_duration(text: str) -> timedelta:
    """Parse a positive duration made of weeks, days, hours and minutes, largest unit first.

    Accepts "90m", "1h30m", "2d", "1w", "24h" (and "1h 30m"). Rejects zero, negative and
    malformed durations with a ValueError fit to show the member.
    """
    compact = text.strip().lower()
    shown = repr(text.strip())
    if not compact:
        raise ValueError(f"No duration given. {DURATION_HINT}")
    position, total, seen = 0, timedelta(0), ""
    for match in _DURATION_PART.finditer(compact):
        between = compact[position : match.start()]
        unit = match[2]
        # Each unit at most once, largest first, so "30m1h" is not silently accepted.
        if (
            between.strip()
            or unit in seen
            or any("wdhm".index(unit) < "wdhm".index(s) for s in seen)
        ):
            raise ValueError(f"{shown} is not a duration. {DURATION_HINT}")
        if len(match[1]) > 9:
            raise ValueError("That duration is too long.")
        seen += unit
        total += int(match[1]) * _DURATION_UNITS[unit]
        position = match.end()
    if not seen or compact[position:].strip():
        raise ValueError(f"{shown} is not a duration. {DURATION_HINT}")
    if total <= timedelta(0):
        raise ValueError("A duration must be longer than zero.")
    if total > _MAX_DURATION:
        raise ValueError("That duration is too long.")
    return total


def humanize_delta(td: timedelta, tr: Translator = ENGLISH) -> str:
    """Describe a span in words with its two largest units: "3 days", "1 hour 5 minutes", in
    ``tr``'s language (English by default).

    Smaller units are dropped, not rounded; a negative span is described by its length.
    """
    seconds = int(abs(td).total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        text
        for value, text in (
            (days, tr.plural("{count} day", "{count} days", days)),
            (hours, tr.plural("{count} hour", "{count} hours", hours)),
            (minutes, tr.plural("{count} minute", "{count} minutes", minutes)),
            (secs, tr.plural("{count} second", "{count} seconds", secs)),
        )
        if value
    ]
    return " ".join(parts[:2]) if parts else tr.plural("{count} second", "{count} seconds", 0)


def format_local(instant: datetime, tz: str) -> str:
    """An instant as people read it in a zone: ``Mon 02 Nov 2026, 09:00``."""
    return instant.astimezone(zone(tz)).strftime("%a %d %b %Y, %H:%M")


@functools.cache
def _zone_countries() -> dict[str, str]:
    """IANA zone → ISO 3166 country code, from the zone database's zone.tab."""
    text = ""
    try:
        from importlib import resources

        text = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        for path in ("/usr/share/zoneinfo/zone.tab", "/usr/lib/zoneinfo/zone.tab"):
            try:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
                break
            except OSError:
                continue
    mapping: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            if len(parts) >= 3:
                mapping[parts[2]] = parts[0]
    return mapping


def zone_country(tz: str) -> str | None:
    """The country a zone belongs to (``Europe/London`` → ``GB``), None for UTC and the like."""
    return _zone_countries().get(tz)
