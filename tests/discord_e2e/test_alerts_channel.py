"""The moderators' alerts channel on Discord: only a channel members can't view is accepted.

Issue 17 repro: a moderator could set the alerts channel to #general, so alerts and concern
notes were posted where everyone reads them. The loopback server's #alerts hides itself from
@everyone with a permission overwrite and shows itself to the Moderator role and the bot.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.discord_e2e.conftest import (
    ALERTS,
    CHECKINS,
    GENERAL,
    GUILD,
    BotProcess,
    query,
    write_config,
)
from tests.discord_loopback import ALICE, BOB, MOD, LoopbackDiscord

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(server: LoopbackDiscord, workdir: Path) -> AsyncIterator[BotProcess]:
    config = write_config(workdir / "peerbot.toml", server, workdir / "peerbot.db")
    proc = BotProcess(config, workdir / "peerbot.log")
    await proc.start()
    try:
        yield proc
    finally:
        await proc.stop()


def setting(workdir: Path, key: str) -> str | None:
    rows = query(
        workdir / "peerbot.db", "SELECT value FROM community_settings WHERE key = ?", (key,)
    )
    return rows[0][0] if rows else None


async def moderator(server: LoopbackDiscord, options: dict) -> str:
    rec = await server.invoke(GUILD, GENERAL, MOD, "community channel", options)
    reply = await rec.wait_reply()
    assert rec.ephemeral
    return reply.get("content") or ""


async def test_a_channel_everyone_can_view_is_refused_for_alerts(running, server, workdir):
    said = await moderator(server, {"purpose": "alerts", "channel": f"<#{GENERAL}>"})
    assert "members can read \\#general" in said  # Discord markdown escapes the #
    assert "the everyone role and members' roles can't view it" in said
    assert setting(workdir, "channel.alerts") is None


async def test_a_channel_only_moderators_can_view_is_accepted(running, server, workdir):
    said = await moderator(server, {"purpose": "alerts", "channel": f"<#{ALERTS}>"})
    assert "Moderator alerts now go to \\#alerts" in said
    assert setting(workdir, "channel.alerts") == str(ALERTS)


async def test_the_alerts_channel_is_not_shared_with_another_purpose(running, server, workdir):
    await moderator(server, {"purpose": "alerts", "channel": f"<#{ALERTS}>"})
    said = await moderator(server, {"purpose": "checkins", "channel": f"<#{ALERTS}>"})
    assert "is the moderators' alerts channel" in said
    assert setting(workdir, "channel.checkins") is None
    await moderator(server, {"purpose": "checkins", "channel": f"<#{CHECKINS}>"})
    assert setting(workdir, "channel.checkins") == str(CHECKINS)


async def test_a_member_writing_in_the_alerts_channel_is_still_heard(running, server):
    await moderator(server, {"purpose": "alerts", "channel": f"<#{ALERTS}>"})
    before = len(server.channel_messages(ALERTS))
    await server.send_message(GUILD, ALERTS, BOB, "I can't go on, I want to end my life tonight")
    await server.wait_until(lambda: server.dm_messages(BOB.id), timeout=10, what="a DM to bob")
    await server.wait_until(
        lambda: len(server.channel_messages(ALERTS)) > before, timeout=10, what="an alert"
    )
    assert "Priority alert" in server.channel_messages(ALERTS)[-1]["content"]


async def test_a_concern_about_a_moderator_never_reaches_the_alerts_channel(running, server):
    await moderator(server, {"purpose": "alerts", "channel": f"<#{ALERTS}>"})
    before = len(server.channel_messages(ALERTS))
    rec = await server.invoke(
        GUILD, GENERAL, ALICE, "crisis-concern", {"member": str(MOD.id), "note": "not ok"}
    )
    said = (await rec.wait_reply()).get("content") or ""
    assert rec.ephemeral and "I haven't sent this" in said  # mod is the only moderator
    assert len(server.channel_messages(ALERTS)) == before
