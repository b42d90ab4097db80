"""No acknowledged write is lost: check-ins streamed into the real console process, which is
killed with SIGKILL at random moments; every check-in whose confirmation was printed must be in
the database afterwards, and the database must pass its integrity check."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import postgres
from tests.postgres_server import BACKEND, run_sync

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.faults

KILL_POINTS = 5
LINES_PER_ROUND = 3000


def run_round(db: Path | str, config: Path, round_no: int, kill_after: float) -> tuple[int, int]:
    """Stream check-ins, kill the process `kill_after` seconds after its first confirmation (so
    a slow start on a loaded machine still kills it mid-stream); (sent, confirmed)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "console", "--db", str(db), "--config", str(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        bufsize=1,
        cwd=ROOT,
    )
    assert proc.stdin and proc.stdout
    confirmed = 0
    sent = 0
    first = threading.Event()

    def read() -> None:
        nonlocal confirmed
        for line in proc.stdout:
            if line.startswith("(private) alice:"):
                confirmed += 1
                first.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def write() -> None:
        nonlocal sent
        try:
            for i in range(LINES_PER_ROUND):
                proc.stdin.write(f'/checkin 4 note:"mark-{round_no}-{i}"\n')
                sent += 1
        except (BrokenPipeError, ValueError, OSError):
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    first.wait(timeout=120)
    time.sleep(kill_after)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    reader.join(timeout=30)
    return sent, confirmed


def _marked_notes(db: Path | str, round_no: int) -> set[str]:
    """The round's check-in notes in the database (checking a SQLite file's integrity first)."""
    if BACKEND == "postgresql":

        async def fetch() -> set[str]:
            conn = await asyncpg.connect(str(db))
            try:
                query = "SELECT note FROM checkins WHERE note LIKE $1"
                return {r[0] for r in await conn.fetch(query, f"mark-{round_no}-%")}
            finally:
                await conn.close()

        return run_sync(fetch())
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {
            r[0]
            for r in conn.execute(
                "SELECT note FROM checkins WHERE note LIKE ?", (f"mark-{round_no}-%",)
            )
        }
    finally:
        conn.close()


def test_sigkill_never_loses_a_confirmed_checkin(tmp_path):
    db = postgres().create_sync() if BACKEND == "postgresql" else tmp_path / "crash.db"
    config = tmp_path / "c.toml"
    config.write_text("[limits]\ncommands_per_minute = 1000000\n")
    rng = random.Random(20261122)
    total_confirmed = 0
    for round_no in range(KILL_POINTS):
        kill_after = rng.uniform(0.1, 1.5)
        _, confirmed = run_round(db, config, round_no, kill_after)
        notes = _marked_notes(db, round_no)
        # replies come in order, so the first `confirmed` check-ins were acknowledged
        missing = [i for i in range(confirmed) if f"mark-{round_no}-{i}" not in notes]
        assert not missing, f"round {round_no}: {len(missing)} confirmed check-ins lost"
        total_confirmed += confirmed
    assert total_confirmed > 0
    print(
        f"\ncrash safety: {KILL_POINTS} kill points, {total_confirmed} confirmed check-ins, lost: 0"
    )
