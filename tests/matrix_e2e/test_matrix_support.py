"""Support sessions on a real Synapse (issue 21): supporters are a power level; a claimed
request becomes a new encrypted room holding only the member, the supporter and the bot, with
the triage answers there only; handoff (its note for the next supporter only), close, the
member ending, nobody on duty and an urgent request."""

from __future__ import annotations

import asyncio

import pytest
import pytest_asyncio
from nio import AsyncClient, RedactedEvent, RoomGetEventResponse

from tests.matrix_e2e.test_matrix_partners import group_invite
from tests.matrix_harness.nio_helpers import (
    accept_invite,
    close_all,
    login_client,
    send_text,
    sync_once,
    sync_until,
    timeline,
)

from .world import World, build_world, direct_room, register, seen_ids, set_power, wait_for_notice

pytestmark = [pytest.mark.matrix, pytest.mark.asyncio(loop_scope="module")]

NOTE = "rough week at work <b>x</b>"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(synapse, tmp_path_factory):
    """The community with a supporter (`world.sup`, power 25 in the space) in #general."""
    tmp = tmp_path_factory.mktemp("matrix-support")
    w = await build_world(synapse, tmp)
    user = register(synapse, "sup")
    sup = await login_client(synapse.base_url, user.user_id, user.password, tmp / "sup")
    try:
        await sync_once(sup)
        for room in (w.space, w.general):
            await w.mod.room_invite(room, sup.user_id)
            await accept_invite(sup, room)
        await set_power(w.mod, w.space, sup.user_id, 25)
        w.sup = sup  # type: ignore[attr-defined]
        yield w
    finally:
        await asyncio.to_thread(w.bot.stop)
        await close_all(w.mod, w.member, sup)


async def says(w: World, client: AsyncClient, text: str, accepts) -> str:
    """Someone types a command in #general; the bot's private answer to them."""
    seen = seen_ids(client)
    await send_text(client, w.general, text)
    dm = await direct_room(w, client, timeout=30)
    return (await wait_for_notice(client, dm, w.bot_id, accepts, after=seen, timeout=30)).body


async def test_request_claim_encrypted_room_handoff_and_close(world: World):
    w, sup = world, world.sup  # type: ignore[attr-defined]
    said = await says(w, w.mod, "!community supporters power:0", lambda b: "everyone" in b)
    assert "Nothing changed" in said
    said = await says(w, w.mod, "!community supporters power:25", lambda b: "Done." in b)
    assert "power level 25 and up" in said
    await says(
        w,
        w.mod,
        f"!community channel purpose:alerts channel:{w.alerts}",
        lambda b: b.startswith("Done."),
    )
    assert "on duty" in await says(w, sup, "!duty on", lambda b: "on duty" in b)

    said = await says(
        w,
        w.member,
        f"!support request kind:listen topics:grief time:45m note:{NOTE}",
        lambda b: "queue" in b,
    )
    assert "You're number 1 in the queue" in said
    refused = await says(w, w.member, "!support queue", lambda b: "Only the peer" in b)
    assert "rough week" not in refused
    queue = await says(w, sup, "!support queue", lambda b: "#1: waiting" in b)
    assert "#1: waiting" in queue and "member" not in queue and "rough week" not in queue

    before = seen_ids(w.member)
    assert "You claimed #1" in await says(w, sup, "!support claim", lambda b: "claimed" in b)
    room_id = await group_invite(w, w.member)
    assert room_id == await group_invite(w, sup)
    for client in (w.member, sup):
        room = client.rooms[room_id]
        assert room.encrypted and room.join_rule == "invite"
        assert set(room.users) == {w.member.user_id, sup.user_id, w.bot_id}
        welcome = await wait_for_notice(client, room_id, w.bot_id, lambda b: "Support session" in b)
        assert welcome.decrypted and NOTE in welcome.body and "grief" in welcome.body
        assert "<b>" not in welcome.source["content"]["formatted_body"]
    dm = await direct_room(w, w.member)
    await wait_for_notice(w.member, dm, w.bot_id, lambda b: "is here for you" in b, after=before)

    # hand over to the moderator (power 100, so also a supporter), who goes on duty
    assert "on duty" in await says(w, w.mod, "!duty on", lambda b: "on duty" in b)
    said = await says(
        w, sup, f"!support handoff member:{w.mod.user_id} note:call back", lambda b: "Handed" in b
    )
    assert "Handed over" in said
    second = await group_invite(w, w.mod)
    assert second != room_id
    # the first room is told where the session went, then the bot leaves it
    await wait_for_notice(w.member, room_id, w.bot_id, lambda b: "handed session #1 on" in b)
    await left(w, w.member, room_id)
    assert second == await group_invite(w, w.member)
    assert "Closed #1" in await says(
        w, w.mod, "!support close outcome:supported", lambda b: "Closed" in b
    )
    await wait_for_notice(w.member, dm, w.bot_id, lambda b: "How was this?" in b, after=before)
    ended = await wait_for_notice(w.member, second, w.bot_id, lambda b: "Session #1 has ended" in b)
    assert ended.decrypted and "rough week" not in ended.body
    await left(w, w.member, second)


async def left(w: World, client: AsyncClient, room_id: str) -> None:
    """Wait until ``client`` sees the bot gone from the room."""
    await sync_until(
        client,
        lambda: room_id in client.rooms and w.bot_id not in client.rooms[room_id].users,
        timeout=30,
        what="the bot leaving the private group",
    )


async def test_nobody_on_duty_and_an_urgent_request(world: World):
    w, sup = world, world.sup  # type: ignore[attr-defined]
    for client in (sup, w.mod):
        await says(w, client, "!duty off", lambda b: "off duty" in b)
    said = await says(
        w, w.member, "!support request kind:advice topics:none", lambda b: "queue" in b
    )
    assert "No peer supporter is on duty right now" in said and "!crisis" in said
    await says(w, w.member, "!support cancel", lambda b: "cancelled" in b)

    seen = seen_ids(w.mod)
    said = await says(
        w,
        w.member,
        "!support request kind:listen note:I want to kill myself tonight",
        lambda b: "Let a moderator know" in b,
    )
    assert "not put in the queue" in said and "number 1" not in said
    alert = await wait_for_notice(
        w.mod, w.alerts, w.bot_id, lambda b: "asked for a peer supporter" in b, after=seen
    )
    assert "kill" not in alert.body


HANDOFF = "prefers evenings, ask about the dog"


async def test_the_handoff_note_reaches_only_the_next_supporter_and_the_member_can_end(
    world: World,
):
    w, sup = world, world.sup  # type: ignore[attr-defined]
    await set_power(w.mod, w.general, w.bot_id, 50)  # the bot may redact in #general
    for client in (sup, w.mod):
        await says(w, client, "!duty on", lambda b: "on duty" in b)
    await says(w, w.member, "!support request kind:listen topics:grief", lambda b: "queue" in b)
    assert "You claimed" in await says(w, sup, "!support claim", lambda b: "claimed" in b)
    first = await group_invite(w, w.member)
    assert first == await group_invite(w, sup)

    # sup types the handoff in #general: the bot takes the note back out of the room
    seen = seen_ids(sup)
    mod_seen = seen_ids(w.mod)
    typed = await send_text(
        sup, w.general, f"!support handoff member:{w.mod.user_id} note:{HANDOFF}"
    )
    sup_dm = await direct_room(w, sup)
    await wait_for_notice(sup, sup_dm, w.bot_id, lambda b: "Handed over" in b, after=seen)
    await wait_for_notice(sup, sup_dm, w.bot_id, lambda b: "removed your message" in b, after=seen)
    got = await w.mod.room_get_event(w.general, typed)
    assert isinstance(got, RoomGetEventResponse) and isinstance(got.event, RedactedEvent), got
    # the next supporter has the note, privately; the new room holds the triage, not the note
    mod_dm = await direct_room(w, w.mod)
    given = await wait_for_notice(w.mod, mod_dm, w.bot_id, lambda b: HANDOFF in b, after=mod_seen)
    assert "for you only" in given.body
    second = await group_invite(w, w.mod)
    assert second == await group_invite(w, w.member)
    await wait_for_notice(w.member, second, w.bot_id, lambda b: "Support session" in b)
    await wait_for_notice(w.member, first, w.bot_id, lambda b: "handed session" in b)
    for client in (w.member, w.mod):
        for entry in timeline(client):
            if entry.room_id not in (w.general, mod_dm):
                assert HANDOFF not in (getattr(entry.event, "body", "") or ""), entry.room_id

    # the member ends it whenever they like: the supporter is told, the bot leaves the room
    mod_seen = seen_ids(w.mod)
    said = await says(w, w.member, "!support end", lambda b: "ended" in b)
    assert "Your session has ended" in said
    await wait_for_notice(
        w.mod, mod_dm, w.bot_id, lambda b: "the member closed it" in b, after=mod_seen
    )
    await wait_for_notice(w.member, second, w.bot_id, lambda b: "Session #" in b and "ended" in b)
    await left(w, w.member, second)
