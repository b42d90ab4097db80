"""Benchmark: the per-minute check-in reminder sweep over 100,000 members with reminders.

The sweep is one indexed query for rows with ``next_remind_at <= now`` (joined with each
member's zone and last check-in day), the DST-correct next instant for each, one transaction
that moves them on, and one private message per member who has not checked in.

- ``quiet minute``: nobody is due (what most ticks cost).
- ``typical minute``: reminder times spread over the day (about 70 members due). Budget: 100 ms.
- ``busiest minute``: the instant most members chose (20:00 local is popular), for reference.

Run with ``python -m benchmarks.reminder_sweep`` from the repository root.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import build_bot, freeze_startup_objects
from bot.clock import ManualClock
from bot.config import parse_config
from bot.platforms.base import Platform
from bot.scheduler import DueSource
from bot.timeutil import next_daily
from storage.db import Database

MEMBERS = 100_000
COMMUNITIES = 20
POPULAR_SHARE = 0.05  # members who chose 20:00 (community time)
ZONES = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles",
         "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo", "Asia/Kolkata"]  # fmt: skip
START = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
BUDGET_MS = 100.0


class _Platform(Platform):
    """Delivers nothing: only the sweep's own cost is measured."""

    name = "bench"

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0

    async def start(self) -> None:
        """Nothing to connect to."""

    async def stop(self) -> None:
        """Nothing to disconnect."""

    async def post(self, community_id, channel_id, message, *, thread_title=None):
        return "posted"

    async def send_private(self, community_id, user_id, message):
        message.render()
        self.sent += 1
        return True


def _populate(path: Path) -> None:
    rng = random.Random(3)
    conn = sqlite3.connect(path)
    stamp = START.isoformat()
    community_zone = {f"c{i}": rng.choice(ZONES) for i in range(COMMUNITIES)}
    conn.executemany(
        "INSERT INTO community_settings VALUES ('bench', ?, 'timezone', ?, ?)",
        [(c, z, stamp) for c, z in community_zone.items()],
    )
    reminders, settings, days = [], [], []
    for n in range(MEMBERS):
        community, user = f"c{n % COMMUNITIES}", f"u{n}"
        zone = community_zone[community]
        if rng.random() < 0.3:
            zone = rng.choice(ZONES)
            settings.append(("bench", community, user, "timezone", zone, stamp))
        if rng.random() < POPULAR_SHARE:
            at = "20:00"
        else:
            minute = rng.randrange(1440)
            at = f"{minute // 60:02d}:{minute % 60:02d}"
        due = next_daily(START, datetime.strptime(at, "%H:%M").time(), zone)
        reminders.append(("bench", community, user, at, due.isoformat(), None, stamp))
        if rng.random() < 0.5:  # half of them checked in yesterday
            days.append(
                ("bench", community, user, (START - timedelta(days=1)).date().isoformat(), 0)
            )
    conn.executemany("INSERT INTO member_settings VALUES (?, ?, ?, ?, ?, ?)", settings)
    conn.executemany("INSERT INTO checkin_reminders VALUES (?, ?, ?, ?, ?, ?, ?)", reminders)
    conn.executemany("INSERT INTO checkin_days VALUES (?, ?, ?, ?, ?)", days)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


async def _sweep(reminders: DueSource, platform: _Platform, now: datetime) -> tuple[float, int]:
    """(milliseconds, messages sent) for one sweep at `now`."""
    sent = platform.sent
    started = time.perf_counter()
    await reminders.run_due(now)
    return (time.perf_counter() - started) * 1000, platform.sent - sent


async def _busiest(db: Database) -> datetime:
    row = await db.fetchone(
        "SELECT next_remind_at FROM checkin_reminders GROUP BY next_remind_at ORDER BY COUNT(*) DESC LIMIT 1"
    )
    assert row is not None
    return datetime.fromisoformat(row[0])


async def _run() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sweep.db"
        await (await Database.open(path)).close()  # schema only
        _populate(path)
        config = parse_config({}, {})
        bot = await build_bot(config, clock=ManualClock(START), database=str(path))
        platform = _Platform()
        bot.add_platform(platform)
        reminders = bot.scheduler.source("checkin-reminders")
        freeze_startup_objects()  # as `peerbot run` does once it is ready
        try:
            started = time.perf_counter()
            await reminders.next_due()
            next_due_ms = (time.perf_counter() - started) * 1000
            quiet = [(await _sweep(reminders, platform, START))[0] for _ in range(5)]
            busiest = await _busiest(bot.db)
            typical, typical_sent = [], []
            minute = START + timedelta(minutes=1)
            while minute < busiest:  # every minute of the day up to the busiest one
                ms, sent = await _sweep(reminders, platform, minute)
                typical.append(ms)
                typical_sent.append(sent)
                minute += timedelta(minutes=1)
            busy_ms, busy_sent = await _sweep(reminders, platform, busiest)
        finally:
            await bot.stop()
    return [
        _row("next due (MIN over the index)", "time", next_due_ms, "ms"),
        _row("quiet minute (nobody due)", "median", statistics.median(quiet), "ms"),
        _row(
            f"typical minute (~{statistics.mean(typical_sent):.0f} reminders sent)",
            "median",
            statistics.median(typical),
            "ms",
            BUDGET_MS,
        ),  # fmt: skip
        _row("typical minute", "p99", statistics.quantiles(typical, n=100)[98], "ms", BUDGET_MS),
        _row(f"typical minute (of {len(typical)})", "max", max(typical), "ms"),
        _row(f"busiest minute ({busy_sent} reminders sent)", "time", busy_ms, "ms"),
    ]


def _row(case: str, figure: str, value: float, unit: str, budget: float | None = None) -> dict:
    return {"case": case, "figure": figure, "value": round(value, 2), "unit": unit,
            "reference": budget, "ratio": None if budget is None else round(value / budget, 2),
            "budget": None if budget is None else f"< {budget:.0f} ms"}  # fmt: skip


def run() -> list[dict]:
    """Run the benchmark; one row per figure."""
    return asyncio.run(_run())


if __name__ == "__main__":
    for result in run():
        print(result)
