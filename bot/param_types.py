"""Parameter types: how one value a person gave (typed text, or a native value from Discord)
becomes the value a command handler receives, with one set of friendly messages.

The spec (bot/spec.py) picks a type from each parameter's annotation; a cog may put its own
:class:`ParamType` inside ``Annotated[...]``.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any, Literal

from bot.i18n import ENGLISH, N_, Translator, _


class ArgumentError(ValueError):
    """A value a person typed is not acceptable; the message is shown to them.

    ``ArgumentError(_("{name} is missing"), name=...)`` keeps the marked template and its
    values apart so :meth:`translated` can say it in the reader's language; ``str(err)`` is
    the English text."""

    def __init__(self, message: str, **values: Any) -> None:
        self.template = message
        self.values = values
        super().__init__(message.format(**values) if values else message)

    def translated(self, tr: Translator) -> str:
        """The message in ``tr``'s language (a nested error's or phrase's too)."""
        values = {
            k: v.translated(tr) if isinstance(v, ArgumentError | Phrase) else v
            for k, v in self.values.items()
        }
        return tr(self.template, **values)


class Phrase:
    """Text peerbot wrote that is said in the reader's language where it is shown (a type's
    description inside an error): ``say(tr)`` writes it; ``str()`` is the English."""

    def __init__(self, say: Callable[[Translator], str]) -> None:
        self.say = say

    def translated(self, tr: Translator) -> str:
        """The text in ``tr``'s language."""
        return self.say(tr)

    def __str__(self) -> str:
        return self.say(ENGLISH)


class Timezone(str):
    """An IANA timezone name (validated against the system's zone database)."""


class Duration(timedelta):
    """A span of time typed like ``90m``, ``2h``, ``1d``."""


@dataclass(frozen=True)
class ChannelRef:
    """A channel (Discord channel, Matrix room, console channel) in the current community."""

    id: str
    name: str


@dataclass(frozen=True)
class MemberRef:
    """A member of the current community."""

    id: str
    name: str
    is_bot: bool = False


@dataclass(frozen=True)
class RoleRef:
    """A role (Discord) of the current community."""

    id: str
    name: str


class Resolver(typing.Protocol):
    """What a platform offers to turn typed text into channels, members and roles."""

    async def resolve_channel(self, text: str) -> ChannelRef | None: ...
    async def resolve_member(self, text: str) -> MemberRef | None: ...
    async def resolve_role(self, text: str) -> RoleRef | None: ...


# --- parameter types -----------------------------------------------------------------------


class ParamType:
    """Converts one raw value (text typed on a text platform, or a native value from Discord)."""

    kind = "str"  # how adapters render it: str int float bool choice date time timezone duration channel member role
    hint = N_("text")
    # Words a form may offer as a checklist (Discord: a multi-select); the value it submits is
    # the chosen ones joined by commas, converted like typed text. Empty: a text field.
    checklist: tuple[str, ...] = ()

    async def convert(self, raw: Any, resolver: Resolver | None) -> Any:
        """Return the validated value or raise :class:`ArgumentError`."""
        raise NotImplementedError

    def describe(self) -> str:
        """A short human description used in help and usage lines (English)."""
        return self.hint

    def describe_in(self, tr: Translator) -> str:
        """The description in ``tr``'s language (types that compose it override this)."""
        return tr.gettext(self.describe())

    def bind(self, cog: Any) -> ParamType:
        """The type for this cog's command; types that read the bot's registries bind here."""
        return self


_WHOLE_NUMBER = re.compile(r"[+-]?\d{1,12}")
_ANY_WHOLE_NUMBER = re.compile(r"\s*[+-]?\d+\s*")


@dataclass(eq=False)
class IntType(ParamType):
    """A whole number, optionally bounded."""

    min: int | None = None
    max: int | None = None
    kind = "int"

    def describe(self) -> str:
        return self.describe_in(ENGLISH)

    def describe_in(self, tr: Translator) -> str:
        return _bounds_text(tr, WHOLE_BOUNDS, self.min, self.max)

    async def convert(self, raw: Any, resolver: Resolver | None) -> int:
        if type(raw) is str and _WHOLE_NUMBER.fullmatch(raw):  # typed text: the usual case
            value = int(raw)
        elif isinstance(raw, bool):
            raise ArgumentError(_("expected a whole number"))
        elif isinstance(raw, int):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        else:
            text = str(raw).strip()
            if _ANY_WHOLE_NUMBER.fullmatch(text) and not _WHOLE_NUMBER.fullmatch(text):
                # a whole number too long to be meant (and too long to convert cheaply)
                raise ArgumentError(
                    _("{typed} is out of range: expected {expected}"),
                    typed=repr(_shorten(text)),
                    expected=Phrase(self.describe_in),
                )
            if not _WHOLE_NUMBER.fullmatch(text):
                raise ArgumentError(
                    _("{typed} is not {expected}"),
                    typed=repr(_shorten(text)),
                    expected=Phrase(self.describe_in),
                )
            value = int(text)
        _check_bounds(value, self.min, self.max, self.describe_in)
        return value


@dataclass(eq=False)
class FloatType(ParamType):
    """A number with an optional fraction, optionally bounded."""

    min: float | None = None
    max: float | None = None
    kind = "float"

    def describe(self) -> str:
        return self.describe_in(ENGLISH)

    def describe_in(self, tr: Translator) -> str:
        return _bounds_text(tr, NUMBER_BOUNDS, self.min, self.max)

    async def convert(self, raw: Any, resolver: Resolver | None) -> float:
        if isinstance(raw, bool):
            raise ArgumentError(_("expected a number"))
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ArgumentError(
                _("{typed} is not {expected}"),
                typed=repr(_shorten(str(raw))),
                expected=Phrase(self.describe_in),
            ) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ArgumentError(_("expected {expected}"), expected=Phrase(self.describe_in))
        _check_bounds(value, self.min, self.max, self.describe_in)
        return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """Text every backend can store and every platform can send: without NUL characters
    (PostgreSQL text refuses them) and with each lone surrogate (half an emoji, from a JSON
    ``\\ud83d``; not UTF-8 at all) shown as U+FFFD."""
    return _SURROGATE.sub("\ufffd", text.replace("\x00", ""))


@dataclass(eq=False)
class StrType(ParamType):
    """Free text with a length limit. Stored verbatim; escaped wherever it is shown."""

    max_len: int = 200
    min_len: int = 1
    kind = "str"

    def describe(self) -> str:
        return self.describe_in(ENGLISH)

    def describe_in(self, tr: Translator) -> str:
        return tr("text (up to {limit} characters)", limit=self.max_len)

    async def convert(self, raw: Any, resolver: Resolver | None) -> str:
        text = storable(str(raw)).strip()
        if len(text) < self.min_len:
            raise ArgumentError(_("this can't be empty"))
        if len(text) > self.max_len:
            raise ArgumentError(
                _("that's {length} characters; the limit is {limit}. Could you shorten it?"),
                length=Phrase(lambda tr: tr.number(len(text))),
                limit=Phrase(lambda tr: tr.number(self.max_len)),
            )
        return text


@dataclass(eq=False)
class BoolType(ParamType):
    """yes/no."""

    kind = "bool"
    hint = N_("yes or no")
    TRUE = frozenset({"yes", "y", "true", "on", "1"})
    FALSE = frozenset({"no", "n", "false", "off", "0"})

    async def convert(self, raw: Any, resolver: Resolver | None) -> bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ArgumentError(_("{typed} is not yes or no"), typed=repr(_shorten(str(raw))))


@dataclass(eq=False)
class ChoiceType(ParamType):
    """One of a fixed set of words."""

    choices: tuple[str, ...] = ()
    kind = "choice"

    def describe(self) -> str:
        return self.describe_in(ENGLISH)

    def describe_in(self, tr: Translator) -> str:
        return tr("one of {choices}", choices=", ".join(self.choices))

    async def convert(self, raw: Any, resolver: Resolver | None) -> str:
        text = str(raw).strip().lower()
        for choice in self.choices:
            if text == choice.lower():
                return choice
        raise ArgumentError(
            _("{typed} is not an option here. Choose {expected}"),
            typed=repr(_shorten(str(raw))),
            expected=Phrase(self.describe_in),
        )


class DateType(ParamType):
    """A calendar date, ``YYYY-MM-DD``."""

    kind = "date"
    hint = N_("a date like 2026-03-14")

    async def convert(self, raw: Any, resolver: Resolver | None) -> date:
        if isinstance(raw, date):
            return raw
        text = str(raw).strip()
        match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if not match:
            raise ArgumentError(
                _("{typed} is not a date. Use YYYY-MM-DD, like 2026-03-14"),
                typed=repr(_shorten(text)),
            )
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            raise ArgumentError(_("{typed} is not a date on the calendar"), typed=text) from None


class TimeType(ParamType):
    """A time of day, 24-hour ``HH:MM``."""

    kind = "time"
    hint = N_("a time like 09:00 or 21:30")

    async def convert(self, raw: Any, resolver: Resolver | None) -> time:
        if isinstance(raw, time):
            return raw
        text = str(raw).strip()
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ArgumentError(
                _("{typed} is not a time of day. Use 24-hour time like 09:00 or 21:30"),
                typed=repr(_shorten(text)),
            )
        return time(int(match[1]), int(match[2]))


# Why an abbreviation is not a zone (bot/timeutil.py), said with the zones it may mean.
NOT_A_PLACE: dict[str, str] = {
    "has no daylight saving": N_(
        "{name} has no daylight saving; did you mean {places}? Use your place's zone, so "
        "daylight saving is right."
    ),
    "is an abbreviation, not a zone": N_(
        "{name} is an abbreviation, not a zone; did you mean {places}? Use your place's zone, "
        "so daylight saving is right."
    ),
    "follows only old US rules": N_(
        "{name} follows only old US rules; did you mean {places}? Use your place's zone, so "
        "daylight saving is right."
    ),
}


class TimezoneType(ParamType):
    """An IANA timezone name such as Europe/London (never an offset)."""

    kind = "timezone"
    hint = N_("a timezone like Europe/London or America/New_York")

    async def convert(self, raw: Any, resolver: Resolver | None) -> Timezone:
        from bot.timeutil import UnknownTimezone, abbreviation, canonical_zone, zone

        text = str(raw).strip()
        found = abbreviation(text)
        text = canonical_zone(text)
        if found is not None:
            name, why, places = found
            raise ArgumentError(
                NOT_A_PLACE[why], name=name, places=Phrase(lambda tr: tr(" or ").join(places))
            )
        try:
            zone(text)
        except UnknownTimezone as err:
            suggestions = err.suggestions[:3]
            if suggestions:
                raise ArgumentError(
                    _(
                        "I don't know the timezone {typed}. Did you mean {suggestions}? "
                        "Use a name like Europe/London or America/New_York."
                    ),
                    typed=repr(_shorten(text)),
                    suggestions=Phrase(lambda tr: tr(" or ").join(suggestions)),
                ) from None
            raise ArgumentError(
                _(
                    "I don't know the timezone {typed}. "
                    "Use a name like Europe/London or America/New_York."
                ),
                typed=repr(_shorten(text)),
            ) from None
        return Timezone(text)


# Units typed as words ("2 hours", "90 minutes") mean what their letter does.
_DURATION_WORDS = {
    **dict.fromkeys(("minutes", "minute", "mins"), "min"),
    **dict.fromkeys(("hours", "hour", "hrs", "hr"), "h"),
    **dict.fromkeys(("days", "day"), "d"),
    **dict.fromkeys(("weeks", "week"), "w"),
}
_DURATION_PART = re.compile(
    r"(\d{1,6})("
    + "|".join(sorted([*_DURATION_WORDS, "min", "m", "h", "d", "w"], key=len, reverse=True))
    + ")"
)


class DurationType(ParamType):
    """A span of time such as ``90m``, ``2h``, ``1d``, ``1w``."""

    kind = "duration"
    hint = N_("a span of time like 90m, 2h or 1d")
    UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}

    async def convert(self, raw: Any, resolver: Resolver | None) -> Duration:
        if isinstance(raw, timedelta):
            return Duration(seconds=raw.total_seconds())
        text = str(raw).strip().lower().replace(" ", "")
        parts = re.findall(_DURATION_PART, text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ArgumentError(
                _("{typed} is not {expected}"),
                typed=repr(_shorten(str(raw))),
                expected=Phrase(self.describe_in),
            )
        seconds = sum(int(n) * self.UNITS[_DURATION_WORDS.get(u, u)] for n, u in parts)
        if seconds <= 0 or seconds > 3650 * 86400:
            raise ArgumentError(_("that span of time is out of range"))
        return Duration(seconds=seconds)


MentionKind = Literal["channel", "member", "role"]
NOT_FOUND: dict[str, str] = {
    "channel": N_("I can't find a channel called {typed} here"),
    "member": N_("I can't find a member called {typed} here"),
    "role": N_("I can't find a role called {typed} here"),
}


@dataclass(frozen=True)
class _Mentionable:
    ref: type  # the value a platform may already have resolved (Discord's native pickers)
    hint: str
    find: Callable[[Resolver, str], Awaitable[Any]]


_MENTIONABLE: dict[str, _Mentionable] = {
    "channel": _Mentionable(
        ChannelRef, N_("a channel like #general"), lambda r, t: r.resolve_channel(t)
    ),
    "member": _Mentionable(MemberRef, N_("a member like @alex"), lambda r, t: r.resolve_member(t)),
    "role": _Mentionable(RoleRef, N_("a role like @Facilitator"), lambda r, t: r.resolve_role(t)),
}


class MentionType(ParamType):
    """A channel, member or role of this community: ``#name`` or ``@name`` typed on text
    platforms, a native picker on Discord (``kind`` says which)."""

    def __init__(self, kind: MentionKind) -> None:
        self.kind = kind
        self._what = _MENTIONABLE[kind]
        self.hint = self._what.hint

    async def convert(self, raw: Any, resolver: Resolver | None) -> Any:
        if isinstance(raw, self._what.ref):
            return raw
        found = await self._what.find(resolver, str(raw).strip()) if resolver else None
        if found is None:
            raise ArgumentError(NOT_FOUND[self.kind], typed=repr(_shorten(str(raw))))
        return found


class Off:
    """The word ``off``: remove a setting."""

    def __repr__(self) -> str:
        return "OFF"


OFF = Off()


class OrOff(ParamType):
    """Another parameter type, or the word ``off`` (returns :data:`OFF`) to remove a setting.

    Rendered as text on every platform, since a native channel or role picker cannot say "off".
    """

    kind = "str"

    def __init__(self, inner: ParamType) -> None:
        self.inner = inner
        self.hint = self.describe_in(ENGLISH)

    def describe_in(self, tr: Translator) -> str:
        return tr("{what}, or off", what=self.inner.describe_in(tr))

    async def convert(self, raw: Any, resolver: Resolver | None) -> Any:
        if isinstance(raw, str) and raw.strip().lower() in ("off", "none"):
            return OFF
        return await self.inner.convert(raw, resolver)


# How a bounded number is described: (no bounds, both, lower only, upper only).
WHOLE_BOUNDS = (
    N_("a whole number"),
    N_("a whole number from {low} to {high}"),
    N_("a whole number of at least {low}"),
    N_("a whole number of at most {high}"),
)
NUMBER_BOUNDS = (
    N_("a number"),
    N_("a number from {low} to {high}"),
    N_("a number of at least {low}"),
    N_("a number of at most {high}"),
)


def _bounds_text(
    tr: Translator, texts: tuple[str, str, str, str], lo: float | None, hi: float | None
) -> str:
    if lo is not None and hi is not None:
        return tr(texts[1], low=_num(lo, tr), high=_num(hi, tr))
    if lo is not None:
        return tr(texts[2], low=_num(lo, tr))
    if hi is not None:
        return tr(texts[3], high=_num(hi, tr))
    return tr.gettext(texts[0])


def _num(value: float, tr: Translator = ENGLISH) -> str:
    """A bound or a typed number: whole numbers as typed, fractions as the reader writes them."""
    return str(int(value)) if float(value).is_integer() else tr.number(value)


def _check_bounds(
    value: float, lo: float | None, hi: float | None, described: Callable[[Translator], str]
) -> None:
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ArgumentError(
            _("{value} is out of range: expected {expected}"),
            value=Phrase(lambda tr: _num(value, tr)),
            expected=Phrase(described),
        )


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
