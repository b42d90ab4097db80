"""What the prompts cog's parts share: the store, finding a prompt, where it posts, its schedule
and next real post, and how prompts and instants are shown."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.cog import Cog
from bot.context import Context
from bot.core import Bot
from bot.i18n import Translator, _
from bot.recurrence import Recurrence, parse_schedule
from bot.timeutil import local_date, start_of_local_day, zone
from storage.prompts import Prompt, PromptStore

PROMPT_MAX = 1800
PAUSE_AFTER_FAILURES = 3


class PromptsBase(Cog):
    """State and helpers of the prompts cog."""

    name = "prompts"

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot)
        self.store = PromptStore(bot.db)

    async def _find(self, ctx: Context, prompt_id: int) -> Prompt | None:
        prompt = await self.store.get(ctx.community.platform, ctx.community.id, prompt_id)
        if prompt is None:
            await ctx.reply(
                _("I can't find prompt #{id} here. {hint} shows them all."),
                id=prompt_id,
                hint=f"{ctx.prefix}prompt list",
            )
        return prompt

    async def _where(self, ctx: Context, channel_id: str | None, tr: Translator) -> str:
        if channel_id is not None:
            return await ctx.platform.channel_name(ctx.community.id, channel_id)
        current = await ctx.channel_for("prompts")
        if current is None:
            return tr("the prompts channel (not set yet)")
        return tr(
            "the prompts channel, {channel}",
            channel=await ctx.platform.channel_name(ctx.community.id, current),
        )

    @staticmethod
    def _schedule(prompt: Prompt) -> Recurrence:
        return parse_schedule(prompt.schedule)

    async def _next_posted(self, prompt: Prompt, due: datetime | None, tz: str) -> datetime | None:
        """The first post from ``due`` on that will really go out: not on a skipped date (the
        skipped one stays due, and is recorded as skipped when it comes)."""
        if due is None:
            return None
        skipped = await self.store.skips(prompt.id)
        schedule = self._schedule(prompt)
        while due is not None and local_date(due, tz) in skipped:
            try:  # the first post after the skipped day
                day_after = local_date(due, tz) + timedelta(days=1)
                due = schedule.next_after(
                    start_of_local_day(day_after, tz) - timedelta(seconds=1), tz
                )
            except (OverflowError, ValueError):
                return None
        return due


def short_text(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def local_instant(instant: datetime, tz: str, tr: Translator) -> str:
    """An instant in the community's zone as the reader writes it: ``Mon 02 Nov 2026, 09:00``."""
    return tr.datetime(instant.astimezone(zone(tz)), "EEE dd MMM y, HH:mm")
