"""Findings of a newcomer who tried every command on a fresh clone, through the console community."""

from __future__ import annotations

# --- 1. a moderator never sees concern reports about themselves --------------------------------


async def test_a_moderator_does_not_see_reports_about_themselves(community):
    await community.text(
        ":role alice moderator",
        "/community channel purpose:alerts channel:#alerts",
        ":role dan moderator",
        ":as carol",
        '/crisis concern member:alice note:"still worried"',
    )
    mine = await community.text(":as alice", "/crisis concerns")
    assert "still worried" not in mine
    assert "carol" not in mine
    theirs = await community.text(":as dan", "/crisis concerns")
    assert "carol about alice" in theirs


async def test_a_report_about_a_moderator_without_alerts_channel_never_reaches_them(community):
    await community.text(
        ":role alice moderator",
        ":role dan moderator",
        ":as carol",
        '/crisis concern member:alice note:"still worried"',
    )
    out = await community.text(
        ":as alice", "/crisis concerns", "/community channel purpose:alerts channel:#alerts"
    )
    assert "still worried" not in out
    assert "carol" not in out
    assert "carol about alice" in await community.text(":as dan", "/crisis concerns")


# --- 4, 5. public features never post in the alerts channel -----------------------------------


async def test_public_purposes_are_refused_the_alerts_channel(community):
    await community.text(
        ":role alice moderator", "/community channel purpose:alerts channel:#alerts"
    )
    for purpose in ("checkins", "milestones", "prompts", "welcome"):
        out = await community.text(f"/community channel purpose:{purpose} channel:#alerts")
        assert "stays for alerts only" in out
    out = await community.text("/checkin 4 share:yes")
    assert "#alerts:" not in out


async def test_a_prompt_is_refused_the_alerts_channel(community):
    await community.text(
        ":role alice moderator",
        "/community channel purpose:alerts channel:#alerts",
        ":role bob facilitator",
        ":as bob",
    )
    out = await community.text(
        '/prompt add text:"hello mods" schedule:"daily 09:00" channel:#alerts'
    )
    assert "Nothing was scheduled" in out and "alerts only" in out
    assert "No prompts yet" in await community.text("/prompt list")
    assert "#alerts: hello mods" not in await community.text(":clock +1d")


async def test_a_prompt_whose_channel_becomes_the_alerts_channel_is_not_posted_there(community):
    await community.text(
        ":role alice moderator",
        ":channel mods moderators",
        '/prompt add text:"hello all" schedule:"daily 13:00" channel:#mods',
        "/community channel purpose:alerts channel:#mods",
    )
    assert "#mods: hello all" not in await community.text(":clock +2h")
