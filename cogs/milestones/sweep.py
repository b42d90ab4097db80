"""The one milestone sweep: find counters whose next milestone has come, claim, then celebrate.

Claiming (moving ``next_at`` on and recording the celebration as 'pending') is one transaction.
Telling the member comes after: a group of pending celebrations is marked 'delivered' just
before it is sent, so nothing is ever sent twice. A restart after the claim finds the pending
rows and celebrates them once; a milestone more than a day late is recorded as 'missed' (shown
privately in /milestone show) instead of celebrated.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.i18n import N_
from bot.platforms.base import CommunityRef
from bot.timeutil import UnknownTimezone, zone
from cogs.milestones.ladder import DEFAULT_LADDER, Ladder, LadderError, parse_ladder, step_label
from storage.milestones import (
    DueCounter,
    MilestoneClaim,
    MilestoneSchedule,
    MilestoneStore,
    PendingCelebration,
    RunStart,
)

if TYPE_CHECKING:
    from bot.context import Context
    from bot.core import Bot

log = logging.getLogger(__name__)

LADDER_SETTING = "milestones.ladder"
LATE_LIMIT = timedelta(hours=24)
BATCH = 2000
MARK_EVERY = 20  # celebrations sent between two 'delivered' marks

PUBLIC_TEMPLATE = N_("🎉 {name} reached {milestone}!")
PRIVATE_TEMPLATE = N_(
    "🎉 You've reached {milestone} on your {counter} counter! "
    "Every one of those days counts, and I'm really glad you're here."
)
PRIVATE_TEMPLATE_HOURS = N_(
    "🎉 You've reached {milestone} on your {counter} counter! "
    "Every one of those hours counts, and I'm really glad you're here."
)
SHARED_NOTE = N_("I've shared it in the milestones channel so others can cheer you on.")


def plan(ladder: Ladder, start: RunStart, tz: str, floor: datetime) -> MilestoneSchedule:
    """The schedule of a run whose milestones up to `floor` are handled."""
    nxt = ladder.next_after(start, tz, floor)
    return MilestoneSchedule(tz, floor, nxt[1] if nxt else None, nxt[0].code if nxt else None)


async def community_ladder(bot: Bot, platform: str, community_id: str) -> Ladder:
    """The ladder a community's moderators chose, else the default one."""
    code = await bot.community_settings.get(platform, community_id, LADDER_SETTING)
    if not code:
        return DEFAULT_LADDER
    try:
        return parse_ladder(code)
    except LadderError:
        log.warning(
            "unreadable milestone ladder in %s/%s; using the default", platform, community_id
        )
        return DEFAULT_LADDER


def decide(due: DueCounter, ladder: Ladder, tz: str, now: datetime) -> MilestoneClaim:
    """What to do with one due counter: which milestones it reached and its next one."""
    counter = due.counter
    through = counter.schedule.celebrated_through
    reached, nxt = ladder.points(counter.run.start, tz).walk(through, now)
    outcomes = [(step.code, at, "missed") for step, at in reached[:-1]]
    if reached:
        # several milestones at once (the bot was away): celebrate only the newest, if recent
        last_step, last_at = reached[-1]
        status = "pending" if now - last_at < LATE_LIMIT else "missed"
        outcomes.append((last_step.code, last_at, status))
        through = last_at
    # with nothing reached, the zone or the ladder changed since next_at was computed
    schedule = MilestoneSchedule(tz, through, nxt[1] if nxt else None, nxt[0].code if nxt else None)
    return MilestoneClaim(
        counter.id, counter.run.id, counter.schedule.next_at or now, schedule, tuple(outcomes)
    )


class MilestoneSweep:
    """The due work behind milestones, asked for one platform at a time (see PerPlatform)."""

    def __init__(self, bot: Bot, store: MilestoneStore) -> None:
        self.bot = bot
        self.store = store
        # held while celebrating and while a member changes a counter, so a reset and a
        # celebration of the same run never interleave
        self.lock = asyncio.Lock()

    async def next_due(self, platform: str) -> datetime | None:
        """The earliest instant with milestone work on a platform."""
        return await self.store.next_due(platform)

    async def run_due(self, platform: str, now: datetime) -> None:
        """Claim every milestone of a platform reached by `now`, then celebrate what was claimed."""
        for _ in range(1000):  # bounded: each round moves every due counter past `now`
            due = await self.store.due(platform, now, BATCH)
            if not due:
                break
            claims = await self._decide_all(platform, due, now)
            moved = await self.store.claim(claims, now)
            if len(due) < BATCH or moved == 0:
                break
        await self.deliver(platform, now)

    async def _decide_all(
        self, platform: str, due: Iterable[DueCounter], now: datetime
    ) -> list[MilestoneClaim]:
        ladders: dict[str, Ladder] = {}
        zones: dict[str, str] = {}
        claims = []
        for item in due:
            cid = item.counter.key.community_id or ""
            if cid not in ladders:
                ladders[cid] = await community_ladder(self.bot, platform, cid)
                zones[cid] = await self._community_zone(platform, cid)
            tz = _valid_zone(item.member_zone) or zones[cid]
            claims.append(decide(item, ladders[cid], tz, now))
        return claims

    async def _community_zone(self, platform: str, community_id: str) -> str:
        own = await self.bot.community_settings.get(platform, community_id, "timezone")
        return _valid_zone(own) or _valid_zone(self.bot.config.bot.timezone) or "UTC"

    async def deliver(self, platform: str, now: datetime) -> None:
        """Celebrate every pending milestone (those over a day late become 'missed').

        Each group is marked delivered before it is sent: a crash in between can cost a
        celebration, never send one twice."""
        async with self.lock:
            pending = await self.store.pending(platform, now)
            late = [p.id for p in pending if now - p.due_at >= LATE_LIMIT]
            ready: list[tuple[Context, PendingCelebration]] = []
            for item in pending:
                if now - item.due_at >= LATE_LIMIT:
                    continue
                ctx = self.bot.context(CommunityRef(platform, item.key.community_id or ""))
                if ctx is not None:  # else it stays pending until the platform is back
                    ready.append((ctx, item))
            for start in range(0, len(ready), MARK_EVERY):
                group = ready[start : start + MARK_EVERY]
                await self.store.finish([item.id for _, item in group], "delivered", now)
                for ctx, item in group:
                    await celebrate(ctx, item)
            await self.store.finish(late, "missed", now)


async def celebrate(ctx: Context, item: PendingCelebration) -> None:
    """Congratulate the member privately; for a public counter also in the milestones channel."""
    shared = False
    if item.visibility == "public":
        name = await ctx.member_name(item.key.user_id)
        label = step_label(item.step, await ctx.community_translator())
        shared = (
            await ctx.post("milestones", PUBLIC_TEMPLATE, name=name, milestone=label) is not None
        )
    tr = await ctx.translator_for(item.key.user_id)
    text = tr.gettext(PRIVATE_TEMPLATE_HOURS if item.step.endswith("h") else PRIVATE_TEMPLATE)
    if shared:
        text += " " + tr.gettext(SHARED_NOTE)
    await ctx.send_private(
        item.key.user_id, text, milestone=step_label(item.step, tr), counter=item.counter_name
    )


def _valid_zone(name: str | None) -> str | None:
    if not name:
        return None
    try:
        zone(name)
    except UnknownTimezone:
        return None
    return name
