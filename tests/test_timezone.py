"""/timezone set and /timezone show through the console community."""

from __future__ import annotations

import pytest

from bot.cog import Cog, listener


async def member_zone(community, user: str = "alice") -> str | None:
    rows = await community.bot.db.fetchall(
        "SELECT value FROM member_settings WHERE user_id = ? AND key = 'timezone'", (user,)
    )
    return rows[0][0] if rows else None


async def test_set_and_show(community):
    out = await community.text("/timezone set zone:America/New_York")
    # 2026-11-02 12:00 UTC is 07:00 in New York
    assert out.startswith(
        "(private) alice: Your timezone is now America/New_York (it's 07:00 on Mon 02 Nov"
    )
    assert await member_zone(community) == "America/New_York"
    out = await community.text("/timezone show")
    assert "(private) alice: Your timezone is America/New_York; it's 07:00" in out


async def test_show_without_a_zone_names_the_community_zone(tmp_path):
    from tests.harness import ConsoleCommunity

    c = await ConsoleCommunity.create(tmp_path, config={"bot": {"timezone": "Europe/Berlin"}})
    try:
        out = await c.text("/timezone show")
        assert "the community's: Europe/Berlin" in out and "13:00" in out and "!timezone set" in out
    finally:
        await c.stop()


async def test_zone_is_per_member(community):
    await community.say("/timezone set zone:Asia/Tokyo", ":as bob")
    out = await community.text("/timezone show")
    assert "(private) bob: You haven't set a timezone" in out


async def test_unknown_zone_offers_a_close_match(community):
    out = await community.text("/timezone set zone:Europe/Londn")
    assert "Did you mean Europe/London" in out
    assert await member_zone(community) is None


BAD_ZONES = [
    "Mars/Olympus",
    "+02:00",
    "UTC+2",
    '"   "',
    "x" * 10_000,
    "@everyone",
    '"<script>alert(1)</script>"',
    "../../etc/passwd",
    '"Europe/London\'; DROP TABLE member_settings;--"',
]


@pytest.mark.parametrize("zone", BAD_ZONES, ids=[z[:20] for z in BAD_ZONES])
async def test_bad_zones_are_refused_and_nothing_changes(community, zone):
    await community.say("/timezone set zone:Europe/Paris")
    out = await community.text(f"/timezone set zone:{zone}")
    assert out.startswith("(private) alice: ")
    assert "error id" not in out and "timezone" in out.lower()
    assert await member_zone(community) == "Europe/Paris"


async def test_missing_zone_shows_usage(community):
    out = await community.text("/timezone set")
    assert "Zone is missing" in out and "Usage: !timezone set <zone>" in out


async def test_setting_a_zone_tells_cogs_that_schedule_per_member(community):
    seen = []

    class Listener(Cog):
        name = "listener"

        @listener("member_timezone_changed")
        async def changed(self, ctx, user_id, zone):
            seen.append((user_id, zone))

    await community.bot.add_cog(Listener(community.bot))
    await community.say("/timezone set zone:Asia/Tokyo", "/timezone set zone:Asia/Tokyo")
    assert seen == [("alice", "Asia/Tokyo")]  # only a real change is announced


async def test_timezone_off_returns_to_the_community_zone_and_bare_timezone_shows_it(community):
    await community.say(":role alice moderator", "/community timezone Asia/Tokyo")
    await community.say(":as bob", "/timezone set zone:Europe/Paris")
    out = await community.text("/timezone")
    assert "Your timezone is Europe/Paris" in out
    out = await community.text("/timezone set zone:off")
    assert "the community's timezone, Asia/Tokyo" in out
    rows = await community.bot.db.fetchall(
        "SELECT * FROM member_settings WHERE user_id = 'bob' AND key = 'timezone'"
    )
    assert rows == []
    out = await community.text("/timezone")
    assert "You haven't set a timezone, so I use the community's: Asia/Tokyo" in out


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("EST", "EST has no daylight saving; did you mean America/New_York?"),
        ("MST", "MST has no daylight saving; did you mean America/Denver or America/Phoenix?"),
        ("PST", "did you mean America/Los_Angeles?"),
        ("EST5EDT", "did you mean America/New_York?"),
    ],
)
async def test_abbreviations_and_fixed_offsets_get_a_hint_and_change_nothing(community, name, hint):
    out = await community.text(f"/timezone set zone:{name}")
    assert hint in out
    rows = await community.bot.db.fetchall("SELECT * FROM member_settings WHERE key = 'timezone'")
    assert rows == []
