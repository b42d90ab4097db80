"""The crisis listener hears edits and spoilers on Discord (the real process, loopback API).

Issue 15/16 repro: "see you tomorrow" edited into an urgent message reached nobody. Now the
member gets the private crisis reply and the moderators one alert; a second edit at the same
level brings nothing more; a spoiler (||…||) hides nothing from the listener.
"""

from __future__ import annotations

import asyncio
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
from tests.discord_loopback import ALICE, BOB, CAROL, MOD, FakeUser, LoopbackDiscord

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]

URGENT = "I can't go on, I want to end my life tonight"
URGENT_AGAIN = "I can't go on, I want to end my life tonight. I have the pills here"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(server: LoopbackDiscord, workdir: Path) -> AsyncIterator[BotProcess]:
    config = write_config(workdir / "peerbot.toml", server, workdir / "peerbot.db")
    proc = BotProcess(config, workdir / "peerbot.log")
    await proc.start()
    try:
        rec = await server.invoke(
            GUILD,
            GENERAL,
            MOD,
            "community channel",
            {"purpose": "alerts", "channel": f"<#{ALERTS}>"},
        )
        assert "Moderator alerts now go to" in ((await rec.wait_reply()).get("content") or "")
        yield proc
    finally:
        await proc.stop()


def alerts(server: LoopbackDiscord) -> list[str]:
    return [m.get("content") or "" for m in server.channel_messages(ALERTS)]


async def test_an_edit_into_an_urgent_message_is_heard_once(running, server):
    sent = await server.send_message(GUILD, GENERAL, BOB, "see you tomorrow")
    before = len(alerts(server))
    await server.edit_member_message(sent, URGENT)
    dm = await server.wait_until(lambda: server.dm_messages(BOB.id), timeout=10, what="a DM")
    assert "These people are there for you" in (dm[-1].get("content") or "")
    await server.wait_until(lambda: len(alerts(server)) > before, timeout=10, what="an alert")
    alert = alerts(server)[-1]
    assert "Priority alert (urgent)" in alert and str(sent["id"]) in alert  # links the message
    assert "tonight" not in alert

    await server.edit_member_message(sent, URGENT_AGAIN)  # same message, same level
    # carol's message is the sync point: events are handled in the order they come
    await server.send_message(GUILD, GENERAL, CAROL, URGENT)
    await server.wait_until(lambda: server.dm_messages(CAROL.id), timeout=10, what="carol's DM")
    await server.wait_until(lambda: len(alerts(server)) > before + 1, timeout=10, what="alert")
    await asyncio.sleep(1.0)
    assert len(server.dm_messages(BOB.id)) == 1
    new = alerts(server)[before:]
    assert len(new) == 2 and "carol" in new[1] and "bob" not in new[1], new
    counted = query(
        running.config.parent / "peerbot.db",
        "SELECT pending_count FROM crisis_member_state WHERE user_id = ?",
        (str(BOB.id),),
    )
    assert counted == [(0,)]  # the edit is not even counted into the hour's follow-up


async def test_a_spoiler_is_handled_as_urgent(running, server):
    user = ALICE
    before = len(alerts(server))
    await server.send_message(GUILD, GENERAL, user, f"||{URGENT}||")
    dm = await server.wait_until(lambda: server.dm_messages(user.id), timeout=10, what="a DM")
    assert "These people are there for you" in (dm[-1].get("content") or "")
    await server.wait_until(lambda: len(alerts(server)) > before, timeout=10, what="an alert")
    assert "Priority alert (urgent)" in alerts(server)[-1]


async def test_a_moderator_editing_in_the_alerts_channel_is_not_flagged(running, server):
    dave = FakeUser(2060, "dave")
    await server.add_member(GUILD, dave)
    before = len(alerts(server))
    sent = await server.send_message(GUILD, ALERTS, MOD, "checking on bob now")
    await server.edit_member_message(sent, URGENT)  # quoting what a member said
    await server.send_message(GUILD, GENERAL, dave, URGENT)  # the sync point
    await server.wait_until(lambda: len(alerts(server)) > before, timeout=10, what="an alert")
    await asyncio.sleep(1.0)
    new = alerts(server)[before:]
    assert len(new) == 1 and "dave" in new[0]
    assert not server.dm_messages(MOD.id)


async def test_a_crisis_typed_in_two_quick_messages_is_heard(running, server):
    """'i took' / 'all my pills': each alone says nothing; typed fast, they are one overdose."""
    erin = FakeUser(2061, "erin")
    await server.add_member(GUILD, erin)
    before = len(alerts(server))
    await server.send_message(GUILD, GENERAL, erin, "i took")
    await server.send_message(GUILD, GENERAL, erin, "all my pills")
    dm = await server.wait_until(lambda: server.dm_messages(erin.id), timeout=10, what="a DM")
    assert "emergency" in (dm[-1].get("content") or "").lower()
    await server.wait_until(lambda: len(alerts(server)) > before, timeout=10, what="an alert")
    alert = alerts(server)[-1]
    assert "Priority alert (urgent)" in alert and "erin" in alert
    assert "pills" not in alert  # never the member's words
