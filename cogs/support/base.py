"""What the member and supporter halves of the support feature share: the store, who is a
supporter, who is on duty (through the crisis feature's ``/duty``), and places in the queue."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from statistics import median

from bot.cog import Cog
from bot.context import Context
from bot.core import Bot
from bot.i18n import Translator, _
from bot.message import Button
from bot.services import service
from bot.timeutil import format_local
from cogs.support.texts import (
    DEFAULT_WAIT_MIN,
    DUTY_HOURS,
    DUTY_HOURS_RANGE,
    DUTY_HOURS_SETTING,
    DUTY_NUDGE,
    FEEDBACK_ASK,
    HEAVY,
    RESOURCES_SETTING,
    SETTING,
    SPACE_CLOSED,
    WELLBEING,
    WELLBEING_RESOURCES,
    kind_text,
    minutes_text,
    topics_text,
    waited,
)
from storage.support import PRIVATELY, Request, SupportStore

log = logging.getLogger("cogs.support")


class SupportBase(Cog):
    """State and helpers of the support cog."""

    name = "support"
    # /duty, who is on it and the rota belong to the crisis feature; this one shares them.
    requires = ("crisis.duty_now", "crisis.rota_starts")

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot)
        self.store = SupportStore(bot.db)

    @service("support.is_supporter")
    async def is_supporter(self, ctx: Context, user_id: str) -> bool:
        """Members with the supporters role (Discord, console) or power level (Matrix)."""
        role = await ctx.setting(SETTING)
        return bool(role) and await ctx.has_role(user_id, role)

    async def refuse_non_supporter(self, ctx: Context) -> bool:
        """Reply and return True unless the caller is a peer supporter."""
        assert ctx.actor is not None
        if await self.is_supporter(ctx, ctx.actor.id):
            return False
        await ctx.reply(
            _(
                "Only the peer supporters a moderator chose can do that. If you'd like to talk "
                "to someone, {request} asks for a supporter."
            ),
            request=ctx.command_hint("support request"),
        )
        return True

    async def on_duty(self, ctx: Context, but: str | None = None) -> list:
        """Supporters on duty now (``crisis.OnDuty``: user_id, name, until, since); ``but``: a
        supporter who is the member asking, who can't take their own request."""
        everyone = await self.bot.services.get("crisis.duty_now")(ctx)
        return [d for d in everyone if d.user_id != but and await self.is_supporter(ctx, d.user_id)]

    async def free_supporters(self, ctx: Context, but: str | None = None) -> list:
        """Supporters on duty with room for another session (``but``: as for on_duty)."""
        active = await self.store.active(ctx.community.platform, ctx.community.id)
        free = []
        for person in await self.on_duty(ctx, but):
            holding = sum(1 for r in active if r.supporter_id == person.user_id)
            settings = await self.store.settings(ctx.member_key(person.user_id))
            if holding < settings.max_sessions:
                free.append(person)
        return free

    async def next_usual(self, ctx: Context, but: str | None = None) -> datetime | None:
        """When a supporter's rota slot next begins (``but``: not the slot of a supporter who
        is the member asking, who can't take their own request)."""
        for user_id, start in await self.bot.services.get("crisis.rota_starts")(ctx):
            if user_id != but and await self.is_supporter(ctx, user_id):
                return start
        return None

    async def estimate(
        self, ctx: Context, place: int, on_duty: int, user_id: str | None = None
    ) -> str:
        """Roughly how long a member at ``place`` may wait, from recent waits and the
        supporters on duty now, in the words of the member ``user_id`` (the caller if None)."""
        tr = await ctx.translator_for(user_id)
        return minutes_text(await self.estimate_minutes(ctx, place, on_duty), tr)

    async def estimate_minutes(self, ctx: Context, place: int, on_duty: int) -> int:
        """The whole wait :meth:`estimate` words, in minutes."""
        recent = await self.store.waits(
            ctx.community.platform, ctx.community.id, ctx.now() - timedelta(days=14)
        )
        typical = median(recent) if recent else DEFAULT_WAIT_MIN
        return int(max(5, typical) * place / max(1, on_duty))

    async def place_of(self, ctx: Context, request: Request) -> int:
        """The request's place in its community's queue (1 = next)."""
        waiting = await self.store.waiting(request.platform, request.community_id)
        ids = [r.id for r in waiting]
        return ids.index(request.id) + 1 if request.id in ids else 0

    async def tell_new_places(self, ctx: Context) -> None:
        """A private word to every waiting member whose place moved: up (a request ahead was
        claimed, cancelled or deleted) or down (a session whose supporter had to stop went
        back ahead of them)."""
        waiting = await self.store.waiting(ctx.community.platform, ctx.community.id)
        for place, request in enumerate(waiting, start=1):
            if request.last_place is not None and place < request.last_place:
                await ctx.send_private(
                    request.user_id,
                    _("Your support request moved up: you're now number {place} in the queue."),
                    place=str(place),
                )
            elif request.last_place is not None and place > request.last_place:
                await ctx.send_private(
                    request.user_id,
                    _(
                        "Your place in the support queue changed: someone whose supporter had "
                        "to stop went back ahead of you. You're now number {place}. Anything "
                        "urgent: {crisis}."
                    ),
                    place=str(place),
                    crisis=ctx.command_hint("crisis"),
                )
            if request.last_place != place:
                await self.store.set_place(request.id, place)

    @staticmethod
    def queue_lines(waiting: list[Request], now: datetime, tr: Translator) -> list[str]:
        """One line per waiting request (the first 20): kind, topics, wait; never who."""
        return [
            tr(
                "#{id}: waiting {waited}; {kind}; topics: {topics}; has {minutes}",
                id=r.id,
                waited=waited(r.created_at, now, tr),
                kind=kind_text(r.kind, tr),
                topics=topics_text(r.topics, tr),
                minutes=minutes_text(r.minutes, tr),
            )
            for r in waiting[:20]
        ]

    @staticmethod
    def claim_buttons(waiting: list[Request], tr: Translator) -> list[Button]:
        """Claim buttons for the three oldest requests."""
        return [
            Button(tr("Claim #{id}", id=r.id), command="support claim", args={"id": str(r.id)})
            for r in waiting[:3]
        ]

    async def tell_waiting(self, ctx: Context, user_id: str) -> None:
        """A supporter's duty begins: a private word on the requests already waiting (kind,
        topics, wait; no names) and how to claim one. Nothing when nobody waits."""
        waiting = await self.store.waiting(ctx.community.platform, ctx.community.id)
        waiting = [r for r in waiting if r.user_id != user_id]
        if not waiting:
            return
        tr = await ctx.translator_for(user_id)
        lines = [
            tr.plural(
                "{count} support request is waiting for a supporter, oldest first:",
                "{count} support requests are waiting for a supporter, oldest first:",
                len(waiting),
            ),
            *self.queue_lines(waiting, ctx.now(), tr),
            tr(
                "{claim} takes the oldest; {queue} shows them all.",
                claim=ctx.command_hint("support claim"),
                queue=ctx.command_hint("support queue"),
            ),
        ]
        await ctx.send_private(user_id, "\n".join(lines), buttons=self.claim_buttons(waiting, tr))

    async def nobody_on(self, ctx: Context, user_id: str | None = None) -> str:
        """The honest sentence for when no supporter is on duty, in the words of the member
        ``user_id`` (the caller if None)."""
        tr = await ctx.translator_for(user_id)
        asking = user_id or (ctx.actor.id if ctx.actor else None)
        usual = await self.next_usual(ctx, but=asking)
        text = tr("No peer supporter is on duty right now, so this may take a while.") + " "
        if usual is not None:
            zone = await ctx.member_timezone(user_id)
            text += tr("Someone is usually on from {when}.", when=format_local(usual, zone)) + " "
        return text

    async def duty_hours(self, ctx: Context) -> int:
        """After how many hours on duty a supporter is nudged (the community's setting, else
        DUTY_HOURS; a stored value out of range counts as unset)."""
        raw = await self.bot.community_settings.get(
            ctx.community.platform, ctx.community.id, DUTY_HOURS_SETTING
        )
        low, high = DUTY_HOURS_RANGE
        return int(raw) if raw and raw.isdigit() and low <= int(raw) <= high else DUTY_HOURS

    async def nudge_long_duty(self, ctx: Context, user_id: str) -> None:
        """Once per duty stretch, a private nudge after more than duty_hours() on duty."""
        now = ctx.now()
        hours = await self.duty_hours(ctx)
        for person in await self.on_duty(ctx):
            if person.user_id != user_id or person.since is None:
                continue
            if now - person.since < timedelta(hours=hours):
                return
            key = ctx.member_key(user_id)
            settings = await self.store.settings(key)
            if settings.nudged_for is not None and settings.nudged_for >= person.since - timedelta(
                seconds=1
            ):
                return
            await self.store.set_settings(key, replace(settings, nudged_for=person.since))
            await ctx.send_private(
                user_id, DUTY_NUDGE, hours=str(hours), off=ctx.command_hint("duty") + " off"
            )

    async def open_space(self, ctx: Context, request: Request, supporter: str) -> bool:
        """Open the session's private space (the supporters' desk does it)."""
        raise NotImplementedError

    async def close_space(
        self, ctx: Context, request: Request, template: str = SPACE_CLOSED, **values: str
    ) -> None:
        """Post a last word in the session's private space and close it (archived on Discord,
        left on Matrix); nothing to do when the two were written to privately."""
        if request.space is None or request.space == PRIVATELY:
            return
        await ctx.close_private_group(
            request.space,
            template,
            id=str(request.id),
            member=request.display_name,
            crisis=ctx.command_hint("crisis"),
            **values,
        )

    async def after_close(self, ctx: Context, closed: Request, *, ended_by_member: bool) -> None:
        """Close the space, tell the other person, look after the supporter, ask how it was."""
        await self.close_space(ctx, closed)
        supporter = closed.supporter_id
        if supporter is None:
            return
        if ended_by_member:
            await ctx.send_private(
                supporter,
                _("Session #{id} has ended: the member closed it. Thank you for being there."),
                id=str(closed.id),
            )
        else:
            await ctx.send_private(
                closed.user_id,
                FEEDBACK_ASK,
                feedback=ctx.command_hint("support feedback") + " rating:4 word:helpful",
            )
        if HEAVY.intersection(closed.topics):
            resources = await self.bot.community_settings.get(
                ctx.community.platform, ctx.community.id, RESOURCES_SETTING
            )
            await ctx.send_private(
                supporter,
                WELLBEING_RESOURCES if resources else WELLBEING,
                off=ctx.command_hint("duty") + " off",
                crisis=ctx.command_hint("crisis"),
                resources=resources or "",  # the moderators' words: a value, escaped
            )
        await self.nudge_long_duty(ctx, supporter)
