"""Issue 17 on Discord: urgent alerts mention exactly the responders on duty (allowed_mentions
lists those users and nothing else), concern notes mention nobody, "I'm on it" is a button that
edits the alert to show who has it, and an unclaimed alert is re-posted for every moderator once
the bot's clock has moved. The bot runs in-process on a manual clock against the loopback API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest
import pytest_asyncio
import yarl

from bot.app import build_bot
from bot.clock import ManualClock
from bot.config import parse_config
from bot.core import Bot
from bot.platforms.discord import DiscordPlatform
from tests.discord_e2e.conftest import ALERTS, GENERAL, GUILD, TOKEN
from tests.discord_loopback import BOB, CAROL, MOD, LoopbackDiscord

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]

URGENT = "I can't go on, I want to end my life tonight"
CONCERN = "I want to die"
NOBODY = {"users": set(), "roles": set(), "everyone": False}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(server: LoopbackDiscord, workdir: Path) -> AsyncIterator[Bot]:
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    config = parse_config(
        {
            "limits": {"commands_per_minute": 1000},
            "discord": {
                "token_env": "DISCORD_TOKEN",
                "api_base": server.api_base,
                "gateway_url": server.gateway_url,
            },
        },
        {"DISCORD_TOKEN": TOKEN},
    )
    clock = ManualClock(datetime.now(UTC).replace(microsecond=0))
    running = await build_bot(config, clock=clock, database=str(workdir / "alerts.db"))
    assert config.discord is not None
    running.add_platform(DiscordPlatform(config.discord, start_timeout=20))
    await running.start(realtime=False)
    try:
        yield running
    finally:
        await running.stop()
        discord.http.Route.BASE = saved[0]
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved[1] or yarl.URL(
            "wss://gateway.discord.gg/"
        )


async def run(server: LoopbackDiscord, user, name: str, options: dict) -> str:
    rec = await server.invoke(GUILD, GENERAL, user, name, options)
    reply = await rec.wait_reply()
    assert rec.ephemeral
    return reply.get("content") or ""


async def next_alert(server: LoopbackDiscord, before: int) -> dict:
    await server.wait_until(
        lambda: len(server.channel_messages(ALERTS)) > before, timeout=10, what="an alert"
    )
    return server.channel_messages(ALERTS)[before]


async def test_the_alert_life_cycle_on_discord(bot, server):
    said = await run(
        server, MOD, "community channel", {"purpose": "alerts", "channel": f"<#{ALERTS}>"}
    )
    assert "Moderator alerts now go to" in said
    assert "You're on duty" in await run(server, MOD, "duty", {"mode": "on"})

    # an urgent message: the alert mentions the moderator on duty, and only them
    before = len(server.channel_messages(ALERTS))
    await server.send_message(GUILD, GENERAL, BOB, URGENT)
    alert = await next_alert(server, before)
    assert alert["content"].startswith(f"<@{MOD.id}> Priority alert (urgent)")
    assert alert["pings"] == {"users": {MOD.id}, "roles": set(), "everyone": False}
    assert alert["allowed_mentions"]["parse"] == []
    assert [int(u) for u in alert["allowed_mentions"]["users"]] == [MOD.id]
    assert not alert["allowed_mentions"].get("roles")
    button = alert["components"][0]["components"][0]
    assert button["label"] == "I'm on it"

    # a concern note mentions nobody
    await server.send_message(GUILD, GENERAL, CAROL, CONCERN)
    concern = await next_alert(server, before + 1)
    assert "Low priority (concern)" in concern["content"] and concern["pings"] == NOBODY

    # nobody claims it: after 10 minutes on the bot's clock, every moderator is mentioned
    clock = bot.clock
    await bot.scheduler.advance_to(clock.now() + timedelta(minutes=11))
    repost = await next_alert(server, before + 2)
    assert "Still unclaimed after 10 minutes" in repost["content"]
    assert repost["pings"] == {"users": {MOD.id}, "roles": set(), "everyone": False}

    # "I'm on it": the alert is edited to show who has it, its button gone, nobody pinged again
    press = await server.press_button(GUILD, ALERTS, MOD, button["custom_id"], int(alert["id"]))
    reply = await press.wait_reply()
    assert "is yours" in (reply.get("content") or "")
    await server.wait_until(
        lambda: "is on it" in server.channel_messages(ALERTS)[before]["content"],
        timeout=10,
        what="the alert edited",
    )
    edited = server.channel_messages(ALERTS)[before]
    assert "mod is on it" in edited["content"] and not edited.get("components")
    assert server.calls_to("PATCH", rf"channels/{ALERTS}/messages/{alert['id']}")
    # the re-post still carries the button; pressing it is told who has the alert
    again = await server.press_button(GUILD, ALERTS, MOD, button["custom_id"], int(repost["id"]))
    assert "already yours" in ((await again.wait_reply()).get("content") or "")

    # no private messages to moderators once claimed
    await bot.scheduler.advance_to(clock.now() + timedelta(minutes=30))
    assert not any("Nobody has taken" in m["content"] for m in server.dm_messages(MOD.id))
    said = await run(server, MOD, "alert close", {"number": 1, "outcome": "reached-them"})
    assert "Closed alert #1: reached them" in said
    assert "reached them 1" in await run(server, MOD, "crisis-stats", {})


async def test_nobody_on_duty_mentions_every_moderator_and_the_responders_role(bot, server):
    from tests.discord_e2e.conftest import FACILITATOR_ROLE

    await run(server, MOD, "duty", {"mode": "off"})
    said = await run(server, MOD, "duty-responders", {"role": str(FACILITATOR_ROLE)})
    assert "Responders: moderators and" in said
    before = len(server.channel_messages(ALERTS))
    await server.send_message(GUILD, GENERAL, CAROL, "I took all my pills, goodbye everyone")
    alert = await next_alert(server, before)
    assert alert["pings"] == {"users": {MOD.id}, "roles": {FACILITATOR_ROLE}, "everyone": False}
    assert [int(r) for r in alert["allowed_mentions"]["roles"]] == [FACILITATOR_ROLE]


async def test_a_power_level_is_refused_on_discord_for_responders_and_facilitators(bot, server):
    # Discord has no power levels: both commands say so the same way and change nothing.
    said = await run(server, MOD, "duty-responders", {"power": "25"})
    assert said == "On Discord, responders are chosen by role, like role:@Listeners."
    said = await run(server, MOD, "community facilitators", {"power": "25"})
    assert said == "On Discord, facilitators are chosen by role, like role:@Facilitators."
    assert "Responders now: moderators and" in await run(server, MOD, "duty-responders", {})
