"""The Matrix test harness works: real Synapse, real nio clients, plain and encrypted rooms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from nio import AsyncClient
from nio.crypto import ENCRYPTION_ENABLED

from .fixtures import MatrixUser, require_synapse
from .nio_helpers import (
    accept_invite,
    close_all,
    create_room,
    login_client,
    send_text,
    sync_once,
    wait_for_member,
    wait_for_text,
)
from .synapse import SynapseServer

pytestmark = [pytest.mark.asyncio, pytest.mark.matrix]


async def _login(server: SynapseServer, user: MatrixUser, store: Path) -> AsyncClient:
    return await login_client(server.base_url, user.user_id, user.password, store)


async def _room_with(alice: AsyncClient, bob: AsyncClient, *, encrypted: bool) -> str:
    """Alice creates a room and invites Bob; Bob joins; both see each other."""
    room_id = await create_room(alice, name="check-ins", encrypted=encrypted, invite=[bob.user_id])
    await accept_invite(bob, room_id)
    await wait_for_member(alice, room_id, bob.user_id)
    return room_id


async def test_registered_users_share_a_plain_room(
    synapse: SynapseServer,  # noqa: F811
    matrix_user: Callable[..., MatrixUser],  # noqa: F811
    tmp_path: Path,
) -> None:
    alice_user, bob_user = matrix_user("alice"), matrix_user("bob")
    assert alice_user.user_id == f"@{alice_user.username}:localhost"
    alice = await _login(synapse, alice_user, tmp_path / "alice")
    bob = await _login(synapse, bob_user, tmp_path / "bob")
    try:
        room_id = await _room_with(alice, bob, encrypted=False)
        assert not alice.rooms[room_id].encrypted

        await send_text(alice, room_id, "Day 30 today. Thank you all.")

        message = await wait_for_text(bob, room_id, "Day 30 today. Thank you all.")
        assert message.sender == alice.user_id
        assert not message.decrypted
    finally:
        await close_all(alice, bob)


async def test_member_decrypts_a_message_in_an_encrypted_room(
    synapse: SynapseServer,  # noqa: F811
    matrix_user: Callable[..., MatrixUser],  # noqa: F811
    tmp_path: Path,
) -> None:
    assert ENCRYPTION_ENABLED, "matrix-nio was installed without its e2e extra (vodozemac)"
    alice = await _login(synapse, matrix_user("alice"), tmp_path / "alice")
    bob = await _login(synapse, matrix_user("bob"), tmp_path / "bob")
    try:
        # Both devices publish their keys before anyone shares a room key.
        await sync_once(alice)
        await sync_once(bob)
        room_id = await _room_with(alice, bob, encrypted=True)
        assert alice.rooms[room_id].encrypted

        await send_text(alice, room_id, "Rough evening, but I did not drink.")
        message = await wait_for_text(bob, room_id, "Rough evening, but I did not drink.")
        assert message.sender == alice.user_id
        assert message.decrypted, "the server must only have seen ciphertext"

        # And back the other way, on Bob's own outbound session.
        await send_text(bob, room_id, "Proud of you.")
        reply = await wait_for_text(alice, room_id, "Proud of you.")
        assert reply.decrypted
    finally:
        await close_all(alice, bob)


async def test_users_devices_and_rooms_survive_a_restart(tmp_path: Path) -> None:
    require_synapse()
    # Its own server, so that restarting it does not disturb the session's.
    server = SynapseServer(tmp_path / "server")
    server.start()
    try:
        alice_user = MatrixUser(server.register("alice", "alice-pw"), "alice", "alice-pw")
        bob_user = MatrixUser(server.register("bob", "bob-pw"), "bob", "bob-pw")
        alice = await _login(server, alice_user, tmp_path / "alice")
        bob = await _login(server, bob_user, tmp_path / "bob")
        await sync_once(alice)
        await sync_once(bob)
        room_id = await _room_with(alice, bob, encrypted=True)
        alice_device, bob_device = alice.device_id, bob.device_id
        await close_all(alice, bob)

        server.stop()
        assert not server.running
        server.start()

        # A password login from a new device still works ...
        fresh = await _login(server, bob_user, tmp_path / "bob-elsewhere")
        assert fresh.device_id != bob_device
        await fresh.close()
        # ... and the saved sessions come back as the same devices, with their keys.
        alice = await _login(server, alice_user, tmp_path / "alice")
        bob = await _login(server, bob_user, tmp_path / "bob")
        try:
            assert (alice.device_id, bob.device_id) == (alice_device, bob_device)
            await sync_once(alice)
            await sync_once(bob)
            assert room_id in alice.rooms and alice.rooms[room_id].encrypted

            await send_text(alice, room_id, "Still here after the restart.")
            message = await wait_for_text(bob, room_id, "Still here after the restart.")
            assert message.decrypted
        finally:
            await close_all(alice, bob)
    finally:
        server.stop()
