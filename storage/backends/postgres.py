"""The PostgreSQL backend (asyncpg): the same ``fn(conn)`` contract as SQLite, for big instances.

Feature storage code is plain synchronous ``fn(conn)``. Here each database thread owns a private
asyncio event loop and its own asyncpg connection; ``fn`` runs on that thread and gets a
:class:`PgConnection` whose ``execute`` drives the loop with ``run_until_complete`` (that loop is
not running while ``fn`` runs, so this is allowed, and the bot's own loop never waits). SQL is
written once with ``?`` placeholders and rewritten here to ``$1…$n`` (cached per text).

Group commit: the bot's loop queues writes; each batch goes to a free writer thread (``WRITERS``,
each with its own connection), runs in one transaction (each write in its own SAVEPOINT when one
fails, as on SQLite) and every caller is acknowledged after COMMIT. Writes one caller awaits in turn
commit in turn; writes started at once may commit in either order, as from several processes.
Reads run on a small pool of reader threads, each statement seeing
every committed write. Migrations run under ``pg_advisory_lock``, so several processes starting
together apply each once; ``peerbot_schema`` marks a peerbot database and holds its version.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

from storage.db import (
    MIGRATIONS_DIR,
    Database,
    DatabaseRefused,
    Migration,
    StorageError,
    load_migrations,
    migration_sql,
    parents_first,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

READERS = 2  # reader threads (each with its own connection)
# Writer connections, each running one batch (one transaction) at a time. A round trip to the
# server costs far more than the Python around it, so one writer spends its time waiting; with
# several, the next batch is sent while the last one waits. Batches still group the writes that
# arrive while every writer is busy, and run side by side as several processes' batches do.
WRITERS = 4
MIGRATION_LOCK = 0x50454552  # pg_advisory_lock key: "PEER"
STATEMENT_CACHE = 512  # prepared statements kept per connection
APPLICATION = "peerbot"
# A write batch gives up waiting for a lock after this long ("not saved", the writer is free
# again): a transaction stuck elsewhere (a frozen process) must not hold every writer, and so
# every reply, forever. SET LOCAL rides in BEGIN's round trip.
BEGIN_WRITE = "BEGIN; SET LOCAL lock_timeout = '5s'"


@functools.lru_cache(maxsize=4096)
def to_dollar(sql: str) -> str:
    """``?`` placeholders as ``$1…$n``, leaving string literals, quoted names and comments."""
    out: list[str] = []
    n, i, length = 0, 0, len(sql)
    while i < length:
        ch = sql[i]
        if ch in ("'", '"'):
            end = sql.find(ch, i + 1)
            while end != -1 and end + 1 < length and sql[end + 1] == ch:  # '' inside a literal
                end = sql.find(ch, end + 2)
            end = length - 1 if end == -1 else end
            out.append(sql[i : end + 1])
            i = end + 1
            continue
        if ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = length if end == -1 else end
            out.append(sql[i:end])
            i = end
            continue
        if ch == "?":
            n += 1
            out.append(f"${n}")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _describe(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"


class PgCursor:
    """What ``PgConnection.execute`` returns: the rows, ``rowcount`` and ``description``."""

    def __init__(self, rows: list[Any], rowcount: int, names: Sequence[str]) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount
        self.description = tuple((name, None, None, None, None, None, None) for name in names)

    @property
    def lastrowid(self) -> int:
        raise AttributeError("lastrowid is SQLite's: write INSERT … RETURNING id (both backends)")

    def fetchone(self) -> Any | None:
        if self._next >= len(self._rows):
            return None
        row = self._rows[self._next]
        self._next += 1
        return row

    def fetchall(self) -> list[Any]:
        rows = self._rows[self._next :]
        self._next = len(self._rows)
        return rows

    def __iter__(self):
        return iter(self.fetchall())


class PgConnection:
    """A sqlite3-like connection over one asyncpg connection, driven on its thread's own loop."""

    dialect = "postgresql"

    def __init__(self, loop: asyncio.AbstractEventLoop, conn: asyncpg.Connection) -> None:
        self._loop = loop
        self.raw = conn
        self._statements: OrderedDict[str, Any] = OrderedDict()

    def run(self, coro: Any) -> Any:
        """Run one asyncpg call to completion on this thread's loop."""
        return self._loop.run_until_complete(coro)

    @property
    def in_transaction(self) -> bool:
        return self.raw.is_in_transaction()

    def _prepared(self, sql: str) -> Any:
        stmt = self._statements.get(sql)
        if stmt is None:
            stmt = self.run(self.raw.prepare(to_dollar(sql)))
            self._statements[sql] = stmt
            if len(self._statements) > STATEMENT_CACHE:
                self._statements.popitem(last=False)
        else:
            self._statements.move_to_end(sql)
        return stmt

    def execute(self, sql: str, params: Sequence[Any] | dict = ()) -> PgCursor:
        """One statement; ``?`` placeholders."""
        if isinstance(params, dict):
            raise TypeError("named parameters are not supported; use ? placeholders")
        if not params and _is_control(sql):
            status = self.run(self.raw.execute(sql))
            return PgCursor([], _count(status), ())
        stmt = self._prepared(sql)
        try:
            rows = self.run(stmt.fetch(*params))
        except asyncpg.exceptions.InvalidCachedStatementError:
            self._statements.pop(sql, None)
            stmt = self._prepared(sql)
            rows = self.run(stmt.fetch(*params))
        names = [a.name for a in stmt.get_attributes()]
        return PgCursor(rows, _count(stmt.get_statusmsg()), names)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> PgCursor:
        """One statement for each parameter tuple."""
        args = [tuple(p) for p in seq]
        if args:
            self.run(self._prepared(sql).executemany(args))
        return PgCursor([], len(args), ())


_CONTROL = (
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "SET",
    "CREATE",
    "DROP",
    "ALTER",
    "VACUUM",
    "LOCK",
)


def _is_control(sql: str) -> bool:
    return sql.lstrip().split(None, 1)[0].rstrip(";").upper() in _CONTROL if sql.strip() else False


def _count(status: str | None) -> int:
    """Rows changed, from a status like ``UPDATE 3`` or ``INSERT 0 1`` (-1 when none)."""
    if not status:
        return -1
    parts = status.split()
    if (
        parts[0] in ("INSERT", "UPDATE", "DELETE", "SELECT", "MERGE", "COPY")
        and parts[-1].isdigit()
    ):
        return int(parts[-1])
    return -1


# What a statement raises on a connection the server has ended or the network has dropped.
_LOST_CONNECTION = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.InterfaceError,
    ConnectionError,
)


class _NotStarted(Exception):
    """A batch whose BEGIN found the connection gone: none of its writes ran."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class _Worker:
    """Database threads: each holds one event loop and one asyncpg connection for its life."""

    def __init__(self, name: str, threads: int, connect: Callable[[], Any]) -> None:
        self._local = threading.local()
        self._connect = connect
        self._all: list[PgConnection] = []
        self._lock = threading.Lock()
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix=name)

    def connection(self) -> PgConnection:
        """This thread's connection (made on first use)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.raw.is_closed():
            loop = asyncio.new_event_loop()
            conn = PgConnection(loop, loop.run_until_complete(self._connect()))
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    async def call(self, fn: Callable[..., T], *args: Any, retry: bool = False) -> T:
        """Run ``fn`` with this thread's connection.

        A connection the server has ended (restart, failover, an administrator) is found out
        only by the next statement. ``retry`` says ``fn`` may run again on a fresh connection
        when it finds the connection gone (reads). A write batch whose BEGIN found the
        connection gone (:class:`_NotStarted`) always runs again: none of it ran.
        """
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, lambda: self._run(fn, args, retry))

    def _run(self, fn: Callable[..., T], args: tuple, retry: bool) -> T:
        try:
            return fn(self.connection(), *args)
        except _NotStarted:
            self._forget()
        except _LOST_CONNECTION:
            self._forget()
            if not retry:
                raise
        return fn(self.connection(), *args)

    def _forget(self) -> None:
        """Drop this thread's connection so the next use makes a new one."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with self._lock:
                if conn in self._all:
                    self._all.remove(conn)
            with contextlib.suppress(Exception):
                conn.raw.terminate()
            conn._loop.close()

    def close(self) -> None:
        def close_all() -> None:
            with self._lock:
                conns, self._all = self._all, []
            for conn in conns:
                with contextlib.suppress(Exception):
                    conn.run(conn.raw.close(timeout=5))
                conn._loop.close()

        # each connection is closed on a pool thread (its loop is only ever driven there)
        self.pool.shutdown(wait=True)
        close_all()


class PostgresDatabase(Database):
    """The bot's PostgreSQL database."""

    dialect = "postgresql"
    # Writes per transaction at most (None: all that are queued). 1 is one transaction per
    # write, the reference make bench compares group commit with through this same path.
    batch_limit: int | None = None

    def __init__(self, url: str, password: str | None) -> None:
        self.path = url
        self._url = url
        self._password = password
        self._writer = _Worker("peerbot-pg-writer", WRITERS, self._connect)
        self._readers = _Worker("peerbot-pg-reader", READERS, self._connect)
        self._queue: list[tuple[Callable[[Any], Any], asyncio.Future]] = []
        self._flushing: set[asyncio.Task] = set()
        self._closed = False

    async def _connect(self) -> asyncpg.Connection:
        conn = await asyncpg.connect(
            self._url,
            password=self._password,
            statement_cache_size=0,
            timeout=30,
            # a bot process frozen mid-transaction (stopped, swapped out) would hold its row
            # locks for ever; the server ends such a session after a minute
            server_settings={"idle_in_transaction_session_timeout": "60s"},
        )
        # SUM and AVG give numeric; as floats they mix with Python numbers as on SQLite
        await conn.set_type_codec(
            "numeric", encoder=str, decoder=float, schema="pg_catalog", format="text"
        )
        return conn

    @classmethod
    async def open_url(
        cls,
        url: str,
        *,
        migrations_dir: Path = MIGRATIONS_DIR,
        migrate: bool = True,
        password: str | None = None,
    ) -> PostgresDatabase:
        """Connect, check the version and owner, apply pending migrations (once, under a lock)."""
        db = cls(url, password)
        shown = _without_password(url)
        try:
            await db._writer.call(_prepare_schema, load_migrations(migrations_dir), migrate, shown)
        except DatabaseRefused:
            await db._ashutdown()
            raise
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
            await db._ashutdown()
            raise DatabaseRefused(f"cannot use {shown}: {err}") from err
        except BaseException:
            await db._ashutdown()
            raise
        return db

    async def version(self) -> int:
        return await self.read(_stored_version)

    async def read(self, fn: Callable[[Any], T]) -> T:
        try:
            return await self._readers.call(fn, retry=True)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as err:
            raise StorageError(_describe(err)) from err

    async def write(self, fn: Callable[[Any], T], *, background: bool = False) -> T:
        if self._closed:
            raise StorageError("the database is closed")
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._queue.append((fn, future))
        if len(self._flushing) < WRITERS:
            task = asyncio.create_task(self._flush())
            self._flushing.add(task)
        return await future

    async def _flush(self) -> None:
        """Run what is queued, batch after batch, on one writer connection at a time."""
        try:
            await self._flush_queue()
        finally:  # at once, not in a done callback: a write arriving next must start a flush
            self._flushing.discard(asyncio.current_task())

    async def _flush_queue(self) -> None:
        while self._queue:
            cut = len(self._queue) if self.batch_limit is None else self.batch_limit
            batch, self._queue = self._queue[:cut], self._queue[cut:]
            fns = [fn for fn, _ in batch]
            try:
                outcomes = await self._writer.call(_run_batch, fns)
            except Exception as err:  # the batch could not run at all (connection lost)
                outcomes = [(False, StorageError(_describe(err)))] * len(batch)
            for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    async def tables(self) -> list[str]:
        def find(conn: PgConnection) -> list[str]:
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename <> 'peerbot_schema' ORDER BY tablename"
                ).fetchall()
            ]
            refs = [
                (r[0], r[1])
                for r in conn.execute(
                    "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text "
                    "FROM pg_constraint c WHERE c.contype = 'f'"
                ).fetchall()
            ]
            return parents_first(names, refs)

        return await self.read(find)

    async def columns(self, table: str) -> list[str]:
        rows = await self.fetchall(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [r[0] for r in rows]

    async def settle(self) -> None:
        while self._flushing:
            await asyncio.wait(set(self._flushing))

    async def close(self) -> None:
        if self._closed:
            return
        await self.settle()
        self._closed = True
        await self._ashutdown()

    async def _ashutdown(self) -> None:
        # off the bot's loop: each connection is closed by running its own thread's loop
        await asyncio.get_running_loop().run_in_executor(None, self._shutdown)

    def _shutdown(self) -> None:
        self._writer.close()
        self._readers.close()


def _without_password(url: str) -> str:
    """The URL as shown in messages (a password in it is never printed)."""
    scheme, _, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if at and ":" in userinfo:
        userinfo = userinfo.split(":", 1)[0] + ":***"
    return f"{scheme}://{userinfo}{at}{host}"


def _stored_version(conn: PgConnection) -> int:
    row = conn.execute("SELECT version FROM peerbot_schema").fetchone()
    return int(row[0]) if row else 0


def _prepare_schema(
    conn: PgConnection, migrations: list[Migration], migrate: bool, shown: str
) -> None:
    """Refuse a database that is not ours or is newer; apply pending migrations, once."""
    conn.execute(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
    try:
        marked = conn.execute(
            "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename = 'peerbot_schema'"
        ).fetchone()
        current = 0
        if marked:
            row = conn.execute("SELECT version, application FROM peerbot_schema").fetchone()
            if row is None or row[1] != APPLICATION:
                raise DatabaseRefused(f"{shown} is a database of another program")
            current = int(row[0])
        elif conn.execute(
            "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'S', 'p') LIMIT 1"
        ).fetchone():
            raise DatabaseRefused(
                f"{shown} is a database of another program (it has tables but no peerbot "
                "schema marker; peerbot will not touch it)"
            )
        known = migrations[-1].version if migrations else 0
        if current > known:
            raise DatabaseRefused(
                f"{shown} was written by a newer peerbot (schema {current}, this version knows "
                f"up to {known}). Upgrade peerbot, or restore a backup made by this version."
            )
        if not migrate:
            return
        for migration in migrations:
            if migration.version <= current:
                continue
            log.info("applying migration %04d_%s", migration.version, migration.name)
            conn.execute("BEGIN")
            try:
                conn.run(conn.raw.execute(migration_sql(migration.sql, "postgresql")))
                if current == 0:
                    conn.execute(
                        "CREATE TABLE peerbot_schema (application TEXT NOT NULL, version BIGINT NOT NULL)"
                    )
                    conn.execute(
                        "INSERT INTO peerbot_schema (application, version) VALUES (?, ?)",
                        (APPLICATION, migration.version),
                    )
                else:
                    conn.execute("UPDATE peerbot_schema SET version = ?", (migration.version,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            current = migration.version
    finally:
        conn.execute(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")


def _run_batch(conn: PgConnection, fns: list[Callable[[Any], Any]]) -> list[tuple[bool, Any]]:
    """Writes in one transaction and one COMMIT; one failing write spoils none of the others.

    Almost every batch succeeds whole, so the writes first run without a savepoint each; when
    one fails the batch is rolled back and run again with each write in its own savepoint.
    A connection found gone at BEGIN raises :class:`_NotStarted`: nothing ran, so the worker
    runs the batch again on a new connection.
    """
    try:
        conn.execute(BEGIN_WRITE)
    except _LOST_CONNECTION as err:
        raise _NotStarted(err) from err
    try:
        values = [fn(conn) for fn in fns]
    except Exception as err:
        conn.execute("ROLLBACK")
        if len(fns) == 1:
            return [(False, _wrapped(err))]
        return _run_in_savepoints(conn, fns)
    except BaseException:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        raise
    failure = _commit(conn)
    return [(True, v) for v in values] if failure is None else [failure] * len(fns)


def _run_in_savepoints(
    conn: PgConnection, fns: list[Callable[[Any], Any]]
) -> list[tuple[bool, Any]]:
    conn.execute(BEGIN_WRITE)
    outcomes: list[tuple[bool, Any]] = []
    for fn in fns:
        conn.execute("SAVEPOINT w")
        try:
            outcomes.append((True, fn(conn)))
            conn.execute("RELEASE w")
        except Exception as err:
            conn.execute("ROLLBACK TO w")
            conn.execute("RELEASE w")
            outcomes.append((False, _wrapped(err)))
    failure = _commit(conn)
    return outcomes if failure is None else [failure] * len(fns)


def _commit(conn: PgConnection) -> tuple[bool, StorageError] | None:
    try:
        conn.execute("COMMIT")
    except (asyncpg.PostgresError, asyncpg.InterfaceError) as err:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        return (False, StorageError(_describe(err)))
    return None


def _wrapped(err: Exception) -> Exception:
    if isinstance(err, asyncpg.PostgresError | asyncpg.InterfaceError):
        return StorageError(_describe(err))
    return err
