"""Nobody but a community's moderators can change its rooms or its moderators (issue 16, item 1).

The three attacks from the review, on a real Synapse, against the real bot process. The bot
accepts invites from anyone on its homeserver (the default), as in the review. Each attack must be
refused, the attacker told so kindly, and the victim community's settings, audit log and concern
reports stay exactly as they were.
"""

from __future__ import annotations

import asyncio

import pytest
import pytest_asyncio
from nio import AsyncClient, RoomPutStateResponse

from tests.matrix_harness.nio_helpers import (
    accept_invite,
    close_all,
    create_room,
    login_client,
    send_text,
    wait_for_member,
)
from tests.postgres_server import query

from .world import World, build_world, direct_room, register, seen_ids, set_power, wait_for_notice

pytestmark = [pytest.mark.matrix, pytest.mark.asyncio(loop_scope="module")]

WELCOME = "Hello friends, glad you are here"
CONCERN_NOTE = "has not been herself for days"
SOLO_WELCOME = "Welcome to the solo room"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(synapse, tmp_path_factory):
    """A community with an alerts room, a welcome and one concern report; the bot accepts
    invites from anyone on its homeserver."""
    tmp = tmp_path_factory.mktemp("matrix-takeover")
    w = await build_world(synapse, tmp, allowed_inviters=[])
    try:
        await mod_says(w, w.general, f"!community channel purpose:alerts channel:{w.alerts}")
        await mod_says(w, w.general, f'!community welcome text:"{WELCOME}"')
        await mod_says(
            w, w.general, f'!crisis concern member:{w.member.user_id} note:"{CONCERN_NOTE}"'
        )
        yield w
    finally:
        await asyncio.to_thread(w.bot.stop)
        await close_all(w.mod, w.member)


async def mod_says(w: World, room: str, command: str) -> str:
    """The moderator runs a command; returns the bot's private answer."""
    return await member_says(w, w.mod, room, command)


async def member_says(w: World, client: AsyncClient, room: str, command: str) -> str:
    """`client` runs a command in `room`; returns the bot's answer in their direct room."""
    seen = seen_ids(client)
    await send_text(client, room, command)
    dm = await direct_room(w, client, timeout=30)  # made by the bot on its first private reply
    notice = await wait_for_notice(
        client, dm, w.bot_id, lambda b: b != "I've sent you a private message.", after=seen
    )
    return notice.body


def snapshot(w: World, community_id: str) -> dict[str, list[tuple]]:
    """Everything the bot keeps about a community that an attacker would want to change."""
    return {
        table: query(
            w.db_path,
            f"SELECT * FROM {table} WHERE platform = 'matrix' AND community_id = ? "  # noqa: S608
            "ORDER BY 1, 2, 3, 4",
            (community_id,),
        )
        for table in ("community_settings", "community_audit", "crisis_concern_reports")
    }


async def put_state(client: AsyncClient, room: str, kind: str, key: str, content: dict) -> None:
    response = await client.room_put_state(room, kind, content, state_key=key)
    assert isinstance(response, RoomPutStateResponse), response


def via(w: World, **extra: object) -> dict:
    return {"via": [w.server.server_name], **extra}


async def test_a_members_room_naming_the_space_as_parent_joins_nothing(world: World):
    w = world
    before = snapshot(w, w.space)
    assert any(CONCERN_NOTE in str(row) for row in before["crisis_concern_reports"])
    own = await create_room(w.member, name="totally the mods room")
    await put_state(w.member, own, "m.space.parent", w.space, via(w, canonical=True))
    await w.member.room_invite(own, w.bot_id)
    await wait_for_member(w.member, own, w.bot_id, timeout=30)

    concerns = await member_says(w, w.member, own, "!crisis concerns")
    assert CONCERN_NOTE not in concerns and "No concern reports" in concerns, concerns
    await member_says(w, w.member, own, f"!community channel purpose:alerts channel:{own}")
    await member_says(w, w.member, own, '!community welcome text:"pwned"')
    audit = await member_says(w, w.member, own, "!community audit")
    assert WELCOME not in audit and w.alerts not in audit, audit
    # Her power in her own room does not make her a moderator of the community.
    refused = await member_says(w, w.member, w.general, '!community welcome text:"pwned"')
    assert refused.startswith("Only moderators can use !community welcome"), refused

    assert snapshot(w, w.space) == before


async def test_power_in_a_members_direct_room_makes_nobody_a_moderator(world: World, tmp_path):
    w = world
    user = register(w.server, "sock")
    sock = await login_client(w.server.base_url, user.user_id, user.password, tmp_path / "sock")
    try:
        for room in (w.space, w.general):
            await w.mod.room_invite(room, sock.user_id)
            await accept_invite(sock, room)
        await member_says(w, sock, w.general, "!timezone set zone:Europe/London")
        before = snapshot(w, w.space)

        # The member is an admin of her own direct room with the bot: she links it to the
        # space and makes her second account an admin there too.
        dm = await direct_room(w, w.member)
        await put_state(w.member, dm, "m.space.parent", w.space, via(w, canonical=True))
        await w.member.room_invite(dm, sock.user_id)
        await accept_invite(sock, dm)
        await set_power(w.member, dm, sock.user_id, 100)

        for command, name in (
            ('!community welcome text:"pwned"', "!community welcome"),
            ("!crisis concerns", "!crisis concerns"),
            ("!community audit", "!community audit"),
            (f"!community channel purpose:alerts channel:{dm}", "!community channel"),
        ):
            answer = await member_says(w, sock, dm, command)
            assert answer.startswith(f"Only moderators can use {name}"), answer
            assert CONCERN_NOTE not in answer and WELCOME not in answer

        assert snapshot(w, w.space) == before
    finally:
        await close_all(sock)


async def test_a_members_space_listing_a_room_does_not_take_its_community_over(world: World):
    w = world
    solo = await create_room(w.mod, name="solo", invite=[w.bot_id, w.member.user_id])
    await accept_invite(w.member, solo)
    await wait_for_member(w.mod, solo, w.bot_id, timeout=30)
    await mod_says(w, solo, f'!community welcome text:"{SOLO_WELCOME}"')
    before = snapshot(w, solo)

    space_resp = await w.member.room_create(name="My space", space=True, invite=[w.bot_id])
    hers = space_resp.room_id
    await put_state(w.member, hers, "m.space.child", solo, via(w))
    await wait_for_member(w.member, hers, w.bot_id, timeout=30)
    await member_says(w, w.member, hers, '!community welcome text:"pwned"')
    refused = await member_says(w, w.member, solo, '!community welcome text:"pwned again"')
    assert refused.startswith("Only moderators can use !community welcome"), refused

    shown = await mod_says(w, solo, "!community show")
    assert SOLO_WELCOME in shown and "pwned" not in shown, shown
    assert snapshot(w, solo) == before
