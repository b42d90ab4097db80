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
