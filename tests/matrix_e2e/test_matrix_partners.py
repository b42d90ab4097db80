"""Accountability partners on Matrix: after both say yes, the real bot opens a new encrypted room
for the two of them, and each member also hears about it in their direct room."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
import pytest_asyncio
from nio import AsyncClient, JoinResponse

from bot.platforms.matrix.groups import GROUP_MARKER, group_community, invitees
from tests.matrix_harness.nio_helpers import (
    accept_invite,
    close_all,
    login_client,
    send_text,
    sync_once,
    sync_until,
)
from tests.postgres_server import query, table_names

from .world import World, build_world, direct_room, register, seen_ids, wait_for_notice

# A display name with markup: the welcome must show it as text, never as HTML.
PARTNER_NAME = "Sam <b>R</b>"
WELCOME = "Welcome, "  # the first words of the welcome in the partners' room
OPENED = "I've opened a private space for you to talk."


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(synapse, tmp_path_factory):
    """The community with a second member (`world.partner`) in the space and #general."""
    tmp = tmp_path_factory.mktemp("matrix-partners")
    w = await build_world(synapse, tmp)
    user = register(synapse, "partner")
    partner = await login_client(synapse.base_url, user.user_id, user.password, tmp / "partner")
    try:
        await partner.set_displayname(PARTNER_NAME)
        await sync_once(partner)
        for room in (w.space, w.general):
            await w.mod.room_invite(room, partner.user_id)
            await accept_invite(partner, room)
        w.partner = partner  # type: ignore[attr-defined]
        yield w
    finally:
        await asyncio.to_thread(w.bot.stop)
        await close_all(w.mod, w.member, partner)


async def in_pool(w: World, client: AsyncClient) -> str:
    """The member sets a timezone and joins the pool; returns their direct room."""
    await send_text(client, w.general, "!timezone set zone:Europe/London")
    dm = await direct_room(w, client, timeout=30)
    await send_text(client, w.general, "!partner join focus:alcohol")
    await wait_for_notice(client, dm, w.bot_id, lambda b: b.startswith("You're in the pool"))
    return dm


async def group_invite(w: World, client: AsyncClient) -> str:
    """Wait for the bot's invite to a room that is not the member's direct room; join it."""
    found: list[str] = []

    def invited() -> bool:
        for room_id, room in client.invited_rooms.items():
            if room_id != w.direct.get(client.user_id) and w.bot_id in (room.inviter, *room.users):
                found.append(room_id)
                return True
        return False

    await sync_until(client, invited, timeout=30, what="the invite to the partners' room")
    room_id = found[0]
    response = await client.join(room_id)
    assert isinstance(response, JoinResponse), response
    await sync_until(client, lambda: room_id in client.rooms, what="joining the partners' room")
    return room_id


@pytest.mark.matrix
@pytest.mark.asyncio(loop_scope="module")
async def test_accepted_partners_meet_in_a_new_encrypted_room(world: World):
    member, partner = world.member, world.partner  # type: ignore[attr-defined]
    dms = {c.user_id: await in_pool(world, c) for c in (member, partner)}
    before = {c.user_id: seen_ids(c) for c in (member, partner)}

    await send_text(world.mod, world.general, "!partner match")
    for client in (member, partner):
        await wait_for_notice(
            client, dms[client.user_id], world.bot_id, lambda b: "!partner accept" in b, timeout=30
        )
    await send_text(member, world.general, "!partner accept")
    await wait_for_notice(
        member, dms[member.user_id], world.bot_id, lambda b: "noted your yes" in b
    )
    await send_text(partner, world.general, "!partner accept")

    rooms = {}
    for client in (member, partner):
        note = await wait_for_notice(
            client,
            dms[client.user_id],
            world.bot_id,
            lambda b: OPENED in b,
            timeout=30,
            after=before[client.user_id],
        )
        assert "accountability partners" in note.body
        rooms[client.user_id] = await group_invite(world, client)
    assert rooms[member.user_id] == rooms[partner.user_id], "both were invited to one room"
    group = rooms[member.user_id]
    assert group not in dms.values()

    for client in (member, partner):
        room = client.rooms[group]
        assert room.encrypted and room.join_rule == "invite"
        assert room.name == "Accountability partners"
        assert set(room.users) == {member.user_id, partner.user_id, world.bot_id}
        welcome = await wait_for_notice(client, group, world.bot_id, lambda b: WELCOME in b)
        assert welcome.decrypted, "the welcome was end-to-end encrypted"
        content = welcome.source["content"]
        assert content["msgtype"] == "m.notice" and content["m.mentions"] == {}
        assert "Sam &lt;b&gt;R&lt;/b&gt;" in content["formatted_body"]
        assert "<b>" not in content["formatted_body"]

    # The room belongs to the community: a command typed there is about the partnership.
    after = seen_ids(member)
    await send_text(member, group, "!partner status")
    status = await wait_for_notice(
        member,
        dms[member.user_id],
        world.bot_id,
        lambda b: b.startswith("Your accountability partner"),
        after=after,
    )
    assert "Sam <b>R</b>" in status.body

    # Nothing about the room is kept in the bot's database.
    for table in table_names(world.db_path):
        for row in query(world.db_path, f'SELECT * FROM "{table}"'):
            assert group not in repr(row), f"the partners' room is stored in {table}"


def _state(sender: str, content: object, state_key: str = "") -> SimpleNamespace:
    return SimpleNamespace(
        source={"type": GROUP_MARKER, "sender": sender, "state_key": state_key, "content": content}
    )


def test_only_the_bots_own_mark_makes_a_room_count_for_a_community():
    bot = "@peerbot:example.org"
    assert group_community(_state(bot, {"community": "!space:example.org"}), bot) == (
        "!space:example.org"
    )
    # A member who copies the mark into a room of their own gains nothing there.
    assert group_community(_state("@mallory:example.org", {"community": "!space"}), bot) is None
    assert group_community(_state(bot, {"community": "!space"}, state_key="x"), bot) is None
    assert group_community(_state(bot, {"community": 5}), bot) is None
    assert group_community(_state(bot, "not a dict"), bot) is None


def test_the_bot_invites_each_member_once_and_never_itself():
    bot = "@peerbot:example.org"
    ids = ["@a:example.org", bot, "@b:example.org", "@a:example.org", "console-user"]
    assert invitees(ids, bot) == ["@a:example.org", "@b:example.org"]
