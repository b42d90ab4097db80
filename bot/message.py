"""What the bot says: a template written by peerbot plus values typed by people.

Values are escaped by each platform (markdown on Discord, HTML on Matrix) so that member text is
never rendered as a mention, a link or markup. Buttons name a command to run; text platforms show
the command to type instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.i18n import N_

# How a text platform offers a button, in the reader's language (Context fills it in).
BUTTON_LINE = N_("{label}: type {command}")


@dataclass(frozen=True)
class Button:
    """A button that runs a command when pressed (``form=True`` opens a form for its options)."""

    label: str
    command: str
    args: Mapping[str, str] = field(default_factory=dict)
    form: bool = False
    style: str = "primary"  # primary | secondary | success | danger

    def as_text(self, prefix: str = "!", line: str = BUTTON_LINE) -> str:
        """How a text platform offers the same action (``line``: :data:`BUTTON_LINE` in the
        reader's language)."""
        args = " ".join(f'{k}:"{v}"' if " " in v else f"{k}:{v}" for k, v in self.args.items())
        typed = f"{prefix}{self.command}" + (f" {args}" if args else "")
        return line.format(label=self.label, command=typed)


@dataclass(frozen=True)
class Ping:
    """Someone a message notifies on purpose (only urgent alerts do): a user or a role.

    Platforms allow exactly these mentions for that one message and never a mass mention."""

    kind: str  # "user" | "role"
    id: str
    name: str


@dataclass(frozen=True)
class Attachment:
    """A file the bot sends (export JSON, check-in chart)."""

    filename: str
    data: bytes
    mime: str = "application/octet-stream"


class Hidden(str):
    """Member text a reader opens on purpose (a post behind a content warning). Platforms show
    it as a spoiler (Discord ``||…||``, Matrix ``data-mx-spoiler`` kept out of the plain body that
    notifications preview) or as :data:`HIDDEN` (the console until ``:reveal``)."""


HIDDEN = "[hidden]"


@dataclass(frozen=True)
class Message:
    """A message as cogs write it; platforms render it."""

    template: str
    values: Mapping[str, Any] = field(default_factory=dict)
    buttons: tuple[Button, ...] = ()
    file: Attachment | None = None
    pings: tuple[Ping, ...] = ()
    button_line: str = BUTTON_LINE  # how text platforms offer each button, translated

    def render(
        self, escape: Callable[[str], str] = str, hide: Callable[[str], str] | None = None
    ) -> str:
        """The text with every value escaped by `escape`; a :class:`Hidden` value escaped and
        then wrapped by `hide` (without one it shows as :data:`HIDDEN`)."""
        if not self.values:
            return self.template
        return self.template.format(**{k: _shown(v, escape, hide) for k, v in self.values.items()})

    def render_with_buttons(
        self,
        prefix: str = "!",
        escape: Callable[[str], str] = str,
        hide: Callable[[str], str] | None = None,
    ) -> str:
        """Text for platforms without buttons: the text, then one line per button."""
        text = self.render(escape, hide)
        if self.buttons:
            text += "\n" + "\n".join(
                "→ " + b.as_text(prefix, self.button_line) for b in self.buttons
            )
        return text


def _shown(value: Any, escape: Callable[[str], str], hide: Callable[[str], str] | None) -> str:
    if isinstance(value, Hidden):
        return hide(escape(str(value))) if hide is not None else HIDDEN
    return escape(str(value))


def neutralize_mentions(text: str) -> str:
    """Break ``@everyone``-style mass mentions in plain text (a zero-width joiner after the @)."""
    for word in ("@everyone", "@here", "@room", "@channel"):
        text = text.replace(word, "@\u2060" + word[1:])
    return text
