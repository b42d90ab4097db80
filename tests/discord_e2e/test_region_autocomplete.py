"""Region autocomplete on Discord: the codes come from the crisis feature's declared service
``crisis.region_codes`` (the adapter never looks into cogs), through the loopback Discord API."""

from __future__ import annotations

import pytest

from tests.discord_e2e.conftest import GENERAL, GUILD
from tests.discord_loopback import ALICE, MOD

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]


async def suggest(server, user, command: str, option: str, typed: str) -> list[str]:
    """The values Discord would show under `option` of /`command` (`a b` is a subcommand)."""
    name, *sub = command.split()
    await server.wait_commands_synced()
    schema = next(c for c in server.synced_commands() if c["name"] == name)
    options = [{"name": option, "type": 3, "value": typed, "focused": True}]
    if sub:
        options = [{"name": sub[0], "type": 1, "options": options}]
    data = {"id": schema["id"], "name": name, "type": 1, "options": options}
    rec = server._deliver(4, GUILD, GENERAL, user, data, None, (), True)
    response = await rec.wait_response()
    assert response["type"] == 8  # APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
    return [c["value"] for c in response["data"]["choices"]]


async def test_crisis_region_offers_the_countries_with_crisis_lines(inproc):
    offered = await suggest(inproc.server, ALICE, "crisis", "region", "g")
    assert "GB" in offered and all(code.startswith("G") for code in offered)
    assert await suggest(inproc.server, ALICE, "crisis", "region", "U") == [
        code for code in inproc.bot.services.get("crisis.region_codes")() if code.startswith("U")
    ]


async def test_an_empty_region_box_in_crisis_region_lists_countries(inproc):
    offered = await suggest(inproc.server, ALICE, "crisis-region", "set", "")
    assert "GB" in offered and len(offered) == 25  # Discord shows at most 25


async def test_community_region_offers_the_same_codes(inproc):
    assert "DE" in await suggest(inproc.server, MOD, "community region", "code", "d")


async def test_two_letters_without_crisis_lines_are_offered_back(inproc):
    assert await suggest(inproc.server, ALICE, "crisis", "region", "zz") == ["ZZ"]
