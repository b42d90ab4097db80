"""/language (show), /language set and /community language: which language peerbot speaks.

A member's own choice wins, then the community's, then (on Discord) the language of their
client, then English (bot/languages.py). Both are plain settings: the member's is member data
(the ``settings`` table of /mydata export and delete), the community's a declared setting that
/community show lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from bot.cog import Cog
from bot.context import Context
from bot.declared_settings import CommunitySetting
from bot.i18n import NAMES, SUPPORTED, _, normalize
from bot.languages import COMMUNITY_KEY, MEMBER_KEY
from bot.spec import MaxLen, Permission, command

if TYPE_CHECKING:
    from bot.core import Bot

CODES = ", ".join(SUPPORTED)
LONGEST_SHOWN = 20  # an unknown code is echoed at most this long


class LanguageCog(Cog):
    """The member's and the community's language."""

    name = "language"
    community_settings = (
        CommunitySetting(
            COMMUNITY_KEY,
            _("Language of peerbot's messages"),
            command="community language",
        ),
    )

    @command("language", _("Which language I write to you in"), private=True)
    async def show(self, ctx: Context) -> None:
        own = normalize(await self.bot.member_settings.get(ctx.member_key(), MEMBER_KEY))
        if own:
            await ctx.reply(_("I write to you in {language}."), language=NAMES[ctx.tr.code])
        else:
            await ctx.reply(
                _("I write to you in {language}, this community's language (or your app's)."),
                language=NAMES[ctx.tr.code],
            )
        await ctx.reply(
            _("To change it: {command} (one of {codes}, or off)."),
            command=f"{ctx.command_hint('language set')} code:es",
            codes=CODES,
        )

    @command(
        "language set",
        _("Choose the language I write to you in (off: the community's)"),
        private=True,
    )
    async def set_language(
        self,
        ctx: Context,
        code: Annotated[str, MaxLen(40), _("A language code: en, es, pt_BR, de, fr, uk, or off")],
    ) -> None:
        key = ctx.member_key()
        if code.strip().lower() == "off":
            await self.bot.member_settings.set(key, MEMBER_KEY, None, ctx.now())
            await ctx.use_reader_language(again=True)  # the reply follows the new rule
            await ctx.reply(
                _(
                    "Done. I'll write to you in {language}, this community's language (or your app's)."
                ),
                language=NAMES[ctx.tr.code],
            )
            return
        chosen = normalize(code)
        if chosen is None:
            await ctx.reply(
                _("I don't have {code} yet. I can write in: {codes}."),
                code=code[:LONGEST_SHOWN] + ("…" if len(code) > LONGEST_SHOWN else ""),
                codes=CODES,
            )
            return
        await self.bot.member_settings.set(key, MEMBER_KEY, chosen, ctx.now())
        await ctx.use_reader_language(again=True)
        await ctx.reply(_("Done. I'll write to you in {language}."), language=NAMES[chosen])

    @command(
        "community language",
        _("The community's language (members can still choose their own)"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def community_language(
        self,
        ctx: Context,
        code: Annotated[str, MaxLen(40), _("A language code: en, es, pt_BR, de, fr, uk, or off")],
    ) -> None:
        community = ctx.community
        if code.strip().lower() == "off":
            await self.bot.community_settings.set(
                community.platform, community.id, COMMUNITY_KEY, None, ctx.now()
            )
            await ctx.use_reader_language(again=True)  # the moderator may read it too
            await ctx.reply(
                _("Done. Members who chose no language get the one their app uses, else English.")
            )
            return
        chosen = normalize(code)
        if chosen is None:
            await ctx.reply(
                _("I don't have {code} yet. I can write in: {codes}."),
                code=code[:LONGEST_SHOWN] + ("…" if len(code) > LONGEST_SHOWN else ""),
                codes=CODES,
            )
            return
        await self.bot.community_settings.set(
            community.platform, community.id, COMMUNITY_KEY, chosen, ctx.now()
        )
        await ctx.use_reader_language(again=True)  # the moderator may read it too
        await ctx.reply(
            _("Done. I'll write in {language} here, except to members who chose their own."),
            language=NAMES[chosen],
        )


def setup(bot: Bot) -> LanguageCog:
    """Create the cog."""
    return LanguageCog(bot)
