"""Due work for check-ins: each member's daily reminder and each community's daily post.

Both are declared due sources (``bot.scheduler.declare``): the scheduler claims each due row
and moves it to its next local time in one transaction, then the act here sends, so after a
crash a reminder is missed, never doubled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time

from bot.context import Context
from bot.i18n import Translator, _
from bot.message import Button
from bot.scheduler import Due
from bot.timeutil import UnknownTimezone, zone
from cogs.checkins.daily import plan_daily
from storage.checkins import POSTS, REMINDERS
from storage.due import Claim, DueRow, Move

log = logging.getLogger(__name__)

SWEEP_BATCH = 1000  # reminders claimed per transaction


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


CHECK_IN = _("Check in")  # the button under the reminder and the daily post


def reminder_text(ctx: Context, tr: Translator) -> str:
    """The daily reminder in the member's language, with the commands spelled as this platform
    spells them."""
    return tr(
        "A gentle nudge: you haven't checked in today. When you have a moment, {checkin} takes "
        "ten seconds and only you see it. (To stop these: {stop})",
        checkin=tr("{command} <mood 1-5>", command=ctx.command_hint("checkin")),
        stop=f"{ctx.command_hint('checkin remind')} off",
    )


def zone_or_default(tz: str | None, default: str) -> str:
    """A stored zone, or ``default`` when it is unset or no longer known."""
    if tz:
        try:
            zone(tz)
            return tz
        except UnknownTimezone:
            log.warning("a stored timezone is unknown; using the default")
    return default


def daily_sources(default_zone: Callable[[], str]) -> list[Due]:
    """The reminder and daily-post sources; ``default_zone`` is the configured zone."""

    def plan_daily_row(row: DueRow, now: datetime, done_column: str) -> Move:
        plan = plan_daily(
            now,
            time.fromisoformat(row["time"]),
            zone_or_default(row["zone"], default_zone()),
            _day(row[done_column]),
        )
        acted = {done_column: plan.day.isoformat()} if plan.fire else {}
        return Move(plan.next_at, acted, act=plan.fire)

    def plan_reminder(row: DueRow, now: datetime) -> Move:
        move = plan_daily_row(row, now, "last_reminded_date")
        last_checkin = _day(row["last_checkin"])
        checked_in = (
            last_checkin is not None
            and move.act
            and last_checkin >= date.fromisoformat(move.set["last_reminded_date"])
        )
        return Move(move.next_at, move.set, act=move.act and not checked_in)

    async def remind(ctx: Context, claimed: Claim, now: datetime) -> None:
        user_id = claimed.row["user_id"]
        button = Button(CHECK_IN, command="checkin", form=True)
        text = reminder_text(ctx, await ctx.translator_for(user_id))
        await ctx.send_private(user_id, text, buttons=(button,))

    async def post(ctx: Context, claimed: Claim, now: datetime) -> None:
        tr = await ctx.community_translator()
        await ctx.post(
            "checkins",
            tr(
                "Daily check-in 🌱 How are you doing today? {checkin} takes ten seconds; only you "
                "see your answers.",
                checkin=tr("{command} <mood 1-5>", command=ctx.command_hint("checkin")),
            ),
            buttons=[Button(CHECK_IN, command="checkin", form=True)],
        )

    return [
        Due("checkin-reminders", REMINDERS, plan_reminder, remind, batch=SWEEP_BATCH),
        Due(
            "checkin-posts",
            POSTS,
            lambda row, now: plan_daily_row(row, now, "last_posted_date"),
            post,
        ),
    ]
