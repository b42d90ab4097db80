"""Private group rooms on Matrix: a new encrypted room the bot opens for a few members
(accountability partners), marked so the bot knows which community it belongs to.

The bot keeps nothing about these rooms in its database. The room itself carries the mark: a
state event ``org.peerbot.private_group`` that the bot sets when it creates the room, holding the
community's id. After a restart the bot reads it back from the room state of its first sync. A
mark is trusted only when the bot itself sent it, so nobody can make a room of their own count
as (and grant power levels in) a community.
"""

from __future__ import annotations

from typing import Any

from nio import RoomPreset

GROUP_MARKER = "org.peerbot.private_group"
MEGOLM = "m.megolm.v1.aes-sha2"


def group_room_options(community_id: str, user_ids: list[str], title: str) -> dict[str, Any]:
    """The ``room_create`` arguments for a private group: named, not direct, invite only,
    end-to-end encrypted from its first event, marked with its community."""
    return {
        "name": title,
        "invite": user_ids,
        "is_direct": False,
        "preset": RoomPreset.private_chat,
        "initial_state": [
            {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": MEGOLM}},
            {"type": GROUP_MARKER, "state_key": "", "content": {"community": community_id}},
        ],
    }


def group_community(event: Any, bot_id: str) -> str | None:
    """The community a private-group mark names, if `event` is one the bot itself set."""
    source = getattr(event, "source", None)
    if not isinstance(source, dict) or source.get("type") != GROUP_MARKER:
        return None
    if source.get("sender") != bot_id or source.get("state_key") != "":
        return None
    content = source.get("content")
    community = content.get("community") if isinstance(content, dict) else None
    return community if isinstance(community, str) and community else None


def invitees(user_ids: list[str], bot_id: str) -> list[str]:
    """The Matrix ids to invite: each once, in order, never the bot, only ``@user:server`` ids."""
    seen: list[str] = []
    for user_id in user_ids:
        if user_id != bot_id and user_id.startswith("@") and ":" in user_id and user_id not in seen:
            seen.append(user_id)
    return seen
