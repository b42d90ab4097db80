"""Benchmark: check-ins through the full core on an on-disk database.

- ``naive``: one aiosqlite INSERT + COMMIT per check-in (8 members, each check-in its own
  transaction) into a table made by peerbot's own migrations, so it stores the same row with
  the same indexes: the rate the core has to beat.
- ``core, 8 members``: 8 members typing ``!checkin …`` at once, closed loop, through parse →
  validate → store → reply (the real dispatcher, the checkins cog, group commit). Budget: at
  least 5,000 check-ins/s and at least 1.5× the naive rate measured in the same run; p50/p99.
- ``core, 300/s offered``: check-ins arriving at a steady 300 per second (open loop); p50/p99.

A shared machine's speed drifts by tens of percent within a minute, so naive and core run in
alternating rounds; the figures are medians over the rounds and the ratio is the median of the
per-round ratios (each compares two runs a second apart).

Run with ``python -m benchmarks.checkin_core`` from the repository root.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from bot.app import build_bot, freeze_startup_objects
from bot.clock import ManualClock
from bot.config import parse_config
from bot.core import Bot
from bot.message import Message
from bot.platforms.base import Actor, CommunityRef, Invocation, Platform
from bot.spec import ChannelRef, Permission
from storage.backends.sqlite import _split_sql
from storage.db import load_migrations

MEMBERS = 8
ROUNDS = 5
PER_MEMBER = 750  # check-ins per member and round
NAIVE_TOTAL = 2_000  # naive check-ins per round
STEADY_RATE = 300
STEADY_SECONDS = 5
_NOTES = itertools.count()
COMMUNITY = CommunityRef("bench", "bench", "bench community")
CHANNEL = ChannelRef("general", "general")


class _Responder:
    """Records that a reply arrived (the end of one command's latency)."""

    def __init__(self) -> None:
        self.replies = 0

    async def reply(self, message: Message, private: bool) -> None:
        message.render()
        self.replies += 1


class _BenchPlatform(Platform):
    """A platform that delivers nothing anywhere: only the core's own cost is measured."""

    name = "bench"

    async def start(self) -> None:
        """Nothing to connect to."""

    async def stop(self) -> None:
        """Nothing to disconnect."""

    async def post(self, community_id, channel_id, message, *, thread_title=None):
        return "posted"

    async def send_private(self, community_id, user_id, message):
        return True


async def _bot(directory: Path) -> Bot:
    config = parse_config({"limits": {"commands_per_minute": 1_000_000_000}}, {})
    bot = await build_bot(config, clock=ManualClock(datetime(2026, 11, 2, 12, tzinfo=UTC)),
                          database=str(directory / "core.db"))  # fmt: skip
    bot.add_platform(_BenchPlatform())
    await bot.start(realtime=False)
    freeze_startup_objects()  # as `peerbot run` does once it is ready
    return bot


async def _checkin(bot: Bot, member: int, n: int) -> float:
    """One check-in through the dispatcher; returns its latency in seconds."""
    responder = _Responder()
    actor = Actor(f"member{member}", f"member{member}", Permission.MEMBER)
    # every note is new, as members' notes are: nothing typed is answered from a memory
    text = f'checkin {1 + n % 5} cravings:{n % 11} note:"day {n} of {member}, {next(_NOTES)}"'
    started = time.perf_counter()
    await bot.dispatch(Invocation(COMMUNITY, CHANNEL, actor, responder, text=text))
    elapsed = time.perf_counter() - started
    if responder.replies != 1:
        raise RuntimeError("a check-in did not get exactly one reply")
    return elapsed


async def naive_database(directory: Path) -> aiosqlite.Connection:
    """An aiosqlite connection to a database with peerbot's schema, set up as peerbot sets it."""
    conn = await aiosqlite.connect(str(directory / "naive.db"))
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute("PRAGMA synchronous=NORMAL")
    for migration in load_migrations():
        for statement in _split_sql(migration.sql):
            await conn.execute(statement)
    await conn.commit()
    return conn


async def naive_rate(conn: aiosqlite.Connection) -> float:
    """Check-ins per second with one aiosqlite INSERT + COMMIT each, 8 members at once."""
    lock = asyncio.Lock()  # each check-in is its own transaction, as naive code would have it

    async def member(m: int) -> None:
        for n in range(NAIVE_TOTAL // MEMBERS):
            async with lock:
                await conn.execute(
                    "INSERT INTO checkins (platform, community_id, user_id, local_date, created_at, "
                    "mood, cravings, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    ("bench", "bench", f"member{m}", "2026-11-02", "2026-11-02T12:00:00+00:00",
                     1 + n % 5, n % 11, f"day {n}"),
                )  # fmt: skip
                await conn.commit()

    started = time.perf_counter()
    await asyncio.gather(*(member(m) for m in range(MEMBERS)))
    elapsed = time.perf_counter() - started
    return NAIVE_TOTAL / elapsed


async def core_closed_loop(bot: Bot) -> tuple[float, list[float]]:
    """(check-ins per second, latencies) with 8 members each checking in as fast as replies come."""
    latencies: list[float] = []

    async def member(m: int) -> None:
        for n in range(PER_MEMBER):
            latencies.append(await _checkin(bot, m, n))

    started = time.perf_counter()
    await asyncio.gather(*(member(m) for m in range(MEMBERS)))
    elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, latencies


async def core_steady(bot: Bot) -> tuple[float, list[float]]:
    """(achieved rate, latencies) with check-ins offered at STEADY_RATE per second."""
    total = STEADY_RATE * STEADY_SECONDS
    interval = 1 / STEADY_RATE
    tasks = []
    started = time.perf_counter()
    for n in range(total):
        delay = started + n * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_checkin(bot, 100 + n % 50, n)))
    latencies = await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    return total / elapsed, list(latencies)


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000


def _row(case, figure, value, unit, reference=None, ratio=None, budget=None) -> dict:
    return {"case": case, "figure": figure, "value": round(value, 3), "unit": unit,
            "reference": reference, "ratio": None if ratio is None else round(ratio, 2), "budget": budget}  # fmt: skip


async def _run() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        conn = await naive_database(directory)
        bot = await _bot(directory)
        naive_rates: list[float] = []
        core_rates: list[float] = []
        latencies: list[float] = []
        try:
            await naive_rate(conn)  # warm-up: imports, caches, first pages of both files
            await core_closed_loop(bot)
            for _ in range(ROUNDS):
                naive_rates.append(await naive_rate(conn))
                rate, round_latencies = await core_closed_loop(bot)
                await bot.db.settle()  # a checkpoint still running would slow the next naive round
                core_rates.append(rate)
                latencies += round_latencies
            steady_rate, steady = await core_steady(bot)
        finally:
            await bot.stop()
            await conn.close()
    naive = statistics.median(naive_rates)
    rate = statistics.median(core_rates)
    ratio = statistics.median(c / n for c, n in zip(core_rates, naive_rates, strict=True))
    reference = f"naive {naive:,.0f}/s"
    return [
        _row("naive aiosqlite insert+commit, 8 members", "throughput", naive, "check-ins/s"),
        _row(
            "core, 8 members closed loop",
            "throughput",
            rate,
            "check-ins/s",
            reference,
            ratio,
            ">= 5000/s and >= 1.5x naive",
        ),  # fmt: skip
        _row("core, 8 members closed loop", "latency p50", _pct(latencies, 50), "ms"),
        _row("core, 8 members closed loop", "latency p99", _pct(latencies, 99), "ms"),
        _row(f"core, {STEADY_RATE}/s offered", "achieved", steady_rate, "check-ins/s"),
        _row(f"core, {STEADY_RATE}/s offered", "latency p50", _pct(steady, 50), "ms"),
        _row(f"core, {STEADY_RATE}/s offered", "latency p99", _pct(steady, 99), "ms"),
    ]


def run() -> list[dict]:
    """Run the benchmark; one row per figure."""
    return asyncio.run(_run())


if __name__ == "__main__":
    for result in run():
        print(result)
