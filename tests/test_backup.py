"""peerbot db backup / restore, as an operator runs them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from storage.backup import BackupError, backup, restore
from storage.db import schema_version

# About SQLite files themselves; PostgreSQL's side is in tests/test_postgres.py.
pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


async def test_backup_while_running_then_restore_brings_data_back(community, tmp_path):
    await community.say("/about")  # the member is recorded
    target = tmp_path / "backup.db"
    version = backup(community.db_path, target)
    assert version == schema_version()
    await community.say("/mydata delete confirm:yes")
    await community.stop()
    restore(community.db_path, target)
    conn = sqlite3.connect(community.db_path)
    assert conn.execute("SELECT display_name FROM members").fetchone()[0] == "alice"
    conn.close()
    assert (tmp_path / "community.db.before-restore").exists()


def test_restore_refuses_what_is_not_a_peerbot_database(tmp_path):
    text = tmp_path / "x.db"
    text.write_text("hello")
    with pytest.raises(BackupError, match="not a SQLite database"):
        restore(tmp_path / "live.db", text)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(BackupError, match="not a peerbot database"):
        restore(tmp_path / "live.db", other)


def test_restore_refuses_a_newer_version_and_the_cli_says_so(tmp_path):
    db = tmp_path / "live.db"
    assert cli("console", "--db", str(db)).returncode == 0
    assert cli("db", "backup", str(tmp_path / "b.db"), "--db", str(db)).returncode == 0
    conn = sqlite3.connect(tmp_path / "b.db")
    conn.execute(f"PRAGMA user_version = {schema_version() + 1}")
    conn.commit()
    conn.close()
    result = cli("db", "restore", str(tmp_path / "b.db"), "--db", str(db))
    assert result.returncode == 1 and "newer peerbot" in result.stderr
    again = cli("db", "backup", str(tmp_path / "b.db"), "--db", str(db))
    assert again.returncode == 1 and "already exists" in again.stderr


@pytest.mark.parametrize("verb", ["db", "crisis"])
def test_a_tool_without_its_verb_shows_usage_and_fails(verb):
    result = cli(verb)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "usage: peerbot " + verb in result.stderr


def test_restore_says_truthfully_what_happened_to_the_previous_file(tmp_path):
    db = tmp_path / "live.db"
    assert cli("console", "--db", str(db)).returncode == 0
    assert cli("db", "backup", str(tmp_path / "b.db"), "--db", str(db)).returncode == 0
    fresh = cli("db", "restore", str(tmp_path / "b.db"), "--db", str(tmp_path / "new.db"))
    assert fresh.returncode == 0
    assert "before-restore" not in fresh.stdout and "there was no file" in fresh.stdout
    assert not (tmp_path / "new.db.before-restore").exists()
    first = cli("db", "restore", str(tmp_path / "b.db"), "--db", str(db))
    assert f"the previous file is kept as {db}.before-restore" in first.stdout
    # a second restore keeps the file it replaces too, under a new name
    second = cli("db", "restore", str(tmp_path / "b.db"), "--db", str(db))
    assert f"the previous file is kept as {db}.before-restore.2" in second.stdout
    assert (tmp_path / "live.db.before-restore.2").exists()
