"""Red team of support sessions (issue 21), round 2, through the console community. Every test
here FAILS on main at c9b0cdc; each states what a member, supporter or moderator would expect.

Run from a clone (the file is symlinked into its tests/ so the project's conftest applies):
    ln -s /tmp/redteam21/test_redteam21.py tests/test_redteam21.py
    /work/main/.venv/bin/python -m pytest -q tests/test_redteam21.py
"""

from __future__ import annotations

import pytest

from tests.harness import ConsoleCommunity, private_messages
from tests.test_support import LIMITS, desk, lines_for  # noqa: F401 (desk is a fixture)

URGENT_NOTE = 'note:"I want to kill myself tonight"'
REQUEST = '/support request kind:listen topics:grief,relapse time:45m note:"rough week at work"'


# --- HIGH: an urgent request with one option mistyped skips the alert path ------------------


@pytest.mark.parametrize(
    "line",
    [
        f"/support request kind:listen time:soon {URGENT_NOTE}",  # a typo in the time
        f"/support request kind:hug {URGENT_NOTE}",  # a kind that isn't offered
        # a long outpouring (Matrix and the console have no form to cap it at 1,000)
        "/support request kind:listen note:"
        + "I can't stop crying. " * 60
        + "I want to kill myself tonight",
    ],
)
async def test_an_urgent_request_with_a_mistake_in_it_still_alerts_the_moderators(desk, line):  # noqa: F811
    """docs/support-sessions.md: 'The note passes the crisis detector first. An urgent one gets
    the private crisis reply at once ..., the moderators are alerted with the name only'. With
    `time:2d` (checked by the cog) that holds; with `time:soon`, `kind:hug` or a note over 1,000
    characters (refused by the parser) the member gets 'Could you shorten it?' and the generic
    crisis reply ('moderators hear only if you choose'), and no moderator hears anything."""
    out = await desk.text(line)
    assert "alice" in lines_for(out, "#alerts")  # the moderators hear the name
    assert "I've let the moderators know" in lines_for(out, "(private) alice")


async def test_an_urgent_request_with_an_unclosed_quote_still_alerts_the_moderators(desk):  # noqa: F811
    """The line can't be read at all (the closing quote is missing): still a support request,
    so the moderators hear the name."""
    out = await desk.text('/support request kind:listen note:"I want to kill myself tonight')
    assert "alice" in lines_for(out, "#alerts")
    assert "I've let the moderators know" in lines_for(out, "(private) alice")


async def test_an_urgent_request_over_the_command_limit_still_alerts_the_moderators(tmp_path):
    """Typing fast past the command limit: the request isn't run, yet the moderators hear."""
    c = await ConsoleCommunity.create(tmp_path, config={"limits": {"commands_per_minute": 3}})
    try:
        await c.say(
            ":role mod moderator", ":as mod", "/community channel purpose:alerts channel:#alerts"
        )
        await c.say(":as alice", "/help", "/help", "/help")
        out = await c.text(f"/support request kind:listen {URGENT_NOTE}")
        assert "faster than I can keep up" in lines_for(out, "(private) alice")
        assert "alice" in lines_for(out, "#alerts")
        assert "I've let the moderators know" in lines_for(out, "(private) alice")
    finally:
        await c.stop()


# --- MEDIUM: details typed in a second go never reach the supporter -------------------------


async def test_details_added_in_a_second_request_reach_the_supporter(desk):  # noqa: F811
    """Typing fast in pieces: alice asks with just a kind, then sends the heads-up topics and
    a note. The second is refused ('You already have a support request open; I'll keep your
    place') and silently dropped: bob claims and reads 'Heads-up topics: none given' and
    '(nothing written)' -- unwarned about self-harm and abuse, which is what the checklist is
    for. Expected: the open request takes the new details (or the member is told plainly that
    they were NOT passed on)."""
    await desk.say(
        "/support request kind:listen",
        "/support request kind:listen topics:abuse,self-harm "
        'note:"please be gentle, it is hard to talk about"',
    )
    out = await desk.text(":as bob", "/support claim")
    group = lines_for(out, "(private group: alice, bob)")
    assert "self-harm" in group and "please be gentle" in group


async def test_the_member_hears_that_details_were_added(desk):  # noqa: F811
    await desk.say("/support request kind:listen")
    out = await desk.text('/support request topics:grief note:"my dad died"')
    assert "I've added that to your request" in lines_for(out, "(private) alice")
    out = await desk.text(":as bob", "/support claim")
    group = lines_for(out, "(private group: alice, bob)")
    assert "grief" in group and "my dad died" in group


async def test_details_typed_during_a_session_are_said_not_passed_on(desk):  # noqa: F811
    await desk.say("/support request kind:listen", ":as bob", "/support claim", ":as alice")
    out = await desk.text('/support request kind:listen note:"one more thing"')
    assert "was not passed on" in lines_for(out, "(private) alice")
    assert "one more thing" not in lines_for(out, "(private group: alice, bob)")


# --- MEDIUM: "call me when nobody is on" is called once per request, at night ---------------


async def test_call_me_supporters_are_not_woken_once_per_request(desk):  # noqa: F811
    """sam, off duty, said 'call me when nobody is on'. Ten members ask in the same night hour
    (or one person with throwaway accounts): sam gets ten private nudges at 3 a.m. The on-duty
    notice was fixed for this (test_a_flood_of_requests_does_not_flood_the_supporters_messages);
    the call-me nudge was not. Expected: one nudge while the queue is unanswered."""
    await desk.say(":as bob", "/duty off", ":as sam", "/support settings callme:on")
    before = len(desk.transcript)
    for n in range(10):
        await desk.say(f":as m{n}", REQUEST)
    nudges = [
        m
        for m in private_messages(desk.transcript[before:], "sam")
        if "Someone is waiting for support" in m
    ]
    assert len(nudges) == 1


# --- MEDIUM: a member who leaves mid-session leaves the supporter stuck at their limit -------


async def test_a_member_who_leaves_mid_session_frees_the_supporter(desk):  # noqa: F811
    """alice leaves the community mid-session. Nothing notices: an hour later bob is still
    'holding' the session, isn't told, and when carol asks he gets 'You already hold 1 session,
    your limit' while she waits. The claim path already closes a session kindly when the member
    can't be reached; the half-hourly check only looks at the supporter. Expected (as for a
    supporter who leaves): within 30 minutes the session is closed kindly and bob is free."""
    await desk.say(REQUEST, ":as bob", "/support claim", ":leave alice")
    await desk.say(":clock +31m", ":clock +31m")
    out = await desk.text(":as carol", REQUEST, ":as bob", "/support claim")
    assert "You claimed #2" in out
    assert "your limit" not in out


async def test_the_supporter_is_told_when_the_member_left(desk):  # noqa: F811
    await desk.say(REQUEST, ":as bob", "/support claim", ":leave alice")
    out = await desk.text(":clock +31m", ":clock +31m")
    assert "has left the community" in lines_for(out, "(private) bob")


async def test_a_member_who_leaves_while_waiting_lets_those_behind_move_up(desk):  # noqa: F811
    await desk.say(":as bob", "/duty off", ":as alice", REQUEST, ":as carol", REQUEST)
    await desk.say(":leave alice")
    out = await desk.text(":clock +31m")
    assert "you're now number 1" in lines_for(out, "(private) carol")


# --- MEDIUM: no supporters at all, and the member is promised one ---------------------------


@pytest.fixture
async def no_supporters(tmp_path):
    """The moderators set an alerts channel but never chose any peer supporters."""
    c = await ConsoleCommunity.create(tmp_path, config=LIMITS)
    await c.with_supporters((), on_duty=())
    yield c
    await c.stop()


async def test_a_community_without_supporters_does_not_promise_one(no_supporters):
    """Nobody can ever claim this request, yet alice reads 'the first supporter on will see
    it' and then 'Still here for you' every 30 minutes for ever (48 private messages a day,
    all night, with no end). Expected: told honestly that nobody here takes support requests
    yet (with /crisis), and no endless half-hourly messages for a queue nobody serves."""
    out = await no_supporters.text(REQUEST)
    assert "the first supporter on will see it" not in lines_for(out, "(private) alice")
    before = len(no_supporters.transcript)
    for _ in range(48):
        await no_supporters.say(":clock +30m")
    pings = [
        m
        for m in private_messages(no_supporters.transcript[before:], "alice")
        if "Still here for you" in m
    ]
    assert len(pings) < 10, f"{len(pings)} messages in one day"


async def test_updates_stop_kindly_after_the_time_the_member_has(desk):  # noqa: F811
    """Nobody on duty all night: once the time alice said she has is over, one kind word, then
    no more half-hourly messages; her request keeps its place."""
    await desk.say(":as bob", "/duty off", ":as alice", REQUEST)
    before = len(desk.transcript)
    for _ in range(48):
        await desk.say(":clock +30m")
    mine = private_messages(desk.transcript[before:], "alice")
    assert len([m for m in mine if "Still here for you" in m]) <= 2
    assert len([m for m in mine if "I'll stop these half-hourly updates" in m]) == 1
    out = await desk.text(":as bob", "/duty on", "/support claim")
    assert "You claimed #1" in out


# --- LOW ------------------------------------------------------------------------------------


async def test_the_only_supporter_busy_is_not_a_five_minute_wait(desk):  # noqa: F811
    """bob, the only supporter on duty, has just started a 45-minute session (limit 1). alice
    asks and reads 'it may take about 5 minutes'; sam, who asked to be called when nobody can
    answer, isn't called. Expected: an honest wait (nobody free right now) and the call-me
    supporters asked."""
    await desk.say(
        ":as sam",
        "/support settings callme:on",
        ":as carol",
        REQUEST,
        ":as bob",
        "/support claim",
        ":as alice",
    )
    out = await desk.text(REQUEST)
    assert "about 5 minutes" not in lines_for(out, "(private) alice")
    assert "Someone is waiting for support" in lines_for(out, "(private) sam")


async def test_nobody_on_does_not_point_a_supporter_to_their_own_rota_slot(desk):  # noqa: F811
    """alice is a supporter with a Tuesday rota slot; at night she needs support herself.
    'Someone is usually on from Tue 03 Nov 2026, 18:00' -- that someone is alice."""
    await desk.say(
        ":as bob",
        "/duty off",
        ":role alice +Supporters",
        ":as alice",
        "/duty rota add day:tue start:18:00 end:22:00",
    )
    out = await desk.text("/support request kind:listen")
    assert "Someone is usually on from" not in lines_for(out, "(private) alice")


async def test_nobody_on_still_points_to_another_supporters_slot(desk):  # noqa: F811
    await desk.say(
        ":as bob",
        "/duty off",
        ":role alice +Supporters",
        ":as alice",
        "/duty rota add day:tue start:18:00 end:22:00",
        ":as sam",
        "/duty rota add day:wed start:09:00 end:12:00",
        ":as alice",
    )
    out = lines_for(await desk.text("/support request kind:listen"), "(private) alice")
    assert "Someone is usually on from Wed" in out


async def test_a_supporter_who_leaves_the_console_community_mid_session_is_noticed(desk):  # noqa: F811
    """docs: 'If a supporter loses the role or leaves the server mid-session, the member is
    told within 30 minutes'. On the console, `:leave bob` keeps bob's roles, so nothing
    happens (an hour later alice is still in a session with nobody). Discord's has_role says
    None for a departed member, so there it holds; the console community doesn't model it."""
    await desk.say(REQUEST, ":as bob", "/support claim", ":leave bob")
    out = await desk.text(":clock +31m", ":clock +31m")
    assert "had to step away" in lines_for(out, "(private) alice")
