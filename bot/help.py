"""Help generated from the command specs: the list, one command's details, a group's commands."""

from __future__ import annotations

from typing import Protocol

from bot.message import Message
from bot.spec import CommandSpec, Permission


class CommandCatalog(Protocol):
    """Whatever can list the commands someone may use (the bot, or a platform's view of it)."""

    def visible_commands(self, level: Permission) -> list[CommandSpec]: ...


def render_help(
    catalog: CommandCatalog, level: Permission, prefix: str, name: str | None = None
) -> Message:
    """Help generated from the spec, showing only what `level` may use."""
    specs = catalog.visible_commands(level)
    if name:
        wanted = tuple(name.lower().lstrip("!/").split())
        chosen = [s for s in specs if s.path[: len(wanted)] == wanted]
        if not chosen:
            return Message("I don't have a command called {name} that you can use.", {"name": name})
        lines = []
        for spec in chosen:
            lines.append(f"{spec.usage(prefix)} — {spec.description}")
            for p in spec.params:
                opt = "" if p.required else " (optional)"
                lines.append(f"    {p.name}: {p.description}; {p.type.describe()}{opt}")
        return Message("\n".join(lines))
    lines = ["Here's what I can do (options: name:value, quotes for spaces):"]
    for spec in specs:
        lines.append(f"{prefix}{spec.name} — {spec.description}")
    lines.append(f"Type {prefix}help <command> for details.")
    return Message("\n".join(lines))


def group_help(catalog: CommandCatalog, group: str, prefix: str, level: Permission) -> Message:
    """A command group typed without its subcommand: the ones the caller may use."""
    specs = [s for s in catalog.visible_commands(level) if s.path[0] == group]
    if not specs:
        return Message(
            f"The {prefix}{group} commands are for moderators or facilitators. "
            f"Type {prefix}help to see what you can do."
        )
    lines = [f"{prefix}{group} needs one more word:"]
    lines += [f"{prefix}{s.name} — {s.description}" for s in specs]
    lines.append(f"Type {prefix}help {group} for the details.")
    return Message("\n".join(lines))
