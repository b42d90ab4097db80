"""A meeting reminder on the loopback Discord API, in the member's own zone (issue 23: the
console tested it, Discord did not). The bot's clock starts 12 seconds before a reminder is due,
a day in the real past (see test_schedules.py for why)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from tests.discord_e2e.conftest import GENERAL, GUILD, PROMPTS, BotProcess, write_config
from tests.discord_loopback import ALICE, MOD, LoopbackDiscord

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]

CLOCK = (datetime.now(UTC) - timedelta(days=1)).replace(hour=8, minute=44, second=48, microsecond=0)
LINK = "https://meet.example.org/circle"


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


async def test_a_reminder_comes_by_dm_in_the_members_own_time(running, server):
    await ask(server, MOD, "community channel", {"purpose": "meetings", "channel": f"<#{PROMPTS}>"})
    today = CLOCK.date().isoformat()
    said = await ask(
        server,
        MOD,
        "meeting add",
        {"title": "Morning circle", "when": f"once {today} 09:00", "length": 30, "where": LINK},
    )
    assert "Meeting #1 is planned" in said
    await ask(server, ALICE, "timezone-set", {"zone": "Asia/Tokyo"})
    going = await ask(server, ALICE, "meeting rsvp", {"meeting": 1, "remind": "15m"})
    assert "(your time, Asia/Tokyo)" in going and "15 minutes before" in going
    reminders = await server.wait_until(
        lambda: [m for m in server.dm_messages(ALICE.id) if "Reminder:" in m["content"]],
        timeout=40,
        what="the reminder",
    )
    assert len(reminders) == 1
    text = reminders[0]["content"]
    assert "Morning circle starts in 15 minutes" in text and "18:00" in text
    assert "Asia/Tokyo" in text and LINK in text
    assert reminders[0]["allowed_mentions"]["parse"] == []
