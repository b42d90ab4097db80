"""One validator per kind of value (web address, language, country), the same in every command."""

from __future__ import annotations

import pytest

from tests.harness import ConsoleCommunity


async def everything(community: ConsoleCommunity) -> list[tuple]:
    """Every stored setting and resource, to show a refusal changed nothing."""
    rows = []
    for table in (
        "community_settings",
        "member_settings",
        "crisis_community_resources",
        "partner_pool",
    ):
        found = await community.bot.db.fetchall(f"SELECT * FROM {table}")
        rows += sorted(((table, *tuple(r)) for r in found), key=repr)  # any order, both backends
    return [r for r in rows if "undelivered" not in r]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '/crisis resource add name:Riverside contact:"call 555 0100" url:http://example.org',
            "it must start with https://",
        ),
        ('/crisis resource add name:Riverside contact:"call 1" url:example.org', "https://"),
        ("/partner join alcohol language:xx", "'xx' is not a language code I know"),
        ("/community region code:UK", "Did you mean GB?"),
        ("/community region code:germany", "Did you mean DE?"),
        ("/community region code:XX", "not a country code"),
    ],
)
async def test_a_value_is_refused_the_same_way_everywhere(community, line, message):
    await community.say(":role alice moderator", ":as alice", "/timezone set zone:Europe/London")
    before = await everything(community)
    out = await community.text(line)
    assert message in out
    assert await everything(community) == before


async def test_the_same_values_are_accepted_everywhere(community):
    await community.say(":role alice moderator", ":as alice", "/timezone set zone:Europe/London")
    out = await community.text(
        '/crisis resource add name:Riverside contact:"call 1" url:https://example.org/help',
        "/partner join alcohol language:pt-BR",
        "/community region code:gb",
        "/crisis region set:UK",
    )
    assert "https://example.org/help" in out
    assert "Did you mean GB?" in out  # /crisis never refuses: it answers and suggests
    rows = await community.bot.db.fetchall("SELECT language FROM partner_pool")
    assert [r[0] for r in rows] == ["pt"]
    assert "GB" in await community.text("/community show")
