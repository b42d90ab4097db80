"""Benchmark: PostgreSQL and several processes (issue 20), on a throwaway server that this
benchmark starts itself (the test suite's helper, tests/postgres_server.py: fsync and
synchronous_commit off, as in the tests).

- ``check-ins``: 8 members checking in at once through the full core of one process (parse →
  validate → store → reply) on PostgreSQL, in alternating rounds of the same run: writes
  group-committed (the default), and the same core and storage path with one transaction per
  check-in (``PostgresDatabase.batch_limit = 1``); and the statements a check-in runs on the
  writer, each a round trip (a figure the machine's load does not move).
- ``due claims, N processes``: N processes (1, 2, 4) claim 40,000 due check-in reminders
  through ``storage.due.claim`` (the declared source's claim: ``FOR UPDATE SKIP LOCKED`` and the
  move in one transaction, 200 rows a batch) until none is left; per-process rate and total.
  Every row must be claimed exactly once.

**This machine has 2 cores shared with the PostgreSQL server** (and other work): several
processes cannot go faster here, so the figures per process are the ones to compare; more
processes help only on more cores or machines.

Run with ``python -m benchmarks.postgres_scaling`` from the repository root.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from benchmarks.checkin_core import MEMBERS, ROUNDS, _BenchPlatform, _checkin
from bot.app import build_bot
from bot.clock import ManualClock
from bot.config import parse_config
from storage.checkins import REMINDERS
from storage.db import Database
from storage.due import Move, claim
from tests.postgres_server import PostgresServer

ROOT = Path(__file__).resolve().parents[1]
PER_MEMBER = 200  # check-ins per member and round
DUE_ROWS = 40_000
BATCH = 200
NOW = datetime(2030, 1, 1, tzinfo=UTC)


async def _core_rate(bot) -> float:
    async def member(m: int) -> None:
        for n in range(PER_MEMBER):
            await _checkin(bot, m, n)

    started = time.perf_counter()
    await asyncio.gather(*(member(m) for m in range(MEMBERS)))
    return MEMBERS * PER_MEMBER / (time.perf_counter() - started)


async def _statements_per_checkin(bot) -> float:
    """Statements a check-in runs on the writer (BEGIN and COMMIT, shared by a batch, aside):
    each is a round trip to the server, and unlike the rates this does not vary with the load."""
    count = 0
    write = bot.db.write

    class Counting:
        def __init__(self, conn) -> None:
            self._conn = conn

        def execute(self, sql, params=()):
            nonlocal count
            count += 1
            return self._conn.execute(sql, params)

        def __getattr__(self, name):
            return getattr(self._conn, name)

    async def counted(fn, **options):
        return await write(lambda conn: fn(Counting(conn)), **options)

    bot.db.write = counted
    try:
        for n in range(PER_MEMBER):
            await _checkin(bot, 0, n)
    finally:
        del bot.db.write
    return count / PER_MEMBER


async def _checkins(url: str) -> list[dict]:
    config = parse_config({"limits": {"commands_per_minute": 1_000_000_000}}, {})
    bot = await build_bot(config, clock=ManualClock(datetime(2026, 11, 2, 12, tzinfo=UTC)),
                          database=url)  # fmt: skip
    bot.add_platform(_BenchPlatform())
    await bot.start(realtime=False)
    group, single = [], []
    try:
        await _core_rate(bot)  # warm-up
        statements = await _statements_per_checkin(bot)
        for _ in range(ROUNDS):
            bot.db.batch_limit = 1
            single.append(await _core_rate(bot))
            bot.db.batch_limit = None
            group.append(await _core_rate(bot))
    finally:
        await bot.stop()
    ratio = statistics.median(g / s for g, s in zip(group, single, strict=True))
    reference = f"1 txn/check-in {statistics.median(single):,.0f}/s"
    return [
        _row("PostgreSQL: core, 1 transaction per check-in, 8 members", "throughput",
             statistics.median(single), "check-ins/s/process"),
        _row("PostgreSQL: core, group commit, 8 members", "throughput",
             statistics.median(group), "check-ins/s/process", reference, ratio),
        _row("PostgreSQL: core, writer statements per check-in (BEGIN/COMMIT aside)",
             "round trips", statements, "statements/check-in"),
    ]  # fmt: skip


async def _seed(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DELETE FROM checkin_reminders")
        stamp = NOW.isoformat()
        await conn.copy_records_to_table(
            "checkin_reminders",
            records=[
                ("bench", f"c{i % 20}", f"u{i:06d}", "09:00", stamp, None, stamp)
                for i in range(DUE_ROWS)
            ],
            columns=["platform", "community_id", "user_id", "remind_time", "next_remind_at",
                     "last_reminded_date", "updated_at"],
        )  # fmt: skip
        await conn.execute("ANALYZE checkin_reminders")
    finally:
        await conn.close()


async def _worker(url: str, start_at: float) -> None:
    """One claiming process: claim batches until nothing is due; print what it did."""
    db = await Database.open(url)
    later = Move(NOW + timedelta(days=1))
    claimed: list[str] = []
    try:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        started = time.perf_counter()
        while True:
            got = await claim(db, REMINDERS, "bench", NOW, lambda row, now: later, BATCH)
            claimed += [c.row.values.get("user_id", c.row.key[-1]) for c in got]
            if not got:
                break
        elapsed = time.perf_counter() - started
    finally:
        await db.close()
    print(json.dumps({"claims": len(claimed), "seconds": elapsed, "ids": claimed}))


def _claims(url: str, processes: int) -> list[dict]:
    asyncio.run(_seed(url))
    start_at = time.time() + 3.0  # every process has started and connected by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "benchmarks.postgres_scaling", "worker", url, str(start_at)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(processes)
    ]
    results = [json.loads(p.communicate(timeout=600)[0].strip().splitlines()[-1]) for p in procs]
    ids = [i for r in results for i in r["ids"]]
    if len(ids) != DUE_ROWS or len(set(ids)) != DUE_ROWS:
        raise RuntimeError(f"{len(ids)} claims of {len(set(ids))} rows: expected {DUE_ROWS} once")
    wall = max(r["seconds"] for r in results)
    per_process = statistics.mean(r["claims"] / r["seconds"] for r in results)
    name = f"PostgreSQL: due claims, {processes} process{'es' if processes > 1 else ''}"
    return [
        _row(name, "per process", per_process, "claims/s/process"),
        _row(name, "all processes", DUE_ROWS / wall, "claims/s", "each row once"),
    ]


def _row(case, figure, value, unit, reference=None, ratio=None, budget=None) -> dict:
    return {"case": case, "figure": figure, "value": round(value, 1), "unit": unit,
            "reference": reference, "ratio": None if ratio is None else round(ratio, 2),
            "budget": budget}  # fmt: skip


def run() -> list[dict]:
    """Start a throwaway PostgreSQL, run both cases, stop it; one row per figure."""
    server = PostgresServer()
    server.start()
    try:
        rows = asyncio.run(_checkins(server.create_sync()))
        url = server.create_sync()
        for processes in (1, 2, 4):
            rows += _claims(url, processes)
        return rows
    finally:
        server.stop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        asyncio.run(_worker(sys.argv[2], float(sys.argv[3])))
    else:
        for result in run():
            print(result)
