"""Meetings through the real process on the loopback Discord API: each meeting's next start is a
Guild Scheduled Event (created, updated and cancelled with the meeting), members RSVP with a
button, "the room is open" is posted with no mentions, and a cancellation tells RSVPed members
by DM. The bot's clock starts just before 09:00 UTC, a day in the real past (see
test_schedules.py for why)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from tests.discord_e2e.conftest import GENERAL, GUILD, PROMPTS, BotProcess, write_config
from tests.discord_loopback import ALICE, BOB, MOD, LoopbackDiscord

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]

CLOCK = (datetime.now(UTC) - timedelta(days=1)).replace(hour=8, minute=59, second=47, microsecond=0)
LATER = (CLOCK + timedelta(days=4)).date().isoformat()  # days ahead of the real clock too
LINK = "https://meet.example.org/circle"
MEETINGS = PROMPTS  # the channel moderators pick for meetings here


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(server: LoopbackDiscord, workdir: Path) -> AsyncIterator[BotProcess]:
    config = write_config(
        workdir / "peerbot.toml", server, workdir / "peerbot.db", clock_start=CLOCK.isoformat()
    )
    proc = BotProcess(config, workdir / "peerbot.log")
    await proc.start()
    try:
        yield proc
    finally:
        await proc.stop()


async def ask(server: LoopbackDiscord, user, name: str, options: dict | None = None) -> str:
    rec = await server.invoke(GUILD, GENERAL, user, name, options or {})
    reply = await rec.wait_reply()
    assert rec.ephemeral
    return reply.get("content") or ""


def events(server: LoopbackDiscord) -> list[dict]:
    return server.rest.scheduled_events.of_guild(GUILD)


async def test_a_meeting_is_a_scheduled_event_members_rsvp_by_button(running, server):
    await ask(
        server, MOD, "community channel", {"purpose": "meetings", "channel": f"<#{MEETINGS}>"}
    )
    said = await ask(
        server,
        MOD,
        "meeting add",
        {
            "title": "@everyone Sunday **circle**",
            "when": f"once {LATER} 19:00",
            "length": 60,
            "where": LINK,
            "description": "A sharing circle",
        },
    )
    assert "Meeting #1 is planned" in said
    (event,) = events(server)
    assert event["entity_type"] == 3 and event["entity_metadata"]["location"] == LINK
    assert event["scheduled_start_time"].startswith(f"{LATER}T19:00")
    assert event["scheduled_end_time"].startswith(f"{LATER}T20:00")
    assert "@everyone" not in event["name"] and event["privacy_level"] == 2

    rec = await server.invoke(GUILD, GENERAL, ALICE, "meetings", {})
    listing = await rec.wait_reply()
    assert rec.ephemeral and "in your time (UTC)" in listing["content"]
    button = listing["components"][0]["components"][0]
    assert button["label"] == "RSVP #1"
    press = await server.press_button(GUILD, GENERAL, ALICE, button["custom_id"])
    assert "You're going" in ((await press.wait_reply()).get("content") or "")

    assert "is updated" in await ask(server, MOD, "meeting edit", {"meeting": 1, "length": 90})
    (event,) = events(server)
    assert event["scheduled_end_time"].startswith(f"{LATER}T20:30")

    said = await ask(server, MOD, "meeting cancel", {"meeting": 1})
    assert "I told the 1 member with an RSVP privately" in said
    assert events(server)[0]["status"] == 4  # cancelled in Discord's events list
    dm = server.dm_messages(ALICE.id)[-1]
    assert "is cancelled" in dm["content"] and dm["allowed_mentions"]["parse"] == []
    cancelled = [m for m in server.channel_messages(MEETINGS) if "Cancelled" in m["content"]]
    assert cancelled and cancelled[0]["allowed_mentions"]["parse"] == []


async def test_the_room_is_open_is_posted_once_with_no_mentions(running, server):
    today = CLOCK.date().isoformat()
    said = await ask(
        server,
        MOD,
        "meeting add",
        {
            "title": "Morning @here check-in",
            "when": f"once {today} 09:00",
            "length": 30,
            "where": LINK,
        },
    )
    assert "Meeting #2 is planned" in said  # its event is refused (real past): the bot copes
    await ask(server, BOB, "meeting rsvp", {"meeting": 2, "remind": "off"})
    posts = await server.wait_until(
        lambda: [m for m in server.channel_messages(MEETINGS) if "room is open" in m["content"]],
        timeout=45,
        what="the room is open",
    )
    assert len(posts) == 1
    assert posts[0]["allowed_mentions"]["parse"] == [] and not any(posts[0]["pings"].values())
    starting = await server.wait_until(
        lambda: [m for m in server.dm_messages(BOB.id) if "is starting now" in m["content"]],
        timeout=20,
        what="it's starting",
    )
    assert len(starting) == 1
