"""Issue 17, "Every alert reaches a person", in the console community: duty and the rota,
pings for urgent alerts only, claim and close, escalation as the clock moves, and alerts kept
while there is no alerts channel and delivered once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cogs.crisis.duty import on_duty
from storage.alerts import DutySwitch, RotaSlot
from tests.harness import ConsoleCommunity, posted_in, private_to, said_to

URGENT = "I want to end my life tonight, I have the pills ready"
CONCERN = "I want to die"


@pytest.fixture
async def team(community):
    """alice and dan moderate; alerts go to #alerts; bob is a member, erin a responder."""
    await community.say(
        ":role alice moderator",
        ":role dan moderator",
        "/community channel purpose:alerts channel:#alerts",
        ":as bob",
        ":as erin",
        ":as alice",
    )
    return community


async def flag(c: ConsoleCommunity, text: str = URGENT, who: str = "bob") -> list[str]:
    out = await c.say(f":as {who}", text, ":as alice")
    return out


# --- duty -----------------------------------------------------------------------------------


async def test_only_moderators_and_the_responders_role_go_on_duty(team):
    out = await team.text(":as erin", "/duty on")
    assert "Only moderators and the responders" in out
    out = await team.text(":as alice", "/duty responders role:listeners")
    assert "Responders: moderators and listeners" in out
    assert "Crisis responders (may go on duty and take alerts): moderators and listeners" in (
        await team.text("/community show")
    )
    await team.say(":role erin +listeners")
    assert "You're on duty" in await team.text(":as erin", "/duty on")
    out = await team.text("/duty list")
    assert "On duty now:" in out and "- erin: their local time Mon 12:00 UTC" in out
    assert "You're off duty" in await team.text("/duty off")
    assert "Nobody is on duty right now" in await team.text("/duty list")


async def test_duty_list_shows_each_responders_local_time(team):
    await team.say("/timezone set zone:Asia/Tokyo", "/duty on")
    out = await team.text("/duty list")
    assert "- alice: their local time Mon 21:00 Asia/Tokyo, until they stop" in out


async def test_a_rota_slot_follows_the_responders_zone_across_daylight_saving():
    # 09:00-17:00 on Mondays in London: 09:00 UTC in winter, 08:00 UTC in summer.
    slot = RotaSlot(1, "alice", "alice", 0, 9 * 60, 17 * 60, "Europe/London")
    winter = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)  # a Monday, GMT
    summer = datetime(2026, 6, 1, 8, 30, tzinfo=UTC)  # a Monday, BST
    assert on_duty([], [slot], winter) == []
    [person] = on_duty([], [slot], summer)
    assert person.until == datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
    # an overnight slot ends the next day; off until its end skips only this slot
    night = RotaSlot(2, "dan", "dan", 0, 22 * 60, 6 * 60, "Europe/London")
    tuesday_early = datetime(2026, 11, 3, 5, 0, tzinfo=UTC)
    assert [d.user_id for d in on_duty([], [night], tuesday_early)] == ["dan"]
    off = DutySwitch("dan", "dan", None, datetime(2026, 11, 3, 6, 0, tzinfo=UTC))
    assert on_duty([off], [night], tuesday_early) == []


async def test_rota_slot_puts_a_responder_on_duty_then_off(team):
    out = await team.text("/duty rota add day:mon start:12:30 end:13:00")
    assert "Added rota slot #1: every mon 12:30–13:00" in out
    assert "Nobody is on duty" in await team.text("/duty list")
    await team.say(":clock +40m")
    assert "- alice:" in await team.text("/duty list")
    out = await team.text("/duty off")
    assert "Your rota slot would have lasted until Mon 02 Nov 2026, 13:00" in out
    assert "Nobody is on duty" in await team.text("/duty list")


# --- pings ----------------------------------------------------------------------------------


async def test_urgent_alerts_mention_the_responders_on_duty_and_concerns_mention_nobody(team):
    await team.say("/duty on")
    out = await flag(team)
    assert posted_in(out, "#alerts").startswith("@alice Priority alert (urgent)")
    assert "I'm on it: type !alert claim number:1" in posted_in(out, "#alerts")
    out = await flag(team, CONCERN, who="erin")
    assert "Low priority (concern)" in posted_in(out, "#alerts") and "@" not in posted_in(
        out, "#alerts"
    )


async def test_nobody_on_duty_pings_every_moderator_and_the_responders_role_at_once(team):
    await team.say("/duty responders role:listeners")
    out = posted_in(await flag(team), "#alerts")
    assert out.startswith("@alice @dan @listeners Priority alert")
    assert "Nobody is on duty right now, so I mentioned every moderator." in out


# --- claim and close ------------------------------------------------------------------------


async def test_claim_shows_who_has_it_and_close_keeps_the_outcome(team):
    await flag(team)
    out = await team.say("/alert claim 1")
    assert "#alerts: Alert #1: ✋ alice is on it (since 12:00 UTC)." in out
    assert "Alert #1 is yours" in private_to(out, "alice")
    out = await team.text(":as dan", "/alert claim 1")
    assert "alice already has alert #1" in out
    assert "Only moderators and responders" in await team.text(":as bob", "/alert claim 1")
    out = await team.text(":as alice", "/alert close 1 outcome:reached-them")
    assert "Closed by alice at 12:00 UTC: reached them" in out
    assert "already closed" in await team.text("/alert close 1 outcome:no-contact")
    out = await team.text("/crisis concerns")
    assert (
        "Alert #1 2026-11-02 12:00 UTC (urgent message): closed: reached them (handled by alice)"
        in out
    )
    out = await team.text("/crisis stats")
    body = out.split(":", 1)[1]
    assert "2026-11: reached them 1 (total 1)" in body and "bob" not in body
    assert "alice" not in body
    assert "Only moderators" in await team.text(":as bob", "/crisis stats")


async def test_stats_count_outlives_the_members_deleting_their_data(team):
    await flag(team)
    await team.say("/alert close 1 outcome:false-alarm")
    await team.say(":as bob", "/mydata delete confirm:yes", ":as alice")
    assert "false alarm 1" in await team.text("/crisis stats")
    assert "Alert #1" not in await team.text("/crisis concerns")


async def test_alert_rows_are_in_the_export_and_deleted(team):
    await team.say("/duty on", "/duty rota add day:tue start:09:00 end:10:00")
    await flag(team)
    await team.say("/alert claim 1")
    mine = await team.export()
    assert mine["crisis duty"] and mine["crisis rota"]
    assert mine["crisis alerts"]["you handled"][0]["kind"] == "urgent"
    await team.say(":as bob")
    assert (await team.export())["crisis alerts"]["about you"][0]["kind"] == "urgent"


# --- escalation -----------------------------------------------------------------------------


async def test_unclaimed_urgent_alert_is_reposted_then_sent_to_every_moderator(team):
    await flag(team)
    out = await team.say(":clock +9m")
    assert posted_in(out, "#alerts") == ""
    out = await team.say(":clock +2m")
    repost = posted_in(out, "#alerts")
    assert repost.startswith("@alice @dan Still unclaimed after 10 minutes: alert #1")
    out = await team.say(":clock +20m")
    assert "Nobody has taken urgent alert #1 in 30 minutes" in private_to(out, "alice")
    assert "Nobody has taken urgent alert #1" in private_to(out, "dan")
    assert "Nobody has taken" not in private_to(out, "bob")
    assert "Nobody has taken" not in await team.text(":clock +1d")  # each step once


async def test_escalation_times_are_a_setting(team):
    out = await team.text("/alert settings repost:5m dm:15m")
    assert "after 5 minutes" in out and "after 15 minutes" in out
    await flag(team)
    assert "Still unclaimed after 5 minutes" in await team.text(":clock +6m")


async def test_a_claimed_alert_stops_escalating_and_reminds_its_claimer_after_a_day(team):
    await flag(team)
    await team.say("/alert claim 1")
    out = await team.text(":clock +23h")
    assert "Still unclaimed" not in out and "Nobody has taken" not in out
    out = await team.say(":clock +2h")
    assert "A gentle reminder: alert #1" in private_to(out, "alice")
    assert "reminder" not in await team.text(":clock +2d")


async def test_concern_alerts_do_not_escalate(team):
    await flag(team, CONCERN)
    assert "Still unclaimed" not in await team.text(":clock +2h")


async def test_escalation_survives_a_restart_without_repeating(team):
    await flag(team)
    await team.say(":clock +11m")
    await team.restart()
    out = await team.text(":clock +1m")
    assert "Still unclaimed" not in out
    assert "Nobody has taken urgent alert #1" in await team.text(":clock +30m")


# --- undelivered ----------------------------------------------------------------------------


async def test_alerts_without_a_channel_are_kept_and_delivered_once_when_one_is_set(community):
    await community.say(":role alice moderator", ":as bob", ":as carol")
    out = await community.text("/crisis notify")
    # the moderators are written to privately at once; the request is kept for the channel
    assert "written to the moderators privately" in out and "post your request there" in out
    assert "Urgent alert #1 (no alerts channel is set" in out and "#alerts" not in out
    out = await community.text("/crisis notify")
    assert "already written to the moderators privately" in out and "kept" in out
    out = await community.text('/crisis concern member:@bob note:"quiet for days"')
    assert "couldn't reach them just now" in out and "pass it on once" in out
    out = await community.text('/crisis concern member:@bob note:"said goodbye"')
    assert "hasn't reached the moderators yet" in out and "they have it" not in out
    out = await community.say(":as alice", "/community channel purpose:alerts channel:#alerts")
    posted = posted_in(out, "#alerts")
    assert posted.count("Alert #") == 2 and len(said_to(out, "#alerts")) == 2
    assert "carol asked for a moderator" in posted and "Note from carol: said goodbye" in posted
    assert posted_in(await community.say(":clock +5m", "/community show"), "#alerts") == ""
    assert "(alerted)" in await community.text("/crisis concerns")


async def test_an_undelivered_urgent_alert_still_reaches_moderators_privately(community):
    await community.say(":role alice moderator", ":as bob", URGENT, ":as alice")
    out = await community.text(":clock +31m")
    assert "Nobody has taken urgent alert #1 in 30 minutes" in out
