"""Facilitators' meeting commands: add, edit, cancel, skip, list, remove and attendance.
Facilitators run their own meetings; moderators run all of them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from bot.context import Context
from bot.recurrence import Recurrence, ScheduleError, parse_schedule
from bot.spec import OFF, IntType, OrOff, Permission, Range, command
from bot.timeutil import format_local
from cogs.meetings.base import MeetingsBase, schedule_of
from cogs.meetings.inputs import (
    CAP_MAX,
    Cap,
    Description,
    Length,
    MeetingId,
    Title,
    When,
    Where,
    WhereArg,
)
from cogs.meetings.screen import held_for_crisis
from storage.meetings import ACTIVE, CANCELLED, Meeting, MeetingFields

DayArg = Annotated[date, "The meeting's date, YYYY-MM-DD (community timezone)"]
CapOrOff = Annotated[
    object, OrOff(IntType(1, CAP_MAX)), "Most RSVPs per meeting, or off for no limit"
]
AttendanceCount = Annotated[int, Range(0, 10_000), "How many came (a number; no names)"]


class FacilitatorCommands(MeetingsBase):
    """/meeting add, edit, cancel, skip, list, remove, attendance."""

    async def _first_start(self, ctx: Context, schedule: Recurrence, tz: str) -> object | None:
        """The first start of a schedule from now, or None after telling the facilitator."""
        try:
            parse_schedule(schedule.spec, now_utc=ctx.now(), tz=tz)
        except ScheduleError as err:
            await ctx.reply("{problem} Nothing was changed.", problem=str(err))
            return None
        first = schedule.next_after(ctx.now(), tz)
        if first is None:
            await ctx.reply("That schedule has no meetings coming, so nothing was changed.")
        return first

    async def _where_ok(self, ctx: Context, where: Where | None) -> bool:
        if where is not None and where.channel_id is not None:
            if where.channel_id == await ctx.channel_for("alerts"):
                await ctx.reply(
                    "That is the moderators' alerts channel, which stays for alerts only. "
                    "Please choose another place. Nothing was changed."
                )
                return False
            if not await ctx.members_can_read(where.channel_id):
                await ctx.reply(
                    "Only moderators can open that channel, so members can't come to a meeting "
                    "there. Please choose a channel they can open, or a link. Nothing was changed."
                )
                return False
        return True

    @command(
        "meeting add",
        "Plan a meeting (weekly, monthly or once) in the community's timezone",
        private=True,
        level=Permission.FACILITATOR,
        examples=(
            'meeting add title:"Sunday circle" when:"weekly sun 19:00" length:60 where:#voice',
            'meeting add title:"Monthly check-in" when:"first mon 20:00" length:90 '
            "where:https://meet.example.org/circle cap:12",
        ),
    )
    async def add(
        self,
        ctx: Context,
        title: Title,
        when: When,
        length: Length,
        where: WhereArg,
        description: Description | None = None,
        cap: Cap | None = None,
    ) -> None:
        assert ctx.actor is not None
        if await held_for_crisis(ctx, title, description) or not await self._where_ok(ctx, where):
            return
        tz = await ctx.community_timezone()
        first = await self._first_start(ctx, when, tz)
        if first is None:
            return
        fields = MeetingFields(
            title, description, when.spec, length, where.channel_id, where.link, cap
        )
        meeting_id = await self.store.add(
            ctx.community.platform, ctx.community.id, ctx.actor.id, fields, first, ctx.now()
        )
        await self.sync_listing(ctx, meeting_id)
        meeting = await self.store.get(ctx.community.platform, ctx.community.id, meeting_id)
        assert meeting is not None
        upcoming = await self.occurrences(meeting, tz, ctx.now(), ctx.now() + timedelta(days=400))
        lines = [
            f"Meeting #{meeting_id} is planned: {{title}}, {{when}} ({{tz}}), {length} minutes, "
            "in {where}.",
            "Next: {next}.",
        ]
        if await self.post_channel(ctx, meeting) is None:
            lines.append(
                "There's no meetings channel yet, so \"the room is open\" won't be posted: a "
                f"moderator can set one with {ctx.command_hint('community channel')} "
                "purpose:meetings."
            )
        await ctx.reply(
            "\n".join(lines),
            title=title,
            when=when.describe(),
            tz=tz,
            where=await self.where_text(ctx, meeting),
            next="; ".join(format_local(t, tz) for t in upcoming[:3]),
        )

    @command(
        "meeting edit",
        "Change a meeting (only what you give changes)",
        private=True,
        level=Permission.FACILITATOR,
    )
    async def edit(
        self,
        ctx: Context,
        meeting: MeetingId,
        title: Title | None = None,
        when: When | None = None,
        length: Length | None = None,
        where: WhereArg | None = None,
        description: Description | None = None,
        cap: CapOrOff | None = None,
    ) -> None:
        if await held_for_crisis(ctx, title, description):
            return
        found = await self.find_managed(ctx, meeting)
        if found is None or not await self._where_ok(ctx, where):
            return
        tz = await ctx.community_timezone()
        schedule = when or schedule_of(found)
        first = await self._first_start(ctx, schedule, tz)
        if first is None:
            return
        fields = MeetingFields(
            title or found.title,
            description if description is not None else found.description,
            schedule.spec,
            length or found.length_minutes,
            where.channel_id if where else found.where_channel,
            where.link if where else found.where_link,
            None if cap is OFF else (cap if cap is not None else found.cap),
        )
        await self.store.update(found, fields, first)
        told = 0
        if when is not None:
            kept = await self.occurrences(
                await self._reloaded(ctx, found), tz, ctx.now(), ctx.now() + timedelta(days=1500)
            )
            gone = await self.store.drop_rsvps_not_at(found.id, kept)
            told = await self.tell_rsvps(ctx, found, gone, "has moved to a new time")
        await self.sync_listing(ctx, found.id, changed=True)
        extra = told_rsvps(ctx, told)
        await ctx.reply(
            f"Meeting #{found.id} is updated: {{title}}, {{when}} ({{tz}}), next {{next}}.{extra}",
            title=fields.title,
            when=schedule.describe(),
            tz=tz,
            next=format_local(first, tz),
        )

    async def _reloaded(self, ctx: Context, meeting: Meeting) -> Meeting:
        again = await self.store.get(ctx.community.platform, ctx.community.id, meeting.id)
        return again or meeting

    @command(
        "meeting cancel",
        "Cancel one date, or the whole meeting; RSVPed members are told privately",
        private=True,
        level=Permission.FACILITATOR,
    )
    async def cancel(self, ctx: Context, meeting: MeetingId, date: DayArg | None = None) -> None:
        found = await self.find_managed(ctx, meeting)
        if found is None:
            return
        tz = await ctx.community_timezone()
        if date is None:
            if found.state != ACTIVE:
                await ctx.reply(f"Meeting #{found.id} has no meetings coming already.")
                return
            rsvps = await self.store.end(found.id, CANCELLED)
            await self.withdraw_listing(ctx, found, f"{found.title} is cancelled")
            await self.post(
                ctx,
                found,
                "Cancelled: {title} won't meet any more. Take care of each other.",
                title=found.title,
            )
            told = await self.tell_rsvps(ctx, found, rsvps, "is cancelled")
            await ctx.reply(
                f"Meeting #{found.id} ({{title}}) is cancelled.{told_rsvps(ctx, told)}",
                title=found.title,
            )
            return
        await self._call_off(ctx, found, date, tz, "cancelled")

    @command(
        "meeting skip",
        "Skip one date quietly (RSVPed members are still told)",
        private=True,
        level=Permission.FACILITATOR,
    )
    async def skip(self, ctx: Context, meeting: MeetingId, date: DayArg) -> None:
        found = await self.find_managed(ctx, meeting)
        if found is None:
            return
        await self._call_off(ctx, found, date, await ctx.community_timezone(), "skipped")

    async def _call_off(
        self, ctx: Context, meeting: Meeting, day: date, tz: str, kind: str
    ) -> None:
        shown = day.strftime("%a %d %b %Y")
        start = self.occurrence_on(meeting, day, tz)
        if meeting.state != ACTIVE or start is None or start <= ctx.now():
            await ctx.reply(
                f"Meeting #{meeting.id} has no meeting coming on {shown} ({tz}), so nothing "
                "was changed."
            )
            return
        if start in await self.store.cancelled(meeting.id):
            await ctx.reply(f"Meeting #{meeting.id} on {shown} is already off.")
            return
        rsvps = await self.store.cancel_occurrence(meeting.id, start, kind)
        if kind == "cancelled":
            await self.post(
                ctx,
                meeting,
                "Cancelled: {title} on {when} ({tz}) won't take place. Sorry for the short notice.",
                title=meeting.title,
                when=format_local(start, tz),
                tz=tz,
            )
        told = await self.tell_rsvps(ctx, meeting, rsvps, f"is {kind}")
        await self.sync_listing(ctx, meeting.id)
        await ctx.reply(
            f"Meeting #{meeting.id} on {shown} is {kind}.{told_rsvps(ctx, told)}",
        )

    @command(
        "meeting list",
        "Every meeting, with its next dates",
        private=True,
        level=Permission.FACILITATOR,
    )
    async def list_meetings(self, ctx: Context) -> None:
        meetings = await self.store.list(
            ctx.community.platform, ctx.community.id, active_only=False
        )
        if not meetings:
            await ctx.reply(f"No meetings yet. Plan one with {ctx.command_hint('meeting add')}.")
            return
        tz, now = await ctx.community_timezone(), ctx.now()
        lines, values = [f"Meetings ({tz}):"], {}
        for m in meetings:
            i = m.id
            coming = await self.occurrences(m, tz, now, now + timedelta(days=60))
            owner = (
                "yours" if ctx.actor and m.created_by == ctx.actor.id else "another facilitator's"
            )
            state = "" if m.state == ACTIVE else f" ({m.state})"
            lines.append(f"#{i}{state} {{t{i}}}: {{w{i}}}, {m.length_minutes} min, {owner}")
            values[f"t{i}"] = m.title
            values[f"w{i}"] = schedule_of(m).describe()
            for start in coming[:3]:
                going = await self.store.rsvp_count(m.id, start)
                cap = f" of {m.cap}" if m.cap else ""
                lines.append(f"    {format_local(start, tz)}: {going}{cap} going")
        await ctx.reply("\n".join(lines), **values)

    @command(
        "meeting remove",
        "Delete a meeting and its history",
        private=True,
        level=Permission.FACILITATOR,
    )
    async def remove(self, ctx: Context, meeting: MeetingId) -> None:
        found = await self.find_managed(ctx, meeting)
        if found is None:
            return
        await self.withdraw_listing(ctx, found, f"{found.title} is cancelled")
        rsvps = await self.store.remove(found.id)
        told = await self.tell_rsvps(ctx, found, rsvps, "is cancelled")
        await ctx.reply(f"Meeting #{found.id} is removed.{told_rsvps(ctx, told)}")

    @command(
        "meeting attendance",
        "Record how many came to a meeting (a number; no names), or see the counts",
        private=True,
        level=Permission.FACILITATOR,
    )
    async def attendance(
        self,
        ctx: Context,
        meeting: MeetingId,
        count: AttendanceCount | None = None,
        date: DayArg | None = None,
    ) -> None:
        found = await self.find_managed(ctx, meeting)
        if found is None:
            return
        tz = await ctx.community_timezone()
        if count is None:
            counts = await self.store.attendance(found.id)
            if not counts:
                await ctx.reply(f"No attendance recorded for meeting #{found.id} yet.")
                return
            lines = [f"Attendance of meeting #{found.id} ({tz}):"]
            lines += [f"    {format_local(at, tz)}: {n}" for at, n in counts[:20]]
            await ctx.reply("\n".join(lines))
            return
        start = await self._last_start(found, tz, ctx, date)
        if start is None:
            shown = f" on {date.isoformat()}" if date else " yet"
            await ctx.reply(f"Meeting #{found.id} has not met{shown}, so nothing was recorded.")
            return
        await self.store.record_attendance(found.id, start, count)
        await ctx.reply(
            f"Recorded: {count} came to meeting #{found.id} on {format_local(start, tz)}. "
            "Thank you for facilitating."
        )

    async def _last_start(
        self, meeting: Meeting, tz: str, ctx: Context, day: date | None
    ) -> object | None:
        now = ctx.now()
        if day is not None:
            start = self.occurrence_on(meeting, day, tz)
            return start if start is not None and start <= now else None
        off = await self.store.cancelled(meeting.id)
        schedule, last = schedule_of(meeting), None
        current = now - timedelta(days=40)
        while (following := schedule.next_after(current, tz)) is not None and following <= now:
            if following not in off:
                last = following
            current = following
        return last


def told_rsvps(ctx: Context, told: int) -> str:
    """The line about the members with an RSVP who were told privately; nothing for none."""
    if not told:
        return ""
    return " " + ctx.nt(
        "I told the {count} member with an RSVP privately.",
        "I told the {count} members with an RSVP privately.",
        told,
    )
