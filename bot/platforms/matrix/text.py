"""The text of a Matrix chat message as listeners should read it: spoilers included, and the new
text of an edit (``m.replace`` with ``m.new_content``).

A spoiler is ``<span data-mx-spoiler>…</span>`` in ``formatted_body``; clients usually put its
text in ``body`` too, but nothing obliges them to (some send a placeholder such as "[Spoiler]").
When ``body`` lacks the spoiler's text, the text of ``formatted_body`` is read instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

HTML = "org.matrix.custom.html"
MAX_FORMATTED = 65_536  # a longer formatted body is not parsed for spoilers (body still counts)
_VOID = frozenset({"br", "img", "hr"})
_BREAKS = frozenset({"br", "p", "div", "li", "blockquote", "pre", "tr", "h1", "h2", "h3"})


class _Text(HTMLParser):
    """The text of an HTML body (without a reply fallback) and the text inside its spoilers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[bool, bool]] = []  # per open element: (in a spoiler, in mx-reply)
        self.text: list[str] = []
        self.hidden: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self.text.append("\n")
        if tag in _VOID:
            return
        spoiler, reply = self.open[-1] if self.open else (False, False)
        spoiler = spoiler or any(name == "data-mx-spoiler" for name, _ in attrs)
        self.open.append((spoiler, reply or tag == "mx-reply"))

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        spoiler, reply = self.open[-1] if self.open else (False, False)
        if reply:
            return
        self.text.append(data)
        if spoiler:
            self.hidden.append(data)


def _squash(text: str) -> str:
    return " ".join(text.split())


def chat_text(content: Mapping[str, Any], body: str) -> str:
    """What a member wrote: ``body`` (the plain text, reply fallback already removed), or the
    text of ``formatted_body`` when it hides spoiler text that ``body`` does not carry."""
    formatted = content.get("formatted_body")
    if (
        content.get("format") != HTML
        or not isinstance(formatted, str)
        or "data-mx-spoiler" not in formatted
        or len(formatted) > MAX_FORMATTED
    ):
        return body
    parser = _Text()
    parser.feed(formatted)
    parser.close()
    hidden = _squash(" ".join(parser.hidden))
    if not hidden or hidden in _squash(body):
        return body
    return "\n".join(line.strip() for line in "".join(parser.text).splitlines() if line.strip())


@dataclass(frozen=True)
class Replacement:
    """An edit: the event it replaces and the new content."""

    original_id: str
    content: Mapping[str, Any]

    @property
    def body(self) -> str:
        """The new plain text."""
        body = self.content.get("body")
        return body if isinstance(body, str) else ""


def replacement(content: Mapping[str, Any]) -> Replacement | None:
    """The edit an event's content makes, or None when it is not a well-formed text edit."""
    relates = content.get("m.relates_to")
    if not isinstance(relates, Mapping) or relates.get("rel_type") != "m.replace":
        return None
    original_id = relates.get("event_id")
    new = content.get("m.new_content")
    if not isinstance(original_id, str) or not isinstance(new, Mapping):
        return None
    if new.get("msgtype") not in ("m.text", "m.emote", "m.notice"):
        return None
    return Replacement(original_id, new)
