"""/partner share and /partner sos: what a member lets their partner see, and asking a partner
for support right now (a part of the :class:`~cogs.partners.Partners` cog)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from bot.context import Context
from bot.i18n import _
from bot.spec import Rest, command
from cogs.partners.due import SHARE_KEY
from cogs.partners.texts import PersonalText, name_slots

if TYPE_CHECKING:
    from bot.core import Bot
    from storage.partners import PartnerStore


class PartnerSupport:
    """Sharing and SOS; mixed into the partners cog, whose store they use."""

    bot: Bot
    store: PartnerStore

    @command(
        "partner share", _("Share with your partner whether you checked in today"), private=True
    )
    async def share(
        self,
        ctx: Context,
        checkins: Annotated[Literal["on", "off"], _("Share whether you checked in")],
    ) -> None:
        await self.bot.member_settings.set(
            ctx.member_key(), SHARE_KEY, "on" if checkins == "on" else None, ctx.now()
        )
        if checkins == "on":
            await ctx.reply(
                _(
                    "Sharing is on: your partner can see whether you checked in today (never "
                    "your mood or notes), once they share too."
                )
            )
        else:
            await ctx.reply(_("Sharing is off: your check-ins stay with you."))

    @command(
        "partner sos", _("Let your partner know you could use support right now"), private=True
    )
    async def sos(
        self,
        ctx: Context,
        note: Annotated[
            str, PersonalText(300), Rest(), _("A few words for your partner (optional)")
        ]
        | None = None,
    ) -> None:
        key = ctx.member_key()
        current = await self.store.partnership(key)
        crisis = ctx.command_hint("crisis")
        if current is None or not current.partners:
            await ctx.reply(
                _(
                    "You don't have an accountability partner right now, so there's no one to "
                    "send this to. If things are hard right now, {crisis} shows people you can "
                    "reach at any hour."
                ),
                crisis=crisis,
            )
            return
        limit = self.bot.config.limits.partner_sos_per_day
        left = await self.store.take_sos(key, await ctx.today(), limit)
        if left is None:
            await ctx.reply(
                ctx.nt(
                    "You've sent today's {count} SOS message to your partner. If you need "
                    "someone right now, {crisis} shows people you can reach at any hour.",
                    "You've sent today's {count} SOS messages to your partner. If you need "
                    "someone right now, {crisis} shows people you can reach at any hour.",
                    limit,
                    crisis=crisis,
                )
            )
            return
        assert ctx.actor is not None
        me = await ctx.member_name(ctx.actor.id)
        values = {"me": me}
        if note:
            values["note"] = note
        services = self.bot.services
        emergency_if_urgent = services.find("crisis.emergency_if_urgent") or _no_emergency
        emergency = await emergency_if_urgent(ctx, note)
        if emergency is not None:
            values["emergency"] = emergency
        reached = []
        for partner in current.partners:
            tr = await ctx.translator_for(partner)
            lines = [
                tr(
                    "🤝 {me} could use some support right now. A short message from you could "
                    "mean a lot."
                )
            ]
            if note:
                lines.append(tr("They wrote: {note}"))
            if emergency is not None:
                lines.append(
                    tr(
                        "What they wrote sounds like they may be in danger. If you can't reach "
                        "them, or you think they are in danger now, call {emergency} (the "
                        "emergency number where they are) and stay with them if you can."
                    )
                )
            if await ctx.send_private(partner, "\n".join(lines), **values):
                reached.append(partner)
        names = [await ctx.member_name(p) for p in current.partners]
        who, name_values = name_slots(names, tr=ctx.tr)
        heard = await (services.find("crisis.urgent_reply") or _no_reply)(
            ctx,
            note,
            ctx.t("I've sent your note to your partner privately.")
            if reached
            else ctx.t("I couldn't reach your partner privately just now."),
            "partner" if reached else "choice",
        )
        if heard is not None:
            await ctx.reply(heard.template, buttons=heard.buttons, **heard.values)
            return
        if reached:
            await ctx.reply(
                ctx.t(
                    "I've let {who} know privately. You're not alone in this. If things feel "
                    "urgent, {crisis} shows people you can reach at any hour.",
                    who=who,
                    crisis=crisis,
                ),
                **name_values,
            )
        else:
            await ctx.reply(
                ctx.t(
                    "I couldn't reach {who} privately just now. If things feel urgent, {crisis} "
                    "shows people you can reach at any hour.",
                    who=who,
                    crisis=crisis,
                ),
                **name_values,
            )


async def _no_emergency(ctx: Context, text: str | None) -> None:
    """Without the crisis cog, nothing is added for the partner."""
    return None


async def _no_reply(ctx: Context, text: str | None, done: str, who_hears: str) -> None:
    """Without the crisis cog, the usual reply is sent."""
    return None
