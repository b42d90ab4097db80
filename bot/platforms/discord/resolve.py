"""Channels, members and roles of one Discord server, from what a moderator typed.

Options that also accept ``off`` are text on Discord (a native picker cannot say "off"), so
people type references in every shape Discord's client produces or they may write by hand:
``<#id>``, ``#name`` or the id for channels; ``<@&id>``, ``@name`` or the id for roles;
``<@id>``, ``<@!id>``, ``@name``, the name or the id for members. A reference never resolves
to something of another server.
"""

from __future__ import annotations

import re

import discord

from bot.spec import ChannelRef, MemberRef, RoleRef

_CHANNEL = re.compile(r"<#(\d{1,20})>|#?(\d{1,20})")
_ROLE = re.compile(r"<@&(\d{1,20})>|@?(\d{1,20})")
_MEMBER = re.compile(r"<@!?(\d{1,20})>|@?(\d{1,20})")
MEMBER_QUERY_LIMIT = 20  # candidates asked from the gateway when a name is not cached


def snowflake(pattern: re.Pattern[str], text: str) -> int | None:
    """The id in a mention or a bare id; None when `text` is a name."""
    match = pattern.fullmatch(text.strip())
    return int(match[1] or match[2]) if match else None


def _name(text: str, sigil: str) -> str:
    text = text.strip()
    return text[len(sigil) :].strip() if text.startswith(sigil) else text


class DiscordResolver:
    """Looks references up in one guild (the community); unknown guilds resolve nothing."""

    def __init__(self, client: discord.Client, community_id: str) -> None:
        self.client = client
        self.guild = client.get_guild(int(community_id)) if community_id.isdigit() else None

    async def resolve_channel(self, text: str) -> ChannelRef | None:
        """A text channel or thread of this server, else a voice or stage channel (they have a
        text chat too, and a meeting may happen in one)."""
        if self.guild is None:
            return None
        wanted = snowflake(_CHANNEL, text)
        name = _name(text, "#").lower()
        guild = self.guild
        channels = [*guild.text_channels, *guild.threads]
        for channel in [*channels, *guild.voice_channels, *guild.stage_channels]:
            if channel.id == wanted or (wanted is None and channel.name.lower() == name):
                return ChannelRef(str(channel.id), channel.name)
        return None

    async def resolve_role(self, text: str) -> RoleRef | None:
        """A role of this server (names are matched without regard to case)."""
        if self.guild is None:
            return None
        wanted = snowflake(_ROLE, text)
        name = _name(text, "@").lower()
        for role in self.guild.roles:
            if role.id == wanted or (wanted is None and role.name.lower() == name):
                return RoleRef(str(role.id), role.name)
        # "@everyone" is the role whose name starts with the sigil itself
        if wanted is None and text.strip().lower() == "@everyone":
            role = self.guild.default_role
            return RoleRef(str(role.id), role.name)
        return None

    async def resolve_member(self, text: str) -> MemberRef | None:
        """A member of this server, by mention, id, username, display name or nickname."""
        if self.guild is None:
            return None
        wanted = snowflake(_MEMBER, text)
        member = await (self._by_id(wanted) if wanted is not None else self._by_name(text))
        if member is None:
            return None
        return MemberRef(str(member.id), member.display_name, member.bot)

    async def _by_id(self, user_id: int) -> discord.Member | None:
        assert self.guild is not None
        member = self.guild.get_member(user_id)
        if member is not None:
            return member
        try:
            return await self.guild.fetch_member(user_id)
        except discord.HTTPException:
            return None  # not a member of this server (or Discord is unreachable)

    async def _by_name(self, text: str) -> discord.Member | None:
        assert self.guild is not None
        name = _name(text, "@")
        if not name:
            return None
        member = self.guild.get_member_named(name) or _named(self.guild.members, name)
        if member is not None:
            return member
        # Large servers are not fully cached: ask the gateway for members with that prefix.
        try:
            found = await self.guild.query_members(query=name, limit=MEMBER_QUERY_LIMIT)
        except (TimeoutError, discord.ClientException, discord.HTTPException):
            return None
        return _named(found, name)


def _named(members: list[discord.Member], name: str) -> discord.Member | None:
    """The member whose username, global name or nickname is `name`, ignoring case."""
    folded = name.casefold()
    for member in members:
        names = (member.name, member.global_name, member.nick)
        if any(n is not None and n.casefold() == folded for n in names):
            return member
    return None
