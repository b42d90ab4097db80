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


URGENT = "I'm going to kill myself tonight, I have the pills ready"


async def test_the_crisis_reply_to_an_urgent_anonymous_post_does_not_promise_secrecy(community):
    """At 3 a.m. an urgent /vent brought the crisis reply saying "What you wrote stays private:
    moderators hear only if you choose" and, a moment later, "The moderators were told": a
    promise broken in front of someone in crisis. The reply now says what will happen."""
    await open_vent(community)
    await community.say("/crisis region set:GB", ":clock 2026-11-03T03:00")
    out = await community.text(f"/vent {URGENT}")
    assert "#alerts:" in out  # the moderators are told, as the docs say
    crisis_reply = out.split("(private) alice:", 1)[1].split("#vent:", 1)[0]
    assert "999" in crisis_reply
    assert "stays private" not in crisis_reply
    assert "moderators" in crisis_reply and "never who wrote it" in crisis_reply


async def test_a_meeting_cannot_be_held_in_a_channel_members_cannot_read(community):
    """A facilitator planned a meeting "in" the moderators' private channel: members were sent
    to a place they can't open, and without a meetings channel "the room is open" and the
    cancellations were posted among the moderators."""
    await community.say(
        ":role mod moderator",
        ":role fran facilitator",
        ":as mod",
        ":channel modchat moderators",
        ":channel general",
        ":as fran",
    )
    out = await community.text(
        '/meeting add title:Circle when:"weekly sun 19:00" length:60 where:#modchat'
    )
    assert "Meeting #1 is planned" not in out and "members can't" in out
    assert await community.rows("meetings") == []
    out = await community.text(
        '/meeting add title:Circle when:"weekly sun 19:00" length:60 where:#general'
    )
    assert "Meeting #1 is planned" in out
    out = await community.text("/meeting edit 1 where:#modchat")
    assert "is updated" not in out and "members can't" in out
    assert "#modchat" not in await community.text(":clock 2026-11-08T19:00")


async def test_the_relay_limit_is_per_post_not_per_moderator(community):
    """ "relays_per_day (10) private messages a day each way per post": each moderator had their
    own ten, so a team of moderators could send the author of one post ten times as many."""
    await open_vent(community)
    await community.say("/vent hello", ":role mod2 moderator", ":as mod")
    for n in range(6):
        await community.say(f"/vent reach post:1 text:hi {n}")
    out = await community.text(
        ":as mod2", *(f"/vent reach post:1 text:again {n}" for n in range(6))
    )
    assert out.count("(private) alice: A moderator is reaching out") == 4
    assert "the most I pass on" in out


async def test_a_worrying_anonymous_post_brings_the_member_kind_words_and_moderators_an_alert(
    community,
):
    """vent's texts defined CONCERN twice, the moderators' alert overwriting the member's kind
    words, and ALERT_CONCERN not at all: the author of a worrying post was told "an anonymous
    post sounds like its author is having a hard time" and the moderators' alert failed."""
    await open_vent(community)
    out = await community.text("/vent I feel so hopeless lately, nothing matters")
    alice = "\n".join(x for x in out.splitlines() if x.startswith("(private) alice"))
    assert "It sounded like things might be heavy today" in alice  # chat's own reply (issue 22)
    assert "having a hard time" not in alice
    assert "#alerts: An anonymous post sounds like its author is having a hard time" in out
    assert "alice" not in out.split("#alerts:")[1].split("\n")[0]
