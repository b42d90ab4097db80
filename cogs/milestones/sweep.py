"""Milestones' due work, declared like every feature's (``bot.scheduler.Due`` over the rows of
``storage.milestones``), in two claims, each in the transaction that moves its rows on:

- ``milestones``: a counter whose next milestone has come moves on to the one after, and every
  milestone it reached becomes a celebration in the same transaction: 'pending' for the newest,
  'missed' for older ones (the bot was away) and for one more than a day late;
- ``milestone-celebrations``: a pending celebration is marked delivered, then the member is told
  (a send that fails puts it back, retried later); more than a day late, it is noted 'missed'
  (shown privately in /milestone show) instead.

A process that dies after the first claim leaves the celebration pending and the next run tells
it, once; one that dies between the second claim and the send misses that celebration rather
than sending it twice. Each claim takes only the communities this process serves (its Discord
shards), so with several processes each celebration is told by the one owning its community.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.i18n import N_
from bot.scheduler import Due
from bot.timeutil import UnknownTimezone, zone
from cogs.milestones.ladder import DEFAULT_LADDER, Ladder, LadderError, parse_ladder, step_label
from storage.due import Claim, DueRow, Move
from storage.milestones import (
    CELEBRATIONS,
    COUNTERS,
    MilestoneSchedule,
    RunStart,
    record_reached,
)
from storage.sql import iso

if TYPE_CHECKING:
    from bot.context import Context
    from bot.core import Bot

log = logging.getLogger(__name__)

LADDER_SETTING = "milestones.ladder"
LATE_LIMIT = timedelta(hours=24)
BATCH = 2000  # counters claimed per transaction
# Celebrations claimed (marked delivered) per transaction: the most a crash right after a claim
# can cost.
MARK_EVERY = 20

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

Reached = list[tuple[str, datetime, str]]  # (step, instant, 'pending' or 'missed')


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


@lru_cache(maxsize=256)
def _ladder(code: str | None) -> Ladder:
    """A stored ladder, parsed once per process (an unreadable one: the default)."""
    if not code:
        return DEFAULT_LADDER
    try:
        return parse_ladder(code)
    except LadderError:
        return DEFAULT_LADDER


def decide(
    start: RunStart, through: datetime, ladder: Ladder, tz: str, now: datetime
) -> tuple[MilestoneSchedule, Reached]:
    """A due run's new schedule, and the milestones it reached since `through`."""
    reached, nxt = ladder.points(start, tz).walk(through, now)
    outcomes = [(step.code, at, "missed") for step, at in reached[:-1]]
    if reached:
        # several milestones at once (the bot was away): celebrate only the newest, if recent
        last_step, last_at = reached[-1]
        status = "pending" if now - last_at < LATE_LIMIT else "missed"
        outcomes.append((last_step.code, last_at, status))
        through = last_at
    # with nothing reached, the zone or the ladder changed since next_at was computed
    schedule = MilestoneSchedule(tz, through, nxt[1] if nxt else None, nxt[0].code if nxt else None)
    return schedule, outcomes


def milestone_sources(default_zone: Callable[[], str]) -> list[Due]:
    """The two due sources; ``default_zone`` is the configured zone (a valid one)."""

    def plan_counter(row: DueRow, now: datetime) -> Move:
        if row["started_at"] is None:  # no current run: nothing to wait for
            return Move(None, act=False)
        start = RunStart(
            date.fromisoformat(row["start_date"]),
            time.fromisoformat(row["start_time"]) if row["start_time"] else None,
            datetime.fromisoformat(row["started_at"]),
        )
        tz = _valid_zone(row["member_zone"]) or _valid_zone(row["community_zone"]) or default_zone()
        through = datetime.fromisoformat(row["celebrated_through"])
        schedule, reached = decide(start, through, _ladder(row["ladder"]), tz, now)
        nxt = schedule.next_at
        return Move(
            datetime.fromisoformat(iso(nxt)) if nxt else None,  # stored as UTC text, like all
            {
                "zone": tz,
                "celebrated_through": iso(schedule.celebrated_through),
                "next_step": schedule.next_step,
            },
            act=False,
            also=record_reached(row["id"], reached, now) if reached else None,
        )

    def plan_celebration(row: DueRow, now: datetime) -> Move:
        if row["current_run"] != row["run_id"]:  # reset or corrected since it was reached
            return Move(None, {"status": "cancelled", "handled_at": iso(now)}, act=False)
        late = now - datetime.fromisoformat(row["due_at"]) >= LATE_LIMIT
        status = "missed" if late else "delivered"
        return Move(None, {"status": status, "handled_at": iso(now)}, act=not late)

    async def tell(ctx: Context, claimed: Claim, now: datetime) -> None:
        await celebrate(ctx, claimed.row)

    return [
        Due("milestones", COUNTERS, plan_counter, _nothing, batch=BATCH),
        Due("milestone-celebrations", CELEBRATIONS, plan_celebration, tell, batch=MARK_EVERY),
    ]


async def _nothing(ctx: Context, claimed: Claim, now: datetime) -> None:
    """A counter's claim has no act (never called: its moves say so): celebrations are told by
    their own source."""


async def celebrate(ctx: Context, row: DueRow) -> None:
    """Congratulate the member privately; for a public counter also in the milestones channel."""
    user_id, step = row["user_id"], row["step"]
    shared = False
    if row["visibility"] == "public":
        name = await ctx.member_name(user_id)
        label = step_label(step, await ctx.community_translator())
        shared = (
            await ctx.post("milestones", PUBLIC_TEMPLATE, name=name, milestone=label) is not None
        )
    tr = await ctx.translator_for(user_id)
    text = tr.gettext(PRIVATE_TEMPLATE_HOURS if step.endswith("h") else PRIVATE_TEMPLATE)
    if shared:
        text += " " + tr.gettext(SHARED_NOTE)
    await ctx.send_private(
        user_id, text, milestone=step_label(step, tr), counter=row["counter_name"]
    )


def valid_zone_or_utc(name: str | None) -> str:
    """A configured zone if it is known, else UTC."""
    return _valid_zone(name) or "UTC"


def _valid_zone(name: str | None) -> str | None:
    if not name:
        return None
    try:
        zone(name)
    except UnknownTimezone:
        return None
    return name
