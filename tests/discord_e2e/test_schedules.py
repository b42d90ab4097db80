"""Scheduled work through the real process: the daily check-in post with its form button and a
scheduled prompt, both posted with no mentions. The bot's clock starts just before 09:00 UTC.

This module also runs without the Message Content intent, as a server owner may choose.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from tests.discord_e2e.conftest import (
    CHECKINS,
    GENERAL,
    GUILD,
    PROMPTS,
    BotProcess,
    query,
    write_config,
)
from tests.discord_loopback import ALICE, BOB, MOD, LoopbackDiscord

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]

# The posts fall due about 13 s after start. The instant is in the (real) past on purpose: the
# core's tick job is scheduled from the bot's clock, which must not be ahead of the wall clock.
CLOCK_START = (
    (datetime.now(UTC) - timedelta(days=1))
    .replace(hour=8, minute=59, second=47, microsecond=0)
    .isoformat()
)
PROMPT = "What is one small thing that helped today? **@everyone** <@2002>"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(server: LoopbackDiscord, workdir: Path) -> AsyncIterator[BotProcess]:
    config = write_config(
        workdir / "peerbot.toml",
        server,
        workdir / "peerbot.db",
        discord_keys={"message_content": False},
        clock_start=CLOCK_START,
    )
    proc = BotProcess(config, workdir / "peerbot.log")
    await proc.start()
    try:
        yield proc
    finally:
        await proc.stop()


def synced(server: LoopbackDiscord, name: str) -> bool:
    return any(c["name"] == name for c in server.synced_commands())


def content(message: dict) -> str:
    return message.get("content") or ""


def no_pings(message: dict) -> bool:
    return message["allowed_mentions"]["parse"] == [] and not any(message["pings"].values())


async def moderator(server: LoopbackDiscord, name: str, options: dict) -> str:
    rec = await server.invoke(GUILD, GENERAL, MOD, name, options)
    reply = await rec.wait_reply()
    assert rec.ephemeral
    return content(reply)


async def test_without_message_content_the_bot_says_so_once_and_still_runs(running, server):
    log = running.log()
    assert log.count("message_content is off") == 1
    await server.send_message(GUILD, GENERAL, BOB, "hello")
    rec = await server.invoke(GUILD, GENERAL, BOB, "about")
    assert "peerbot" in content(await rec.wait_reply())


async def test_moderators_schedule_the_daily_post_and_a_prompt(running, server):
    if not synced(server, "community") or not synced(server, "checkin-post"):
        pytest.fail("the community or check-in cog has not landed")
    for purpose, channel in (("checkins", CHECKINS), ("prompts", PROMPTS)):
        await moderator(
            server, "community channel", {"purpose": purpose, "channel": f"<#{channel}>"}
        )
    assert "09:00" in await moderator(server, "checkin-post", {"time": "09:00"})
    if synced(server, "prompt"):
        said = await moderator(server, "prompt add", {"text": PROMPT, "schedule": "daily 09:00"})
        assert "Nothing was scheduled" not in said


async def test_the_daily_post_arrives_with_no_mentions_and_its_button_opens_the_checkin_form(
    running, server, workdir
):
    if not synced(server, "checkin-post"):
        pytest.fail("the check-in cog has not landed")
    posts = await server.wait_until(
        lambda: [m for m in server.channel_messages(CHECKINS) if m["components"]],
        timeout=45,
        what="the daily post",
    )
    post = posts[0]
    assert no_pings(post) and "check" in content(post).lower()
    button = post["components"][0]["components"][0]
    press = await server.press_button(GUILD, CHECKINS, ALICE, button["custom_id"])
    modal = await press.wait_reply()
    assert (await press.wait_response())["type"] == 9
    fields = [label["component"]["custom_id"] for label in modal["components"]]
    assert fields[0] == "mood" and len(fields) <= 5

    def rows() -> int:
        return query(
            workdir / "peerbot.db",
            "SELECT COUNT(*) FROM checkins WHERE user_id = ?",
            (str(ALICE.id),),
        )[0][0]

    bad = await server.submit_modal(GUILD, CHECKINS, ALICE, modal["custom_id"], {"mood": "11"})
    assert "out of range" in content(await bad.wait_reply()) and bad.ephemeral
    assert rows() == 0
    good = await server.submit_modal(
        GUILD, CHECKINS, ALICE, modal["custom_id"], {"mood": "4", "note": "slept well"}
    )
    reply = await good.wait_reply()
    assert good.ephemeral and "Thank you for checking in" in content(reply)
    assert "slept" not in content(reply)
    assert rows() == 1
    assert [
        m for m in server.channel_messages(CHECKINS) if m["id"] != post["id"]
    ] == []  # nothing public


async def test_the_scheduled_prompt_is_posted_with_no_mentions(running, server):
    if not synced(server, "prompt"):
        pytest.fail("the prompts cog has not landed")
    posted = await server.wait_until(
        lambda: server.channel_messages(PROMPTS), timeout=45, what="the prompt"
    )
    assert no_pings(posted[0])
    assert "What is one small thing that helped today?" in content(posted[0])
    assert "@everyone" not in content(posted[0]) and "**@" not in content(posted[0])
