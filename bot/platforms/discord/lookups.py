"""Lookups for the core on Discord: names, who can read a channel, moderators (a part of
:class:`~bot.platforms.discord.platform.DiscordPlatform`)."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.platforms.discord.resolve import DiscordResolver
from bot.platforms.discord.shared import moderating

log = logging.getLogger(__name__)


class DiscordLookups:
    """Names and permissions the core asks the platform for."""

    def resolver(self, community_id: str) -> DiscordResolver:
        assert self.client is not None
        return DiscordResolver(self.client, community_id)

    async def member_name(self, community_id: str, user_id: str) -> str:
        found = await self.resolver(community_id).resolve_member(user_id)
        return found.name if found else user_id

    async def channel_name(self, community_id: str, channel_id: str) -> str:
        channel = await self._channel(community_id, channel_id)
        return f"#{channel.name}" if channel is not None else channel_id

    async def role_name(self, community_id: str, role_id: str) -> str:
        """``@Name`` of a role of this server; the id when the role is gone."""
        assert self.client is not None
        guild = self.client.get_guild(int(community_id)) if community_id.isdigit() else None
        role = guild.get_role(int(role_id)) if guild is not None and role_id.isdigit() else None
        return f"@{role.name}" if role is not None else role_id

    async def members_can_read(self, community_id: str, channel_id: str) -> bool | None:
        """True when @everyone, or any role or member without moderator powers (other than
        bots' own roles), can view the channel."""
        channel = await self._channel(community_id, channel_id)
        if channel is None or not hasattr(channel, "permissions_for"):
            return None
        guild = channel.guild
        if channel.permissions_for(guild.default_role).view_channel:
            return True
        for role in guild.roles:
            if role.managed or moderating(role.permissions):
                continue
            if channel.permissions_for(role).view_channel:
                return True
        for target in channel.overwrites:
            if isinstance(target, discord.Member) and not target.bot:
                if not moderating(target.guild_permissions):
                    if channel.permissions_for(target).view_channel:
                        return True
        return False

    async def can_read(self, community_id: str, channel_id: str, user_id: str) -> bool | None:
        channel = await self._channel(community_id, channel_id)
        if channel is None or not user_id.isdigit():
            return None
        member = channel.guild.get_member(int(user_id))
        if member is None:
            return None
        return channel.permissions_for(member).view_channel

    async def moderators(self, community_id: str) -> list[str] | None:
        """Members with Manage Server or Administrator (from the member cache)."""
        assert self.client is not None
        guild = self.client.get_guild(int(community_id)) if community_id.isdigit() else None
        if guild is None:
            return None
        return [str(m.id) for m in guild.members if not m.bot and moderating(m.guild_permissions)]

    async def _channel(self, community_id: str, channel_id: str) -> Any:
        """A channel or thread of this guild (never of another one)."""
        assert self.client is not None
        try:
            cid, gid = int(channel_id), int(community_id)
        except ValueError:
            return None
        channel = self.client.get_channel(cid)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(cid)
            except discord.HTTPException:
                return None
        guild = getattr(channel, "guild", None)
        if guild is None or guild.id != gid or not hasattr(channel, "send"):
            return None
        return channel
