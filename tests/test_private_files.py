"""Every file peerbot writes that holds member data or keys is private (0600, directories 0700),
even when the process umask would let every user of the machine read it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Config, MatrixSection
from bot.platforms.base import PlatformStartError
from bot.platforms.matrix import MatrixPlatform
from tests.harness import ConsoleCommunity

# About SQLite files themselves; PostgreSQL's side is in tests/test_postgres.py.
pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[1]
PERMISSIVE = 0o022


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """The umask most machines start with: new files -rw-r--r--, directories rwxr-xr-x."""
    previous = os.umask(PERMISSIVE)
    yield
    os.umask(previous)


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        umask=PERMISSIVE,
    )


async def test_database_its_log_and_exports_are_private_while_the_bot_runs(
    tmp_path, permissive_umask
):
    files = tmp_path / "files"
    files.mkdir(mode=0o755)  # made earlier, open to everyone
    (files / "peerbot-export.json").write_text("{}")  # an old export, -rw-r--r--
    c = await ConsoleCommunity.create(tmp_path)
    try:
        await c.say('/safetyplan edit section:people text:"my sponsor Jo"')
        out = await c.text("/mydata export")
        assert "file saved to" in out
        db = c.db_path
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            assert path.exists() and mode(path) == 0o600, f"{path.name} is {oct(mode(path))}"
        assert mode(files) == 0o700
        export = Path(out.split("(file saved to ", 1)[1].split(")", 1)[0])
        assert mode(export) == 0o600
        assert "my sponsor Jo" in export.read_text()
    finally:
        await c.stop()


async def test_a_database_left_readable_by_an_older_version_is_made_private(
    tmp_path, permissive_umask
):
    c = await ConsoleCommunity.create(tmp_path)
    await c.stop()
    os.chmod(c.db_path, 0o644)
    await c.start()
    try:
        assert mode(c.db_path) == 0o600
        assert mode(Path(f"{c.db_path}-wal")) == 0o600
    finally:
        await c.stop()


def test_console_backup_and_restore_commands_write_private_files(tmp_path):
    db = tmp_path / "live.db"
    made = cli("console", "--db", str(db), stdin="/safetyplan edit section:people text:Jo\n")
    assert made.returncode == 0, made.stderr
    assert mode(db) == 0o600
    target = tmp_path / "backups" / "b.db"
    target.parent.mkdir(mode=0o700)
    done = cli("db", "backup", str(target), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert mode(target) == 0o600 and mode(target.parent) == 0o700
    done = cli("db", "restore", str(target), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert mode(db) == 0o600
    assert mode(tmp_path / "live.db.before-restore") == 0o600
    leftovers = [p.name for p in tmp_path.iterdir() if p.is_file() and mode(p) & 0o077]
    assert leftovers == []


async def test_an_existing_matrix_store_is_made_private_before_anything_is_written(
    tmp_path, permissive_umask
):
    store = tmp_path / "store"
    store.mkdir(mode=0o755)
    (store / "session.json").write_text('{"user_id": "@other:localhost"}')  # -rw-r--r--
    platform = MatrixPlatform(
        MatrixSection(
            homeserver="http://127.0.0.1:1",  # nothing listens: start stops after the store
            user_id="@peerbot:localhost",
            password="secret",
            store_path=str(store),
        )
    )
    from bot.app import build_bot

    bot = await build_bot(Config(), database=str(tmp_path / "bot.db"))
    bot.add_platform(platform)
    try:
        with pytest.raises(PlatformStartError):
            await platform.start()
    finally:
        await bot.db.close()
    assert mode(store) == 0o700
    assert mode(store / "session.json") == 0o600
