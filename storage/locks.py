"""Locks shared by every peerbot process on one database: one holder at a time, released when
the holder dies.

- :class:`ProcessLock` — "only one process does this" (global work, the Matrix sync). On
  PostgreSQL it is a session advisory lock held on a connection of its own: the server releases
  it the moment that connection ends (the process exited, was killed, or lost the network), and
  :meth:`ProcessLock.held` is the heartbeat that notices a lost connection. On SQLite every
  process on the file is on this machine, so it is an exclusive ``flock`` on a file beside the
  database, which the kernel releases when the process dies.
- :func:`take_turn` — a rate shared through the database (Discord's identify limit: one
  IDENTIFY per bucket every few seconds, whichever process sends it).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from storage.db import Database, is_postgres

log = logging.getLogger(__name__)

LOCK_CLASS = 0x50454552  # "PEER": the first key of peerbot's advisory locks (migrations: 1 key)


def lock_key(name: str) -> int:
    """The second advisory-lock key for a lock name (stable across processes and versions)."""
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


class ProcessLock:
    """A named lock at most one process holds; it is freed when its holder dies."""

    def __init__(self, target: str | Path, name: str, *, password: str | None = None) -> None:
        self.target = str(target)
        self.name = name
        self._password = password
        self._conn: Any = None  # PostgreSQL: the connection that holds the lock
        self._fd: int | None = None  # SQLite: the locked file
        self._held = False

    @classmethod
    def for_database(cls, db: Database, name: str, password: str | None = None) -> ProcessLock:
        """The lock ``name`` on the database ``db`` is open on."""
        return cls(db.path, name, password=password)

    async def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; True if this process holds it now."""
        if self._held:
            return True
        if is_postgres(self.target):
            self._held = await self._try_postgres()
        else:
            self._held = self._try_file()
        return self._held

    async def acquire(self, *, poll: float = 1.0, stop: asyncio.Event | None = None) -> bool:
        """Wait until this process holds the lock (False if ``stop`` was set first)."""
        while not await self.try_acquire():
            if stop is not None and stop.is_set():
                return False
            await asyncio.sleep(poll)
        return True

    async def held(self) -> bool:
        """Whether this process still holds the lock (on PostgreSQL: its connection answers)."""
        if not self._held:
            return False
        if self._conn is not None:
            try:
                await asyncio.wait_for(self._conn.fetchval("SELECT 1"), 5)
            except Exception:
                log.warning("lost the connection holding the %s lock", self.name)
                await self._drop_connection()
                self._held = False
        return self._held

    async def release(self) -> None:
        """Give the lock up (closing its connection frees it on PostgreSQL)."""
        self._held = False
        await self._drop_connection()
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
            self._fd = None

    async def _try_postgres(self) -> bool:
        import asyncpg

        if self._conn is None:
            try:
                self._conn = await asyncpg.connect(self.target, password=self._password, timeout=10)
            except (TimeoutError, OSError, asyncpg.PostgresError) as err:
                log.warning("cannot reach the database for the %s lock: %s", self.name, err)
                return False
        try:
            got = await self._conn.fetchval(
                "SELECT pg_try_advisory_lock($1, $2)", LOCK_CLASS, lock_key(self.name)
            )
        except Exception as err:
            log.warning("the %s lock could not be asked for: %s", self.name, err)
            await self._drop_connection()
            return False
        return bool(got)

    async def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 5)

    def _try_file(self) -> bool:
        if self._fd is None:
            path = Path(f"{self.target}.{self.name}.lock")
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


async def take_turn(
    db: Database,
    platform: str,
    name: str,
    every: timedelta,
    *,
    now: Any = lambda: datetime.now(UTC),
) -> None:
    """Wait for this process's turn at ``name``: turns are at least ``every`` apart across all
    processes on the database (real time, whatever the bot's clock says).

    One statement claims a turn (an upsert that only moves the next allowed instant when it has
    passed), so two processes never take the same turn.
    """
    key = f"turn:{name}"
    while True:
        at = now()
        moved = await db.write(
            lambda c, at=at: c.execute(
                "INSERT INTO platform_state (platform, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (platform, key) DO UPDATE SET value = excluded.value "
                "WHERE platform_state.value <= ? RETURNING value",
                (platform, key, _stamp(at + every), _stamp(at)),
            ).fetchall()
        )
        if moved:
            return
        row = await db.fetchone(
            "SELECT value FROM platform_state WHERE platform = ? AND key = ?", (platform, key)
        )
        wait = (datetime.fromisoformat(row[0]) - now()).total_seconds() if row else 0.0
        await asyncio.sleep(min(max(wait, 0.05), every.total_seconds()))
