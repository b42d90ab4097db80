"""The Discord adapter (discord.py): one package, one module per part of the adapter.

``platform`` (lifecycle) composes ``events``, ``sending`` and ``lookups``; ``interactions``
answers one interaction, ``client`` is the discord.py client, and ``commands``, ``render``,
``groups``, ``resolve``, ``suggest`` and ``connection`` are the helpers they share.
"""

from bot.platforms.discord.platform import DiscordPlatform, DiscordStartError

__all__ = ["DiscordPlatform", "DiscordStartError"]
