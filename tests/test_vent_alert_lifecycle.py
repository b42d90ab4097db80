"""Issue 22: an anonymous post that worries the crisis detector gets what ordinary chat gets
(the urgent alert's pings, "I'm on it", re-post and private ask; for concern the chat's private
reply and a tracked low-priority alert), without ever naming its author; and a moderator who
reveals or blocks is told the truth about whether the author heard of it."""

from __future__ import annotations

from tests.harness import posted_in, private_to

URGENT = "I'm going to kill myself tonight, I have the pills ready"
CONCERN = "I feel so hopeless lately, nothing matters"


async def open_vent(c) -> None:
    await c.say(
        ":role mod moderator",
        ":as mod",
        ":channel alerts moderators",
        ":channel general",
        "/community channel purpose:vent channel:#vent",
        "/community channel purpose:alerts channel:#alerts",
        ":as alice",
    )


async def author_id(c, number: int) -> str:
    rows = await c.rows("SELECT user_id FROM vent_authors WHERE number=?", (number,))
    return rows[0][0]


async def test_an_urgent_anonymous_alert_is_followed_up_like_any_urgent_alert(community):
    """From the audit: pinged, claimable, re-posted after 10 minutes unclaimed."""
    await open_vent(community)
    out = await community.text(f"/vent {URGENT}")
    alert = out.split("#alerts:", 1)[1]
    assert "@mod" in alert  # nobody on duty: every moderator is mentioned
    assert "claim" in alert  # "I'm on it"
    later = await community.text(":clock +15m")
    assert "Still unclaimed" in later and "post 1" in later


async def test_the_urgent_anonymous_alert_runs_its_course_without_naming_the_author(community):
    await open_vent(community)
    out = await community.text(f"/vent {URGENT}")
    author = await author_id(community, 1)
    alert = posted_in(out, "#alerts")
    assert alert.startswith("@mod ")
    assert "An anonymous post may mean someone is in danger: post 1 in #vent" in alert
    assert "Alert #1. When it's handled: !alert close 1" in alert
    assert "Reach out privately: type !vent reach post:1" in alert  # the relay stays
    assert "I'm on it: type !alert claim number:1" in alert
    assert "alice" not in alert and author not in alert
    # the alert kept for the moderators names nobody
    (row,) = await community.rows("SELECT * FROM crisis_alerts")
    assert "alice" not in repr(row) and author not in repr(row)
    listed = await community.text(":as mod", "/crisis concerns")
    assert "Alert #1" in listed and "alice" not in listed
    # unclaimed: re-posted for every moderator at 10 minutes, with the relay still there
    out = await community.text(":clock +10m")
    repost = posted_in(out, "#alerts")
    assert "Still unclaimed after 10 minutes: alert #1" in repost and "@mod" in repost
    assert "post 1" in repost and "vent reach post:1" in repost and "alice" not in repost
    # and written to every moderator privately at 30
    out = await community.text(":clock +20m")
    ask = private_to(out, "mod")
    assert "Nobody has taken urgent alert #1 in 30 minutes" in ask and "post 1" in ask
    assert "alice" not in ask and author not in ask
    # it can be taken and closed like any alert; the one who takes it can reach the author
    out = await community.text("/alert claim 1")
    assert "Alert #1 is yours" in out and "vent reach post:1" in out
    assert "alice" not in out
    out = await community.text("/alert close 1 outcome:reached-them")
    assert "Closed alert #1: reached them" in out


async def test_an_urgent_anonymous_alert_goes_to_who_is_on_duty(community):
    await open_vent(community)
    await community.say(":role bob moderator", ":as bob", "/duty on", ":as alice")
    alert = posted_in(await community.text(f"/vent {URGENT}"), "#alerts")
    assert alert.startswith("@bob ") and "@mod" not in alert


async def test_a_worrying_anonymous_post_gets_what_ordinary_chat_gets(community):
    """From the audit: "Concern: as for ordinary chat"."""
    await open_vent(community)
    out = await community.text(f"/vent {CONCERN}")
    private = "\n".join(line for line in out.splitlines() if "(private) alice" in line) + out
    assert "findahelpline" in private.lower()  # the same resources as for chat
    assert "claim" in out.split("#alerts:", 1)[1]


async def test_a_worrying_anonymous_post_the_chat_reply_and_a_tracked_alert(community):
    await open_vent(community)
    chat = private_to(await community.text(f"#general {CONCERN}"), "alice")
    await community.say(":clock +1d")  # the chat reply comes at most once a day
    out = await community.text(f"/vent {CONCERN}")
    author = await author_id(community, 1)
    reply = private_to(out, "alice")
    assert chat.split("\n")[0] in reply  # the very reply chat gets
    assert "Let a moderator know: type !crisis notify" in reply
    alert = posted_in(out, "#alerts")
    assert "An anonymous post sounds like its author is having a hard time: post 1" in alert
    assert "@" not in alert  # low priority: nobody is pinged
    assert "I'm on it: type !alert claim number:" in alert and "vent reach post:1" in alert
    assert "alice" not in alert and author not in alert
    rows = await community.rows("SELECT * FROM crisis_alerts WHERE user_id IS NULL")
    assert len(rows) == 1 and "alice" not in repr(rows) and author not in repr(rows)
    number = rows[0][0]
    out = await community.text(":as mod", f"/alert claim {number}")
    assert f"Alert #{number} is yours" in out
    out = await community.text(f"/alert close {number} outcome:resources-sent")
    assert f"Closed alert #{number}" in out
    # nothing escalates a low-priority alert
    assert "#alerts" not in await community.text(":clock +1h")


async def test_reveal_does_not_say_the_author_was_told_when_they_could_not_be(community):
    """From the audit: the private message failed (the member left)."""
    await open_vent(community)
    await community.say("/vent hello", ":as mod", ":leave alice")
    out = await community.text("/vent reveal post:1 reason:threats against a member")
    assert "told them privately" not in out


async def test_reveal_and_block_say_whether_the_author_heard(community):
    await open_vent(community)
    await community.say("/vent hello", "/vent again", ":as mod")
    out = await community.text("/vent reveal post:1 reason:threats against a member")
    assert "told them privately" in out
    await community.say(":leave alice")
    out = await community.text("/vent reveal post:1 reason:threats against a member")
    assert "Post 1 was written by" in out and "audit log" in out
    assert "couldn't tell them" in out
    out = await community.text("/vent block post:2")
    assert "can't post anonymously here any more" in out and "couldn't tell them" in out


async def test_a_moderator_in_crisis_posting_anonymously_is_never_pinged_or_asked_about_it(
    community,
):
    """Red-team finding: the author of an urgent anonymous post who is a moderator was pinged
    about their own post, asked privately at 30 minutes, and could take it and close it as a
    false alarm, hiding it from the others. Now the alert keeps them out (a salted hash, never
    their id) and still names nobody."""
    await open_vent(community)
    await community.say(":role dana moderator", ":as dana")
    out = await community.text(f"/vent {URGENT}")
    alert = posted_in(out, "#alerts")
    assert "@mod" in alert and "@dana" not in alert
    (row,) = await community.rows("SELECT * FROM crisis_alerts")
    assert "dana" not in repr(row)
    out = await community.text("/alert claim number:1")
    assert "Alert #1 is about you" in out
    out = await community.text("/alert close 1 outcome:false-alarm")
    assert "Alert #1 is about you" in out
    later = await community.text(":clock +10m")
    assert "Still unclaimed" in later and "@dana" not in posted_in(later, "#alerts")
    later = await community.text(":clock +20m")
    assert private_to(later, "mod") and not private_to(later, "dana")
    taken = await community.text(":as mod", "/alert claim number:1")
    assert "Alert #1 is yours" in taken  # another moderator takes it
