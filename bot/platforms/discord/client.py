"""The discord.py client: it hands every event to the platform."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from bot.platforms.discord.platform import DiscordPlatform

log = logging.getLogger(__name__)


class _PlatformHooks:
    """Every discord.py event the platform cares about, handed to it."""

    platform: DiscordPlatform

    async def setup_hook(self) -> None:
        # After login (the application id is known), before the gateway: members never see
        # a command the bot cannot answer yet.
        try:
            await self.platform.sync_commands()
        except discord.HTTPException as err:
            log.error("discord: could not sync commands (%s); the previous set stays in use", err)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if not self.platform.sharded:  # one process: discord.py's own spacing is enough
            await super().before_identify_hook(shard_id, initial=initial)  # type: ignore[misc]
            return
        # Discord allows max_concurrency IDENTIFYs per 5 s across every process of the bot
        await self.platform.identify_turn(shard_id)

    async def on_ready(self) -> None:
        self.platform.watch.up()
        self.platform._ready.set()

    async def on_resumed(self) -> None:
        self.platform.watch.up()

    async def on_disconnect(self) -> None:
        self.platform.watch.down()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.platform.on_interaction(interaction)

    async def on_message(self, message: discord.Message) -> None:
        await self.platform.on_message(message)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        # raw: the bot keeps no message cache (max_messages=None), so on_message_edit never fires
        await self.platform.on_message_edit(payload)

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self.platform.on_message_delete(
            payload.guild_id, payload.channel_id, [payload.message_id]
        )

    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self.platform.on_message_delete(
            payload.guild_id, payload.channel_id, sorted(payload.message_ids)
        )

    async def on_member_join(self, member: discord.Member) -> None:
        await self.platform.on_member_join(member)


class DiscordClient(_PlatformHooks, discord.Client):
    """discord.Client wired to the platform (no command tree: the platform routes everything)."""

    def __init__(self, platform: DiscordPlatform, **options: Any) -> None:
        super().__init__(**options)
        self.platform = platform


class DiscordShardedClient(_PlatformHooks, discord.AutoShardedClient):
    """The same client serving a block of shards (``discord.shard_count`` / ``shard_ids``)."""

    def __init__(self, platform: DiscordPlatform, **options: Any) -> None:
        super().__init__(**options)
        self.platform = platform
