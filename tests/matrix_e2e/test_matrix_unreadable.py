"""Encrypted events the bot cannot read never hold up the others (issue 16, item 3).

Forged ``m.room.encrypted`` events have no room key anywhere. The bot used to wait 8 s for each,
one after another, so three of them delayed the next command by 24 s; now they are parked and
retried after each sync, within caps per sender and per room.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from types import SimpleNamespace

import pytest
import pytest_asyncio
from nio import Api, AsyncClient, RoomSendResponse

from bot.platforms.matrix.parking import ParkedEvents
from tests.matrix_harness.nio_helpers import close_all, send_text

from .world import World, build_world, direct_room, seen_ids, wait_for_notice


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(synapse, tmp_path_factory):
    """The community and the running bot."""
    w = await build_world(synapse, tmp_path_factory.mktemp("matrix-unreadable"))
    try:
        yield w
    finally:
        await asyncio.to_thread(w.bot.stop)
        await close_all(w.mod, w.member)


async def send_forged(client: AsyncClient, room_id: str) -> None:
    """An ``m.room.encrypted`` event whose room key exists nowhere."""
    content = {
        "algorithm": "m.megolm.v1.aes-sha2",
        "ciphertext": secrets.token_urlsafe(96),
        "sender_key": secrets.token_urlsafe(32)[:43],
        "session_id": secrets.token_urlsafe(32)[:43],
        "device_id": "FORGED",
    }
    method, path, data = Api.room_send(
        client.access_token, room_id, "m.room.encrypted", content, secrets.token_hex(8)
    )
    response = await client._send(RoomSendResponse, method, path, data, (room_id,))
    assert isinstance(response, RoomSendResponse), response


@pytest.mark.matrix
@pytest.mark.asyncio(loop_scope="module")
async def test_forged_encrypted_events_do_not_delay_the_next_command(world: World):
    w = world
    await send_text(w.member, w.general, "!timezone set zone:Europe/London")
    dm = await direct_room(w, w.member, timeout=30)
    await wait_for_notice(w.member, dm, w.bot_id, lambda b: "Europe/London" in b)

    for _ in range(3):
        await send_forged(w.member, w.circle)
    seen = seen_ids(w.member)
    started = time.monotonic()
    await send_text(w.member, w.general, "!timezone set zone:Europe/Paris")
    await wait_for_notice(w.member, dm, w.bot_id, lambda b: "Europe/Paris" in b, after=seen)
    took = time.monotonic() - started
    assert took < 5.0, f"the command waited {took:.1f} s behind the forged events (was 24 s)"


def _event(number: int, sender: str = "@eve:x") -> SimpleNamespace:
    return SimpleNamespace(event_id=f"$e{number}", sender=sender)


def test_a_late_key_still_opens_its_parked_event_in_order():
    parked = ParkedEvents()
    first, second = _event(1, "@sam:x"), _event(2, "@kim:x")
    parked.park("!room", first, now=0.0)
    parked.park("!room", second, now=1.0)
    keys: set[str] = set()

    def decrypt(event: SimpleNamespace) -> str | None:
        return f"read {event.event_id}" if event.sender in keys else None

    assert parked.retry(decrypt, now=2.0) == []
    assert [p.event for p in parked.overdue(now=8.5, grace=8.0)] == [first]
    assert [p.event for p in parked.overdue(now=9.5, grace=8.0)] == [second]
    assert parked.overdue(now=10.0, grace=8.0) == [], "each is told about once"
    keys.update({"@sam:x", "@kim:x"})  # both keys arrive, a minute late
    assert parked.retry(decrypt, now=60.0) == [("!room", "read $e1"), ("!room", "read $e2")]
    assert len(parked) == 0


def test_parked_events_are_capped_per_sender_and_per_room(caplog):
    parked = ParkedEvents(per_sender=3, per_room=5)
    for number in range(10):
        parked.park("!room", _event(number, "@eve:x"), now=float(number))
    assert len(parked) == 3, "one sender keeps only her newest 3"
    assert "dropped unreadable event $e0 from @eve:x" in caplog.text
    for number in range(10, 20):
        parked.park("!room", _event(number, f"@u{number}:x"), now=float(number))
    assert len(parked) == 5, "one room keeps only its newest 5"
    parked.park("!other", _event(99, "@sam:x"), now=30.0)
    assert len(parked) == 6, "another room has its own cap"
