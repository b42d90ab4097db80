"""A support request typed in a shared room (issue 21): the note and topics were meant for the
supporter only, so the bot takes the typed command back where it may (redacts it, as anonymous
posts and content warnings do) and tells the member privately; where it may not, it tells them
the words still show there and to write in their direct room. An urgent note too."""

from __future__ import annotations

import asyncio

import pytest
import pytest_asyncio
from nio import AsyncClient, RedactedEvent, RoomGetEventResponse

from tests.matrix_e2e.test_matrix_support import says
from tests.matrix_harness.nio_helpers import close_all, send_text

from .world import World, build_world, direct_room, seen_ids, set_power, wait_for_notice

pytestmark = [pytest.mark.matrix, pytest.mark.asyncio(loop_scope="module")]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(synapse, tmp_path_factory):
    w = await build_world(synapse, tmp_path_factory.mktemp("matrix-support-shared"))
    try:
        # peer supporters chosen: with none, a request is answered that nobody takes them yet
        await says(w, w.mod, "!community supporters power:25", lambda b: "Done." in b)
        yield w
    finally:
        await asyncio.to_thread(w.bot.stop)
        await close_all(w.mod, w.member)


async def typed(w: World, text: str, *accepts) -> tuple[str, list[str]]:
    """The member types `text` in #general: the event id and the bot's private answers (one
    accepted by each of `accepts`)."""
    seen = seen_ids(w.member)
    event_id = await send_text(w.member, w.general, text)
    dm = await direct_room(w, w.member, timeout=30)
    said = [
        (await wait_for_notice(w.member, dm, w.bot_id, ok, after=seen, timeout=30)).body
        for ok in accepts
    ]
    return event_id, said


async def redacted(client: AsyncClient, room_id: str, event_id: str) -> bool:
    """Whether the event reads as redacted (waits a little for the redaction to land)."""
    event = None
    for _ in range(40):
        got = await client.room_get_event(room_id, event_id)
        assert isinstance(got, RoomGetEventResponse), got
        event = got.event
        if isinstance(event, RedactedEvent):
            return True
        await asyncio.sleep(0.25)
    return False


async def test_without_the_power_to_remove_it_the_member_is_told_to_use_the_direct_room(world):
    w = world
    event_id, (queued, told) = await typed(
        w,
        "!support request kind:listen topics:abuse note:my partner hits me",
        lambda b: "queue" in b,
        lambda b: "still shows" in b,
    )
    assert "number 1 in the queue" in queued
    assert "direct room" in told and "partner" not in told, told
    assert not await redacted(w.mod, w.general, event_id)
    await typed(w, "!support cancel", lambda b: "cancelled" in b)


async def test_a_request_typed_in_a_shared_room_does_not_stay_there(world):
    w = world
    await set_power(w.mod, w.general, w.bot_id, 50)  # the bot may redact in #general
    await asyncio.sleep(1)
    event_id, (queued, told) = await typed(
        w,
        "!support request kind:listen topics:abuse note:my partner hits me",
        lambda b: "queue" in b,
        lambda b: "removed your message" in b,
    )
    assert "number 1 in the queue" in queued
    # nobody in #general can read "my partner hits me" under the member's name any more
    assert await redacted(w.mod, w.general, event_id)
    await typed(w, "!support cancel", lambda b: "cancelled" in b)


async def test_an_urgent_note_typed_in_a_shared_room_is_taken_back_too(world):
    w = world
    event_id, (crisis, _told) = await typed(
        w,
        "!support request kind:listen note:I want to kill myself tonight",
        lambda b: "crisis" in b.lower() or "988" in b or "Let a moderator know" in b,
        lambda b: "removed your message" in b,
    )
    assert "number 1" not in crisis
    assert await redacted(w.mod, w.general, event_id)
