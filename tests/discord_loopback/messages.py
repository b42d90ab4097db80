"""Message bookkeeping shared by the REST handlers: errors, bodies, edits, components."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from . import validation as v
from .models import iso_now, new_snowflake
from .records import EPHEMERAL

LOADING = 128
# Keys the server keeps on stored messages that Discord would not return.
EXTRA_KEYS = ("allowed_mentions", "pings", "files", "source", "interaction_id", "deleted")


class ApiError(Exception):
    """A Discord API error response: HTTP status, JSON error code and message."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def json_response(data: Any, status: int = 200) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json``."""
    # Exactly "application/json": with "; charset=utf-8" discord.py treats the body as text.
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def public(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored message without the server's bookkeeping keys, as Discord would return it."""
    return {k: val for k, val in stored.items() if k not in EXTRA_KEYS}


def check_message_body(
    body: dict[str, Any], files: list[tuple[str, bytes]], *, edit: bool = False
) -> None:
    """Refuse what Discord refuses: empty messages and content or embeds over the limits."""
    content = body.get("content") or ""
    if len(content) > 2000:
        raise ApiError(400, 50035, "Invalid Form Body: content: Must be 2000 or fewer in length.")
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        raise ApiError(400, 50035, "Invalid Form Body: embeds: Must be 10 or fewer in length.")
    for embed in embeds:
        if len(embed.get("title") or "") > 256 or len(embed.get("description") or "") > 4096:
            raise ApiError(400, 50035, "Invalid Form Body: embed title/description too long.")
        if len(embed.get("fields") or []) > 25:
            raise ApiError(
                400, 50035, "Invalid Form Body: embed fields: Must be 25 or fewer in length."
            )
    has_any = (
        content
        or embeds
        or body.get("components")
        or files
        or body.get("sticker_ids")
        or body.get("poll")
    )
    if not edit and not has_any:
        raise ApiError(400, 50006, "Cannot send an empty message")


def attachment(name: str, data: bytes) -> dict[str, Any]:
    """The attachment object Discord returns for an uploaded file."""
    aid = new_snowflake()
    url = f"https://cdn.invalid/attachments/{aid}/{name}"
    return {"id": str(aid), "filename": name, "size": len(data), "url": url, "proxy_url": url}


def apply_edit(
    message: dict[str, Any], body: dict[str, Any], files: list[tuple[str, bytes]] | None = None
) -> None:
    """Apply a PATCH body to a stored message, as Discord does for the fields it carries."""
    for key in ("content", "embeds", "components"):
        if key in body and body[key] is not None:
            message[key] = body[key]
    if "flags" in body and body["flags"] is not None:
        message["flags"] = (message["flags"] & EPHEMERAL) | int(body["flags"])
    message["flags"] &= ~LOADING
    if "allowed_mentions" in body:
        message["allowed_mentions"] = body["allowed_mentions"]
    message["pings"] = v.pings(message["content"], message.get("allowed_mentions"))
    if files:
        message["files"] = [*message.get("files", []), *files]
        message["attachments"] = [
            *message.get("attachments", []),
            *(attachment(n, d) for n, d in files),
        ]
    message["edited_timestamp"] = iso_now()


def walk_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every component in a message, rows and containers included, depth first."""
    found = []
    for component in components:
        found.append(component)
        found.extend(walk_components(component.get("components") or []))
        if isinstance(component.get("accessory"), dict):
            found.append(component["accessory"])
    return found


def walk_options(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The value-carrying options inside (sub)command options."""
    found = []
    for option in options:
        if option.get("options"):
            found.extend(walk_options(option["options"]))
        elif "value" in option:
            found.append(option)
    return found


async def read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
    """JSON body, or multipart ``payload_json`` plus the uploaded files."""
    if request.content_type.startswith("multipart/"):
        body: Any = None
        files: list[tuple[str, bytes]] = []
        reader = await request.multipart()
        async for part in reader:
            if part.name == "payload_json":  # type: ignore[union-attr]
                body = json.loads(await part.text())  # type: ignore[union-attr]
            else:
                files.append((part.filename or part.name or "file", bytes(await part.read())))  # type: ignore[union-attr]
        return body, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        return raw.decode(errors="replace"), []
