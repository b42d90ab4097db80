"""Turning peerbot messages into Discord messages, and forms into modals."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from typing import Any

import discord

from bot.i18n import ENGLISH, Translator
from bot.message import Button, Message, Ping
from bot.platforms.discord.commands import (
    button_custom_id,
    form_custom_id,
    form_params,
    form_placeholder,
)
from bot.platforms.text_split import split_message
from bot.spec import CommandSpec, StrType

log = logging.getLogger(__name__)

CONTENT_MAX = 2000
SPOILER_PIECE = CONTENT_MAX - 100  # a spoilered piece and the ||…|| around it fit a message
NO_MENTIONS = discord.AllowedMentions.none()
_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
}
# At a line's start a member's "#", "-" or ">" becomes a heading, list or quote as soon as the
# template puts a space after the value, so these are escaped whatever follows.
_LINE_START_MARKUP = re.compile(r"(?m)^(\s*)([#>-])")
_LINE_START_NUMBER = re.compile(r"(?m)^(\s*\d+)\.")


_URL = re.compile(r"https?://[^\s<>]+")
_MARKUP_CHARACTERS = frozenset("*_`~|[")


def escape(text: str) -> str:
    """Member text shown as typed: no markdown, no mentions, no headings, no <…> markup."""
    text = discord.utils.escape_markdown(discord.utils.escape_mentions(text))
    text = _escape_leftovers(text).replace("<", "\\<")
    text = _LINE_START_MARKUP.sub(r"\1\\\2", text)
    return _LINE_START_NUMBER.sub(r"\1\\.", text)


def spoiler(escaped: str) -> str:
    """Escaped member text behind Discord spoilers, one per line and per piece that fits in a
    message, so splitting a long message never leaves a piece open (its ``|`` are escaped)."""
    pieces: list[str] = []
    for line in escaped.split("\n"):
        while len(line) > SPOILER_PIECE:
            cut = SPOILER_PIECE
            while cut > 1 and _odd_backslashes(line[:cut]):
                cut -= 1  # never split a backslash from the character it escapes
            pieces.append(f"||{line[:cut]}||")
            line = line[cut:]
        pieces.append(f"||{line}||" if line.strip() else line)
    return "\n".join(pieces)


def _odd_backslashes(text: str) -> bool:
    return (len(text) - len(text.rstrip("\\"))) % 2 == 1


def _escape_leftovers(text: str) -> str:
    """discord.py leaves the target of what looks like a masked link as typed
    (``[a](**b**)``); with its ``[`` escaped that target is plain text, and its markup would
    show; and it escapes only the first `[` of `[[a](https://…)`. Escape every markup
    character still live and every `[`; inside web addresses only `[`."""
    parts, position = [], 0
    for url in _URL.finditer(text):
        # a "[" even inside an address could open a masked link: "http://[a](https://x)"
        parts += [_escape_live(text[position : url.start()]), url.group().replace("[", "\\[")]
        position = url.end()
    parts.append(_escape_live(text[position:]))
    return "".join(parts)


def _escape_live(segment: str) -> str:
    out, backslashes = [], 0
    for char in segment:
        if char in _MARKUP_CHARACTERS and backslashes % 2 == 0:
            out.append("\\")
        out.append(char)
        backslashes = backslashes + 1 if char == "\\" else 0
    return "".join(out)


@dataclass
class Outgoing:
    """One Discord message to send: content plus, on the last part, buttons and a file."""

    content: str
    view: discord.ui.View | None = None
    file: discord.File | None = None
    allowed: discord.AllowedMentions = NO_MENTIONS

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments shared by channel sends, interaction replies and follow-ups."""
        args: dict[str, Any] = {"content": self.content, "allowed_mentions": self.allowed}
        if self.view is not None:
            args["view"] = self.view
        if self.file is not None:
            args["file"] = self.file
        return args

    def edit_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for filling in a deferred ("thinking…") response."""
        args: dict[str, Any] = {"content": self.content, "allowed_mentions": NO_MENTIONS}
        if self.view is not None:
            args["view"] = self.view
        if self.file is not None:
            args["attachments"] = [self.file]
        return args


def render(message: Message, prefix: str = "/", guild: str | None = None) -> list[Outgoing]:
    """The message as one or more Discord messages (Discord refuses more than 2000 characters).
    `guild` goes into button ids when the message is a direct message."""
    # Mass mentions are neutralised even in templates: error messages quote what was typed.
    text = discord.utils.escape_mentions(message.render(escape=escape, hide=spoiler))
    view, leftover = _view(message.buttons, guild)
    if leftover:
        text += "\n" + "\n".join("→ " + b.as_text(prefix, message.button_line) for b in leftover)
    if message.pings:
        text = " ".join(_mention(p) for p in message.pings) + " " + text
    parts = split_text(text)
    out = [Outgoing(part) for part in parts]
    if message.pings:
        out[0].allowed = allowed_pings(message.pings)
    out[-1].view = view
    if message.file is not None:
        out[-1].file = discord.File(io.BytesIO(message.file.data), filename=message.file.filename)
    return out


def _mention(ping: Ping) -> str:
    return f"<@&{int(ping.id)}>" if ping.kind == "role" else f"<@{int(ping.id)}>"


def allowed_pings(pings: tuple[Ping, ...]) -> discord.AllowedMentions:
    """Exactly these users and roles may be notified; never @everyone, never a reply."""
    return discord.AllowedMentions(
        everyone=False,
        users=[discord.Object(int(p.id)) for p in pings if p.kind == "user"],
        roles=[discord.Object(int(p.id)) for p in pings if p.kind == "role"],
        replied_user=False,
    )


def split_text(text: str, limit: int = CONTENT_MAX) -> list[str]:
    """Parts of at most `limit` characters (see ``bot.platforms.text_split``); never empty,
    since Discord refuses empty messages."""
    if not text.strip():
        return ["\u200b"]
    return split_message(text, limit)


def _view(
    buttons: tuple[Button, ...], guild: str | None = None
) -> tuple[discord.ui.View | None, list[Button]]:
    """A view with one Discord button per peerbot button (at most 25); the rest as text."""
    if not buttons:
        return None, []
    view = discord.ui.View(timeout=None)
    leftover: list[Button] = []
    for button in buttons:
        custom_id = button_custom_id(button.command, dict(button.args), button.form, guild)
        if custom_id is None or len(view.children) >= 25:
            log.warning("button %r does not fit on Discord; offered as text", button.label)
            leftover.append(button)
            continue
        view.add_item(
            discord.ui.Button(
                label=button.label[:80],
                custom_id=custom_id,
                style=_STYLES.get(button.style, discord.ButtonStyle.primary),
            )
        )
    return (view if view.children else None), leftover


def build_modal(
    spec: CommandSpec, args: dict[str, str], guild: str | None = None, tr: Translator = ENGLISH
) -> discord.ui.Modal | None:
    """A form for a command's options (those not preset by the button); None if none fit."""
    custom_id = form_custom_id(spec.name, args, guild)
    params = form_params(spec, args)
    if custom_id is None or not params:
        return None
    title = _short(tr.gettext(spec.description), 45)
    modal = discord.ui.Modal(title=title, custom_id=custom_id, timeout=None)
    for param in params:
        long_text = isinstance(param.type, StrType) and param.type.max_len > 100
        max_len = min(param.type.max_len, 4000) if isinstance(param.type, StrType) else 100
        field: discord.ui.TextInput | discord.ui.Select = discord.ui.TextInput(
            custom_id=param.name,
            required=param.required,
            placeholder=form_placeholder(param, tr),
            style=discord.TextStyle.paragraph if long_text else discord.TextStyle.short,
            max_length=max_len,
        )
        words = param.type.checklist[:25]  # Discord's most options
        if words:  # tick any number of them (none: the option left out)
            field = discord.ui.Select(
                custom_id=param.name,
                required=param.required,
                min_values=1 if param.required else 0,
                max_values=len(words),
                options=[discord.SelectOption(label=w[:100], value=w[:100]) for w in words],
            )
        # Discord's current layout: each input inside a Label (its own label is deprecated).
        # Submissions are read in either layout (modal_values), so a client that still answers
        # in action rows works too.
        said = tr.gettext(param.description)
        modal.add_item(
            discord.ui.Label(
                text=_short(said, 45),
                description=_short(said, 100) if len(said) > 45 else None,
                component=field,
            )
        )
    return modal


def modal_values(data: dict[str, Any]) -> dict[str, str]:
    """The non-empty fields of a submitted modal, by custom id."""
    values: dict[str, str] = {}
    stack = list(data.get("components") or [])
    while stack:
        component = stack.pop(0)
        if "components" in component:
            stack.extend(component["components"])
        if isinstance(component.get("component"), dict):
            stack.append(component["component"])
        if component.get("type") == 4 and component.get("custom_id"):
            value = str(component.get("value") or "")
            if value.strip():
                values[component["custom_id"]] = value
        elif component.get("type") == 3 and component.get("custom_id"):
            ticked = [str(v) for v in component.get("values") or [] if str(v).strip()]
            if ticked:  # a checklist: the words joined, as they would be typed
                values[component["custom_id"]] = ", ".join(ticked)
    return values


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split()) or "peerbot"
    return text if len(text) <= limit else text[: limit - 1] + "…"
