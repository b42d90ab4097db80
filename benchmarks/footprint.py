"""Benchmark: start-up time and idle memory of `peerbot run` with a large database.

The database holds 1,000 communities × 200 members of stored data (settings, check-ins over
a week, reminders, a recovery counter each). The real `peerbot run` process connects to the
loopback Discord API server from the test suite; we measure the time from process start to
"peerbot ready" and its resident memory after it has idled. The reference is the same process
started on an empty database in the same run.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMUNITIES = 1_000
MEMBERS = 200
CHECKIN_DAYS = 5


def populate(path: Path) -> int:
    """Create a migrated database and fill it; returns the number of rows written."""
    import subprocess

    subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", "--db", str(path)],
        input="",
        text=True,
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    conn = sqlite3.connect(path)
    now = datetime.now(UTC).replace(microsecond=0)
    iso = now.isoformat()
    rows = 0
    conn.execute("BEGIN")
    for c in range(COMMUNITIES):
        cid = str(100_000 + c)
        members = [("discord", cid, str(10_000_000 + c * MEMBERS + m)) for m in range(MEMBERS)]
        conn.executemany(
            "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?)",
            [(p, ci, u, f"member{u}", iso, iso) for p, ci, u in members],
        )
        conn.executemany(
            "INSERT INTO member_settings VALUES (?, ?, ?, 'timezone', 'Europe/London', ?)",
            [(p, ci, u, iso) for p, ci, u in members],
        )
        checkins = []
        days = []
        for p, ci, u in members:
            for d in range(CHECKIN_DAYS):
                day = (now.date() - timedelta(days=d)).isoformat()
                checkins.append((p, ci, u, day, iso, 1 + d % 5, d % 11, "a private note"))
                days.append((p, ci, u, day))
        conn.executemany(
            "INSERT INTO checkins (platform, community_id, user_id, local_date, created_at, mood,"
            " cravings, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            checkins,
        )
        conn.executemany(
            "INSERT INTO checkin_days (platform, community_id, user_id, local_date)"
            " VALUES (?, ?, ?, ?)",
            days,
        )
        conn.executemany(
            "INSERT INTO checkin_reminders VALUES (?, ?, ?, '20:00', ?, NULL, ?)",
            [(p, ci, u, (now + timedelta(hours=8)).isoformat(), iso) for p, ci, u in members[::4]],
        )
        rows += len(members) * (2 + 2 * CHECKIN_DAYS) + len(members[::4])
    conn.execute("COMMIT")
    conn.close()
    return rows


async def start_and_measure(db: Path, workdir: Path) -> tuple[float, float]:
    """(seconds to ready, idle RSS in MB) of `peerbot run` against the loopback Discord API."""
    sys.path.insert(0, str(ROOT))
    from tests.discord_loopback import LoopbackDiscord

    server = LoopbackDiscord()
    await server.start()
    config = workdir / f"bench-{db.stem}.toml"
    config.write_text(
        f'[bot]\ndatabase = "{db}"\nlog_level = "WARNING"\n\n'
        f'[discord]\ntoken_env = "PEERBOT_BENCH_TOKEN"\napi_base = "{server.api_base}"\n'
        f'gateway_url = "{server.gateway_url}"\n'
    )
    env = {**os.environ, "PEERBOT_BENCH_TOKEN": "test-token"}
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        "--config",
        str(config),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        while True:
            line = await asyncio.wait_for(proc.stdout.readline(), timeout=60)
            if not line:
                raise RuntimeError("peerbot run exited before it was ready")
            if b"peerbot ready" in line:
                break
        ready = time.perf_counter() - started
        await asyncio.sleep(3)  # idle
        rss_kb = 0
        for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
        return ready, rss_kb / 1024
    finally:
        proc.terminate()
        await proc.wait()
        await server.stop()


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        empty = workdir / "empty.db"
        big = workdir / "big.db"
        populate_started = time.perf_counter()
        rows = populate(big)
        populate_seconds = time.perf_counter() - populate_started
        import subprocess

        subprocess.run(
            [sys.executable, "-m", "bot.cli", "console", "--db", str(empty)],
            input="",
            text=True,
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        ref_ready, ref_rss = asyncio.run(start_and_measure(empty, workdir))
        ready, rss = asyncio.run(start_and_measure(big, workdir))
    size = f"{COMMUNITIES:,} communities × {MEMBERS} members ({rows:,} rows, built in {populate_seconds:.0f} s)"
    return [
        {
            "case": "startup",
            "figure": f"peerbot run to ready, {size}",
            "value": round(ready, 3),
            "unit": "s",
            "reference": round(ref_ready, 3),
            "ratio": round(ready / ref_ready, 2),
            "budget": "< 2 s",
        },
        {
            "case": "memory",
            "figure": f"idle RSS, {size}",
            "value": round(rss, 1),
            "unit": "MB",
            "reference": round(ref_rss, 1),
            "ratio": round(rss / ref_rss, 2),
            "budget": "< 150 MB",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
