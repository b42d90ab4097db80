"""Timed work: every half hour a waiting member hears their place, and a session whose
supporter is no longer a supporter (left the server, lost the role) goes back to the queue; a
session whose private space never opened (the bot stopped between the claim and opening it) is
opened then. And a supporter on duty for more than the duty hours (support.duty_hours, else
DUTY_HOURS) gets one nudge to rest, due from the start of their duty stretch, whether or not
anyone is waiting.

Declared once as due rows (bot.scheduler.Due): the claim moves ``next_update_at`` on by half
an hour in the claiming transaction, so a restart neither repeats nor loses an update. A claim
makes the session due again after only ``SupportStore.SPACE_GRACE``, moved on to half an hour
once its space is recorded, so a space lost to a crash is found within minutes of a restart."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.cog import listener
from bot.context import Context
from bot.i18n import _
from bot.scheduler import Due
from cogs.support.base import SupportBase
from cogs.support.texts import DUTY_HOURS, MEMBER_LEFT, SPACE_REQUEUED, minutes_text
from storage.due import DONE, Claim, DueRow, DueTable, Move
from storage.support import ACTIVE, CANCELLED, CLOSED, WAITING, Request, SupportStore

UPDATES = DueTable(
    "support_requests",
    "next_update_at",
    key=("id",),
    columns={"status": "t.status"},
    where=f"t.status IN ('{WAITING}', '{ACTIVE}')",
)


NUDGES = DueTable("support_supporters", "nudge_at", key=("community_id", "user_id"))
SLOTS = DueTable("support_supporters", "slot_at", key=("community_id", "user_id"))


def plan_update(row: DueRow, now: datetime) -> Move:
    """Due again in half an hour."""
    return Move(now + SupportStore.UPDATE_EVERY)


def plan_nudge(row: DueRow, now: datetime) -> Move:
    """Once per arming: the act arms the next one when a rota slot will bring them back."""
    return DONE


def nudge_due(since: datetime, hours: int = DUTY_HOURS) -> datetime:
    """When a duty stretch that began at ``since`` earns the nudge after ``hours`` (a whole
    second after, so the stored instant is never a fraction early)."""
    return since.replace(microsecond=0) + timedelta(hours=hours, seconds=1)


class SupportDue(SupportBase):
    """The half-hourly updates."""

    def due_work(self) -> list[Due]:
        """Declared in on_load()."""
        return [
            Due("support-updates", UPDATES, plan_update, self.update),
            Due("support-duty-nudges", NUDGES, plan_nudge, self.duty_nudge),
            Due("support-slot-starts", SLOTS, plan_nudge, self.slot_started),
        ]

    @listener("duty_started")
    async def duty_started(self, ctx: Context, user_id: str, since: datetime) -> None:
        """A supporter went on duty (``/duty on``): the nudge falls due the duty hours later, and
        they hear what is already waiting (a rota slot's start: ``slot_started``)."""
        if await self.is_supporter(ctx, user_id):
            due = nudge_due(since, await self.duty_hours(ctx))
            await self.store.arm_nudge(ctx.member_key(user_id), since, due)
            await self.tell_waiting(ctx, user_id)

    @listener("duty_rota_changed")
    async def rota_changed(self, ctx: Context, user_id: str) -> None:
        """A supporter's rota changed (``/duty rota add|remove``): the nudge falls due after the
        slot under way, else the next one, unless a stretch by ``/duty on`` is already armed."""
        if not await self.is_supporter(ctx, user_id):
            return
        await self.arm_slot(ctx, user_id)
        for person in await self.on_duty(ctx):
            if person.user_id == user_id and person.until is None:
                return  # on duty until they switch off: duty_started armed that stretch
        await self.arm_from_rota(ctx, user_id)

    async def arm_slot(self, ctx: Context, user_id: str) -> None:
        """When the supporter's next rota slot begins they hear what waits (none: nothing)."""
        starts = await self.bot.services.get("crisis.rota_starts")(ctx)
        at = next((start for who, start in starts if who == user_id), None)
        await self.store.arm_slot(ctx.member_key(user_id), at)

    async def slot_started(self, ctx: Context, claimed: Claim, now: datetime) -> None:
        """A rota slot began: what waits, if they are on duty by it (not switched off) and
        still a supporter; then armed for their next slot."""
        user_id = claimed.row["user_id"]
        if not await self.is_supporter(ctx, user_id):
            return
        for person in await self.on_duty(ctx):
            if person.user_id == user_id and person.until is not None:
                await self.tell_waiting(ctx, user_id)
        await self.arm_slot(ctx, user_id)

    async def duty_nudge(self, ctx: Context, claimed: Claim, now: datetime) -> None:
        """The nudge, if they are still on the same stretch; then arm it for their next rota
        slot, if they have one (and the word on what waits at that slot's start, for slots
        added before that word existed)."""
        user_id = claimed.row["user_id"]
        await self.nudge_long_duty(ctx, user_id)
        await self.arm_from_rota(ctx, user_id)
        await self.arm_slot(ctx, user_id)

    async def arm_from_rota(self, ctx: Context, user_id: str) -> None:
        """Arm the nudge for the rota stretch under way whose nudge is still to come, else for
        the member's next rota slot (nothing without one). The rota is the crisis feature's:
        its stretches come from ``crisis.duty_now`` and ``crisis.rota_starts``."""
        now = ctx.now()
        hours = await self.duty_hours(ctx)
        for person in await self.on_duty(ctx):
            since = person.since
            if person.user_id == user_id and since is not None:
                # a stretch under way (its nudge still to come, later when the community
                # raised the hours since it was armed)
                if nudge_due(since, hours) > now:
                    await self.store.arm_nudge(
                        ctx.member_key(user_id), since, nudge_due(since, hours)
                    )
                    return
        for who, start in await self.bot.services.get("crisis.rota_starts")(ctx):
            if who == user_id:
                await self.store.arm_nudge(ctx.member_key(user_id), start, nudge_due(start, hours))
                return

    async def update(self, ctx: Context, claimed: Claim, now: datetime) -> None:
        """One request's half-hourly turn."""
        request = await self.store.get(ctx.community.platform, ctx.community.id, claimed.row.key[0])
        if request is None:
            return
        if request.status == WAITING and await ctx.is_member(request.user_id) is False:
            # they left the community: nobody to answer, and those behind move up
            if await self.store.finish(request.id, WAITING, CANCELLED, "bot", None, now):
                await self.tell_new_places(ctx)
        elif request.status == WAITING:
            await self._still_waiting(ctx, request)
        elif request.status == ACTIVE and await self.check_member(ctx, request):
            return
        elif request.status == ACTIVE and not await self.check_supporter(ctx, request):
            if request.space is None:
                await self.reopen_space(ctx, request)

    async def reopen_space(self, ctx: Context, request: Request) -> None:
        """Open the space a claim never got to (the bot stopped in between), with a word of
        apology to the supporter; the member hears the space is there."""
        assert request.supporter_id is not None
        await ctx.send_private(
            request.supporter_id,
            _("Sorry for the delay: I'm opening the private space for session #{id} now."),
            id=str(request.id),
        )
        await self.open_space(ctx, request, request.supporter_id)

    async def _still_waiting(self, ctx: Context, request: Request) -> None:
        place = await self.place_of(ctx, request)
        member = request.user_id
        over = request.created_at + timedelta(minutes=request.minutes) + SupportStore.UPDATE_EVERY
        if ctx.now() >= over:
            # the time they said they had is over (and half an hour more): one kind word, then
            # no more updates
            await ctx.send_private(
                member,
                _(
                    "You said you had {minutes}, and that time has passed, so I'll stop these "
                    "half-hourly updates. Your request stays in the queue (number {place}): a "
                    "supporter may still answer, and I'll tell you if your place changes. "
                    "{cancel} takes it back. Anything urgent: {crisis}."
                ),
                minutes=minutes_text(request.minutes, await ctx.translator_for(member)),
                place=str(place),
                cancel=ctx.command_hint("support cancel"),
                crisis=ctx.command_hint("crisis"),
            )
            await self.store.set_place(request.id, place)
            await self.store.stop_updates(request.id)
            return
        free = len(await self.free_supporters(ctx, but=member))
        nobody = "" if await self.on_duty(ctx, but=member) else await self.nobody_on(ctx, member)
        wait = ""
        if free:
            # the rough wait less the time already waited: never the same guess for hours
            so_far = int((ctx.now() - request.created_at).total_seconds() // 60)
            left = await self.estimate_minutes(ctx, place, free) - so_far
            wait = minutes_text(left, await ctx.translator_for(member)) if left >= 5 else ""
        if wait:
            template = _(
                "Still here for you: you're number {place} in the support queue, maybe {wait} "
                "more. {nobody}Anything urgent: {crisis}. {cancel} takes the request back."
            )
        elif free:
            template = _(
                "Still here for you: you're number {place} in the support queue. It's taking "
                "longer than usual, I'm sorry; a supporter will see it as soon as one can. "
                "{nobody}Anything urgent: {crisis}. {cancel} takes the request back."
            )
        else:
            template = _(
                "Still here for you: you're number {place} in the support queue. {nobody}"
                "Anything urgent: {crisis}. {cancel} takes the request back."
            )
        await ctx.send_private(
            member,
            template,
            place=str(place),
            wait=wait,
            nobody=nobody,
            crisis=ctx.command_hint("crisis"),
            cancel=ctx.command_hint("support cancel"),
        )
        await self.store.set_place(request.id, place)

    async def check_member(self, ctx: Context, request: Request) -> bool:
        """The member left the community mid-session: the session is closed kindly and the
        supporter told and freed; True then."""
        if await ctx.is_member(request.user_id) is not False:
            return False
        closed = await self.store.finish(
            request.id, ACTIVE, CLOSED, "bot", "member-left", ctx.now()
        )
        if closed is None:
            return True
        await self.close_space(ctx, closed)
        if closed.supporter_id:
            await ctx.send_private(
                closed.supporter_id,
                MEMBER_LEFT,
                id=str(closed.id),
                queue=ctx.command_hint("support queue"),
            )
        return True

    async def check_supporter(self, ctx: Context, request: Request) -> bool:
        """Back to the queue, kindly, when the supporter can no longer be one; True then."""
        supporter = request.supporter_id
        if supporter is None or await self.is_supporter(ctx, supporter):
            if supporter is not None:
                await self.nudge_long_duty(ctx, supporter)
            return False
        if not await self.store.requeue(request.id, supporter, ctx.now()):
            return True
        await self.close_space(ctx, request, SPACE_REQUEUED)
        place = await self.place_of(ctx, request)
        await self.store.set_place(request.id, place)
        await self.tell_new_places(ctx)  # those it went back ahead of move down
        await ctx.send_private(
            request.user_id,
            _(
                "I'm sorry: your supporter had to step away and can't continue. You're back in "
                "the queue as number {place}, ahead of newer requests, and the next supporter "
                "will see what you asked for. Anything urgent: {crisis}."
            ),
            place=str(place),
            crisis=ctx.command_hint("crisis"),
        )
        return True
