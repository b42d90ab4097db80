"""Facilitators, crisis responders and peer supporters are chosen by one shared handling
(bot/access.py): never everyone, the kind that fits the platform, every change audited."""

from __future__ import annotations

import pytest

from tests.harness import ConsoleCommunity, private_to

COMMANDS = {
    "/community facilitators": ("facilitator_power", "Facilitators can't be everyone"),
    "/duty responders": ("crisis.responders", "Responders can't be everyone"),
    "/community supporters": ("support.supporters", "Supporters can't be everyone"),
}


async def settings(c: ConsoleCommunity) -> dict[str, str]:
    return await c.bot.community_settings.all("console", "console")


@pytest.mark.parametrize("command", list(COMMANDS))
async def test_everyone_is_refused_and_nothing_changes(community, command):
    await community.as_moderator("alice")
    key, refusal = COMMANDS[command]
    for typed in ("power:0", "role:@console"):  # level 0 on Matrix; the everyone role's id
        out = private_to(await community.say(f"{command} {typed}"), "alice")
        assert refusal in out and "Nothing changed." in out
    assert key not in await settings(community)
    assert await community.rows("community_audit") == []


@pytest.mark.parametrize("command", list(COMMANDS))
async def test_a_real_group_is_stored_with_its_audit_row(community, command):
    await community.as_moderator("alice")
    key, _ = COMMANDS[command]
    out = private_to(await community.say(f"{command} power:25"), "alice")
    assert out.startswith("Done.")
    assert (await settings(community))[key] == "25"
    audit = await community.rows("SELECT action, old_value, new_value FROM community_audit")
    assert audit == [(key, None, "25")]
