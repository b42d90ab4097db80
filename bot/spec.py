"""The platform-neutral command spec.

A cog method decorated with :func:`command` becomes a command on every platform. Parameters are
declared with ordinary type hints (``Annotated[int, Range(1, 5), "How you feel"]``); the spec
turns them into :class:`Param` objects whose :class:`ParamType` validates every value once, in
the core, with one set of friendly messages. Platform adapters only translate.
"""

from __future__ import annotations

import enum
import inspect
import re
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Annotated, Any, Literal, get_args, get_origin

MAX_TEXT = 4000  # the longest free text any command accepts, whatever its own limit says


class Permission(enum.IntEnum):
    """Who may run a command. Higher levels include the lower ones."""

    MEMBER = 0
    FACILITATOR = 1
    MODERATOR = 2

    @property
    def label(self) -> str:
        """Lower-case name, as people type it."""
        return self.name.lower()


Level = Permission  # old name, for the adapters under bot/platforms until their packages land


class ArgumentError(ValueError):
    """A value a person typed is not acceptable; the message is shown to them as is."""


# --- markers used inside Annotated[...] ---------------------------------------------------


@dataclass(frozen=True)
class Range:
    """Inclusive numeric bounds."""

    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class MaxLen:
    """The longest text accepted, in characters."""

    n: int


@dataclass(frozen=True)
class Rest:
    """On a text option: typed bare, it takes the rest of the words (``/checkin 4 long day``);
    options after it are then given by name. Typed in quotes it is one value, and a word after
    it that no option can take is an error, never more text."""


@dataclass(frozen=True)
class MinLen:
    """The shortest text accepted, in characters."""

    n: int


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
    hint = "text"

    async def convert(self, raw: Any, resolver: Resolver | None) -> Any:
        """Return the validated value or raise :class:`ArgumentError`."""
        raise NotImplementedError

    def describe(self) -> str:
        """A short human description used in help and usage lines."""
        return self.hint

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
        return _bounds_text("a whole number", self.min, self.max)

    async def convert(self, raw: Any, resolver: Resolver | None) -> int:
        if type(raw) is str and _WHOLE_NUMBER.fullmatch(raw):  # typed text: the usual case
            value = int(raw)
        elif isinstance(raw, bool):
            raise ArgumentError("expected a whole number")
        elif isinstance(raw, int):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        else:
            text = str(raw).strip()
            if _ANY_WHOLE_NUMBER.fullmatch(text) and not _WHOLE_NUMBER.fullmatch(text):
                # a whole number too long to be meant (and too long to convert cheaply)
                raise ArgumentError(
                    f"{_shorten(text)!r} is out of range: expected {self.describe()}"
                )
            if not _WHOLE_NUMBER.fullmatch(text):
                raise ArgumentError(f"{_shorten(text)!r} is not {self.describe()}")
            value = int(text)
        _check_bounds(value, self.min, self.max, self.describe)
        return value


@dataclass(eq=False)
class FloatType(ParamType):
    """A number with an optional fraction, optionally bounded."""

    min: float | None = None
    max: float | None = None
    kind = "float"

    def describe(self) -> str:
        return _bounds_text("a number", self.min, self.max)

    async def convert(self, raw: Any, resolver: Resolver | None) -> float:
        if isinstance(raw, bool):
            raise ArgumentError("expected a number")
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise ArgumentError(f"{_shorten(str(raw))!r} is not {self.describe()}") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ArgumentError(f"expected {self.describe()}")
        _check_bounds(value, self.min, self.max, self.describe)
        return value


@dataclass(eq=False)
class StrType(ParamType):
    """Free text with a length limit. Stored verbatim; escaped wherever it is shown."""

    max_len: int = 200
    min_len: int = 1
    kind = "str"

    def describe(self) -> str:
        return f"text (up to {self.max_len} characters)"

    async def convert(self, raw: Any, resolver: Resolver | None) -> str:
        text = str(raw).strip()
        if len(text) < self.min_len:
            raise ArgumentError("this can't be empty")
        if len(text) > self.max_len:
            raise ArgumentError(
                f"that's {len(text):,} characters; the limit is {self.max_len:,}. Could you shorten it?"
            )
        return text


@dataclass(eq=False)
class BoolType(ParamType):
    """yes/no."""

    kind = "bool"
    hint = "yes or no"
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
        raise ArgumentError(f"{_shorten(str(raw))!r} is not yes or no")


@dataclass(eq=False)
class ChoiceType(ParamType):
    """One of a fixed set of words."""

    choices: tuple[str, ...] = ()
    kind = "choice"

    def describe(self) -> str:
        return "one of " + ", ".join(self.choices)

    async def convert(self, raw: Any, resolver: Resolver | None) -> str:
        text = str(raw).strip().lower()
        for choice in self.choices:
            if text == choice.lower():
                return choice
        raise ArgumentError(
            f"{_shorten(str(raw))!r} is not an option here. Choose {self.describe()}"
        )


class DateType(ParamType):
    """A calendar date, ``YYYY-MM-DD``."""

    kind = "date"
    hint = "a date like 2026-03-14"

    async def convert(self, raw: Any, resolver: Resolver | None) -> date:
        if isinstance(raw, date):
            return raw
        text = str(raw).strip()
        match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if not match:
            raise ArgumentError(
                f"{_shorten(text)!r} is not a date. Use YYYY-MM-DD, like 2026-03-14"
            )
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            raise ArgumentError(f"{text} is not a date on the calendar") from None


class TimeType(ParamType):
    """A time of day, 24-hour ``HH:MM``."""

    kind = "time"
    hint = "a time like 09:00 or 21:30"

    async def convert(self, raw: Any, resolver: Resolver | None) -> time:
        if isinstance(raw, time):
            return raw
        text = str(raw).strip()
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ArgumentError(
                f"{_shorten(text)!r} is not a time of day. Use 24-hour time like 09:00 or 21:30"
            )
        return time(int(match[1]), int(match[2]))


class TimezoneType(ParamType):
    """An IANA timezone name such as Europe/London (never an offset)."""

    kind = "timezone"
    hint = "a timezone like Europe/London or America/New_York"

    async def convert(self, raw: Any, resolver: Resolver | None) -> Timezone:
        from bot.timeutil import UnknownTimezone, abbreviation_hint, canonical_zone, zone

        text = str(raw).strip()
        hint = abbreviation_hint(text)
        text = canonical_zone(text)
        if hint is not None:
            raise ArgumentError(f"{hint} Use your place's zone, so daylight saving is right.")
        try:
            zone(text)
        except UnknownTimezone as err:
            hint = (
                " Did you mean " + " or ".join(err.suggestions[:3]) + "?" if err.suggestions else ""
            )
            raise ArgumentError(
                f"I don't know the timezone {_shorten(text)!r}.{hint} "
                "Use a name like Europe/London or America/New_York."
            ) from None
        return Timezone(text)


class DurationType(ParamType):
    """A span of time such as ``90m``, ``2h``, ``1d``, ``1w``."""

    kind = "duration"
    hint = "a span of time like 90m, 2h or 1d"
    UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}

    async def convert(self, raw: Any, resolver: Resolver | None) -> Duration:
        if isinstance(raw, timedelta):
            return Duration(seconds=raw.total_seconds())
        text = str(raw).strip().lower().replace(" ", "")
        parts = re.findall(r"(\d{1,6})(min|m|h|d|w)", text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ArgumentError(f"{_shorten(str(raw))!r} is not {self.hint}")
        seconds = sum(int(n) * self.UNITS[u] for n, u in parts)
        if seconds <= 0 or seconds > 3650 * 86400:
            raise ArgumentError("that span of time is out of range")
        return Duration(seconds=seconds)


MentionKind = Literal["channel", "member", "role"]


@dataclass(frozen=True)
class _Mentionable:
    ref: type  # the value a platform may already have resolved (Discord's native pickers)
    hint: str
    find: Callable[[Resolver, str], Awaitable[Any]]


_MENTIONABLE: dict[str, _Mentionable] = {
    "channel": _Mentionable(
        ChannelRef, "a channel like #general", lambda r, t: r.resolve_channel(t)
    ),
    "member": _Mentionable(MemberRef, "a member like @alex", lambda r, t: r.resolve_member(t)),
    "role": _Mentionable(RoleRef, "a role like @Facilitator", lambda r, t: r.resolve_role(t)),
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
            raise ArgumentError(f"I can't find a {self.kind} called {_shorten(str(raw))!r} here")
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
        self.hint = f"{inner.describe()}, or off"

    async def convert(self, raw: Any, resolver: Resolver | None) -> Any:
        if isinstance(raw, str) and raw.strip().lower() in ("off", "none"):
            return OFF
        return await self.inner.convert(raw, resolver)


# --- params and commands ----------------------------------------------------------------------

_MISSING = object()


@dataclass
class Param:
    """One declared parameter of a command."""

    name: str
    type: ParamType
    description: str
    required: bool
    default: Any = None
    autocomplete: str | None = None  # "timezone" or "region": adapters may offer suggestions
    rest: bool = False  # takes the rest of the typed words (see Rest)

    def usage(self) -> str:
        """``name`` for required, ``[name]`` for optional."""
        return f"<{self.name}>" if self.required else f"[{self.name}]"


Handler = Callable[..., Awaitable[None]]


@dataclass
class CommandSpec:
    """A command as every platform sees it."""

    path: tuple[str, ...]
    description: str
    params: list[Param]
    private: bool
    level: Permission
    handler: Handler
    cog: Any = None
    hidden: bool = False
    examples: tuple[str, ...] = ()
    defer: bool = False  # may take long: platforms acknowledge first (Discord defers)
    unlimited: bool = False  # never rate limited: help in a crisis must answer however fast

    @property
    def name(self) -> str:
        """Space-separated full name, e.g. ``milestone set``."""
        return " ".join(self.path)

    def param(self, name: str) -> Param | None:
        """The parameter called `name`, if any."""
        by_name = self.__dict__.get("_by_name")
        if by_name is None or len(by_name) != len(self.params):
            by_name = self.__dict__["_by_name"] = {p.name: p for p in self.params}
        return by_name.get(name)

    def usage(self, prefix: str = "!") -> str:
        """The usage line, e.g. ``!checkin <mood> [cravings] [note] [share]``."""
        parts = [prefix + self.name] + [p.usage() for p in self.params]
        return " ".join(parts)


@dataclass
class _PendingCommand:
    path: tuple[str, ...]
    description: str
    private: bool
    level: Permission
    hidden: bool
    examples: tuple[str, ...]
    defer: bool
    autocomplete: dict[str, str] = field(default_factory=dict)
    unlimited: bool = False


def command(
    name: str,
    description: str,
    *,
    private: bool = False,
    level: Permission = Permission.MEMBER,
    hidden: bool = False,
    examples: tuple[str, ...] = (),
    defer: bool = False,
    autocomplete: dict[str, str] | None = None,
    unlimited: bool = False,
) -> Callable[[Handler], Handler]:
    """Declare a cog method as a command. ``name`` may contain spaces for subcommands.

    ``unlimited`` exempts it from the per-member command rate limit (crisis help only)."""
    path = tuple(name.split())
    if not path or any(not re.fullmatch(r"[a-z][a-z0-9-]{0,31}", p) for p in path):
        raise ValueError(f"bad command name {name!r}")

    def decorate(fn: Handler) -> Handler:
        fn.__peerbot_command__ = _PendingCommand(  # type: ignore[attr-defined]
            path,
            description,
            private,
            level,
            hidden,
            examples,
            defer,
            dict(autocomplete or {}),
            unlimited,
        )
        return fn

    return decorate


def build_spec(cog: Any, method: Handler) -> CommandSpec:
    """Turn a decorated bound method into a :class:`CommandSpec`."""
    pending: _PendingCommand = method.__peerbot_command__  # type: ignore[attr-defined]
    hints = typing.get_type_hints(method, include_extras=True)
    signature = inspect.signature(method)
    params: list[Param] = []
    for index, (pname, sparam) in enumerate(signature.parameters.items()):
        if index == 0:  # ctx
            continue
        if pname not in hints:
            raise TypeError(f"{pending.path}: parameter {pname} needs a type hint")
        ptype, description, optional = _param_type(hints[pname])
        ptype = ptype.bind(cog)
        has_default = sparam.default is not inspect.Parameter.empty
        params.append(
            Param(
                name=pname,
                type=ptype,
                description=description or pname,
                required=not has_default,
                default=sparam.default if has_default else None,
                autocomplete=pending.autocomplete.get(pname)
                or ("timezone" if isinstance(ptype, TimezoneType) else None),
                rest=_marked(hints[pname], Rest),
            )
        )
    return CommandSpec(
        path=pending.path,
        description=pending.description,
        params=params,
        private=pending.private,
        level=pending.level,
        handler=method,
        cog=cog,
        hidden=pending.hidden,
        examples=pending.examples,
        defer=pending.defer,
        unlimited=pending.unlimited,
    )


def _param_type(hint: Any) -> tuple[ParamType, str, bool]:
    """(type, description, optional) for one annotation."""
    description = ""
    optional = False
    metadata: list[Any] = []
    if get_origin(hint) is Annotated:
        hint, *metadata = get_args(hint)
    if get_origin(hint) in (typing.Union, _UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        optional = len(args) != len(get_args(hint))
        hint = args[0] if len(args) == 1 else hint
        if get_origin(hint) is Annotated:
            hint, *more = get_args(hint)
            metadata.extend(more)
    explicit = next((m for m in metadata if isinstance(m, ParamType)), None)
    for item in metadata:
        if isinstance(item, str):
            description = item
    if explicit is not None:
        return explicit, description, optional
    rng = next((m for m in metadata if isinstance(m, Range)), Range())
    max_len = next((m.n for m in metadata if isinstance(m, MaxLen)), 200)
    min_len = next((m.n for m in metadata if isinstance(m, MinLen)), 1)
    if get_origin(hint) is Literal:
        return ChoiceType(tuple(str(a) for a in get_args(hint))), description, optional
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return ChoiceType(tuple(str(m.value) for m in hint)), description, optional
    simple: dict[Any, ParamType] = {
        bool: BoolType(),
        Timezone: TimezoneType(),
        Duration: DurationType(),
        date: DateType(),
        time: TimeType(),
        ChannelRef: MentionType("channel"),
        MemberRef: MentionType("member"),
        RoleRef: MentionType("role"),
    }
    if hint in simple:
        return simple[hint], description, optional
    if hint is int:
        return IntType(_int_or_none(rng.min), _int_or_none(rng.max)), description, optional
    if hint is float:
        return FloatType(rng.min, rng.max), description, optional
    if hint is str:
        return StrType(min(max_len, MAX_TEXT), min_len), description, optional
    raise TypeError(f"unsupported parameter type {hint!r}")


_UnionType = type(int | None)


def _marked(hint: Any, marker: type) -> bool:
    """Whether an annotation (or the Annotated inside its ``| None``) carries `marker`."""
    if get_origin(hint) in (typing.Union, _UnionType):
        return any(_marked(a, marker) for a in get_args(hint))
    if get_origin(hint) is Annotated:
        return any(isinstance(m, marker) or m is marker for m in get_args(hint)[1:])
    return False


def _int_or_none(value: float | None) -> int | None:
    return None if value is None else int(value)


def _bounds_text(noun: str, lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"{noun} from {_num(lo)} to {_num(hi)}"
    if lo is not None:
        return f"{noun} of at least {_num(lo)}"
    if hi is not None:
        return f"{noun} of at most {_num(hi)}"
    return noun


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _check_bounds(
    value: float, lo: float | None, hi: float | None, described: Callable[[], str]
) -> None:
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ArgumentError(f"{_num(value)} is out of range: expected {described()}")


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
