"""Milestones: recovery counters, compassionate resets and celebrations (issue 7)."""

from __future__ import annotations

from bot.core import Bot
from cogs.milestones.cog import Milestones


def setup(bot: Bot) -> Milestones:
    """Create the cog."""
    return Milestones(bot)
