"""Released databases keep working: every fixture in tests/fixtures/schema-NNNN.sql (a database of
schema version NNNN with rows in every table) is opened by the current code, which migrates it;
every row is still there, the schema is exactly what a new database gets, and the bot runs on it.

A release adds the fixture for its schema version with scripts/make-schema-fixture.py (see
docs/reliability.md), so each later version is tested against every earlier released one.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from storage.db import Database, schema_version
from tests.harness import ConsoleCommunity

# About SQLite files themselves; PostgreSQL's side is in tests/test_postgres.py.
pytestmark = pytest.mark.sqlite_only

FIXTURES_DIR = Path(__file__).parent / "fixtures"
FIXTURES = sorted(FIXTURES_DIR.glob("schema-*.sql"))
Rows = dict[str, tuple[list[str], list[tuple]]]


def fixture_version(path: Path) -> int:
    """The schema version a fixture's file name declares."""
    match = re.fullmatch(r"schema-(\d{4})\.sql", path.name)
    assert match, f"{path.name}: expected a name like schema-0001.sql"
    return int(match[1])


def user_tables(conn: sqlite3.Connection) -> list[str]:
    """Every table except SQLite's own."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]


def snapshot(db_path: Path, columns: dict[str, list[str]] | None = None) -> Rows:
    """Every row of every table (only the given columns of the given tables, when named)."""
    conn = sqlite3.connect(db_path)
    try:
        tables = list(columns) if columns else user_tables(conn)
        result: Rows = {}
        for table in tables:
            names = (
                columns[table]
                if columns
                else [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            )
            quoted = ", ".join(f'"{n}"' for n in names)
            result[table] = (names, conn.execute(f'SELECT {quoted} FROM "{table}"').fetchall())
        return result
    finally:
        conn.close()


def schema_shape(db_path: Path) -> dict[str, object]:
    """Tables with their columns, and index names: what migrations must agree on."""
    conn = sqlite3.connect(db_path)
    try:
        tables = {
            t: [(r[1], r[2].upper(), r[3], r[5]) for r in conn.execute(f'PRAGMA table_info("{t}")')]
            for t in user_tables(conn)
        }
        indexes = sorted(
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'"
            )
        )
        return {"tables": tables, "indexes": indexes}
    finally:
        conn.close()


def load_fixture(fixture: Path, db_path: Path) -> None:
    """Recreate the database a fixture was dumped from."""
    conn = sqlite3.connect(db_path)
    try:
        conn.executescript(fixture.read_text(encoding="utf-8"))
    finally:
        conn.close()


def test_fixtures_exist_for_schema_1_and_the_current_schema():
    versions = {fixture_version(f) for f in FIXTURES}
    assert 1 in versions
    assert schema_version() in versions, (
        f"no fixture for schema {schema_version()}: run "
        ".venv/bin/python scripts/make-schema-fixture.py and commit tests/fixtures/"
    )
    assert max(versions) <= schema_version(), "a fixture is newer than the migrations"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
async def test_a_saved_database_migrates_without_losing_a_row(fixture, tmp_path):
    old = tmp_path / "old.db"
    load_fixture(fixture, old)
    before = snapshot(old)
    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == fixture_version(fixture)
    assert all(rows for _, rows in before.values()), "a fixture must have rows in every table"

    db = await Database.open(old)
    try:
        assert await db.version() == schema_version()
        assert (await db.fetchone("PRAGMA integrity_check"))[0] == "ok"
        assert await db.fetchall("PRAGMA foreign_key_check") == []
    finally:
        await db.close()

    after = snapshot(old, {table: names for table, (names, _) in before.items()})
    for table, (_, rows) in before.items():
        missing = Counter(rows) - Counter(after[table][1])
        assert not missing, f"{table}: rows lost or changed by migrating: {list(missing)}"

    fresh = tmp_path / "fresh.db"
    await (await Database.open(fresh)).close()
    assert schema_shape(old) == schema_shape(fresh), (
        "a migrated database differs from a new one (a migration numbered below an applied one "
        "is never run on existing databases)"
    )


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
async def test_the_bot_runs_on_a_migrated_database(fixture, tmp_path):
    load_fixture(fixture, tmp_path / "community.db")  # the file the console community opens
    community = await ConsoleCommunity.create(tmp_path)
    try:
        out = await community.text("/timezone show", "/checkin 4")
        assert "Europe/London" in out  # alice's zone, saved in every fixture
        # the check-in was saved and counted (with the fixture's own days, which may be later
        # than the test's clock: a day keeps the local date it was made on)
        assert re.search(r"\d+ check-in days? in the last 14 days", out)
    finally:
        await community.stop()
