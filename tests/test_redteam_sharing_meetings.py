"""Red team of safe sharing and meetings (issues 22 and 23), through the console community:
each test pins an attack that worked before its fix."""

from __future__ import annotations

import re


async def open_vent(c) -> None:
    """mod moderates; #vent takes anonymous posts, #alerts is the moderators' channel."""
    await c.say(
        ":role mod moderator",
        ":as mod",
        ":channel alerts moderators",
        ":channel general",
        "/community channel purpose:vent channel:#vent",
        "/community channel purpose:alerts channel:#alerts",
        ":as alice",
    )


def alias_of(out: str) -> str:
    (found,) = re.findall(r"#vent: 🕊️ Anonymous member #(\d+)", out)
    return found


async def test_a_reply_a_week_later_does_not_tie_this_weeks_alias_to_last_weeks(community):
    """Replying to last week's post showed this week's alias "answering post 1", so everyone
    could tie all of the member's posts this week to last week's: the weekly alias was undone."""
    await open_vent(community)
    last_week = alias_of(await community.text("/vent a hard week"))
    await community.say(":clock +7d")
    this_week = alias_of(await community.text("/vent a new week, new worries"))
    assert this_week != last_week
    reply = await community.text("/vent reply post:1 text:still here, a week on")
    assert "answering post 1" in reply
    assert alias_of(reply) == last_week  # the same alias as the post it answers
    assert alias_of(await community.text("/vent and today")) == this_week
