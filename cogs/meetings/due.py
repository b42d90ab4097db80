"""Meetings' due work, declared with the scheduler (``bot.scheduler.declare``).

- openings: at each start, "the room is open" in the meetings channel; the row moves to the
  next start in the transaction that claims it, so a restart never posts it twice. A start
  that passed while the bot was down more than ``bot.prompt_grace_minutes`` ago is skipped, as
  prompts do; a start in a DST gap or overlap is resolved as prompts resolve it
  (``bot.recurrence``).
- notices: each RSVP's reminder before the start and "it's starting" at the start, in the
  member's own zone; the row moves from remind to start, then is deleted, in the claiming
  transaction.
- listings: when the occurrence a platform's listing shows has ended (start + length), the
  listing moves on to the next start; until then it stays, so a Discord scheduled event is in
  the events list while the meeting runs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.context import Context
from bot.i18n import _
from bot.recurrence import ScheduleError, parse_schedule
from bot.scheduler import Due
from bot.timeutil import UnknownTimezone, zone
from cogs.meetings.base import local_when
from storage.due import Claim, DueRow, Move
from storage.meetings import FINISHED, LISTINGS, NOTICES, OPENINGS, REMIND, START, Meeting

log = logging.getLogger(__name__)


def _zone(stored: str | None, default: str) -> str:
    if stored:
        try:
            zone(stored)
            return stored
        except UnknownTimezone:
            log.warning("a stored timezone is unknown; using the default")
    return default


def meeting_sources(
    default_zone: Callable[[], str],
    grace: Callable[[], timedelta],
    opened: Callable[[Context, int, datetime], Awaitable[None]],
    noticed: Callable[[Context, DueRow, bool], Awaitable[None]],
    ended: Callable[[Context, int], Awaitable[None]],
) -> list[Due]:
    """The three due sources; ``opened`` posts "the room is open", ``noticed`` sends a member's
    reminder (True) or "it's starting" (False), ``ended`` moves the platform's listing on once
    the occurrence it shows has ended."""

    def plan_opening(row: DueRow, now: datetime) -> Move:
        try:
            schedule = parse_schedule(row["schedule"])
            following = schedule.next_after(max(now, row.at), _zone(row["zone"], default_zone()))
        except (ScheduleError, OverflowError):
            following = None
        on_time = now - row.at <= grace()
        finished = {} if following is not None else {"state": FINISHED}
        return Move(following, finished, act=on_time and not row["cancelled"])

    async def open_room(ctx: Context, claimed: Claim, now: datetime) -> None:
        await opened(ctx, int(claimed.row["id"]), claimed.row.at)

    def plan_notice(row: DueRow, now: datetime) -> Move:
        starts = datetime.fromisoformat(row["starts_at"])
        if row["stage"] == REMIND and now < starts:
            return Move(starts, {"stage": START})
        return Move(None, delete=True, act=now - starts <= grace())

    async def notice(ctx: Context, claimed: Claim, now: datetime) -> None:
        await noticed(ctx, claimed.row, not claimed.move.delete)

    def plan_listing(row: DueRow, now: datetime) -> Move:
        return Move(None)

    async def move_listing(ctx: Context, claimed: Claim, now: datetime) -> None:
        await ended(ctx, int(claimed.row["id"]))

    return [
        Due("meeting-openings", OPENINGS, plan_opening, open_room),
        Due("meeting-notices", NOTICES, plan_notice, notice, batch=500),
        Due("meeting-listings", LISTINGS, plan_listing, move_listing),
    ]


async def send_notice(
    ctx: Context, meeting: Meeting | None, row: DueRow, before: bool, where: str
) -> None:
    """A member's private reminder or "it's starting", in their own zone and language."""
    if meeting is None:
        return
    user = row["user_id"]
    tz = await ctx.member_timezone(user)
    starts = datetime.fromisoformat(row["starts_at"])
    when = local_when(starts, tz)
    if before:
        # The time really left: a reminder sent late (the bot was down) says so, not "an hour".
        left = max(1, round((starts - ctx.now()).total_seconds() / 60))
        minutes = min(int(row["remind_minutes"]), left)
        tr = await ctx.translator_for(user)  # the reminded member's language
        slots = {"title": "{title}", "when": "{when}", "tz": "{tz}", "where": "{where}"}
        if minutes == 60:
            template = tr(
                "Reminder: {title} starts in an hour, at {when} your time ({tz}). Join: {where}",
                **slots,
            )
        else:
            template = tr.plural(
                "Reminder: {title} starts in {count} minute, at {when} your time ({tz}). "
                "Join: {where}",
                "Reminder: {title} starts in {count} minutes, at {when} your time ({tz}). "
                "Join: {where}",
                minutes,
                **slots,
            )
        await ctx.send_private(user, template, title=meeting.title, when=when, tz=tz, where=where)
        return
    await ctx.send_private(
        user,
        _("{title} is starting now ({when} your time, {tz}). Join: {where} — glad you're coming."),
        title=meeting.title,
        when=when,
        tz=tz,
        where=where,
    )
