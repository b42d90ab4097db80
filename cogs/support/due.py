"""Timed work: every half hour a waiting member hears their place, and a session whose
supporter is no longer a supporter (left the server, lost the role) goes back to the queue.

One module, so it moves to the declared due sources in one place when they land."""

from __future__ import annotations

from datetime import datetime

from bot.context import Context
from bot.platforms.base import CommunityRef
from bot.scheduler import DueSource
from cogs.support.base import SupportBase
from storage.support import WAITING, Request


class SupportDue(SupportBase):
    """The half-hourly updates."""

    def due_source(self) -> DueSource:
        """Registered in on_load()."""
        return DueSource("support", self.store.next_due, self.run_due)

    async def run_due(self, now: datetime) -> None:
        """Every request whose update is due, on every platform that is online."""
        for name, platform in self.bot.platforms.items():
            if not getattr(platform, "online", False):
                continue
            for request in await self.store.take_due(name, now):
                ctx = self.bot.context(CommunityRef(request.platform, request.community_id))
                if ctx is None:
                    continue
                if request.status == WAITING:
                    await self._still_waiting(ctx, request)
                else:
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
