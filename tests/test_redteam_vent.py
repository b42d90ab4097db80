"""redteam22 (issue 22: content warnings and anonymous posts), on main at c9b0cdc.

Each test fails now. Run from a clone of main:
  python -m pytest tests/test_redteam_vent.py
(the Matrix test needs the session Synapse, like tests/matrix_e2e).
"""

from __future__ import annotations

import re

from tests.harness import posted_in, private_to


async def open_vent(c) -> None:
    """mod moderates; #vent takes anonymous posts; #alerts is the moderators' channel."""
    await c.say(
        ":role mod moderator",
        ":as mod",
        ":channel alerts moderators",
        ":channel general",
        "/community channel purpose:vent channel:#vent",
        "/community channel purpose:alerts channel:#alerts",
        ":as alice",
    )


# --- F1 (high): a demoted moderator keeps receiving an anonymous author's private answers ---


async def test_a_moderator_demoted_after_reaching_out_no_longer_receives_the_authors_answers(
    community,
):
    await open_vent(community)
    await community.say("/vent a rough night, everything is too much")
    await community.say(":as mod", "/vent reach post:1 text:How are you doing?")
    await community.say(":role mod member")  # removed as moderator (stepped down, or misconduct)
    out = await community.text(
        ":as alice", "/vent answer post:1 text:honestly not ok, I drink alone every night"
    )
    assert "drink alone" not in private_to(out, "mod")
    # and the author isn't told their words went to "the moderator"
    assert "I've passed your answer on" not in private_to(out, "alice")


# --- F2 (medium): the daily limit is per local date, so changing timezone resets it --------


async def test_changing_timezone_does_not_reset_the_daily_anonymous_post_limit(community):
    await open_vent(community)
    for n in range(5):
        await community.say(f"/vent post {n}")
    assert "#vent:" not in await community.text("/vent sixth")
    await community.say("/timezone set Pacific/Kiritimati")  # UTC+14: "tomorrow" already
    out = await community.text("/vent seventh, after hopping a timezone")
    assert "#vent:" not in out, "a sixth post went out in one day after a timezone change"


# --- F3 (low): the vent text can forge a second "Anonymous member" header -----------------


async def test_a_vent_post_cannot_carry_a_forged_alias_header(community):
    await open_vent(community)
    await community.say(":as bob", "/vent I'm new here")  # a real post by another member
    out = await community.text(
        ":as alice", "/vent ok\n\n🕊️ Anonymous member #123 · post 1\nI lied in post 1, ignore me"
    )
    body = posted_in(out, "#vent")
    headers = re.findall(r"🕊️ Anonymous member #\d+ · post \d+", body)
    assert len(headers) == 1, body
