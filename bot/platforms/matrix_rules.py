"""Pure rules of the Matrix adapter: who may invite the bot, which level a power level gives,
which space a room belongs to, and how a reply's quoted fallback is removed."""

from __future__ import annotations

from bot.spec import Level


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


def level_for_power(power: int, moderator_power: int, facilitator_power: int) -> Level:
    """The command level a room power level gives."""
    if power >= moderator_power:
        return Level.MODERATOR
    if power >= facilitator_power:
        return Level.FACILITATOR
    return Level.MEMBER


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
    """Which spaces hold which rooms, from ``m.space.parent`` and ``m.space.child`` state."""

    def __init__(self) -> None:
        self.parents: dict[str, dict[str, bool]] = {}  # room → {space: canonical}
        self.children: dict[str, set[str]] = {}  # space → rooms

    def set_parent(self, room_id: str, space_id: str, content: dict) -> None:
        """Apply an ``m.space.parent`` state event of `room_id` (empty content removes it)."""
        links = self.parents.setdefault(room_id, {})
        if content.get("via"):
            links[space_id] = bool(content.get("canonical", False))
        else:
            links.pop(space_id, None)

    def set_child(self, space_id: str, room_id: str, content: dict) -> None:
        """Apply an ``m.space.child`` state event of `space_id` (empty content removes it)."""
        rooms = self.children.setdefault(space_id, set())
        if content.get("via"):
            rooms.add(room_id)
        else:
            rooms.discard(room_id)

    def forget(self, room_id: str) -> None:
        """The bot left a room: drop what it said about itself (its children stay known)."""
        self.parents.pop(room_id, None)

    def community_of(self, room_id: str) -> str:
        """The space that holds the room (canonical parent first), else the room itself."""
        links = self.parents.get(room_id, {})
        canonical = sorted(s for s, c in links.items() if c)
        if canonical:
            return canonical[0]
        if links:
            return sorted(links)[0]
        holders = sorted(s for s, rooms in self.children.items() if room_id in rooms)
        return holders[0] if holders else room_id


def strip_reply_fallback(body: str) -> str:
    """A reply's body without the quoted ``> <@user> …`` lines clients put before it."""
    if not body.startswith("> "):
        return body
    lines = body.split("\n")
    index = 0
    while index < len(lines) and lines[index].startswith(">"):
        index += 1
    return "\n".join(lines[index:]).lstrip("\n")
