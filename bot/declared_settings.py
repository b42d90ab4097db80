"""Community settings, declared by the feature that reads them.

A cog lists its settings in ``community_settings`` (``CommunitySetting("partner.trios", "Trios …",
ON_OFF, default="off")``); the core collects them when the cog is added, as it does channel
purposes. ``/community show`` lists every declared setting with its value (or its default),
``/community set NAME VALUE`` changes one that has no command of its own (audited, converted by
the setting's type, refused below the setting's level), and ``/help community set`` names them
all. A feature reads its setting with ``await ctx.setting_value(name)`` (stored value, else the
declared default). Settings stored under a name no feature declares are left alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.spec import ChoiceType, ParamType, Permission

if TYPE_CHECKING:
    from bot.context import Context
    from bot.i18n import Translator

ON_OFF = ChoiceType(("on", "off"))
RESET = "default"  # typed as the value: back to the default (the stored value is removed)


@dataclass(frozen=True)
class CommunitySetting:
    """One community setting a feature reads."""

    name: str  # the key in community_settings, typed by moderators: partner.trios
    label: str  # as moderators read it: "Trios when a round leaves one member out"
    type: ParamType = ON_OFF  # converts what a moderator types (the value stored is its text)
    default: str | None = None  # what the feature does when nothing is stored (shown as such)
    level: Permission = Permission.MODERATOR  # who may change it
    # a command of its own that changes it (with checks or side effects): `/community set`
    # then points there instead of changing it
    command: str | None = None
    # how a value (None: nothing stored) reads: a role id as its name …; None: the value itself
    show: Callable[[Context, str | None], Awaitable[str]] | None = None

    async def shown(self, ctx: Context, value: str | None) -> str:
        """The value as moderators read it: "not set", "on (the default)", a role's name."""
        if self.show is not None:
            return await self.show(ctx, value)
        if value is None:
            if self.default is None:
                return ctx.t("not set")
            return ctx.t("{value} (the default)", value=self.default)
        return value

    def how_to_change(self, ctx: Context) -> str:
        """The command that changes it, as typed on this platform."""
        if self.command is not None:
            return ctx.command_hint(self.command)
        choices = "|".join(self.type.choices) if isinstance(self.type, ChoiceType) else "VALUE"
        return f"{ctx.command_hint('community set')} {self.name} {choices}"


class DeclaredSettings:
    """Every declared community setting, in the order declared, with the cog that declared it."""

    def __init__(self) -> None:
        self._settings: dict[str, tuple[str, CommunitySetting]] = {}

    def declare(self, setting: CommunitySetting, *, by: str) -> None:
        """Add ``setting`` for cog ``by``; a name has one owner."""
        parts = setting.name.split(".")
        if not all(p.isidentifier() for p in parts) or setting.name != setting.name.lower():
            raise ValueError(f"bad setting name {setting.name!r}")
        if setting.name.startswith("channel."):
            raise ValueError(f"{setting.name!r}: channels are declared as channel purposes")
        if setting.name in self._settings:
            owner = self._settings[setting.name][0]
            raise ValueError(f"setting {setting.name!r} declared twice ({owner!r}, {by!r})")
        self._settings[setting.name] = (by, setting)

    def get(self, name: str) -> CommunitySetting | None:
        """The setting called ``name``, or None."""
        found = self._settings.get(name)
        return found[1] if found else None

    def all(self) -> list[CommunitySetting]:
        """Every setting, in the order declared."""
        return [setting for _, setting in self._settings.values()]

    def names(self) -> tuple[str, ...]:
        """Every setting name, in the order declared."""
        return tuple(self._settings)

    def settable_names(self) -> tuple[str, ...]:
        """The names ``/community set`` changes itself (the others have a command of their own)."""
        return tuple(name for name, (_, s) in self._settings.items() if s.command is None)


class SettingNameType(ChoiceType):
    """One of the settings declared when the value is typed (features load after the command
    that offers them is declared)."""

    def __init__(self, settings: DeclaredSettings | None = None) -> None:
        self.settings = settings

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        return self.settings.names() if self.settings is not None else ()

    def describe_in(self, tr: Translator) -> str:
        # every name is accepted (one with a command of its own is pointed there), but the
        # help lists only those this command changes
        names = self.settings.settable_names() if self.settings is not None else ()
        return tr("one of {choices}", choices=", ".join(names))

    def bind(self, cog: Any) -> SettingNameType:
        return SettingNameType(cog.bot.declared_settings)
