"""Anonymous posts ("vent"): members post in a channel moderators chose, as "Anonymous member
#N"; every post is screened for crisis first; moderators can remove, block by post, reach the
author privately through the bot, and reveal the author only with a reason (audited, and the
author is told). See docs/safe-sharing.md."""

from __future__ import annotations

from bot.channels import ChannelPurpose
from bot.core import Bot
from bot.i18n import N_
from bot.scheduler import DueSource
from cogs.vent.moderation import Moderation
from cogs.vent.posting import Posting
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
        for handler in vent_privacy_handlers():
            self.bot.privacy.register(handler)
        self.bot.scheduler.add_source(
            DueSource("vent-forget-authors", self.store.next_forget, self.store.forget_due)
        )


def setup(bot: Bot) -> Vent:
    return Vent(bot)
