"""Help generated from the command specs: the list, one command's details, a group's commands.

Descriptions are looked up in the reader's catalog (a command's description marked with ``_``
where it is declared is translated; others stay English until someone marks them)."""

from __future__ import annotations

from typing import Protocol

from bot.i18n import ENGLISH, Translator
from bot.message import Message
from bot.spec import CommandSpec, Permission


class CommandCatalog(Protocol):
    """Whatever can list the commands someone may use (the bot, or a platform's view of it)."""

    def visible_commands(self, level: Permission) -> list[CommandSpec]: ...


def render_help(
    catalog: CommandCatalog,
    level: Permission,
    prefix: str,
    name: str | None = None,
    tr: Translator = ENGLISH,
) -> Message:
    """Help generated from the spec, showing only what `level` may use, in ``tr``'s language."""
    specs = catalog.visible_commands(level)
    if name:
        wanted = tuple(name.lower().lstrip("!/").split())
        chosen = [s for s in specs if s.path[: len(wanted)] == wanted]
        if not chosen:
            return Message(
                tr.gettext("I don't have a command called {name} that you can use."),
                {"name": name},
            )
        lines = []
        optional = tr.gettext(" (optional)")
        for spec in chosen:
            lines.append(f"{spec.usage(prefix)} — {tr.gettext(spec.description)}")
            for p in spec.params:
                opt = "" if p.required else optional
                lines.append(
                    f"    {p.name}: {tr.gettext(p.description)}; {p.type.describe_in(tr)}{opt}"
                )
        return Message("\n".join(lines))
    lines = [tr.gettext("Here's what I can do (options: name:value, quotes for spaces):")]
    for spec in specs:
        lines.append(f"{prefix}{spec.name} — {tr.gettext(spec.description)}")
    lines.append(tr("Type {help} for details.", help=f"{prefix}help <command>"))
    return Message("\n".join(lines))


def group_help(
    catalog: CommandCatalog,
    group: str,
    prefix: str,
    level: Permission,
    tr: Translator = ENGLISH,
) -> Message:
    """A command group typed without its subcommand: the ones the caller may use."""
    specs = [s for s in catalog.visible_commands(level) if s.path[0] == group]
    if not specs:
        return Message(
            tr(
                "The {group} commands are for moderators or facilitators. Type {help} to see "
                "what you can do.",
                group=f"{prefix}{group}",
                help=f"{prefix}help",
            )
        )
    lines = [tr("{group} needs one more word:", group=f"{prefix}{group}")]
    lines += [f"{prefix}{s.name} — {tr.gettext(s.description)}" for s in specs]
    lines.append(tr("Type {help} for the details.", help=f"{prefix}help {group}"))
    return Message("\n".join(lines))
