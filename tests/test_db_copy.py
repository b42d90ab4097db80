"""`peerbot db copy` between SQLite and PostgreSQL (both directions) and `db backup` on
PostgreSQL: a community's rows arrive whole, the counts are checked, the bot carries on there.

These open their own SQLite files and PostgreSQL databases, so they run once (in the SQLite
pass of the suite) whatever PEERBOT_TEST_BACKEND says.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from bot.cli import main
from storage.db import Database
from tests.harness import ConsoleCommunity

pytestmark = pytest.mark.sqlite_only


async def cli(argv: list[str]) -> int:
    """`peerbot ARGV` (it runs its own event loop, so on a thread of its own)."""
    return await asyncio.to_thread(main, argv)


async def _community_on_sqlite(tmp_path: Path) -> ConsoleCommunity:
    community = await ConsoleCommunity.create(tmp_path)
    await community.say(
        '/checkin 4 note:"a quiet day"',
        "/milestone set 2026-01-01 name:alcohol",
        ":as bob",
        "/checkin 2",
        "/partner join alcohol",
        ":as alice",
        "/crisis plan add reasons:my dog",
    )
    await community.stop()
    return community


async def _contents(target: str) -> dict[str, list[tuple]]:
    db = await Database.open(target, migrate=False)
    try:
        out = {}
        for table in await db.tables():
            rows = await db.fetchall(f"SELECT * FROM {table}")
            out[table] = sorted(tuple("" if v is None else str(v) for v in r) for r in rows)
        return out
    finally:
        await db.close()


async def test_a_community_copied_to_postgresql_and_back_keeps_every_row(tmp_path, pg, capsys):
    community = await _community_on_sqlite(tmp_path)
    before = await _contents(str(community.db_path))
    assert sum(map(len, before.values())) > 5

    url = await pg.create(empty=True)
    assert await cli(["db", "copy", str(community.db_path), url]) == 0
    assert "every count matches" in capsys.readouterr().out
    assert await _contents(url) == before

    back = tmp_path / "back" / "community.db"
    back.parent.mkdir()
    assert await cli(["db", "copy", url, str(back)]) == 0
    assert await _contents(str(back)) == before

    # the bot carries on on the copy: new rows get new ids after the copied ones
    again = await ConsoleCommunity.create(back.parent)
    try:
        out = await again.text('/checkin 3 note:"after the move"')
        assert "Today already counts" in out  # it knows the check-in made before the moves
    finally:
        await again.stop()
    db = await Database.open(url)
    try:
        await db.execute(
            "INSERT INTO checkins (platform, community_id, user_id, local_date, created_at, mood) "
            "VALUES ('console', 'c', 'u', '2026-11-03', '2026-11-03T00:00:00+00:00', 3)"
        )
        ids = [r[0] for r in await db.fetchall("SELECT id FROM checkins ORDER BY id")]
        assert len(ids) == len(set(ids)) == len(before["checkins"]) + 1
    finally:
        await db.close()


async def test_a_target_that_holds_rows_is_refused_unless_replace(tmp_path, pg, capsys):
    community = await _community_on_sqlite(tmp_path)
    url = await pg.create(empty=True)
    assert await cli(["db", "copy", str(community.db_path), url]) == 0
    capsys.readouterr()
    assert await cli(["db", "copy", str(community.db_path), url]) == 1
    assert "already holds rows" in capsys.readouterr().err
    assert await cli(["db", "copy", str(community.db_path), url, "--replace"]) == 0
    assert await _contents(url) == await _contents(str(community.db_path))


async def test_backup_and_restore_of_a_postgresql_database(tmp_path, pg, capsys):
    community = await _community_on_sqlite(tmp_path)
    url = await pg.create(empty=True)
    assert await cli(["db", "copy", str(community.db_path), url]) == 0
    before = await _contents(url)
    dump = tmp_path / "peerbot.dump"
    assert await cli(["db", "backup", str(dump), "--db", url]) == 0
    assert dump.stat().st_mode & 0o077 == 0  # private, like the SQLite backups

    conn = await asyncpg.connect(url)
    await conn.execute("DELETE FROM checkins")
    await conn.close()
    assert await cli(["db", "restore", str(dump), "--db", url]) == 0
    assert await _contents(url) == before
    assert await cli(["db", "backup", str(dump), "--db", url]) == 1
    assert "already exists" in capsys.readouterr().err
