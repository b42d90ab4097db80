"""The SQLite backend: a writer connection, a reader thread, WAL, numbered migrations, group commit.

Every write is a plain function ``fn(conn) -> result``. Writes that arrive together are committed
together (each inside its own SAVEPOINT, so one failing write never spoils the others), and each
caller is acknowledged only after the COMMIT succeeded: "no acknowledged write is lost" holds while
a burst of writes costs one transaction.

A batch of short writes runs on the event loop's own thread, on a connection that only writes: in
WAL mode a commit appends to the log without waiting for the disk, so a batch takes a fraction of a
millisecond, which is less than handing it to another thread and back. Whatever may wait or take
long goes to the writer thread instead: batches holding a ``background=True`` write (sweeps,
deletions), batches that find the file locked by another program, and the WAL checkpoints. Reads
run on the reader connection's own thread (aiosqlite); in WAL mode they never block the writer
and always see every acknowledged write.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from storage.backends.sqlite_batch import run_batch, run_batch_waiting
from storage.db import (
    APPLICATION_ID,
    MIGRATIONS_DIR,
    SQLITE_HEADER,
    Database,
    DatabaseRefused,
    Migration,
    StorageError,
    load_migrations,
    migration_sql,
    parents_first,
    schema_version,
)
from storage.files import create_private, tighten

log = logging.getLogger(__name__)
T = TypeVar("T")

CHECKPOINT_EVERY = 200  # committed batches between WAL checkpoints (on the writer thread)
LOCK_WAIT_SECONDS = 5.0  # how long a write waits for a lock another program holds


def check_file(path: Path) -> None:
    """Refuse, with a clear message, a file that is not SQLite (before opening it)."""
    if path.is_dir():
        raise DatabaseRefused(f"{path} is a directory: give the path of a database file in it")
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as handle:
            header = handle.read(16)
        if header != SQLITE_HEADER:
            raise DatabaseRefused(f"{path} is not a SQLite database (peerbot will not touch it)")


class SqliteDatabase(Database):
    """The bot's SQLite database."""

    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, writer: sqlite3.Connection | None, path: str):
        self._conn = conn  # reads (and migrations at open), on aiosqlite's thread
        # every write after opening; None for ":memory:", whose writes share the reader connection
        self._writer = writer
        self._writer_thread = (
            ThreadPoolExecutor(1, thread_name_prefix="peerbot-db-writer") if writer else None
        )
        self.path = path
        self.lock_wait = LOCK_WAIT_SECONDS
        self._queue: list[tuple[Callable[[sqlite3.Connection], Any], asyncio.Future, bool]] = []
        self._flushing: asyncio.Task | None = None
        self._batches_since_checkpoint = 0
        self._copy: asyncio.Future | None = None  # a checkpoint running beside writes
        self._closed = False
        self._identity = _file_identity(path)
        self._quick: sqlite3.Connection | None = (
            None  # lookups on the loop thread, opened once used
        )
        self._quick_identity: tuple[int, int] | None = None  # the file _quick has open

    @classmethod
    async def open_file(
        cls, path: str | Path, *, migrations_dir: Path = MIGRATIONS_DIR, migrate: bool = True
    ) -> SqliteDatabase:
        """Open (creating if needed), check the version, apply pending migrations."""
        path_str = str(path)
        memory = path_str == ":memory:"
        existed = not memory and Path(path_str).exists()
        if not memory:
            check_file(Path(path_str))
        if not memory and not existed:
            _private_files(Path(path_str))
        try:
            conn = await aiosqlite.connect(path_str, isolation_level=None, timeout=5.0)
        except sqlite3.Error as err:
            raise DatabaseRefused(f"cannot open {path_str}: {err}") from err
        writer: sqlite3.Connection | None = None
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
            app_id = (await (await conn.execute("PRAGMA application_id")).fetchone())[0]
            if current > 0 and app_id not in (0, APPLICATION_ID):
                raise DatabaseRefused(f"{path_str} is a SQLite database of another program")
            # Never a peerbot database: it has tables, but no peerbot migration ran on it.
            if current == 0 and app_id != APPLICATION_ID and await _has_tables(conn):
                raise DatabaseRefused(
                    f"{path_str} is a SQLite database of another program (peerbot will not touch it)"
                )
            if existed:  # only once it is known to be ours
                _private_files(Path(path_str))
            if not memory:
                mode = (await (await conn.execute("PRAGMA journal_mode=WAL")).fetchone())[0]
                if mode.lower() != "wal":
                    log.warning("could not switch %s to WAL (mode %s)", path_str, mode)
            for pragma in _CONNECTION_PRAGMAS:
                await conn.execute(pragma)
            if migrate:
                await _migrate(conn, load_migrations(migrations_dir), current)
            if not memory:
                writer = _open_writer(path_str)
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
        return cls(conn, writer, path_str)

    async def version(self) -> int:
        """The schema version of the open file."""
        return await self.read(lambda c: c.execute("PRAGMA user_version").fetchone()[0])

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run a read-only function on the reader thread."""
        try:
            return await self._conn._execute(fn, self._raw)
        except sqlite3.Error as err:
            raise StorageError(str(err)) from err

    async def lookup(self, sql: str, params: tuple | dict = ()) -> Any | None:
        """Answered at once on the loop thread: an indexed lookup in WAL mode never waits for
        writers and costs less than the trip to the reader thread and back. It reads the file
        now at the path (one restored or replaced meanwhile too), never creating one; while
        there is none, or on any error (the file busy, unreadable), the reader thread answers
        as it would without this shortcut."""
        if self._writer is None or self._closed:
            return await self.fetchone(sql, params)
        try:
            quick = self._quick_connection()
            if quick is not None:
                return quick.execute(sql, params).fetchone()
        except sqlite3.Error:
            self._close_quick()
        return await self.fetchone(sql, params)

    def _quick_connection(self) -> sqlite3.Connection | None:
        """The lookup connection, on the file at the path now (None while the path is empty)."""
        current = _file_identity(self.path)
        if current != self._quick_identity:
            self._close_quick()
        if current is None:
            return None
        if self._quick is None:
            self._quick = _open_quick(self.path)
            self._quick_identity = current
        return self._quick

    async def write(self, fn: Callable[[sqlite3.Connection], T], *, background: bool = False) -> T:
        """Run `fn` in a transaction; returns only after it is committed.

        `fn` may run again if its batch has to be retried, so it must only touch the database.
        ``background=True`` is for writes that may touch many rows (sweeps, deletions): their
        batch runs on the writer thread, so the bot keeps answering meanwhile.
        """
        if self._closed:
            raise StorageError("the database is closed")
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._queue.append((fn, future, background))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush())
        return await future

    async def tables(self) -> list[str]:
        """peerbot's tables, parents before the tables whose foreign keys name them."""

        def find(conn: sqlite3.Connection) -> list[str]:
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            refs = [
                (name, r[2])
                for name in names
                for r in conn.execute(f'PRAGMA foreign_key_list("{name}")')
            ]
            return parents_first(names, refs)

        return await self.read(find)

    async def columns(self, table: str) -> list[str]:
        """A table's column names, in order."""
        rows = await self.read(lambda c: c.execute(f'PRAGMA table_info("{table}")').fetchall())
        return [r[1] for r in rows]

    async def configure(self, pragma: str) -> None:
        """Apply one PRAGMA to every connection (a size limit, read-only mode, …)."""
        if not pragma.lstrip().upper().startswith("PRAGMA "):
            raise ValueError("configure() takes a PRAGMA statement")
        while self._flushing is not None:  # the writer connection is in use until then
            await asyncio.shield(self._flushing)
        if self._writer is not None:
            self._writer.execute(pragma)
        await self.read(lambda c: c.execute(pragma))

    def _close_quick(self) -> None:
        self._quick_identity = None
        if self._quick is not None:
            self._quick.close()
            self._quick = None

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
        fresh = await SqliteDatabase.open_file(self.path)
        old_conn, old_writer, old_thread = self._conn, self._writer, self._writer_thread
        self._conn, self._writer, self._writer_thread = (
            fresh._conn,
            fresh._writer,
            fresh._writer_thread,
        )
        self._identity = current
        self._close_quick()
        if old_writer is not None:
            old_writer.close()
        if old_thread is not None:
            old_thread.shutdown(wait=False)
        with contextlib.suppress(Exception):  # the old file is gone; nothing to save there
            await old_conn.close()

    async def _flush(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                try:
                    await self._check_file()
                except (StorageError, DatabaseRefused) as err:
                    for _, future, _ in batch:
                        if not future.done():
                            future.set_exception(StorageError(str(err)))
                    continue
                outcomes = await self._run(batch)
                for (_, future, _), (ok, value) in zip(batch, outcomes, strict=True):
                    if future.done():
                        continue
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
                await self._after_commit()
        finally:
            self._flushing = None

    async def _run(self, batch: list) -> list[tuple[bool, Any]]:
        """Run one batch: here on the loop thread when it is short and the lock is free, else on
        the writer thread (waiting up to `lock_wait` for another program's lock)."""
        fns = [fn for fn, _, _ in batch]
        try:
            if self._writer is not None and not any(background for _, _, background in batch):
                outcomes = run_batch(self._writer, fns, wait=False)
                if outcomes is not None:
                    return outcomes
            if self._writer is None:
                return await self._conn._execute(run_batch_waiting, self._raw, fns, self.lock_wait)
            assert self._writer_thread is not None
            return await asyncio.get_running_loop().run_in_executor(
                self._writer_thread, run_batch_waiting, self._writer, fns, self.lock_wait
            )
        except Exception as err:  # the batch could not run at all (closed connection)
            if self._writer is not None and self._writer.in_transaction:
                # a transaction left open would refuse every later batch
                with contextlib.suppress(sqlite3.Error):
                    self._writer.execute("ROLLBACK")
            return [(False, StorageError(str(err)))] * len(batch)

    async def _after_commit(self) -> None:
        """Keep the WAL small without making writes wait for the disk.

        Every CHECKPOINT_EVERY batches a checkpoint copies the log into the database file from a
        connection of its own on the writer thread, while writes go on. Under steady writes that
        copy never catches up with the end of the log, and SQLite reuses the log from the top
        only once it is copied whole; so after each copy the next batch is followed by a short
        catch-up on the writer connection (only the frames written meanwhile), and writes wait
        just for that."""
        if self._writer is None:
            return
        assert self._writer_thread is not None
        loop = asyncio.get_running_loop()
        if self._copy is not None and self._copy.done():
            self._copy = None
            try:
                await loop.run_in_executor(self._writer_thread, _checkpoint, self._writer)
            except sqlite3.Error as err:  # the log keeps growing until the next one succeeds
                log.warning("WAL checkpoint failed: %s", err)
            return
        self._batches_since_checkpoint += 1
        if self._batches_since_checkpoint < CHECKPOINT_EVERY or self._copy is not None:
            return
        self._batches_since_checkpoint = 0
        self._copy = loop.run_in_executor(self._writer_thread, _copy_log, self.path)

    async def settle(self) -> None:
        """Wait until every pending write is committed and no checkpoint is running."""
        while self._flushing is not None or (self._copy is not None and not self._copy.done()):
            if self._flushing is not None:
                await asyncio.shield(self._flushing)
            if self._copy is not None:
                await asyncio.shield(self._copy)

    async def close(self) -> None:
        """Commit what is pending, checkpoint, and close."""
        if self._closed:
            return
        while self._flushing is not None:
            await asyncio.shield(self._flushing)
        self._closed = True
        self._close_quick()
        if self._writer is not None:
            self._writer.close()
        if self._writer_thread is not None:
            self._writer_thread.shutdown(wait=True)
        with contextlib.suppress(sqlite3.Error):  # an optimisation only; closing matters more
            await self._conn.execute("PRAGMA optimize")
        await self._conn.close()  # the last connection out checkpoints the whole log


# Settings every connection gets. Deleted member data is overwritten, not left in free pages.
_CONNECTION_PRAGMAS = (
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA secure_delete = ON",
)


def _checkpoint(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def _copy_log(path: str) -> None:
    """A PASSIVE checkpoint from a short-lived connection (it never blocks the writer)."""
    try:
        conn = sqlite3.connect(path, timeout=0)
    except sqlite3.Error as err:
        log.warning("WAL checkpoint could not start: %s", err)
        return
    try:
        _checkpoint(conn)
    except sqlite3.Error as err:
        log.warning("WAL checkpoint failed: %s", err)
    finally:
        conn.close()


def _open_writer(path: str) -> sqlite3.Connection:
    """The connection every write goes through. It never waits for a lock by itself (the loop
    thread must not block; a locked batch moves to the writer thread) and never checkpoints."""
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=0)
    writer.row_factory = sqlite3.Row
    for pragma in (*_CONNECTION_PRAGMAS, "PRAGMA wal_autocheckpoint = 0"):
        writer.execute(pragma)
    return writer


def _open_quick(path: str) -> sqlite3.Connection:
    """The connection for lookups on the loop thread: read-only (it never creates a missing
    file), and never waiting for a lock."""
    uri = Path(path).absolute().as_uri() + "?mode=ro"
    quick = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=0)
    quick.row_factory = sqlite3.Row
    for pragma in (*_CONNECTION_PRAGMAS, "PRAGMA query_only = ON"):
        quick.execute(pragma)
    return quick


async def _has_tables(conn: aiosqlite.Connection) -> bool:
    """Whether a file holds any table, index or view."""
    return await (await conn.execute("SELECT 1 FROM sqlite_master LIMIT 1")).fetchone() is not None


async def _migrate(conn: aiosqlite.Connection, migrations: list[Migration], current: int) -> None:
    raw = conn._conn
    for migration in migrations:
        if migration.version <= current:
            continue
        log.info("applying migration %04d_%s", migration.version, migration.name)
        await conn._execute(_apply_migration, raw, migration)


def _private_files(path: Path) -> None:
    """Create a new database file 0600 before SQLite opens it (its -wal and -shm then take the
    same mode from it); tighten an existing one and its log files."""
    try:
        create_private(path)
    except FileExistsError:
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            tighten(file)
    except OSError as err:
        raise DatabaseRefused(f"cannot create {path}: {err}") from err


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
        for statement in _split_sql(migration_sql(migration.sql, "sqlite")):
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
