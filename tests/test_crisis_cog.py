"""The crisis cog end to end in the console community: what members and moderators see."""

from __future__ import annotations

import logging
import re

import pytest

from cogs.crisis.resources import load_directory
from cogs.crisis.texts import OPENING, SECTIONS, resource_message
from storage.crisis import CommunityResource
from tests.harness import ConsoleCommunity, posted_in, private_to

CRISIS_TABLES = (
    "crisis_safety_plans",
    "crisis_member_state",
    "crisis_concern_reports",
    "crisis_community_resources",
    "member_settings",
)
BAD_TEXTS = [
    "x" * 10_000,
    "@everyone",
    "**bold** <b>html</b> [link](https://evil.example)",
    "'; DROP TABLE crisis_safety_plans; --",
    "😀😀😀",
    "\u200b\u200b\u200b",
    "2026-02-30",
    "-1",
]


@pytest.fixture
def mod(alerts_team):
    """alice moderates; alerts go to #alerts; bob and carol are members (tests/conftest.py)."""
    return alerts_team


# --- /crisis -----------------------------------------------------------------------------


async def test_crisis_is_private_with_resources_emergency_and_moderator_button(mod):
    out = await mod.say(":as bob", "/crisis")
    text = private_to(out, "bob")
    assert text and all(line.startswith(("(private) bob:", "    ")) for line in out[1:])
    assert "findahelpline.com" in text and "Emergency:" in text
    assert "Let a moderator know: type !crisis notify" in text


async def test_region_comes_from_member_then_community_then_config(tmp_path):
    c = await ConsoleCommunity.create(tmp_path, config={"bot": {"region": "DE"}})
    try:
        await c.say(":role alice moderator")
        assert "Emergency: 112" in await c.text("/crisis")  # config
        await c.say("/community region code:GB")
        assert "Samaritans" in await c.text("/crisis")  # community
        await c.say("/crisis region set:US")
        out = await c.text("/crisis")
        assert "988" in out and "Samaritans" not in out  # the member's own
        await c.say("/crisis region set:off")
        assert "Samaritans" in await c.text("/crisis")
    finally:
        await c.stop()


async def test_region_typed_with_crisis_suggests_and_still_helps(mod):
    out = await mod.text("/crisis region:USA")
    assert "I took USA to mean US" in out and "988" in out
    out = await mod.text("/crisis XX")
    assert "don't have a list for XX" in out and "findahelpline.com" in out
    assert "Samaritans" in await mod.text("/crisis region:gb")


@pytest.mark.parametrize("bad", BAD_TEXTS)
async def test_crisis_never_refuses_whatever_region_is_typed(mod, bad):
    before = await mod.snapshot(*CRISIS_TABLES)
    out = await mod.say(f'/crisis region:"{bad}"')
    text = "\n".join(out)
    assert out[0].startswith("(private) alice:") and "Emergency:" in text
    assert len(text) < 2000
    assert await mod.snapshot(*CRISIS_TABLES) == before


@pytest.mark.parametrize("bad", ["XX", "USA", "123", *BAD_TEXTS])
async def test_region_set_refuses_unknown_codes_kindly(mod, bad):
    before = await mod.snapshot(*CRISIS_TABLES)
    out = await mod.text(f'/crisis region set:"{bad}"')
    assert "nothing changed" in out
    if bad == "USA":
        assert "Did you mean US?" in out
    assert await mod.snapshot(*CRISIS_TABLES) == before


async def test_region_set_accepts_codes_with_only_an_emergency_number(mod):
    out = await mod.text("/crisis region set:ke")
    assert "don't have a full list for KE" in out and "999" in out
    assert "Emergency: 999" in await mod.text("/crisis")


async def test_region_without_value_says_where_lines_come_from(mod):
    assert "haven't set a region" in await mod.text("/crisis region")
    await mod.say("/community region code:IE")
    assert "Ireland (IE), from the community's default" in await mod.text("/crisis region")


async def test_safety_plan_appears_in_crisis(mod):
    await mod.say('/safetyplan edit section:people text:"my sponsor Jo"')
    out = await mod.text("/crisis")
    assert "Your safety plan:" in out and "People I can ask for help: my sponsor Jo" in out


# --- listener --------------------------------------------------------------------------------


async def test_urgent_message_gets_private_resources_and_a_priority_alert(mod):
    out = await mod.say(":as bob", "i'm going to kill myself tonight")
    dm = private_to(out, "bob")
    assert "These people are there for you" in dm and "!crisis auto off" in dm
    alert = posted_in(out, "#alerts")
    assert "Priority alert (urgent)" in alert and "bob" in alert
    assert "#general message" in alert and "sent them crisis resources" in alert
    assert "kill" not in alert and "tonight" not in alert  # never quotes the message
    assert all(line.startswith(("(private) bob:", "#alerts:", "    ", "*")) for line in out)


async def test_concern_message_alerts_moderators_and_messages_the_member_gently(mod):
    out = await mod.say(":as bob", "i feel so hopeless about everything")
    assert "Low priority (concern)" in posted_in(out, "#alerts")
    assert "It sounded like things might be heavy today" in private_to(out, "bob")


async def test_community_can_ask_for_a_private_message_on_concern_too(mod):
    await mod.bot.community_settings.set(
        "console", "console", "crisis.concern_dm", "on", mod.clock.now()
    )
    out = await mod.say(":as bob", "i feel so hopeless about everything")
    assert "heavy today" in private_to(out, "bob")
    assert "sent them crisis resources" in posted_in(out, "#alerts")


@pytest.mark.parametrize(
    "message",
    [
        "this craving is killing me lol",
        "dying to get coffee",
        "> <@alice:example.org> i want to kill myself\n\nthat line from the film hit hard",
        "two years ago i tried to end my life, today i'm 500 days clean",
        "😀" * 3000,
        "\u200b" * 10_000,
        "good morning " * 800,
    ],
)
async def test_ordinary_chat_and_quoted_replies_raise_nothing(mod, message):
    # A member's own "> " quote or code block is read (people hide what is hard to say in
    # formatting); only the quoted part of a reply is someone else's words.
    before = await mod.snapshot(*CRISIS_TABLES)
    out = await mod.say(":as bob", message)
    assert out == ["* you are now bob"]
    assert await mod.snapshot(*CRISIS_TABLES) == before


async def test_overdose_puts_emergency_and_poison_line_first(mod):
    await mod.say(":as bob", "/crisis region set:US")
    out = await mod.say("i took too many pills and can't stay awake")
    dm = private_to(out, "bob").splitlines()
    assert "call 911 now" in dm[0]
    assert "Poison Help" in dm[2]  # first line after the opening
    assert "overdose" in posted_in(out, "#alerts")


async def test_one_automatic_message_per_day_survives_a_restart(mod):
    out = await mod.say(":as bob", "i want to kill myself")
    assert private_to(out, "bob")
    await mod.restart()
    out = await mod.say(":clock +2h", "i want to end it all tonight")
    assert private_to(out, "bob") == ""
    assert "already received resources from me" in posted_in(out, "#alerts")
    out = await mod.say(":clock +23h", "i want to kill myself")
    assert private_to(out, "bob")


async def test_alerts_within_an_hour_are_merged_into_one_follow_up(mod):
    out = await mod.say(":as bob", "i want to kill myself")
    assert posted_in(out, "#alerts").count("Priority alert") == 1
    out = await mod.say("i want to kill myself", "i don't want to be here anymore")
    assert posted_in(out, "#alerts") == ""  # merged, nothing posted yet
    await mod.restart()  # the merged count is persisted
    out = await mod.say(":clock +61m")
    summary = posted_in(out, "#alerts")
    assert "2 more messages from bob were flagged" in summary and "(urgent)" in summary
    out = await mod.say(":clock +3h")
    assert posted_in(out, "#alerts") == ""  # posted once


async def test_escalation_from_concern_to_urgent_alerts_at_once(mod):
    out = await mod.say(":as bob", "i feel so hopeless", "i'm going to kill myself")
    assert "Low priority (concern)" in posted_in(
        out, "#alerts"
    ) and "Priority alert (urgent)" in posted_in(out, "#alerts")


async def test_auto_off_stops_messages_but_not_alerts_or_crisis(mod):
    out = await mod.text(":as bob", "/crisis auto off")
    assert "won't send you automatic messages" in out
    out = await mod.say("i want to kill myself")
    assert private_to(out, "bob") == ""
    assert "turned automatic messages off" in posted_in(out, "#alerts")
    assert "Emergency:" in await mod.text("/crisis")
    assert "at most once a day" in await mod.text("/crisis auto on")
    out = await mod.say("i want to kill myself")
    assert private_to(out, "bob")


@pytest.mark.parametrize("bad", ["maybe", "", "1", "@everyone", "x" * 10_000])
async def test_auto_refuses_bad_values(mod, bad):
    before = await mod.snapshot(*CRISIS_TABLES)
    out = await mod.text(f'/crisis auto "{bad}"')
    assert "Usage: !crisis auto <mode>" in out
    assert await mod.snapshot(*CRISIS_TABLES) == before


async def test_undelivered_private_message_is_told_to_moderators_only(mod):
    async def closed(community_id, user_id, message):
        return False

    mod.console.send_private = closed
    out = await mod.say(":as bob", "i want to kill myself")
    assert "could not reach them privately" in posted_in(out, "#alerts")
    assert [line for line in out if not line.startswith(("#alerts:", "    ", "*"))] == []


async def test_without_an_alerts_channel_a_warning_is_logged_and_nothing_is_public(
    community, caplog
):
    caplog.set_level(logging.WARNING)
    out = await community.say(":as bob", "i want to kill myself")
    assert private_to(out, "bob")
    assert not any(line.startswith("#") for line in out)
    assert "no moderators' alerts channel" in caplog.text


async def test_moderators_talking_in_the_alerts_channel_are_not_flagged(mod):
    out = await mod.say(":channel alerts", "he said he wants to kill himself, checking in now")
    assert out == ["* now posting in #alerts"]


# --- notify ---------------------------------------------------------------------------------


async def test_notify_tells_moderators_the_name_only_once_an_hour(mod):
    out = await mod.say(":as bob", "/crisis notify")
    assert "bob asked for a moderator" in posted_in(out, "#alerts")
    assert "let the moderators know privately" in private_to(out, "bob")
    out = await mod.say("/crisis notify")
    assert posted_in(out, "#alerts") == "" and "within the last hour" in private_to(out, "bob")
    out = await mod.say(":clock +61m", "/crisis notify")
    assert "bob asked for a moderator" in posted_in(out, "#alerts")


async def test_notify_without_alerts_channel_is_honest(community):
    out = await community.text("/crisis notify")
    assert "couldn't reach the moderators" in out and not re.search(r"^#", out, re.M)
    out = await community.text("/crisis notify")
    assert "couldn't reach the moderators" in out  # may try again


# --- concern reports ---------------------------------------------------------------------------


async def test_concern_goes_to_moderators_never_to_the_person_named(mod):
    out = await mod.say(":as bob", '/crisis concern member:@carol note:"said goodbye to everyone"')
    assert "Concern report: bob is worried about carol" in posted_in(out, "#alerts")
    assert "said goodbye to everyone" in posted_in(out, "#alerts")
    assert "Thank you for looking out for carol" in private_to(out, "bob")
    assert private_to(out, "carol") == ""


async def test_concern_about_oneself_or_a_bot_is_refused_kindly(mod):
    before = await mod.snapshot(*CRISIS_TABLES)
    out = await mod.text(":as bob", "/crisis concern member:@bob")
    assert "might be the one having a hard time" in out and "!crisis notify" in out
    out = await mod.text("/crisis concern member:@peerbot")
    assert "is a bot" in out
    assert await mod.snapshot(*CRISIS_TABLES) == before
    assert "#alerts" not in out


@pytest.mark.parametrize(
    "args",
    [
        "member:@nobody",
        "member:@everyone",
        'member:"\'; DROP TABLE crisis_concern_reports; --"',
        "",
        f'member:@carol note:"{"x" * 10_000}"',
        'member:@carol note:"   "',
    ],
)
async def test_concern_bad_input_changes_nothing(mod, args):
    before = await mod.snapshot(*CRISIS_TABLES)
    out = await mod.text(":as bob", f"/crisis concern {args}")
    assert "Usage: !crisis concern" in out
    assert await mod.snapshot(*CRISIS_TABLES) == before


async def test_concern_note_with_markup_is_stored_verbatim_and_shown_only_to_moderators(mod):
    note = "**urgent** <script>x</script> @everyone '; --"
    out = await mod.say(":as bob", f'/crisis concern member:@carol note:"{note}"')
    assert note in posted_in(out, "#alerts")
    row = await mod.bot.db.fetchone("SELECT note FROM crisis_concern_reports")
    assert row[0] == note


async def test_concern_reports_are_rate_limited_per_reporter_across_restarts(tmp_path):
    c = await ConsoleCommunity.create(tmp_path, config={"limits": {"concern_reports_per_day": 2}})
    try:
        await c.say(":as dan", ":as erin", ":as fay", ":as bob")
        await c.say("/crisis concern member:@dan", "/crisis concern member:@erin")
        await c.restart()
        before = await c.snapshot(*CRISIS_TABLES)
        out = await c.text("/crisis concern member:@fay")
        assert "You've sent 2 concern reports today" in out and "about 24 hours" in out
        assert await c.snapshot(*CRISIS_TABLES) == before
        assert "Thank you for looking out for fay" in await c.text(
            ":clock +1d", "/crisis concern member:@fay"
        )
    finally:
        await c.stop()


async def test_throwaway_reports_about_a_member_do_not_silence_a_genuine_one(mod):
    await mod.say(":as t1", ":as t2", ":as t3", ":as dan")
    for name in ("t1", "t2", "t3"):
        assert "Thank you" in await mod.text(f":as {name}", "/crisis concern member:@carol")
    assert "already told the moderators about carol" in await mod.text(
        ":as t1", "/crisis concern member:@carol"
    )  # one report per reporter about a person a day
    note = "gave away his guitar and hasn't eaten in days"
    out = await mod.say(":as dan", f'/crisis concern member:@carol note:"{note}"')
    assert "Thank you for" in private_to(out, "dan")  # (the detector may hear danger now)
    assert note in posted_in(out, "#alerts")
    listing = await mod.text(":as alice", "/crisis concerns")
    assert f"dan about carol (alerted); note: {note}" in listing


async def test_reports_past_the_daily_count_share_one_alert_an_hour(mod):
    names = ("t1", "t2", "t3", "dan", "erin", "fay")
    await mod.say(*(f":as {name}" for name in names))
    for name in names[:4]:
        await mod.say(f":as {name}", "/crisis concern member:@carol")
    out = await mod.say(":as erin", '/crisis concern member:@carol note:"pills in the drawer"')
    assert (
        posted_in(out, "#alerts") == ""
    )  # merged: dan's alert within the hour already brought moderators
    assert "your report and note are with theirs" in private_to(out, "erin")
    listing = await mod.text(":as alice", "/crisis concerns")
    assert "erin about carol (merged into the alert before it); note: pills in the drawer" in (
        listing
    )
    out = await mod.say(":clock +61m", ":as fay", "/crisis concern member:@carol")
    assert "carol" in posted_in(out, "#alerts")  # an hour on, the next report alerts again


async def test_concerns_list_is_for_moderators_and_counts_reporters(mod):
    await mod.say(":as bob", '/crisis concern member:@carol note:"worried"')
    out = await mod.text("/crisis concerns")
    assert "Only moderators" in out
    out = await mod.text(":as alice", "/crisis concerns")
    assert "bob about carol (alerted); note: worried" in out and "Reports per member: bob 1" in out
    assert "Usage" in await mod.text("/crisis concerns days:0")


async def test_concern_without_alerts_channel_is_logged_for_moderators(community):
    await community.say(":as carol", ":as bob")
    out = await community.text("/crisis concern member:@carol")
    assert "couldn't reach them just now" in out
    await community.say(":role alice moderator", ":as alice")
    assert "NOT delivered" in await community.text("/crisis concerns")


# --- community resources ------------------------------------------------------------------------


async def test_community_resources_come_first_in_crisis(mod):
    out = await mod.text(
        '/crisis resource add name:"Riverside team" contact:"call 555 0100" hours:24/7 '
        "url:https://example.org/help"
    )
    assert "Added as #1" in out
    await mod.say("/community region code:GB")
    lines = (await mod.text(":as bob", "/crisis")).splitlines()
    assert "Riverside team — call 555 0100 (24/7), https://example.org/help" in lines[2]
    assert "Samaritans" in lines[3]
    assert "#1 Riverside team" in await mod.text(":as alice", "/crisis resource list")
    assert "Removed resource #1" in await mod.text("/crisis resource remove id:1")
    assert "no resource #1" in await mod.text("/crisis resource remove 1")
    assert "Riverside" not in await mod.text("/crisis")


async def test_overdose_keeps_the_poison_line_before_community_resources(mod):
    await mod.say('/crisis resource add name:"Peer line" contact:"call 555 0100"', ":as bob")
    await mod.say("/crisis region set:US")
    dm = private_to(await mod.say("i took too many pills and can't stay awake"), "bob").splitlines()
    assert "Poison Help" in dm[2] and any("Peer line" in line for line in dm[3:])


@pytest.mark.parametrize(
    "args",
    [
        "",
        'name:"x"',
        f'name:"{"n" * 41}" contact:x',
        'name:x contact:y url:"javascript:alert(1)"',
        'name:x contact:y url:"https://ok.example/ spaces"',
        f'name:x contact:"{"c" * 10_000}"',
    ],
)
async def test_resource_add_refuses_bad_input(mod, args):
    before = await mod.snapshot(*CRISIS_TABLES)
    out = await mod.text(f"/crisis resource add {args}")
    assert "Usage: !crisis resource add" in out
    assert await mod.snapshot(*CRISIS_TABLES) == before


async def test_resource_commands_are_for_moderators_and_limited(mod):
    before = await mod.snapshot(*CRISIS_TABLES)
    assert "Only moderators" in await mod.text(":as bob", "/crisis resource add name:x contact:y")
    assert await mod.snapshot(*CRISIS_TABLES) == before
    await mod.say(":as alice")
    for i in range(10):
        await mod.say(f"/crisis resource add name:r{i} contact:c{i}")
    before = await mod.snapshot(*CRISIS_TABLES)
    assert "already has 10 resources" in await mod.text("/crisis resource add name:x contact:y")
    assert await mod.snapshot(*CRISIS_TABLES) == before
    lines = (await mod.text("/crisis")).splitlines()
    assert sum(line.startswith("    • ") for line in lines) == 3  # two local + one official


# --- safety plan --------------------------------------------------------------------------------


async def test_safety_plan_edit_show_clear(mod):
    assert "don't have a safety plan yet" in await mod.text(":as bob", "/safetyplan")
    out = await mod.text("/safetyplan edit coping a walk, music, a cold shower")
    assert 'Saved "Things I can do on my own"' in out
    out = await mod.text("/safetyplan show")
    assert "Things I can do on my own: a walk, music, a cold shower" in out
    assert "My reasons for living: (empty" in out
    assert "can't be undone" in await mod.text("/safetyplan clear")
    assert "a walk" in await mod.text("/safetyplan")
    assert "is deleted" in await mod.text("/safetyplan clear confirm:yes")
    assert "don't have a safety plan yet" in await mod.text("/safetyplan")
    assert "already empty" in await mod.text("/safetyplan clear confirm:yes")


@pytest.mark.parametrize(
    "args",
    [
        "section:hobbies text:x",
        "section:coping",
        'section:coping text:"   "',
        f'section:coping text:"{"x" * 1001}"',
        f'section:coping text:"{"x" * 10_000}"',
        "text:hello",
    ],
)
async def test_safety_plan_bad_input_changes_nothing(mod, args):
    await mod.say('/safetyplan edit section:reasons text:"my dog"')
    before = await mod.snapshot(*CRISIS_TABLES)
    out = await mod.text(f"/safetyplan edit {args}")
    assert "Usage: !safetyplan edit" in out
    assert await mod.snapshot(*CRISIS_TABLES) == before


async def test_safety_plan_stores_markup_verbatim_and_replies_privately(mod):
    text = "**me** <b>x</b> @everyone '; DROP TABLE crisis_safety_plans; --"
    out = await mod.say(f'/safetyplan edit section:people text:"{text}"')
    assert out[0].startswith("(private) alice:")
    assert text in await mod.text("/safetyplan")
    row = await mod.bot.db.fetchone("SELECT text FROM crisis_safety_plans")
    assert row[0] == text


async def test_a_full_plan_is_1000_characters_per_section(mod):
    assert "Saved" in await mod.text(f'/safetyplan edit section:reasons text:"{"r" * 1000}"')
    crisis = await mod.text("/crisis")
    assert "My reasons for living: " + "r" * 199 + "…" in crisis  # shortened in /crisis


# --- privacy ------------------------------------------------------------------------------------


async def test_export_and_delete_cover_plan_state_and_reports(mod):
    await mod.say(":as bob", '/safetyplan edit section:coping text:"call Jo"')
    await mod.say("i want to kill myself", '/crisis concern member:@carol note:"quiet lately"')
    data = await mod.export()
    assert data["safety plan"][0]["text"] == "call Jo"
    assert data["crisis state"][0]["last_auto_at"]
    assert data["crisis concern reports"][0]["note"] == "quiet lately"
    # carol's export never shows that someone reported her
    assert "crisis concern reports" not in await (await _as(mod, "carol")).export()
    out = await mod.text(":as bob", "/mydata delete confirm:yes")
    assert "safety plan (1)" in out and "crisis state (1)" in out
    assert "crisis concern reports (1)" in out
    for table, column in (
        ("crisis_safety_plans", "user_id"),
        ("crisis_member_state", "user_id"),
        ("crisis_concern_reports", "reporter_id"),
    ):
        assert await mod.bot.db.fetchall(f"SELECT * FROM {table} WHERE {column}='bob'") == []


async def _as(c: ConsoleCommunity, name: str) -> ConsoleCommunity:
    await c.say(f":as {name}")
    return c


async def test_deleting_the_named_member_keeps_only_the_bare_report(mod):
    await mod.say(":as bob", '/crisis concern member:@carol note:"quiet lately"')
    out = await mod.text(":as carol", "/mydata delete confirm:yes")
    assert "concern" not in out  # a report about you is the reporter's: never told it existed
    row = await mod.bot.db.fetchone(
        "SELECT reporter_id, subject_id, subject_name, note FROM crisis_concern_reports"
    )
    assert tuple(row) == ("bob", None, "a member who deleted their data", None)


# --- what peerbot says --------------------------------------------------------------------------


def _fixed_sentences(template: str) -> int:
    """Sentences of peerbot's own words, outside the resource and plan lines."""
    own = [
        line
        for line in template.splitlines()
        if not line.startswith(("• ", "  "))
        and not line.startswith("Emergency:")
        and line != "Your safety plan:"
    ]
    return sum(len(re.findall(r"[.!?:](?:\s|$)", line)) for line in own)


@pytest.mark.parametrize("code", ["US", "GB", "DE", "FR", "ES", "XX", None])
@pytest.mark.parametrize("occasion", list(OPENING))
@pytest.mark.parametrize("overdose", [False, True])
def test_messages_follow_safe_messaging(code, occasion, overdose):
    directory = load_directory()
    local = [CommunityResource(1, "Peer line", "call 555 0100", "24/7", None)]
    plan = {s: "mine" for s in SECTIONS}
    template, values = resource_message(
        occasion, directory.for_region(code), local, prefix="!", overdose=overdose, plan=plan
    )
    text = template.format(**values)
    assert "committed suicide" not in text.lower()
    assert "%" not in text and "statistic" not in text.lower()
    assert _fixed_sentences(template) <= 4
    bullets = [line for line in template.splitlines() if line.startswith("• ")]
    assert 2 <= len(bullets) <= 3
    assert "Emergency: " in text


async def test_crisis_still_answers_when_the_database_fails(mod):
    from storage.db import StorageError

    async def broken(*args, **kwargs):
        raise StorageError("disk I/O error")

    mod.bot.member_settings.get = broken
    mod.bot.community_settings.get = broken
    mod.bot.db.fetchall = broken
    out = await mod.text(":as bob", "/crisis")
    assert "These people are there for you" in out and "Emergency:" in out


async def test_without_a_region_the_members_timezone_picks_the_country(community):
    """Help should reach someone who never set a region: their timezone names a country."""
    out = await community.text("/crisis")
    assert "findahelpline.com" in out  # nothing known yet
    await community.say("/timezone set zone:Europe/London")
    out = await community.text("/crisis")
    assert "116 123" in out and "999" in out
    await community.say("/crisis region set:US")
    assert "988" in await community.text("/crisis")  # an explicit choice wins
