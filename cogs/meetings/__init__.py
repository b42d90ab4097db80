"""/meeting and /meetings: recurring group sessions in every member's time.

Facilitators plan weekly, monthly or one-off meetings in the community's zone; members see the
coming week in their own zone, RSVP, and get a private reminder and "it's starting". At each
start the bot posts "the room is open" in the meetings channel. On Discord each meeting's next
start is also a Guild Scheduled Event; on Matrix a pinned message in the room (see
:mod:`cogs.meetings.base`, ``sync_listing``). Moderators keep a meeting finder of outside groups.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.cog import listener
from bot.context import Context
from bot.core import Bot
from bot.recurrence import ScheduleError
from bot.timeutil import local_date
from cogs.meetings.base import schedule_of
from cogs.meetings.due import meeting_sources, send_notice
from cogs.meetings.facilitators import FacilitatorCommands
from cogs.meetings.finder import FinderCommands
from cogs.meetings.members import MemberCommands
from storage.due import DueRow
from storage.meetings import Meeting, meetings_privacy_handlers

log = logging.getLogger(__name__)


class Meetings(FacilitatorCommands, MemberCommands, FinderCommands):
    """Meetings, RSVPs, reminders, "the room is open" and the meeting finder."""

    async def on_load(self) -> None:
        for handler in meetings_privacy_handlers():
            self.bot.privacy.register(handler)
        for due in meeting_sources(
            lambda: self.bot.config.bot.timezone,
            self._grace,
            self._opened,
            self._noticed,
            self.sync_listing,
        ):
            self.bot.scheduler.declare(due)

    @listener("community_timezone_changed")
    async def on_community_timezone_changed(self, ctx: Context, tz: str, old: str) -> None:
        """Meetings keep their local times in the community's new zone, as prompts do: the next
        opening, the cancelled dates and the platform's listing move with it, and members with
        an RSVP are told the new time (their RSVP was for the old one); an RSVP whose start is
        the same in the new zone stays, and nobody is told."""
        now = ctx.now()
        for meeting in await self.store.list(
            ctx.community.platform, ctx.community.id, active_only=True
        ):
            try:
                following = schedule_of(meeting).next_after(now, tz)
            except (ScheduleError, OverflowError):
                following = None
            moved = {
                start: self.occurrence_on(meeting, local_date(start, old), tz)
                for start in await self.store.cancelled(meeting.id)
                if start > now
            }

            def unchanged(start: datetime, meeting: Meeting = meeting) -> bool:
                # A zone with the same clock (London -> Dublin) keeps the start: so does its RSVP.
                return (
                    start > now and self.occurrence_on(meeting, local_date(start, old), tz) == start
                )

            rsvps = await self.store.replan(meeting.id, following, moved, unchanged)
            again = await self.store.get(ctx.community.platform, ctx.community.id, meeting.id)
            if again is None:
                continue
            for rsvp in rsvps:
                same_day = self.occurrence_on(again, local_date(rsvp.starts_at, old), tz)
                new_start = same_day if same_day is not None and same_day > now else None
                if new_start is None or new_start in await self.store.cancelled(again.id):
                    new_start = await self.next_occurrence(again, tz, now)
                await self.tell_rsvps(ctx, again, [rsvp], "moved", new_start)
            await self.sync_listing(ctx, again.id, changed=True)

    def _grace(self) -> timedelta:
        return timedelta(minutes=self.bot.config.bot.prompt_grace_minutes)

    async def _opened(self, ctx: Context, meeting_id: int, start: datetime) -> None:
        """ "The room is open"; the listing stays on this start until the meeting ends. Nothing
        here may raise after the post, or the scheduler would put the start back and post it
        again."""
        meeting = await self.store.get(ctx.community.platform, ctx.community.id, meeting_id)
        if meeting is None:
            return
        where = await self.where_text(ctx, meeting)
        tr = await ctx.community_translator()  # a post in a channel: the community's language
        template = tr.plural(
            "The room is open: {title} starts now ({count} minute). Join: {where}. "
            "Everyone is welcome, come as you are.",
            "The room is open: {title} starts now ({count} minutes). Join: {where}. "
            "Everyone is welcome, come as you are.",
            meeting.length_minutes,
            title="{title}",
            where="{where}",
        )
        posted = await self.post(ctx, meeting, template, title=meeting.title, where=where)
        if not posted:
            log.warning("meeting %s: no channel to post that the room is open", meeting.id)
        await self.sync_listing(ctx, meeting.id)

    async def _noticed(self, ctx: Context, row: DueRow, before: bool) -> None:
        meeting = await self.store.get(
            ctx.community.platform, ctx.community.id, int(row["meeting_id"])
        )
        where = await self.where_text(ctx, meeting) if meeting else ""
        await send_notice(ctx, meeting, row, before, where)


def setup(bot: Bot) -> Meetings:
    """Create the cog."""
    return Meetings(bot)
