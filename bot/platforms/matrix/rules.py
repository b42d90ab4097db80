"""Pure rules of the Matrix adapter: who may invite the bot, which level a power level gives,
which space a room belongs to, and how a reply's quoted fallback is removed."""

from __future__ import annotations

from collections.abc import Callable, Container

from bot.spec import Permission


def server_of(user_id: str) -> str:
    """The homeserver part of a Matrix id (``@a:example.org`` → ``example.org``)."""
    return user_id.split(":", 1)[1] if ":" in user_id else ""


def invite_allowed(inviter: str, allowed: list[str], own_user_id: str) -> bool:
    """Whether the bot accepts an invite from `inviter`.

    With ``allowed_inviters`` set, only the listed user ids and ``:server`` suffixes are
    accepted; without it, only people on the bot's own homeserver.
    """
    if allowed:
        for entry in allowed:
            entry = entry.strip()
            if entry.startswith(":") and inviter.endswith(entry) and inviter.startswith("@"):
                return True
            if entry == inviter:
                return True
        return False
    return bool(server_of(inviter)) and server_of(inviter) == server_of(own_user_id)


def level_for_power(power: int, moderator_power: int, facilitator_power: int) -> Permission:
    """The command level a room power level gives."""
    if power >= moderator_power:
        return Permission.MODERATOR
    if power >= facilitator_power:
        return Permission.FACILITATOR
    return Permission.MEMBER


CREATOR_POWER = 1_000_000  # creators of v12+ rooms outrank every power level


def creators_privileged(room_version: str) -> bool:
    """Whether the room's creators hold unlimited power (room version 12 and later), in which
    case they are not listed in the power levels at all."""
    if room_version.isdigit():
        return int(room_version) >= 12
    return "hydra" in room_version


def parse_power(text: str | None, default: int) -> int:
    """A power-level threshold from a community setting, else the configured default."""
    try:
        value = int(text) if text is not None else default
    except ValueError:
        return default
    return value if 0 <= value <= 100 else default


class SpaceMap:
    """Which community each room belongs to, from ``m.space.child`` / ``m.space.parent`` state
    and the operator's ``matrix.communities`` list.

    Nobody but a community's moderators can change its rooms: a room belongs to a space only
    when both sides agree, each said by a moderator of its own side: the space lists the room
    as ``m.space.child`` (sent by someone with moderator power in the space) and the room names
    the space in ``m.space.parent`` (sent by someone with moderator power in the room). So a
    member's own room naming a space as its parent joins nothing, and a member's own space
    listing someone else's room claims nothing. A room the operator listed follows the list
    only; rooms the caller excludes (direct rooms, private groups) never join or hold anything.
    """

    def __init__(self, configured: dict[str, list[str]] | None = None) -> None:
        # room → {space: (sender, canonical)}
        self.parents: dict[str, dict[str, tuple[str, bool]]] = {}
        self.children: dict[str, dict[str, str]] = {}  # space → {room: sender}
        self.configured: dict[str, str] = {}  # room → community, from matrix.communities
        for community, rooms in (configured or {}).items():
            self.configured[community] = community
            for room in rooms:
                self.configured[room] = community

    def set_parent(self, room_id: str, space_id: str, content: dict, sender: str) -> None:
        """Apply an ``m.space.parent`` state event of `room_id` (empty content removes it)."""
        links = self.parents.setdefault(room_id, {})
        if content.get("via"):
            links[space_id] = (sender, bool(content.get("canonical", False)))
        else:
            links.pop(space_id, None)

    def set_child(self, space_id: str, room_id: str, content: dict, sender: str) -> None:
        """Apply an ``m.space.child`` state event of `space_id` (empty content removes it)."""
        rooms = self.children.setdefault(space_id, {})
        if content.get("via"):
            rooms[room_id] = sender
        else:
            rooms.pop(room_id, None)

    def forget(self, room_id: str) -> None:
        """The bot left a room: drop the links it read there."""
        self.parents.pop(room_id, None)
        self.children.pop(room_id, None)

    def community_of(
        self,
        room_id: str,
        is_moderator: Callable[[str, str], bool],
        excluded: Container[str] = (),
    ) -> str:
        """The community of a room: the operator's list, else the space both sides agree on
        (a canonical parent first), else the room itself.

        `is_moderator(room, user)` says whether `user` has moderator power in `room`; `excluded`
        rooms (direct rooms, private groups) are never a member or a holder of a space."""
        if room_id in self.configured:
            return self.configured[room_id]
        if room_id in excluded:
            return room_id
        agreed: list[tuple[bool, str]] = []
        for space_id, (parent_sender, canonical) in self.parents.get(room_id, {}).items():
            child_sender = self.children.get(space_id, {}).get(room_id)
            if (
                child_sender is not None
                and space_id not in excluded
                and space_id not in self.configured
                and is_moderator(space_id, child_sender)
                and is_moderator(room_id, parent_sender)
            ):
                agreed.append((not canonical, space_id))
        return min(agreed)[1] if agreed else room_id


def strip_reply_fallback(body: str) -> str:
    """A reply's body without the quoted ``> <@user> …`` lines clients put before it."""
    if not body.startswith("> "):
        return body
    lines = body.split("\n")
    index = 0
    while index < len(lines) and lines[index].startswith(">"):
        index += 1
    return "\n".join(lines[index:]).lstrip("\n")
