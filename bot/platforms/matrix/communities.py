"""Communities, members and power levels on Matrix (a part of
:class:`~bot.platforms.matrix.platform.MatrixPlatform`)."""

from __future__ import annotations

import logging

from bot.i18n import ENGLISH, Translator, translator
from bot.platforms.base import Actor, CommunityRef
from bot.platforms.matrix.rules import CREATOR_POWER, level_for_power, parse_power
from bot.spec import Permission
from storage.db import MemberKey
from storage.matrix import last_active_community

log = logging.getLogger(__name__)


class MatrixCommunities:
    """Which community a room belongs to, who moderates it, and who an actor is."""

    def is_direct_room(self, room_id: str, user_id: str | None = None) -> bool:
        """Whether `room_id` is a member's direct room with the bot (that member's, if given)."""
        if user_id is not None:
            return self._direct_by_user.get(user_id) == room_id
        return room_id in self._direct_by_user.values()

    def typed_in_private(self, channel_id: str, user_id: str) -> bool:
        """A command typed in a room is read by the room: only the member's direct room is
        private."""
        return self.is_direct_room(channel_id, user_id)

    async def _community_for(self, room_id: str, user_id: str) -> CommunityRef | None:
        """The community of a room; in any direct room (the member's own or another's), where
        the member was last active; for a private group, the community that opened it."""
        if room_id in self._groups:
            return self._community_ref(self._groups[room_id])
        if not self.is_direct_room(room_id):
            return self._community_ref(self._community_of(room_id))
        assert self.bot is not None
        community_id = await last_active_community(self.bot.platform_storage(), user_id)
        return self._community_ref(community_id) if community_id else None

    def _community_of(self, room_id: str) -> str:
        """The community a shared room belongs to (see ``SpaceMap``): links count only when
        moderators of both the space and the room made them, and never in direct rooms or
        private groups."""
        excluded = set(self._direct_by_user.values()) | self._groups.keys()
        return self.spaces.community_of(room_id, self._is_moderator, excluded)

    def _power(self, room_id: str, user_id: str) -> int:
        """`user_id`'s power level in a joined room (0 where the bot is not)."""
        room = self.client.rooms.get(room_id) if self.client else None
        if room is None:
            return 0
        if user_id in self._creators.get(room_id, set()):
            return CREATOR_POWER
        return int(room.power_levels.get_user_level(user_id))

    def _is_moderator(self, room_id: str, user_id: str) -> bool:
        return self._power(room_id, user_id) >= self.config.moderator_power

    async def _reader(self, community_id: str | None, user_id: str | None = None) -> Translator:
        """The language of a member (``user_id``) or of a community's rooms; English where
        neither is known, or when it cannot be read just now (the notice still goes out)."""
        assert self.bot is not None
        if community_id is None:
            return ENGLISH
        try:
            if user_id is None:
                return translator(await self.bot.languages.community(self.name, community_id))
            key = MemberKey(self.name, community_id, user_id)
            return translator(await self.bot.languages.member(key))
        except Exception:
            log.warning("matrix: could not read a language; writing English", exc_info=True)
            return ENGLISH

    def _community_ref(self, community_id: str) -> CommunityRef:
        return CommunityRef(self.name, community_id, self._room_name(community_id))

    def _community_rooms(self, community_id: str) -> list[str]:
        assert self.client is not None
        direct = set(self._direct_by_user.values())
        return [
            r
            for r in self.client.rooms
            if r not in direct
            and r not in self._groups
            and (r == community_id or self._community_of(r) == community_id)
        ]

    def _room_name(self, room_id: str) -> str:
        room = self.client.rooms.get(room_id) if self.client else None
        return room.display_name if room is not None else room_id

    def _display_name(self, room_id: str, user_id: str) -> str:
        room = self.client.rooms.get(room_id) if self.client else None
        name = room.user_name(user_id) if room is not None else None
        return name or user_id

    async def _actor(self, community_id: str, room_id: str, user_id: str) -> Actor:
        """The person with the level their power level gives in the community's own space (or
        its main room), wherever they type: never a room a member controls, like their direct
        room, a private group or a room of their own that names the space as its parent. Where
        the bot is not in the community's space, everyone is a member."""
        assert self.bot is not None and self.client is not None
        level = Permission.MEMBER
        if community_id in self.client.rooms:
            power = self._power(community_id, user_id)
            setting = await self.bot.community_setting(self.name, community_id, "facilitator_power")
            level = level_for_power(
                power,
                self.config.moderator_power,
                parse_power(setting, self.config.facilitator_power),
            )
        return Actor(user_id, self._display_name(room_id, user_id), level)
