"""Timed work: every half hour a waiting member hears their place, and a session whose
supporter is no longer a supporter (left the server, lost the role) goes back to the queue.

Declared once as due rows (bot.scheduler.Due): the claim moves ``next_update_at`` on by half
an hour in the claiming transaction, so a restart neither repeats nor loses an update."""

from __future__ import annotations

from datetime import datetime

from bot.context import Context
from bot.scheduler import Due
from cogs.support.base import SupportBase
from storage.due import Claim, DueRow, DueTable, Move
from storage.support import ACTIVE, WAITING, Request, SupportStore

UPDATES = DueTable(
    "support_requests",
    "next_update_at",
    key=("id",),
    columns={"status": "t.status"},
    where=f"t.status IN ('{WAITING}', '{ACTIVE}')",
)


def plan_update(row: DueRow, now: datetime) -> Move:
    """Due again in half an hour."""
    return Move(now + SupportStore.UPDATE_EVERY)


class SupportDue(SupportBase):
    """The half-hourly updates."""

    def due_work(self) -> Due:
        """Declared in on_load()."""
        return Due("support-updates", UPDATES, plan_update, self.update)

    async def update(self, ctx: Context, claimed: Claim, now: datetime) -> None:
        """One request's half-hourly turn."""
        request = await self.store.get(ctx.community.platform, ctx.community.id, claimed.row.key[0])
        if request is None:
            return
        if request.status == WAITING:
            await self._still_waiting(ctx, request)
        elif request.status == ACTIVE:
            await self.check_supporter(ctx, request)

    async def _still_waiting(self, ctx: Context, request: Request) -> None:
        place = await self.place_of(ctx, request)
        free = len(await self.free_supporters(ctx))
        nobody = "" if await self.on_duty(ctx) else await self.nobody_on(ctx)
        await ctx.send_private(
            request.user_id,
            "Still here for you: you're number {place} in the support queue"
            + (", maybe {wait} more. " if free else ". ")
            + "{nobody}Anything urgent: {crisis}. {cancel} takes the request back.",
            place=str(place),
            wait=await self.estimate(ctx, place, free) if free else "",
            nobody=nobody,
            crisis=ctx.command_hint("crisis"),
            cancel=ctx.command_hint("support cancel"),
        )
        await self.store.set_place(request.id, place)

    async def check_supporter(self, ctx: Context, request: Request) -> None:
        """Back to the queue, kindly, when the supporter can no longer be one."""
        supporter = request.supporter_id
        if supporter is None or await self.is_supporter(ctx, supporter):
            if supporter is not None:
                await self.nudge_long_duty(ctx, supporter)
            return
        if not await self.store.requeue(request.id, supporter, ctx.now()):
            return
        place = await self.place_of(ctx, request)
        await self.store.set_place(request.id, place)
        await ctx.send_private(
            request.user_id,
            "I'm sorry: your supporter had to step away and can't continue. You're back in the "
            "queue as number {place}, ahead of newer requests, and the next supporter will see "
            "what you asked for. Anything urgent: {crisis}.",
            place=str(place),
            crisis=ctx.command_hint("crisis"),
        )
