"""Safe sharing on the loopback Discord API: /tw posts a spoiler the text can't break, /vent
posts as an alias, an urgent anonymous post brings a private crisis reply and an alert with a
relay that never names the author, reveal is audited and told, block by post holds."""

from __future__ import annotations

import re
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
VENT = CHECKINS  # the loopback guild's second public channel serves as #vent here
URGENT = "I'm going to kill myself tonight, I have the pills ready"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(server: LoopbackDiscord, workdir: Path) -> AsyncIterator[BotProcess]:
    config = write_config(workdir / "peerbot.toml", server, workdir / "peerbot.db")
    proc = BotProcess(config, workdir / "peerbot.log")
    await proc.start()
    try:
        for purpose, channel in (("alerts", ALERTS), ("vent", VENT)):
            rec = await server.invoke(
                GUILD,
                GENERAL,
                MOD,
                "community channel",
                {"purpose": purpose, "channel": f"<#{channel}>"},
            )
            await rec.wait_reply(timeout=30)
        yield proc
    finally:
        await proc.stop()


async def said(rec) -> str:
    """Everything the member saw privately in answer to one interaction."""
    await rec.wait_reply(timeout=15)
    texts = [(rec.original or {}).get("content") or ""]
    texts += [(f.get("message") or {}).get("content") or "" for f in rec.followups]
    return "\n".join(texts)


async def test_tw_posts_a_spoiler_that_the_text_cannot_break(running, server):
    before = len(server.channel_messages(GENERAL))
    rec = await server.invoke(
        GUILD, GENERAL, ALICE, "tw", {"topic": "drugs", "text": "used||again|| @everyone"}
    )
    assert "Posted behind a content warning" in await said(rec) and rec.ephemeral
    await server.wait_until(lambda: len(server.channel_messages(GENERAL)) > before, timeout=5)
    post = server.channel_messages(GENERAL)[-1]
    head, body = post["content"].split("\n", 1)
    assert head.startswith("⚠️ CW: drugs · from alice")
    assert (
        body.startswith("||") and body.endswith("||") and "||" not in body[2:-2].replace("\\|", "")
    )
    assert post["pings"] == {"users": set(), "roles": set(), "everyone": False}


async def test_vent_posts_as_an_alias_and_the_author_replies_as_it(running, server, workdir):
    rec = await server.invoke(GUILD, GENERAL, ALICE, "vent", {"text": "a hard week"})
    assert "Posted anonymously" in await said(rec) and rec.ephemeral
    post = server.channel_messages(VENT)[-1]["content"]
    assert post.startswith("🕊️ Anonymous member #") and "alice" not in post
    number = int(post.split("post ")[1].split("\n")[0])
    rec = await server.invoke(
        GUILD, GENERAL, ALICE, "vent-reply", {"post": number, "text": "still here"}
    )
    await said(rec)
    reply = server.channel_messages(VENT)[-1]["content"]
    assert reply.split(" · ")[0] == post.split(" · ")[0]
    rec = await server.invoke(GUILD, GENERAL, BOB, "vent-reply", {"post": number, "text": "x"})
    assert "only on a post you wrote" in await said(rec)


async def test_urgent_post_crisis_reply_alert_and_relay_without_reveal(running, server):
    alerts_before = len(server.channel_messages(ALERTS))
    rec = await server.invoke(GUILD, GENERAL, ALICE, "vent", {"text": URGENT})
    seen = await said(rec)
    assert rec.ephemeral and "Before I post them anonymously" in seen
    await server.wait_until(lambda: len(server.channel_messages(ALERTS)) > alerts_before, timeout=5)
    alert = server.channel_messages(ALERTS)[-1]
    assert "may mean someone is in danger" in alert["content"] and "alice" not in alert["content"]
    assert MOD.id in alert["pings"]["users"], "urgent: the moderators are mentioned"
    assert alert["content"].startswith(f"<@{MOD.id}> ")
    labels = [c["label"] for row in alert["components"] for c in row["components"]]
    assert labels == ["I'm on it", "Reach out privately"], "claimable, and the relay stays"
    number = int(re.search(r"post (\d+)", alert["content"]).group(1))
    dms = len(server.dm_messages(ALICE.id))
    rec = await server.invoke(
        GUILD, ALERTS, MOD, "vent-reach", {"post": number, "text": "Are you safe?"}
    )
    assert "You won't learn who they are" in await said(rec)
    await server.wait_until(lambda: len(server.dm_messages(ALICE.id)) > dms, timeout=5)
    assert "Are you safe?" in server.dm_messages(ALICE.id)[-1]["content"]
    mod_dms = len(server.dm_messages(MOD.id))
    rec = await server.invoke(
        GUILD, GENERAL, ALICE, "vent-answer", {"post": number, "text": "with a friend"}
    )
    await said(rec)
    await server.wait_until(lambda: len(server.dm_messages(MOD.id)) > mod_dms, timeout=5)
    answer = server.dm_messages(MOD.id)[-1]["content"]
    assert "with a friend" in answer and "alice" not in answer


async def test_reveal_is_audited_and_told_and_block_by_post_holds(running, server, workdir):
    rec = await server.invoke(GUILD, GENERAL, BOB, "vent", {"text": "bob's post"})
    await said(rec)
    post = server.channel_messages(VENT)[-1]["content"]
    number = int(post.split("post ")[1].split("\n")[0])
    dms = len(server.dm_messages(BOB.id))
    rec = await server.invoke(
        GUILD, GENERAL, MOD, "vent-reveal", {"post": number, "reason": "a threat to a member"}
    )
    assert "was written by bob" in await said(rec)
    await server.wait_until(lambda: len(server.dm_messages(BOB.id)) > dms, timeout=5)
    assert "because: a threat to a member" in server.dm_messages(BOB.id)[-1]["content"]
    audit = query(
        workdir / "peerbot.db",
        "SELECT old_value, new_value FROM community_audit WHERE action = 'vent.reveal'",
    )
    assert (f"post {number}", "a threat to a member") in audit
    rec = await server.invoke(GUILD, GENERAL, MOD, "vent-block", {"post": number})
    seen = await said(rec)
    assert "can't post anonymously here any more" in seen and "bob" not in seen
    before = len(server.channel_messages(VENT))
    rec = await server.invoke(GUILD, GENERAL, BOB, "vent", {"text": "again"})
    assert "stopped anonymous posting" in await said(rec)
    assert len(server.channel_messages(VENT)) == before
