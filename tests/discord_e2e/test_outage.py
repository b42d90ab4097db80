"""Losing Discord: the real `peerbot run` process through a gateway outage and a revoked token.

The loopback server drops the bot's socket and refuses new connections for several seconds (as
during a Discord incident or a network cut); the bot reconnects with backoff and resumes. A
scheduled prompt falls due during the outage. The bot's clock starts shortly before 09:00 UTC.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from tests.discord_e2e.conftest import (
    GENERAL,
    GUILD,
    PROMPTS,
    TOKEN,
    BotProcess,
    write_config,
)
from tests.discord_loopback import ALICE, BOB, CAROL, MOD, LoopbackDiscord

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]

DUE_AFTER = 15.0  # seconds from the process start to the prompt's 09:00
OUTAGE_FROM = 8.0  # seconds from the process start to the gateway loss
OUTAGE_AT_LEAST = 5.0
PROMPT = "What got you through today?"


def clock_start() -> str:
    # In the (real) past on purpose: the tick job follows the wall clock, which the bot's clock
    # must not be ahead of.
    nine = (datetime.now(UTC) - timedelta(days=1)).replace(hour=9, minute=0, second=0)
    return (nine.replace(microsecond=0) - timedelta(seconds=DUE_AFTER)).isoformat()


def content(message: dict) -> str:
    return message.get("content") or ""


def callbacks(server: LoopbackDiscord, interaction_id: int) -> int:
    return len(server.calls_to("POST", rf"interactions/{interaction_id}/"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(server: LoopbackDiscord, workdir: Path) -> AsyncIterator[BotProcess]:
    config = write_config(
        workdir / "peerbot.toml",
        server,
        workdir / "peerbot.db",
        clock_start=clock_start(),
        prompt_grace_minutes=30,
    )
    proc = BotProcess(config, workdir / "peerbot.log")
    await proc.start()
    try:
        yield proc
    finally:
        await proc.stop()


async def test_a_gateway_outage_loses_nothing_and_doubles_nothing(running, server):
    if not any(c["name"] == "prompt" for c in server.synced_commands()):
        pytest.fail("the prompts cog has not landed")
    channel = await server.invoke(
        GUILD, GENERAL, MOD, "community channel", {"purpose": "prompts", "channel": f"<#{PROMPTS}>"}
    )
    await channel.wait_reply()
    added = await server.invoke(
        GUILD, GENERAL, MOD, "prompt add", {"text": PROMPT, "schedule": "daily 09:00"}
    )
    assert "Nothing was scheduled" not in content(await added.wait_reply())
    before = await server.invoke(GUILD, GENERAL, ALICE, "about")
    await before.wait_reply()

    # the socket drops a few seconds before the prompt is due, and stays refused past it
    await asyncio.sleep(max(0.0, running.started_at + OUTAGE_FROM - time.monotonic()))
    assert server.channel_messages(PROMPTS) == [], "the prompt fell due before the outage"
    server.refuse_gateway = True
    await server.drop_gateway()
    lost = time.monotonic()
    during = await server.invoke(GUILD, GENERAL, BOB, "about")
    await server.wait_until(lambda: server.channel_messages(PROMPTS), 30, "the prompt")
    await asyncio.sleep(max(0.0, lost + OUTAGE_AT_LEAST - time.monotonic()))
    refused = server.gateway.refused_count
    server.refuse_gateway = False
    assert refused >= 1, "the bot did not try to reconnect during the outage"

    # the bot comes back by itself (discord.py's backoff may wait up to ~16 s here)
    await server.wait_resumed(timeout=40)
    assert "peerbot" in content(await during.wait_reply(timeout=10))
    after = [await server.invoke(GUILD, GENERAL, u, "about") for u in (ALICE, BOB, CAROL)]
    for rec in after:
        assert "peerbot" in content(await rec.wait_reply())

    # one answer per interaction, one post of the prompt, even after replays and more ticks
    await asyncio.sleep(2.5)
    for rec in [channel, added, before, during, *after]:
        assert len(rec.responses) == 1 and rec.rejected == [] and callbacks(server, rec.id) == 1
    posts = server.channel_messages(PROMPTS)
    assert [PROMPT in content(p) for p in posts] == [True]
    assert "Traceback" not in running.log()
    assert "reconnecting in" in running.log() and "connected again after" in running.log()


async def test_the_process_stops_with_exit_code_1_when_its_token_is_revoked(running, server):
    # The token is reset in the Developer Portal while the bot runs: Discord ends the session,
    # and identifying again is refused with close code 4004.
    server.token = server.gateway.token = "a-new-token"
    try:
        server.invalidate_session()
        assert running.proc is not None
        code = await asyncio.wait_for(running.proc.wait(), 30)
    finally:
        server.token = server.gateway.token = TOKEN
    assert code == 1
    assert "Discord refused the bot token" in running.log()


async def test_a_token_refused_by_the_gateway_stops_start_up_with_exit_code_1(workdir):
    async with LoopbackDiscord(token=TOKEN) as other:
        other.gateway.token = "only-the-gateway-knows-this"  # REST accepts, the gateway: 4004
        config = write_config(workdir / "bad.toml", other, workdir / "bad.db")
        proc = BotProcess(config, workdir / "bad.log")
        with pytest.raises(AssertionError, match="did not become ready"):
            await proc.start(timeout=30)
    log = proc.log()
    assert proc.returncode == 1
    assert "could not start: Discord refused the bot token" in log
    assert "Traceback" not in log
