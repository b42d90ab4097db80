"""Due work for partners: proposals that time out, gentle nudges, owed notices, weekly matching.

Each source asks the database what is due (indexed columns) and moves every handled row on in
the same transaction that claims it, before any message goes out: after a crash a message may
be missed, never doubled. Rows of platforms that are not running are left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.context import Context
from bot.platforms.base import CommunityRef
from bot.recurrence import Recurrence
from bot.scheduler import DueSource
from bot.timeutil import UnknownTimezone, local_date, next_daily
from cogs.partners.rounds import run_round
from storage.partners import NudgeCheck, NudgeUpdate, PartnerStore

if TYPE_CHECKING:
    from bot.core import Bot

log = logging.getLogger(__name__)

NUDGE_TIME = time(10, 0)  # nudges arrive at 10:00 in the member's own zone
NUDGE_AFTER_DAYS = 2
SWEEP_BATCH = 200

BACK_IN_POOL = "You're back in the pool for the next round; there's nothing you need to do."
NOTICES = {
    "partnership_ended": "Your accountability partnership has ended. Thank you for the support "
    "you gave. Whenever you're ready, {join} puts you back in the pool.",
    "partner_left": "One member of your accountability group has stepped back; the rest of you "
    "carry on together. {status} shows who.",
    "proposal_closed": "The proposed partner match won't go ahead this time. " + BACK_IN_POOL,
}

CheckedIn = Callable[[Context, str, date], Awaitable[bool]]


class PartnerDue:
    """The four due sources of the partners feature."""

    def __init__(self, bot: Bot, store: PartnerStore, checked_in: CheckedIn) -> None:
        self.bot = bot
        self.store = store
        self.checked_in = checked_in

    def sources(self) -> list[DueSource]:
        """Every due source, to register with the scheduler."""
        return [
            DueSource("partner-proposals", self._earliest(self.store.next_expiry), self.expire),
            DueSource("partner-nudges", self._earliest(self.store.next_nudge_check), self.nudge),
            DueSource("partner-notices", self._earliest(self.store.next_notice), self.notices),
            DueSource("partner-matching", self._earliest(self.store.next_schedule), self.match),
        ]

    def _earliest(
        self, lookup: Callable[[str], Awaitable[datetime | None]]
    ) -> Callable[[], Awaitable[datetime | None]]:
        async def earliest() -> datetime | None:
            found = [d for p in list(self.bot.platforms) if (d := await lookup(p)) is not None]
            return min(found) if found else None

        return earliest

    def _context(self, platform: str, community_id: str) -> Context | None:
        return self.bot.context(CommunityRef(platform, community_id, community_id))

    # --- proposals that time out -------------------------------------------------------------

    async def expire(self, now: datetime) -> None:
        """Close proposals after 48 hours; everyone in them returns to the pool."""
        for platform in list(self.bot.platforms):
            for proposal in await self.store.expire_due(platform, now):
                ctx = self._context(platform, proposal.community_id)
                if ctx is None:
                    continue
                # One wording whether someone said no or nobody answered; those who said no
                # were answered when they did.
                for member, answer in proposal.answers.items():
                    if answer != "decline":
                        await ctx.send_private(member, NOTICES["proposal_closed"])

    # --- notices owed after a member deleted their data ------------------------------------------

    async def notices(self, now: datetime) -> None:
        """Send the neutral lines owed to members whose partner or proposal went away."""
        for platform in list(self.bot.platforms):
            for notice in await self.store.take_notices(platform, now):
                ctx = self._context(platform, notice.community_id)
                if ctx is None:
                    continue
                text = NOTICES.get(notice.kind, NOTICES["partnership_ended"])
                text = text.replace("{join}", ctx.command_hint("partner join")).replace(
                    "{status}", ctx.command_hint("partner status")
                )
                await ctx.send_private(notice.user_id, text)

    # --- weekly matching ---------------------------------------------------------------------------

    async def match(self, now: datetime) -> None:
        """Run each community's weekly matching, moved to its next week first."""
        for platform in list(self.bot.platforms):
            for community_id, spec in await self.store.due_schedules(platform, now):
                ctx = self._context(platform, community_id)
                if ctx is None:
                    continue
                tz = await ctx.community_timezone()
                try:
                    following = Recurrence("weekly", spec).next_after(now, tz)
                except (UnknownTimezone, ValueError):
                    following = None
                await self.store.advance_schedule(
                    platform, community_id, following or now + timedelta(weeks=1)
                )
                summary = await run_round(ctx, self.store)
                log.info("weekly partner matching in %s: %s", community_id, summary)

    # --- gentle nudges -------------------------------------------------------------------------

    async def nudge(self, now: datetime) -> None:
        """Once per lapse: tell a member when their partner hasn't checked in for 2 local days."""
        for platform in list(self.bot.platforms):
            while True:
                due = await self.store.due_nudge_checks(platform, now, SWEEP_BATCH)
                if not due:
                    break
                updates, send = [], []
                for row in due:
                    ctx = self._context(platform, row.community_id)
                    if ctx is None:
                        # Not running: look again tomorrow rather than spinning on the row.
                        updates.append(NudgeUpdate(row.partnership_id, row.user_id,
                                                   now + timedelta(days=1), row.nudged_on))  # fmt: skip
                        continue
                    update, lapsed = await self._look(ctx, row, now)
                    updates.append(update)
                    if lapsed is not None:
                        send.append((ctx, row.user_id, lapsed))
                await self.store.update_nudges(updates)
                for ctx, user_id, partner in send:
                    name = await ctx.member_name(partner)
                    await ctx.send_private(
                        user_id,
                        "A gentle thought: {partner} hasn't checked in for a couple of days. "
                        "A short hello from you might mean a lot, no pressure either way.",
                        partner=name,
                    )
                if len(due) < SWEEP_BATCH:
                    break

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
