"""mydata export / mydata delete: everything any cog stores about a member."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from bot.cog import Cog
from bot.context import Context
from bot.core import Bot
from bot.i18n import N_, _
from bot.message import Attachment
from bot.spec import command
from storage.db import MemberKey

# The names each feature gives its member data (bot.privacy), as a member reads them; the
# export's JSON keeps the stable names.
SECTION_NAMES = {
    "anonymous post limits": N_("anonymous post limits"),
    "anonymous post relays": N_("anonymous post relays"),
    "anonymous posts": N_("anonymous posts"),
    "checkin days": N_("checkin days"),
    "checkin reminder": N_("checkin reminder"),
    "checkins": N_("checkins"),
    "community_audit": N_("community_audit"),
    "crisis alerts": N_("crisis alerts"),
    "crisis concern reports": N_("crisis concern reports"),
    "crisis directory checks": N_("crisis directory checks"),
    "crisis directory reports": N_("crisis directory reports"),
    "crisis duty": N_("crisis duty"),
    "crisis flagged messages": N_("crisis flagged messages"),
    "crisis rota": N_("crisis rota"),
    "crisis state": N_("crisis state"),
    "files": N_("files"),
    "matrix_direct_room": N_("matrix_direct_room"),
    "meeting_rsvps": N_("meeting_rsvps"),
    "meetings": N_("meetings"),
    "milestones": N_("milestones"),
    "partners": N_("partners"),
    "profile": N_("profile"),
    "prompts": N_("prompts"),
    "safety plan": N_("safety plan"),
    "settings": N_("settings"),
    "support feedback": N_("support feedback"),
    "support requests": N_("support requests"),
    "support settings": N_("support settings"),
}


def section_name(ctx: Context, name: str) -> str:
    """A section of a member's data in their language (a feature's new section: its own name)."""
    return ctx.t(SECTION_NAMES[name]) if name in SECTION_NAMES else name


class MyData(Cog):
    """A member's own data: see it all, or remove it all."""

    name = "mydata"

    @command(
        "mydata export", _("Everything stored about you in this community, as a file"), private=True
    )
    async def export(
        self,
        ctx: Context,
        scope: Annotated[
            Literal["here", "everywhere"], _("This community, or every community")
        ] = "here",
    ) -> None:
        key = self._key(ctx, scope)
        data = await self.bot.privacy.export(self.bot.db, key)
        document = {
            "platform": key.platform,
            "community": key.community_id or "all",
            "user": key.user_id,
            "exported_at": ctx.now().isoformat(),
            "data": data,
        }
        body = json.dumps(document, indent=2, ensure_ascii=False, default=str)
        if not data:
            await ctx.reply(_("I have nothing stored about you here."))
            return
        sections = ", ".join(sorted(section_name(ctx, name) for name in data))
        if ctx.platform.capabilities.files:
            await ctx.reply(
                _("Here is everything I store about you ({sections})."),
                # Named by scope and time, so one export never replaces another.
                file=Attachment(
                    f"peerbot-export-{scope}-{ctx.now():%Y-%m-%d-%H%M%S}.json",
                    body.encode(),
                    "application/json",
                ),
                sections=sections,
            )
        else:
            await ctx.reply(_("Here is everything I store about you:\n{body}"), body=body)

    @command(
        "mydata delete",
        _("Delete everything stored about you (asks for confirm:yes)"),
        private=True,
    )
    async def delete(
        self,
        ctx: Context,
        confirm: Annotated[Literal["yes", "no"], _("Type yes to delete for good")] = "no",
        scope: Annotated[
            Literal["here", "everywhere"], _("This community, or every community")
        ] = "here",
    ) -> None:
        if confirm != "yes":
            everywhere = scope == "everywhere"
            await ctx.reply(
                _(
                    "This deletes everything I store about you in every community (check-ins, "
                    "counters, notes, settings…) and can't be undone. To go ahead: {command}"
                )
                if everywhere
                else _(
                    "This deletes everything I store about you in this community (check-ins, "
                    "counters, notes, settings…) and can't be undone. To go ahead: {command}"
                ),
                command=f"{ctx.prefix}mydata delete confirm:yes"
                + (" scope:everywhere" if everywhere else ""),
            )
            # Features offer their choices while they can still act on them (anonymous posts).
            await self.bot.emit("member_data_delete_asked", ctx, self._key(ctx, scope))
            return
        key = self._key(ctx, scope)
        # Features end what is still going on first (an open support session, kindly).
        await self.bot.emit("member_data_deleting", ctx, key)
        # What features keep is their sentence, translated where they marked it.
        kept = " ".join(ctx.tr.gettext(k) for k in await self.bot.privacy.kept(self.bot.db, key))
        # The files the platform saved for them (the console's exports and charts) go first: if
        # that fails, nothing is deleted yet and the member can simply ask again.
        files = await ctx.platform.delete_member_files(key.community_id, key.user_id)
        counts = await self.bot.privacy.delete(self.bot.db, key)
        removed = {name: n for name, n in {**counts, "files": files}.items() if n}
        if not removed:
            if kept:
                await ctx.reply(_("{kept} There was nothing else stored about you."), kept=kept)
            else:
                await ctx.reply(
                    _("There was nothing stored about you, so nothing needed deleting.")
                )
            return
        summary = ", ".join(
            sorted(f"{section_name(ctx, name)} ({n})" for name, n in removed.items())
        )
        if kept:
            await ctx.reply(
                _("Done. I deleted everything else I had about you: {summary}. {kept}"),
                summary=summary,
                kept=kept,
            )
        else:
            await ctx.reply(
                _("Done. I deleted everything I had about you: {summary}."), summary=summary
            )

    @staticmethod
    def _key(ctx: Context, scope: str) -> MemberKey:
        key = ctx.member_key()
        if scope == "everywhere":
            return MemberKey(key.platform, None, key.user_id)
        return key


def setup(bot: Bot) -> MyData:
    """Create the cog."""
    return MyData(bot)
