"""Anonymous posts ("vent"): members post in a channel moderators chose, as "Anonymous member
#N"; every post is screened for crisis first; moderators can remove, block by post, reach the
author privately through the bot, and reveal the author only with a reason (audited, and the
author is told). See docs/safe-sharing.md."""

from __future__ import annotations

from bot.channels import ChannelPurpose
from bot.cog import listener
from bot.context import Context
from bot.core import Bot
from bot.i18n import N_
from bot.platforms.base import MessageDeletedEvent
from bot.scheduler import DueSource
from cogs.vent import texts
from cogs.vent.moderation import Moderation
from cogs.vent.posting import Posting
from storage.db import MemberKey
from storage.vent import vent_privacy_handlers


class Vent(Posting, Moderation):
    """/vent and its moderator commands."""

    name = "vent"
    channel_purposes = (ChannelPurpose("vent", N_("Anonymous posts")),)
    requires = (
        "crisis.level",
        "crisis.urgent_reply",
        "crisis.alert_anonymous",
        "crisis.concern_reply",
    )

    async def on_load(self) -> None:
        for handler in vent_privacy_handlers(texts.KEPT):
            self.bot.privacy.register(handler)
        self.bot.scheduler.add_source(
            DueSource("vent-forget-authors", self.store.next_forget, self.store.forget_due)
        )

    @listener("message_deleted")
    async def post_deleted(self, ctx: Context, event: MessageDeletedEvent) -> None:
        """An anonymous post deleted outside the bot (by hand on Discord, redacted on Matrix):
        who wrote it is kept only as long as the post is."""
        await self.store.deleted(
            event.community.platform, event.community.id, event.channel.id, event.message_id
        )

    @listener("member_data_delete_asked")
    async def before_delete_asked(self, ctx: Context, key: MemberKey) -> None:
        """Before /mydata delete is confirmed: how many anonymous posts are still linked to the
        member, and the choice to take them down while that can still find them."""
        count = await self.store.linked(key)
        if not count:
            return
        await ctx.reply(
            ctx.nt(
                "You have {count} anonymous post linked to you. If you go ahead, it stays where "
                "it is, anonymous to everyone, and nothing will link it to you any more. To take "
                "it down instead, do this first: {command}",
                "You have {count} anonymous posts linked to you. If you go ahead, they stay where "
                "they are, anonymous to everyone, and nothing will link them to you any more. To "
                "take them down instead, do this first: {command}",
                count,
                command=ctx.command_hint("vent forget") + " posts:remove",
            ),
            private=True,
        )


def setup(bot: Bot) -> Vent:
    return Vent(bot)
