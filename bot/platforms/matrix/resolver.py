"""Lookups for the core on Matrix: names, who can read a room, moderators, and the resolver of
rooms, members and roles typed in commands."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from nio import RoomResolveAliasResponse

from bot.spec import ChannelRef, MemberRef, RoleRef

if TYPE_CHECKING:
    from bot.platforms.matrix.platform import MatrixPlatform

log = logging.getLogger(__name__)


class MatrixLookups:
    """Names and permissions the core asks the platform for (a part of ``MatrixPlatform``)."""

    def resolver(self, community_id: str) -> _MatrixResolver:
        """Rooms by ``#alias:server``, room id or name; members by ``@user:server`` or name."""
        return _MatrixResolver(self, community_id)

    async def member_name(self, community_id: str, user_id: str) -> str:
        """A display name seen in a room of the community, else the Matrix id."""
        if self.client is not None:
            for room_id in self._community_rooms(community_id):
                name = self.client.rooms[room_id].user_name(user_id)
                if name:
                    return name
        return user_id

    async def channel_name(self, community_id: str, channel_id: str) -> str:
        """The room's name with a ``#``."""
        return "#" + self._room_name(channel_id)

    async def members_can_read(self, community_id: str, channel_id: str) -> bool | None:
        """True when anyone may join the room (public, or restricted to the space) or when
        someone in it (joined or invited) is not a moderator of the community."""
        room = self.client.rooms.get(channel_id) if self.client else None
        if room is None:
            return None
        if room.join_rule not in ("invite", "knock"):
            return True
        people = set(room.users) | set(room.invited_users)
        return any(
            not self._moderates(community_id, user) for user in people if user != self.user_id
        )

    async def can_read(self, community_id: str, channel_id: str, user_id: str) -> bool | None:
        room = self.client.rooms.get(channel_id) if self.client else None
        if room is None:
            return None
        if room.join_rule not in ("invite", "knock"):
            return True
        return user_id in room.users or user_id in room.invited_users

    async def moderators(self, community_id: str) -> list[str] | None:
        """Members of the community's space (or main room) with moderator power there."""
        room = self.client.rooms.get(community_id) if self.client else None
        if room is None:
            return None
        return sorted(
            user
            for user in room.users
            if user != self.user_id and self._moderates(community_id, user)
        )

    async def has_role(self, community_id: str, user_id: str, role: str) -> bool | None:
        """Matrix has no roles: `role` is a power level, held in the community's own space (or
        main room)."""
        if self.client is None or community_id not in self.client.rooms or not role.isdigit():
            return None
        return self._power(community_id, user_id) >= int(role)

    def _moderates(self, community_id: str, user_id: str) -> bool:
        """Moderator power in the community's own space (or main room), as ``_actor`` judges."""
        return self._is_moderator(community_id, user_id)


class _MatrixResolver:
    def __init__(self, platform: MatrixPlatform, community_id: str) -> None:
        self.platform = platform
        self.community_id = community_id

    async def resolve_channel(self, text: str) -> ChannelRef | None:
        client = self.platform.client
        if client is None:
            return None
        text = text.strip()
        rooms = self.platform._community_rooms(self.community_id)
        room_id: str | None = None
        if text.startswith("#") and ":" in text:
            response = await client.room_resolve_alias(text)
            if isinstance(response, RoomResolveAliasResponse):
                room_id = response.room_id
        elif text.startswith("!"):
            room_id = text
        else:
            wanted = text.lstrip("#").casefold()
            matches = [r for r in rooms if client.rooms[r].display_name.casefold() == wanted]
            room_id = matches[0] if len(matches) == 1 else None
        if room_id is None or room_id not in rooms:
            return None
        return ChannelRef(room_id, client.rooms[room_id].display_name)

    async def resolve_member(self, text: str) -> MemberRef | None:
        client = self.platform.client
        if client is None:
            return None
        text = text.strip()
        rooms = [client.rooms[r] for r in self.platform._community_rooms(self.community_id)]
        if text.startswith("@") and ":" in text:
            for room in rooms:
                if text in room.users:
                    name = room.user_name(text) or text
                    return MemberRef(text, name, is_bot=text == self.platform.user_id)
            return None
        wanted = text.lstrip("@").casefold()
        found = {
            uid: room.user_name(uid) or uid
            for room in rooms
            for uid in room.users
            if (room.user_name(uid) or "").casefold() == wanted
        }
        if len(found) != 1:
            return None
        uid, name = next(iter(found.items()))
        return MemberRef(uid, name, is_bot=uid == self.platform.user_id)

    async def resolve_role(self, text: str) -> RoleRef | None:
        return None  # Matrix has power levels, not roles
