"""Read-then-write code stays right when two peerbot processes write to one PostgreSQL (issue 20).

SQLite has one writer at a time, so a count read and then written was never raced. On
PostgreSQL two processes run the same read at once. Each test here starts real bot processes
(tests/race_worker.py: every cog, the console platform, its own connections) on one database,
slows the read so that both are inside the window, and checks what members would notice: an SOS
past the daily limit, a member proposed twice, a proposal whose yeses were lost or that started
two partnerships, a prompt posted twice from the bank, the same prompt added to the bank twice.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from functools import partial
from pathlib import Path

import asyncpg
import pytest

from storage.backends import postgres
from storage.community import AuditActor
from storage.db import Database
from storage.prompts import Occurrence, PromptStore, take_occurrence
from tests.harness import DEFAULT_START
from tests.postgres_server import BACKEND

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="several processes: in the PostgreSQL pass"
)

WINDOW = 0.5  # seconds each worker waits after the slowed read


class Worker:
    """One bot process (tests/race_worker.py) and everything it printed."""

    def __init__(self, url: str, slow: str | None = None, window: float = WINDOW) -> None:
        args = [sys.executable, "-m", "tests.race_worker", url, DEFAULT_START.isoformat()]
        if slow:
            args += [slow, str(window)]
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.errors = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors,
            text=True, cwd=ROOT,
        )  # fmt: skip
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            if line == "READY":
                self.ready.set()
            self.lines.append(line)
        self.ready.set()

    def type(self, *lines: str) -> None:
        """Type the lines (once the bot is up) and let the worker finish."""
        assert self.ready.wait(60), "the worker did not start"
        assert self.proc.stdin
        try:
            self.proc.stdin.write("\n".join(lines) + "\n")
            self.proc.stdin.close()
        except BrokenPipeError:  # the worker died: finish() shows why
            pass

    def finish(self) -> list[str]:
        """Wait for the worker; its transcript."""
        self.proc.wait(timeout=60)
        self._reader.join(timeout=10)
        self.errors.seek(0)
        assert self.lines and self.lines[-1] == "DONE", self.errors.read()[-3000:]
        return self.lines

    def private_to(self, member: str, containing: str) -> list[str]:
        return [
            line
            for line in self.lines
            if line.startswith(f"(private) {member}: ") and containing in line
        ]


def run(url: str, *lines: str) -> Worker:
    """One process types the lines on its own (setting the scene)."""
    worker = Worker(url)
    worker.type(*lines)
    worker.finish()
    return worker


def race(url: str, slow: str, *typed: tuple[str, ...], window: float = WINDOW) -> list[Worker]:
    """Several processes type their lines at once, each slowed after the `slow` read."""
    workers = [Worker(url, slow, window) for _ in typed]
    for worker in workers:
        assert worker.ready.wait(60), "the worker did not start"
    for worker, lines in zip(workers, typed, strict=True):
        worker.type(*lines)
    for worker in workers:
        worker.finish()
    return workers


def query(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    async def fetch() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(sql, *args)
        finally:
            await conn.close()

    return asyncio.run(fetch())


JOIN = (
    ":as bob", "/timezone set Europe/London", "/partner join alcohol",
    ":as carol", "/timezone set Europe/Paris", "/partner join alcohol",
)  # fmt: skip
MATCH = (":role mod moderator", ":as mod", "/partner match")


def test_sos_from_two_processes_keeps_the_daily_limit(pg):
    """bob has one SOS left today and sends it from two processes at once: carol gets one."""
    url = pg.create_sync()
    run(url, *JOIN, *MATCH, ":as bob", "/partner accept", ":as carol", "/partner accept",
        ":as bob", "/partner sos", "/partner sos")  # fmt: skip
    workers = race(
        url,
        "FROM partner_sos",
        (":as bob", "/partner sos hard day"),
        (":as bob", "/partner sos hard day"),
        window=1.5,  # the one slowed read comes after several others: wide enough under load
    )
    sent = [line for w in workers for line in w.private_to("carol", "could use some support")]
    assert len(sent) == 1, "carol got more SOS messages than bob's daily limit"
    [row] = query(url, "SELECT sent FROM partner_sos WHERE user_id = 'bob'")
    assert row["sent"] == 3


def test_two_processes_matching_at_once_propose_each_member_once(pg):
    """The weekly round in one process and /partner match in another: one proposal each."""
    url = pg.create_sync()
    run(url, *JOIN)
    workers = race(url, "AND NOT EXISTS (SELECT 1 FROM partner_proposal_members pm", MATCH, MATCH)
    offers = [line for w in workers for line in w.private_to("carol", "possible accountability")]
    assert len(offers) == 1, "carol was proposed twice"
    pending = query(
        url,
        "SELECT m.user_id, COUNT(*) AS n FROM partner_proposal_members m JOIN partner_proposals p "
        "ON p.id = m.proposal_id WHERE p.status = 'pending' GROUP BY m.user_id",
    )
    assert {r["user_id"]: r["n"] for r in pending} == {"bob": 1, "carol": 1}


@pytest.mark.parametrize(
    "before, first, second",
    [
        ((), ":as bob", ":as carol"),  # both say yes at the same moment
        ((":as bob", "/partner accept"), ":as carol", ":as carol"),  # carol's yes arrives twice
    ],
    ids=["both-at-once", "same-yes-twice"],
)
def test_answers_in_two_processes_start_exactly_one_partnership(pg, before, first, second):
    url = pg.create_sync()
    run(url, *JOIN, *MATCH, *before)
    workers = race(
        url,
        "SELECT user_id, answer FROM partner_proposal_members WHERE proposal_id",
        (first, "/partner accept"),
        (second, "/partner accept"),
    )
    partnerships = query(url, "SELECT id FROM partnerships WHERE ended_at IS NULL")
    assert len(partnerships) == 1, f"{len(partnerships)} partnerships from one proposal"
    [proposal] = query(url, "SELECT status FROM partner_proposals")
    assert proposal["status"] == "accepted"
    welcomes = [line for w in workers for line in w.lines if "🌱 Welcome" in line]
    assert len(welcomes) == 1


def test_the_same_prompt_added_to_the_bank_from_two_processes_is_kept_once(pg):
    """A facilitator's add arrives twice (a retried interaction in two processes)."""
    url = pg.create_sync()
    add = (":role fran facilitator", ":as fran", "/prompt bank add Name one small win from today")
    workers = race(url, "FROM prompt_bank", add, add)
    rows = query(url, "SELECT id, text FROM prompt_bank")
    assert [r["text"] for r in rows] == ["Name one small win from today"]
    # Both replies name the prompt that was kept, by the number /prompt bank remove takes. On
    # PostgreSQL the losing insert may use up a sequence value, so that number need not be 1.
    kept = f"#{rows[0]['id']}"
    replies = [line for w in workers for line in w.private_to("fran", "prompt bank")]
    assert len(replies) == 2 and all(kept in line for line in replies), replies


async def test_two_processes_posting_from_the_bank_take_different_prompts(pg, monkeypatch):
    """Two bank prompts fall due together and each process claims one: each takes its own
    bank entry (before: both took the least used one, posted it twice and skipped another)."""
    url = await pg.create()
    take_sql = "ORDER BY uses, id"
    original = postgres.PgConnection.execute

    def slow_take(self, sql, params=()):
        cursor = original(self, sql, params)
        if take_sql in sql and "LIMIT" in sql:
            time.sleep(0.5)  # the window in which the other process also takes
        return cursor

    dbs = [await Database.open(url) for _ in range(2)]
    try:
        store = PromptStore(dbs[0])
        fran = AuditActor("fran", "fran")
        due = DEFAULT_START + timedelta(minutes=1)
        ids = [
            await store.add(
                "console", "console", fran, None, "daily 12:01", None, False, due, DEFAULT_START
            )  # fmt: skip
            for _ in range(2)
        ]
        for text in ("first", "second", "third"):
            await store.bank_add("console", "console", "fran", text, DEFAULT_START)
        prompts = [await store.get("console", "console", pid) for pid in ids]
        posting = Occurrence((), "", due, None, None, hourly_limit=100)
        monkeypatch.setattr(postgres.PgConnection, "execute", slow_take)
        claims = await asyncio.gather(
            *(
                db.write(partial(take_occurrence, prompt=prompt, occurrence=posting, now=due))
                for db, prompt in zip(dbs, prompts, strict=True)
            )
        )
        assert sorted(c.bank_text for c in claims) == ["first", "second"]
        bank = await store.bank("console", "console")
        assert [(e.text, e.uses) for e in bank] == [("third", 0), ("first", 1), ("second", 1)]
    finally:
        for db in dbs:
            await db.close()
