"""Several peerbot processes on one PostgreSQL database: due work is claimed once, posted at most
once, and nothing acknowledged is lost, while workers are SIGKILLed at random.

Each worker (tests/due_worker.py) is the real bot — every cog, the real scheduler and storage —
with the console platform and a manual clock, walking two days of check-in reminders for 1,500
members (3,000 items), or a day on which 400 members reach a milestone. The transcript of every
worker is the record of what was claimed (``CLAIM`` after the claim's COMMIT) and what was posted
(``(private) user: …``). The milestone test runs on SQLite too (two processes on one file).
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
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall
from pathlib import Path

import asyncpg
import pytest

from bot.timeutil import local_date
from cogs.checkins.daily import first_due
from cogs.milestones.ladder import DEFAULT_LADDER
from cogs.milestones.sweep import plan
from cogs.milestones.timing import run_start
from storage.checkins import CheckinStore
from storage.db import Database, MemberKey
from storage.milestones import MilestoneStore
from tests.conftest import postgres
from tests.postgres_server import BACKEND, run_sync

ROOT = Path(__file__).resolve().parents[1]
# Several processes share a database only on PostgreSQL: run once, in make test's PostgreSQL
# pass, not again in the SQLite pass.
ONLY_ON_POSTGRES_PASS = pytest.mark.skipif(
    BACKEND != "postgresql", reason="several processes: in the PostgreSQL pass"
)
pytestmark = [pytest.mark.faults]

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

    def __init__(self, url: str, start: datetime = START, target: datetime = TARGET) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.due_worker", url, start.isoformat(), target.isoformat(),
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


@ONLY_ON_POSTGRES_PASS
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


# --- milestone celebrations: two processes, one database (SQLite or PostgreSQL) ---------------

CELEBRATING = 400
MILESTONE_START = datetime(2030, 1, 1, tzinfo=UTC)
MILESTONE_TARGET = MILESTONE_START + timedelta(days=1)


async def _seed_milestones(database: str) -> None:
    """400 members whose counters reach 7 days on MILESTONE_START's day, 20 at each of 20
    instants (a run began 2029-12-25 at HH:MM): many fall due at once."""
    db = await Database.open(database)
    try:
        store = MilestoneStore(db)
        at = MILESTONE_START - timedelta(hours=1)
        for i in range(CELEBRATING):
            start = run_start(date(2029, 12, 25), wall(i % 20, 30), "UTC")
            schedule = plan(DEFAULT_LADDER, start, "UTC", at)
            key = MemberKey("console", "console", f"m{i:03d}")
            await store.create(key, "recovery", "private", start, schedule, at, limit=10)
    finally:
        await db.close()


def test_each_milestone_is_told_once_by_two_processes_one_killed(tmp_path):
    """Two workers walk the day, one is SIGKILLed and replaced: every member is told of their
    milestone once, none twice; only a celebration the killed worker had claimed just before it
    died may be missed (a counter it claimed but did not tell is told by another)."""
    database = postgres().create_sync() if BACKEND == "postgresql" else str(tmp_path / "m.db")
    run_sync(_seed_milestones(database))

    def worker() -> Worker:
        return Worker(database, MILESTONE_START, MILESTONE_TARGET)

    workers = [worker(), worker()]
    victim = _telling(workers, at_least=20, timeout=60)  # killed in the middle of its work
    victim.kill()
    workers.append(worker())  # a replacement starts, as a supervisor would do
    for w in workers:
        w.finish(timeout=150)

    told: Counter[str] = Counter()
    claimed_by_killed: set[str] = set()
    for w in workers:
        users = [
            line.split()[1].rstrip(":")
            for line in w.lines
            if line.startswith("(private) ") and "You've reached 7 days" in line
        ]
        told.update(users)
        if w.killed:
            claimed = {
                line.split()[2]
                for line in w.lines
                if line.startswith("CLAIM milestone_celebrations ")
            }
            claimed_by_killed |= claimed - set(users)
    assert all(w.done for w in workers if not w.killed), [w.lines[-3:] for w in workers]
    assert not victim.done
    assert not [u for u, n in told.items() if n > 1], "a member was congratulated twice"
    members = {f"m{i:03d}" for i in range(CELEBRATING)}
    assert members - set(told) <= claimed_by_killed  # missed only between a claim and a kill
    assert len(claimed_by_killed) <= 20  # one claim's batch at most
    statuses = run_sync(_statuses(database))
    assert "pending" not in statuses, "a celebration was left untold"
    print(
        f"milestones, 2 processes on {BACKEND}, 1 SIGKILL: {len(told)} of {CELEBRATING} told "
        f"once, {len(members - set(told))} missed in the crash, 0 doubled"
    )


def _told(worker: Worker) -> int:
    return sum("You've reached 7 days" in line for line in list(worker.lines))


def _telling(workers: list[Worker], at_least: int, timeout: float) -> Worker:
    """The first worker that has told `at_least` members of their milestone."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for w in workers:
            if _told(w) >= at_least and w.proc.poll() is None:
                return w
        time.sleep(0.01)
    raise AssertionError(f"no worker told {at_least} members in {timeout} s")


async def _statuses(database: str) -> list[str]:
    db = await Database.open(database)
    try:
        return [r[0] for r in await db.fetchall("SELECT status FROM milestone_celebrations")]
    finally:
        await db.close()
