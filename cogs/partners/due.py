"""Due work for partners: proposals that time out, gentle nudges, owed notices, weekly matching.

Each is a declared due source (``bot.scheduler.declare``): the scheduler claims each due row and
moves it on (closes the proposal, deletes the notice, moves the matching to next week, moves the
nudge check a day on) in one transaction, then the act here runs with the community's context.
After a crash a message may be missed, never doubled; rows of platforms that are offline stay due.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.context import Context
from bot.i18n import N_, _
from bot.recurrence import Recurrence
from bot.scheduler import Due
from bot.timeutil import UnknownTimezone, local_date, next_daily
from cogs.partners.rounds import run_round
from storage.due import DELETE, Claim, DueRow, Move
from storage.partners import (
    EXPIRING,
    MATCHING_DUE,
    NOTICES_DUE,
    NUDGES_DUE,
    NudgeCheck,
    NudgeUpdate,
    PartnerStore,
)

if TYPE_CHECKING:
    from bot.core import Bot

log = logging.getLogger(__name__)

NUDGE_TIME = time(10, 0)  # nudges arrive at 10:00 in the member's own zone
NUDGE_AFTER_DAYS = 2
SWEEP_BATCH = 200

BACK_IN_POOL = N_("You're back in the pool for the next round; there's nothing you need to do.")
PROPOSAL_CLOSED = N_(
    "The proposed partner match won't go ahead this time. You're back in the pool for the next "
    "round; there's nothing you need to do."
)
NOTICES = {
    "partnership_ended": N_(
        "Your accountability partnership has ended. Thank you for the support you gave. "
        "Whenever you're ready, {join} puts you back in the pool."
    ),
    "partner_left": N_(
        "One member of your accountability group has stepped back; the rest of you carry on "
        "together. {status} shows who."
    ),
    "proposal_closed": PROPOSAL_CLOSED,
}

CheckedIn = Callable[[Context, str, date], Awaitable[bool]]


class PartnerDue:
    """The four due sources of the partners feature."""

    def __init__(self, bot: Bot, store: PartnerStore, checked_in: CheckedIn) -> None:
        self.bot = bot
        self.store = store
        self.checked_in = checked_in

    def sources(self) -> list[Due]:
        """Every due source, to declare to the scheduler."""
        return [
            Due("partner-proposals", EXPIRING, self._plan_expiry, self.expire),
            Due("partner-nudges", NUDGES_DUE, self._plan_nudge, self.nudge, batch=SWEEP_BATCH),
            Due("partner-notices", NOTICES_DUE, lambda row, now: DELETE, self.notice),
            Due("partner-matching", MATCHING_DUE, self._plan_matching, self.match),
        ]

    # --- proposals that time out -------------------------------------------------------------

    @staticmethod
    def _plan_expiry(row: DueRow, now: datetime) -> Move:
        status = "declined" if row["declined"] else "expired"
        return Move(None, {"status": status, "closed_at": now.isoformat()})

    async def expire(self, ctx: Context, claimed: Claim, now: datetime) -> None:
        """A proposal's 48 hours are up: everyone in it returns to the pool."""
        proposal = await self.store.proposal(claimed.row["id"])
        if proposal is None:
            return
        # One wording whether someone said no or nobody answered; those who said no were
        # answered when they did.
        for member, answer in proposal.answers.items():
            if answer != "decline":
                await ctx.send_private(member, NOTICES["proposal_closed"])

    # --- notices owed after a member deleted their data ------------------------------------------

    async def notice(self, ctx: Context, claimed: Claim, now: datetime) -> None:
        """Send the neutral line owed to a member whose partner or proposal went away."""
        text = NOTICES.get(claimed.row["kind"], NOTICES["partnership_ended"])
        await ctx.send_private(
            claimed.row["user_id"],
            text,
            join=ctx.command_hint("partner join"),
            status=ctx.command_hint("partner status"),
        )

    # --- weekly matching ---------------------------------------------------------------------------

    def _plan_matching(self, row: DueRow, now: datetime) -> Move:
        tz = row["zone"] or self.bot.config.bot.timezone
        try:
            following = Recurrence("weekly", row["spec"]).next_after(now, tz)
        except (UnknownTimezone, ValueError):
            following = None
        return Move(following or now + timedelta(weeks=1))

    async def match(self, ctx: Context, claimed: Claim, now: datetime) -> None:
        """Run a community's weekly matching (already moved to its next week)."""
        summary = await run_round(ctx, self.store)
        log.info("weekly partner matching in %s: %s", ctx.community.id, summary)

    # --- gentle nudges -------------------------------------------------------------------------

    @staticmethod
    def _plan_nudge(row: DueRow, now: datetime) -> Move:
        # A day on for now; the look (which needs the member's zone and their partners'
        # check-ins) sets the real next instant.
        return Move(now + timedelta(days=1))

    async def nudge(self, ctx: Context, claimed: Claim, now: datetime) -> None:
        """Once per lapse: tell a member when their partner hasn't checked in for 2 local days."""
        row = claimed.row
        nudged = row["nudged_on"]
        check = NudgeCheck(
            row["partnership_id"],
            row.community_id,
            row["user_id"],
            await self.store.partners_of(row["partnership_id"], row["user_id"]),
            datetime.fromisoformat(row["started_at"]),
            date.fromisoformat(nudged) if nudged else None,
        )
        update, lapsed = await self._look(ctx, check, now)
        await self.store.record_nudge_check(update)
        if lapsed is not None:
            name = await ctx.member_name(lapsed)
            await ctx.send_private(
                check.user_id,
                _(
                    "A gentle thought: {partner} hasn't checked in for a couple of days. "
                    "A short hello from you might mean a lot, no pressure either way."
                ),
                partner=name,
            )

    async def _look(
        self, ctx: Context, row: NudgeCheck, now: datetime
    ) -> tuple[NudgeUpdate, str | None]:
        """The row's next state, and the partner to nudge about (None for no nudge)."""
        own_zone = await ctx.member_timezone(row.user_id)
        try:
            next_at = next_daily(now, NUDGE_TIME, own_zone)
        except UnknownTimezone:
            next_at = next_daily(now, NUDGE_TIME, "UTC")
        nudged_on = row.nudged_on
        lapsed: str | None = None
        if await self.sharing(ctx, row.user_id):
            for partner in row.partners:
                if not await self.sharing(ctx, partner):
                    continue
                today = await ctx.today(partner)
                recent = [today - timedelta(days=n) for n in range(NUDGE_AFTER_DAYS + 1)]
                started = local_date(row.started_at, await ctx.member_timezone(partner))
                checked = [await self.checked_in(ctx, partner, d) for d in recent]
                if nudged_on is not None and any(checked[:2]):
                    nudged_on = None  # the lapse is over: a later one may be nudged again
                missed_days = recent[1:]
                if (
                    nudged_on is None
                    and lapsed is None
                    and min(missed_days) > started  # whole days after the start
                    and not any(checked[1:])
                    and not checked[0]
                ):
                    lapsed, nudged_on = partner, today
        return NudgeUpdate(row.partnership_id, row.user_id, next_at, nudged_on), lapsed

    async def sharing(self, ctx: Context, user_id: str) -> bool:
        """Whether a member shares whether they checked in with their partner."""
        return await self.bot.member_settings.get(ctx.member_key(user_id), SHARE_KEY) == "on"


SHARE_KEY = "partner_share_checkins"
