"""Red team of support sessions (issue 21), through the console community: what an attacker or
a member in distress would try, each shown as the user would notice it."""

from __future__ import annotations

import asyncio

import pytest

from tests.harness import ConsoleCommunity, private_messages
from tests.test_support import LIMITS, desk, lines_for  # noqa: F401 (desk is a fixture)

URGENT = '/support request kind:listen note:"I want to kill myself tonight"'
REQUEST = '/support request kind:listen topics:grief time:45m note:"rough week"'


async def text_at_once(c: ConsoleCommunity, *lines: str) -> str:
    """The lines typed by whoever is typing, all at the same moment (a double tap)."""
    assert c.console is not None
    before = len(c.transcript)
    await asyncio.gather(*(c.console.handle_line(line) for line in lines))
    return "\n".join(c.transcript[before:])


async def test_an_urgent_request_reaches_a_human_through_the_alert_life_cycle(desk):  # noqa: F811
    """An urgent request is a real crisis alert: numbered, with "I'm on it", re-posted when
    nobody takes it, not a one-off line that can scroll away at 3 a.m."""
    out = await desk.text(URGENT)
    alice = lines_for(out, "(private) alice")
    assert "moderators hear only if you choose" not in alice  # they were told: say so
    assert "I've let the moderators know" in alice
    alerts = lines_for(out, "#alerts")
    assert "alice" in alerts and "kill" not in alerts
    assert "!alert claim" in alerts
    out = await desk.text(":clock +11m")
    assert "Still unclaimed after 10 minutes" in lines_for(out, "#alerts")


async def test_urgent_requests_typed_again_and_again_raise_one_alert(desk):  # noqa: F811
    out = await desk.text(URGENT, URGENT, URGENT, URGENT)
    assert lines_for(out, "(private) alice").count("I've let the moderators know") == 4
    assert posted_alerts(out) == 1


def posted_alerts(out: str) -> int:
    return sum(1 for line in out.splitlines() if line.startswith("#alerts:"))


@pytest.fixture
async def no_alerts_channel(tmp_path):
    """Supporters chosen and on duty, but the moderators never set an alerts channel."""
    c = await ConsoleCommunity.create(tmp_path, config=LIMITS)
    await c.with_supporters(alerts=False)
    yield c
    await c.stop()


async def test_an_urgent_request_without_an_alerts_channel_still_reaches_a_moderator(
    no_alerts_channel,
):
    out = await no_alerts_channel.text(URGENT)
    mod = lines_for(out, "(private) mod")
    assert "alice" in mod and "kill" not in mod


async def test_a_double_tapped_claim_keeps_the_supporters_limit(desk):  # noqa: F811
    """bob takes one session at a time; pressing Claim twice at once must not give him two."""
    await desk.say(REQUEST, ":as carol", REQUEST, ":as bob")
    out = await text_at_once(desk, "/support claim", "/support claim")
    assert out.count("You claimed #") == 1
    assert "your limit" in lines_for(out, "(private) bob")
    assert "private group: carol" not in out  # carol still waits for someone with room
    rows = await desk.rows("SELECT id, status FROM support_requests ORDER BY id")
    assert rows == [(1, "active"), (2, "waiting")]


async def test_a_supporter_asking_for_support_while_alone_on_duty_hears_nobody_is_on(desk):  # noqa: F811
    """Supporters need support too: alice is the only one on duty at night, and she asks. She
    can't claim her own request, so she must hear honestly that nobody is on, and the
    supporters who asked to be called are called; she gets no "a request is waiting" about
    herself."""
    await desk.say(
        ":as bob",
        "/duty off",
        ":as sam",
        "/support settings callme:on",
        ":role alice +Supporters",
        ":as alice",
        "/duty on",
    )
    out = await desk.text(REQUEST)
    alice = lines_for(out, "(private) alice")
    assert "No peer supporter is on duty right now" in alice
    assert "A support request is waiting" not in alice
    assert "nobody is on duty" in lines_for(out, "(private) sam")
    out = await desk.text(":clock +31m")
    assert "No peer supporter is on duty right now" in lines_for(out, "(private) alice")


async def test_a_flood_of_requests_does_not_flood_the_supporters_messages(desk):  # noqa: F811
    """Fifty requests in a busy hour (or from throwaway accounts): bob, the one supporter with
    room, is told a request waits, not fifty times; the queue shows the rest."""
    for n in range(50):
        await desk.say(f":as m{n}", REQUEST)
    notices = [m for m in private_messages(desk.transcript, "bob") if "is waiting" in m]
    assert len(notices) == 1
    out = await desk.text(":as bob", "/support queue")
    assert "50 waiting" in out


async def test_ending_twice_at_once_answers_both_taps(desk):  # noqa: F811
    """A member in distress taps End twice: each tap gets an answer, none is left hanging."""
    await desk.say(REQUEST, ":as bob", "/support claim", ":as alice")
    out = await text_at_once(desk, "/support end", "/support end")
    alice = private_messages(out, "alice")
    assert sum("has ended" in m for m in alice) == 2
    assert out.count("the member closed it") == 1
