"""Members' meeting commands: the coming week in their own time, RSVP and leave."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from bot.context import Context
from bot.i18n import Translator, _
from bot.message import Button
from bot.spec import command
from bot.timeutil import local_date, zone
from cogs.meetings.base import DAY_FORMAT, MOST_RSVPS_PER_MEMBER, MeetingsBase, local_when
from cogs.meetings.inputs import MeetingId, Remind
from storage.meetings import REMINDER_AHEAD, REMINDER_LATE, REMINDER_SENT, Meeting

WEEK = timedelta(days=7)
MOST_BUTTONS = 10
RSVP_AHEAD = timedelta(days=92)  # how far ahead a member may RSVP to a chosen date
MemberDay = Annotated[date, _("Which date, YYYY-MM-DD, in your time (default: the next one)")]


class MemberCommands(MeetingsBase):
    """/meetings, /meeting rsvp, /meeting leave."""

    async def _week(self, ctx: Context) -> list[tuple[datetime, Meeting]]:
        """Every start in the next seven days, soonest first, and any meeting under way now
        (someone late can still join)."""
        tz, now = await ctx.community_timezone(), ctx.now()
        found = []
        for meeting in await self.store.list(
            ctx.community.platform, ctx.community.id, active_only=True
        ):
            length = timedelta(minutes=meeting.length_minutes)
            after = max(now - length, meeting.created_at)
            for start in await self.occurrences(meeting, tz, after, now + WEEK):
                found.append((start, meeting))
        return sorted(found, key=lambda pair: (pair[0], pair[1].id))

    @command("meetings", _("The meetings of the next seven days, in your time"), private=True)
    async def meetings(self, ctx: Context) -> None:
        assert ctx.actor is not None
        mine = {
            (r.meeting_id, r.starts_at) for r in await self.store.member_rsvps(ctx.member_key())
        }
        week = await self._week(ctx)
        tz = await ctx.member_timezone()
        tr = ctx.tr
        if not week:
            await ctx.reply(
                _(
                    "No meetings in the next seven days. {outside} lists groups outside this community."
                ),
                outside=ctx.command_hint("meetings outside"),
            )
            return
        lines = [tr("Meetings in the next seven days, in your time ({tz}):", tz=tz)]
        values: dict[str, object] = {}
        buttons, offered = [], set()
        for n, (start, meeting) in enumerate(week):
            values[f"t{n}"] = meeting.title
            values[f"w{n}"] = await self.where_text(ctx, meeting)
            going = (meeting.id, start) in mine
            when = local_when(start, tz).translated(tr)  # outside the call: see base.py
            line = tr.plural(
                "#{id} {title}: {when}, {count} min, {where}",
                "#{id} {title}: {when}, {count} min, {where}",
                meeting.length_minutes,
                id=meeting.id,
                title=f"{{t{n}}}",
                when=when,
                where=f"{{w{n}}}",
            )
            under_way = start <= ctx.now()
            if under_way:
                end = start + timedelta(minutes=meeting.length_minutes)
                line += tr(
                    " — on now, until {until}", until=tr.datetime(end.astimezone(zone(tz)), "HH:mm")
                )
            if going:
                line += tr(" — you're going")
            if (
                meeting.cap is not None
                and await self.store.rsvp_count(meeting.id, start) >= meeting.cap
            ):
                line += tr(" — full")
            lines.append(line)
            if meeting.description:
                values[f"d{n}"] = meeting.description[:200]
                lines.append(f"    {{d{n}}}")
            if len(buttons) < MOST_BUTTONS and not going and not under_way:
                if meeting.id not in offered:
                    offered.add(meeting.id)
                    label, args = tr("RSVP #{id}", id=meeting.id), {}
                else:  # a meeting that meets again this week: a button for that date too
                    day = local_date(start, tz)
                    label = tr("RSVP #{id}, {day}", id=meeting.id, day=tr.date(day, "EEE d"))
                    args = {"date": day.isoformat()}
                buttons.append(Button(label, "meeting rsvp", {"meeting": str(meeting.id), **args}))
        lines.append(
            tr(
                "RSVP for the next one with {rsvp} <number> (add remind:1h or remind:off); "
                "you'll be reminded privately.",
                rsvp=ctx.command_hint("meeting rsvp"),
            )
        )
        await ctx.reply("\n".join(lines), buttons=buttons, **values)

    @command(
        "meeting rsvp",
        _("Say you're coming to a meeting's next date; get a private reminder"),
        private=True,
    )
    async def rsvp(
        self, ctx: Context, meeting: MeetingId, remind: Remind = 15, date: MemberDay | None = None
    ) -> None:
        found = await self.find(ctx, meeting)
        if found is None:
            return
        if date is None:
            start = await self.next_occurrence(found, await ctx.community_timezone(), ctx.now())
        else:
            start = await self._start_on(ctx, found, date)
            if start is None:
                return
        if start is None:
            await ctx.reply(
                _("Meeting #{id} has no meetings coming, so there's nothing to RSVP to."),
                id=found.id,
            )
            return
        result = await self.store.rsvp(
            ctx.member_key(),
            found.id,
            start,
            remind,
            found.cap,
            MOST_RSVPS_PER_MEMBER,
            ctx.now(),
        )
        outcome = result.outcome
        tz = await ctx.member_timezone()
        when = local_when(start, tz)
        if outcome == "full":
            await ctx.reply(
                _(
                    "{title} on {when} ({tz}) is full, sorry. Another date or group may suit: "
                    "{meetings}."
                ),
                title=found.title,
                when=when,
                tz=tz,
                meetings=ctx.command_hint("meetings"),
            )
            return
        if outcome == "too-many":
            await ctx.reply(
                ctx.nt(
                    "You already have {count} meeting coming up, which is the most I keep at "
                    "once. {leave} frees one.",
                    "You already have {count} meetings coming up, which is the most I keep at "
                    "once. {leave} frees one.",
                    MOST_RSVPS_PER_MEMBER,
                    leave=ctx.command_hint("meeting leave"),
                )
            )
            return
        going = (
            _(
                "You're going to {title} on {when} (your time, {tz}). {reminder} "
                "Changed your mind? {leave} {id}"
            )
            if outcome == "new"
            else _(
                "Updated: you're going to {title} on {when} (your time, {tz}). {reminder} "
                "Changed your mind? {leave} {id}"
            )
        )
        await ctx.reply(
            going,
            title=found.title,
            when=when,
            tz=tz,
            reminder=_what_comes(ctx.tr, result.reminder, result.minutes or remind),
            leave=ctx.command_hint("meeting leave"),
            id=found.id,
        )

    async def _start_on(self, ctx: Context, meeting: Meeting, day: date) -> datetime | None:
        """The meeting's start on ``day`` in the member's own time; None (and the member told
        which dates there are) when it does not meet that day."""
        tz, now = await ctx.member_timezone(), ctx.now()
        if day < local_date(now, tz):
            await ctx.reply(
                _("{day} has already passed (your time). {meetings} shows the coming dates."),
                day=ctx.tr.date(day, DAY_FORMAT),
                meetings=ctx.command_hint("meetings"),
            )
            return None
        coming = await self.occurrences(
            meeting, await ctx.community_timezone(), now, now + RSVP_AHEAD
        )
        for start in coming:
            if local_date(start, tz) == day:
                return start
        dates = ", ".join(local_when(start, tz) for start in coming[:3])
        off = any(local_date(s, tz) == day for s in await self.store.cancelled(meeting.id))
        await ctx.reply(
            _("Meeting #{id} on {day} (your time, {tz}) is cancelled. Its next dates: {dates}.")
            if dates and off
            else _(
                "Meeting #{id} doesn't meet on {day} (your time, {tz}). Its next dates: {dates}."
            )
            if dates
            else _("Meeting #{id} has no meetings coming, so there's nothing to RSVP to."),
            id=meeting.id,
            day=ctx.tr.date(day, DAY_FORMAT),
            tz=tz,
            dates=dates,
        )
        return None

    @command("meeting leave", _("Take back your RSVP to a meeting"), private=True)
    async def leave(self, ctx: Context, meeting: MeetingId, date: MemberDay | None = None) -> None:
        key = ctx.member_key()
        if date is None:
            removed = await self.store.leave(key, meeting)
        else:
            tz = await ctx.member_timezone()
            starts = [
                r.starts_at
                for r in await self.store.member_rsvps(key)
                if r.meeting_id == meeting and local_date(r.starts_at, tz) == date
            ]
            removed = await self.store.leave(key, meeting, starts)
            if not removed:
                await ctx.reply(
                    _("You had no RSVP to meeting #{id} on {day} (your time), so nothing changed."),
                    id=meeting,
                    day=ctx.tr.date(date, DAY_FORMAT),
                )
                return
        if removed:
            await ctx.reply(
                ctx.nt(
                    "Your RSVP to meeting #{id} is removed; no reminders will come. "
                    "You're welcome any time.",
                    "Your {count} RSVPs to meeting #{id} are removed; no reminders will come. "
                    "You're welcome any time.",
                    removed,
                    id=meeting,
                )
            )
        else:
            await ctx.reply(_("You had no RSVP to meeting #{id}, so nothing changed."), id=meeting)


def _what_comes(tr: Translator, reminder: str, remind: int) -> str:
    """The private notices this RSVP will actually bring, in words."""
    if reminder == REMINDER_AHEAD:
        if remind == 60:
            return tr("I'll remind you privately an hour before, and again when it starts.")
        return tr.plural(
            "I'll remind you privately {count} minute before, and again when it starts.",
            "I'll remind you privately {count} minutes before, and again when it starts.",
            remind,
        )
    if reminder == REMINDER_SENT:
        return tr("Your reminder already went out, so next I'll tell you privately when it starts.")
    if reminder == REMINDER_LATE:
        if remind == 60:
            return tr(
                "It starts in less than an hour, so there's no reminder before; I'll tell you "
                "privately when it starts."
            )
        return tr.plural(
            "It starts in less than {count} minute, so there's no reminder before; I'll tell "
            "you privately when it starts.",
            "It starts in less than {count} minutes, so there's no reminder before; I'll tell "
            "you privately when it starts.",
            remind,
        )
    return tr("I'll tell you privately when it starts.")
