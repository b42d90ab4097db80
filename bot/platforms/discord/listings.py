"""Meetings as Guild Scheduled Events (a part of
:class:`~bot.platforms.discord.platform.DiscordPlatform`): members see them in Discord's events
list and get Discord's own reminders. A meeting in a voice or stage channel is an event there;
anywhere else an external event with the link as its location."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.message import neutralize_mentions
from bot.platforms.discord.shared import NETWORK_ERRORS
from bot.platforms.listing import Listing

log = logging.getLogger(__name__)

LOCATION_MAX = 100  # an external event's location holds 100 characters


class DiscordListings:
    """``list_event`` / ``unlist_event`` through discord.py's scheduled-event API."""

    client: Any

    def _listing_guild(self, community_id: str) -> discord.Guild | None:
        try:
            return self.client.get_guild(int(community_id)) if self.client else None
        except ValueError:
            return None

    async def _listing_place(self, guild: discord.Guild, listing: Listing) -> dict[str, Any]:
        channel = guild.get_channel(int(listing.channel_id)) if listing.channel_id else None
        if isinstance(channel, discord.StageChannel):
            return {"entity_type": discord.EntityType.stage_instance, "channel": channel}
        if isinstance(channel, discord.VoiceChannel):
            return {"entity_type": discord.EntityType.voice, "channel": channel}
        location = listing.link or (f"#{channel.name}" if channel else "online")
        if len(location) > LOCATION_MAX:
            location = location[: LOCATION_MAX - 1] + "…"
        return {
            "entity_type": discord.EntityType.external,
            "location": location,
            "end_time": listing.end,
        }

    async def list_event(
        self, community_id: str, listing: Listing, existing_id: str | None
    ) -> str | None:
        guild = self._listing_guild(community_id)
        if guild is None:
            return None
        fields: dict[str, Any] = {
            "name": neutralize_mentions(listing.title)[:100],
            "description": neutralize_mentions(listing.description)[:1000],
            "start_time": listing.start,
            "end_time": listing.end,
            "privacy_level": discord.PrivacyLevel.guild_only,
            **await self._listing_place(guild, listing),
        }
        try:
            if existing_id is not None:
                try:
                    event = await guild.fetch_scheduled_event(int(existing_id))
                    if event.status in (
                        discord.EventStatus.scheduled,
                        discord.EventStatus.active,
                    ):
                        edited = await event.edit(**fields)
                        return str(edited.id if edited else event.id)
                except discord.NotFound:
                    pass
            if "channel" not in fields:
                fields.pop("channel", None)
            created = await guild.create_scheduled_event(**fields)
            return str(created.id)
        except (discord.HTTPException, *NETWORK_ERRORS):
            log.warning("a scheduled event could not be saved in %s", community_id, exc_info=True)
            return None

    async def unlist_event(self, community_id: str, existing_id: str, reason: str) -> bool:
        guild = self._listing_guild(community_id)
        if guild is None:
            return False
        try:
            event = await guild.fetch_scheduled_event(int(existing_id))
            if event.status == discord.EventStatus.scheduled:
                await event.cancel(reason=neutralize_mentions(reason)[:400])
            elif event.status == discord.EventStatus.active:
                await event.end(reason=neutralize_mentions(reason)[:400])
            return True
        except discord.NotFound:
            return True
        except (discord.HTTPException, *NETWORK_ERRORS):
            log.warning(
                "a scheduled event could not be cancelled in %s", community_id, exc_info=True
            )
            return False
