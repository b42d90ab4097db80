"""matrix-nio helpers for tests that act as a member of a Matrix community.

A member client keeps its encryption store and device in ``store_dir`` (like the
bot must), does the key work that ``sync_forever`` would do after every sync,
and records every timeline event it sees so a test can wait for a message
without racing the sync that delivered it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from nio import (
    AsyncClient,
    AsyncClientConfig,
    EncryptionError,
    ErrorResponse,
    Event,
    JoinResponse,
    LoginResponse,
    MegolmEvent,
    RoomCreateResponse,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
    WhoamiResponse,
)

MEGOLM = "m.megolm.v1.aes-sha2"
ENCRYPTION_STATE = {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": MEGOLM}}
"""Initial state that makes a new room end-to-end encrypted."""

SESSION_FILE = "session.json"


class MatrixHelperError(AssertionError):
    """A Matrix request failed or an awaited event never came (fails the test)."""


@dataclass
class TimelineEntry:
    """One timeline event a client received, with the room it arrived in."""

    room_id: str
    event: Event


_timelines: weakref.WeakKeyDictionary[AsyncClient, list[TimelineEntry]] = (
    weakref.WeakKeyDictionary()
)


def timeline(client: AsyncClient) -> list[TimelineEntry]:
    """Every timeline event ``client`` received through these helpers, oldest first."""
    return _timelines.setdefault(client, [])


def _check(response: object, expected: type, what: str) -> None:
    if not isinstance(response, expected):
        detail = (
            f"{response.status_code} {response.message}"
            if isinstance(response, ErrorResponse)
            else response
        )
        raise MatrixHelperError(f"{what} failed: {detail}")


async def login_client(
    homeserver: str,
    user_id: str,
    password: str,
    store_dir: Path,
    *,
    device_name: str = "peerbot-test-member",
) -> AsyncClient:
    """Return a logged-in, encryption-enabled client whose keys live in ``store_dir``.

    The first call logs in with the password and saves the device id and access
    token in ``store_dir/session.json``; later calls with the same ``store_dir``
    restore that session, so the device and its encryption keys survive. If the
    saved token no longer works, the client logs in again as the same device.
    Call ``await client.close()`` when done.
    """
    store_dir.mkdir(parents=True, exist_ok=True)
    config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True)
    client = AsyncClient(homeserver, user_id, store_path=str(store_dir), config=config)
    session_path = store_dir / SESSION_FILE
    saved = json.loads(session_path.read_text()) if session_path.exists() else {}
    if saved.get("user_id") == user_id:
        client.restore_login(user_id, saved["device_id"], saved["access_token"])
        if isinstance(await client.whoami(), WhoamiResponse):
            return client
        # Keep the device (and its keys): log in again as that device.
        client.device_id = saved["device_id"]
    response = await client.login(password, device_name=device_name)
    if not isinstance(response, LoginResponse):
        await client.close()
        _check(response, LoginResponse, f"login as {user_id}")
    session = {
        "user_id": user_id,
        "device_id": client.device_id,
        "access_token": client.access_token,
    }
    session_path.write_text(json.dumps(session))
    return client


async def key_work(client: AsyncClient) -> None:
    """Upload, query and claim keys as needed and send queued to-device messages."""
    if client.should_upload_keys:
        await client.keys_upload()
    if client.should_query_keys:
        await client.keys_query()
    if client.should_claim_keys:
        await client.keys_claim(client.get_users_for_key_claiming())
    await client.send_to_device_messages()


async def sync_once(client: AsyncClient, timeout_ms: int = 0) -> SyncResponse:
    """Sync once, record the timeline events, then do the key work."""
    response = await client.sync(timeout=timeout_ms)
    _check(response, SyncResponse, f"sync of {client.user_id}")
    log = timeline(client)
    for room_id, room in response.rooms.join.items():
        log.extend(TimelineEntry(room_id, event) for event in room.timeline.events)
    await key_work(client)
    return response


async def sync_until(
    client: AsyncClient,
    predicate: Callable[[], bool],
    *,
    timeout: float = 15.0,
    what: str = "condition",
) -> None:
    """Sync repeatedly until ``predicate()`` is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise MatrixHelperError(
                f"{client.user_id}: gave up waiting for {what} after {timeout} s"
            )
        await sync_once(client, timeout_ms=300)


def retry_decryption(client: AsyncClient) -> None:
    """Decrypt recorded events whose room key arrived after the event itself."""
    for entry in timeline(client):
        if isinstance(entry.event, MegolmEvent):
            with contextlib.suppress(EncryptionError):
                entry.event = client.decrypt_event(entry.event)


async def wait_for_event(
    client: AsyncClient,
    room_id: str,
    match: Callable[[Event], bool],
    *,
    timeout: float = 15.0,
    what: str = "a matching event",
) -> Event:
    """Return the first event in ``room_id`` that ``match`` accepts.

    Events received by earlier syncs count too, so a reply that arrived while
    the test was doing something else is not missed.
    """
    found: list[Event] = []

    def seen() -> bool:
        retry_decryption(client)
        first = next(
            (e.event for e in timeline(client) if e.room_id == room_id and match(e.event)), None
        )
        if first is not None:
            found.append(first)
        return first is not None

    try:
        await sync_until(client, seen, timeout=timeout, what=f"{what} in {room_id}")
    except MatrixHelperError as error:
        undecrypted = sum(
            1 for e in timeline(client) if e.room_id == room_id and isinstance(e.event, MegolmEvent)
        )
        if undecrypted:
            raise MatrixHelperError(
                f"{error} ({undecrypted} events there could not be decrypted)"
            ) from None
        raise
    return found[0]


async def wait_for_text(
    client: AsyncClient,
    room_id: str,
    body: str | Callable[[str], bool],
    *,
    timeout: float = 15.0,
) -> RoomMessageText:
    """Wait for a text message in ``room_id`` whose body equals ``body`` (or satisfies it)."""
    accepts = body if callable(body) else body.__eq__
    event = await wait_for_event(
        client,
        room_id,
        lambda e: isinstance(e, RoomMessageText) and accepts(e.body),
        timeout=timeout,
        what=f"message {body!r}" if isinstance(body, str) else "a matching message",
    )
    assert isinstance(event, RoomMessageText)
    return event


async def create_room(
    client: AsyncClient,
    *,
    name: str | None = None,
    encrypted: bool = False,
    invite: Iterable[str] = (),
) -> str:
    """Create a private room (end-to-end encrypted if asked), invite users, return its id."""
    response = await client.room_create(
        name=name,
        invite=list(invite),
        initial_state=[ENCRYPTION_STATE] if encrypted else [],
    )
    _check(response, RoomCreateResponse, f"{client.user_id} creating a room")
    room_id = response.room_id
    # Make the room (and its encryption flag) known to the client before it sends.
    await sync_until(client, lambda: room_id in client.rooms, what=f"room {room_id}")
    return room_id


async def accept_invite(client: AsyncClient, room_id: str, *, timeout: float = 15.0) -> None:
    """Wait for an invite to ``room_id``, join it and sync until the room is joined."""
    await sync_until(
        client,
        lambda: room_id in client.invited_rooms or room_id in client.rooms,
        timeout=timeout,
        what=f"an invite to {room_id}",
    )
    _check(await client.join(room_id), JoinResponse, f"{client.user_id} joining {room_id}")
    await sync_until(
        client, lambda: room_id in client.rooms, timeout=timeout, what=f"joining {room_id}"
    )


async def wait_for_member(
    client: AsyncClient, room_id: str, user_id: str, *, timeout: float = 15.0
) -> None:
    """Sync until ``client`` sees ``user_id`` joined to ``room_id``."""

    def joined() -> bool:
        room = client.rooms.get(room_id)
        return room is not None and user_id in room.users

    await sync_until(client, joined, timeout=timeout, what=f"{user_id} in {room_id}")


async def send_text(client: AsyncClient, room_id: str, body: str, *, notice: bool = False) -> str:
    """Send a text message (encrypted if the room is) and return its event id.

    Unverified devices are not refused: members' test clients trust whoever is
    in the room, as most community members' clients do in practice.
    """
    if client.should_query_keys:
        await client.keys_query()
    content = {"msgtype": "m.notice" if notice else "m.text", "body": body}
    response = await client.room_send(
        room_id, "m.room.message", content, ignore_unverified_devices=True
    )
    _check(response, RoomSendResponse, f"{client.user_id} sending to {room_id}")
    await client.send_to_device_messages()
    return response.event_id


async def close_all(*clients: AsyncClient) -> None:
    """Close clients, ignoring ones already closed."""
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
