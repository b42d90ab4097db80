"""The member's side: ask for support, wait, end, say how it was, look back."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Annotated, Literal

from bot.context import Context
from bot.i18n import N_, _
from bot.message import Button, Message
from bot.spec import Duration, MaxLen, Range, Rest, command
from bot.timeutil import format_local
from cogs.support.base import SupportBase
from cogs.support.texts import (
    CALL_ME,
    CALL_ME_BUSY,
    DAILY_LIMIT,
    MAX_NOTE,
    SETTING,
    STILL_SHOWS,
    WITHDRAWN,
    TimeHadType,
    TopicsType,
    kind_text,
    minutes_text,
    topics_text,
)
from storage.support import ACTIVE, CANCELLED, CLOSED, WAITING, Request

FORM = Button(_("Ask for support"), command="support request", form=True)
FEEDBACK = Button(_("How was this?"), command="support feedback", form=True, style="secondary")
URGENT_ALERT = N_(
    "Priority: {name} asked for a peer supporter and what they wrote sounded urgent. They were "
    "given crisis lines privately. Please reach out to them soon."
)

# After the crisis reply to an urgent request: why it has no place in the queue, and that the
# member can still ask for a peer supporter.
NOT_QUEUED_TOLD = N_(
    "Your request was not put in the queue: a moderator was told instead, so you aren't left "
    "waiting. You can still ask for a peer supporter afterwards with {request}."
)
NOT_QUEUED = N_(
    "Your request was not put in the queue, so you aren't left waiting in a crisis. You can "
    "still ask for a peer supporter afterwards with {request}."
)

STATUS_SHOWN = {
    WAITING: N_("waiting"),
    ACTIVE: N_("session going on"),
    CANCELLED: N_("cancelled"),
    CLOSED: N_("session ended"),
}


class MemberSide(SupportBase):
    """/support request, cancel, end, feedback and history."""

    @command(
        "support request",
        _("Ask for a peer supporter to talk with you privately"),
        private=True,
        examples=(
            "support request kind:listen topics:grief time:45m note:rough week",
            "support request kind:advice topics:none",
        ),
        urgent_alert=URGENT_ALERT,  # heard even when the request is refused (a typo, a limit)
    )
    async def request(
        self,
        ctx: Context,
        kind: Annotated[
            Literal["listen", "advice", "practical"],
            _("What would help: someone to listen, advice, or practical help"),
        ]
        | None = None,
        topics: Annotated[
            str,
            TopicsType(),
            _("Heads-up for the supporter: self-harm, suicide, grief… or none"),
        ]
        | None = None,
        time: Annotated[Duration, TimeHadType(), _("How long you have, like 30m or 1h")]
        | None = None,
        note: Annotated[
            str, MaxLen(MAX_NOTE), Rest(), _("Anything to tell them (only they see it)")
        ]
        | None = None,
    ) -> None:
        """Queue a request after the crisis screen, or open the form when nothing was given."""
        assert ctx.actor is not None
        reason = "a support request typed in a shared room"  # the platform's audit reason
        withdrawn = await ctx.withdraw_command(reason) if note or topics else None
        await self._request(ctx, kind, topics, time, note)
        if withdrawn is not None:  # after the answer: a crisis reply goes out first
            await ctx.reply(WITHDRAWN if withdrawn else STILL_SHOWS)

    async def _request(
        self,
        ctx: Context,
        kind: str | None,
        topics: tuple[str, ...] | None,
        time: timedelta | None,
        note: str | None,
    ) -> None:
        assert ctx.actor is not None
        urgent = self.bot.services.find("crisis.urgent_reply")
        heard: Message | None = await urgent(ctx, note, "", "named") if urgent and note else None
        if heard is not None:
            # Urgent: crisis lines now and the moderators told (never the words), no queue.
            told = await self._alert_urgent(ctx)
            if not told:
                heard = await urgent(ctx, note, "")  # nobody told: don't promise it
            assert heard is not None
            tr = await ctx.translator_for(None)
            after = tr.gettext(NOT_QUEUED_TOLD if told else NOT_QUEUED)
            await ctx.reply(
                heard.template.lstrip("\n") + "\n" + after,
                buttons=heard.buttons,
                **{**heard.values, "request": ctx.command_hint("support request")},
            )
            return
        if not await ctx.setting(SETTING):  # no supporters chosen: nobody could ever answer
            await ctx.reply(
                _(
                    "Nobody here takes support requests yet: the moderators haven't chosen any "
                    "peer supporters, so I can't pass this on. If things are hard, {crisis} "
                    "lists people you can talk to right now."
                ),
                crisis=ctx.command_hint("crisis"),
            )
            return
        minutes = int(time.total_seconds() // 60) if time is not None else None
        if minutes is not None and not 5 <= minutes <= 8 * 60:
            await ctx.reply(
                _(
                    "Please give a time between 5 minutes and 8 hours, like 30m or 1h. Nothing "
                    "was sent yet."
                )
            )
            return
        if kind or topics or minutes or note:
            open_request = await self.store.open_for(ctx.member_key())
            if open_request is not None:
                await self._add_details(ctx, open_request, (kind, topics, minutes, note))
                return
        if kind is None:
            await ctx.reply(
                _(
                    "Let's find someone to talk with you. Tell me: what kind of support would "
                    "help (listen, advice or practical), any topics the supporter should be "
                    "ready for (self-harm, suicide, substance-use, relapse, abuse, grief, other, "
                    "or none), and how long you have. For example: {example}"
                ),
                # the form opens where there are forms (Discord); elsewhere the button would
                # only say to type the command just typed
                buttons=[FORM] if ctx.platform.capabilities.forms else [],
                example=ctx.command_hint("support request")
                + " kind:listen topics:grief time:30m note:a hard day",
            )
            return
        form = (kind, tuple(topics or ()), minutes or 30, note)
        request, refused = await self.store.add(
            ctx.member_key(), ctx.actor.name, form, ctx.now(), DAILY_LIMIT
        )
        if request is None:
            await self._refused(ctx, refused)
            return
        await self._queued(ctx, request)

    async def _add_details(
        self,
        ctx: Context,
        request: Request,
        details: tuple[str | None, tuple[str, ...] | None, int | None, str | None],
    ) -> None:
        """A second request while one is open: a waiting one takes the new details (the
        supporter who claims it sees them); a session going on can't, and the member is told."""
        kind, topics, minutes, note = details
        updated = None
        if request.status == WAITING:
            updated = await self.store.add_details(
                request.id, kind, tuple(topics or ()), minutes, note, MAX_NOTE
            )
        if updated is None:
            await ctx.reply(
                _(
                    "You're already in a support session, so what you just added was not "
                    "passed on: please tell your supporter in your private conversation. "
                    "{cancel} ends the session."
                ),
                cancel=ctx.command_hint("support cancel"),
            )
            return
        if updated == request:  # the same again (a second tap): nothing new to add
            await self._refused(ctx, "open")
            return
        await ctx.reply(
            _(
                "Thank you: I've added that to your request (still number {place} in the "
                "queue). The supporter who takes it will see it. Anything urgent: {crisis}."
            ),
            place=str(await self.place_of(ctx, updated)),
            crisis=ctx.command_hint("crisis"),
        )

    async def _alert_urgent(self, ctx: Context) -> bool:
        """The crisis alert path (pings, re-posts, moderators written to when nobody takes it,
        once an hour however often the member asks); True when the moderators were told."""
        assert ctx.actor is not None
        values = {"name": ctx.actor.name}
        notify = self.bot.services.find("crisis.notify_for")
        if notify is not None:
            return bool(await notify(ctx, (URGENT_ALERT, values)))
        return await ctx.alert(URGENT_ALERT, **values)

    async def _refused(self, ctx: Context, why: str) -> None:
        if why == "open":
            await ctx.reply(
                _(
                    "You already have a support request open; I'll keep your place. {cancel} "
                    "cancels or ends it. Anything urgent: {crisis}."
                ),
                cancel=ctx.command_hint("support cancel"),
                crisis=ctx.command_hint("crisis"),
            )
            return
        await ctx.reply(
            ctx.nt(
                "You've asked {count} time in the last day, which is as many as I can take. "
                "Please try again later, and if things feel urgent, {crisis} lists people you "
                "can talk to right now.",
                "You've asked {count} times in the last day, which is as many as I can take. "
                "Please try again later, and if things feel urgent, {crisis} lists people you "
                "can talk to right now.",
                # quick fumbles count only past a ceiling: say how many there really were
                max(DAILY_LIMIT, await self.store.asked_in_a_day(ctx.member_key(), ctx.now())),
                crisis=ctx.command_hint("crisis"),
            )
        )

    async def _queued(self, ctx: Context, request: Request) -> None:
        """Tell the member their place; tell supporters a request is waiting (no names)."""
        place = await self.place_of(ctx, request)
        await self.store.set_place(request.id, place)
        on_duty = await self.on_duty(ctx, but=request.user_id)
        crisis = ctx.command_hint("crisis")
        cancel = ctx.command_hint("support cancel")
        if not on_duty:
            await ctx.reply(
                _(
                    "{nobody}Your request is kept (number {place} in the queue) and the first "
                    "supporter on will see it. If it's urgent, please don't wait: {crisis} lists "
                    "people you can talk to right now. {cancel} takes the request back."
                ),
                nobody=await self.nobody_on(ctx),
                place=str(place),
                crisis=crisis,
                cancel=cancel,
            )
            if place == 1:  # once while the queue waits unanswered, not once per request
                await self._call_off_duty(ctx, request.user_id)
            return
        free = await self.free_supporters(ctx, but=request.user_id)
        if not free:  # all on duty are in sessions: no wait to promise
            await ctx.reply(
                _(
                    "Thank you for asking. You're number {place} in the queue. The supporters on "
                    "duty are all with someone right now, so it may take a while. I'll tell you "
                    "when your place changes, and every half hour. Anything urgent: {crisis}. "
                    "{cancel} takes the request back."
                ),
                place=str(place),
                crisis=crisis,
                cancel=cancel,
            )
            if place == 1:  # as when nobody is on: once while the queue waits unanswered
                busy = {person.user_id for person in on_duty}
                await self._call_off_duty(ctx, request.user_id, CALL_ME_BUSY, busy)
            return
        await ctx.reply(
            _(
                "Thank you for asking. You're number {place} in the queue; it may take {wait}. "
                "I'll tell you when your place changes, and every half hour. Anything urgent: "
                "{crisis}. {cancel} takes the request back."
            ),
            place=str(place),
            wait=await self.estimate(ctx, place, len(free)),
            crisis=crisis,
            cancel=cancel,
        )
        if place > len(free):
            return  # the free supporters already have a request each to take: no flood
        for person in free:
            tr = await ctx.translator_for(person.user_id)
            await ctx.send_private(
                person.user_id,
                _("A support request is waiting ({kind}; topics: {topics}). {queue} shows it."),
                kind=kind_text(request.kind, tr),
                topics=topics_text(request.topics, tr),
                queue=ctx.command_hint("support queue"),
            )

    async def _call_off_duty(
        self, ctx: Context, member: str, template: str = CALL_ME, on_duty: Collection[str] = ()
    ) -> None:
        """Supporters who asked to be called when nobody can answer get a private nudge (not
        the member asking, when they are one, nor those already on duty): for the first request
        of a queue nobody answers, so a night of requests wakes them once."""
        for user_id in await self.store.call_me(ctx.community.platform, ctx.community.id):
            if (
                user_id not in on_duty
                and user_id != member
                and await self.is_supporter(ctx, user_id)
            ):
                await ctx.send_private(
                    user_id,
                    template,
                    on=ctx.command_hint("duty") + " on",
                    queue=ctx.command_hint("support queue"),
                )

    @command(
        "support cancel", _("Take back your support request, or end your session"), private=True
    )
    async def cancel(self, ctx: Context) -> None:
        """Cancel a waiting request, or end an active session."""
        await self.end_for_member(ctx, "member")

    @command(
        "support end", _("End your support session (any time, no reason needed)"), private=True
    )
    async def end(self, ctx: Context) -> None:
        """The member ends their session."""
        await self.end_for_member(ctx, "member")

    async def end_for_member(self, ctx: Context, by: str) -> None:
        """End whatever the member has open, kindly, telling the supporter."""
        request = await self.store.open_for(ctx.member_key())
        if request is None:
            if await self._just_ended(ctx):  # a second tap, after the first ended it
                await ctx.reply(_("Your session has ended. Thank you for reaching out."))
                return
            await ctx.reply(
                _("You have no support request open. {request} asks for one."),
                request=ctx.command_hint("support request"),
            )
            return
        if request.status == WAITING:
            if await self.store.finish(request.id, WAITING, CANCELLED, by, None, ctx.now()):
                await ctx.reply(
                    _(
                        "Done, your request is cancelled. You can ask again any time, and "
                        "{crisis} is there if things get hard."
                    ),
                    crisis=ctx.command_hint("crisis"),
                )
                await self.tell_new_places(ctx)
                return
            request = await self.store.open_for(ctx.member_key())  # claimed meanwhile
            if request is None:
                return
        closed = await self.store.finish(request.id, ACTIVE, CLOSED, by, "member-ended", ctx.now())
        if closed is None:  # ended a moment ago (a second tap, or the supporter closed it)
            await ctx.reply(_("Your session has ended. Thank you for reaching out."))
            return
        await ctx.reply(
            _("Your session has ended. Thank you for reaching out."),
            buttons=[FEEDBACK],
        )
        await self.after_close(ctx, closed, ended_by_member=True)

    async def _just_ended(self, ctx: Context) -> bool:
        """The member's latest session was closed in the last minute."""
        latest = await self.store.history(ctx.member_key(), limit=1)
        closed = latest[0].closed_at if latest and latest[0].status == CLOSED else None
        return closed is not None and ctx.now() - closed <= timedelta(minutes=1)

    @command(
        "support feedback",
        _("How was your last session? Optional and anonymous: 1 to 5 and a word"),
        private=True,
    )
    async def feedback(
        self,
        ctx: Context,
        rating: Annotated[int, Range(1, 5), _("1 (not good) to 5 (very good)")],
        word: Annotated[str, MaxLen(40), _("One word or a few, if you like")] | None = None,
    ) -> None:
        """Keep the rating of the member's latest closed session."""
        closed = [r for r in await self.store.history(ctx.member_key()) if r.status == CLOSED]
        if not closed or not await self.store.feedback(
            ctx.member_key(), closed[0].id, rating, word, ctx.now()
        ):
            await ctx.reply(_("You have no finished session to rate yet. Thank you for offering."))
            return
        await ctx.reply(
            _(
                "Thank you. Your answer is counted without your name; supporters never see who "
                "said what."
            )
        )

    @command(
        "support history", _("Your past support requests and sessions (dates only)"), private=True
    )
    async def history(self, ctx: Context) -> None:
        """The member's own requests: when, what kind, how it ended; never what was said."""
        mine = await self.store.history(ctx.member_key())
        if not mine:
            await ctx.reply(
                _(
                    "You have no support requests here. An urgent one goes to a moderator "
                    "instead of the queue, so it isn't listed. {request} is there whenever "
                    "you'd like."
                ),
                request=ctx.command_hint("support request"),
            )
            return
        zone = await ctx.member_timezone()
        tr = ctx.tr
        lines = [tr("Your support requests (newest first):")]
        for r in mine:
            how = tr.gettext(STATUS_SHOWN[r.status])
            length = ""
            if r.claimed_at and r.closed_at:
                length = ", " + minutes_text(
                    int((r.closed_at - r.claimed_at).total_seconds() // 60), tr
                )
            lines.append(
                f"- {format_local(r.created_at, zone)}: {kind_text(r.kind, tr)}, {how}{length}"
            )
        await ctx.reply("\n".join(lines))
