"""Help generated from the command specs: the list, one command's details, a group's commands.

Descriptions are looked up in the reader's catalog (a command's description marked with ``_``
where it is declared is translated; others stay English until someone marks them)."""

from __future__ import annotations

import re
from typing import Protocol

from bot.i18n import ENGLISH, Translator
from bot.message import Message
from bot.spec import CommandSpec, Param, Permission

# A word that is an example (GB, Europe/London, 09:00, 30m, #general, @alex): with a digit, one
# of # @ / :, or two capitals. An option's description that already gives one of its type's
# examples says what the type would say again.
_WORD = re.compile(r"[\w#@][\w/:.+-]*")
_EXAMPLE = re.compile(r"\d|[#@/:]|^[A-Z]{2}")


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
                lines.append(f"    {p.name}: {_option_help(p, tr)}{opt}")
        return Message("\n".join(lines))
    lines = [tr.gettext("Here's what I can do (options: name:value, quotes for spaces):")]
    for spec in specs:
        lines.append(f"{prefix}{spec.name} — {tr.gettext(spec.description)}")
    lines.append(tr("Type {help} for details.", help=f"{prefix}help <command>"))
    return Message("\n".join(lines))


def _option_help(param: Param, tr: Translator) -> str:
    """What an option is for, then what it takes; each once: an option declared without a
    description (it reads as its name) is described by its type alone, and a description that
    gives the type's examples already ("A two-letter country code, like GB or US") by itself."""
    shown = param.type.describe_in(tr)
    if param.description == param.name:
        return shown
    said = tr.gettext(param.description)
    # decided in English, as declared: a translation may choose its own examples
    if _says_again(param.type.describe_in(ENGLISH), param.description):
        return said
    return f"{said}; {shown}"


def _says_again(shown: str, said: str) -> bool:
    """Whether ``said`` gives ``shown``'s examples already: one of its words (GB, 09:00), or
    every one of its bare numbers (a range, "1 (very low) to 5 (good)")."""
    examples, given = _examples(shown), _examples(said)
    numbers = {w for w in examples if w.isdigit()}
    return bool((examples - numbers) & given) or bool(numbers) and numbers <= given


def _examples(text: str) -> set[str]:
    words = (w.rstrip(".:") for w in _WORD.findall(text))
    return {w for w in words if _EXAMPLE.search(w)}


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
