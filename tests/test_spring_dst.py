"""Daily reminders and the daily check-in post across the spring change (America/New_York, 2027-03-14
02:00 → 03:00): each comes at 20:00 local on both sides, never an hour late or early."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.harness import ConsoleCommunity

START = datetime(2027, 3, 12, 12, 0, tzinfo=UTC)
# 20:00 EST = 01:00 UTC the next day (before 2027-03-14); 20:00 EDT = 00:00 UTC (from then).
TWENTY_LOCAL = [
    (date(2027, 3, 12), datetime(2027, 3, 13, 1, 0, tzinfo=UTC)),
    (date(2027, 3, 13), datetime(2027, 3, 14, 1, 0, tzinfo=UTC)),
    (date(2027, 3, 14), datetime(2027, 3, 15, 0, 0, tzinfo=UTC)),
    (date(2027, 3, 15), datetime(2027, 3, 16, 0, 0, tzinfo=UTC)),
    (date(2027, 3, 16), datetime(2027, 3, 17, 0, 0, tzinfo=UTC)),
]


@pytest.fixture
async def new_york(tmp_path):
    """A community in New York, two days before the clocks go forward."""
    c = await ConsoleCommunity.create(
        tmp_path, start=START, config={"bot": {"timezone": "America/New_York"}}
    )
    yield c
    await c.stop()


async def exactly_at_twenty_local(c: ConsoleCommunity, seen) -> None:
    """From one 20:00 to a minute before the next nothing comes; at 20:00 exactly one."""
    for local_day, at in TWENTY_LOCAL:
        before = at - timedelta(minutes=1)
        assert seen(await c.say(f":clock {before.isoformat()}")) == 0, f"early on {local_day}"
        assert seen(await c.say(f":clock {at.isoformat()}")) == 1, f"not at 20:00 on {local_day}"


async def test_a_reminder_comes_at_20_local_across_the_spring_change(new_york):
    out = await new_york.text("/timezone set zone:America/New_York", "/checkin remind time:20:00")
    assert "20:00 (America/New_York)" in out

    def nudges(lines: list[str]) -> int:
        return sum(1 for line in lines if line.startswith("(private) alice: A gentle nudge"))

    await exactly_at_twenty_local(new_york, nudges)


async def test_the_daily_post_comes_at_20_local_across_the_spring_change(new_york):
    await new_york.say(
        ":role alice moderator",
        "/community channel purpose:checkins channel:#checkins",
        "/checkin post 20:00",
    )

    def posts(lines: list[str]) -> int:
        return sum(1 for line in lines if line.startswith("#checkins: Daily check-in"))

    await exactly_at_twenty_local(new_york, posts)
