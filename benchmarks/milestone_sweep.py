"""Benchmark: the one-per-minute milestone sweep over 100,000 counters.

Counters are created through the real cog's storage (starts spread over five years, eight
communities in different zones, some with a start time, a fifth public), on an on-disk database,
with the console platform attached (output discarded). Then, with a manual clock:

- ``sweep, nothing due``: one ``run_due`` at an instant when no milestone is due (the common
  minute). Budget: under 100 ms.
- ``sweep, busiest minute``: one ``run_due`` at the instant most counters share (a local
  midnight), claiming and celebrating every one of them. Budget: under 100 ms.
- ``next_due``: the indexed MIN query the manual clock uses. Budget: under 5 ms.

Run with ``python -m benchmarks.milestone_sweep`` from the repository root.
"""

from __future__ import annotations

import asyncio
import gc
import random
import statistics
import tempfile
import time
from collections import Counter as Tally
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import build_bot
from bot.clock import ManualClock
from bot.config import parse_config
from bot.platforms.console import ConsolePlatform
from cogs.milestones.ladder import DEFAULT_LADDER
from cogs.milestones.sweep import plan
from cogs.milestones.timing import run_start
from storage.db import MemberKey

COUNTERS = 100_000
SWEEP_BUDGET_MS = 100.0
NEXT_DUE_BUDGET_MS = 5.0
NOW = datetime(2026, 11, 2, 12, 0, 30, tzinfo=UTC)
ZONES = ("UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles",
         "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney")  # fmt: skip


async def _populate(bot, rng: random.Random) -> Tally:
    """Create the counters; returns how many counters share each next_at."""
    cog = bot.cogs["milestones"]
    for tz in ZONES:
        cid = f"bench-{tz}"
        await bot.community_settings.set("console", cid, "timezone", tz, NOW)
        await bot.community_settings.set("console", cid, "channel.milestones", "milestones", NOW)
    tally: Tally = Tally()
    today = NOW.date()
    jobs = []
    for i in range(COUNTERS):
        tz = ZONES[i % len(ZONES)]
        key = MemberKey("console", f"bench-{tz}", f"member{i // 3}")
        day = today - timedelta(days=rng.randrange(1, 5 * 365))
        at = None
        if rng.random() < 0.3:
            at = datetime.min.time().replace(hour=rng.randrange(24), minute=rng.randrange(60))
        start = run_start(day, at, tz)
        schedule = plan(DEFAULT_LADDER, start, tz, max(start.started_at, NOW))
        tally[schedule.next_at] += 1
        visibility = "public" if rng.random() < 0.2 else "private"
        jobs.append(cog.store.create(key, f"c{i % 3}", visibility, start, schedule, NOW, limit=10))
        if len(jobs) == 2000:
            await asyncio.gather(*jobs)
            jobs = []
    await asyncio.gather(*jobs)
    return tally


async def _measure() -> list[dict]:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(NOW)
        bot = await build_bot(parse_config({}, {}), clock=clock, database=str(Path(tmp) / "b.db"))
        bot.add_platform(ConsolePlatform(out=lambda line: None, files_dir=Path(tmp)))
        await bot.start(realtime=False)
        try:
            tally = await _populate(bot, rng)
            # a long-running database has its WAL checkpointed; the bulk load above has not
            await bot.db.read(lambda conn: conn.execute("PRAGMA wal_checkpoint(TRUNCATE)"))
            # nor does it carry the bulk load's objects through the collector on every sweep
            gc.collect()  # as peerbot run does once it is ready
            gc.freeze()
            sweep = bot.scheduler.source("milestones")
            idle = []
            for minute in range(5):
                clock.set(NOW + timedelta(seconds=1 + minute))
                began = time.perf_counter()
                await sweep.run_due(clock.now())
                idle.append((time.perf_counter() - began) * 1000)
            nexts = []
            for _ in range(20):
                began = time.perf_counter()
                await sweep.next_due()
                nexts.append((time.perf_counter() - began) * 1000)
            busiest, due_count = max(
                ((at, n) for at, n in tally.items() if at is not None), key=lambda item: item[1]
            )
            # everything before the busiest instant is swept first, unmeasured
            for at in sorted(a for a in tally if a is not None and a < busiest):
                clock.set(at)
                await sweep.run_due(at)
            clock.set(busiest)
            await bot.db.settle()  # the sweeps above may have started a checkpoint
            began = time.perf_counter()
            await sweep.run_due(busiest)
            busy = (time.perf_counter() - began) * 1000
        finally:
            gc.unfreeze()
            await bot.stop()
    return [
        _row(
            f"sweep, nothing due ({COUNTERS:,} counters)", statistics.median(idle), SWEEP_BUDGET_MS
        ),
        _row(f"sweep, busiest minute ({due_count} due of {COUNTERS:,})", busy, SWEEP_BUDGET_MS),
        _row(f"next_due ({COUNTERS:,} counters)", statistics.median(nexts), NEXT_DUE_BUDGET_MS),
    ]


def _row(figure: str, ms: float, budget: float) -> dict:
    return {
        "case": "milestone_sweep",
        "figure": figure,
        "value": round(ms, 2),
        "unit": "ms",
        "reference": None,
        "ratio": round(ms / budget, 3),
        "budget": budget,
    }


def run() -> list[dict]:
    """Build the 100,000 counters and time the sweep; one row per figure."""
    return asyncio.run(_measure())


if __name__ == "__main__":
    for row in run():
        print(row)
