"""Red team of issue 23 (meetings) through the console community. Each test fails on main at
c9b0cdc. Copy into a clone's tests/ (it uses tests/test_meetings.py's helpers):
    git clone -q /work/main /tmp/x/peerbot && cp test_redteam23.py /tmp/x/peerbot/tests/
    cd /tmp/x/peerbot && /work/main/.venv/bin/python -m pytest -q tests/test_redteam23.py
"""

from __future__ import annotations

import pytest

from tests.test_meetings import ADD, LINK, lines_of, make


@pytest.fixture
async def c(tmp_path):
    community = await make(tmp_path)
    yield community
    await community.stop()


async def test_turning_a_reminder_on_after_remind_off_brings_the_promised_reminder(c):
    """bob RSVPs with remind:off, then changes his mind with remind:1h days ahead. The bot
    answers 'I'll remind you privately an hour before', but the row stays at its start stage:
    no reminder comes at 18:00, and at 18:30 a third RSVP is told 'Your reminder already went
    out' (it never did)."""
    await c.say(":as fran", ADD, ":as bob", "/meeting rsvp 1 remind:off")
    reply = await c.text("/meeting rsvp 1 remind:1h")
    assert "remind you privately an hour before" in reply  # the promise
    out = await c.say(":clock 2026-11-08T18:00")
    assert any("Reminder: Sunday circle" in x for x in lines_of(out, "(private) bob")), out
    again = await c.text(":clock 2026-11-08T18:30", "/meeting rsvp 1 remind:1h")
    assert "already went out" not in again or any("Reminder:" in x for x in out), again


async def test_asking_for_an_earlier_reminder_too_late_keeps_the_one_already_set(c):
    """bob has a 15-minute reminder (18:45). At 18:30 he asks for 1h instead: that is too late,
    and his 15-minute reminder is silently dropped too, so nothing comes before the start."""
    await c.say(":as fran", ADD, ":as bob", "/meeting rsvp 1 remind:15m")
    await c.say(":clock 2026-11-08T18:30", "/meeting rsvp 1 remind:1h")
    out = await c.say(":clock 2026-11-08T18:46")
    assert any("Reminder: Sunday circle" in x for x in lines_of(out, "(private) bob")), out


async def test_a_meeting_added_during_one_of_its_slots_is_not_listed_for_the_past(c):
    """fran plans 'weekly sun 19:00' at 19:10 on a Sunday. The platform listing is made for
    Sun 08 Nov 19:00, a start before the meeting existed (the room never opens for it). On
    Discord the scheduled event is refused ('Cannot schedule event in the past'), nothing is
    stored, and each later opening tries again with a start that is now: no event, ever."""
    await c.say(":clock 2026-11-08T19:10")
    out = await c.text(":as fran", ADD)
    event = [x for x in out.split("\n") if x.startswith("[event")]
    assert event and "Sun 15 Nov 2026, 19:00" in event[0], out


async def test_a_listing_the_platform_refused_is_tried_again_later(c, monkeypatch):
    """The platform refuses the scheduled event once (down, or a start it calls past): the bot
    tries again later instead of leaving the meeting unlisted until something else changes."""
    listed = c.console.list_event
    calls = []

    async def refuse_once(community_id, listing, existing_id):
        calls.append(listing.start)
        return None if len(calls) == 1 else await listed(community_id, listing, existing_id)

    monkeypatch.setattr(c.console, "list_event", refuse_once)
    out = await c.text(":as fran", ADD)
    assert "[event" not in out, out
    later = await c.text(":clock +2h")
    assert "[event" in later and "Sun 08 Nov 2026, 19:00" in later, later


async def test_a_community_timezone_change_that_keeps_the_time_keeps_rsvps(c):
    """Europe/London -> Europe/Dublin (the same clock): every RSVP is dropped and each member is
    told 'has moved: the next one is on Sun 08 Nov 2026, 19:00' — the very same time — and must
    RSVP again; the reminder they asked for is gone."""
    await c.say(":as fran", ADD, ":as bob", "/meeting rsvp 1")
    out = await c.say(":as alice", "/community timezone Europe/Dublin")
    assert lines_of(out, "(private) bob") == [], out
    later = await c.say(":clock 2026-11-08T18:45")
    assert any("Reminder: Sunday circle" in x for x in lines_of(later, "(private) bob")), later


async def test_members_can_find_a_meeting_that_is_under_way(c):
    """At 19:10 the 60-minute circle is running; a member who wants to join late types
    /meetings and sees only next week's, without the link to the one happening now."""
    await c.say(":as fran", ADD, ":clock 2026-11-08T19:10")
    out = await c.text(":as bob", "/meetings")
    assert "Sun 08 Nov 2026, 19:00" in out, out


async def test_a_meeting_under_way_says_until_when_in_the_members_time(c):
    await c.say(":as fran", ADD, ":clock 2026-11-08T19:10")
    out = await c.text(":as bob", "/timezone set Asia/Tokyo", "/meetings")
    assert f"#1 Sunday circle: Mon 09 Nov 2026, 04:00, 60 min, {LINK} — on now, until 05:00" in out
    assert "Mon 16 Nov 2026, 04:00" in out  # and next week's, to RSVP to


async def test_an_invisible_title_is_refused(c):
    """A title of zero-width spaces is accepted: members see '#1 : …' and the event has no
    visible name."""
    out = await c.text(
        ":as fran",
        f'/meeting add title:"\u200b\u200b" when:"weekly sun 19:00" length:60 where:{LINK}',
    )
    assert "is planned" not in out, out


async def test_an_invisible_description_is_refused_and_a_visible_title_with_one_is_kept(c):
    out = await c.text(
        ":as fran",
        f'/meeting add title:"Circle\u200b" when:"weekly sun 19:00" length:60 where:{LINK} '
        'description:"\u3164 \u2060"',
    )
    assert "is planned" not in out and "can't be empty" in out, out
    out = await c.text(
        f'/meeting add title:"Circle\u200b" when:"weekly sun 19:00" length:60 where:{LINK}'
    )
    assert "Meeting #1 is planned" in out, out


async def test_a_meeting_far_ahead_is_said_or_refused(c):
    """'once 2031-01-10 18:00' (or 'once 9999-12-31 23:59') is planned with 'Next: .' — no
    date, no listing, nothing in /meeting list."""
    out = await c.text(
        ":as fran", f'/meeting add title:Far when:"once 2031-01-10 18:00" length:60 where:{LINK}'
    )
    assert "Next: ." not in out, out


async def test_a_meeting_far_ahead_is_refused_kindly_and_one_within_the_horizon_is_listed(c):
    out = await c.text(
        ":as fran", f'/meeting add title:Far when:"once 2031-01-10 18:00" length:60 where:{LINK}'
    )
    assert "more than a year ahead" in out and "Nothing was changed" in out, out
    out = await c.text(
        f'/meeting add title:Near when:"once 2027-10-10 18:00" length:60 where:{LINK}'
    )
    assert "Next: Sun 10 Oct 2027, 18:00." in out, out
    assert "Sun 10 Oct 2027, 18:00: 0 going" in await c.text("/meeting list")


async def test_removing_a_meeting_with_dates_coming_says_so_in_the_meetings_channel(c):
    """/meeting cancel 1 posts 'won't meet any more'; /meeting remove 1 of the same active
    meeting posts nothing, so members who planned to come without an RSVP are not told."""
    await c.say(":as fran", ADD)
    out = await c.say("/meeting remove 1")
    assert lines_of(out, "#meetings"), out


async def test_remove_says_it_publicly_and_still_tells_rsvped_members_privately(c):
    await c.say(":as fran", ADD, ":as bob", "/meeting rsvp 1")
    out = await c.say(":as fran", "/meeting remove 1")
    assert lines_of(out, "#meetings") == [
        "#meetings: Cancelled: Sunday circle won't meet any more. Take care of each other."
    ], out
    assert any("is cancelled" in x for x in lines_of(out, "(private) bob")), out
    assert any("Meeting #1 is removed. I told the 1 member" in x for x in out), out


async def test_removing_a_finished_meeting_posts_nothing(c):
    await c.say(
        ":as fran",
        f'/meeting add title:Once when:"once 2026-11-03 18:00" length:60 where:{LINK}',
        ":clock 2026-11-04T12:00",
    )
    out = await c.say("/meeting remove 1")
    assert lines_of(out, "#meetings") == [], out


async def test_a_when_typed_without_quotes_is_told_to_put_it_in_quotes(c):
    out = await c.text(
        ":as fran", f"/meeting add title:Circle when:weekly sun 19:00 length:60 where:{LINK}"
    )
    assert "I couldn't place 'sun' after when" in out, out
    assert 'put it in quotes: when:"weekly sun 19:00"' in out, out
    assert "is planned" not in out, out
