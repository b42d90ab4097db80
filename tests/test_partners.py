"""Accountability partners through the console community: what members and moderators see."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from tests.harness import ConsoleCommunity, private_messages

PARTNER_TABLES = (
    "partner_pool",
    "partner_proposals",
    "partner_proposal_members",
    "partnerships",
    "partnership_members",
    "partner_blocks",
    "partner_sos",
    "partner_notices",
    "partner_schedules",
)

MEMBER_SETTINGS = (
    "SELECT user_id, key, value FROM member_settings WHERE key != 'undelivered' "
    "ORDER BY user_id, key"
)
INJECTION = "**bold** <b>x</b> [link](http://x.example) '); DROP TABLE partner_pool;--"


async def join(community, name: str, zone: str = "Europe/London", options: str = "alcohol") -> str:
    """A member sets their zone and joins the pool; returns what they saw on joining."""
    await community.say(f":as {name}", f"/timezone set {zone}")
    return await community.text(f"/partner join {options}")


async def as_moderator(community, *lines: str) -> str:
    """Run lines as the moderator mod."""
    return await community.text(":role mod moderator", ":as mod", *lines)


async def paired(community, a: str = "bob", b: str = "carol") -> None:
    """Two members join, the moderator matches them, both accept."""
    await join(community, a)
    await join(community, b, "Europe/Paris")
    await as_moderator(community, "/partner match")
    await community.say(f":as {a}", "/partner accept", f":as {b}", "/partner accept")


# --- the whole flow ---------------------------------------------------------------------------


async def test_join_match_consent_introduction_and_kind_ending(community):
    out = await join(
        community,
        "bob",
        options='alcohol intro:"Day 40, evenings are hard" frequency:daily language:en',
    )
    assert out.startswith("(private) bob: You're in the pool 🌱")
    await join(community, "carol", "Europe/Paris", "alcohol frequency:daily language:en")

    out = await as_moderator(community, "/partner match")
    assert "(private) mod: Proposed 1 pair; each member was asked privately" in out
    [to_carol] = private_messages(out, "carol")
    assert "A possible accountability partner for you: bob." in to_carol
    assert "Day 40, evenings are hard" in to_carol
    assert "They're 1 hour behind you." in to_carol
    assert "Accept: type !partner accept proposal:1" in to_carol
    [to_bob] = private_messages(out, "bob")
    assert "carol" in to_bob and "1 hour ahead of you" in to_bob
    assert "#" not in out.split(":", 1)[0]  # nothing public

    # Consent: one yes introduces nobody.
    out = await community.text(":as bob", "!partner accept")
    assert "noted your yes" in out
    assert "accountability partners" not in out
    assert private_messages(out, "carol") == []

    out = await community.text(":as carol", "!partner accept proposal:1")
    assert "(private) carol: 🌱 You and bob are now accountability partners." in out
    assert "(private) bob: 🌱 You and carol are now accountability partners." in out
    # a private space for just the two of them, and nothing anywhere else
    assert "(private group: bob, carol): 🌱 Welcome, bob and carol." in out
    assert "I've opened a private space for you to talk." in out
    assert not [line for line in out.splitlines() if line.startswith("#")]

    out = await community.text("/partner status")
    assert "(private) carol: Your accountability partner: bob, since 2026-11-02." in out

    out = await community.text(":as bob", '/partner end reason:"we never talked"')
    assert "(private) bob: Your partnership with carol has ended." in out
    to_carol = private_messages(out, "carol")
    assert to_carol and "Your accountability partnership with bob has ended" in to_carol[0]
    assert "never talked" not in out.replace("(private) bob", "")  # the reason goes nowhere
    assert "never talked" not in json.dumps(
        await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    )

    # Both may rejoin; the pair is not proposed again within 90 days.
    await community.say("/partner join alcohol", ":as carol", "/partner join alcohol")
    out = await as_moderator(community, "/partner match")
    assert "No new matches this time" in out
    assert private_messages(out, "bob") == [] and private_messages(out, "carol") == []


async def test_four_members_make_two_pairs_by_compatibility(community):
    await join(community, "bob", "Europe/London", "gambling language:en")
    await join(community, "carol", "Asia/Tokyo", "food language:ja")
    await join(community, "dave", "Europe/Dublin", "gambling language:en")
    await join(community, "erin", "Asia/Tokyo", "food language:ja")
    out = await as_moderator(community, "/partner match")
    assert "Proposed 2 pairs" in out
    assert "for you: dave." in private_messages(out, "bob")[0]
    assert "for you: erin." in private_messages(out, "carol")[0]


async def test_a_decline_is_held_until_the_proposal_closes_and_worded_like_silence(community):
    await join(community, "bob")
    await join(community, "carol")
    await join(community, "dave")
    await join(community, "erin")
    await as_moderator(community, "/partner match")
    pairs: dict[int, list[str]] = {}
    for proposal_id, user_id in await community.bot.db.fetchall(
        "SELECT proposal_id, user_id FROM partner_proposal_members"
    ):
        pairs.setdefault(proposal_id, []).append(user_id)
    assert sorted(sorted(p) for p in pairs.values()) == [["bob", "carol"], ["dave", "erin"]]
    # bob and dave say yes; carol says no, erin never answers
    await community.say(":as bob", "/partner accept", ":as dave", "/partner accept")
    out = await community.text(":as carol", "/partner decline")
    assert "(private) carol: Thanks for letting me know" in out and "Nobody is told" in out
    assert private_messages(out, "bob") == []  # not told the moment carol says no
    out = await community.text(":as bob", "/partner status")
    assert "waiting for everyone's answer" in out
    out = await community.text(":as carol", "/partner status")
    assert "you've said no" in out
    out = await community.text(":clock +49h")
    [to_bob], [to_dave] = private_messages(out, "bob"), private_messages(out, "dave")
    assert to_bob == to_dave  # the same words whether someone said no or nobody answered
    assert "won't go ahead this time" in to_bob
    assert private_messages(out, "carol") == []  # she already knows
    assert "accountability partners" not in out
    out = await community.text(":as bob", "/partner status", ":as carol", "/partner status")
    assert out.count("You're in the pool") == 2
    # A new member can now be matched with either of them.
    await join(community, "frank")
    out = await as_moderator(community, "/partner match")
    assert "Proposed" in out


async def test_a_yes_can_become_a_no_before_everyone_said_yes(community):
    await join(community, "bob")
    await join(community, "carol")
    await as_moderator(community, "/partner match")
    await community.say(":as bob", "/partner accept")
    out = await community.text("/partner decline")
    assert "Thanks for letting me know" in out
    out = await community.text(":as carol", "/partner accept", "/partner accept proposal:1")
    assert "I've noted your yes" in out and "already answered" in out
    assert "accountability partners" not in out
    assert await community.bot.db.fetchall("SELECT * FROM partnerships") == []


async def test_a_proposal_expires_after_48_hours(community):
    await join(community, "bob")
    await join(community, "carol")
    await as_moderator(community, "/partner match")
    out = await community.text(":as bob", "/partner accept", ":clock +47h")
    assert "won't go ahead" not in out
    out = await community.text(":clock +2h")
    assert "won't go ahead this time" in "\n".join(private_messages(out, "bob"))
    assert "won't go ahead this time" in "\n".join(private_messages(out, "carol"))
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text(":as carol", "/partner accept proposal:1")
    assert "has expired" in out and "back in the pool" in out
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before
    # A restart does not send the expiry again.
    await community.restart()
    out = await community.text(":clock +1d")
    assert "won't go ahead" not in out


async def test_expired_but_not_yet_swept_proposal_cannot_be_accepted(community):
    await join(community, "bob")
    await join(community, "carol")
    await as_moderator(community, "/partner match")
    community.clock.set(community.clock.now() + timedelta(hours=49))  # the sweep has not run yet
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text(":as bob", "/partner accept proposal:1")
    assert "expired" in out
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("cooking", "is not an option here"),
        ("", "Focus is missing"),
        ("alcohol intro:" + "x" * 301, "the limit is 300"),
        ("alcohol intro:" + "y" * 10_000, "the limit is 300"),
        ('alcohol intro:"hi @everyone"', "leave out @everyone"),
        ('alcohol intro:"hello @HERE friends"', "leave out @everyone"),
        ('alcohol intro:"   "', "can't be empty"),
        ("alcohol frequency:hourly", "is not an option here"),
        ("alcohol language:english!", "is not a language code"),
        ("alcohol language:" + "e" * 300, "is not a language code"),
        ("alcohol colour:blue", "no option called 'colour'"),
    ],
)
async def test_join_refuses_bad_values_kindly_and_stores_nothing(community, options, expected):
    await community.say(":as bob", "/timezone set Europe/London")
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text(f"/partner join {options}")
    assert expected in out
    assert out.startswith("(private) bob: ")
    assert "Usage: !partner join <focus>" in out
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before


async def test_join_twice_without_timezone_and_while_partnered(community):
    await community.say(":as bob")
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text("/partner join alcohol")
    assert "please set your timezone first: !timezone set" in out
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before

    await join(community, "bob")
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text("/partner join general")
    assert "You're already in the pool" in out
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before

    await join(community, "carol")
    await as_moderator(community, "/partner match")
    await community.say(":as bob", "/partner accept", ":as carol", "/partner accept")
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text("/partner join alcohol")
    assert "You already have an accountability partner, bob" in out
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before


async def test_intro_with_markup_is_stored_verbatim_and_shown_only_privately(community):
    await join(community, "bob", options=f'alcohol intro:"{INJECTION}"')
    await join(community, "carol")
    out = await as_moderator(community, "/partner match")
    assert INJECTION in private_messages(out, "carol")[0]
    assert all(
        line.startswith("(private)") or line.startswith("    ")
        for line in out.split("\n")
        if "DROP" in line
    )
    [(intro,)] = await community.bot.db.fetchall(
        "SELECT intro FROM partner_pool WHERE user_id='bob'"
    )
    assert intro == INJECTION


@pytest.mark.parametrize("value", ["0", "-3", "abc", "1.5", "99999999999999", "'; DROP TABLE x;--"])
async def test_answering_with_bad_proposal_ids(community, value):
    await join(community, "bob")
    await join(community, "carol")
    await as_moderator(community, "/partner match")
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text(":as bob", f"/partner accept proposal:{value}")
    assert "(private) bob:" in out
    assert "Usage: !partner accept [proposal]" in out or "can't find that proposal" in out
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before


async def test_accepting_someone_elses_proposal(community):
    await join(community, "bob")
    await join(community, "carol")
    await as_moderator(community, "/partner match")
    await community.say(":as dave")
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text(
        "/partner accept proposal:1", "/partner decline proposal:1", "/partner accept"
    )
    assert out.count("can't find that proposal among yours") == 2
    assert "don't have a proposed match waiting" in out
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before


async def test_matching_needs_two_members_and_a_moderator(community):
    out = await as_moderator(community, "/partner match")
    assert "There are 0 members waiting in the pool; matching needs at least two." in out
    await join(community, "bob")
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await as_moderator(community, "/partner match")
    assert "There is 1 member waiting" in out
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before
    await join(community, "carol")
    out = await community.text("/partner match", "/partner pairs", "/partner unpair member:@bob")
    assert out.count("Only moderators can use !partner") == 3
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) != before  # carol joined
    assert await community.bot.db.fetchall("SELECT * FROM partner_proposals") == []


# --- partnership life ---------------------------------------------------------------------------


async def test_sos_goes_privately_to_the_partner_three_times_a_day_even_across_restarts(community):
    await paired(community)
    out = await community.text(":as bob", '/partner sos "rough night, **help** @everyone"')
    assert "leave out @everyone" in out
    assert private_messages(out, "carol") == []
    out = await community.text("/partner sos rough night, <b>scared</b>")
    [to_carol] = private_messages(out, "carol")
    assert "bob could use some support right now" in to_carol
    assert "They wrote: rough night, <b>scared</b>" in to_carol
    assert "(private) bob: I've let carol know privately." in out
    await community.say("/partner sos")
    await community.restart()
    out = await community.text(":as bob", "/partner sos")
    assert "I've let carol know" in out
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text("/partner sos still here")
    assert "You've sent today's 3 SOS messages" in out and "!crisis" in out
    assert private_messages(out, "carol") == []
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before
    out = await community.text(":clock +1d", "/partner sos")
    assert "I've let carol know" in out


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/partner sos " + "z" * 10_000, "the limit is 300"),
        ("/partner sos note:" + "z" * 301, "the limit is 300"),
        ('/partner sos note:"hey @room"', "leave out @everyone"),
        ("/partner end reason:" + "z" * 10_000, "the limit is 300"),
        ("/partner end colour:red", "no option called 'colour'"),
    ],
)
async def test_sos_and_end_refuse_bad_text_and_change_nothing(community, line, expected):
    await paired(community)
    await community.say(":as bob")
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text(line)
    assert expected in out
    assert private_messages(out, "carol") == []
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before


async def test_answering_twice_changes_nothing_and_tells_nobody_again(community):
    await join(community, "bob")
    await join(community, "carol")
    await as_moderator(community, "/partner match")
    await community.say(":as bob", "/partner decline proposal:1")
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text("/partner decline proposal:1", "/partner accept proposal:1")
    assert out.count("You've already answered that one") == 2
    assert private_messages(out, "carol") == []
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before


async def test_sos_without_a_partner_stores_nothing(community):
    await join(community, "bob")
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text("/partner sos help", "/partner end")
    assert "don't have an accountability partner right now, so there's no one" in out
    assert "nothing to end" in out
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before


async def test_status_shows_todays_checkin_only_when_both_share(community):
    await paired(community)
    await community.say(":as carol", "/checkin 4 note:private-thing")
    out = await community.text(":as bob", "/partner share checkins:on", "/partner status")
    assert "carol has checked in" not in out
    assert "once you both turn on" in out and "(yours is on)" in out
    out = await community.text(":as carol", "/partner share on", ":as bob", "/partner status")
    assert "carol has checked in today." in out
    status = private_messages(out, "bob")[-1]
    assert (
        status
        == "Your accountability partner: carol, since 2026-11-02.\ncarol has checked in today."
    )
    out = await community.text(":clock +1d", "/partner status")
    assert "carol hasn't checked in yet today (their day)." in out
    out = await community.text(
        ":as carol", "/partner share checkins:off", ":as bob", "/partner status"
    )
    assert "checked in" not in out.split("\n")[-2] and "once you both turn on" in out


async def test_share_refuses_other_values(community):
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text("/partner share checkins:maybe", "/partner share")
    assert out.count("Usage: !partner share <checkins>") == 2
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before


async def test_one_gentle_nudge_after_two_days_without_the_partners_checkin(community):
    await paired(community)
    await community.say(":as bob", "/partner share on", ":as carol", "/partner share on")
    out = await community.text(":clock +2d")
    assert "gentle thought" not in out
    out = await community.text(":clock +1d")
    nudges = [m for m in private_messages(out, "bob") if "gentle thought" in m]
    assert nudges == [
        "A gentle thought: carol hasn't checked in for a couple of days. "
        "A short hello from you might mean a lot, no pressure either way."
    ]
    assert any("gentle thought: bob" in m for m in private_messages(out, "carol"))
    out = await community.text(":clock +3d")
    assert "gentle thought" not in out  # once per lapse
    # After carol checks in again, a new lapse may be nudged again.
    await community.say(":as carol", "/checkin 3")
    out = await community.text(":clock +4d")
    assert any("gentle thought: carol" in m for m in private_messages(out, "bob"))


async def test_no_nudge_without_sharing_on_both_sides(community):
    await paired(community)
    await community.say(":as bob", "/partner share on")
    out = await community.text(":clock +6d")
    assert "gentle thought" not in out


async def test_partner_name_hook_used_by_checkins(community):
    await paired(community)
    out = await community.text(":as bob", "/checkin 1")
    assert "Your partner carol may be glad to hear from you too." in out


# --- blocks ------------------------------------------------------------------------------------


async def test_block_never_proposes_the_pair_and_is_not_told(community):
    await join(community, "bob")
    await join(community, "carol")
    await community.say(":as peerbot")
    out = await community.text(":as bob", "/partner block member:@carol")
    assert "(private) bob: Done: I'll never propose you and carol as partners." in out
    assert private_messages(out, "carol") == []
    out = await as_moderator(community, "/partner match")
    assert "No new matches this time" in out
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text(
        ":as bob",
        "/partner block member:@bob",
        "/partner block member:@carol",
        "/partner block member:@nobody",
        "/partner block member:@peerbot",
        "/partner block",
    )
    assert "You can't block yourself" in out
    assert "already blocked carol" in out
    assert "can't find a member called '@nobody'" in out
    assert "bots are never proposed" in out
    assert "Member is missing" in out
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before


async def test_blocking_during_a_proposal_closes_it_neutrally(community):
    await join(community, "bob")
    await join(community, "carol")
    await as_moderator(community, "/partner match")
    out = await community.text(
        ":as carol", "/partner accept", ":as bob", "/partner block member:@carol"
    )
    assert private_messages(
        out, "carol"
    ) == [  # only her own answer: the no is held until it closes
        "Thank you, I've noted your yes. I'll introduce you as soon as everyone has said yes "
        "(within 48 hours); if not, you simply go back into the pool."
    ]
    out = await community.text(":clock +49h")
    [to_carol] = private_messages(out, "carol")
    assert "won't go ahead this time" in to_carol and "block" not in to_carol


# --- moderators ------------------------------------------------------------------------------------


async def test_pairs_and_unpair_show_names_only(community):
    await join(community, "bob", options='alcohol intro:"secret intro"')
    await join(community, "carol")
    await join(community, "dave")
    await join(community, "erin")
    await as_moderator(community, "/partner match")
    await community.say(":as bob", "/partner accept")
    rows = await community.bot.db.fetchall(
        "SELECT m.user_id FROM partner_proposal_members m WHERE proposal_id = "
        "(SELECT proposal_id FROM partner_proposal_members WHERE user_id='bob')"
    )
    partner = next(r[0] for r in rows if r[0] != "bob")
    await community.say(f":as {partner}", "/partner accept")
    out = await as_moderator(community, "/partner pairs")
    assert "Partners (1):" in out and "Open proposals (1):" in out
    assert "secret intro" not in out and "alcohol" not in out
    out = await community.text("/partner unpair member:@bob")
    assert "Done: bob's partnership has ended" in out
    assert (
        "A moderator has ended your accountability partnership" in private_messages(out, "bob")[0]
    )
    assert "(a moderator ended it)" in private_messages(out, partner)[0]
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text("/partner unpair member:@bob", "/partner unpair member:@ghost")
    assert "bob doesn't have a partner right now" in out
    assert "can't find a member called '@ghost'" in out
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before


async def test_trios_when_allowed_else_the_leftover_goes_first_next_round(community):
    await join(community, "bob")
    await join(community, "carol")
    await join(community, "dave")
    out = await as_moderator(community, "/partner match")
    assert "Proposed 1 pair" in out and "1 member waits for the next round, first in line" in out
    [(left,)] = await community.bot.db.fetchall(
        "SELECT user_id FROM partner_pool WHERE first_in_line = 1"
    )
    await community.say(":as bob", "/partner decline")
    await join(community, "erin")
    out = await as_moderator(community, "/partner match")
    assert f"for you: {left}." in "\n".join(
        private_messages(out, "bob")
        + private_messages(out, "carol")
        + private_messages(out, "erin")
    )


async def test_trio_needs_all_three_yeses(community):
    out = await as_moderator(community, "/partner trios on", "/partner trios maybe")
    assert "Trios are on" in out and "Usage: !partner trios <allow>" in out
    await join(community, "bob")
    await join(community, "carol")
    await join(community, "dave")
    out = await as_moderator(community, "/partner match")
    assert "Proposed 0 pairs and 1 trio" in out
    assert "possible accountability group (a trio)" in private_messages(out, "bob")[0]
    await community.say(":as bob", "/partner accept", ":as carol", "/partner accept")
    assert await community.bot.db.fetchall("SELECT * FROM partnerships") == []
    out = await community.text(":as dave", "/partner accept")
    assert re.search(
        r"\(private\) dave: 🌱 You, (bob|carol) and (bob|carol) are now an accountability group",
        out,
    )
    out = await community.text("/partner end")
    assert "stepped back from your accountability group" in private_messages(out, "bob")[0]
    out = await community.text(":as bob", "/partner status")
    assert "Your accountability partner: carol" in out


async def test_weekly_matching_runs_at_community_time_and_survives_restart(community):
    await join(community, "bob")
    await join(community, "carol")
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await as_moderator(
        community,
        "/partner schedule weekly:someday time:09:00",
        "/partner schedule weekly:mon time:25:00",
        "/partner schedule weekly:mon",
    )
    assert (
        "is not an option here" in out
        and "is not a time of day" in out
        and "Please add a time" in out
    )
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before
    out = await community.text("/partner schedule weekly:mon time:09:00")
    assert "Weekly matching: " in out and "Mon 2026-11-09 at 09:00" in out
    await community.restart()
    out = await community.text(":clock 2026-11-09T08:59")
    assert "possible accountability partner" not in out
    out = await community.text(":clock +2m")
    assert private_messages(out, "bob") and private_messages(out, "carol")
    out = await community.text("/partner schedule weekly:off", "/partner schedule weekly:off")
    assert "Weekly matching is off." in out and "was already off" in out


# --- privacy -------------------------------------------------------------------------------------


async def test_export_shows_only_the_members_own_view(community):
    await join(community, "bob", options='alcohol intro:"bob secret"')
    await join(community, "carol", options='alcohol intro:"carol secret"')
    await community.say(":as dave", "/partner block member:@bob")
    await as_moderator(community, "/partner match")
    await community.say(
        ":as bob", "/partner accept", ":as carol", "/partner accept", "/partner sos"
    )
    data = (await community.export("bob"))["partners"]
    assert data["proposals"][0]["with"] == ["carol"]
    assert data["partnerships"][0]["with"] == ["carol"]
    assert "carol secret" not in json.dumps(data)
    assert "blocks" not in data  # dave's block of bob is dave's
    dave = await community.export("dave")
    assert dave["partners"]["blocks"][0]["blocked_id"] == "bob"
    carol = await community.export("carol")
    assert carol["partners"]["sos"][0]["sent"] == 1
    assert "bob secret" not in json.dumps(carol)


async def test_delete_removes_pool_proposals_partnerships_and_blocks(community):
    await paired(community)
    await community.say(
        ":as carol", "/partner block member:@dave", ":as dave", "/partner block member:@carol"
    )
    await join(community, "erin")
    await join(community, "frank")
    await community.say(":as erin", "/partner block member:@carol")
    out = await community.text(":as carol", "/mydata delete confirm:yes")
    assert "partners" in out
    out = await community.text(":clock +1m")
    [to_bob] = private_messages(out, "bob")
    assert to_bob.startswith("Your accountability partnership has ended.")
    assert "delete" not in to_bob and "carol" not in to_bob
    for table in PARTNER_TABLES[:-1]:
        rows = await community.bot.db.fetchall(f"SELECT * FROM {table}")
        assert not any("carol" in tuple(r) for r in rows), table
    out = await community.text(":as carol", "/mydata export", ":as bob", "/partner status")
    assert "partners" not in out.split("(private) bob")[0]
    assert "don't have an accountability partner right now" in out
    # erin's other data stays; nothing is sent twice
    assert await community.bot.db.fetchall("SELECT * FROM partner_pool WHERE user_id='erin'")
    out = await community.text(":clock +1d")
    assert "partnership has ended" not in out


async def test_delete_during_a_proposal_tells_the_other_neutrally(community):
    await join(community, "bob")
    await join(community, "carol")
    await as_moderator(community, "/partner match")
    await community.say(":as carol", "/partner accept", ":as bob", "/mydata delete confirm:yes")
    out = await community.text(":clock +1m")
    [to_carol] = private_messages(out, "carol")
    assert "won't go ahead this time" in to_carol and "bob" not in to_carol
    out = await community.text(":as carol", "/partner status")
    assert "You're in the pool" in out


async def test_leave_pool(community):
    before = await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS)
    out = await community.text(":as bob", "/partner leave-pool")
    assert "You're not in the pool right now" in out
    assert await community.snapshot(*PARTNER_TABLES, MEMBER_SETTINGS) == before
    await join(community, "bob")
    await join(community, "carol")
    await as_moderator(community, "/partner match")
    out = await community.text(":as bob", "/partner leave-pool")
    assert "you're out of the pool" in out
    assert "won't go ahead this time" in private_messages(out, "carol")[0]
    out = await community.text(":as carol", "/partner status")
    assert "You're in the pool" in out


async def test_state_survives_a_restart(tmp_path):
    community = await ConsoleCommunity.create(tmp_path)
    try:
        await join(community, "bob")
        await join(community, "carol")
        await as_moderator(community, "/partner match")
        await community.say(":as bob", "/partner accept")
        await community.restart()
        out = await community.text(":as carol", "/partner accept")
        assert "You and bob are now accountability partners" in out
    finally:
        await community.stop()


async def test_a_block_survives_the_blocked_members_deletion_without_their_id(community):
    await join(community, "bob")
    await join(community, "alice")
    await community.say(":as bob", "/partner block member:@alice")
    out = await community.text(":as alice", "/mydata delete confirm:yes")
    assert "partners" in out
    rows = await community.bot.db.fetchall("SELECT user_id, blocked_id FROM partner_blocks")
    assert len(rows) == 1 and rows[0][0] == "bob"
    assert "alice" not in rows[0][1]  # only a keyed one-way hash of her id is kept
    await join(community, "alice")
    out = await as_moderator(community, "/partner match")
    assert "No new matches this time" in out
    assert private_messages(out, "alice") == [] and private_messages(out, "bob") == []
    # bob deleting his own data removes his block entirely
    await community.say(":as bob", "/mydata delete confirm:yes")
    assert await community.bot.db.fetchall("SELECT * FROM partner_blocks") == []
