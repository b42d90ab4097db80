"""Two peerbot processes, one Matrix account, one PostgreSQL database (issue 20): the first
syncs and answers, the second waits; when the first is SIGKILLed the second takes over with the
same device and encryption store, and no command is ever answered twice.

The first process is frozen (SIGSTOP) and killed while the test waits for the sync lock; holding
it, the test puts the stored sync token back to one from before the first command, then lets the
lock go: that is a crash between answering an event and storing the token that covers it, so the
second process's first sync brings the answered command again.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import pytest
from nio import AsyncClient, RoomMessageNotice

from storage.locks import LOCK_CLASS, lock_key
from tests.matrix_harness.nio_helpers import (
    accept_invite,
    close_all,
    create_room,
    login_client,
    retry_decryption,
    send_text,
    sync_once,
    timeline,
    wait_for_member,
)
from tests.postgres_server import BACKEND

from .botproc import BotProcess, write_config
from .world import direct_room, register, wait_for_notice, wait_for_pointer

# Several processes share a database only on PostgreSQL: run once, in make test's PostgreSQL
# pass, not again in the SQLite pass.
ONLY_ON_POSTGRES_PASS = pytest.mark.skipif(
    BACKEND != "postgresql", reason="several processes: in the PostgreSQL pass"
)
pytestmark = [pytest.mark.matrix, pytest.mark.faults, ONLY_ON_POSTGRES_PASS]

TAKEOVER_LIMIT_S = 20.0  # LOCK_POLL_S (1 s) + login and the first full sync on a busy machine
POINTER = "I've sent you a private message."


@dataclass
class Scene:
    """What the helpers of world.py need: the bot's id, the member, her direct room."""

    bot_id: str
    member: AsyncClient
    direct: dict[str, str] = field(default_factory=dict)


async def _platform_state(url: str, key: str) -> str | None:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(
            "SELECT value FROM platform_state WHERE platform = 'matrix' AND key = $1", key
        )
    finally:
        await conn.close()


async def _crash_before_storing(url: str, pid: int, token: str) -> None:
    """Kill the frozen syncing process `pid` and put the stored sync token back to `token`
    before the standby can take over.

    The token cannot be written while the process is only frozen: it may be stopped inside
    the transaction that stores a newer token, holding that row until it dies. So the test
    queues for the sync lock first; the server grants it to this waiting session the moment
    the killed process's connection ends (before the standby's next poll), the frozen
    transaction rolls back with it, and the standby gets the lock once the token is back."""
    conn = await asyncpg.connect(url)
    try:
        key = lock_key("matrix-sync")
        waiting = asyncio.create_task(
            conn.execute("SELECT pg_advisory_lock($1, $2)", LOCK_CLASS, key)
        )
        watcher = await asyncpg.connect(url)
        try:
            while not await watcher.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND objid = $1::bigint::oid",
                key,
            ):
                await asyncio.sleep(0.05)
        finally:
            await watcher.close()
        os.kill(pid, signal.SIGKILL)
        await asyncio.wait_for(waiting, 30)
        updated = await conn.execute(
            "UPDATE platform_state SET value = $1 WHERE platform = 'matrix' AND key = 'next_batch'",
            token,
        )
        assert updated == "UPDATE 1", updated
    finally:
        await conn.close()  # frees the lock: the standby takes over now


async def _quiet(client: AsyncClient, seconds: float) -> None:
    """Keep syncing for `seconds` and decrypt what came."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await sync_once(client, timeout_ms=300)
    retry_decryption(client)


def _device(bot: BotProcess) -> str:
    lines = bot.log_lines("matrix: logged in as")
    assert lines, bot.tail()
    found = re.search(r"\(device (\S+)\)", lines[-1])
    assert found, lines[-1]
    return found.group(1)


def _pointers(scene: Scene, room: str, command_id: str) -> int:
    """How many times the bot answered `command_id` in `room` (its reply points to it)."""
    return sum(
        1
        for e in timeline(scene.member)
        if e.room_id == room
        and isinstance(e.event, RoomMessageNotice)
        and e.event.sender == scene.bot_id
        and e.event.source["content"]
        .get("m.relates_to", {})
        .get("m.in_reply_to", {})
        .get("event_id")
        == command_id
    )


def _answers(scene: Scene, dm: str, zone: str) -> int:
    return sum(
        1
        for e in timeline(scene.member)
        if e.room_id == dm
        and isinstance(e.event, RoomMessageNotice)
        and e.event.sender == scene.bot_id
        and e.event.body.startswith(f"Your timezone is now {zone}")
    )


async def _command(scene: Scene, room: str, zone: str) -> tuple[str, str]:
    """The member sets her timezone in `room`; returns (command id, her direct room)."""
    dm_known = scene.direct.get(scene.member.user_id)
    seen = {e.event.event_id for e in timeline(scene.member)}
    command_id = await send_text(scene.member, room, f"!timezone set zone:{zone}")
    await wait_for_pointer(scene, room, command_id, timeout=40)  # type: ignore[arg-type]
    dm = dm_known or await direct_room(scene, scene.member, timeout=30)  # type: ignore[arg-type]
    await wait_for_notice(
        scene.member,
        dm,
        scene.bot_id,
        lambda b: b.startswith(f"Your timezone is now {zone}"),
        after=seen,
        timeout=30,
    )
    return command_id, dm


async def test_a_standby_takes_over_the_account_and_answers_each_command_once(
    synapse, pg, tmp_path: Path
):
    url = pg.create_sync()
    bot_user, mod_user, member_user = (register(synapse, n) for n in ("peerbot", "mod", "member"))
    mod = await login_client(synapse.base_url, mod_user.user_id, mod_user.password, tmp_path / "m")
    member = await login_client(
        synapse.base_url, member_user.user_id, member_user.password, tmp_path / "mem"
    )
    store = tmp_path / "shared-store"  # both processes: the same path (a shared volume)
    bots = [
        BotProcess(
            write_config(
                tmp_path / f"peerbot-{n}.toml",
                homeserver=synapse.base_url,
                user_id=bot_user.user_id,
                database=url,  # type: ignore[arg-type]
                store=store,
                allowed_inviters=[mod.user_id],
            ),
            bot_user.password,
            tmp_path / f"bot-{n}.log",
        )
        for n in ("a", "b")
    ]
    first, second = bots
    try:
        await sync_once(mod)
        await sync_once(member)
        await asyncio.to_thread(first.start)
        await asyncio.to_thread(second.start)
        assert second.log_lines("another process syncs this account"), second.tail()
        assert not second.log_lines("matrix: logged in as")

        circle = await create_room(
            mod, name="circle", encrypted=True, invite=[member.user_id, bot_user.user_id]
        )
        await accept_invite(member, circle)
        await wait_for_member(member, circle, bot_user.user_id, timeout=30)
        scene = Scene(bot_user.user_id, member)
        _, dm = await _command(scene, circle, "Europe/Lisbon")  # the direct room exists now

        before = await _platform_state(url, "next_batch")
        assert before is not None
        one, _ = await _command(scene, circle, "Europe/London")
        device = _device(first)

        # A crash after answering, before the token covering the answer was stored.
        assert first.process is not None
        os.kill(first.process.pid, signal.SIGSTOP)
        await _crash_before_storing(url, first.process.pid, before)
        killed_at = time.monotonic()
        first.process.wait()

        deadline = killed_at + 60
        while not second.log_lines("matrix: logged in as") and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        took = time.monotonic() - killed_at
        assert second.log_lines("matrix: logged in as"), second.tail()
        print(f"takeover: {took:.1f} s after the lock was freed")
        assert took < TAKEOVER_LIMIT_S, second.tail()
        assert _device(second) == device, "the standby logged in as a new device"

        two, _ = await _command(scene, circle, "Asia/Tokyo")
        await _quiet(member, 8)  # any late duplicate would arrive meanwhile
        assert _pointers(scene, circle, one) == 1, "a command was answered twice"
        assert _pointers(scene, circle, two) == 1
        assert _answers(scene, dm, "Europe/London") == 1
        assert _answers(scene, dm, "Asia/Tokyo") == 1
        assert not second.log_lines("Traceback"), second.tail()
    finally:
        for bot in bots:
            await asyncio.to_thread(bot.stop)
        await close_all(mod, member)
