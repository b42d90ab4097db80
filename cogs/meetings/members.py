"""Members' meeting commands: the coming week in their own time, RSVP and leave."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.context import Context
from bot.message import Button
from bot.spec import command
from bot.timeutil import format_local
from cogs.meetings.base import MOST_RSVPS_PER_MEMBER, MeetingsBase
from cogs.meetings.inputs import MeetingId, Remind
from storage.meetings import REMINDER_AHEAD, REMINDER_LATE, REMINDER_SENT, Meeting

WEEK = timedelta(days=7)
MOST_BUTTONS = 10


class MemberCommands(MeetingsBase):
    """/meetings, /meeting rsvp, /meeting leave."""

    async def _week(self, ctx: Context) -> list[tuple[datetime, Meeting]]:
        """Every start in the next seven days, soonest first."""
        tz, now = await ctx.community_timezone(), ctx.now()
        found = []
        for meeting in await self.store.list(
            ctx.community.platform, ctx.community.id, active_only=True
        ):
            for start in await self.occurrences(meeting, tz, now, now + WEEK):
                found.append((start, meeting))
        return sorted(found, key=lambda pair: (pair[0], pair[1].id))

    @command("meetings", "The meetings of the next seven days, in your time", private=True)
    async def meetings(self, ctx: Context) -> None:
        assert ctx.actor is not None
        mine = {
            (r.meeting_id, r.starts_at) for r in await self.store.member_rsvps(ctx.member_key())
        }
        week = await self._week(ctx)
        tz = await ctx.member_timezone()
        if not week:
            await ctx.reply(
                "No meetings in the next seven days. "
                f"{ctx.command_hint('meetings outside')} lists groups outside this community."
            )
            return
        lines = [f"Meetings in the next seven days, in your time ({tz}):"]
        values: dict[str, str] = {}
        buttons, offered = [], set()
        for n, (start, meeting) in enumerate(week):
            values[f"t{n}"] = meeting.title
            values[f"w{n}"] = await self.where_text(ctx, meeting)
            going = " — you're going" if (meeting.id, start) in mine else ""
            full = ""
            if (
                meeting.cap is not None
                and await self.store.rsvp_count(meeting.id, start) >= meeting.cap
            ):
                full = " — full"
            lines.append(
                f"#{meeting.id} {{t{n}}}: {format_local(start, tz)}, "
                f"{meeting.length_minutes} min, {{w{n}}}{going}{full}"
            )
            if meeting.description:
                values[f"d{n}"] = meeting.description[:200]
                lines.append(f"    {{d{n}}}")
            if meeting.id not in offered and len(buttons) < MOST_BUTTONS and not going:
                offered.add(meeting.id)
                buttons.append(
                    Button(f"RSVP #{meeting.id}", "meeting rsvp", {"meeting": str(meeting.id)})
                )
        lines.append(
            f"RSVP for the next one with {ctx.command_hint('meeting rsvp')} <number> "
            "(add remind:1h or remind:off); you'll be reminded privately."
        )
        await ctx.reply("\n".join(lines), buttons=buttons, **values)

    @command(
        "meeting rsvp",
        "Say you're coming to a meeting's next date; get a private reminder",
        private=True,
    )
    async def rsvp(self, ctx: Context, meeting: MeetingId, remind: Remind = 15) -> None:
        found = await self.find(ctx, meeting)
        if found is None:
            return
        start = await self.next_occurrence(found, await ctx.community_timezone(), ctx.now())
        if start is None:
            await ctx.reply(
                f"Meeting #{found.id} has no meetings coming, so there's nothing to RSVP to."
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
        when = format_local(start, tz)
        if outcome == "full":
            await ctx.reply(
                "{title} on {when} ({tz}) is full, sorry. Another date or group may suit: "
                f"{ctx.command_hint('meetings')}.",
                title=found.title,
                when=when,
                tz=tz,
            )
            return
        if outcome == "too-many":
            await ctx.reply(
                f"You already have {MOST_RSVPS_PER_MEMBER} meetings coming up, which is the most "
                f"I keep at once. {ctx.command_hint('meeting leave')} frees one."
            )
            return
        reminder = _what_comes(result.reminder, remind)
        first = "You're going" if outcome == "new" else "Updated: you're going"
        await ctx.reply(
            first
            + " to {title} on {when} (your time, {tz}). "
            + reminder
            + f" Changed your mind? {ctx.command_hint('meeting leave')} {found.id}",
            title=found.title,
            when=when,
            tz=tz,
        )

    @command("meeting leave", "Take back your RSVP to a meeting", private=True)
    async def leave(self, ctx: Context, meeting: MeetingId) -> None:
        removed = await self.store.leave(ctx.member_key(), meeting)
        if removed:
            await ctx.reply(
                f"Your RSVP to meeting #{meeting} is removed; no reminders will come. "
                "You're welcome any time."
            )
        else:
            await ctx.reply(f"You had no RSVP to meeting #{meeting}, so nothing changed.")


def _what_comes(reminder: str, remind: int) -> str:
    """The private notices this RSVP will actually bring, in words."""
    ahead = "an hour" if remind == 60 else f"{remind} minutes"
    if reminder == REMINDER_AHEAD:
        return f"I'll remind you privately {ahead} before, and again when it starts."
    if reminder == REMINDER_SENT:
        return "Your reminder already went out, so next I'll tell you privately when it starts."
    if reminder == REMINDER_LATE:
        return (
            f"It starts in less than {ahead}, so there's no reminder before; "
            "I'll tell you privately when it starts."
        )
    return "I'll tell you privately when it starts."
