"""Red-team findings on the crisis pathways (docs/crisis.md), each replayed through the console
community: deleting your data mid-crisis, going up a level, screening refused commands, concern
notes, self-claims, nights with nobody on duty, and honest wording."""

from __future__ import annotations

import pytest

from tests.harness import ConsoleCommunity

OVERDOSE = "i took all my pills"


@pytest.fixture
async def team(community: ConsoleCommunity) -> ConsoleCommunity:
    """alice moderates, alerts go to #alerts; bob and carol are members."""
    await community.say(
        ":role alice moderator",
        "/community channel purpose:alerts channel:#alerts",
        ":as bob",
        ":as carol",
    )
    return community


# --- 1: /mydata delete in a crisis ------------------------------------------------------------


async def test_deleting_your_data_keeps_the_open_urgent_alert_and_hides_reports(team):
    await team.say(
        ":as carol", '/crisis concern member:@bob note:"bob said goodbye to everyone"', ":as bob"
    )
    assert any("Priority alert" in line for line in await team.say(OVERDOSE))
    out = await team.text("/mydata delete confirm:yes")
    assert "concern" not in out and "report" not in out  # never told a report existed
    assert "until they close it" in out  # honest: the open alert stays for now
    out = await team.text(":clock +11m")
    assert "Still unclaimed after 10 minutes: alert #2" in out
    out = await team.text(":as alice", "/alert claim 2")
    assert "Alert #2 is yours" in out
    out = await team.text("/alert close 2 outcome:reached-them")
    assert "Closed alert #2" in out
    out = await team.text(":as bob", "/mydata export")
    assert "crisis alerts" not in out and "concern" not in out


async def test_closing_a_deleted_members_alert_takes_their_name_off_it(team):
    await team.say(":as bob", OVERDOSE, "/mydata delete confirm:yes", ":as alice")
    await team.say("/alert close 1 outcome:reached-them")
    out = await team.text("/crisis concerns")
    assert "Alert #1" in out and "closed: reached them" in out
    assert team.bot is not None
    rows = await team.bot.db.fetchall("SELECT user_id, values_json FROM crisis_alerts", ())
    assert all(r[0] is None and "bob" not in r[1] for r in rows)


# --- 2: going up a level -------------------------------------------------------------------------


async def test_an_overdose_after_a_concern_message_gets_the_emergency_first_reply_at_once(team):
    out = await team.text(":as bob", "what's the point anymore", ":clock +2h")
    assert "(private) bob: It sounded like things might be heavy" in out
    out = await team.text("i took 40 pills an hour ago")
    assert "(private) bob: If someone may have taken too much, call" in out
    assert "I sent them crisis resources privately." in out
    assert "already received resources" not in out


async def test_an_overdose_after_an_urgent_message_within_the_hour_alerts_at_once(team):
    await team.say(":as bob", "I want to end my life tonight, I have the pills ready", ":clock +5m")
    out = await team.text("i took all my pills")
    assert "Priority alert (urgent)" in out and "overdose" in out
    assert "(private) bob: If someone may have taken too much, call" in out
    out = await team.text(":clock +5m", "i'm on the bridge now, goodbye everyone")
    assert "Priority alert (urgent)" in out  # a new kind of danger: at once too
    out = await team.text(":clock +5m", "i'm on the bridge now, goodbye everyone")
    assert "@alice Priority alert" not in out  # the same again waits for the hour's follow-up


# --- 5: free text in a refused command is still heard ---------------------------------------------

OVERDOSE_FIRST = "call your local emergency number now and stay with them"


def crisis_reply_to(out: str, who: str) -> bool:
    """Whether `who` got the private crisis reply with the emergency number."""
    mine = [line for line in out.split("\n(") if line.startswith(f"private) {who}")]
    return any("these people are there for you" in line for line in mine)


async def test_a_rate_limited_command_still_hears_an_overdose(team):
    await team.say(":as bob", *["/timezone show"] * 30)
    out = await team.text('/checkin 1 note:"i took all my pills"')
    assert "I didn't run" in out
    assert OVERDOSE_FIRST in out and crisis_reply_to(out, "bob")


@pytest.mark.parametrize(
    "line",
    [
        '/checkin 11 note:"i took all my pills"',  # a bad option value
        '/checkin 1 note:"' + "i took all my pills and i'm scared. " * 20 + '"',  # too long
        '/partner sos note:"i took all my pills, goodbye"',  # no partner
        '/milestone reset name:x note:"i took all my pills"',  # unknown counter
        '/crisis resource report id:xx note:"i took all my pills"',  # unknown id
        '/milestone set 2026-01-01 name:"i took all my pills"',  # a field never screened
        '/timezone set zone:"i took all my pills"',  # not a timezone
        '/nosuchcommand "i took all my pills"',  # not even a command
    ],
)
async def test_every_typed_text_is_heard_whatever_happens_to_the_command(team, line):
    out = await team.text(":as bob", line)
    assert OVERDOSE_FIRST in out and crisis_reply_to(out, "bob")
    assert "#alerts" not in out  # private text stays private


async def test_a_command_that_already_answers_a_crisis_answers_once(team):
    out = await team.text(":as bob", '/checkin 1 note:"i took all my pills"')
    assert out.count("these people are there for you") == 1


# --- 4: a concern note is heard ------------------------------------------------------------------

DANGER_NOTE = "bob just texted me goodbye, he has a gun and is not answering"


async def test_a_concern_note_about_danger_now_makes_an_urgent_alert(team):
    await team.say(":as alice", "/duty on")
    out = await team.text(":as carol", f'/crisis concern member:@bob note:"{DANGER_NOTE}"')
    assert "#alerts: @alice Priority" in out  # the responder on duty is pinged
    assert "call your local emergency number for them" in out
    assert "these people are there for you" not in out  # not a reply about carol herself
    out = await team.text(":as alice", "/duty off", ":clock +11m")
    assert "Still unclaimed after 10 minutes" in out  # and it escalates


async def test_a_reporter_describing_their_own_crisis_gets_the_crisis_reply(team):
    out = await team.text(
        ":as carol", '/crisis concern member:@bob note:"i\'m going to kill myself tonight"'
    )
    assert crisis_reply_to(out, "carol")
    out = await team.text(
        ":as carol", '/crisis concern member:@bob note:"i\'m going to kill myself tonight"'
    )
    assert crisis_reply_to(out, "carol")  # even when the report itself is refused


# --- 3: nobody handles an alert about themselves ------------------------------------------------


@pytest.fixture
async def responders(team: ConsoleCommunity) -> ConsoleCommunity:
    """bob and erin are responders (listeners); bob is on duty."""
    await team.say(
        ":as alice",
        "/duty responders role:@listeners",
        ":role bob +listeners",
        ":role erin +listeners",
        ":as bob",
        "/duty on",
    )
    return team


async def test_a_responder_cannot_claim_or_close_an_alert_about_themselves(responders):
    out = await responders.text(":as bob", OVERDOSE)
    assert "#alerts: @bob" not in out  # never pinged about themselves
    out = await responders.text("/alert claim 1", "/alert close 1 outcome:false-alarm")
    assert "Alert #1 is yours" not in out and "Closed alert #1" not in out
    assert "about you" in out
    out = await responders.text(":clock +11m")
    assert "Still unclaimed after 10 minutes: alert #1" in out  # escalation goes on
    assert "Alert #1 is yours" in await responders.text(":as erin", "/alert claim 1")


async def test_a_report_about_a_responder_never_goes_where_they_read(responders):
    out = await responders.text(":as carol", '/crisis concern member:@bob note:"quiet lately"')
    assert "#alerts" not in out
    assert "(private) alice: Concern report: carol is worried about bob." in out
    out = await responders.text(":as bob", "/alert claim 1", "/alert close 1 outcome:false-alarm")
    assert "Closed alert" not in out


# --- 8: nights, no channel, automatic messages off -------------------------------------------------


async def test_with_nobody_on_duty_an_urgent_alert_mentions_every_moderator_at_once(team):
    out = await team.text(":as bob", OVERDOSE)
    assert "#alerts: @alice Priority alert (urgent)" in out


async def test_with_no_alerts_channel_moderators_are_written_to_at_once(community):
    await community.say(":role alice moderator", ":as bob")
    out = await community.text(OVERDOSE)
    assert "(private) alice: Urgent alert #1" in out


async def test_with_automatic_messages_off_an_overdose_still_gets_the_emergency_number(team):
    await team.say(":as bob", "/crisis auto mode:off")
    out = await team.text(OVERDOSE)
    assert (
        "(private) bob: If you may have taken too much, call your local emergency number now" in out
    )
    assert "one line with the emergency number" in out  # moderators know what was sent


# --- 12 and 11: honest words ------------------------------------------------------------------------


async def test_notify_without_an_alerts_channel_says_the_moderators_were_written_to(community):
    await community.say(":role alice moderator", ":as bob")
    out = await community.text("/crisis notify")
    assert "(private) alice: Urgent alert #1" in out
    assert "I've written to the moderators privately" in out
    assert "couldn't reach the moderators" not in out


async def test_a_rate_limited_command_that_saves_nothing_is_not_said_to_have_saved(community):
    out = await community.text(*["/about"] * 40)
    assert "I didn't run !about:" in out and "nothing was saved" not in out
