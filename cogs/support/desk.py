"""The supporters' side: who they are, the queue, claim, hand over, close, and the counts
moderators see (no content, no names)."""

from __future__ import annotations

from datetime import timedelta
from statistics import mean
from typing import Annotated, Literal

from babel.numbers import format_decimal

from bot.access import PeopleGroup, PowerOrOff, RoleOrOff, change_people
from bot.context import Context
from bot.i18n import N_, Translator, _
from bot.spec import (
    MaxLen,
    MemberRef,
    Permission,
    Range,
    Rest,
    command,
)
from cogs.support.base import SupportBase
from cogs.support.texts import (
    SETTING,
    SPACE_HANDED,
    STILL_SHOWS,
    UNREACHABLE,
    WITHDRAWN,
    RequestNumber,
    kind_text,
    minutes_text,
    topics_text,
)
from storage.support import ACTIVE, CLOSED, PRIVATELY, Request, SupporterSettings

Outcome = Literal["supported", "referred", "member-left", "no-reply", "other"]
PURPOSE = "support"  # the channel Discord private threads open under (else check-ins)
SPACE_TEXT = N_(
    "Support session #{id}: {member} and {supporter}. Only the two of you are here.\n"
    "What would help: {kind}. Heads-up topics: {topics}. Time they have: {minutes}.\n"
    "In their words: {note}\n"
    "{member}, you can end this any time with {end}. {supporter} closes it with {close}."
)
# A Discord private thread: those who may manage threads in the channel can open it too.
SPACE_TEXT_THREAD = N_(
    "Support session #{id}: {member} and {supporter}. Only the two of you were added to this "
    "private thread, but people with the Manage Threads permission in this channel can open it "
    "too.\n"
    "What would help: {kind}. Heads-up topics: {topics}. Time they have: {minutes}.\n"
    "In their words: {note}\n"
    "{member}, you can end this any time with {end}. {supporter} closes it with {close}."
)
SPACE_TEXT_PRIVATELY = N_(
    "Support session #{id}: {member} and {supporter}.\n"
    "What would help: {kind}. Heads-up topics: {topics}. Time they have: {minutes}.\n"
    "In their words: {note}\n"
    "{member} can end it any time with {end}; you close it with {close}.\n"
    "Please write to them privately."
)

SUPPORTERS = PeopleGroup(
    N_("supporters"),
    "Supporters",
    SETTING,
    SETTING,
    N_("they read what members write when they ask for support"),
    N_("trained supporters"),
)


async def supporters_shown(ctx: Context, value: str | None) -> str:
    """The supporters setting as moderators read it."""
    if not value:
        return ctx.t("nobody yet")
    if ctx.community.platform == "matrix":
        return ctx.t("power level {level} and up", level=value)
    return await ctx.role_name(value)


class SupporterDesk(SupportBase):
    """/community supporters, /support settings, queue, claim, handoff, close, stats."""

    @command(
        "community supporters",
        _("Who the peer supporters are: a role (Discord), a power level (Matrix)"),
        private=True,
        level=Permission.MODERATOR,
        examples=("community supporters role:@Supporters", "community supporters power:25"),
    )
    async def supporters(
        self,
        ctx: Context,
        role: Annotated[RoleOrOff, _("The supporters' role, or off")] | None = None,
        power: Annotated[PowerOrOff, _("Matrix: power level, or off")] | None = None,
    ) -> None:
        """Set or show the community's peer supporters."""
        if (role is None) == (power is None):
            await ctx.reply(
                _(
                    "Peer supporters now: {shown}. Set them with role:@Role (Discord and "
                    "console) or power:25 (Matrix), or off."
                ),
                shown=await supporters_shown(ctx, await ctx.setting(SETTING)),
            )
            return
        change = await change_people(ctx, SUPPORTERS, role, power)
        if change is None:
            return
        value = change.value
        await ctx.reply(
            _(
                "Done. Peer supporters: {shown}. They go on duty with {on} and see requests "
                "with {queue}."
            ),
            shown=await supporters_shown(ctx, value),
            on=ctx.command_hint("duty") + " on",
            queue=ctx.command_hint("support queue"),
        )

    @command(
        "support settings",
        _("Supporters: sessions at once, and calls when nobody is on"),
        private=True,
    )
    async def settings(
        self,
        ctx: Context,
        max: Annotated[int, Range(1, 5), _("Most sessions at once (1 to 5)")] | None = None,  # noqa: A002
        callme: Annotated[
            Literal["on", "off"],
            _("on: a private nudge when someone waits and nobody is on duty"),
        ]
        | None = None,
    ) -> None:
        """Show or change the supporter's own settings."""
        if await self.refuse_non_supporter(ctx):
            return
        key = ctx.member_key()
        current = await self.store.settings(key)
        if max is not None or callme is not None:
            current = SupporterSettings(
                max if max is not None else current.max_sessions,
                (callme == "on") if callme is not None else current.call_me,
                current.nudged_for,
            )
            await self.store.set_settings(key, current)
        if current.call_me:
            text = ctx.nt(
                "Your settings: up to {count} session at once; you're called when someone "
                "waits and nobody is on duty.",
                "Your settings: up to {count} sessions at once; you're called when someone "
                "waits and nobody is on duty.",
                current.max_sessions,
            )
        else:
            text = ctx.nt(
                "Your settings: up to {count} session at once; you're not called when someone "
                "waits and nobody is on duty.",
                "Your settings: up to {count} sessions at once; you're not called when someone "
                "waits and nobody is on duty.",
                current.max_sessions,
            )
        await ctx.reply(text)

    @command(
        "support queue", _("Supporters: waiting requests (no names until claimed)"), private=True
    )
    async def queue(self, ctx: Context) -> None:
        """Waiting requests with kind, topics and wait; never who asked."""
        if await self.refuse_non_supporter(ctx):
            return
        waiting = await self.store.waiting(ctx.community.platform, ctx.community.id)
        if not waiting:
            await ctx.reply(_("Nobody is waiting right now."))
            return
        tr = ctx.tr
        lines = [
            tr.plural(
                "{count} waiting, oldest first:", "{count} waiting, oldest first:", len(waiting)
            )
        ]
        lines += self.queue_lines(waiting, ctx.now(), tr)
        await ctx.reply("\n".join(lines), buttons=self.claim_buttons(waiting, tr))

    @command(
        "support claim", _("Supporters: take the oldest request, or one by number"), private=True
    )
    async def claim(
        self,
        ctx: Context,
        id: Annotated[int, RequestNumber(), _("The request number")] | None = None,  # noqa: A002
    ) -> None:
        """Claim a request and open the private space."""
        assert ctx.actor is not None
        if await self.refuse_non_supporter(ctx) or await self._refuse_busy(ctx, ctx.actor.id):
            return
        limit = (await self.store.settings(ctx.member_key())).max_sessions
        request = await self.store.claim(
            ctx.community.platform, ctx.community.id, id, ctx.actor.id, ctx.now(), limit
        )
        if request is None:
            if await self._refuse_busy(ctx, ctx.actor.id):  # a claim at the same moment
                return
            await ctx.reply(
                _(
                    "That request is no longer waiting (someone else may have claimed it, or it "
                    "was cancelled). {queue} shows what is waiting."
                )
                if id is not None
                else _("Nobody is waiting right now. Thank you for being on duty."),
                queue=ctx.command_hint("support queue"),
            )
            return
        await self.tell_new_places(ctx)
        if not await self.open_space(ctx, request, ctx.actor.id):
            return
        await ctx.reply(
            _(
                "You claimed #{id}. I've opened a private space for you and {member}; the "
                "request is there."
            ),
            id=str(request.id),
            member=request.display_name,
        )
        await self.nudge_long_duty(ctx, ctx.actor.id)

    async def _refuse_busy(self, ctx: Context, user_id: str) -> bool:
        """Reply and return True when the supporter is off duty or at their limit."""
        if user_id not in {d.user_id for d in await self.on_duty(ctx)}:
            await ctx.reply(
                _("Please go on duty first with {on}, so members know someone is there."),
                on=ctx.command_hint("duty") + " on",
            )
            return True
        active = await self.store.active(ctx.community.platform, ctx.community.id)
        holding = sum(1 for r in active if r.supporter_id == user_id)
        limit = (await self.store.settings(ctx.member_key(user_id))).max_sessions
        if holding >= limit:
            await ctx.reply(
                ctx.nt(
                    "You already hold {count} session, your limit. Close one first, or raise "
                    "the limit with {settings}.",
                    "You already hold {count} sessions, your limit. Close one first, or raise "
                    "the limit with {settings}.",
                    holding,
                    settings=ctx.command_hint("support settings") + " max:2",
                )
            )
            return True
        return False

    async def open_space(self, ctx: Context, request: Request, supporter: str) -> bool:
        """The private space for the member and the supporter, with the triage answers; where
        a platform can't make one, each hears privately (the answers go to the supporter).
        False when the member can't be reached at all: the session is then closed kindly and
        the supporter is free again."""
        supporter_name = await ctx.member_name(supporter)

        def answers(tr: Translator) -> dict[str, str]:
            return {
                "id": str(request.id),
                "member": request.display_name,
                "supporter": supporter_name,
                "kind": kind_text(request.kind, tr),
                "topics": topics_text(request.topics, tr),
                "minutes": minutes_text(request.minutes, tr),
                "note": request.note or tr("(nothing written)"),
                "end": ctx.command_hint("support end"),
                "close": ctx.command_hint("support close"),
            }

        room = await ctx.community_translator()
        values = answers(room)
        opened = await ctx.open_private_group(
            [request.user_id, supporter],
            room("Support session #{id}", id=request.id),
            SPACE_TEXT_THREAD if ctx.platform.capabilities.threads else SPACE_TEXT,
            under=PURPOSE,
            **values,
        )
        if opened:
            await self.store.set_space(request.id, supporter, opened, ctx.now())
            await ctx.send_private(
                request.user_id,
                _(
                    "{supporter} is here for you: I've opened a private space for just the two "
                    "of you. You can end it any time with {end}."
                ),
                **values,
            )
            return True
        reached = await ctx.send_private(
            request.user_id,
            _(
                "{supporter} is here for you and will write to you privately. You can end it "
                "any time with {end}."
            ),
            **values,
        )
        if not reached:
            await self.unreachable(ctx, request, supporter)
            return False
        await self.store.set_space(request.id, supporter, PRIVATELY, ctx.now())
        await ctx.send_private(
            supporter,
            SPACE_TEXT_PRIVATELY,
            **answers(await ctx.translator_for(supporter)),
        )
        return True

    async def unreachable(self, ctx: Context, request: Request, supporter: str) -> None:
        """The member left or closed their messages: close the session, free the supporter,
        and tell them (as the reply when they are the one claiming)."""
        closed = await self.store.finish(
            request.id, ACTIVE, CLOSED, "bot", "member-left", ctx.now()
        )
        if closed is None:
            return
        values = {"id": str(request.id), "queue": ctx.command_hint("support queue")}
        if ctx.actor is not None and ctx.actor.id == supporter:
            await ctx.reply(UNREACHABLE, **values)
        else:
            await ctx.send_private(supporter, UNREACHABLE, **values)

    async def _held(self, ctx: Context, id: int | None) -> Request | None:  # noqa: A002
        """The caller's active session (the one numbered ``id`` if given); replies when none."""
        assert ctx.actor is not None
        mine = [
            r
            for r in await self.store.active(ctx.community.platform, ctx.community.id)
            if r.supporter_id == ctx.actor.id and (id is None or r.id == id)
        ]
        if len(mine) == 1:
            return mine[0]
        if not mine:
            await ctx.reply(_("You hold no such session right now."))
        else:
            numbers = ", ".join(f"#{r.id}" for r in mine)
            await ctx.reply(
                _("You hold several sessions ({numbers}); add id: to say which."),
                numbers=numbers,
            )
        return None

    @command(
        "support handoff",
        _("Supporters: pass your session to another supporter, with a note only they see"),
        private=True,
        examples=("support handoff member:@sam note:talked about work, wants a follow-up",),
    )
    async def handoff(
        self,
        ctx: Context,
        member: Annotated[MemberRef, _("The supporter taking over")],
        note: Annotated[str, MaxLen(1000), Rest(), _("A summary for them only")],
        id: Annotated[int, RequestNumber(), _("Which session, if you hold several")]  # noqa: A002
        | None = None,
    ) -> None:
        """Hand over: a new private space for the member and the next supporter."""
        # typed in a shared room (Matrix), the note meant for the next supporter only
        withdrawn = await ctx.withdraw_command("a handoff note typed in a shared room")
        await self._handoff(ctx, member, note, id)
        if withdrawn is not None:
            await ctx.reply(WITHDRAWN if withdrawn else STILL_SHOWS)

    async def _handoff(self, ctx: Context, member: MemberRef, note: str, id: int | None) -> None:  # noqa: A002
        assert ctx.actor is not None
        if await self.refuse_non_supporter(ctx):
            return
        request = await self._held(ctx, id)
        if request is None:
            return
        if member.id in (ctx.actor.id, request.user_id) or not await self.is_supporter(
            ctx, member.id
        ):
            await ctx.reply(
                _(
                    "Please hand over to another peer supporter (not yourself or the member). "
                    "Nothing changed."
                )
            )
            return
        if request.handoffs >= self.store.MAX_HANDOFFS:
            await ctx.reply(
                _(
                    "This session has been handed over {count} times already, and each time "
                    "{member} meets someone new. Please stay with them, or close it and they "
                    "can ask again. Nothing changed."
                ),
                count=str(request.handoffs),
                member=request.display_name,
            )
            return
        if await self._refuse_busy_other(ctx, member.id):
            return
        if not await self.store.hand_over(request.id, ctx.actor.id, member.id, ctx.now()):
            await ctx.reply(_("That session has just ended or moved on. Nothing changed."))
            return
        await self.close_space(ctx, request, SPACE_HANDED, supporter=ctx.actor.name, to=member.name)
        await ctx.send_private(
            member.id,
            _("{from_} handed session #{id} to you. Their note, for you only: {note}"),
            from_=ctx.actor.name,
            id=str(request.id),
            note=note,
        )
        if not await self.open_space(ctx, request, member.id):
            await ctx.reply(
                _(
                    "I couldn't reach {member} to open a new space, so the session is closed "
                    "and {to} has been told. Thank you."
                ),
                to=member.name,
                member=request.display_name,
            )
            return
        await ctx.reply(
            _(
                "Handed over to {to}. They have your note and a new private space with "
                "{member}. Thank you."
            ),
            to=member.name,
            member=request.display_name,
        )

    async def _refuse_busy_other(self, ctx: Context, user_id: str) -> bool:
        """Like _refuse_busy, worded for the supporter being handed to."""
        if user_id not in {d.user_id for d in await self.on_duty(ctx)}:
            await ctx.reply(_("They aren't on duty right now. Nothing changed."))
            return True
        active = await self.store.active(ctx.community.platform, ctx.community.id)
        holding = sum(1 for r in active if r.supporter_id == user_id)
        if holding >= (await self.store.settings(ctx.member_key(user_id))).max_sessions:
            await ctx.reply(_("They already hold as many sessions as they take. Nothing changed."))
            return True
        return False

    @command(
        "support close",
        _("Supporters: end your session and record how it went (no content)"),
        private=True,
        examples=("support close outcome:supported",),
    )
    async def close(
        self,
        ctx: Context,
        outcome: Annotated[
            Outcome, _("How it ended: supported, referred, member-left, no-reply, other")
        ],
        id: Annotated[int, RequestNumber(), _("Which session, if you hold several")]  # noqa: A002
        | None = None,
    ) -> None:
        """Close the session, free the supporter, ask the member how it was."""
        assert ctx.actor is not None
        if await self.refuse_non_supporter(ctx):
            return
        request = await self._held(ctx, id)
        if request is None:
            return
        closed = await self.store.finish(
            request.id, ACTIVE, CLOSED, "supporter", outcome, ctx.now()
        )
        if closed is None:
            await ctx.reply(_("That session has already ended."))
            return
        await ctx.reply(_("Closed #{id}. Thank you for being there."), id=str(closed.id))
        await self.after_close(ctx, closed, ended_by_member=False)

    @command(
        "support stats",
        _("Moderators: requests, waits and sessions of the last week (no content, no names)"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def stats(self, ctx: Context) -> None:
        """Counts only."""
        s = await self.store.stats(
            ctx.community.platform, ctx.community.id, ctx.now() - timedelta(days=7)
        )
        tr = ctx.tr
        per = ", ".join(tr.number(n) for n in s.sessions_by_supporter) or tr("none")
        rating = (
            tr(
                "{average} from {count}",
                average=format_decimal(mean(s.ratings), "0.0", locale=tr.locale),
                count=tr.number(len(s.ratings)),
            )
            if s.ratings
            else tr("no answers yet")
        )
        wait = (
            minutes_text(s.median_wait_min, tr)
            if s.median_wait_min is not None
            else tr("no waits yet")
        )
        await ctx.reply(
            tr(
                "Last 7 days: {requests}, {claimed} answered, {cancelled} cancelled. Typical "
                "wait: {wait}. Sessions per supporter: {per}. Feedback: {rating}.",
                requests=tr.plural("{count} request", "{count} requests", s.requests),
                claimed=tr.number(s.claimed),
                cancelled=tr.number(s.cancelled),
                wait=wait,
                per=per,
                rating=rating,
            )
        )
