"""What a newcomer following only the README ran into on the crisis path (an outside session),
each a test that failed before its fix: going on duty in a community without an alerts channel,
alerts kept for a channel and posted after they were handled, and a second urgent message in
the hour of an alert a moderator had taken."""

from __future__ import annotations

from datetime import timedelta

from tests.harness import posted_in, private_to


async def test_going_on_duty_without_an_alerts_channel_says_where_alerts_go(community):
    await community.say(":role mod moderator", ":as mod")
    out = private_to(await community.text("/duty on"), "mod")
    assert "No alerts channel is set yet" in out
    assert "!community channel purpose:alerts" in out


async def test_going_on_duty_with_an_alerts_channel_says_nothing_more(alerts_team):
    out = private_to(await alerts_team.text("/duty on"), "alice")
    assert "You're on duty" in out
    assert "No alerts channel" not in out


async def test_alerts_handled_while_they_waited_for_a_channel_are_not_posted_as_new(community):
    await community.say(":as carol", "/crisis notify", ":as bob", "/crisis notify")
    await community.say(":role mod moderator", ":as mod")
    await community.say("/alert claim 1", "/alert close 1 outcome:reached-them", "/alert claim 2")
    out = await community.text("/community channel purpose:alerts channel:#alerts")
    posted = posted_in(out, "#alerts")
    assert "Alert #1" not in posted  # closed: nothing left to do
    assert "Alert #2" in posted  # taken: shown as taken, with no call to take it, no pings
    assert "mod has taken it." in posted
    assert "alert claim" not in posted
    assert "@mod" not in posted


async def test_a_second_urgent_message_reaches_whoever_has_the_alert_at_once(alerts_team):
    c = alerts_team
    await c.say(":role mod2 moderator", ":as bob", "I want to end it all tonight")
    await c.say(":as mod2", "/alert claim 1")
    c.clock.advance(timedelta(minutes=40))
    out = await c.text(":as bob", "I'm going to kill myself")
    told = private_to(out, "mod2")
    assert "Alert #1: bob wrote another message" in told
    assert "kill" not in told  # never the member's words
    assert "Priority alert" not in posted_in(out, "#alerts")  # merged, as before


async def test_a_second_urgent_message_of_an_alert_nobody_took_tells_nobody_privately(
    alerts_team,
):
    c = alerts_team
    await c.say(":as bob", "I want to end it all tonight")
    c.clock.advance(timedelta(minutes=5))
    out = await c.text(":as bob", "I'm going to kill myself")
    assert "another message" not in out
