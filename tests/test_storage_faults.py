"""Storage faults: disk full, read-only, locked, deleted underneath. The member is told their
action was not saved, the bot keeps answering, nothing is reported as saved that was not, and
it recovers when the fault is gone."""

from __future__ import annotations

import logging
import os
import re
import sqlite3

import pytest

from storage.backup import backup
from tests.harness import ConsoleCommunity

# SQLite's own faults (a full file, PRAGMA query_only, a lock held by another program, the file
# deleted underneath): PostgreSQL's are in tests/test_postgres.py.
pytestmark = pytest.mark.sqlite_only

NOT_SAVED = "I couldn't save that just now, so nothing was recorded"


async def counters(community) -> list[str]:
    rows = await community.bot.db.fetchall("SELECT name FROM milestone_counters ORDER BY name")
    return [r[0] for r in rows]


async def test_disk_full(tmp_path):
    community = await ConsoleCommunity.create(
        tmp_path, config={"limits": {"commands_per_minute": 1000}}
    )
    try:
        await check_disk_full(community)
    finally:
        await community.stop()


async def check_disk_full(community):
    db = community.bot.db
    await community.say("/milestone set 2026-01-01 name:alcohol")
    pages = (await db.fetchone("PRAGMA page_count"))[0]
    await db.configure(f"PRAGMA max_page_count = {pages}")
    out = ""
    for _ in range(60):  # fill the file until it would have to grow (a reset a minute)
        await community.say(":clock +1m")
        out = await community.text("/milestone reset name:alcohol note:" + "x" * 480)
        if NOT_SAVED in out:
            break
    assert NOT_SAVED in out
    runs_before = (await db.fetchone("SELECT COUNT(*) FROM milestone_runs"))[0]
    await community.say(":clock +1m")
    out = await community.text("/milestone reset name:alcohol note:" + "y" * 480, "/help")
    assert NOT_SAVED in out and "saved" not in out.split(NOT_SAVED)[0]
    assert "Here's what I can do" in out  # still answering what it can
    assert (await db.fetchone("SELECT COUNT(*) FROM milestone_runs"))[0] == runs_before
    assert (await db.fetchone("PRAGMA integrity_check"))[0] == "ok"
    await db.configure("PRAGMA max_page_count = 1073741823")
    out = await community.text("/milestone set 2026-02-01 name:nicotine")
    assert NOT_SAVED not in out and "nicotine" in await counters(community)


async def test_read_only(community):
    db = community.bot.db
    await db.configure("PRAGMA query_only = 1")
    out = await community.text("/milestone set 2026-01-01")
    assert NOT_SAVED in out and await counters(community) == []
    assert "peerbot" in await community.text("/about")
    await db.configure("PRAGMA query_only = 0")
    assert NOT_SAVED not in await community.text("/milestone set 2026-01-01")
    assert await counters(community) == ["recovery"]


async def test_locked_by_another_process(community):
    other = sqlite3.connect(community.db_path, timeout=0.1, isolation_level=None)
    community.bot.db.lock_wait = 0.2
    other.execute("BEGIN EXCLUSIVE")
    try:
        out = await community.text("/milestone set 2026-01-01")
        assert NOT_SAVED in out
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert NOT_SAVED not in await community.text("/milestone set 2026-01-01")
    assert await counters(community) == ["recovery"]


async def test_deleted_underneath_then_restored(community, tmp_path):
    await community.say("/milestone set 2026-01-01 name:alcohol")
    spare = tmp_path / "spare.db"
    backup(community.db_path, spare)
    os.remove(community.db_path)
    out = await community.text("/milestone set 2026-03-01 name:gambling")
    assert NOT_SAVED in out
    os.replace(spare, community.db_path)  # the operator restores the backup
    out = await community.text("/milestone set 2026-03-01 name:gambling")
    assert NOT_SAVED not in out
    assert await counters(community) == ["alcohol", "gambling"]


async def test_a_failed_command_logs_its_path_and_error_id_never_what_was_typed(community, caplog):
    secret = "call my sister Maria on 0612345678"
    caplog.set_level(logging.DEBUG)
    await community.bot.db.configure("PRAGMA query_only = 1")
    out = await community.text(f'/safetyplan edit section:people text:"{secret}"')
    assert NOT_SAVED in out
    error_id = re.search(r"error id ([0-9a-f]{8})", out)
    assert error_id is not None, out
    assert secret not in caplog.text and "Maria" not in caplog.text
    failure = [r.getMessage() for r in caplog.records if error_id[1] in r.getMessage()]
    assert failure and "safetyplan edit" in failure[0]
    await community.bot.db.configure("PRAGMA query_only = 0")
    assert "Maria" not in await community.text("/safetyplan show")  # nothing half-saved


# --- failures at COMMIT and failures nobody expected ---------------------------------------------


async def refuse_checkins_at_commit(community) -> None:
    """Make every new check-in break a deferred foreign key: the statements succeed and only
    COMMIT fails, as a deferred constraint or a full disk at the last moment would."""
    await community.bot.db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    await community.bot.db.execute(
        "CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"
    )
    await community.bot.db.execute(
        "CREATE TRIGGER orphan AFTER INSERT ON checkins BEGIN INSERT INTO child VALUES (99); END"
    )


async def test_a_write_failing_at_commit_is_reported_as_not_saved_and_stores_nothing(community):
    await refuse_checkins_at_commit(community)
    out = await community.text("/checkin 4")
    assert NOT_SAVED in out
    assert "Thank you for checking in" not in out
    assert (await community.bot.db.fetchone("SELECT COUNT(*) FROM checkins"))[0] == 0
    assert (await community.bot.db.fetchone("SELECT COUNT(*) FROM child"))[0] == 0
    # the bot goes on saving what it can
    out = await community.text("/milestone set 2026-01-01")
    assert NOT_SAVED not in out and await counters(community) == ["recovery"]


async def test_a_batch_failing_at_commit_reports_every_write_in_it_and_stores_none(tmp_path):
    import asyncio

    from storage.db import Database, StorageError

    db = await Database.open(tmp_path / "c.db")
    try:
        await db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        await db.execute(
            "CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) "
            "DEFERRABLE INITIALLY DEFERRED)"
        )
        await db.execute("CREATE TABLE t (n INTEGER)")
        results = await asyncio.gather(
            db.execute("INSERT INTO t VALUES (1)"),
            db.execute("INSERT INTO child VALUES (99)"),  # fails only at COMMIT
            db.execute("INSERT INTO t VALUES (2)"),
            return_exceptions=True,
        )
        assert all(isinstance(r, StorageError) for r in results), results
        assert (await db.fetchone("SELECT COUNT(*) FROM t"))[0] == 0
        assert (await db.fetchone("SELECT COUNT(*) FROM child"))[0] == 0
        assert await db.execute("INSERT INTO t VALUES (3)") == 1  # and the next one is saved
    finally:
        await db.close()


async def test_a_batch_that_fails_unexpectedly_leaves_the_connection_usable(community, monkeypatch):
    """Something nobody planned for breaks a batch while its transaction is open: that batch is
    reported as not saved, and the next command is saved as usual."""
    import storage.backends.sqlite_batch

    real_commit = storage.backends.sqlite_batch._commit
    failures = iter([RuntimeError("unexpected")])

    def commit_once_broken(conn):
        for failure in failures:
            raise failure
        return real_commit(conn)

    await community.say("/milestone show")  # the member is on record: the next write is theirs
    monkeypatch.setattr(storage.backends.sqlite_batch, "_commit", commit_once_broken)
    out = await community.text("/milestone set 2026-01-01 name:alcohol")
    assert NOT_SAVED in out
    assert await counters(community) == []
    out = await community.text("/milestone set 2026-01-01 name:nicotine")
    assert NOT_SAVED not in out
    assert await counters(community) == ["nicotine"]
