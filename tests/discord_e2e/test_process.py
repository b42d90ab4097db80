"""The real `peerbot run` process against the loopback Discord API: what members see.

One bot process serves the whole module. Scenarios whose feature cog has not landed yet are
skipped with the reason, so the suite says what it could not check.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.discord_e2e.conftest import (
    ALERTS,
    GENERAL,
    GUILD,
    BotProcess,
    query,
    write_config,
)
from tests.discord_loopback import ALICE, BOB, CAROL, MOD, LoopbackDiscord

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]

CRISIS_TEXT = "I can't go on, I want to end my life tonight"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(server: LoopbackDiscord, workdir: Path) -> AsyncIterator[BotProcess]:
    """`peerbot run` for this module."""
    config = write_config(workdir / "peerbot.toml", server, workdir / "peerbot.db")
    proc = BotProcess(config, workdir / "peerbot.log")
    await proc.start()
    try:
        yield proc
    finally:
        await proc.stop()


def needs(server: LoopbackDiscord, name: str) -> None:
    """Skip when the command's cog has not landed (it was not synced)."""
    if not any(c["name"] == name for c in server.synced_commands()):
        pytest.fail(f"/{name} is not there yet (its cog has not landed)")


def content(reply: dict) -> str:
    return reply.get("content") or ""


def checkin_rows(workdir: Path, user_id: int) -> int:
    return query(
        workdir / "peerbot.db", "SELECT COUNT(*) FROM checkins WHERE user_id = ?", (str(user_id),)
    )[0][0]


async def test_the_process_says_ready_and_syncs_every_command(running, server):
    assert "peerbot ready" in running.stdout
    names = {c["name"] for c in server.synced_commands()}
    assert {"help", "about", "mydata"} <= names
    assert all(c.get("contexts") == [0] for c in server.synced_commands())


async def test_help_is_private(running, server):
    rec = await server.invoke(GUILD, GENERAL, ALICE, "help")
    reply = await rec.wait_reply()
    assert rec.ephemeral and "/about" in content(reply)


async def test_a_slash_checkin_gets_a_private_reply(running, server, workdir):
    needs(server, "checkin")
    rec = await server.invoke(
        GUILD, GENERAL, ALICE, "checkin", {"mood": 4, "note": "rough **day**, but here"}
    )
    reply = await rec.wait_reply()
    assert rec.ephemeral
    assert "Thank you for checking in" in content(reply)
    assert "rough" not in content(reply)  # the note is never echoed
    assert server.channel_messages(GENERAL) == []  # nothing public
    assert checkin_rows(workdir, ALICE.id) == 1


@pytest.mark.parametrize(
    "options",
    [
        {"mood": 9},
        {"mood": 0},
        {"mood": -3},
        {"mood": "four"},
        {"mood": 3, "cravings": 11},
        {"mood": 3, "note": "x" * 10_000},
        {"mood": 3, "note": "   "},
        {"mood": 3, "share": "@everyone"},
    ],
)
async def test_a_bad_option_gets_a_private_error_and_nothing_is_saved(
    running, server, workdir, options
):
    needs(server, "checkin")
    before = checkin_rows(workdir, BOB.id)
    rec = await server.invoke(GUILD, GENERAL, BOB, "checkin", options, validate=False)
    reply = await rec.wait_reply()
    assert rec.ephemeral
    assert "Usage: /checkin" in content(reply)
    assert "@everyone" not in content(reply)  # quoted back, but never as a mention
    assert not any(rec.original["pings"].values())
    assert checkin_rows(workdir, BOB.id) == before


async def test_a_moderator_command_from_a_member_is_refused(running, server, workdir):
    needs(server, "community")
    rec = await server.invoke(
        GUILD, GENERAL, ALICE, "community channel", {"purpose": "alerts", "channel": "#alerts"}
    )
    reply = await rec.wait_reply()
    assert rec.ephemeral and "Only moderators" in content(reply)
    settings = query(
        workdir / "peerbot.db", "SELECT key FROM community_settings WHERE key LIKE 'channel.%'"
    )
    assert settings == []


async def test_a_moderator_sets_the_alerts_channel(running, server, workdir):
    needs(server, "community")
    rec = await server.invoke(
        GUILD, GENERAL, MOD, "community channel", {"purpose": "alerts", "channel": f"<#{ALERTS}>"}
    )
    reply = await rec.wait_reply()
    assert rec.ephemeral and "alerts" in content(reply).lower()
    stored = query(
        workdir / "peerbot.db", "SELECT value FROM community_settings WHERE key = 'channel.alerts'"
    )
    assert stored == [(str(ALERTS),)]


async def test_a_crisis_message_gets_a_dm_and_an_alert_and_no_public_reply(running, server):
    needs(server, "crisis")
    needs(server, "community")
    setup = await server.invoke(
        GUILD, GENERAL, MOD, "community channel", {"purpose": "alerts", "channel": f"<#{ALERTS}>"}
    )
    await setup.wait_reply()
    public_before = len(server.channel_messages(GENERAL, include_interactions=True))
    await server.send_message(GUILD, GENERAL, CAROL, CRISIS_TEXT)
    await server.wait_until(lambda: server.dm_messages(CAROL.id), timeout=10, what="a DM to carol")
    await server.wait_until(lambda: server.channel_messages(ALERTS), timeout=10, what="an alert")
    dm, alert = server.dm_messages(CAROL.id)[-1], server.channel_messages(ALERTS)[-1]
    for message in (dm, alert):
        assert message["allowed_mentions"]["parse"] == []
    assert not any(dm["pings"].values())
    # nobody is on duty, so the urgent alert mentions the moderators (and nobody else) at once
    assert alert["pings"] == {"users": {MOD.id}, "roles": set(), "everyone": False}
    assert len(server.channel_messages(GENERAL, include_interactions=True)) == public_before


async def test_the_bot_resumes_after_the_websocket_drops_and_answers_each_interaction_once(
    running, server
):
    await server.drop_gateway()
    queued = [await server.invoke(GUILD, GENERAL, user, "about") for user in (ALICE, BOB)]
    await server.wait_resumed()
    for rec in queued:
        assert "peerbot" in content(await rec.wait_reply())
    after = await server.invoke(GUILD, GENERAL, CAROL, "about")
    assert "peerbot" in content(await after.wait_reply())
    for rec in [*queued, after]:
        callbacks = server.calls_to("POST", rf"interactions/{rec.id}/")
        assert len(rec.responses) == 1 and rec.rejected == [] and len(callbacks) == 1
    assert "Traceback" not in running.log()


async def test_a_restart_does_not_sync_unchanged_commands_again(running, server):
    puts = len(server.calls_to("PUT", r"/commands$"))
    assert await running.stop() == 0
    await running.start()
    assert len(server.calls_to("PUT", r"/commands$")) == puts
    rec = await server.invoke(GUILD, GENERAL, ALICE, "about")
    assert "peerbot" in content(await rec.wait_reply())
