"""Corrections a new member would notice (issue 18, "Polish"), through the console community."""

from __future__ import annotations

import pytest

from tests.harness import private_messages
from tests.test_partners import as_moderator, join

# --- "did you mean" -----------------------------------------------------------------------------


async def test_a_member_is_never_pointed_at_a_moderators_command(community):
    out = await community.text("/community sho")
    assert "community show" not in out
    assert "I don't know the command community sho." in out


async def test_a_moderator_is_pointed_at_the_command_they_meant(community):
    out = await community.text(":role alice moderator", "/community sho")
    assert "Did you mean !community show?" in out


async def test_a_member_still_gets_a_suggestion_among_their_own_commands(community):
    out = await community.text("/chekin 4")
    assert "Did you mean !checkin?" in out


# --- plurals and numbers ------------------------------------------------------------------------


def test_counted_words_are_plural_only_when_needed():
    from bot.words import plural

    assert plural(1, "hour") == "1 hour"
    assert plural(24, "hour") == "24 hours"
    assert plural(0, "message") == "0 messages"
    assert plural(2, "reply", "replies") == "2 replies"


async def test_counts_a_moderator_reads_are_worded_for_their_number(community):
    out = await community.text(":role alice moderator", "/community audit days:1")
    assert "No changes in the last day." in out
    out = await community.text("/community timezone zone:Europe/Paris", "/community audit days:1")
    assert "Changes in the last day," in out
    assert "(s)" not in out


@pytest.mark.parametrize(
    "line",
    ["/checkin 99999999999999", "/checkin history days:99999999999999", "/checkin " + "9" * 5000],
)
async def test_a_huge_whole_number_is_out_of_range_not_a_non_number(community, line):
    out = await community.text(line)
    assert "out of range" in out
    assert "is not a whole number" not in out


async def test_words_are_still_not_whole_numbers(community):
    out = await community.text("/checkin many")
    assert "'many' is not a whole number" in out


# --- wording ------------------------------------------------------------------------------------


async def test_an_hour_milestone_does_not_speak_of_days(community):
    out = await community.text("/milestone set date:today time:00:00", ":clock +25h")
    celebration = [line for line in out.splitlines() if "You've reached 24 hours" in line]
    assert celebration, out
    assert "days" not in celebration[0]
    assert "hours" in celebration[0].split("counter!")[1]


async def test_a_day_milestone_still_speaks_of_days(community):
    out = await community.text("/milestone set date:2026-10-27", ":clock +1d")
    assert "You've reached 7 days on your recovery counter! Every one of those days" in out


async def test_partners_in_the_same_zone_are_told_their_clocks_agree(community):
    await join(community, "bob")
    await join(community, "carol")
    out = await as_moderator(community, "/partner match")
    assert "same time as you" not in out
    assert "Your clocks show the same time." in out


async def test_a_trio_is_not_told_you_both(community):
    await as_moderator(community, "/partner trios on")
    for name in ("bob", "carol", "dan"):
        await join(community, name)
    await as_moderator(community, "/partner match")
    for name in ("bob", "carol", "dan"):
        await community.say(f":as {name}", "/partner accept")
    out = await community.text(":as dan", "/partner status")
    (status,) = private_messages(out, "dan")
    assert "you both" not in status
    assert "once all three of you turn on" in status


async def test_a_pair_is_told_you_both(community):
    await join(community, "bob")
    await join(community, "carol")
    await as_moderator(community, "/partner match")
    await community.say(":as bob", "/partner accept", ":as carol", "/partner accept")
    out = await community.text("/partner status")
    assert "once you both turn on" in out


async def test_prompt_bank_delete_help_points_at_the_bank_list(community):
    out = await community.text(":role alice moderator", "/help prompt bank delete")
    assert "see prompt bank list" in out
    out = await community.text("/help prompt pause")
    assert "see prompt list" in out


@pytest.mark.parametrize("name", ["milestone remove", "milestone share"])
async def test_a_required_counter_name_claims_no_default(community, name):
    out = await community.text(f"/help {name}")
    name_line = next(line for line in out.splitlines() if line.strip().startswith("name:"))
    assert "default" not in name_line
    out = await community.text("/help milestone show")
    assert "default: recovery" in out


# --- repeats ------------------------------------------------------------------------------------


async def test_the_same_reset_twice_adds_no_empty_run(community):
    await community.say("/milestone set date:2026-10-01")
    first = await community.text("/milestone reset date:today time:09:00")
    again = await community.text("/milestone reset date:today time:09:00")
    assert "starts again today at 09:00" in first
    assert "already" in again and "nothing changed" in again
    history = await community.text("/milestone history")
    assert "0 days" not in history
    assert history.count("•") == 2


async def test_pausing_a_paused_prompt_says_it_is_already_paused(community):
    out = await community.text(
        ":role alice moderator",
        '/prompt add text:hello schedule:"daily 09:00" channel:#prompts',
        "/prompt pause id:1",
        "/prompt pause id:1",
    )
    assert "Prompt #1 is already paused. !prompt resume id:1 starts it again." in out
    assert "isn't active" not in out


async def test_an_exact_duplicate_crisis_resource_is_refused(community):
    add = '/crisis resource add name:Helpline contact:"call 555 0100"'
    out = await community.text(":role alice moderator", add, add)
    assert out.count("Added as") == 1
    assert "already listed as #1" in out
    listed = await community.text("/crisis resource list")
    assert listed.count("Helpline") == 1
    out = await community.text('/crisis resource add name:Helpline contact:"text 555 0100"')
    assert "Added as #" in out


async def test_member_names_are_not_case_sensitive_in_the_console(community):
    await community.say(":as bob", "/checkin 3")
    out = await community.text(":as alice", "/partner block member:@BOB")
    assert "I'll never propose you and bob" in out
    out = await community.text(":as BOB")
    assert "you are now bob" in out
    rows = await community.bot.db.fetchall("SELECT DISTINCT user_id FROM checkins")
    assert [r[0] for r in rows] == ["bob"]
