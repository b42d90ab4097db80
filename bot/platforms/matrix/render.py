"""How peerbot's messages look on Matrix, and how quick answers (reactions) are read.

Every reply is an ``m.notice``: a plain ``body`` and an HTML ``formatted_body`` in which each
value a person typed is HTML-escaped. ``"m.mentions": {}`` tells clients nobody is mentioned, and
``@room`` in any text is broken so older clients do not ping either.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from string import Formatter
from typing import Any

from bot.message import Button, Hidden, Message, Ping, neutralize_mentions
from bot.platforms.text_split import split_message

BUTTONS_KEY = "org.peerbot.buttons"  # the buttons a post carried, read back when someone reacts
MAX_BODY = 30_000  # Matrix events are limited to 64 KiB; body and HTML both count
# HTML escaping can grow text up to 6 times (&quot;), so chunks stay well under the limit
CHUNK = MAX_BODY // 6

# Parameter kinds a person can type in a Matrix text command (see bot.spec.ParamType.kind).
TEXT_KINDS = frozenset(
    {
        "str",
        "int",
        "float",
        "bool",
        "choice",
        "date",
        "time",
        "timezone",
        "duration",
        "channel",
        "member",
        "role",
    }
)

_KEYCAPS = {f"{d}\ufe0f\u20e3": d for d in range(10)} | {f"{d}\u20e3": d for d in range(10)}
_KEYCAPS["\U0001f51f"] = 10  # 🔟


def _escape_html(text: str) -> str:
    return html.escape(neutralize_mentions(text), quote=True)


def render_plain(message: Message, prefix: str) -> str:
    """The plain ``body``: text, then one line per button with the command to type."""
    return neutralize_mentions(message.render_with_buttons(prefix, escape=neutralize_mentions))


def render_html(message: Message, prefix: str) -> str:
    """The ``formatted_body``: the same text with peerbot's text and every value escaped,
    newlines as ``<br>``."""
    if not message.values:  # a template without values is used verbatim (no .format)
        text = _escape_html(message.template)
    else:
        pieces = []
        for literal, field, spec, conversion in Formatter().parse(message.template):
            pieces.append(_escape_html(literal))
            if field is not None:
                value = Formatter().get_field(
                    field, (), {k: str(v) for k, v in message.values.items()}
                )[0]
                if conversion:
                    value = Formatter().convert_field(value, conversion)
                shown = _escape_html(format(value, spec or ""))
                if isinstance(message.values.get(field), Hidden):
                    # the plain body shows only HIDDEN, so notifications never preview it
                    shown = f"<span data-mx-spoiler>{shown}</span>"
                pieces.append(shown)
        text = "".join(pieces)
    lines = [text] + [
        "→ " + _escape_html(b.as_text(prefix, message.button_line)) for b in message.buttons
    ]
    return "\n".join(lines).replace("\n", "<br>")


def notice_contents(message: Message, prefix: str) -> list[dict[str, Any]]:
    """One or more ``m.notice`` contents for a message (split when it is very long)."""
    body = render_plain(message, prefix)
    formatted = render_html(message, prefix)
    buttons = [
        {"label": b.label, "command": b.command, "args": dict(b.args), "form": b.form}
        for b in message.buttons
    ]
    # Homeservers count bytes: emoji take four each.
    if len(body.encode()) <= MAX_BODY and len(formatted.encode()) <= MAX_BODY:
        content = _content(body, formatted)
        if buttons:
            content[BUTTONS_KEY] = buttons
        if message.pings:
            _add_pings(content, message.pings)
        return [content]
    # Very long text (an export): plain chunks on line boundaries, each escaped on its own.
    contents = [
        _content(chunk, _escape_html(chunk).replace("\n", "<br>"))
        for chunk in split_message(body, CHUNK)
    ]
    if buttons:
        contents[-1][BUTTONS_KEY] = buttons
    return contents


def _content(body: str, formatted: str) -> dict[str, Any]:
    return {
        "msgtype": "m.notice",
        "body": body,
        "format": "org.matrix.custom.html",
        "formatted_body": formatted,
        "m.mentions": {},
    }


def _add_pings(content: dict[str, Any], pings: tuple[Ping, ...]) -> None:
    """Mention exactly these users: their names first (pills in HTML) and ``m.mentions``."""
    users = [p for p in pings if p.kind == "user" and p.id.startswith("@")]
    if not users:
        return
    content["body"] = " ".join(neutralize_mentions(p.name) for p in users) + ": " + content["body"]
    pills = " ".join(
        f'<a href="https://matrix.to/#/{html.escape(p.id, quote=True)}">{_escape_html(p.name)}</a>'
        for p in users
    )
    content["formatted_body"] = pills + ": " + content["formatted_body"]
    content["m.mentions"] = {"user_ids": [p.id for p in users]}


def keycap_digit(key: str) -> int | None:
    """The number a reaction stands for (1️⃣ → 1, 🔟 → 10), or None for any other reaction."""
    return _KEYCAPS.get(key.strip())


def buttons_from_content(content: Mapping[str, Any]) -> list[Button]:
    """The buttons a bot post carried (as stored in its content), ignoring malformed entries."""
    raw = content.get(BUTTONS_KEY)
    buttons: list[Button] = []
    if not isinstance(raw, list):
        return buttons
    for item in raw[:10]:
        if not isinstance(item, dict) or not isinstance(item.get("command"), str):
            continue
        args = item.get("args") if isinstance(item.get("args"), dict) else {}
        buttons.append(
            Button(
                str(item.get("label", "")),
                item["command"],
                {str(k): str(v) for k, v in args.items()},
                bool(item.get("form", False)),
            )
        )
    return buttons
