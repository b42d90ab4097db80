"""Small pieces every part of the Discord adapter uses."""

from __future__ import annotations

import aiohttp
import discord

from bot.platforms.base import CommunityRef

PLATFORM = "discord"
# Failures of the network rather than of the request: worth one retry once reconnected.
NETWORK_ERRORS = (aiohttp.ClientConnectionError, OSError, TimeoutError, discord.DiscordServerError)


def moderating(perms: discord.Permissions) -> bool:
    """The powers that make someone a moderator here (see ``_actor``)."""
    return perms.administrator or perms.manage_guild


def community_of(guild: discord.Guild | None) -> CommunityRef | None:
    return CommunityRef(PLATFORM, str(guild.id), guild.name) if guild is not None else None


def stop_view(view: discord.ui.View | discord.ui.Modal | None) -> None:
    # Every custom id is routed by on_interaction; discord.py need not keep views in memory.
    if view is not None:
        view.stop()
