"""Facilitators' meeting commands: add, edit, cancel, skip, list, remove and attendance.
Facilitators run their own meetings; moderators run all of them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from bot.context import Context
from bot.i18n import N_, _
from bot.recurrence import Recurrence, ScheduleError, parse_schedule
from bot.spec import OFF, IntType, OrOff, Permission, Range, command
from cogs.meetings.base import DAY_FORMAT, HORIZON, MeetingsBase, local_when, schedule_of
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

DayArg = Annotated[date, _("The meeting's date, YYYY-MM-DD (community timezone)")]
CapOrOff = Annotated[
    object, OrOff(IntType(1, CAP_MAX)), _("Most RSVPs per meeting, or off for no limit")
]
STATES = {"cancelled": N_("cancelled"), "finished": N_("finished")}

AttendanceCount = Annotated[int, Range(0, 10_000), _("How many came (a number; no names)")]

SHORT_NOTICE = timedelta(hours=48)
CANCELLED_POST = N_(
    "Cancelled: {title} won't meet any more. Take care of each other."
)  # "sorry for the short notice" only within this


class FacilitatorCommands(MeetingsBase):
    """/meeting add, edit, cancel, skip, list, remove, attendance."""

    async def _first_start(self, ctx: Context, schedule: Recurrence, tz: str) -> object | None:
        """The first start of a schedule from now, or None after telling the facilitator."""
        try:
            parse_schedule(schedule.spec, now_utc=ctx.now(), tz=tz)
        except ScheduleError as err:
            await ctx.reply(_("{problem} Nothing was changed."), problem=err.translated(ctx.tr))
            return None
        first = schedule.next_after(ctx.now(), tz)
        if first is None:
            await ctx.reply(_("That schedule has no meetings coming, so nothing was changed."))
        elif first > ctx.now() + HORIZON:
            await ctx.reply(
                _(
                    "That is more than a year ahead, further than I plan meetings. Please add "
                    "it nearer the time. Nothing was changed."
                )
            )
            return None
        return first

    async def _where_ok(self, ctx: Context, where: Where | None) -> bool:
        if where is not None and where.channel_id is not None:
            if where.channel_id == await ctx.channel_for("alerts"):
                await ctx.reply(
                    _(
                        "That is the moderators' alerts channel, which stays for alerts only. "
                        "Please choose another place. Nothing was changed."
                    )
                )
                return False
            if not await ctx.members_can_read(where.channel_id):
                await ctx.reply(
                    _(
                        "Only moderators can open that channel, so members can't come to a "
                        "meeting there. Please choose a channel they can open, or a link. Nothing "
                        "was changed."
                    )
                )
                return False
        return True

    @command(
        "meeting add",
        _("Plan a meeting (weekly, monthly or once) in the community's timezone"),
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
        upcoming = await self.occurrences(meeting, tz, ctx.now(), ctx.now() + HORIZON)
        lines = [
            ctx.nt(
                "Meeting #{id} is planned: {title}, {when} ({tz}), {count} minute, in {where}.",
                "Meeting #{id} is planned: {title}, {when} ({tz}), {count} minutes, in {where}.",
                length,
                id=meeting_id,
                title="{title}",
                when="{when}",
                tz="{tz}",
                where="{where}",
            ),
            ctx.t("Next: {next}.", next="{next}"),
        ]
        if await self.post_channel(ctx, meeting) is None:
            lines.append(
                ctx.t(
                    "There's no meetings channel yet, so \"the room is open\" won't be posted: a "
                    "moderator can set one with {channel} purpose:meetings.",
                    channel=ctx.command_hint("community channel"),
                )
            )
        await ctx.reply(
            "\n".join(lines),
            title=title,
            when=when.describe(),
            tz=tz,
            where=await self.where_text(ctx, meeting),
            next="; ".join(local_when(t, tz).translated(ctx.tr) for t in upcoming[:3]),
        )

    @command(
        "meeting edit",
        _("Change a meeting (only what you give changes)"),
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
        if found.state == CANCELLED:
            # Members were told it won't meet any more; an edit must not bring it back unseen.
            await ctx.reply(
                _(
                    "Meeting #{id} is cancelled, and its members were told it won't meet any "
                    "more, so nothing was changed. To hold it again, plan it anew with {add}."
                ),
                id=found.id,
                add=ctx.command_hint("meeting add"),
            )
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
                await self._reloaded(ctx, found), tz, ctx.now(), ctx.now() + HORIZON
            )
            gone = await self.store.drop_rsvps_not_at(found.id, kept)
            moved_to = kept[0] if kept else None
            told = await self.tell_rsvps(ctx, found, gone, "moved", moved_to)
        await self.sync_listing(ctx, found.id, changed=True)
        extra = told_rsvps(ctx, told)
        await ctx.reply(
            ctx.tr.gettext(_("Meeting #{id} is updated: {title}, {when} ({tz}), next {next}."))
            + extra,
            id=found.id,
            title=fields.title,
            when=schedule.describe(),
            tz=tz,
            next=local_when(first, tz),
        )

    async def _reloaded(self, ctx: Context, meeting: Meeting) -> Meeting:
        again = await self.store.get(ctx.community.platform, ctx.community.id, meeting.id)
        return again or meeting

    @command(
        "meeting cancel",
        _("Cancel one date, or the whole meeting; RSVPed members are told privately"),
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
                await ctx.reply(_("Meeting #{id} has no meetings coming already."), id=found.id)
                return
            rsvps = await self.store.end(found.id, CANCELLED)
            await self.withdraw_listing(ctx, found, f"{found.title} is cancelled")
            await self.post(
                ctx,
                found,
                CANCELLED_POST,
                title=found.title,
            )
            told = await self.tell_rsvps(ctx, found, rsvps, "cancelled")
            await ctx.reply(
                ctx.tr.gettext(_("Meeting #{id} ({title}) is cancelled.")) + told_rsvps(ctx, told),
                id=found.id,
                title=found.title,
            )
            return
        await self._call_off(ctx, found, date, tz, "cancelled")

    @command(
        "meeting skip",
        _("Skip one date quietly (RSVPed members are still told)"),
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
        shown = ctx.tr.date(day, DAY_FORMAT)
        start = self.occurrence_on(meeting, day, tz)
        if meeting.state != ACTIVE or start is None or start <= ctx.now():
            await ctx.reply(
                _("Meeting #{id} has no meeting coming on {day} ({tz}), so nothing was changed."),
                id=meeting.id,
                day=shown,
                tz=tz,
            )
            return
        if start in await self.store.cancelled(meeting.id):
            await ctx.reply(_("Meeting #{id} on {day} is already off."), id=meeting.id, day=shown)
            return
        rsvps = await self.store.cancel_occurrence(meeting.id, start, kind)
        if kind == "cancelled":
            soon = start - ctx.now() <= SHORT_NOTICE
            await self.post(
                ctx,
                meeting,
                _(
                    "Cancelled: {title} on {when} ({tz}) won't take place. Sorry for the short "
                    "notice."
                )
                if soon
                else _("Cancelled: {title} on {when} ({tz}) won't take place."),
                title=meeting.title,
                when=local_when(start, tz),
                tz=tz,
            )
        told = await self.tell_rsvps(ctx, meeting, rsvps, kind)
        await self.sync_listing(ctx, meeting.id)
        done = (
            _("Meeting #{id} on {day} is cancelled.")
            if kind == "cancelled"
            else _("Meeting #{id} on {day} is skipped.")
        )
        await ctx.reply(ctx.tr.gettext(done) + told_rsvps(ctx, told), id=meeting.id, day=shown)

    @command(
        "meeting list",
        _("Every meeting, with its next dates"),
        private=True,
        level=Permission.FACILITATOR,
    )
    async def list_meetings(self, ctx: Context) -> None:
        meetings = await self.store.list(
            ctx.community.platform, ctx.community.id, active_only=False
        )
        if not meetings:
            await ctx.reply(
                _("No meetings yet. Plan one with {add}."), add=ctx.command_hint("meeting add")
            )
            return
        tz, now, tr = await ctx.community_timezone(), ctx.now(), ctx.tr
        lines, values = [tr("Meetings ({tz}):", tz=tz)], {}
        for m in meetings:
            i = m.id
            coming = await self.occurrences(m, tz, now, now + HORIZON)
            mine = ctx.actor is not None and m.created_by == ctx.actor.id
            state = "" if m.state == ACTIVE else f" ({tr.gettext(STATES.get(m.state, m.state))})"
            slots = {"title": f"{{t{i}}}", "when": f"{{w{i}}}"}
            if mine:
                line = tr.plural(
                    "{title}: {when}, {count} min, yours",
                    "{title}: {when}, {count} min, yours",
                    m.length_minutes,
                    **slots,
                )
            else:
                line = tr.plural(
                    "{title}: {when}, {count} min, another facilitator's",
                    "{title}: {when}, {count} min, another facilitator's",
                    m.length_minutes,
                    **slots,
                )
            lines.append(f"#{i}{state} {line}")
            values[f"t{i}"] = m.title
            values[f"w{i}"] = schedule_of(m).describe()
            for start in coming[:3]:
                going = await self.store.rsvp_count(m.id, start)
                when = local_when(start, tz).translated(tr)
                if m.cap:
                    count = tr.plural(
                        "{count} of {cap} going", "{count} of {cap} going", going, cap=m.cap
                    )
                else:
                    count = tr.plural("{count} going", "{count} going", going)
                lines.append(f"    {when}: {count}")
        await ctx.reply("\n".join(lines), **values)

    @command(
        "meeting remove",
        _("Delete a meeting and its history"),
        private=True,
        level=Permission.FACILITATOR,
    )
    async def remove(self, ctx: Context, meeting: MeetingId) -> None:
        found = await self.find_managed(ctx, meeting)
        if found is None:
            return
        coming = await self.next_occurrence(found, await ctx.community_timezone(), ctx.now())
        await self.withdraw_listing(ctx, found, f"{found.title} is cancelled")
        rsvps = await self.store.remove(found.id)
        if coming is not None:  # members who come without an RSVP hear it too, as on cancel
            await self.post(ctx, found, CANCELLED_POST, title=found.title)
        told = await self.tell_rsvps(ctx, found, rsvps, "cancelled")
        await ctx.reply(
            ctx.tr.gettext(_("Meeting #{id} is removed.")) + told_rsvps(ctx, told), id=found.id
        )

    @command(
        "meeting attendance",
        _("Record how many came to a meeting (a number; no names), or see the counts"),
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
                await ctx.reply(_("No attendance recorded for meeting #{id} yet."), id=found.id)
                return
            tr = ctx.tr
            lines = [tr("Attendance of meeting #{id} ({tz}):", id=found.id, tz=tz)]
            lines += [
                f"    {local_when(at, tz).translated(tr)}: {tr.number(n)}" for at, n in counts[:20]
            ]
            await ctx.reply("\n".join(lines))
            return
        start = await self._last_start(found, tz, ctx, date)
        if start is None:
            if date is not None:
                await ctx.reply(
                    _("Meeting #{id} has not met on {day}, so nothing was recorded."),
                    id=found.id,
                    day=ctx.tr.date(date, DAY_FORMAT),
                )
            else:
                await ctx.reply(
                    _("Meeting #{id} has not met yet, so nothing was recorded."), id=found.id
                )
            return
        await self.store.record_attendance(found.id, start, count)
        when = local_when(start, tz).translated(ctx.tr)  # outside the call: see base.py
        await ctx.reply(
            ctx.nt(
                "Recorded: {count} came to meeting #{id} on {when}. Thank you for facilitating.",
                "Recorded: {count} came to meeting #{id} on {when}. Thank you for facilitating.",
                count,
                id=found.id,
                when=when,
            )
        )

    async def _last_start(
        self, meeting: Meeting, tz: str, ctx: Context, day: date | None
    ) -> object | None:
        """The start attendance is for: the one on ``day``, else the latest; never a date it
        did not meet (before it was planned, in the future, or cancelled or skipped)."""
        now = ctx.now()
        off = await self.store.cancelled(meeting.id)
        if day is not None:
            start = self.occurrence_on(meeting, day, tz)
            met = start is not None and meeting.created_at <= start <= now and start not in off
            return start if met else None
        schedule, last = schedule_of(meeting), None
        current = max(now - timedelta(days=40), meeting.created_at)
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
