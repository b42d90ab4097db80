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
from datetime import date, time
from typing import Annotated, Any, Literal, get_args, get_origin

from bot.param_types import (  # the declaration API: cogs import these from bot.spec
    OFF,
    ArgumentError,
    BoolType,
    ChannelRef,
    ChoiceType,
    DateType,
    Duration,
    DurationType,
    FloatType,
    IntType,
    MemberRef,
    MentionKind,
    MentionType,
    Off,
    OrOff,
    ParamType,
    Resolver,
    RoleRef,
    StrType,
    TimeType,
    Timezone,
    TimezoneType,
)

__all__ = [
    "MAX_TEXT",
    "OFF",
    "ArgumentError",
    "BoolType",
    "ChannelRef",
    "ChoiceType",
    "CommandSpec",
    "DateType",
    "Duration",
    "DurationType",
    "FloatType",
    "Handler",
    "IntType",
    "MaxLen",
    "MemberRef",
    "MentionKind",
    "MentionType",
    "MinLen",
    "Off",
    "OrOff",
    "Param",
    "ParamType",
    "Permission",
    "Range",
    "Resolver",
    "Rest",
    "RoleRef",
    "StrType",
    "TimeType",
    "Timezone",
    "TimezoneType",
    "build_spec",
    "command",
]

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
    # Asking for a person: when what the member typed is urgent, the moderators hear their name
    # (this alert) even if the command is then refused (a typo, a limit): see Bot.text_screen.
    urgent_alert: str | None = None

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
    urgent_alert: str | None = None


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
    urgent_alert: str | None = None,
) -> Callable[[Handler], Handler]:
    """Declare a cog method as a command. ``name`` may contain spaces for subcommands.

    ``unlimited`` exempts it from the per-member command rate limit (crisis help only).
    ``urgent_alert`` (a template with ``{name}``): the command asks for a person, so urgent
    typed text tells the moderators the member's name, however the command itself ends."""
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
            urgent_alert,
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
        urgent_alert=pending.urgent_alert,
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
