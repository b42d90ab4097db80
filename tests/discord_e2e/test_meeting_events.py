"""A meeting's Guild Scheduled Event through the real process on the loopback Discord API: it
stays on its start while the meeting runs (until start + length, across a restart) and then
moves to the next date; a meeting in a voice or stage channel is an event of that kind there.

The bot's clock starts just before 09:00 UTC a day in the real past (see test_schedules.py);
the loopback's "now" for scheduled events is set to the bot's, so events can be created."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from tests.discord_e2e.conftest import GENERAL, GUILD, PROMPTS, BotProcess, write_config
from tests.discord_loopback import MOD, LoopbackDiscord
from tests.discord_loopback.models import FakeChannel

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]

CLOCK = (datetime.now(UTC) - timedelta(days=1)).replace(hour=8, minute=59, second=35, microsecond=0)
DAY = CLOCK.date()
LATER = (CLOCK + timedelta(days=4)).date().isoformat()
LINK = "https://meet.example.org/circle"
VOICE, STAGE = 1020, 1021


class Bots:
    """The bot process of this module, restartable with its clock moved on."""

    def __init__(self, server: LoopbackDiscord, workdir: Path) -> None:
        self.server, self.workdir = server, workdir
        self.proc: BotProcess | None = None

    async def start(self, clock: datetime) -> None:
        config = write_config(
            self.workdir / "peerbot.toml",
            self.server,
            self.workdir / "peerbot.db",
            clock_start=clock.isoformat(),
        )
        self.server.rest.scheduled_events.skew = clock - datetime.now(UTC)
        self.proc = BotProcess(config, self.workdir / "peerbot.log")
        await self.proc.start()

    async def stop(self) -> None:
        if self.proc is not None:
            await self.proc.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bots(server: LoopbackDiscord, workdir: Path) -> AsyncIterator[Bots]:
    guild = server._guild(GUILD)
    guild.channels.append(FakeChannel(VOICE, "voice", type=2, position=10))
    guild.channels.append(FakeChannel(STAGE, "stage", type=13, position=11))
    running = Bots(server, workdir)
    await running.start(CLOCK)
    try:
        yield running
    finally:
        await running.stop()


async def ask(server: LoopbackDiscord, user, name: str, options: dict | None = None) -> str:
    rec = await server.invoke(GUILD, GENERAL, user, name, options or {})
    reply = await rec.wait_reply()
    return reply.get("content") or ""


def event_of(server: LoopbackDiscord, name: str) -> dict:
    (event,) = [e for e in server.rest.scheduled_events.of_guild(GUILD) if e["name"] == name]
    return event


async def test_the_event_stays_while_the_meeting_runs_then_moves_on(bots, server):
    """The event moved to next week as soon as "the room is open" was posted, so it left
    Discord's events list while the meeting ran (test first)."""
    await ask(server, MOD, "community channel", {"purpose": "meetings", "channel": f"<#{PROMPTS}>"})
    weekday = DAY.strftime("%a").lower()
    said = await ask(
        server,
        MOD,
        "meeting add",
        {"title": "Morning circle", "when": f"weekly {weekday} 09:00", "length": 10, "where": LINK},
    )
    assert "Meeting #1 is planned" in said
    assert event_of(server, "Morning circle")["scheduled_start_time"].startswith(f"{DAY}T09:00")
    await server.wait_until(
        lambda: [m for m in server.channel_messages(PROMPTS) if "room is open" in m["content"]],
        timeout=45,
        what="the room is open",
    )
    await ask(server, MOD, "meetings")  # a round trip: the opening's work is done
    event = event_of(server, "Morning circle")
    assert event["scheduled_start_time"].startswith(f"{DAY}T09:00") and event["status"] == 1

    await bots.stop()  # the meeting ends at 09:10 while the bot is down for a moment
    await bots.start(CLOCK.replace(hour=9, minute=9, second=50))
    next_week = (DAY + timedelta(days=7)).isoformat()
    await server.wait_until(
        lambda: event_of(server, "Morning circle")["scheduled_start_time"].startswith(
            f"{next_week}T09:00"
        ),
        timeout=30,
        what="the event on next week's date",
    )
    event = event_of(server, "Morning circle")
    assert event["scheduled_end_time"].startswith(f"{next_week}T09:10") and event["status"] == 1
    opened = [m for m in server.channel_messages(PROMPTS) if "room is open" in m["content"]]
    assert len(opened) == 1


async def test_a_meeting_in_a_voice_or_stage_channel_is_an_event_there(bots, server):
    said = await ask(
        server,
        MOD,
        "meeting add",
        {"title": "Voice circle", "when": f"once {LATER} 19:00", "length": 60, "where": "#voice"},
    )
    assert "Meeting #2 is planned" in said
    event = event_of(server, "Voice circle")
    assert event["entity_type"] == 2 and event["channel_id"] == str(VOICE)
    assert not (event.get("entity_metadata") or {}).get("location")
    assert event["scheduled_start_time"].startswith(f"{LATER}T19:00")

    said = await ask(server, MOD, "meeting edit", {"meeting": 2, "where": f"<#{STAGE}>"})
    assert "is updated" in said
    event = event_of(server, "Voice circle")
    assert event["entity_type"] == 1 and event["channel_id"] == str(STAGE)

    rec = await server.invoke(GUILD, GENERAL, MOD, "meetings", {})
    assert "#stage" in ((await rec.wait_reply()).get("content") or "")
    await ask(server, MOD, "meeting cancel", {"meeting": 2})
    assert event_of(server, "Voice circle")["status"] == 4
