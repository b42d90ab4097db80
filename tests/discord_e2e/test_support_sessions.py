"""Support sessions on the loopback Discord API (issue 21): the request form is a modal, the
session is a private thread holding only the member, the supporter and the bot, the triage
answers go there only; handoff, close, nobody on duty, an urgent request, a supporter who
leaves the server mid-session. The bot runs in-process on a manual clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.discord_e2e.conftest import ALERTS, CHECKINS, FACILITATOR_ROLE, GENERAL, GUILD
from tests.discord_e2e.test_alert_lifecycle import bot, run  # noqa: F401 (the bot fixture)
from tests.discord_loopback import ALICE, CAROL, MOD, FakeUser, LoopbackDiscord

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]

SUPPORTERS = FACILITATOR_ROLE  # the server's role chosen for peer supporters in this module
SAM, TESS, UMA = FakeUser(2101, "sam"), FakeUser(2102, "tess"), FakeUser(2103, "uma")
WES, XAN = FakeUser(2105, "wes"), FakeUser(2106, "xan")  # supporters of the later tests
NOTE = "rough week at work, @everyone <b>x</b>"


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("content") or "" for m in messages)


def private_threads(server: LoopbackDiscord) -> list:
    return [c for c in server.guilds[GUILD].channels if c.type == 12]


async def told(server: LoopbackDiscord, user: FakeUser, words: str) -> None:
    """Wait until a private message to ``user`` says ``words``."""
    await server.wait_until(
        lambda: words in texts(server.dm_messages(user.id)), timeout=10, what=words
    )


async def ask_with_the_form(server: LoopbackDiscord, user: FakeUser, values: dict) -> str:
    """/support request with no options shows a button; it opens a modal; submit it."""
    rec = await server.invoke(GUILD, GENERAL, user, "support request", {})
    first = await rec.wait_reply()
    buttons = [c for row in first["components"] for c in row["components"]]
    press = await server.press_button(GUILD, GENERAL, user, buttons[0]["custom_id"])
    modal = await press.wait_reply()
    fields = [c["component"]["custom_id"] for c in modal["components"]]
    assert fields == ["kind", "topics", "time", "note"]
    submit = await server.submit_modal(GUILD, GENERAL, user, modal["custom_id"], values)
    reply = await submit.wait_reply()
    assert submit.ephemeral
    return reply.get("content") or ""


async def test_request_claim_private_thread_handoff_and_close(bot, server):  # noqa: F811
    await server.wait_ready()
    await run(server, MOD, "community channel", {"purpose": "alerts", "channel": f"<#{ALERTS}>"})
    # private threads open under the check-ins channel
    await run(
        server, MOD, "community channel", {"purpose": "checkins", "channel": f"<#{CHECKINS}>"}
    )
    said = await run(server, MOD, "community supporters", {"role": str(GUILD)})
    assert "can't be everyone" in said  # @everyone would let every member read requests
    said = await run(server, MOD, "community supporters", {"role": str(SUPPORTERS)})
    assert "Peer supporters: @Facilitator" in said
    for person in (SAM, TESS):
        await server.add_member(GUILD, person, roles=(SUPPORTERS,))
    await server.add_member(GUILD, UMA)
    assert "on duty" in await run(server, SAM, "duty", {"mode": "on"})

    said = await ask_with_the_form(
        server, ALICE, {"kind": "listen", "topics": "grief", "time": "45m", "note": NOTE}
    )
    assert "You're number 1 in the queue" in said
    await told(server, SAM, "A support request is waiting")

    # a member who is not a supporter sees nothing of the queue and cannot claim
    assert "Only the peer supporters" in await run(server, CAROL, "support queue", {})
    assert "Only the peer supporters" in await run(server, CAROL, "support claim", {"id": 1})
    queue = await run(server, SAM, "support queue", {})
    assert "#1: waiting" in queue and "alice" not in queue and "rough week" not in queue

    assert "You claimed #1" in await run(server, SAM, "support claim", {})
    [thread] = private_threads(server)
    assert set(server.thread_members[thread.id]) == {server.bot_user.id, ALICE.id, SAM.id}
    [welcome] = server.channel_messages(thread.id)
    assert "rough week at work" in welcome["content"] and "grief" in welcome["content"]
    # a private thread is readable by whoever can manage threads there: the thread says so
    assert "Only the two of you are here" not in welcome["content"]
    assert "Manage Threads permission in this channel" in welcome["content"]
    assert welcome["allowed_mentions"]["parse"] == []
    assert not any(welcome["pings"].values())
    everywhere_else = texts(server.channel_messages(GENERAL)) + texts(
        server.channel_messages(ALERTS)
    )
    assert "rough week" not in everywhere_else

    # handoff: tess gets the note privately and a new private thread with alice
    assert "on duty" in await run(server, TESS, "duty", {"mode": "on"})
    said = await run(server, SAM, "support handoff", {"member": str(TESS.id), "note": "call back"})
    assert "Handed over to tess" in said
    await told(server, TESS, "call back")
    assert "call back" not in texts(server.dm_messages(ALICE.id))
    second = [t for t in private_threads(server) if t.id != thread.id]
    assert len(second) == 1
    assert set(server.thread_members[second[0].id]) == {server.bot_user.id, ALICE.id, TESS.id}
    # the first thread says where the session went, then is archived and locked
    assert "handed session #1 on to tess" in server.channel_messages(thread.id)[-1]["content"]
    assert thread.archived and thread.locked
    assert not second[0].archived

    resources = "@everyone **care room** <#1>"
    said = await run(
        server, MOD, "community set", {"name": "support.own_resources", "value": resources}
    )
    assert "Done" in said, said
    assert "Closed #1" in await run(server, TESS, "support close", {"outcome": "supported"})
    await told(server, ALICE, "How was this?")
    await told(server, TESS, "take a break")
    # the moderators' words for supporters come with it, as words: no ping, no markup
    [brk] = [m for m in server.dm_messages(TESS.id) if "take a break" in (m.get("content") or "")]
    assert "care room" in brk["content"] and "**care room**" not in brk["content"]
    assert "@everyone" not in brk["content"] and brk["allowed_mentions"]["parse"] == []
    last = server.channel_messages(second[0].id)[-1]
    assert "Session #1 has ended" in last["content"] and "rough week" not in last["content"]
    assert second[0].archived and second[0].locked


async def test_nobody_on_duty_and_an_urgent_request(bot, server):  # noqa: F811
    for person in (SAM, TESS):
        await run(server, person, "duty", {"mode": "off"})
    said = await run(server, UMA, "support request", {"kind": "advice", "topics": "none"})
    assert "No peer supporter is on duty right now" in said and "/crisis" in said

    said = await run(
        server,
        CAROL,
        "support request",
        {"kind": "listen", "note": "I want to kill myself tonight"},
    )
    assert "let the moderators know" in said and "not put in the queue" in said
    assert "number 1" not in said
    await server.wait_until(
        lambda: "carol" in texts(server.channel_messages(ALERTS)), timeout=10, what="an alert"
    )
    alert = server.channel_messages(ALERTS)[-1]["content"]
    assert "carol" in alert and "kill" not in alert
    assert "cancelled" in await run(server, UMA, "support cancel", {})


async def test_a_supporter_who_leaves_the_server_hands_the_member_back(bot, server):  # noqa: F811
    assert "on duty" in await run(server, SAM, "duty", {"mode": "on"})
    said = await run(server, UMA, "support request", {"kind": "listen", "note": "hello"})
    assert "number 1" in said
    assert "You claimed" in await run(server, SAM, "support claim", {})
    await server.remove_member(GUILD, SAM)
    await bot.scheduler.advance_to(bot.clock.now() + timedelta(minutes=31))
    await told(server, UMA, "had to step away")
    assert "on duty" in await run(server, TESS, "duty", {"mode": "on"})
    assert "You claimed" in await run(server, TESS, "support claim", {})


async def test_threads_open_under_the_support_channel_and_the_member_ending_archives(
    bot,  # noqa: F811
    server,
):
    said = await run(
        server, MOD, "community channel", {"purpose": "support", "channel": f"<#{GENERAL}>"}
    )
    assert "Done" in said or "support" in said.lower()
    # moderators are told who else can read the session threads there
    assert "anyone with the Manage Threads permission in that channel" in said, said
    await server.add_member(GUILD, WES, roles=(SUPPORTERS,))
    await run(server, WES, "duty", {"mode": "on"})
    before = {t.id for t in private_threads(server)}
    assert "number 1" in await run(server, CAROL, "support request", {"kind": "listen"})
    assert "You claimed" in await run(server, WES, "support claim", {})
    [thread] = [t for t in private_threads(server) if t.id not in before]
    assert thread.parent_id == GENERAL  # the channel moderators chose, not check-ins
    assert "ended" in await run(server, CAROL, "support end", {})
    await server.wait_until(lambda: thread.archived, timeout=10, what="the thread archived")
    assert thread.locked


async def test_a_member_who_left_with_dms_closed_is_closed_kindly(bot, server):  # noqa: F811
    vic = FakeUser(2104, "vic")
    await server.add_member(GUILD, vic)
    await server.add_member(GUILD, XAN, roles=(SUPPORTERS,))
    await run(server, XAN, "duty", {"mode": "on"})
    before = {t.id for t in private_threads(server)}
    assert "number 1" in await run(server, vic, "support request", {"kind": "listen"})
    await server.remove_member(GUILD, vic)
    server.dm_closed_users.add(vic.id)
    said = await run(server, XAN, "support claim", {})
    assert "couldn't reach the member" in said and "free for the next one" in said
    assert {t.id for t in private_threads(server)} == before  # no empty thread left behind
    assert "Nobody is waiting" in await run(server, XAN, "support claim", {})
