"""Benchmark: slash commands through the loopback Discord API and the real `peerbot run` process.

Members run ``/checkin`` at a steady 100 per second for 10 seconds (open loop, 20 members). The
figure is the time from the interaction's dispatch on the gateway to the bot's first callback
(``POST interactions/{id}/{token}/callback``) arriving at the server: what decides whether a
member sees "the application did not respond". Budget: p99 < 250 ms.

Reference, in the same run and at the same rate: ``/about``, which takes the same path (gateway,
discord.py, adapter, dispatcher, REST callback) but does no database work, so the ratio shows
what check-ins add on this machine, however noisy.

Run with ``python -m benchmarks.discord_e2e`` from the repository root (about 35 s).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from tests.discord_e2e.conftest import GENERAL, BotProcess, write_config
from tests.discord_loopback import FakeMember, FakeUser, InteractionRecord, LoopbackDiscord

RATE = 100  # interactions offered per second
SECONDS = 10
MEMBERS = 20
WARM_UP = 40
BUDGET_P99_MS = 250.0
CASE = "discord-e2e"


def _server() -> LoopbackDiscord:
    server = LoopbackDiscord()
    guild = next(iter(server.guilds.values()))
    for i in range(MEMBERS):
        user = FakeUser(3000 + i, f"member{i}")
        if guild.member(user.id) is None:
            guild.members.append(FakeMember(user))
    return server


def _members() -> list[FakeUser]:
    return [FakeUser(3000 + i, f"member{i}") for i in range(MEMBERS)]


async def _offer(server: LoopbackDiscord, name: str, options: dict, count: int, rate: float):
    """Offer `count` interactions at `rate` per second; (sent wall times, records)."""
    members = _members()
    guild_id = next(iter(server.guilds))
    sent: list[float] = []
    records: list[InteractionRecord] = []
    interval = 1 / rate
    started = time.perf_counter()
    for n in range(count):
        delay = started + n * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sent.append(time.time())
        records.append(await server.invoke(guild_id, GENERAL, members[n % MEMBERS], name, options))
    return sent, records


async def _latencies(server: LoopbackDiscord, sent: list[float], records: list[InteractionRecord]):
    """Milliseconds from dispatch to the first callback; missing answers are counted apart."""
    await server.wait_until(
        lambda: all(r.responses or r.rejected for r in records), 30, "every answer"
    )
    first: dict[str, float] = {}
    for call in server.calls_to("POST", r"^interactions/\d+/[^/]+/callback$"):
        first.setdefault(call.path.split("/")[1], call.time)
    values = [
        (first[str(r.id)] - t) * 1000
        for t, r in zip(sent, records, strict=True)
        if str(r.id) in first
    ]
    return values, len(records) - len(values)


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _row(figure: str, value: float, unit: str, **extra: object) -> dict:
    return {"case": CASE, "figure": figure, "value": round(value, 2), "unit": unit,
            "reference": extra.get("reference"), "ratio": extra.get("ratio"),
            "budget": extra.get("budget")}  # fmt: skip


async def _run() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        async with _server() as server:
            config = write_config(directory / "peerbot.toml", server, directory / "peerbot.db")
            text = config.read_text().replace(
                "commands_per_minute = 1000", "commands_per_minute = 10000"
            )
            config.write_text(text.replace('log_level = "INFO"', 'log_level = "WARNING"'))
            proc = BotProcess(config, directory / "peerbot.log")
            await proc.start()
            try:
                count = RATE * SECONDS
                await _offer(server, "about", {}, WARM_UP, RATE)
                await _offer(server, "checkin", {"mood": 3}, WARM_UP, RATE)
                about = await _latencies(server, *await _offer(server, "about", {}, count, RATE))
                checkin_sent = await _offer(
                    server, "checkin", {"mood": 4, "cravings": 1}, count, RATE
                )
                checkin = await _latencies(server, *checkin_sent)
            finally:
                await proc.stop()
    about_p99, checkin_p99 = _pct(about[0], 99), _pct(checkin[0], 99)
    reference = f"/about p99 {about_p99:.1f} ms"
    return [
        _row(f"/checkin {RATE}/s latency p50", _pct(checkin[0], 50), "ms"),
        _row(
            f"/checkin {RATE}/s latency p99",
            checkin_p99,
            "ms",
            reference=reference,
            ratio=round(checkin_p99 / about_p99, 2) if about_p99 else None,
            budget=f"< {BUDGET_P99_MS:.0f} ms",
        ),
        _row(f"/checkin {RATE}/s unanswered", checkin[1], "interactions", budget="0"),
        _row(f"/about {RATE}/s latency p50", _pct(about[0], 50), "ms"),
        _row(f"/about {RATE}/s latency p99", about_p99, "ms"),
    ]


def run() -> list[dict]:
    """Run the benchmark; one row per figure."""
    return asyncio.run(_run())


if __name__ == "__main__":
    for result in run():
        print(result)
