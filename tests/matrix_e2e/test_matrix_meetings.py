"""Meetings on a real Synapse (issue 23): the next meeting is a pinned notice in the meetings
room, replaced when the meeting is edited and unpinned when it is cancelled; a member RSVPs
with ``!meeting rsvp N`` and gets the reminder and "it's starting" privately in their own zone;
"the room is open" is posted in the room; a cancellation tells the member privately.

The bot's clock is set in the (real) past so the reminder falls due about a minute after it
starts; the bot is then restarted with its clock just before the start."""

from __future__ import annotations

import asyncio
import math
import re
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from nio import AsyncClient, RoomGetEventResponse, RoomGetStateEventResponse

from bot.timeutil import format_local
from tests.matrix_harness.nio_helpers import close_all, send_text, wait_for_event

from .world import World, build_world, direct_room, seen_ids, set_power, wait_for_notice

pytestmark = [pytest.mark.matrix, pytest.mark.asyncio(loop_scope="module")]

PINNED = "m.room.pinned_events"
LINK = "https://meet.example.org/circle"
_minute = math.ceil((datetime.now(UTC) - timedelta(days=1, minutes=-17)).timestamp() / 60) * 60
START = datetime.fromtimestamp(_minute, UTC)  # a day ago, on the minute
CLOCK = START - timedelta(minutes=15, seconds=75)  # the reminder falls due 75 s after start-up


def clock_line(at: datetime) -> str:
    return f'clock_start = "{at.isoformat()}"'


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(synapse, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("matrix-meetings")
    w = await build_world(synapse, tmp, extra_bot=clock_line(CLOCK))
    try:
        yield w
    finally:
        await asyncio.to_thread(w.bot.stop)
        await close_all(w.mod, w.member)


async def says(w: World, client: AsyncClient, text: str, accepts) -> str:
    """Someone types a command in #general; the bot's private answer to them."""
    seen = seen_ids(client)
    await send_text(client, w.general, text)
    dm = await direct_room(w, client, timeout=30)
    return (await wait_for_notice(client, dm, w.bot_id, accepts, after=seen, timeout=30)).body


async def pinned(w: World) -> list[str]:
    response = await w.member.room_get_state_event(w.prompts, PINNED)
    if not isinstance(response, RoomGetStateEventResponse):
        return []
    return list(response.content.get("pinned") or [])


async def body_of(w: World, event_id: str) -> str:
    response = await w.member.room_get_event(w.prompts, event_id)
    assert isinstance(response, RoomGetEventResponse), response
    return response.event.source["content"]["body"]


async def replaced(w: World, event_id: str, words: str) -> str:
    """The edit of the pinned notice whose new text has `words`."""

    def match(event) -> bool:
        content = event.source.get("content", {})
        relates = content.get("m.relates_to") or {}
        new = content.get("m.new_content") or {}
        return (
            relates.get("rel_type") == "m.replace"
            and relates.get("event_id") == event_id
            and words in new.get("body", "")
        )

    event = await wait_for_event(w.member, w.prompts, match, timeout=30, what="the edit")
    return event.source["content"]["m.new_content"]["body"]


async def test_pinned_listing_rsvp_reminder_room_open_and_cancel(world: World):
    w = world
    await set_power(w.mod, w.prompts, w.bot_id, 50)  # the power to pin messages
    said = await says(
        w, w.mod, f"!community channel purpose:meetings channel:{w.prompts}", lambda b: "Done" in b
    )
    assert "Done" in said
    said = await says(w, w.member, "!timezone set Asia/Tokyo", lambda b: "Tokyo" in b)
    weekday = START.strftime("%a").lower()
    said = await says(
        w,
        w.mod,
        f'!meeting add title:"Morning circle" when:"weekly {weekday} {START:%H:%M}" length:30 '
        f"where:{LINK}",
        lambda b: "Meeting #1" in b,
    )
    assert "Meeting #1 is planned" in said

    (listing,) = await pinned(w)
    first = await body_of(w, listing)
    assert "Next meeting: Morning circle" in first and format_local(START, "UTC") in first
    assert "!meeting rsvp 1" in first

    said = await says(w, w.mod, '!meeting edit 1 title:"Sunrise circle"', lambda b: "updated" in b)
    assert "Sunrise circle" in await replaced(w, listing, "Sunrise circle")
    assert await pinned(w) == [listing]

    tokyo = format_local(START, "Asia/Tokyo")
    said = await says(w, w.member, "!meeting rsvp 1", lambda b: "going" in b)
    assert f"You're going to Sunrise circle on {tokyo} (your time, Asia/Tokyo)" in said
    assert "remind you privately 15 minutes before" in said
    dm = await direct_room(w, w.member)
    reminder = await wait_for_notice(
        w.member, dm, w.bot_id, lambda b: b.startswith("Reminder:"), timeout=150
    )
    assert f"starts in 15 minutes, at {tokyo} your time (Asia/Tokyo)" in reminder.body

    await asyncio.to_thread(w.bot.stop)
    config = w.bot.config.read_text(encoding="utf-8")
    new_clock = clock_line(START - timedelta(seconds=20))
    w.bot.config.write_text(re.sub(r'clock_start = "[^"]*"', new_clock, config), encoding="utf-8")
    await asyncio.to_thread(w.bot.start)
    opened = await wait_for_notice(
        w.member, w.prompts, w.bot_id, lambda b: "The room is open" in b, timeout=60
    )
    assert "Sunrise circle starts now" in opened.body and LINK in opened.body
    starting = await wait_for_notice(
        w.member, dm, w.bot_id, lambda b: "is starting now" in b, timeout=30
    )
    assert f"({tokyo} your time, Asia/Tokyo)" in starting.body
    assert await pinned(w) == [listing]  # the meeting is on: still listed

    said = await says(w, w.member, "!meeting rsvp 1", lambda b: "going" in b)  # next week
    said = await says(w, w.mod, "!meeting cancel 1", lambda b: "cancelled" in b)
    assert "I told the 1 member with an RSVP privately" in said
    notice = await wait_for_notice(w.member, dm, w.bot_id, lambda b: "is cancelled" in b)
    assert "Sunrise circle" in notice.body and "Asia/Tokyo" in notice.body
    assert "No longer planned" in await replaced(w, listing, "No longer planned")
    assert await pinned(w) == []
