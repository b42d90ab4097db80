"""help and about: generated from the command spec."""

from __future__ import annotations

from typing import Annotated

from bot import __version__
from bot.cog import Cog
from bot.context import Context
from bot.core import Bot
from bot.help import render_help
from bot.i18n import _
from bot.spec import MaxLen, Rest, command


class Meta(Cog):
    """What the bot can do and where the data lives."""

    name = "meta"

    @command("help", _("What I can do, or the details of one command"), private=True)
    async def help(
        self,
        ctx: Context,
        command: Annotated[str, MaxLen(60), Rest(), _("A command to explain, e.g. checkin")]
        | None = None,
    ) -> None:
        message = render_help(self.bot, ctx.level, ctx.prefix, command, ctx.tr)
        await ctx.reply(message.template, **dict(message.values))

    @command("about", _("About peerbot: version, platforms, your data"), private=True)
    async def about(self, ctx: Context) -> None:
        platforms = ", ".join(sorted(self.bot.platforms)) or ctx.t("none")
        await ctx.reply(
            _(
                "peerbot {version}, a peer-support bot for recovery and mental-health "
                "communities.\nRunning on: {platforms}.\nWhat you tell me is stored in this "
                "community's database only, scoped to this community; other members and "
                "moderators can't see your check-ins, counters or notes.\nSee everything stored "
                "about you: {export}. Delete it all: {delete}.\nI never contact emergency "
                "services myself. If you are in danger, {crisis} shows help you can reach right "
                "now."
            ),
            version=__version__,
            platforms=platforms,
            export=f"{ctx.prefix}mydata export",
            delete=f"{ctx.prefix}mydata delete confirm:yes",
            crisis=f"{ctx.prefix}crisis",
        )


def setup(bot: Bot) -> Meta:
    """Create the cog."""
    return Meta(bot)
