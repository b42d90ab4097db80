"""Per-member memory is bounded: rate-limiter keys and the seen-members map expire and are
capped, so 100,000 throwaway accounts cost a bounded amount, and limits still hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.expiring import ExpiringMap
from bot.ratelimit import RateLimiter
from tests.harness import ConsoleCommunity

START = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
MEMBERS = 100_000


def test_100000_members_leave_only_the_last_minutes_keys_and_limits_still_hold():
    limiter = RateLimiter(3, timedelta(minutes=1))
    peak = 0
    for i in range(MEMBERS):  # one new member every 6 ms: 10 minutes of traffic
        assert limiter.hit(
            ("matrix", "space", f"@throwaway{i}:evil"), START + i * timedelta(milliseconds=6)
        )
        peak = max(peak, len(limiter))
    assert peak <= 10_001  # a minute's worth of members, not all 100,000
    now = START + timedelta(minutes=20)
    assert [limiter.hit("sam", now) for _ in range(4)] == [True, True, True, False]
    assert limiter.retry_after("sam", now) == timedelta(minutes=1)
    assert limiter.hit("sam", now + timedelta(minutes=1))
    assert len(limiter) == 1  # everyone else's window is over


def test_a_burst_of_100000_members_in_one_instant_is_capped():
    limiter = RateLimiter(3, timedelta(minutes=1), max_keys=1_000)
    for i in range(MEMBERS):
        limiter.hit(i, START)
    assert len(limiter) == 1_000
    assert [limiter.hit("sam", START) for _ in range(4)] == [True, True, True, False]
    seen: ExpiringMap[str] = ExpiringMap(timedelta(days=1), 1_000)
    for i in range(MEMBERS):
        seen.put(i, "name", START)
    assert len(seen) == 1_000 and seen.get(MEMBERS - 1, START) == "name"


async def test_the_core_forgets_members_a_day_after_they_last_wrote(tmp_path):
    c = await ConsoleCommunity.create(tmp_path)
    try:
        for name in ("bob", "carol", "dan"):
            await c.say(f":as {name}", "/about")
        assert len(c.bot.command_limiter) == 3 and len(c.bot._seen) == 3
        await c.say(":clock +2d", ":as erin", "/about")
        assert len(c.bot.command_limiter) == 1 and len(c.bot._seen) == 1
    finally:
        await c.stop()
