"""/meeting and /meetings through the console: plan, RSVP, reminders in the member's zone, "the
room is open", cancellations with private notices, DST, restarts, permissions and bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.recurrence import parse_schedule
from tests.harness import ConsoleCommunity

START = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)  # a Monday; London is on GMT (UTC+0)
SPRING = datetime(2026, 3, 23, 12, 0, tzinfo=UTC)  # London springs forward Sun 29 March, 01:00 UTC
AUTUMN = datetime(2026, 10, 19, 12, 0, tzinfo=UTC)  # and falls back Sun 25 October, 01:00 UTC
LINK = "https://meet.example.org/circle"
ADD = f'/meeting add title:"Sunday circle" when:"weekly sun 19:00" length:60 where:{LINK}'
LIMITS = {"limits": {"commands_per_minute": 1000}}


async def make(tmp_path: Path, start: datetime = START) -> ConsoleCommunity:
    """London community with a meetings channel; alice moderates, fran and gil facilitate."""
    c = await ConsoleCommunity.create(tmp_path, start=start, config=LIMITS)
    await c.say(
        ":role alice moderator",
        ":role fran facilitator",
        ":role gil facilitator",
        "/community timezone Europe/London",
        "/community channel purpose:meetings channel:#meetings",
        "/community channel purpose:alerts channel:#alerts",
    )
    return c


@pytest.fixture
async def c(tmp_path):
    community = await make(tmp_path)
    yield community
    await community.stop()


def lines_of(out: list[str], prefix: str) -> list[str]:
    return [line for line in out if line.startswith(prefix)]


def test_first_monday_is_a_monthly_schedule():
    schedule = parse_schedule("first mon 20:00")
    assert schedule.spec == "monthly first mon 20:00"
    days = [t.date().isoformat() for t in schedule.upcoming(START, "Europe/London", 3)]
    assert days == ["2026-11-02", "2026-12-07", "2027-01-04"]


async def test_add_rsvp_reminder_in_member_zone_room_open_and_starting(c):
    out = await c.text(":as fran", ADD)
    assert "Meeting #1 is planned: Sunday circle, every Sun at 19:00 (Europe/London)" in out
    assert "Next: Sun 08 Nov 2026, 19:00; Sun 15 Nov 2026, 19:00" in out
    out = await c.text(":as bob", "/timezone set Asia/Tokyo", "/meetings")
    assert "Meetings in the next seven days, in your time (Asia/Tokyo):" in out
    assert "#1 Sunday circle: Mon 09 Nov 2026, 04:00, 60 min" in out
    assert "!meeting rsvp meeting:1" in out  # the RSVP button, as text on the console
    out = await c.text("!meeting rsvp 1 remind:1h")
    assert "You're going to Sunday circle on Mon 09 Nov 2026, 04:00 (your time, Asia/Tokyo)" in out

    early = await c.say(":clock 2026-11-08T17:59")
    assert lines_of(early, "(private) bob") == []
    reminder = await c.say(":clock 2026-11-08T18:00")
    assert lines_of(reminder, "(private) bob") == [
        "(private) bob: Reminder: Sunday circle starts in an hour, at Mon 09 Nov 2026, 04:00 "
        f"your time (Asia/Tokyo). Join: {LINK}"
    ]
    start = await c.say(":clock 2026-11-08T19:00")
    assert lines_of(start, "#meetings") == [
        "#meetings: The room is open: Sunday circle starts now (60 minutes). "
        f"Join: {LINK}. Everyone is welcome, come as you are."
    ]
    assert any("is starting now (Mon 09 Nov 2026, 04:00 your time" in x for x in start)
    later = await c.say(":clock +8d")
    assert len(lines_of(later, "#meetings")) == 1  # the next Sunday's opening, nobody reminded
    assert lines_of(later, "(private) bob") == []


async def test_restart_neither_repeats_nor_loses_a_reminder_or_an_opening(c):
    await c.say(":as fran", ADD, ":as bob", "/meeting rsvp 1 remind:15m")
    first = await c.say(":clock 2026-11-08T18:45")
    await c.restart()
    again = await c.say(":clock 2026-11-08T18:50")
    await c.restart()
    start = await c.say(":clock 2026-11-08T19:30")
    reminders = [x for x in first + again + start if "Reminder: Sunday circle" in x]
    assert len(reminders) == 1
    assert len(lines_of(start, "#meetings")) == 1
    assert len([x for x in start if "is starting now" in x]) == 1


async def test_an_opening_missed_while_down_is_skipped_not_posted_late(c):
    await c.say(":as fran", ADD)
    await c.stop()
    c.clock.set(datetime(2026, 11, 8, 21, 0, tzinfo=UTC))
    await c.start()
    out = await c.say(":clock 2026-11-15T19:00")
    assert len(lines_of(out, "#meetings")) == 1  # only the 15th; the 8th was hours late


async def test_cancel_a_date_posts_at_once_and_tells_rsvps_privately_in_their_zone(c):
    await c.say(":as fran", ADD, ":as bob", "/timezone set America/New_York", "/meeting rsvp 1")
    out = await c.say(":as fran", "/meeting cancel 1 date:2026-11-08")
    assert lines_of(out, "#meetings") == [
        "#meetings: Cancelled: Sunday circle on Sun 08 Nov 2026, 19:00 (Europe/London) won't take "
        "place."  # six days ahead: no "sorry for the short notice"
    ]
    assert lines_of(out, "(private) bob") == [
        "(private) bob: Meeting update: Sunday circle on Sun 08 Nov 2026, 14:00 "
        "(America/New_York, your time) is cancelled. Your RSVP for it is removed; take care."
    ]
    assert "[event console-event-" in "\n".join(out) and "Sun 15 Nov 2026" in "\n".join(out)
    quiet = await c.say(":clock 2026-11-08T20:00")
    assert lines_of(quiet, "#meetings") == [] and lines_of(quiet, "(private) bob") == []
    out = await c.text(":as bob", "/meetings")
    assert "Sun 08 Nov" not in out and "Sun 15 Nov 2026, 14:00" in out


async def test_cancel_the_whole_meeting_and_skip_and_remove(c):
    await c.say(":as fran", ADD, ":as bob", "/meeting rsvp 1")
    out = await c.text(":as fran", "/meeting skip 1 date:2026-11-08")
    assert (
        "is skipped. I told the 1 member with an RSVP privately." in out and "#meetings" not in out
    )
    await c.say(":as bob", "/meeting rsvp 1")
    out = await c.say(":as fran", "/meeting cancel 1")
    assert any("withdrawn" in x for x in out)
    assert lines_of(out, "#meetings") == [
        "#meetings: Cancelled: Sunday circle won't meet any more. Take care of each other."
    ]
    assert len(lines_of(out, "(private) bob")) == 1
    assert lines_of(await c.say(":clock +30d"), "#meetings") == []
    out = await c.text(":as fran", "/meeting remove 1", "/meeting list")
    assert "Meeting #1 is removed" in out and "No meetings yet" in out


async def test_spring_gap_opens_once_at_the_end_of_the_gap(tmp_path):
    c = await make(tmp_path, SPRING)
    try:
        await c.say(
            ":as fran",
            f'/meeting add title:Night when:"weekly sun 01:30" length:30 where:{LINK}',
            ":as bob",
            "/meeting rsvp 1 remind:off",
        )
        out = await c.say(":clock 2026-03-29T00:59")
        assert lines_of(out, "#meetings") == []
        out = await c.say(":clock 2026-03-29T01:00")  # 01:30 does not exist: 02:00 BST
        assert len(lines_of(out, "#meetings")) == 1
        assert any("is starting now (Sun 29 Mar 2026, 02:00" in x for x in out)
        assert lines_of(await c.say(":clock 2026-04-04T12:00"), "#meetings") == []
    finally:
        await c.stop()


async def test_autumn_overlap_opens_once_at_the_first_0130(tmp_path):
    c = await make(tmp_path, AUTUMN)
    try:
        await c.say(
            ":as fran", f'/meeting add title:Night when:"weekly sun 01:30" length:30 where:{LINK}'
        )
        out = await c.say(":clock 2026-10-25T00:30")  # 01:30 BST, the first of the two
        assert len(lines_of(out, "#meetings")) == 1
        assert lines_of(await c.say(":clock 2026-10-31T12:00"), "#meetings") == []
    finally:
        await c.stop()


async def test_facilitators_run_their_own_meetings_and_moderators_all(c):
    await c.say(":as fran", ADD)
    for line in (
        "/meeting edit 1 title:Mine",
        "/meeting cancel 1",
        "/meeting remove 1",
        "/meeting skip 1 date:2026-11-08",
        "/meeting attendance 1 count:3",
    ):
        out = await c.text(":as gil", line)
        assert "run by another facilitator" in out and "Nothing was changed" in out, line
        out = await c.text(":as bob", line)
        assert "#meetings" not in out and "is updated" not in out, line
    out = await c.text(":as bob", ADD)
    assert "Meeting #" not in out
    out = await c.text(":as alice", "/meeting edit 1 length:90")
    assert "Meeting #1 is updated" in out


async def test_rsvps_are_capped_limited_per_member_and_nobody_sees_names(c):
    await c.say(":as fran", ADD + " cap:1")
    assert "You're going" in await c.text(":as bob", "/meeting rsvp 1")
    assert "is full, sorry" in await c.text(":as carol", "/meeting rsvp 1")
    out = await c.text(":as fran", "/meeting list")
    assert "1 of 1 going" in out and "bob" not in out
    assert "bob" not in await c.text(":as carol", "/meetings")
    for n in range(2, 13):
        await c.say(":as fran", ADD.replace("Sunday circle", f"Circle {n}"))
    answers = [await c.text(":as dan", f"/meeting rsvp {n}") for n in range(2, 13)]
    assert sum("You're going" in a for a in answers) == 10
    assert "You already have 10 meetings coming up" in answers[-1]
    again = await c.text(":as dan", "/meeting rsvp 2", "/meeting rsvp 2")
    assert again.count("Updated: you're going") == 2
    assert "Your RSVP to meeting #2 is removed" in await c.text(":as dan", "/meeting leave 2")


async def test_attendance_is_a_number_linked_to_nobody(c):
    await c.say(":as fran", ADD, ":as bob", "/meeting rsvp 1", ":clock 2026-11-08T20:30")
    out = await c.text(":as fran", "/meeting attendance 1 count:7", "/meeting attendance 1")
    assert "Recorded: 7 came to meeting #1 on Sun 08 Nov 2026, 19:00" in out
    rows = await c.bot.db.fetchall("SELECT * FROM meeting_attendance")
    assert [tuple(r) for r in rows] == [(1, "2026-11-08T19:00:00+00:00", 7)]


async def test_rsvps_are_in_export_and_gone_after_delete(c):
    await c.say(":as fran", ADD, ":as bob", "/meeting rsvp 1")
    data = await c.export()
    assert data["meeting_rsvps"][0]["meeting_id"] == 1
    await c.say("/mydata delete confirm:yes")
    assert (await c.bot.db.fetchone("SELECT COUNT(*) FROM meeting_rsvps"))[0] == 0


async def test_meeting_finder_lists_outside_meetings_in_the_members_time(c):
    out = await c.text(
        ":as alice",
        '/meeting outside add name:"SMART online" organisation:"SMART Recovery" '
        'when:"weekly tue 18:00" zone:America/New_York language:English '
        "link:https://smart.example.org/m",
        '/meeting outside add name:"Grupo" organisation:AA when:"weekly wed 20:00" '
        "zone:Europe/Madrid language:Spanish link:https://aa.example.org/g",
        ":as bob",
        "/timezone set Europe/London",
        "/meetings outside language:english",
    )
    assert "Added to the meeting finder as #1" in out
    assert "in your time (Europe/London)" in out
    assert "Tue 03 Nov 2026, 23:00: SMART online (SMART Recovery, English)" in out
    assert "Grupo" not in out.split("in your time")[1]
    out = await c.text(
        ":as fran",
        '/meeting outside add name:x organisation:y when:"weekly tue '
        '18:00" zone:UTC language:en link:https://x.example',
    )
    assert "Added" not in out


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ('when:"once 2027-02-30 18:00"', "not a"),
        ('when:"once 2020-01-10 18:00"', "already passed"),
        ('when:"weekly funday 19:00"', "not a day of the week"),
        ('when:"daily 19:00"', "weekly, monthly or once"),
        ('when:"weekly sun 25:00"', "not a time of day"),
        ("cap:0", "cap"),
        ("cap:-5", "cap"),
        ("cap:99999999999999999999", "cap"),
        ("length:0", "length"),
        ("length:100000", "length"),
        ("where:#nowhere", "can't find that channel"),
        ("where:javascript:alert(1)", "can't find that channel"),
    ],
)
async def test_bad_input_is_refused_kindly_and_nothing_is_planned(c, typed, expected):
    base = {"title": "Circle", "when": '"weekly sun 19:00"', "length": "60", "where": LINK}
    key = typed.split(":", 1)[0]
    base[key] = typed.split(":", 1)[1]
    line = "/meeting add " + " ".join(f"{k}:{v}" for k, v in base.items())
    out = await c.text(":as fran", line)
    assert expected.lower() in out.lower(), out
    assert "Traceback" not in out
    assert (await c.bot.db.fetchone("SELECT COUNT(*) FROM meetings"))[0] == 0


async def test_hostile_text_is_stored_verbatim_shown_escaped_and_pings_nobody(c):
    title = "@everyone **bold** '); DROP TABLE meetings;--"
    out = await c.text(
        ":as fran", f'/meeting add title:"{title}" when:"weekly sun 19:00" length:60 where:{LINK}'
    )
    assert "Meeting #1 is planned" in out
    start = await c.say(":clock 2026-11-08T19:00")
    assert len(lines_of(start, "#meetings")) == 1
    listing = [x for x in out.splitlines() if x.startswith("[event")]
    assert listing and "@everyone" not in listing[0]  # the listing breaks mass mentions
    (stored,) = await c.bot.db.fetchone("SELECT title FROM meetings")
    assert stored == title
    long = await c.text(
        f'/meeting add title:"{"x" * 10_000}" when:"weekly sun 19:00" length:60 where:{LINK}'
    )
    assert "10,000 characters; the limit is 100" in long


async def test_unknown_zone_in_the_finder_is_refused(c):
    out = await c.text(
        ":as alice",
        '/meeting outside add name:x organisation:y when:"weekly tue '
        '18:00" zone:Mars/Olympus language:en link:https://x.example',
    )
    assert "Added" not in out and "Mars/Olympus" in out


async def test_editing_a_meeting_updates_its_listing_even_when_the_start_stays(c):
    """Found on the loopback Discord API: an edit of the length left the event's end as it was."""
    await c.say(":as fran", ADD)
    out = await c.say("/meeting edit 1 length:90 title:Renamed")
    listing = [x for x in out if x.startswith("[event console-event-")]
    assert listing and "Renamed" in listing[0] and "90 minutes" in listing[0]


async def test_rsvp_again_after_the_reminder_does_not_remind_twice(c):
    """Red team: re-confirming an RSVP once the reminder went out re-armed a second reminder."""
    await c.say(":as fran", ADD, ":as bob", "/meeting rsvp 1 remind:1h")
    out = await c.say(":clock 2026-11-08T18:10", "/meeting rsvp 1", ":clock 2026-11-08T19:00")
    assert len([x for x in out if "Reminder: Sunday circle" in x]) == 1
    assert len([x for x in out if "is starting now" in x]) == 1


async def test_rsvp_reply_says_what_will_actually_come(c):
    """Confirming again after the reminder went out said "I'll remind you before" (test first)."""
    await c.say(":as fran", ADD, ":as bob", "/meeting rsvp 1 remind:1h")
    out = await c.text(":clock 2026-11-08T18:10", "/meeting rsvp 1 remind:1h")
    assert "Updated: you're going" in out
    assert "remind you privately an hour before" not in out
    assert "Your reminder already went out, so next I'll tell you privately when it starts" in out
    # too close to the start for the reminder asked for
    out = await c.text(":as cat", "/meeting rsvp 1 remind:1h")
    assert "remind you privately an hour before" not in out
    assert "It starts in less than an hour, so there's no reminder before" in out
    out = await c.text(":as dan", "/meeting rsvp 1 remind:off")
    assert "I'll tell you privately when it starts." in out
    out = await c.say(":clock 2026-11-08T19:00")
    assert len([x for x in out if "Reminder: Sunday circle" in x]) == 0
    starting = [x for x in out if "is starting now" in x]
    assert sorted(x.split(":")[0] for x in starting) == [
        "(private) bob",
        "(private) cat",
        "(private) dan",
    ]


async def test_the_listing_stays_on_a_meeting_until_it_ends_then_moves_on(c):
    """The listing moved to next week as soon as the room opened (test first)."""
    await c.say(":as fran", ADD)
    opening = await c.say(":clock 2026-11-08T19:00", ":clock 2026-11-08T19:59")
    assert lines_of(opening, "#meetings") and lines_of(opening, "[event") == []
    ended = await c.say(":clock 2026-11-08T20:00")
    (moved,) = lines_of(ended, "[event console-event-")
    assert "Sun 15 Nov 2026, 19:00" in moved
    await c.restart()
    again = await c.say(":clock 2026-11-08T21:00")
    assert lines_of(again, "[event") == []


async def test_rsvp_to_a_chosen_date_in_the_members_own_time(c):
    """A member can RSVP to a later date than the next one (a twice-weekly meeting, or a week
    they know they're free); the date is theirs, in their zone; wrong dates are explained."""
    await c.say(":as fran", ADD, ":as bob", "/timezone set Asia/Tokyo")
    # London's Sunday 19:00 is Monday 04:00 in Tokyo: the member names their own Monday
    out = await c.text("/meeting rsvp 1 date:2026-11-16")
    assert "You're going to Sunday circle on Mon 16 Nov 2026, 04:00 (your time, Asia/Tokyo)" in out
    out = await c.text("/meeting rsvp 1 date:2026-11-15")  # London's Sunday, not bob's
    assert "Meeting #1 doesn't meet on Sun 15 Nov 2026 (your time, Asia/Tokyo)" in out
    assert "Mon 09 Nov 2026, 04:00" in out  # the dates it does meet on, in bob's time
    for bad, said in (
        ("2026-11-01", "has already passed"),
        ("2026-02-30", "2026-02-30"),
        ("tomorrow", "tomorrow"),
        ("2027-06-07", "doesn't meet on"),  # too far ahead to plan for
        ("'; DROP TABLE meeting_rsvps; --", "DROP"),
    ):
        out = await c.text(f'/meeting rsvp 1 date:"{bad}"')
        assert said in out and "You're going" not in out, (bad, out)
    rows = await c.rows("SELECT starts_at FROM meeting_rsvps WHERE user_id = ?", ("bob",))
    assert [str(r[0])[:16] for r in rows] == ["2026-11-15T19:00"]  # 19:00 London = UTC
    # the week before is not taken: the reminder comes for the 16th (Tokyo) only
    quiet = await c.say(":clock 2026-11-08T19:00")
    assert lines_of(quiet, "(private) bob") == []
    start = await c.say(":clock 2026-11-15T19:00")
    assert any("is starting now (Mon 16 Nov 2026, 04:00 your time" in x for x in start)


async def test_a_twice_weekly_meeting_offers_a_button_for_each_date_of_the_week(c):
    await c.say(
        ":as fran",
        f'/meeting add title:Circle when:"weekly mon,thu 19:00" length:60 where:{LINK}',
        ":as bob",
    )
    out = await c.text("/meetings")
    assert "#1 Circle: Mon 02 Nov 2026, 19:00" in out and "#1 Circle: Thu 05 Nov 2026" in out
    assert "RSVP #1: type !meeting rsvp meeting:1\n" in out  # the next one (today, Monday)
    assert "RSVP #1, Thu 5: type !meeting rsvp meeting:1 date:2026-11-05" in out  # and Thursday
    out = await c.text("!meeting rsvp meeting:1 date:2026-11-05")
    assert "You're going to Circle on Thu 05 Nov 2026, 19:00" in out
    out = await c.text("/meetings")
    assert "#1 Circle: Thu 05 Nov 2026, 19:00, 60 min, https" in out and "you're going" in out
    assert "date:2026-11-05" not in out  # no button for a date already taken


async def test_leave_one_date_or_all_and_a_cancelled_date_is_called_cancelled(c):
    """New-user findings: /meeting leave took back every RSVP and had no date; a cancelled date
    was 'a date it doesn't meet on'; 'sorry for the short notice' for a date weeks away; a
    member with two RSVPs got two 'has moved' messages."""
    await c.say(":as fran", ADD, ":as bob")
    await c.say(
        "/meeting rsvp 1", "/meeting rsvp 1 date:2026-11-15", "/meeting rsvp 1 date:2026-11-22"
    )
    out = await c.text("/meeting leave 1 date:2026-11-15")
    assert "Your RSVP to meeting #1 is removed" in out
    out = await c.text("/meeting leave 1 date:2026-11-15")
    assert "You had no RSVP to meeting #1 on Sun 15 Nov 2026 (your time)" in out
    for bad in ("2026-13-01", "soon", "@everyone"):
        out = await c.text(f'/meeting leave 1 date:"{bad}"')
        assert "is removed" not in out, out
    rows = await c.rows("SELECT starts_at FROM meeting_rsvps WHERE user_id = ?", ("bob",))
    assert sorted(str(r[0])[:10] for r in rows) == ["2026-11-08", "2026-11-22"]
    out = await c.text(":as fran", "/meeting cancel 1 date:2026-11-29")  # four weeks away
    assert "won't take place." in posted_line(out) and "short notice" not in posted_line(out)
    out = await c.text(":as bob", "/meeting rsvp 1 date:2026-11-29")
    assert "Meeting #1 on Sun 29 Nov 2026 (your time, Europe/London) is cancelled" in out
    out = await c.say(":as fran", '/meeting edit 1 when:"weekly sat 18:00"')
    assert len(lines_of(out, "(private) bob")) == 1  # one notice, not one per RSVP
    out = await c.text(":as bob", "/meeting leave 1")
    assert "You had no RSVP to meeting #1" in out  # the move took them back, as it said


def posted_line(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("#meetings:"))
