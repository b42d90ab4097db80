"""Partners get a private thread of their own on Discord, or private messages when it can't be.

Members join the pool, a moderator runs ``/partner match``, both say yes; then a private,
non-invitable thread in the check-ins channel holds both of them and the welcome, which pings
nobody. When Discord refuses any step, each member hears privately instead, and no half-made
thread is left behind.
"""

from __future__ import annotations

import pytest
import pytest_asyncio

from tests.discord_e2e.conftest import CHECKINS, GENERAL, GUILD
from tests.discord_loopback import ALICE, BOB, CAROL, MOD, FakeUser, LoopbackDiscord
from tests.discord_loopback.gateway import GUILDS
from tests.discord_loopback.models import BOT_ROLE_ID, CREATE_PRIVATE_THREADS

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]

DANA, ERIN = FakeUser(2004, "dana"), FakeUser(2005, "erin")
FRED, GINA = FakeUser(2006, "fred"), FakeUser(2007, "gina")
HANK, IRIS = FakeUser(2008, "hank"), FakeUser(2010, "iris")
JUNO, KAI = FakeUser(2011, "juno"), FakeUser(2012, "kai")
OPENED = "I've opened a private space for you to talk."
SAY_HELLO = "Say hello when you're ready"


def content(message: dict) -> str:
    return message.get("content") or ""


async def run(server: LoopbackDiscord, user: FakeUser, name: str, **options: object) -> str:
    """A member runs a command in #general; the text of the answer they see."""
    rec = await server.invoke(GUILD, GENERAL, user, name, options or None)
    return content(await rec.wait_reply(timeout=15))


async def pair_up(server: LoopbackDiscord, first: FakeUser, second: FakeUser) -> str:
    """Both join, the moderator matches, both accept; what the second one is told."""
    for member in (first, second):
        await run(server, member, "timezone-set", zone="Europe/London")
        assert "You're in the pool" in await run(server, member, "partner join", focus="alcohol")
    assert "Proposed 1 pair" in await run(server, MOD, "partner match")
    for member in (first, second):  # the proposal reached each of them privately
        assert any(
            "possible accountability partner" in content(m) for m in server.dm_messages(member.id)
        )
    assert "noted your yes" in await run(server, first, "partner accept")
    return await run(server, second, "partner accept")


def private_threads(server: LoopbackDiscord) -> list:
    return [c for c in server.guilds[GUILD].channels if c.type == 12]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def checkins_channel(inproc) -> LoopbackDiscord:
    server = inproc.server
    await server.wait_ready()
    said = await run(server, MOD, "community channel", purpose="checkins", channel=f"<#{CHECKINS}>")
    assert "checkins" in said.lower()
    return server


async def test_partners_meet_in_a_private_thread_that_pings_nobody(checkins_channel):
    server = checkins_channel
    told_bob = await pair_up(server, ALICE, BOB)

    [thread] = private_threads(server)
    assert thread.parent_id == CHECKINS and thread.name == "Accountability partners"
    [created] = server.calls_to("POST", rf"channels/{CHECKINS}/threads$")
    assert created.json["type"] == 12 and created.json["invitable"] is False
    assert set(server.thread_members[thread.id]) == {server.bot_user.id, ALICE.id, BOB.id}

    [welcome] = server.channel_messages(thread.id)
    assert "Welcome, alice and bob" in content(welcome) or "Welcome, bob and alice" in content(
        welcome
    )
    assert welcome["allowed_mentions"]["parse"] == []
    assert (
        not any(welcome["pings"].values())
        if isinstance(welcome["pings"], dict)
        else not welcome["pings"]
    )

    assert OPENED in told_bob  # the one who said yes last hears it in their answer
    assert any(OPENED in content(m) for m in server.dm_messages(ALICE.id))
    # nobody else was added, and the check-ins channel itself got nothing
    assert server.channel_messages(CHECKINS) == []


async def test_a_refused_thread_means_a_private_message_to_each(checkins_channel):
    server = checkins_channel
    before = len(private_threads(server))
    refusal = server.refuse("POST", r"channels/\d+/threads")
    try:
        told_mod = await pair_up(server, CAROL, MOD)
    finally:
        server.allow(refusal)

    assert [c.status for c in server.calls_to("POST", r"channels/\d+/threads$")][-1] == 403
    assert len(private_threads(server)) == before
    assert SAY_HELLO in told_mod and OPENED not in told_mod
    carol_dms = [content(m) for m in server.dm_messages(CAROL.id)]
    assert any(
        "You and mod are now accountability partners" in t and SAY_HELLO in t for t in carol_dms
    )


async def test_a_member_who_cannot_be_added_leaves_no_half_made_thread(checkins_channel):
    server = checkins_channel
    for member in (DANA, ERIN):
        await server.add_member(GUILD, member)
    before = len(private_threads(server))
    refusal = server.refuse(
        "PUT", rf"channels/\d+/thread-members/{ERIN.id}", 404, 10007, "Unknown Member"
    )
    try:
        told_erin = await pair_up(server, DANA, ERIN)
    finally:
        server.allow(refusal)

    assert len(private_threads(server)) == before  # opened, then deleted again
    assert server.calls_to("DELETE", r"channels/\d+$")
    assert SAY_HELLO in told_erin
    assert any(SAY_HELLO in content(m) for m in server.dm_messages(DANA.id))


async def test_without_the_permission_nothing_is_attempted_and_partners_hear_privately(
    checkins_channel,
):
    server = checkins_channel
    bot_role = server.guilds[GUILD].role(BOT_ROLE_ID)
    assert bot_role is not None
    granted = bot_role.permissions
    for member in (HANK, IRIS):
        await server.add_member(GUILD, member)
    calls = len(server.calls_to("POST", r"channels/\d+/threads$"))
    bot_role.permissions = granted & ~CREATE_PRIVATE_THREADS  # a server that never granted it
    server.gateway.dispatch(
        "GUILD_ROLE_UPDATE", {"guild_id": str(GUILD), "role": bot_role.payload()}, intent=GUILDS
    )
    try:
        told_iris = await pair_up(server, HANK, IRIS)
    finally:
        bot_role.permissions = granted
        server.gateway.dispatch(
            "GUILD_ROLE_UPDATE", {"guild_id": str(GUILD), "role": bot_role.payload()}, intent=GUILDS
        )

    assert len(server.calls_to("POST", r"channels/\d+/threads$")) == calls
    assert SAY_HELLO in told_iris
    assert any(SAY_HELLO in content(m) for m in server.dm_messages(HANK.id))


async def test_without_a_checkins_or_system_channel_partners_hear_privately(checkins_channel):
    server = checkins_channel
    await run(server, MOD, "community channel", purpose="checkins", channel="off")
    for member in (FRED, GINA):
        await server.add_member(GUILD, member)
    calls = len(server.calls_to("POST", r"channels/\d+/threads$"))
    told_gina = await pair_up(server, FRED, GINA)

    assert len(server.calls_to("POST", r"channels/\d+/threads$")) == calls
    assert SAY_HELLO in told_gina
    assert any(SAY_HELLO in content(m) for m in server.dm_messages(FRED.id))


def _button_ids(message: dict) -> dict[str, str]:
    """label → custom id of the buttons on a message the bot sent."""
    found = {}
    for row in message.get("components") or []:
        for item in row.get("components") or []:
            if item.get("custom_id"):
                found[item.get("label", "")] = item["custom_id"]
    return found


async def test_the_accept_buttons_in_direct_messages_work(checkins_channel):
    """Discord names no server for a button pressed in a DM: the button carries its community."""
    server = checkins_channel
    for member in (JUNO, KAI):
        await server.add_member(GUILD, member)
        await run(server, member, "timezone-set", zone="Europe/London")
        assert "You're in the pool" in await run(server, member, "partner join", focus="gambling")
    assert "Proposed 1 pair" in await run(server, MOD, "partner match")
    answers = []
    for member in (JUNO, KAI):
        proposal = next(
            m
            for m in reversed(server.dm_messages(member.id))
            if "possible accountability partner" in content(m)
        )
        accept = _button_ids(proposal)["Accept"]
        dm_channel = int(proposal["channel_id"])
        rec = await server.press_button(None, dm_channel, member, accept)
        answers.append(content(await rec.wait_reply(timeout=15)))
    assert "noted your yes" in answers[0]
    assert "My commands work inside a server" not in " ".join(answers)
    assert "now accountability partners" in answers[1]
    assert any("now accountability partners" in content(m) for m in server.dm_messages(JUNO.id))
