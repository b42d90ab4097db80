"""Channels, roles and members typed as text, through the real `peerbot run` process.

Options that also accept ``off`` are text on Discord, and forms (modals) only have text fields,
so moderators and members type references by hand or paste mentions. Every usual shape must
work, nothing of another kind or of nowhere may be taken, and settings show names, not ids.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.discord_e2e.conftest import (
    GENERAL,
    GUILD,
    MILESTONES,
    PROMPTS,
    BotProcess,
    query,
    write_config,
)
from tests.discord_loopback import (
    ALICE,
    BOB,
    CAROL,
    FACILITATOR_ROLE_ID,
    MOD,
    MODERATOR_ROLE_ID,
    LoopbackDiscord,
)

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


def content(message: dict) -> str:
    return message.get("content") or ""


def setting(workdir: Path, key: str) -> str | None:
    rows = query(
        workdir / "peerbot.db", "SELECT value FROM community_settings WHERE key = ?", (key,)
    )
    return rows[0][0] if rows else None


async def moderator(server: LoopbackDiscord, name: str, options: dict) -> str:
    rec = await server.invoke(GUILD, GENERAL, MOD, name, options)
    reply = await rec.wait_reply()
    assert rec.ephemeral
    return content(reply)


def needs(server: LoopbackDiscord, name: str) -> None:
    if not any(c["name"] == name for c in server.synced_commands()):
        pytest.fail(f"/{name} is not there yet (its cog has not landed)")


@pytest.mark.parametrize(
    ("typed", "channel_id", "name"),
    [
        (f"<#{GENERAL}>", GENERAL, "general"),
        ("#prompts", PROMPTS, "prompts"),
        (str(MILESTONES), MILESTONES, "milestones"),
        ("#GENERAL", GENERAL, "general"),
        (f" <#{PROMPTS}> ", PROMPTS, "prompts"),
    ],
)
async def test_a_channel_is_found_by_mention_name_or_id(
    running, server, workdir, typed, channel_id, name
):
    needs(server, "community")
    said = await moderator(server, "community channel", {"purpose": "checkins", "channel": typed})
    assert f"#{name}" in said
    assert setting(workdir, "channel.checkins") == str(channel_id)


@pytest.mark.parametrize(
    "typed", ["#nowhere", "<#999999>", f"<@&{FACILITATOR_ROLE_ID}>", f"<@{ALICE.id}>", "##"]
)
async def test_what_is_not_a_channel_here_is_refused_and_nothing_changes(
    running, server, workdir, typed
):
    needs(server, "community")
    before = setting(workdir, "channel.alerts")
    said = await moderator(server, "community channel", {"purpose": "alerts", "channel": typed})
    assert "can't find a channel" in said
    assert setting(workdir, "channel.alerts") == before


@pytest.mark.parametrize(
    ("typed", "role_id"),
    [
        (f"<@&{FACILITATOR_ROLE_ID}>", FACILITATOR_ROLE_ID),
        ("@Moderator", MODERATOR_ROLE_ID),
        (str(FACILITATOR_ROLE_ID), FACILITATOR_ROLE_ID),
        ("@moderator", MODERATOR_ROLE_ID),
        ("Facilitator", FACILITATOR_ROLE_ID),
    ],
)
async def test_a_role_is_found_by_mention_name_or_id(running, server, workdir, typed, role_id):
    needs(server, "community")
    await moderator(server, "community facilitators", {"role": typed})
    assert setting(workdir, "facilitator_role") == str(role_id)


@pytest.mark.parametrize("typed", ["@Nobody", f"<@{ALICE.id}>", f"<#{GENERAL}>", "<@&999999>"])
async def test_what_is_not_a_role_here_is_refused_and_nothing_changes(
    running, server, workdir, typed
):
    needs(server, "community")
    before = setting(workdir, "facilitator_role")
    said = await moderator(server, "community facilitators", {"role": typed})
    assert "can't find a role" in said
    assert setting(workdir, "facilitator_role") == before


async def test_settings_and_the_audit_log_show_role_names_not_ids(running, server):
    needs(server, "community")
    await moderator(server, "community facilitators", {"role": f"<@&{MODERATOR_ROLE_ID}>"})
    await moderator(server, "community facilitators", {"role": "@Facilitator"})
    shown = await moderator(server, "community show", {})
    assert "Facilitator role (Discord): @Facilitator" in shown
    audit = await moderator(server, "community audit", {})
    assert "@Moderator → @Facilitator" in audit
    for text in (shown, audit):
        assert str(FACILITATOR_ROLE_ID) not in text and str(MODERATOR_ROLE_ID) not in text


def form(command: str) -> str:
    """The custom id of a form that asks for `command`'s options (as peerbot makes them)."""
    return "pbf:" + json.dumps([command, {}], separators=(",", ":"))


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        (f"<@{BOB.id}>", BOB),
        (f"<@!{CAROL.id}>", CAROL),
        ("@bob", BOB),
        ("carol", CAROL),
        (str(BOB.id), BOB),
        ("Carol", CAROL),
    ],
)
async def test_a_member_typed_in_a_form_is_found_by_mention_name_or_id(
    running, server, workdir, typed, who
):
    needs(server, "partner")
    rec = await server.submit_modal(
        GUILD, GENERAL, ALICE, form("partner block"), {"member": typed}, validate=False
    )
    said = content(await rec.wait_reply())
    assert rec.ephemeral and who.name in said and "can't find" not in said
    blocked = query(
        workdir / "peerbot.db",
        "SELECT blocked_id FROM partner_blocks WHERE user_id = ?",
        (str(ALICE.id),),
    )
    assert (str(who.id),) in blocked


@pytest.mark.parametrize("typed", ["@nobody", "<@424242>", f"<@&{FACILITATOR_ROLE_ID}>", "#bob"])
async def test_what_is_not_a_member_here_is_refused(running, server, workdir, typed):
    needs(server, "partner")
    rec = await server.submit_modal(
        GUILD, GENERAL, MOD, form("partner block"), {"member": typed}, validate=False
    )
    assert "can't find a member" in content(await rec.wait_reply())
    blocked = query(
        workdir / "peerbot.db",
        "SELECT COUNT(*) FROM partner_blocks WHERE user_id = ?",
        (str(MOD.id),),
    )
    assert blocked == [(0,)]
