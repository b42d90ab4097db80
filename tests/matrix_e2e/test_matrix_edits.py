"""Edited messages and spoilers reach the crisis listener on Matrix (real Synapse, real bot).

Issue 15/16 repro: an ``m.replace`` edit was dropped ("the original was already handled"), so
"see you tomorrow" edited into an urgent message reached nobody; a spoiler whose text is only in
``formatted_body`` was never read. Now the member gets the private crisis reply and the
moderators one alert; a second edit at the same level brings nothing more; someone else's
"edit" of a member's message is ignored; a spoiler is read.
"""

from __future__ import annotations

import asyncio

import pytest
import pytest_asyncio
from nio import AsyncClient, RoomSendResponse

from tests.matrix_harness.nio_helpers import (
    accept_invite,
    close_all,
    login_client,
    send_text,
    sync_once,
    wait_for_member,
)
from tests.postgres_server import query

from .world import (
    World,
    build_world,
    direct_room,
    notices,
    register,
    seen_ids,
    wait_for_notice,
)

pytestmark = [pytest.mark.matrix, pytest.mark.asyncio(loop_scope="module")]

URGENT = "I can't do this anymore, I want to end my life tonight"
URGENT_AGAIN = "I can't do this anymore, I want to end my life tonight. I have the pills here"
RESOURCES = "I'm thinking of you"
PRIORITY = "Priority alert (urgent)"
PRIVATE_SENT = "I've sent you a private message."


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(synapse, tmp_path_factory):
    """The community with its alerts room set, and a second member (riley)."""
    tmp = tmp_path_factory.mktemp("matrix-edits")
    w = await build_world(synapse, tmp)
    riley_user = register(synapse, "riley")
    riley = await login_client(synapse.base_url, riley_user.user_id, riley_user.password, tmp / "r")
    try:
        seen = seen_ids(w.mod)
        await send_text(w.mod, w.general, f"!community channel purpose:alerts channel:{w.alerts}")
        await wait_for_notice(
            w.mod,
            await direct_room(w, w.mod, timeout=30),
            w.bot_id,
            lambda b: b.startswith("Done. Moderator alerts now go to"),
            after=seen,
        )
        for room in (w.space, w.general):
            await w.mod.room_invite(room, riley.user_id)
            await accept_invite(riley, room)
        await wait_for_member(riley, w.general, w.bot_id, timeout=30)
        w.riley = riley  # type: ignore[attr-defined]
        yield w
    finally:
        await asyncio.to_thread(w.bot.stop)
        await close_all(w.mod, w.member, riley)


async def send_content(client: AsyncClient, room_id: str, content: dict) -> str:
    """Send an ``m.room.message`` with exactly this content; returns its event id."""
    response = await client.room_send(
        room_id, "m.room.message", content, ignore_unverified_devices=True
    )
    assert isinstance(response, RoomSendResponse), response
    return response.event_id


def edit_of(event_id: str, text: str) -> dict:
    """An edit as Element sends it: a fallback body and the new content."""
    return {
        "msgtype": "m.text",
        "body": f"* {text}",
        "m.new_content": {"msgtype": "m.text", "body": text},
        "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
    }


async def settled(w: World, client: AsyncClient) -> None:
    """Everything the bot did about `client`'s earlier events is done: the bot handles events in
    order, so once it answered a later command, and the moderator synced, all of it is visible."""
    seen = seen_ids(client)
    await send_text(client, w.general, "!about")
    dm = await direct_room(w, client, timeout=30)
    await wait_for_notice(client, dm, w.bot_id, lambda b: b != PRIVATE_SENT, after=seen)
    await sync_once(w.mod)
    await sync_once(w.mod)


def pending_follow_ups(w: World, user_id: str) -> int:
    """Flagged messages counted into the member's next merged follow-up alert."""
    rows = query(
        w.db_path, "SELECT pending_count FROM crisis_member_state WHERE user_id = ?", (user_id,)
    )
    return rows[0][0] if rows else 0


def alerts_since(w: World, seen: set[str]) -> list[str]:
    return [n.body for n in notices(w.mod, w.alerts, w.bot_id) if n.event_id not in seen]


async def test_an_edit_into_an_urgent_message_is_heard_once(world: World):
    w = world
    member_seen, alerts_seen = seen_ids(w.member), seen_ids(w.mod)
    original = await send_text(w.member, w.general, "see you tomorrow")
    await send_content(w.member, w.general, edit_of(original, URGENT))

    resources = await wait_for_notice(
        w.member,
        await direct_room(w, w.member, timeout=30),
        w.bot_id,
        lambda b: b.startswith(RESOURCES),
        timeout=30,
        after=member_seen,
    )
    alert = await wait_for_notice(
        w.mod, w.alerts, w.bot_id, lambda b: PRIORITY in b, timeout=30, after=alerts_seen
    )
    assert resources.decrypted, "crisis resources go to the encrypted direct room"
    assert original in alert.body and "tonight" not in alert.body  # links the message

    await send_content(w.member, w.general, edit_of(original, URGENT_AGAIN))  # same level
    await settled(w, w.member)
    assert [b for b in alerts_since(w, alerts_seen) if PRIORITY in b] == [alert.body]
    assert pending_follow_ups(w, w.member.user_id) == 0  # nor counted into a follow-up


async def test_an_edit_of_someone_elses_message_is_ignored(world: World):
    w = world
    alerts_seen = seen_ids(w.mod)
    original = await send_text(w.member, w.general, "good morning all")
    await send_content(w.mod, w.general, edit_of(original, URGENT))  # not the sender's edit
    await settled(w, w.mod)
    assert alerts_since(w, alerts_seen) == []


async def test_a_spoiler_only_in_the_formatted_body_is_handled_as_urgent(world: World):
    w = world
    riley: AsyncClient = w.riley  # type: ignore[attr-defined]
    riley_seen, alerts_seen = seen_ids(riley), seen_ids(w.mod)
    await send_content(
        riley,
        w.general,
        {
            "msgtype": "m.text",
            "body": "[Spoiler]",
            "format": "org.matrix.custom.html",
            "formatted_body": f'<span data-mx-spoiler="heavy">{URGENT}</span>',
        },
    )
    await wait_for_notice(
        riley,
        await direct_room(w, riley, timeout=30),
        w.bot_id,
        lambda b: b.startswith(RESOURCES),
        timeout=30,
        after=riley_seen,
    )
    alert = await wait_for_notice(
        w.mod, w.alerts, w.bot_id, lambda b: PRIORITY in b, timeout=30, after=alerts_seen
    )
    assert "tonight" not in alert.body
