"""Several peerbot processes on one PostgreSQL database: due work is claimed once, posted at most
once, and nothing acknowledged is lost, while workers are SIGKILLed at random.

Each worker (tests/due_worker.py) is the real bot — every cog, the real scheduler and storage —
with the console platform and a manual clock, walking two days of check-in reminders for 1,500
members (3,000 items). The transcript of every worker is the record of what was claimed
(``CLAIM`` after the claim's COMMIT) and what was posted (``(private) user: …``).
"""

from __future__ import annotations

import asyncio
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as wall
from pathlib import Path

import asyncpg
import pytest

from bot.timeutil import local_date
from cogs.checkins.daily import first_due
from storage.checkins import CheckinStore
from storage.db import Database, MemberKey
from tests.postgres_server import BACKEND, run_sync

ROOT = Path(__file__).resolve().parents[1]
# Several processes share a database only on PostgreSQL: run once, in make test's PostgreSQL
# pass, not again in the SQLite pass.
ONLY_ON_POSTGRES_PASS = pytest.mark.skipif(
    BACKEND != "postgresql", reason="several processes: in the PostgreSQL pass"
)
pytestmark = [pytest.mark.faults, ONLY_ON_POSTGRES_PASS]

MEMBERS = 1500
START = datetime(2030, 1, 1, tzinfo=UTC)
DAYS = 2
TARGET = START + timedelta(days=DAYS)
STEP_MINUTES = 60
KILLS = 3


def _remind_time(i: int) -> wall:
    """48 reminder times a day, half an hour apart, so many members fall due together."""
    slot = i % 48
    return wall(slot // 2, 30 * (slot % 2))


async def _seed(url: str) -> None:
    db = await Database.open(url)
    try:
        store = CheckinStore(db)
        await asyncio.gather(
            *(
                store.set_reminder(
                    MemberKey("console", "console", f"u{i:04d}"),
                    _remind_time(i),
                    first_due(START, _remind_time(i), "UTC"),
                    START,
                )
                for i in range(MEMBERS)
            )
        )
    finally:
        await db.close()


def _expected() -> set[tuple[str, str]]:
    """Every (member, local day) reminder due by TARGET."""
    items = set()
    for i in range(MEMBERS):
        at = first_due(START, _remind_time(i), "UTC")
        while at <= TARGET:
            items.add((f"u{i:04d}", local_date(at, "UTC").isoformat()))
            at += timedelta(days=1)
    return items


class Worker:
    """One worker process and everything it printed."""

    def __init__(self, url: str) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.due_worker", url, START.isoformat(), TARGET.isoformat(),
             str(STEP_MINUTES)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
        )  # fmt: skip
        self.killed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.killed = True

    def finish(self, timeout: float) -> None:
        self.proc.wait(timeout=timeout)
        self._reader.join(timeout=10)

    @property
    def done(self) -> bool:
        return bool(self.lines) and self.lines[-1] == "DONE"

    def record(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(claims acknowledged, posts made) as (member, day); a post belongs to the latest
        claim of that member in this worker."""
        claims: list[tuple[str, str]] = []
        posts: list[tuple[str, str]] = []
        latest: dict[str, str] = {}
        for line in self.lines:
            if line.startswith("CLAIM checkin_reminders "):
                _, _, user, day = line.split()
                claims.append((user, day))
                latest[user] = day
            elif line.startswith("(private) ") and "gentle nudge" in line:
                user = line.split()[1].rstrip(":")
                posts.append((user, latest[user]))  # KeyError: a post no claim explains
        return claims, posts


def _run(url: str, processes: int, kills: int, rng: random.Random) -> list[Worker]:
    workers = [Worker(url) for _ in range(processes)]
    for _ in range(kills):
        time.sleep(rng.uniform(1.0, 3.0))
        live = [w for w in workers if w.proc.poll() is None]
        if not live:
            break
        victim = rng.choice(live)
        victim.kill()
        workers.append(Worker(url))  # a replacement starts, as a supervisor would do
    for w in workers:
        w.finish(timeout=150)
    return workers


async def _rows(url: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetch(
            "SELECT user_id, next_remind_at, last_reminded_date FROM checkin_reminders"
        )
    finally:
        await conn.close()


@pytest.mark.parametrize("processes", [2, 4])
def test_due_work_is_claimed_once_across_processes_killed_at_random(pg, processes):
    url = pg.create_sync()
    run_sync(_seed(url))
    expected = _expected()
    assert len(expected) == MEMBERS * DAYS

    workers = _run(url, processes, KILLS, random.Random(processes))

    finished = [w for w in workers if not w.killed]
    assert finished and all(w.done for w in finished), [w.lines[-3:] for w in finished]
    claims: Counter[tuple[str, str]] = Counter()
    posts: Counter[tuple[str, str]] = Counter()
    missed_in_crash = 0
    for w in workers:
        claimed, posted = w.record()
        claims.update(claimed)
        posts.update(posted)
        unposted = set(claimed) - set(posted)
        if w.killed:
            missed_in_crash += len(unposted)  # claimed, then killed before the post: missed
        else:
            assert not unposted, f"a live worker claimed {len(unposted)} items and never acted"

    assert not [k for k, n in claims.items() if n > 1], "an item was claimed twice"
    assert not [k for k, n in posts.items() if n > 1], "a member got the same reminder twice"
    assert set(posts) <= expected
    # Nothing is left unclaimed: each row moved past the target, its last day the final one.
    final_day = (TARGET - timedelta(seconds=1)).date().isoformat()
    for row in run_sync(_rows(url)):
        assert datetime.fromisoformat(row["next_remind_at"]) > TARGET
        assert row["last_reminded_date"] >= final_day
    # Every expected item was claimed and acknowledged, or claimed by a worker killed between
    # its COMMIT and printing the acknowledgement (a batch at most per kill).
    unseen = expected - set(claims)
    assert len(unseen) <= KILLS * 1000
    assert len(posts) + missed_in_crash + len(unseen) == len(expected)
    assert sum(w.killed for w in workers) == KILLS
    print(
        f"{processes} processes, {KILLS} SIGKILLs: {len(expected)} items, {len(posts)} posted "
        f"once, {missed_in_crash + len(unseen)} missed in a crash, 0 doubled"
    )
