"""The PostgreSQL backend itself: migrations once under a lock, refusals, group commit, faults.

These run on the suite's throwaway server whatever PEERBOT_TEST_BACKEND says; the rest of the
suite runs on PostgreSQL with PEERBOT_TEST_BACKEND=postgresql (``make test`` does both).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys

import asyncpg
import pytest

from storage.backends.postgres import to_dollar
from storage.db import Database, DatabaseRefused, StorageError, load_migrations, schema_version

OPEN_ONE = """
import asyncio, logging, sys
logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
from storage.db import Database
async def main():
    db = await Database.open(sys.argv[1])
    await db.close()
asyncio.run(main())
"""


def test_placeholders_are_rewritten_outside_literals_and_comments():
    sql = "SELECT '?', \"a?\", x FROM t WHERE a = ? AND b = 'it''s ?' -- ?\n AND c = ?"
    assert to_dollar(sql) == (
        "SELECT '?', \"a?\", x FROM t WHERE a = $1 AND b = 'it''s ?' -- ?\n AND c = $2"
    )


async def test_four_processes_starting_together_apply_each_migration_once(pg):
    url = await pg.create(empty=True)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_ONE, url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=120)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outputs
    applied = [line for out in outputs for line in out.splitlines() if "applying migration" in line]
    assert len(applied) == len(load_migrations())  # each once, whoever got the lock first
    db = await Database.open(url)
    try:
        assert await db.version() == schema_version()
    finally:
        await db.close()


async def test_a_database_from_a_newer_peerbot_is_refused(pg):
    url = await pg.create()
    conn = await asyncpg.connect(url)
    await conn.execute("UPDATE peerbot_schema SET version = $1", schema_version() + 1)
    await conn.close()
    with pytest.raises(DatabaseRefused, match="newer peerbot"):
        await Database.open(url)


async def test_a_database_of_another_program_is_refused_and_left_alone(pg):
    url = await pg.create(empty=True)
    conn = await asyncpg.connect(url)
    await conn.execute("CREATE TABLE invoices (id int)")
    await conn.close()
    with pytest.raises(DatabaseRefused, match="another program"):
        await Database.open(url)
    conn = await asyncpg.connect(url)
    tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    await conn.close()
    assert [r[0] for r in tables] == ["invoices"]


async def test_a_url_with_a_wrong_password_or_server_is_refused_clearly():
    with pytest.raises(DatabaseRefused, match="cannot use postgresql://peerbot:\\*\\*\\*@"):
        await Database.open("postgresql://peerbot:secret@127.0.0.1:1/nothing")


async def test_writes_arriving_together_share_one_transaction_and_one_failure_spoils_nothing(pg):
    db = await Database.open(await pg.create())
    try:

        def put(key: str):
            def write(conn):
                conn.execute(
                    "INSERT INTO platform_state (platform, key, value) VALUES (?, ?, ?)",
                    ("p", key, "v"),
                )
                return conn.execute("SELECT txid_current()").fetchone()[0]

            return write

        results = await asyncio.gather(
            *(db.write(put(k)) for k in ["a", "b", "a", "c"]), return_exceptions=True
        )
        assert isinstance(results[2], StorageError)  # the duplicate, alone
        assert len({results[0], results[1], results[3]}) == 1  # one transaction, one COMMIT
        rows = await db.fetchall(
            "SELECT key FROM platform_state WHERE platform = ? ORDER BY key", ("p",)
        )
        assert [r["key"] for r in rows] == ["a", "b", "c"]
    finally:
        await db.close()


async def test_a_connection_the_server_ended_loses_no_write_and_no_read(pg):
    """A restart or failover ends every connection; the next check-in is still saved."""
    db = await Database.open(await pg.create())
    try:
        for key in "abcdefgh":  # every writer and reader thread holds a connection
            await asyncio.gather(
                *(
                    db.execute(
                        "INSERT INTO platform_state (platform, key, value) VALUES (?, ?, '1')",
                        (f"warm{i}", key),
                    )
                    for i in range(4)
                ),
                *(db.fetchall("SELECT key FROM platform_state") for _ in range(4)),
            )
        admin = await asyncpg.connect(pg.url("postgres"))
        name = db.path.rsplit("/", 1)[1]
        ended = await admin.fetchval(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()) t",
            name,
        )
        assert ended >= 2
        for _ in range(100):  # the server ends them a moment later
            if not await admin.fetchval(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = $1", name
            ):
                break
            await asyncio.sleep(0.05)
        await admin.close()
        await asyncio.gather(
            *(
                db.execute(
                    "INSERT INTO platform_state (platform, key, value) VALUES ('p', ?, '2')",
                    (key,),
                )
                for key in "bcdefg"
            )
        )
        for _ in range(4):  # every reader thread finds its connection gone and makes a new one
            rows = await db.fetchall(
                "SELECT key FROM platform_state WHERE platform = 'p' ORDER BY key"
            )
            assert [r[0] for r in rows] == list("bcdefg")
    finally:
        await db.close()


def test_the_config_takes_a_postgresql_url_and_its_password_from_the_environment():
    from bot.config import ConfigError, parse_config

    bot = {"database": "postgresql://peerbot@db.example.org/peerbot"}
    bot["database_password_env"] = "PEERBOT_DB_PASSWORD"
    config = parse_config({"bot": bot}, {"PEERBOT_DB_PASSWORD": "s3cret"})
    assert config.bot.database_password == "s3cret" and "s3cret" not in repr(config)
    with pytest.raises(ConfigError, match="PEERBOT_DB_PASSWORD is not set"):
        parse_config({"bot": bot}, {})
    with pytest.raises(ConfigError, match="the URL holds a password"):
        parse_config({"bot": {"database": "postgresql://peerbot:pw@db/peerbot"}}, {})
    with pytest.raises(ConfigError, match="got a mysql:// URL"):
        parse_config({"bot": {"database": "mysql://db/peerbot"}}, {})


def test_migrations_are_written_once_with_per_dialect_lines():
    from storage.db import migration_sql

    sql = (
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, x REAL);\n"
        "-- postgresql: ALTER TABLE t ALTER COLUMN n DROP NOT NULL;\n"
        "-- sqlite only {\n"
        "CREATE TABLE t_new (n INTEGER);\n"
        "-- }\n"
    )
    assert migration_sql(sql, "sqlite") == sql
    assert migration_sql(sql, "postgresql").split("\n") == [
        "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n BIGINT "
        "NOT NULL, x DOUBLE PRECISION);",
        "ALTER TABLE t ALTER COLUMN n DROP NOT NULL;",
    ]
