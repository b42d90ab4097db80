"""What to say about a command name nobody declared: "did you mean" among the commands the
caller may use (a member is never pointed at a moderator's command), or a group's commands."""

from __future__ import annotations

import difflib

from bot.help import group_help
from bot.i18n import ENGLISH, Translator
from bot.message import Message
from bot.registry import CommandRegistry
from bot.spec import Permission

LONGEST_SHOWN = 40  # longer typed names are cut in the reply and get no suggestion


def suggest(registry: CommandRegistry, words: list[str], level: Permission) -> list[str]:
    """Up to two command names close to a mistyped one, closest first."""
    names = registry.usable_names(level)
    scored: dict[str, float] = {}
    for length in range(min(len(words), 3), 0, -1):
        typed = " ".join(words[:length]).lower()
        for name in difflib.get_close_matches(typed, names, n=2, cutoff=0.6):
            ratio = difflib.SequenceMatcher(None, typed, name).ratio()
            scored[name] = max(scored.get(name, 0.0), ratio)
    return sorted(scored, key=lambda name: -scored[name])[:2]


def typed_name(registry: CommandRegistry, words: list[str]) -> str:
    """The words that were meant as a command name: a known group and the next word, else the
    first word."""
    if len(words) > 1 and words[0].lower() in registry.groups():
        return " ".join(words[:2])
    return words[0] if words else ""


def unknown_command(
    registry: CommandRegistry,
    words: list[str],
    prefix: str,
    level: Permission,
    tr: Translator = ENGLISH,
) -> Message:
    """The reply to a command name that matched nothing, in ``tr``'s language."""
    if len(words) == 1 and words[0].lower() in registry.groups():
        return group_help(registry, words[0].lower(), prefix, level, tr)
    word = typed_name(registry, words)
    shown = word if len(word) <= LONGEST_SHOWN else word[: LONGEST_SHOWN - 1] + "…"
    close = suggest(registry, words, level) if len(word) <= LONGEST_SHOWN else []
    if close:
        return Message(
            tr.gettext(
                "I don't know the command {word}. Did you mean {close}? Type {help} to see what "
                "I can do."
            ),
            {"word": shown, "close": f"{prefix}{close[0]}", "help": f"{prefix}help"},
        )
    return Message(
        tr.gettext("I don't know the command {word}. Type {help} to see what I can do."),
        {"word": shown, "help": f"{prefix}help"},
    )
