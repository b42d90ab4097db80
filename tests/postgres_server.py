"""A throwaway PostgreSQL server for the test suite, and a fresh database per test.

The server is the machine's PostgreSQL 15 (``/usr/lib/postgresql/15/bin``), started on a free
port in a temporary directory (about a second) and stopped at the end of the session. initdb
refuses to run as root, so as root the server runs as the ``postgres`` account. Each test gets
its own database, copied from a migrated template (CREATE DATABASE … TEMPLATE is fast).

``PEERBOT_TEST_BACKEND=postgresql`` runs every test that opens a database on PostgreSQL (see
tests/conftest.py); tests about SQLite files themselves are marked ``sqlite_only``.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import asyncpg

BIN = Path(os.environ.get("PEERBOT_PG_BIN", "/usr/lib/postgresql/15/bin"))
TEMPLATE = "peerbot_template"
BACKEND = os.environ.get("PEERBOT_TEST_BACKEND", "sqlite").strip().lower() or "sqlite"


def _as_server_user() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_sync(coro):
    """Run a coroutine to completion from synchronous code, whatever loop is running here."""
    result: list = []

    def target() -> None:
        result.append(asyncio.run(coro))

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if not result:
        raise RuntimeError("the PostgreSQL helper failed (see the log above)")
    return result[0]


class PostgresServer:
    """One server for the session; ``url(name)`` and fresh databases from the template."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="peerbot-pg-"))
        self.port = _free_port()
        self._names = itertools.count(1)
        self.created: list[str] = []
        self.recycled: list[str] = []  # migrated databases made clean again, ready for a test
        self.lent: list[str] = []  # databases from `recycled` (or like them) in use by a test
        self.template_tables: list[str] = []

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.dir.chmod(0o700)
        data = self.dir / "data"
        user = _as_server_user()
        subprocess.run(
            [*user, str(BIN / "initdb"), "-D", str(data), "-U", "peerbot", "--auth=trust",
             "-E", "UTF8", "--no-sync"],
            check=True, capture_output=True,
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        subprocess.run(
            [*user, str(BIN / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "log"), "-w",
             "-t", "30", "-o", options, "start"],
            check=True, capture_output=True,
        )  # fmt: skip
        run_sync(self._make_template())

    def stop(self) -> None:
        subprocess.run(
            [*_as_server_user(), str(BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m",
             "immediate", "-w", "stop"],
            capture_output=True,
        )  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, name: str) -> str:
        return f"postgresql://peerbot@127.0.0.1:{self.port}/{name}"

    async def _admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.url("postgres"))

    async def _make_template(self) -> None:
        from storage.db import Database

        admin = await self._admin()
        try:
            await admin.execute(f"CREATE DATABASE {TEMPLATE}")
        finally:
            await admin.close()
        db = await Database.open(self.url(TEMPLATE))
        try:
            self.template_tables = [*await db.tables(), "peerbot_schema"]
        finally:
            await db.close()

    async def create(self, *, empty: bool = False, key: str | None = None) -> str:
        """A new database (migrated unless `empty`); returns its URL. It is dropped at the end
        of the test."""
        name = f"t{next(self._names)}_" + hashlib.sha1((key or "").encode()).hexdigest()[:8]
        admin = await self._admin()
        try:
            template = "template0" if empty else TEMPLATE
            await admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        finally:
            await admin.close()
        self.created.append(name)
        return self.url(name)

    async def lend(self) -> str:
        """A migrated database holding no rows, for one test (made clean again afterwards).

        CREATE DATABASE takes about a second on a busy 2-core machine; emptying a used one
        takes a few milliseconds, so a test suite of hundreds of tests reuses a few."""
        if self.recycled:
            name = self.recycled.pop()
        else:
            name = f"pool{next(self._names)}"
            admin = await self._admin()
            try:
                await admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
            finally:
                await admin.close()
        self.lent.append(name)
        return self.url(name)

    async def _recycle(self, name: str) -> bool:
        """Empty a lent database as the template left it (ids from 1 again); False if the test
        changed it beyond that (then it is dropped)."""
        from storage.db import schema_version

        admin = await self._admin()
        try:  # a bot the test did not stop still holds connections
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid()",
                name,
            )
        finally:
            await admin.close()
        conn = await asyncpg.connect(self.url(name))
        try:
            version = await conn.fetchval("SELECT version FROM peerbot_schema")
            tables = [
                r[0]
                for r in await conn.fetch(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                )
            ]
            if version != schema_version() or not set(self.template_tables) <= set(tables):
                return False
            script = ["SET session_replication_role = replica;"]
            script += [
                f'DROP TABLE "{t}" CASCADE;' for t in tables if t not in self.template_tables
            ]
            script += [f'DELETE FROM "{t}";' for t in self.template_tables if t != "peerbot_schema"]
            script.append(
                "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
                "FROM pg_sequences WHERE schemaname = 'public';"
            )
            await conn.execute("\n".join(script))
            return True
        except asyncpg.PostgresError:
            return False
        finally:
            await conn.close()

    async def _give_back(self) -> None:
        lent, self.lent = self.lent, []
        spoiled = []
        for name in lent:
            if await self._recycle(name):
                self.recycled.append(name)
            else:
                spoiled.append(name)
        await self.drop(spoiled)

    def create_sync(self, *, empty: bool = False) -> str:
        return run_sync(self.create(empty=empty))

    async def drop(self, names: list[str]) -> None:
        if not names:
            return
        admin = await self._admin()
        try:
            for name in names:
                await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await admin.close()

    def drop_created(self) -> None:
        """After a test: drop the databases it created, make the ones it was lent clean."""
        names, self.created = self.created, []
        if names:
            run_sync(self.drop(names))
        if self.lent:
            run_sync(self._give_back())


_shared: PostgresServer | None = None
_long_lived: dict[str, str] = {}


def shared_server() -> PostgresServer:
    """The session's server, started on first use (tests/conftest.py stops it at the end)."""
    global _shared
    if _shared is None:
        server = PostgresServer()
        server.start()
        _shared = server
    return _shared


def stop_shared_server() -> None:
    if _shared is not None:
        _shared.stop()


def long_lived(path: str | Path) -> str | None:
    """The PostgreSQL URL :func:`database_for` gave for `path`, if any."""
    return _long_lived.get(str(path))


def database_for(path: str | Path) -> str:
    """What ``bot.database`` should say for a database a test module keeps at `path` (a bot
    in a subprocess, a module-wide bot): the path itself on SQLite; on PostgreSQL a database
    made for that path, the same one each time, kept until the server stops. A PostgreSQL URL
    (a database the test made itself and reads back) is that database, as it is."""
    from storage.db import is_postgres

    if BACKEND != "postgresql" or is_postgres(path):
        return str(path)
    key = str(path)
    if key not in _long_lived:
        _long_lived[key] = shared_server().create_sync()
        shared_server().created.remove(_long_lived[key].rsplit("/", 1)[1])  # not per test
    return _long_lived[key]


def query(database: str | Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of one query (``?`` placeholders) on a test database, SQLite file or PostgreSQL."""
    target = long_lived(database) or str(database)
    if target.startswith("postgresql://"):
        from storage.backends.postgres import to_dollar

        async def fetch() -> list[tuple]:
            conn = await asyncpg.connect(target)
            try:
                return [tuple(r) for r in await conn.fetch(to_dollar(sql), *params)]
            finally:
                await conn.close()

        return run_sync(fetch())
    import sqlite3

    with sqlite3.connect(target) as conn:
        return conn.execute(sql, params).fetchall()


def table_names(database: str | Path) -> list[str]:
    """The tables of a test database, SQLite file or PostgreSQL."""
    target = long_lived(database) or str(database)
    if target.startswith("postgresql://"):
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    return [r[0] for r in query(target, sql)]
