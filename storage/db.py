"""The database: one aiosqlite connection, WAL, numbered migrations, group commit.

Every write is a plain function ``fn(conn) -> result`` that runs on the database thread. Writes
that arrive together are committed together (each inside its own SAVEPOINT, so one failing write
never spoils the others), and each caller is acknowledged only after the COMMIT succeeded. That
keeps "no acknowledged write is lost" true while avoiding one thread hop and one fsync per write.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

log = logging.getLogger(__name__)
T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
APPLICATION_ID = 0x50454552  # "PEER": marks a file as a peerbot database


class StorageError(RuntimeError):
    """The database could not do what was asked (disk full, read-only, locked, corrupted…)."""


class DatabaseRefused(StorageError):
    """The file cannot be used as a peerbot database; the message says why, for people."""


@dataclass(frozen=True)
class MemberKey:
    """Whose data: (platform, community, user). community_id None means every community."""

    platform: str
    community_id: str | None
    user_id: str


@dataclass(frozen=True)
class Migration:
    """One numbered SQL migration file."""

    version: int
    name: str
    sql: str


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """All ``NNNN_name.sql`` files, in order."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", path.name)
        if match:
            found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    return found


def schema_version(directory: Path = MIGRATIONS_DIR) -> int:
    """The newest schema version this code knows."""
    migrations = load_migrations(directory)
    return migrations[-1].version if migrations else 0


def check_file(path: Path) -> None:
    """Refuse, with a clear message, a file that is not SQLite (before opening it)."""
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as handle:
            header = handle.read(16)
        if header != SQLITE_HEADER:
            raise DatabaseRefused(f"{path} is not a SQLite database (peerbot will not touch it)")


class Database:
    """The bot's SQLite database."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self.path = path
        self._queue: list[tuple[Callable[[sqlite3.Connection], Any], asyncio.Future]] = []
        self._flushing: asyncio.Task | None = None
        self._closed = False
        self._identity = _file_identity(path)

    @classmethod
    async def open(
        cls, path: str | Path, *, migrations_dir: Path = MIGRATIONS_DIR, migrate: bool = True
    ) -> Database:
        """Open (creating if needed), check the version, apply pending migrations."""
        path_str = str(path)
        if path_str != ":memory:":
            check_file(Path(path_str))
        try:
            conn = await aiosqlite.connect(path_str, isolation_level=None, timeout=5.0)
        except sqlite3.Error as err:
            raise DatabaseRefused(f"cannot open {path_str}: {err}") from err
        db = cls(conn, path_str)
        try:
            await conn.execute("PRAGMA busy_timeout = 5000")
            row = await (await conn.execute("PRAGMA user_version")).fetchone()
            current = row[0] if row else 0
            known = schema_version(migrations_dir)
            if current > known:
                raise DatabaseRefused(
                    f"{path_str} was written by a newer peerbot (schema {current}, this version "
                    f"knows up to {known}). Upgrade peerbot, or restore a backup made by this version."
                )
            if current > 0:
                app_id = (await (await conn.execute("PRAGMA application_id")).fetchone())[0]
                if app_id not in (0, APPLICATION_ID):
                    raise DatabaseRefused(f"{path_str} is a SQLite database of another program")
            if path_str != ":memory:":
                mode = (await (await conn.execute("PRAGMA journal_mode=WAL")).fetchone())[0]
                if mode.lower() != "wal":
                    log.warning("could not switch %s to WAL (mode %s)", path_str, mode)
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            # deleted member data is overwritten, not left in free pages of the file
            await conn.execute("PRAGMA secure_delete = ON")
            if migrate:
                await db._migrate(load_migrations(migrations_dir), current)
        except DatabaseRefused:
            await conn.close()
            raise
        except sqlite3.DatabaseError as err:
            await conn.close()
            message = str(err)
            if "readonly" in message or "read-only" in message:
                raise DatabaseRefused(
                    f"{path_str} is read-only: peerbot needs to write to it"
                ) from err
            raise DatabaseRefused(f"cannot use {path_str}: {message}") from err
        return db

    async def _migrate(self, migrations: list[Migration], current: int) -> None:
        for migration in migrations:
            if migration.version <= current:
                continue
            log.info("applying migration %04d_%s", migration.version, migration.name)
            await self._conn._execute(_apply_migration, self._raw, migration)

    async def version(self) -> int:
        """The schema version of the open file."""
        return await self.read(lambda c: c.execute("PRAGMA user_version").fetchone()[0])

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run a read-only function on the database thread."""
        try:
            return await self._conn._execute(fn, self._raw)
        except sqlite3.Error as err:
            raise StorageError(str(err)) from err

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` in a transaction; returns only after it is committed."""
        if self._closed:
            raise StorageError("the database is closed")
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._queue.append((fn, future))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        return await future

    async def execute(self, sql: str, params: tuple | dict = ()) -> int:
        """One write statement; returns the number of changed rows."""
        return await self.write(lambda c: c.execute(sql, params).rowcount)

    async def fetchall(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        """Rows of one query."""
        return await self.read(lambda c: c.execute(sql, params).fetchall())

    async def fetchone(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        """The first row of one query."""
        return await self.read(lambda c: c.execute(sql, params).fetchone())

    @property
    def _raw(self) -> sqlite3.Connection:
        raw = self._conn._conn
        if raw.row_factory is not sqlite3.Row:
            raw.row_factory = sqlite3.Row
        return raw

    async def _check_file(self) -> None:
        """Refuse to write into a database file that was deleted or replaced underneath us; once a
        usable file is back at the path (say, restored from a backup), reconnect to it."""
        if self._identity is None:
            return
        current = _file_identity(self.path)
        if current == self._identity:
            return
        if current is None:
            raise StorageError(f"the database file {self.path} is missing")
        log.warning("the database file %s was replaced; reconnecting", self.path)
        fresh = await Database.open(self.path)
        old, self._conn = self._conn, fresh._conn
        self._identity = current
        with contextlib.suppress(Exception):  # the old file is gone; nothing to save there
            await old.close()

    async def _flush(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                await self._check_file()
            except StorageError as err:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(StorageError(str(err)))
                continue
            except DatabaseRefused as err:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(StorageError(str(err)))
                continue
            try:
                outcomes = await self._conn._execute(_run_batch, self._raw, [fn for fn, _ in batch])
            except Exception as err:  # the batch could not run at all (closed connection)
                outcomes = [(False, StorageError(str(err)))] * len(batch)
            for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    async def close(self) -> None:
        """Commit what is pending, checkpoint, and close."""
        if self._closed:
            return
        if self._flushing is not None:
            await asyncio.shield(self._flushing)
        self._closed = True
        with contextlib.suppress(sqlite3.Error):  # an optimisation only; closing matters more
            await self._conn.execute("PRAGMA optimize")
        await self._conn.close()


def _file_identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of a database file, or None for memory databases and missing files."""
    if path == ":memory:":
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _apply_migration(conn: sqlite3.Connection, migration: Migration) -> None:
    """Apply one migration and record its version, all in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _split_sql(migration.sql):
            conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {int(migration.version)}")
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement knows about triggers)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        if not current and line.strip().startswith("--"):
            continue
        current += line
        if sqlite3.complete_statement(current):
            if current.strip().strip(";").strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


def _run_batch(
    conn: sqlite3.Connection, fns: list[Callable[[sqlite3.Connection], Any]]
) -> list[tuple[bool, Any]]:
    """Run writes in one transaction, each in its own savepoint; commit once."""
    outcomes: list[tuple[bool, Any]] = []
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as err:
        return [(False, StorageError(_describe(err)))] * len(fns)
    lost = StorageError("the database rolled the transaction back (disk full or I/O error)")
    if len(fns) == 1:  # alone in its transaction: no savepoint needed
        return [_run_alone(conn, fns[0], lost)]
    for fn in fns:
        if not conn.in_transaction:  # SQLite itself rolled everything back: nothing is saved
            return [(False, lost)] * len(fns)
        conn.execute("SAVEPOINT w")
        try:
            outcomes.append((True, fn(conn)))
            conn.execute("RELEASE w")
        except Exception as err:
            # SQLite may already have rolled everything back; the caller is told either way
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK TO w")
                conn.execute("RELEASE w")
            wrapped = StorageError(_describe(err)) if isinstance(err, sqlite3.Error) else err
            outcomes.append((False, wrapped))
    if not conn.in_transaction:
        return [(False, lost)] * len(fns)
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as err:
        with contextlib.suppress(sqlite3.Error):  # nothing left to roll back is fine
            conn.execute("ROLLBACK")
        failure = StorageError(_describe(err))
        return [(False, failure)] * len(fns)
    return outcomes


def _run_alone(
    conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], Any], lost: StorageError
) -> tuple[bool, Any]:
    """One write in an already open transaction: commit it, or roll everything back."""
    try:
        value = fn(conn)
    except Exception as err:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        return (False, StorageError(_describe(err)) if isinstance(err, sqlite3.Error) else err)
    if not conn.in_transaction:
        return (False, lost)
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as err:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        return (False, StorageError(_describe(err)))
    return (True, value)


def _describe(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"
