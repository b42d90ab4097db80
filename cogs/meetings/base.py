"""What every part of the meetings feature shares: the store, finding a meeting, who may run
it, its occurrences, where it posts, telling RSVPed members, and the platform's listing."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from bot.channels import ChannelPurpose
from bot.cog import Cog
from bot.context import Context
from bot.core import Bot
from bot.i18n import N_, Said, _
from bot.platforms.listing import Listing
from bot.recurrence import Recurrence, parse_schedule
from bot.spec import Permission
from bot.timeutil import local_date, start_of_local_day, zone
from storage.meetings import ACTIVE, Meeting, MeetingStore, Rsvp

log = logging.getLogger(__name__)

PURPOSE = "meetings"
MOST_RSVPS_PER_MEMBER = 10  # upcoming RSVPs one member may hold at once
# How far ahead meetings are planned and shown: a date further ahead is refused when it is
# planned, so every planned meeting has its next date in /meeting list and its listing.
HORIZON = timedelta(days=400)
MAX_OCCURRENCES = 200  # occurrences looked at in one listing (a weekly meeting, ~4 years)
WHEN_FORMAT = "EEE dd MMM y, HH:mm"  # Babel's pattern: "Mon 02 Nov 2026, 09:00" in English

# What a private "meeting update" says, by what happened to the date the member RSVPed to.
UPDATES = {
    "cancelled": N_(
        "Meeting update: {title} on {when} ({tz}, your time) is cancelled. Your RSVP for it is "
        "removed; take care."
    ),
    "skipped": N_(
        "Meeting update: {title} on {when} ({tz}, your time) is skipped. Your RSVP for it is "
        "removed; take care."
    ),
    "moved": N_(
        "Meeting update: {title} on {when} ({tz}, your time) has moved to a new time. Your RSVP "
        "for it is removed; take care."
    ),
}
# "moved" when the meeting still has a start coming: that start, in the member's zone.
MOVED_TO = N_(
    "Meeting update: {title} on {when} ({tz}, your time) has moved: the next one is on {next} "
    "(your time). Your RSVP for the old time is removed; RSVP again with {rsvp} {id} if you "
    "can come."
)

LISTING_RETRY = timedelta(hours=1)  # a listing the platform refused is tried again after this
DAY_FORMAT = "EEE dd MMM y"  # Babel's pattern: "Sun 10 Jan 2027" in English


def local_when(instant: datetime, tz: str) -> Said:
    """An instant in a zone, written the way whoever reads the message writes dates."""
    return Said(lambda tr: tr.datetime(instant.astimezone(zone(tz)), WHEN_FORMAT))


def schedule_of_text(spec: str) -> Recurrence:
    """A stored schedule (stored text is canonical, so it parses)."""
    return parse_schedule(spec)


def schedule_of(meeting: Meeting) -> Recurrence:
    """A stored meeting's schedule."""
    return schedule_of_text(meeting.schedule)


class MeetingsBase(Cog):
    """Shared helpers of the meetings cog."""

    name = "meetings"
    channel_purposes = (ChannelPurpose(PURPOSE, N_("Meetings")),)

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot)
        self.store = MeetingStore(bot.db)

    # --- finding and permission -------------------------------------------------------------

    async def find(self, ctx: Context, meeting_id: int) -> Meeting | None:
        """The meeting, or None after telling the caller it isn't there."""
        meeting = await self.store.get(ctx.community.platform, ctx.community.id, meeting_id)
        if meeting is None:
            await ctx.reply(
                _("I can't find meeting #{id} here. {hint} shows the coming ones."),
                id=meeting_id,
                hint=ctx.command_hint("meetings"),
            )
        return meeting

    async def find_managed(self, ctx: Context, meeting_id: int) -> Meeting | None:
        """The meeting when the caller may change it: its facilitator, or a moderator."""
        meeting = await self.find(ctx, meeting_id)
        if meeting is None:
            return None
        assert ctx.actor is not None
        if ctx.level >= Permission.MODERATOR or meeting.created_by == ctx.actor.id:
            return meeting
        await ctx.reply(
            _(
                "Meeting #{id} is run by another facilitator, so only they or a moderator can "
                "change it. Nothing was changed."
            ),
            id=meeting_id,
        )
        return None

    # --- occurrences ------------------------------------------------------------------------

    async def occurrences(
        self, meeting: Meeting, tz: str, after: datetime, until: datetime
    ) -> list[datetime]:
        """Starts after ``after`` up to ``until`` that are not cancelled or skipped."""
        if meeting.state != ACTIVE:
            return []
        off = await self.store.cancelled(meeting.id)
        schedule = schedule_of(meeting)
        found: list[datetime] = []
        current = after
        for _step in range(MAX_OCCURRENCES):
            following = schedule.next_after(current, tz)
            if following is None or following > until:
                break
            if following not in off:
                found.append(following)
            current = following
        return found

    async def next_occurrence(self, meeting: Meeting, tz: str, now: datetime) -> datetime | None:
        """The next start that is not cancelled (within :data:`HORIZON`)."""
        found = await self.occurrences(meeting, tz, now, now + HORIZON)
        return found[0] if found else None

    @staticmethod
    def occurrence_on(meeting: Meeting, day: date, tz: str) -> datetime | None:
        """The start on a local date in the community's zone, if the schedule has one."""
        try:
            first = schedule_of(meeting).next_after(
                start_of_local_day(day, tz) - timedelta(seconds=1), tz
            )
        except (OverflowError, ValueError):
            return None
        return first if first is not None and local_date(first, tz) == day else None

    # --- words ------------------------------------------------------------------------------

    async def where_text(self, ctx: Context, meeting: Meeting) -> str:
        """Where it happens, as members read it."""
        if meeting.where_channel:
            return await ctx.platform.channel_name(ctx.community.id, meeting.where_channel)
        if meeting.where_link:
            return meeting.where_link
        return Said(lambda tr: tr.gettext(N_("(no place given)")))

    async def post_channel(self, ctx: Context, meeting: Meeting) -> str | None:
        """Where public posts about a meeting go: the meetings channel, else its own channel."""
        channel = await ctx.channel_for(PURPOSE) or meeting.where_channel
        if channel is not None and channel == await ctx.channel_for("alerts"):
            return None
        return channel

    async def post(self, ctx: Context, meeting: Meeting, template: str, **values: str) -> bool:
        """A public post about a meeting (mentions off: every value is escaped)."""
        channel = await self.post_channel(ctx, meeting)
        if channel is None:
            return False
        return await ctx.post_to(channel, template, **values) is not None

    async def tell_rsvps(
        self,
        ctx: Context,
        meeting: Meeting,
        rsvps: list[Rsvp],
        what: str,
        moved_to: datetime | None = None,
    ) -> int:
        """Tell each RSVPed member privately, in their own zone and language, that their
        meeting is off. ``what``: "cancelled", "skipped" or "moved" (:data:`UPDATES`);
        ``moved_to``: for "moved", the meeting's next start, said in each member's zone.
        Returns how many were told. A move is told once per member (their first RSVP's date),
        however many dates they had RSVPed to."""
        told = 0
        if what == "moved":
            first: dict[str, Rsvp] = {}
            for rsvp in sorted(rsvps, key=lambda r: r.starts_at):
                first.setdefault(rsvp.user_id, rsvp)
            rsvps = list(first.values())
        for rsvp in rsvps:
            tz = await ctx.member_timezone(rsvp.user_id)
            template, extra = UPDATES[what], {}
            if what == "moved" and moved_to is not None:
                template = MOVED_TO
                extra = {
                    "next": local_when(moved_to, tz),
                    "rsvp": ctx.command_hint("meeting rsvp"),
                    "id": str(meeting.id),
                }
            told += await ctx.send_private(
                rsvp.user_id,
                template,
                title=meeting.title,
                when=local_when(rsvp.starts_at, tz),
                tz=tz,
                **extra,
            )
        return told

    # --- the platform's own listing -------------------------------------------------------

    async def sync_listing(self, ctx: Context, meeting_id: int, *, changed: bool = False) -> None:
        """Keep the platform's listing (scheduled event, pinned message) on the next start;
        ``changed``: the meeting itself changed, so update the listing even if its start did not.
        Never raises: a listing is an extra, the meeting works without it."""
        try:
            await self._sync_listing(ctx, meeting_id, changed)
        except Exception:
            log.exception("the listing of meeting %s could not be updated", meeting_id)

    async def _sync_listing(self, ctx: Context, meeting_id: int, changed: bool) -> None:
        meeting = await self.store.get(ctx.community.platform, ctx.community.id, meeting_id)
        if meeting is None:
            return
        tz = await ctx.community_timezone()
        # An occurrence under way stays listed until it ends (LISTINGS moves it on then); one
        # not listed yet is never listed for its start in the past (before the meeting was
        # planned, or refused by the platform): the next start is.
        now, length = ctx.now(), timedelta(minutes=meeting.length_minutes)
        start = await self.next_occurrence(meeting, tz, max(now - length, meeting.created_at))
        if start is not None and start <= now and meeting.native_at != start:
            start = await self.next_occurrence(meeting, tz, now)
        if start is None:
            if meeting.native_id is not None:
                await ctx.platform.unlist_event(
                    ctx.community.id, meeting.native_id, f"{meeting.title}: no meetings planned"
                )
                await self.store.set_native(meeting.id, None, None)
            return
        if meeting.native_id is not None and meeting.native_at == start and not changed:
            return
        where = await self.where_text(ctx, meeting)
        tr = await ctx.community_translator()  # a listing is public: the community's language
        # Written before the call: babel's extractor loses a plural whose arguments name ``tr``.
        when = local_when(start, tz).translated(tr)
        shown_where = where.translated(tr) if isinstance(where, Said) else where
        summary = tr.plural(
            "Next meeting: {title} — {when} ({tz}), {count} minute, {where}. RSVP: {rsvp} {id}",
            "Next meeting: {title} — {when} ({tz}), {count} minutes, {where}. RSVP: {rsvp} {id}",
            meeting.length_minutes,
            title=meeting.title,
            when=when,
            tz=tz,
            where=shown_where,
            rsvp=ctx.command_hint("meeting rsvp"),
            id=meeting.id,
        )
        listing = Listing(
            title=meeting.title,
            description=meeting.description or "",
            start=start,
            end=start + length,
            channel_id=meeting.where_channel,
            link=meeting.where_link,
            pin_channel_id=await self.post_channel(ctx, meeting),
            summary=summary,
        )
        listed = await ctx.platform.list_event(ctx.community.id, listing, meeting.native_id)
        if listed is not None:
            await self.store.set_native(meeting.id, listed, start, start + length)
        else:  # refused or unreachable: try again later (LISTINGS)
            await self.store.set_native(
                meeting.id, meeting.native_id, meeting.native_at, now + LISTING_RETRY
            )

    async def withdraw_listing(self, ctx: Context, meeting: Meeting, reason: str) -> None:
        """Withdraw the platform's listing of a meeting that is cancelled or removed."""
        if meeting.native_id is None:
            return
        try:
            await ctx.platform.unlist_event(ctx.community.id, meeting.native_id, reason)
            await self.store.set_native(meeting.id, None, None)
        except Exception:
            log.exception("the listing of meeting %s could not be withdrawn", meeting.id)
