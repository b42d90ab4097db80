"""Accountability partners: members opt in, peerbot pairs them up each round.

Nothing happens without consent: a proposal reaches each member privately, and members are
introduced only once every one of them said yes. Otherwise the proposal closes after 48 hours
and everyone returns to the pool with the same words, whether someone declined or nobody
answered, so nobody can tell who said no.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal, get_args

from bot.cog import Cog, listener
from bot.context import Context
from bot.declared_settings import ON_OFF, CommunitySetting
from bot.i18n import N_, _
from bot.message import Button
from bot.services import service
from bot.spec import MaxLen, MemberRef, Range, Rest, command
from bot.timeutil import next_daily
from cogs.partners.due import BACK_IN_POOL, NUDGE_TIME, PROPOSAL_CLOSED, PartnerDue
from cogs.partners.matching import FOCUSES, FREQUENCIES
from cogs.partners.moderation import PartnerModeration
from cogs.partners.sos import PartnerSupport
from cogs.partners.texts import PersonalText, name_slots
from cogs.values import LanguageCode
from storage.partners import Left, PartnerStore, Proposal, privacy_handler

if TYPE_CHECKING:
    from bot.core import Bot

Focus = Literal[
    "alcohol", "drugs", "gambling", "nicotine", "food", "gaming", "mental-health", "general"
]
Frequency = Literal["daily", "few-times-a-week", "weekly"]
assert set(get_args(Focus)) == FOCUSES and get_args(Frequency) == FREQUENCIES

ProposalId = Annotated[int, Range(1), _("Which proposal (you can leave it out)")]


async def _schedule_shown(ctx: Context, value: str | None) -> str:
    found = await PartnerStore(ctx.bot.db).schedule(ctx.community.platform, ctx.community.id)
    return found[0] if found else ctx.t("off")


class Partners(PartnerModeration, PartnerSupport, Cog):
    """/partner: the opt-in pool, proposals with consent, partnerships, SOS and moderation."""

    name = "partners"
    requires = ("checkins.checked_in_on",)  # the daily nudge asks whether partners checked in
    community_settings = (
        CommunitySetting(
            "partner.trios",
            N_("Trios when a round leaves one member out"),
            ON_OFF,
            "off",
            command="partner trios",
        ),
        CommunitySetting(
            "partner.schedule",  # kept in partner_schedules with its next run
            N_("Weekly partner matching (community time)"),
            command="partner schedule",
            show=_schedule_shown,
        ),
    )

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot)
        self.store = PartnerStore(bot.db)
        self.due = PartnerDue(bot, self.store, self.checked_in_on)

    async def on_load(self) -> None:
        """Register the partners tables with the privacy registry and the due sources."""
        self.bot.privacy.register(privacy_handler(self.bot.clock.now))
        await self.store.load()
        for due in self.due.sources():
            self.bot.scheduler.declare(due)

    # --- hooks other cogs call ------------------------------------------------------------------

    @service("partners.partner_name")
    async def partner_name(self, ctx: Context, user_id: str) -> str | None:
        """The display name(s) of the member's accountability partner(s), or None."""
        current = await self.store.partnership(ctx.member_key(user_id))
        if current is None or not current.partners:
            return None
        return " and ".join([await ctx.member_name(p) for p in current.partners])

    @listener("member_timezone_changed")
    async def on_member_timezone_changed(self, ctx: Context, user_id: str, tz: str) -> None:
        """Nudges arrive at 10:00 in the member's zone: follow the new zone."""
        if await self.store.partnership(ctx.member_key(user_id)) is not None:
            await self.store.reschedule_nudge(
                ctx.member_key(user_id), next_daily(ctx.now(), NUDGE_TIME, tz)
            )

    async def checked_in_on(self, ctx: Context, user_id: str, day: date) -> bool:
        """Whether a member checked in on their local ``day`` (the check-ins feature knows)."""
        return bool(await self.bot.services.get("checkins.checked_in_on")(ctx, user_id, day))

    # --- joining and leaving the pool --------------------------------------------------------------

    @command(
        "partner join",
        _("Ask for an accountability partner (you'll be asked before anything happens)"),
        private=True,
        examples=(
            'partner join alcohol intro:"Day 40, evenings are hard" frequency:daily language:en',
        ),
    )
    async def join(
        self,
        ctx: Context,
        focus: Annotated[Focus, _("What you're working on")],
        intro: Annotated[
            str,
            PersonalText(300),
            Rest(),
            _("A few words about you, shown only to a proposed partner"),
        ]
        | None = None,
        frequency: Annotated[
            Frequency, _("How often you'd like to be in touch")
        ] = "few-times-a-week",
        language: Annotated[str, LanguageCode(), _("The language you'd like to talk in, like en")]
        | None = None,
    ) -> None:
        key = ctx.member_key()
        current = await self.store.partnership(key)
        if current is not None:
            names = await self.partner_name(ctx, key.user_id)
            await ctx.reply(
                _(
                    "You already have an accountability partner, {names}. If you'd like a new "
                    "one, {end} first, then join again."
                ),
                names=names or "",
                end=ctx.command_hint("partner end"),
            )
            return
        entry = await self.store.pool_entry(key)
        if entry is not None:
            await ctx.reply(
                _(
                    "You're already in the pool (since {since}), so you'll be in the next round. "
                    "To change your answers: {leave}, then join again."
                ),
                since=f"{entry.joined_at:%Y-%m-%d}",
                leave=ctx.command_hint("partner leave-pool"),
            )
            return
        if await self.bot.member_settings.get(key, "timezone") is None:
            await ctx.reply(
                _(
                    "So I can pair you with someone awake when you are, please set your timezone "
                    "first: {timezone} (your own place). Then {join} again."
                ),
                timezone=ctx.command_hint("timezone set") + " zone:Europe/London",
                join=ctx.command_hint("partner join"),
            )
            return
        await self.store.join(
            key, focus=focus, intro=intro, frequency=frequency, language=language, now=ctx.now()
        )
        await ctx.reply(
            _(
                "You're in the pool 🌱 When the next matching runs, I'll privately show you a "
                "possible partner, and nothing happens unless you both say yes. {status} shows "
                "where things are; {leave} takes you out at any time."
            ),
            status=ctx.command_hint("partner status"),
            leave=ctx.command_hint("partner leave-pool"),
        )

    @command("partner leave-pool", _("Stop waiting for a partner"), private=True)
    async def leave_pool(self, ctx: Context) -> None:
        key = ctx.member_key()
        if await self.store.pool_entry(key) is None:
            await ctx.reply(_("You're not in the pool right now, so there's nothing to leave."))
            return
        _left, others = await self.store.leave_pool(key, ctx.now())
        await self._tell_closed(ctx, others)
        await ctx.reply(
            _(
                "Done, you're out of the pool. Whenever you'd like a partner, {join} brings you back."
            ),
            join=ctx.command_hint("partner join"),
        )

    # --- answering a proposal ----------------------------------------------------------------------

    @command("partner accept", _("Say yes to a proposed partner"), private=True)
    async def accept(self, ctx: Context, proposal: ProposalId | None = None) -> None:
        await self._answer(ctx, proposal, "accept")

    @command(
        "partner decline",
        _("Say no to a proposed partner (they won't know it was you)"),
        private=True,
    )
    async def decline(self, ctx: Context, proposal: ProposalId | None = None) -> None:
        await self._answer(ctx, proposal, "decline")

    async def _answer(self, ctx: Context, proposal_id: int | None, answer: str) -> None:
        key = ctx.member_key()
        if proposal_id is None:
            pending = await self.store.pending_proposal(key)
            if pending is None:
                await ctx.reply(
                    _(
                        "You don't have a proposed match waiting for an answer right now. "
                        "{status} shows where things are."
                    ),
                    status=ctx.command_hint("partner status"),
                )
                return
            proposal_id = pending.id
        first_check = next_daily(ctx.now(), NUDGE_TIME, await ctx.member_timezone())
        outcome = await self.store.answer(key, proposal_id, answer, ctx.now(), first_check)
        proposal = outcome.proposal
        if outcome.status == "missing" or proposal is None:
            await ctx.reply(
                _("I can't find that proposal among yours. {status} shows what's waiting for you."),
                status=ctx.command_hint("partner status"),
            )
        elif outcome.status == "expired":
            await ctx.reply(
                ctx.t("That proposal has expired (they last 48 hours).") + " " + ctx.t(BACK_IN_POOL)
            )
        elif outcome.status == "answered":
            await ctx.reply(
                _("You've already answered that one; I'll let you know when there's news.")
            )
        elif outcome.partnership_id is not None:
            await self._introduce(ctx, proposal)
        elif outcome.status == "accepted":
            await ctx.reply(
                _("That match already went ahead. {status} shows your partner."),
                status=ctx.command_hint("partner status"),
            )
        elif outcome.status == "pending":
            await ctx.reply(
                _(
                    "Thank you, I've noted your yes. I'll introduce you as soon as everyone has "
                    "said yes (within 48 hours); if not, you simply go back into the pool."
                )
            )
        elif outcome.status == "declined":
            await ctx.reply(
                _(
                    "Thanks for letting me know, that's completely fine. Nobody is told who said "
                    "no: the proposal closes for everyone at the same time, within 48 hours, and "
                    "then you're back in the pool; there's nothing you need to do."
                )
            )
        else:
            await ctx.reply(ctx.t("That proposal is closed now.") + " " + ctx.t(BACK_IN_POOL))

    async def _introduce(self, ctx: Context, proposal: Proposal) -> None:
        assert ctx.actor is not None
        members = list(proposal.answers)
        names = [await ctx.member_name(u) for u in members]
        room = await ctx.community_translator()
        everyone, name_values = name_slots(names, tr=room)
        shared = await ctx.open_private_group(
            members,
            _("Accountability partners"),
            room(
                "🌱 Welcome, {everyone}. This is a space for you as accountability partners "
                "(other members can't join it). Say hello when you're ready; a short message is "
                "plenty.",
                everyone=everyone,
            ),
            **name_values,
        )
        for member in proposal.answers:
            tr = await ctx.translator_for(member)
            others = [await ctx.member_name(u) for u in proposal.others(member)]
            who, values = name_slots(others, tr=tr)
            if len(others) == 1:
                together = tr("You and {who} are now accountability partners.", who=who)
            else:
                together = tr("You, {who} are now an accountability group.", who=who)
            hello = (
                tr("I've opened a private space for you to talk.")
                if shared
                else tr("Say hello when you're ready; a short message is plenty.")
            )
            text = f"🌱 {together} {hello} " + tr(
                "{status} shows your partnership, {share} shares whether you checked in "
                "(never your mood or notes), and {end} ends it kindly whenever you need to.",
                status=ctx.command_hint("partner status"),
                share=ctx.command_hint("partner share") + " checkins:on",
                end=ctx.command_hint("partner end"),
            )
            if member == ctx.actor.id:
                await ctx.reply(text, **values)
            else:
                await ctx.send_private(member, text, **values)

    async def _tell_closed(self, ctx: Context, members: list[str]) -> None:
        for member in members:
            await ctx.send_private(member, PROPOSAL_CLOSED)

    # --- the partnership ---------------------------------------------------------------------------

    @command("partner status", _("Your partner, or where you are in the pool"), private=True)
    async def status(self, ctx: Context) -> None:
        key = ctx.member_key()
        current = await self.store.partnership(key)
        if current is not None:
            tr = ctx.tr
            names = [await ctx.member_name(p) for p in current.partners]
            who, values = name_slots(names, tr=tr)
            lines = [
                tr(
                    "Your accountability partner: {who}, since {since}.",
                    who=who,
                    since=f"{current.started_at:%Y-%m-%d}",
                )
            ]
            mine = await self.due.sharing(ctx, key.user_id)
            for index, partner in enumerate(current.partners):
                if mine and await self.due.sharing(ctx, partner):
                    today = await ctx.today(partner)
                    done = await self.checked_in_on(ctx, partner, today)
                    if done:
                        line = tr("{name} has checked in today.", name=f"{{name{index}}}")
                    else:
                        line = tr(
                            "{name} hasn't checked in yet today (their day).",
                            name=f"{{name{index}}}",
                        )
                    lines.append(line)
            if not mine or len(lines) == 1:
                share = ctx.command_hint("partner share") + " checkins:on"
                if len(current.partners) == 1 and mine:
                    line = tr(
                        "Whether your partner checked in today shows here once you both turn on "
                        "{share} (yours is on).",
                        share=share,
                    )
                elif len(current.partners) == 1:
                    line = tr(
                        "Whether your partner checked in today shows here once you both turn on "
                        "{share}.",
                        share=share,
                    )
                elif mine:
                    line = tr(
                        "Whether your partners checked in today shows here once all three of you "
                        "turn on {share} (yours is on).",
                        share=share,
                    )
                else:
                    line = tr(
                        "Whether your partners checked in today shows here once all three of you "
                        "turn on {share}.",
                        share=share,
                    )
                lines.append(line)
            await ctx.reply("\n".join(lines), **values)
            return
        pending = await self.store.pending_proposal(key)
        if pending is not None:
            mine = pending.answers.get(key.user_id)
            state = {
                "accept": _("you've said yes; waiting for everyone's answer"),
                "decline": _("you've said no; it closes for everyone at the same time"),
            }.get(mine or "", _("waiting for your answer"))
            args = {"proposal": str(pending.id)}
            await ctx.reply(
                ctx.t(
                    "You have a proposed match ({state}), open until {until} UTC.",
                    state=ctx.t(state),
                    until=f"{pending.expires_at:%Y-%m-%d %H:%M}",
                ),
                buttons=[]
                if mine
                else [
                    Button(_("Accept"), command="partner accept", args=args, style="success"),
                    Button(_("Decline"), command="partner decline", args=args, style="secondary"),
                ],
            )
            return
        entry = await self.store.pool_entry(key)
        if entry is not None:
            await ctx.reply(
                _(
                    "You're in the pool (since {since}, focus {focus}), waiting for the next "
                    "matching."
                ),
                since=f"{entry.joined_at:%Y-%m-%d}",
                focus=entry.focus,
            )
            return
        await ctx.reply(
            _(
                "You don't have an accountability partner right now. Whenever you'd like one: "
                "{join}"
            ),
            join=ctx.command_hint("partner join") + " focus:general",
        )

    @command(
        "partner end", _("End your partnership kindly (your reason stays with you)"), private=True
    )
    async def end(
        self,
        ctx: Context,
        reason: Annotated[str, MaxLen(300), Rest(), _("Only for you: never passed on or kept")]
        | None = None,
    ) -> None:
        key = ctx.member_key()
        names = await self.partner_name(ctx, key.user_id)
        left = await self.store.leave_partnership(key, ctx.now())
        if left is None:
            await ctx.reply(
                _("You don't have an accountability partner right now, so there's nothing to end.")
            )
            return
        await self._tell_left(ctx, key.user_id, left)
        await ctx.reply(
            _(
                "Your partnership with {names} has ended. Thank you for the support you gave. "
                "I've let them know kindly, without any reason. Whenever you're ready, {join} "
                "puts you back in the pool."
            ),
            names=names or "",
            join=ctx.command_hint("partner join"),
        )

    async def _tell_left(
        self, ctx: Context, leaver: str, left: Left, by_moderator: bool = False
    ) -> None:
        name = await ctx.member_name(leaver)
        for member in left.remaining:
            if left.ended and by_moderator:
                text = _(
                    "Your accountability partnership with {name} has ended (a moderator ended "
                    "it). Thank you for the support you gave. Whenever you're ready, {join} puts "
                    "you back in the pool."
                )
            elif left.ended:
                text = _(
                    "Your accountability partnership with {name} has ended. Thank you for the "
                    "support you gave. Whenever you're ready, {join} puts you back in the pool."
                )
            else:
                text = _(
                    "{name} has stepped back from your accountability group; the rest of you "
                    "carry on together. {status} shows who."
                )
            await ctx.send_private(
                member,
                text,
                name=name,
                join=ctx.command_hint("partner join"),
                status=ctx.command_hint("partner status"),
            )

    @command("partner block", _("Never be proposed with a member (they aren't told)"), private=True)
    async def block(self, ctx: Context, member: Annotated[MemberRef, _("The member")]) -> None:
        assert ctx.actor is not None
        key = ctx.member_key()
        if member.id == ctx.actor.id:
            await ctx.reply(
                _("That's you. You can't block yourself, and you'll never be proposed to yourself.")
            )
            return
        if member.is_bot:
            await ctx.reply(_("That's a bot; bots are never proposed as partners."))
            return
        current = await self.store.partnership(key)
        new, closed = await self.store.block(key, member.id, ctx.now())
        if not new:
            await ctx.reply(
                _("You've already blocked {name}; I'll never propose you together."),
                name=member.name,
            )
            return
        await self._tell_closed(ctx, closed)
        extra = ""
        if current is not None and member.id in current.partners:
            left = await self.store.leave_partnership(key, ctx.now())
            if left is not None:
                await self._tell_left(ctx, key.user_id, left)
                extra = " " + ctx.t(
                    "Your partnership with them has ended; they were told only that."
                )
        await ctx.reply(
            ctx.t("Done: I'll never propose you and {name} as partners. They aren't told.") + extra,
            name=member.name,
        )


def setup(bot: Bot) -> Partners:
    """Create the cog."""
    return Partners(bot)
