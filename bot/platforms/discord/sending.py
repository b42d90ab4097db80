"""Talking to people on Discord: posts, edits, DMs and private threads (a part of
:class:`~bot.platforms.discord.platform.DiscordPlatform`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord

from bot.message import Message
from bot.platforms.discord.groups import close_private_thread, open_private_thread
from bot.platforms.discord.render import NO_MENTIONS, escape, render, split_text
from bot.platforms.discord.shared import NETWORK_ERRORS, PLATFORM, stop_view

log = logging.getLogger(__name__)

T = TypeVar("T")


class DiscordSending:
    """Posts, edits, private messages and private groups; each outlasts a short outage."""

    def command_name(self, path: tuple[str, ...]) -> str:
        """Flattened names such as ``checkin-history`` where Discord needs them."""
        for names, spec_path in self.commands.routes.items():
            if spec_path == path:
                return " ".join(names)
        return " ".join(path)

    async def post(
        self,
        community_id: str,
        channel_id: str,
        message: Message,
        *,
        thread_title: str | None = None,
    ) -> str | None:
        channel = await self._channel(community_id, channel_id)
        if channel is None:
            log.warning("discord: channel %s is not in server %s", channel_id, community_id)
            return None
        first: discord.Message | None = None
        try:
            for part in render(message):
                sent = await self._outlasting(lambda part=part: channel.send(**part.kwargs()))
                stop_view(part.view)
                first = first or sent
            if thread_title and first is not None and isinstance(channel, discord.TextChannel):
                await first.create_thread(name=thread_title[:100] or "thread")
        except (discord.HTTPException, *NETWORK_ERRORS) as err:
            log.warning("discord: posting in %s failed: %s", channel_id, err)
        return str(first.id) if first is not None else None

    async def edit(
        self, community_id: str, channel_id: str, message_id: str, message: Message
    ) -> bool:
        """Replace the text of a post (its buttons removed; nobody is notified again)."""
        channel = await self._channel(community_id, channel_id)
        if channel is None or not message_id.isdigit():
            return False
        text = split_text(discord.utils.escape_mentions(message.render(escape=escape)))[0]
        partial = channel.get_partial_message(int(message_id))
        try:
            await self._outlasting(
                lambda: partial.edit(content=text, view=None, allowed_mentions=NO_MENTIONS)
            )
        except (discord.HTTPException, *NETWORK_ERRORS) as err:
            log.warning("discord: editing %s in %s failed: %s", message_id, channel_id, err)
            return False
        return True

    async def has_role(self, community_id: str, user_id: str, role: str) -> bool | None:
        """Whether a member of this server has the role (by id)."""
        assert self.client is not None
        guild = self.client.get_guild(int(community_id)) if community_id.isdigit() else None
        if guild is None or not user_id.isdigit():
            return None
        member = guild.get_member(int(user_id))
        if member is None:
            return None
        return any(str(r.id) == role for r in member.roles)

    async def is_member(self, community_id: str, user_id: str) -> bool | None:
        """Whether someone is still in this server: known only once the server's member list
        has been loaded (else None, never a guess that they left)."""
        assert self.client is not None
        guild = self.client.get_guild(int(community_id)) if community_id.isdigit() else None
        if guild is None or not user_id.isdigit():
            return None
        if guild.get_member(int(user_id)) is not None:
            return True
        return False if guild.chunked else None

    async def send_private(self, community_id: str, user_id: str, message: Message) -> bool:
        assert self.client is not None
        client = self.client
        try:
            user = client.get_user(int(user_id)) or await self._outlasting(
                lambda: client.fetch_user(int(user_id))
            )
            for part in render(message, guild=community_id):
                await self._outlasting(lambda part=part: user.send(**part.kwargs()))
                stop_view(part.view)
        except discord.Forbidden:  # 50007: the member does not accept DMs from this server
            return False
        except (discord.HTTPException, ValueError, *NETWORK_ERRORS) as err:
            log.warning("discord: DM to %s failed: %s", user_id, err)
            return False
        return True

    async def open_private_group(
        self,
        community_id: str,
        user_ids: list[str],
        title: str,
        message: Message,
        *,
        purpose: str | None = None,
    ) -> str | None:
        """A private thread in the channel set for `purpose` (else the check-ins channel, else
        the server's system channel) with these members added and `message` posted; its id, or
        None when none can be opened there."""
        assert self.bot is not None and self.client is not None
        guild = self.client.get_guild(int(community_id)) if community_id.isdigit() else None
        if guild is None:
            return None
        channel_id = None
        for setting in (f"channel.{purpose}" if purpose else None, "channel.checkins"):
            if setting and not channel_id:
                channel_id = await self.bot.community_setting(PLATFORM, community_id, setting)
        parent = (
            await self._channel(community_id, channel_id) if channel_id else guild.system_channel
        )
        if parent is None:
            log.info("discord: no channel in %s for a private thread", guild.id)
            return None
        return await open_private_thread(parent, user_ids, title, message, self._outlasting)

    async def close_private_group(
        self, community_id: str, handle: str, message: Message | None = None
    ) -> bool:
        """Post `message` in the private thread, then archive and lock it."""
        assert self.client is not None
        client = self.client
        if not handle.isdigit():
            return False
        try:
            thread = client.get_channel(int(handle)) or await self._outlasting(
                lambda: client.fetch_channel(int(handle))
            )
        except (discord.HTTPException, *NETWORK_ERRORS) as err:
            log.warning("discord: private thread %s is gone: %s", handle, err)
            return False
        return await close_private_thread(thread, message, self._outlasting)

    async def _outlasting(self, call: Callable[[], Awaitable[T]]) -> T:
        """Make a REST call; after a network failure, wait for the connection and retry once.

        A post that falls due while Discord is unreachable goes out when the bot is back
        (within ``outage_wait``), instead of being lost to a connection error.
        """
        try:
            return await call()
        except NETWORK_ERRORS as err:
            if self._stopping:
                raise
            log.warning("discord: a request failed (%s); retrying once connected", err)
            if not self.watch.connected:
                if not await self.watch.wait(self.outage_wait):
                    raise
            return await call()
