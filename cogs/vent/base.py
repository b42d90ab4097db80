"""What the anonymous-post commands share: the store, limits and the private screen."""

from __future__ import annotations

from datetime import date

from bot.cog import Cog
from bot.config import VentSection
from bot.context import Context
from bot.core import Bot
from bot.i18n import N_
from bot.message import Message
from cogs.vent import texts
from storage.vent import VentStore


def limit_day(ctx: Context) -> date:
    """The day daily limits count by: the UTC date, the same for everyone, so changing one's
    timezone can't start a new day early (members are told "in the last 24 hours", which the
    uses of one UTC day always are)."""
    return ctx.now().date()


POST_NUMBER = N_("The post's number, as shown on it")


class VentBase(Cog):
    """State every part of the vent feature uses."""

    name = "vent"

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot)
        self.store = VentStore(bot.db)

    @property
    def limits(self) -> VentSection:
        """The configured limits ([vent] in the config)."""
        return self.bot.config.vent

    async def typed_where_seen(self, ctx: Context, template: str) -> bool:
        """True, and the member told with `template` (``{after}``, ``{usage}``), when the
        command was typed where others can read it (a shared Matrix room): the command names
        the member as an author, so it is refused and taken out of the room where the bot may."""
        if ctx.channel is None or ctx.platform.typed_in_private(
            ctx.channel.id, ctx.member_key().user_id
        ):
            return False
        withdrawn = await ctx.withdraw_command(texts.WITHDRAW_REASON)
        after = texts.WITHDRAWN if withdrawn else texts.DELETE_IT
        await ctx.reply(template, usage=ctx.usage(), after=after)
        return True

    async def level(self, ctx: Context, text: str) -> str:
        """How the crisis detector reads `text` ("none", "concern", "urgent")."""
        return await self.bot.services.get("crisis.level")(ctx, text)

    async def urgent_reply(
        self, ctx: Context, text: str, done: str, who_hears: str = "choice"
    ) -> Message | None:
        """The private crisis reply for urgent text (None otherwise); the core adds no second.
        ``who_hears="anonymous"`` when the post goes out and the moderators are alerted."""
        return await self.bot.services.get("crisis.urgent_reply")(ctx, text, done, who_hears)

    async def reply_message(self, ctx: Context, message: Message) -> None:
        """Reply privately with a prepared message (the crisis reply)."""
        await ctx.reply(
            message.template, private=True, buttons=message.buttons, **dict(message.values)
        )
