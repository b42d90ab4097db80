"""Safe sharing on the console: content warnings (/tw, reminders in channels that expect them)
and anonymous posts (/vent) with the crisis screen, relay, reveal, block, limits and privacy."""

from __future__ import annotations

import re

from cogs.crisis.watch import detect
from cogs.vent.posting import unforgeable
from tests.harness import ConsoleCommunity, posted_in

URGENT = "I'm going to kill myself tonight, I have the pills ready"


async def open_vent(c) -> None:
    """mod is a moderator; #vent takes anonymous posts and #alerts is the moderators' channel."""
    await c.say(
        ":role mod moderator",
        ":as mod",
        ":channel alerts moderators",
        ":channel general",
        "/community channel purpose:vent channel:#vent",
        "/community channel purpose:alerts channel:#alerts",
        ":as alice",
    )


def said_privately(out: str, name: str) -> str:
    """Every private message to `name` in a transcript, with its continuation lines."""
    said, mine = [], False
    for line in out.splitlines():
        if not line.startswith(" "):
            mine = line.startswith(f"(private) {name}:")
        if mine:
            said.append(line)
    return "\n".join(said)


def authors_in(out: str) -> list[str]:
    return re.findall(r"Anonymous member #(\d+)", out)


# --- content warnings -------------------------------------------------------------------------


async def test_tw_posts_the_text_hidden_with_the_authors_name_until_revealed(community):
    out = await community.text("/tw topic:drugs text:I used again last night and @everyone <b>")
    assert "#general: ⚠️ CW: drugs · from alice" in out
    assert "used again" not in out and "[hidden: :reveal 1]" in out
    assert "Posted behind a content warning (drugs)" in out
    revealed = await community.text(":reveal 1")
    assert "I used again last night and @everyone <b>" in revealed
    assert "usage: :reveal N" in await community.text(":reveal 9")


async def test_tw_without_text_offers_a_form_and_bad_values_are_refused(community):
    out = await community.text("/tw topic:drugs")
    # the console has no forms: a "Write it" button would only repeat the command (new-user pass)
    assert "Type it after the command: !tw <topic> [text]" in out and "Write it" not in out
    assert "#general" not in out
    assert "#general" not in await community.text("/tw topic:cats text:hi")
    out = await community.text("/tw topic:grief text:" + "x" * 10_000)
    assert "the limit is 4,000" in out and "#general" not in out
    out = await community.text("/tw topic:grief text:" + "y" * 60_000)
    assert "#general" not in out


async def test_a_crisis_behind_a_content_warning_still_takes_the_crisis_path(community):
    await open_vent(community)
    out = await community.text(f"/tw topic:suicide text:{URGENT}")
    assert "#general: ⚠️ CW: suicide · from alice" in out
    assert URGENT not in out.split("#alerts")[0].split("(private) alice")[0]
    private = said_privately(out, "alice")
    assert "findahelpline" in private.lower() or "emergency" in private.lower()
    assert "#alerts:" in out  # moderators hear, as for any chat message


def test_the_detector_reads_text_inside_spoilers_and_behind_a_warning():
    assert detect(URGENT).level == "urgent"
    assert detect(f"||{URGENT}||").level == "urgent"
    # found by red-teaming: a hand-typed warning label made this read as a mere concern
    assert detect(f"CW: suicide ||{URGENT}||").level == "urgent"
    assert detect(f"TW suicide: {URGENT}").level == "urgent"
    assert detect("cw: drugs, alcohol - had a beer with friends").level == "none"


async def test_a_hand_typed_warning_on_a_crisis_message_still_alerts(community):
    await open_vent(community)
    out = await community.text(f"CW: suicide ||{URGENT}||")
    assert "#alerts:" in out and "(private) alice:" in out


async def test_spoilered_chat_with_a_crisis_takes_the_crisis_path(community):
    await open_vent(community)
    out = await community.text(f"||{URGENT}||")
    assert "#alerts:" in out and "(private) alice:" in out


async def test_an_unwarned_post_in_an_expecting_channel_gets_one_private_reminder_a_day(community):
    await open_vent(community)
    await community.say(":as mod")
    out = await community.text("/tw channel channel:#general topics:drugs,alcohol")
    assert "members are asked for content warnings on: alcohol, drugs" in out
    out = await community.text("/tw channel channel:#general topics:cats")
    assert "I don't know all of those topics" in out and "self-harm" in out
    out = await community.text("/tw channel channel:#general topics:drugs,cats")
    assert "I don't know all of those topics" in out  # nothing changed: alcohol still expected
    out = await community.text(":as alice", "I was so drunk last weekend")
    assert "(private) alice: Thank you for sharing in #general" in out
    assert "!tw topic:alcohol" in out and "#general:" not in out
    assert "Thank you for sharing" not in await community.text("more vodka stories")
    assert "Thank you for sharing" not in await community.text(":as bob", "||drunk again||")
    assert "Thank you for sharing" not in await community.text("I love my cat")
    await community.say(":clock +1d")
    assert "Thank you for sharing" in await community.text(":as alice", "drinking again")


async def test_reminders_only_where_moderators_asked_and_only_moderators_ask(community):
    assert "Thank you for sharing" not in await community.text("I was so drunk")
    out = await community.text("/tw channel channel:#general topics:drugs")
    assert "Only moderators" in out


# --- anonymous posts --------------------------------------------------------------------------


async def test_vent_is_off_until_a_moderator_opens_a_channel(community):
    out = await community.text("/vent a hard day")
    assert "isn't open in this community" in out and "#" not in out.split("\n")[0][:2]


async def test_post_and_reply_as_the_same_alias_with_markup_shown_as_typed(community):
    await open_vent(community)
    out = await community.text("/vent a hard week, @everyone **bold** <b>x</b> ||spoil||")
    assert "#vent: 🕊️ Anonymous member #" in out and "· post 1" in out
    assert "@everyone **bold** <b>x</b> ||spoil||" in out
    assert "alice" not in out.split("(private)")[0]
    out2 = await community.text("/vent reply post:1 text:still here")
    assert "answering post 1" in out2 and authors_in(out2)[0] == authors_in(out)[0]
    out3 = await community.text(":as bob", "/vent reply post:1 text:as if I were them")
    assert "#vent" not in out3 and "only on a post you wrote" in out3


async def test_aliases_differ_between_members_and_change_with_the_week(community):
    await open_vent(community)
    a = authors_in(await community.text("/vent one"))[0]
    b = authors_in(await community.text(":as bob", "/vent two"))[0]
    assert a != b
    await community.say(":clock +7d")
    a2 = authors_in(await community.text(":as alice", "/vent three"))[0]
    assert a2 != a


async def test_bad_vent_input_is_refused_kindly_and_nothing_is_posted(community):
    await open_vent(community)
    out = await community.text("/vent")
    assert "Type it after the command: !vent [text]" in out and "Write it" not in out
    assert "#vent" not in out
    out = await community.text("/vent " + "x" * 10_000)
    assert "the limit is 4,000" in out and "#vent:" not in out
    out = await community.text("/vent " + "é" * 60_000)
    assert "#vent:" not in out
    out = await community.text("/vent reply post:abc text:hi")
    assert "#vent:" not in out
    out = await community.text("/vent reply post:999 text:hi")
    assert "#vent:" not in out and "There's no anonymous post 999 here." in out


async def test_urgent_anonymous_post_private_crisis_reply_alert_and_relay_without_reveal(
    community,
):
    await open_vent(community)
    out = await community.text(f"/vent {URGENT}")
    private, public = out.index("(private) alice: Your words matter"), out.index("#vent:")
    assert private < public  # the crisis reply comes first
    alert = next(line for line in out.splitlines() if line.startswith("#alerts:"))
    assert "may mean someone is in danger: post 1" in alert and "alice" not in alert
    assert "Reach out privately: type !vent reach post:1" in out
    out = await community.text(":as mod", "/vent reach post:1 text:We're here. Are you safe?")
    assert "(private) alice: A moderator is reaching out about your anonymous post 1" in out
    assert "alice" not in out.split("(private) mod:")[1]
    out = await community.text(":as alice", "/vent answer post:1 text:I called a friend")
    assert "(private) mod: The author of anonymous post 1 answered you" in out
    assert "I called a friend" in out
    assert "alice" not in out.split("(private) mod:")[1].split("(private) alice")[0]


async def test_concern_is_heard_as_for_chat_without_naming_the_author(community):
    await open_vent(community)
    out = await community.text("/vent I feel so hopeless lately, nothing matters")
    alert = out.split("#alerts:", 1)[1].split("\n")[0]
    assert "post 1" in alert and "alice" not in alert
    assert "(private) alice:" in out.split("#alerts:", 1)[0]  # the author hears privately


async def test_reveal_needs_a_reason_goes_to_the_audit_log_and_the_author_is_told(community):
    await open_vent(community)
    await community.say("/vent something")
    out = await community.text(":as mod", "/vent reveal post:1")
    assert "alice" not in out
    out = await community.text("/vent reveal post:1 reason:threats against a member")
    assert "Post 1 was written by alice" in out
    assert "(private) alice: A moderator saw who wrote your anonymous post 1, because: " in out
    audit = await community.text("/community audit")
    assert "vent.reveal post 1 → threats against a member" in audit
    assert "alice" not in audit.split("vent.reveal")[1].split("\n")[0]
    out = await community.text(":as bob", "/vent reveal post:1 reason:curious")
    assert "Only moderators" in out and "alice" not in out


async def test_block_by_post_stops_the_author_without_telling_the_moderator_who(community):
    await open_vent(community)
    await community.say("/vent first", ":as bob", "/vent bob's")
    out = await community.text(":as mod", "/vent block post:1")
    assert "can't post anonymously here any more" in out
    assert "alice" not in out.split("(private) mod:")[1]
    assert "(private) alice: A moderator has stopped anonymous posting" in out
    out = await community.text(":as alice", "/vent again")
    assert "#vent:" not in out and "stopped anonymous posting" in out
    assert "#vent:" in await community.text(":as bob", "/vent still fine")
    # deleting her data does not lift a block
    await community.say(":as alice", "/mydata delete confirm:yes")
    assert "#vent:" not in await community.text("/vent after delete")
    out = await community.text(":as mod", "/vent unblock post:1")
    assert "lifted" in out
    assert "#vent:" in await community.text(":as alice", "/vent back")


async def test_daily_limit_per_member(community):
    await open_vent(community)
    for n in range(5):
        assert "#vent:" in await community.text(f"/vent post {n}")
    out = await community.text("/vent one too many")
    assert "#vent:" not in out and "5 times in the last 24 hours" in out
    assert "#vent:" in await community.text(":as bob", "/vent bob is fine")
    await community.say(":clock +1d")
    assert "#vent:" in await community.text(":as alice", "/vent a new day")


async def test_relay_is_limited_both_ways(community):
    await open_vent(community)
    await community.say("/vent hello")
    await community.say(":as mod")
    for _ in range(10):
        await community.say("/vent reach post:1 text:hi")
    assert "the most I pass on" in await community.text("/vent reach post:1 text:hi")
    await community.say(":as alice")
    for _ in range(10):
        await community.say("/vent answer post:1 text:hi")
    out = await community.text("/vent answer post:1 text:spam")
    assert "(private) mod" not in out and "the most I pass on" in out


async def test_a_member_who_did_not_write_the_post_cannot_message_moderators(community):
    await open_vent(community)
    await community.say("/vent hello", ":as mod", "/vent reach post:1 text:hi")
    out = await community.text(":as bob", "/vent answer post:1 text:spam")
    assert "(private) mod" not in out
    mine = await community.text(":as carol", "/vent answer post:1 text:spam")
    assert out.split(": ", 1)[1] == mine.split(": ", 1)[1]  # same words: nothing to learn


async def test_remove_takes_the_post_down_and_forgets_the_author(community):
    await open_vent(community)
    await community.say("/vent to be removed")
    out = await community.text(":as mod", "/vent remove post:1")
    assert "#vent: (Anonymous post 1 was removed by a moderator.)" in out
    assert "Post 1 is removed, and who wrote it is forgotten" in out and "by hand" not in out
    assert "no longer kept" in await community.text(
        "/vent reveal post:1 reason:checking who wrote it"
    )
    # a second remove (new-user pass: it said "removed" again and was audited twice)
    again = await community.text("/vent remove post:1")
    assert "Post 1 was already removed; nothing changed." in again and "#vent:" not in again
    audit = await community.rows("SELECT action FROM community_audit WHERE action='vent.remove'")
    assert audit == [("vent.remove",)]


async def test_export_and_delete_of_the_author_link(community, tmp_path):
    await open_vent(community)
    await community.say("/vent mine", ":as bob", "/vent bobs")
    posts = (await community.export("alice"))["anonymous posts"]
    assert [p["post"] for p in posts] == [1]  # never bob's
    out = await community.text("/mydata delete confirm:yes")
    assert "Your anonymous posts stay in the channel" in out and "anonymous posts (1)" in out
    out = await community.text(":as mod", "/vent reveal post:1 reason:checking who wrote it")
    assert "no longer kept" in out
    assert "#vent: (Anonymous post 1" not in out


async def test_forget_with_remove_takes_the_authors_posts_down(community):
    await open_vent(community)
    await community.say("/vent mine")
    out = await community.text("/vent forget posts:remove")
    assert "1 anonymous post no longer linked to you and taken down" in out


async def test_the_author_link_is_forgotten_after_keep_days(community):
    await open_vent(community)
    await community.say("/vent mine")
    await community.say(":clock +31d")
    out = await community.text(":as mod", "/vent block post:1")
    assert "no longer kept" in out


async def test_vent_typed_where_others_see_it_is_refused(community):
    await open_vent(community)
    community.console.typed_in_private = lambda channel, user: False  # a shared Matrix room
    out = await community.text("/vent a secret")
    assert "#vent:" not in out and "wouldn't be anonymous" in out


async def test_author_commands_typed_where_others_see_them_are_refused(community):
    """/vent answer, /vent reply and /vent forget name the member as an author: typed in a
    shared room they are refused like /vent, and nothing is passed on, posted or forgotten."""
    await open_vent(community)
    await community.say("/vent a secret of mine")
    await community.say(":as mod", "/vent reach post:1 text:How are you?", ":as alice")
    community.console.typed_in_private = lambda channel, user: False  # a shared Matrix room
    for line in (
        "/vent answer post:1 text:not great",
        "/vent reply post:1 text:and more",
        "/vent forget posts:remove",
    ):
        out = await community.text(line)
        assert "wouldn't be anonymous" in said_privately(out, "alice"), (line, out)
        assert "not great" not in said_privately(out, "mod")
        assert "#vent:" not in out and "no longer linked" not in out
    community.console.typed_in_private = lambda channel, user: True
    out = await community.text(":as mod", "/vent block post:1")
    assert "can't post anonymously here any more" in out  # still linked: forget did nothing


# --- red team (issue 22, second look) ---------------------------------------------------------


async def test_an_urgent_post_over_the_daily_limit_still_reaches_help_and_the_moderators(
    community,
):
    """Found by red-teaming: the sixth post of a hard day, an urgent one, was refused with "try
    again tomorrow" and the moderators never heard of it."""
    await open_vent(community)
    for n in range(5):
        await community.say(f"/vent post {n}")
    out = await community.text(f"/vent {URGENT}")
    private = out.split("(private) alice:", 1)[1]
    assert "try again tomorrow" not in out.lower()
    assert "Before I post them anonymously" in private
    assert "#alerts:" in out and "may mean someone is in danger" in out
    assert "#vent: 🕊️ Anonymous member #" in out


async def test_flooding_vent_with_crisis_words_is_still_limited(community):
    """Urgent posts over the limit go out, but not without end: a flood of them stops."""
    await open_vent(community)
    for n in range(5):
        await community.say(f"/vent post {n}")
    posted = [await community.text(f"/vent {URGENT} {n}") for n in range(5)]
    assert sum("#vent:" in out for out in posted) <= 5
    assert "#vent:" not in posted[-1] and "#alerts:" not in posted[-1]
    refused = posted[-1].split("(private) alice:", 1)[1]
    assert "the most I can post for one person in a day" in refused
    assert "tomorrow" not in refused and "emergency" in refused.lower()


async def test_a_crisis_behind_a_warning_at_3am_with_nobody_on_duty_gets_the_private_reply(
    community,
):
    """A member writes their crisis inside a CW in the middle of the night; no moderator is on
    duty and no alerts channel is set: the crisis reply still comes, privately, at once."""
    await community.say(":clock 2026-03-04T03:00")
    out = await community.text(f"/tw topic:suicide text:{URGENT}")
    assert "#general: ⚠️ CW: suicide · from alice" in out
    public = [line for line in out.splitlines() if line.startswith("#general")]
    assert all("pills" not in line for line in public)
    private = "\n".join(line for line in out.splitlines() if "(private) alice" in line)
    assert private and ("988" in out or "emergency" in out.lower())


async def test_two_bot_processes_posting_at_once_never_pass_the_daily_limit(tmp_path):
    """Two processes on one database (PostgreSQL: each its own connection) count the same
    member's posts at once: the limit holds (the count is one atomic statement)."""
    import asyncio
    from datetime import date

    from storage.db import Database, MemberKey
    from storage.vent import VentStore

    first = await Database.open(tmp_path / "shared.db")
    second = await Database.open(tmp_path / "shared.db")
    try:
        key = MemberKey("console", "c1", "alice")
        stores = (VentStore(first), VentStore(second))
        for n in range(20):
            day = date(2026, 1, 1 + n % 28) if n < 28 else date(2026, 2, 1)
            results = await asyncio.gather(*(s.use(key, day, "post", 1) for s in stores * 3))
            assert sum(results) == 1, (n, results)
    finally:
        await first.close()
        await second.close()


async def test_answers_reach_only_those_who_are_moderators_now(community):
    await open_vent(community)
    await community.say("/vent a heavy week")
    await community.say(":role mod2 moderator", ":as mod", "/vent reach post:1 text:Here if needed")
    await community.say(":as mod2", "/vent reach post:1 text:Me too", ":role mod2 member")
    out = await community.text(":as alice", "/vent answer post:1 text:thank you both")
    assert "thank you both" in said_privately(out, "mod")
    assert "thank you both" not in said_privately(out, "mod2")
    await community.say(":role mod member")
    out = await community.text(":as alice", "/vent answer post:1 text:still here")
    assert "still here" not in said_privately(out, "mod")
    assert "isn't a moderator here any more, so nothing was sent" in said_privately(out, "alice")


async def test_changing_timezone_does_not_reset_the_daily_answers_or_relays(tmp_path):
    """Limits count by the UTC day: a member or moderator hopping to a zone where it is already
    tomorrow gets no fresh allowance of answers or reach-outs."""
    community = await ConsoleCommunity.create(tmp_path, config={"vent": {"relays_per_day": 1}})
    try:
        await open_vent(community)
        await community.say("/vent a heavy week")
        await community.say(":as mod", "/vent reach post:1 text:Here if needed")
        await community.say("/timezone set Pacific/Kiritimati")
        out = await community.text("/vent reach post:1 text:again")
        assert "Moderators have written 1 time in the last 24 hours about post 1" in out
        await community.say(":as alice", "/vent answer post:1 text:thanks")
        await community.say("/timezone set Pacific/Kiritimati")
        out = await community.text("/vent answer post:1 text:thanks again")
        assert "thanks again" not in said_privately(out, "mod")
        assert "You've answered 1 time in the last 24 hours" in said_privately(out, "alice")
    finally:
        await community.stop()


async def test_no_line_of_a_post_or_reply_passes_for_the_bots_header(community):
    """A member can't make a post show a second "🕊️ Anonymous member #N · post M" header: a
    line that looks like it is quoted and loses the dove (posts and replies alike)."""
    await open_vent(community)
    out = await community.text("/vent ok\n**🕊️ Anonymes Mitglied #2 · Beitrag 9** I take it back")
    body = posted_in(out, "#vent")
    assert len(re.findall("🕊", body)) == 1 and "\n> " in body, body
    out = await community.text("/vent reply post:1 text:ok\n\u200b🕊️ Anonymous member #4 · post 1")
    assert len(re.findall("🕊", posted_in(out, "#vent"))) == 1


def test_header_look_alikes_are_quoted_line_by_line():
    """Where a post keeps its line breaks (a Discord form, a Matrix message): hidden characters
    before the dove, another kind of line break, another language or separator are all caught;
    other lines stay as written."""
    text = (
        "first line stays\n"
        "\u200b🕊️ Anonymous member #1 · post 9\u2028"
        "**🕊️ Anonymes Mitglied #2 · Beitrag 9**\n"
        "Anonymous member #3 • post 9\n"
        "a dove 🕊️ in the middle stays"
    )
    assert unforgeable(text).split("\n") == [
        "first line stays",
        "> \u200b Anonymous member #1 · post 9",
        "> ** Anonymes Mitglied #2 · Beitrag 9**",
        "> Anonymous member #3 • post 9",
        "a dove 🕊️ in the middle stays",
    ]


async def test_an_urgent_answer_to_a_moderator_gets_a_crisis_reply_that_says_who_read_it(
    community,
):
    """The words went to the moderator who wrote: the crisis reply must not say "what you wrote
    stays private"."""
    await open_vent(community)
    await community.say("/vent a heavy week")
    await community.say(":as mod", "/vent reach post:1 text:How are you?")
    out = await community.text(":as alice", f"/vent answer post:1 text:{URGENT}")
    mine = said_privately(out, "alice")
    assert URGENT in said_privately(out, "mod")
    assert "stays private" not in mine, mine
    assert "I've passed your answer on" in mine and mine.count("passed your answer") == 1
    assert "Let a moderator know" in mine  # the crisis reply itself
