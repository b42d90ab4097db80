"""Gaps in support sessions (issue 21) found by an audit, on the console community."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness import ConsoleCommunity, private_to

LIMITS = {"limits": {"commands_per_minute": 1000}}
DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_docs_say_who_else_can_read_a_discord_session_thread():
    """On Discord, anyone who can manage threads in the support channel reads private threads
    (docs/discord.md says so for partner threads); the 'who sees it' table must say so too."""
    text = (DOCS / "support-sessions.md").read_text()
    table = text.split("## What is kept, and who sees it", 1)[1].split("\n\n")[1]
    note_row = next(line for line in table.splitlines() if line.startswith("| The note"))
    assert "Manage Threads" in note_row


@pytest.fixture
async def desk(tmp_path):
    """mod moderates (alerts channel set); bob is a supporter, off duty; as alice."""
    c = await ConsoleCommunity.create(tmp_path, config=LIMITS)
    await c.with_supporters(("bob",), on_duty=())
    yield c
    await c.stop()


async def test_a_supporter_going_on_duty_hears_that_requests_are_waiting(desk):
    """Members asked at night and were told 'the first supporter on will see it'; bob going on
    duty is told privately what waits (kind, topics, wait; no names, no notes) and how to
    claim."""
    await desk.say('/support request kind:listen topics:grief note:"can\'t sleep"', ":as carol")
    await desk.say("/support request kind:advice topics:none")
    out = await desk.text(":as bob", "/duty on")
    bob = private_to(out, "bob")
    assert "2 support requests are waiting" in bob, bob
    assert "#1: waiting" in bob and "grief" in bob and "#2: waiting" in bob
    assert "support claim takes the oldest; " in bob and "support queue shows them all" in bob
    assert "alice" not in bob and "carol" not in bob and "sleep" not in bob
    # nothing waiting: nothing said beyond the duty reply
    close = "/support close outcome:supported"
    await desk.say("/support claim", close, "/support claim", close, "/duty off")
    out = await desk.text("/duty on")
    assert "waiting" not in private_to(out, "bob")


async def test_a_rota_slot_starting_tells_the_supporter_what_waits(desk):
    """bob is on duty only by the weekly rota: when his slot begins he hears what waits, as at
    /duty on; the next week again; not when nobody waits, nor when he is no supporter."""
    await desk.say(
        ":clock 2026-11-02T12:00",
        ":as bob",
        "/timezone set Europe/London",
        "/duty rota add day:tue start:18:00 end:23:30",
        ":as alice",
    )
    assert "waiting for a supporter" not in await desk.text(":clock 2026-11-03T18:01")
    await desk.say(":clock 2026-11-03T23:45", "/support request kind:listen topics:grief")
    assert "waiting for a supporter" not in await desk.text(":clock 2026-11-10T17:59")
    out = await desk.text(":clock 2026-11-10T18:01")
    bob = private_to(out, "bob")
    assert "1 support request is waiting for a supporter" in bob and "grief" in bob, out
    assert "alice" not in bob
    await desk.say(":as mod", ":role bob -Supporters")
    assert "waiting for a supporter" not in await desk.text(":clock 2026-11-17T18:01")


async def test_a_deleted_waiting_request_moves_the_next_member_up(desk):
    """alice (number 1) deletes her data; carol is now number 1 and is told at once, as after
    a cancel (tests/test_support.py::test_cancel_moves_the_next_member_up)."""
    await desk.say("/support request kind:listen", ":as carol", "/support request kind:listen")
    out = await desk.text(":as alice", "/mydata delete confirm:yes")
    assert "you're now number 1" in private_to(out, "carol"), out
    alice = private_to(out, "alice")
    assert "support requests (1)" in alice and "cancelled" not in alice  # deleted, quietly


async def test_a_session_back_in_the_queue_tells_those_it_went_ahead_of(desk):
    """bob's session with alice goes back to the queue (he deletes his data), ahead of carol:
    carol, number 1, is now number 2 and is told why; later the same when a supporter loses
    the role mid-session."""
    await desk.say(
        "/support request kind:listen", ":as bob", "/duty on", "/support claim", ":as carol"
    )
    assert "number 1" in private_to(await desk.text("/support request kind:listen"), "carol")
    out = await desk.text(":as bob", "/mydata delete confirm:yes")
    carol = private_to(out, "carol")
    assert "went back ahead of you" in carol and "You're now number 2" in carol, out
    assert "went back ahead" not in private_to(out, "alice")

    await desk.say(":role sam +Supporters", ":as sam", "/duty on", "/support claim")
    await desk.say(":as dan", "/support request kind:advice")  # number 2, behind carol
    out = await desk.text(":as mod", ":role sam -Supporters", ":clock +31m")
    assert "went back ahead of you" in private_to(out, "carol")
    dan = private_to(out, "dan")
    assert "went back ahead of you" in dan and "You're now number 3" in dan, out


async def test_moderators_set_the_supporters_own_resources_and_duty_hours(desk):
    """The take-a-break message carries what the community offers its supporters, and the
    duty-hours nudge comes after the hours the community chose; bad values change nothing."""
    await desk.say(":as mod")
    for bad in ("0", "-3", "1", "13", "four", "10000"):
        out = await desk.text(f"/community set support.duty_hours {bad}")
        assert "I didn't change anything" in out, (bad, out)
    out = await desk.text("/community set support.own_resources " + "x" * 10_000)
    assert "Done" not in out and "x" * 300 not in out, out[:300]
    shown = await desk.text("/community show")
    [line] = [x for x in shown.splitlines() if "(support.own_resources): " in x]
    assert "(support.own_resources): not set" in line
    assert "(support.duty_hours): 4 (the default)" in shown
    resources = "@everyone **Supporters' room** #sup-care, EAP line 0800 123 456"
    out = await desk.text(f"/community set support.own_resources {resources}")
    assert "Done" in out or "now" in out, out
    out = await desk.text("/community set support.duty_hours 2")
    assert "I didn't change anything" not in out, out

    await desk.say(":as alice", "/support request kind:listen topics:abuse")
    await desk.say(":as bob", "/duty on", "/support claim")
    out = await desk.text("/support close outcome:supported")
    bob = private_to(out, "bob")
    assert "take a break" in bob and "For supporters here: " + resources in bob, bob
    assert "on duty for more than" not in await desk.text(":clock +119m")
    out = await desk.text(":clock +2m")
    assert "on duty for more than 2 hours" in private_to(out, "bob"), out


async def test_without_the_settings_the_defaults_hold(desk):
    await desk.say(":as alice", "/support request kind:listen topics:grief")
    await desk.say(":as bob", "/duty on", "/support claim")
    out = await desk.text("/support close outcome:supported")
    bob = private_to(out, "bob")
    assert "take a break" in bob and "For supporters here" not in bob
    assert "on duty for more than" not in await desk.text(":clock +239m")
    assert "on duty for more than 4 hours" in private_to(await desk.text(":clock +2m"), "bob")


async def test_a_rota_slot_from_before_the_upgrade_gets_the_word_from_its_next_week(desk):
    """A slot added before slot starts were kept (slot_at empty): the first duty-hours nudge
    arms it, so from the week after the supporter hears what waits when it begins."""
    await desk.say(
        ":clock 2026-11-02T12:00",
        ":as bob",
        "/timezone set Europe/London",
        "/duty rota add day:tue start:18:00 end:23:30",
    )
    await desk.bot.db.write(lambda c: c.execute("UPDATE support_supporters SET slot_at = NULL"))
    await desk.say(":as alice", ":clock 2026-11-03T23:45", "/support request kind:listen")
    out = await desk.text(":clock 2026-11-10T18:01")
    assert "waiting for a supporter" in private_to(out, "bob"), out
