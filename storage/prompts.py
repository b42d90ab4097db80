"""Facilitators' scheduled prompts: schedules, delivery history, skipped dates, the prompt bank.

Exactly once: an occurrence is *claimed* before it is posted. The scheduler claims a due prompt
(:data:`PROMPTS`, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and moves ``next_at`` forward, and
:func:`take_occurrence` records a ``posting`` run in the same transaction, so a restart, a second
tick or another process can never post the same occurrence again; at worst a crash between
claim and post loses that one post, and the run stays visible as interrupted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from storage.community import AuditActor, record_audit
from storage.data_handlers import DataHandler, rows_as_dicts, scope_clause
from storage.db import Database, MemberKey
from storage.due import COMMUNITY_ZONE, DueTable
from storage.sql import iso

ACTIVE, PAUSED, FINISHED = "active", "paused", "finished"
BY_FACILITATOR, BY_FAILURES = "facilitator", "failures"

_COLUMNS = (
    "id, platform, community_id, created_by, text, schedule, channel_id, thread, state, "
    "paused_reason, failures, next_at, created_at"
)


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Prompt:
    """One scheduled prompt."""

    id: int
    platform: str
    community_id: str
    created_by: str | None
    text: str | None  # None: takes the next prompt from the bank
    schedule: str
    channel_id: str | None  # None: the community's prompts channel
    thread: bool
    state: str
    paused_reason: str | None
    failures: int
    next_at: datetime | None
    created_at: datetime

    @property
    def uses_bank(self) -> bool:
        """Whether each post takes the next unused prompt from the bank."""
        return self.text is None

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Prompt:
        """Build from a row read by name (a claimed due row)."""
        return cls.from_row([values[name.strip()] for name in _COLUMNS.split(",")])

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Prompt:
        """Build from a row selected with the repository's column list."""
        return cls(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            row[6],
            bool(row[7]),
            row[8],
            row[9],
            row[10],
            _dt(row[11]),
            datetime.fromisoformat(row[12]),
        )


@dataclass(frozen=True)
class PromptRun:
    """What happened to one occurrence of a prompt."""

    prompt_id: int
    due_at: datetime
    outcome: str  # posting | posted | failed | skipped | missed | rate-limited | empty-bank
    detail: str | None
    at: datetime


@dataclass(frozen=True)
class BankEntry:
    """A prompt in the community's bank."""

    id: int
    text: str
    uses: int


@dataclass(frozen=True)
class PromptClaim:
    """The result of claiming an occurrence: the run to finish, and the bank text to post."""

    run_id: int | None
    outcome: str | None
    bank_text: str | None


class PromptStore:
    """All SQL about prompts."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- facilitators' commands -------------------------------------------------------------

    async def add(
        self,
        platform: str,
        community_id: str,
        actor: AuditActor,
        text: str | None,
        schedule: str,
        channel_id: str | None,
        thread: bool,
        next_at: datetime | None,
        now: datetime,
    ) -> int:
        """Store a new active prompt (audited); returns its id."""

        def write(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "INSERT INTO prompts (platform, community_id, created_by, text, schedule, "
                "channel_id, thread, state, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                (
                    platform,
                    community_id,
                    actor.id,
                    text,
                    schedule,
                    channel_id,
                    int(thread),
                    ACTIVE if next_at else FINISHED,
                    iso(next_at) if next_at else None,
                    iso(now),
                ),
            )
            pid = int(cursor.fetchone()[0])
            record_audit(conn, platform, community_id, actor, f"prompt #{pid}", None, schedule, now)
            return pid

        return await self.db.write(write)

    async def get(self, platform: str, community_id: str, prompt_id: int) -> Prompt | None:
        """One prompt of this community, or None."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM prompts WHERE platform = ? AND community_id = ? AND id = ?",
            (platform, community_id, prompt_id),
        )
        return Prompt.from_row(row) if row else None

    async def list(self, platform: str, community_id: str) -> list[Prompt]:
        """Every prompt of this community, oldest first."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM prompts WHERE platform = ? AND community_id = ? ORDER BY id",
            (platform, community_id),
        )
        return [Prompt.from_row(r) for r in rows]

    async def set_state(
        self,
        prompt: Prompt,
        state: str,
        next_at: datetime | None,
        actor: AuditActor,
        now: datetime,
        reason: str | None = None,
    ) -> None:
        """Pause, resume or finish a prompt (audited). Resuming clears the failure count."""

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE prompts SET state = ?, paused_reason = ?, next_at = ?, failures = "
                "CASE WHEN ? = 'active' THEN 0 ELSE failures END WHERE id = ?",
                (state, reason, iso(next_at) if next_at else None, state, prompt.id),
            )
            record_audit(
                conn,
                prompt.platform,
                prompt.community_id,
                actor,
                f"prompt #{prompt.id}",
                prompt.state,
                state,
                now,
            )

        await self.db.write(write)

    async def delete(self, prompt: Prompt, actor: AuditActor, now: datetime) -> None:
        """Delete a prompt with its history and skipped dates (audited)."""

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM prompts WHERE id = ?", (prompt.id,))
            record_audit(
                conn,
                prompt.platform,
                prompt.community_id,
                actor,
                f"prompt #{prompt.id}",
                prompt.schedule,
                "deleted",
                now,
            )

        await self.db.write(write)

    async def add_skip(self, prompt_id: int, day: date) -> bool:
        """Skip the prompt's posts on a local date; False when it was already skipped."""

        def write(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "INSERT INTO prompt_skips (prompt_id, day) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (prompt_id, day.isoformat()),
            )
            return cursor.rowcount == 1

        return await self.db.write(write)

    async def skips(self, prompt_id: int) -> set[date]:
        """The local dates on which the prompt does not post."""
        rows = await self.db.fetchall(
            "SELECT day FROM prompt_skips WHERE prompt_id = ?", (prompt_id,)
        )
        return {date.fromisoformat(r[0]) for r in rows}

    async def runs(
        self, prompt_id: int, *, limit: int = 3, posted: bool | None = None
    ) -> list[PromptRun]:
        """The newest runs of a prompt (only posted ones, only the others, or all)."""
        condition = {None: "", True: " AND outcome = 'posted'", False: " AND outcome <> 'posted'"}
        rows = await self.db.fetchall(
            "SELECT prompt_id, due_at, outcome, detail, at FROM prompt_runs WHERE prompt_id = ?"
            f"{condition[posted]} ORDER BY due_at DESC, id DESC LIMIT ?",
            (prompt_id, limit),
        )
        return [
            PromptRun(r[0], datetime.fromisoformat(r[1]), r[2], r[3], datetime.fromisoformat(r[4]))
            for r in rows
        ]

    # --- due work: PROMPTS below, claimed by the scheduler ------------------------------------

    async def delivered(self, prompt_id: int, run_id: int, message_id: str, now: datetime) -> None:
        """A claimed post went out: record it and clear the failure count."""

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE prompt_runs SET outcome = 'posted', message_id = ?, at = ? WHERE id = ?",
                (message_id, iso(now), run_id),
            )
            conn.execute("UPDATE prompts SET failures = 0 WHERE id = ?", (prompt_id,))

        await self.db.write(write)

    async def undelivered(
        self, prompt_id: int, run_id: int, detail: str, now: datetime, pause_after: int
    ) -> tuple[int, bool]:
        """A claimed post could not be delivered. Returns (consecutive failures, paused now)."""

        def write(conn: sqlite3.Connection) -> tuple[int, bool]:
            conn.execute(
                "UPDATE prompt_runs SET outcome = 'failed', detail = ?, at = ? WHERE id = ?",
                (detail, iso(now), run_id),
            )
            conn.execute("UPDATE prompts SET failures = failures + 1 WHERE id = ?", (prompt_id,))
            failures = conn.execute(
                "SELECT failures FROM prompts WHERE id = ?", (prompt_id,)
            ).fetchone()
            count = int(failures[0]) if failures else 0
            if count < pause_after:
                return count, False
            paused = conn.execute(
                "UPDATE prompts SET state = 'paused', paused_reason = ?, next_at = NULL "
                "WHERE id = ? AND state = 'active'",
                (BY_FAILURES, prompt_id),
            ).rowcount
            return count, paused == 1

        return await self.db.write(write)

    # --- the bank ----------------------------------------------------------------------------

    async def bank_add(
        self, platform: str, community_id: str, actor_id: str, text: str, now: datetime
    ) -> tuple[int, bool]:
        """Add a prompt to the community's bank; returns its id and whether it is new (the same
        text already in the bank is kept once). A new one is used before any repeat."""

        def write(conn: sqlite3.Connection) -> tuple[int, bool]:
            # A new entry joins the current round: it is used before anything repeats.
            low = conn.execute(
                "SELECT MIN(uses) FROM prompt_bank WHERE platform = ? AND community_id = ?",
                (platform, community_id),
            ).fetchone()[0]
            # The unique index (migration 0022), not a look first: two processes adding the
            # same prompt at once would both find it missing.
            row = conn.execute(
                "INSERT INTO prompt_bank (platform, community_id, created_by, text, uses, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                (platform, community_id, actor_id, text, low or 0, iso(now)),
            ).fetchone()
            if row is not None:
                return int(row[0]), True
            kept = conn.execute(
                "SELECT id FROM prompt_bank WHERE platform = ? AND community_id = ? AND text = ?",
                (platform, community_id, text),
            ).fetchone()
            return int(kept[0]), False

        return await self.db.write(write)

    async def bank(self, platform: str, community_id: str) -> list[BankEntry]:
        """The bank in rotation order: the next one to post first."""
        rows = await self.db.fetchall(
            "SELECT id, text, uses FROM prompt_bank WHERE platform = ? AND community_id = ? "
            "ORDER BY uses, id",
            (platform, community_id),
        )
        return [BankEntry(r[0], r[1], r[2]) for r in rows]

    async def bank_delete(self, platform: str, community_id: str, entry_id: int) -> bool:
        """Remove a bank prompt; False when there is none with that id here."""
        return (
            await self.db.execute(
                "DELETE FROM prompt_bank WHERE platform = ? AND community_id = ? AND id = ?",
                (platform, community_id, entry_id),
            )
            == 1
        )


# Active prompts by their next post, with the community's zone (None: the configured default).
PROMPTS = DueTable(
    "prompts",
    at="next_at",
    key=("id",),
    columns={"zone": COMMUNITY_ZONE},
    where="t.state = 'active'",
)


@dataclass(frozen=True)
class Occurrence:
    """What the claim of a due prompt records (decided from its schedule alone): the
    ``missed`` occurrences, and the one to post (``due``, on local date ``day``) if any."""

    missed: Sequence[datetime]
    missed_detail: str
    due: datetime | None
    day: date | None
    detail: str | None
    hourly_limit: int


def take_occurrence(
    conn: sqlite3.Connection, prompt: Prompt, occurrence: Occurrence, now: datetime
) -> PromptClaim:
    """Record what happens to a claimed occurrence, inside the claiming transaction (the prompt
    has just been moved on): ``missed`` runs as one run; the due one is ``skipped`` (a
    facilitator's skip date), ``rate-limited`` (the community's hourly limit), ``empty-bank``,
    or ``posting`` (with the bank prompt it takes)."""
    if occurrence.missed:
        _add_run(conn, prompt.id, occurrence.missed[0], "missed", occurrence.missed_detail, now)
    if occurrence.due is None:
        return PromptClaim(None, None, None)
    result, bank_text = "posting", None
    if (
        occurrence.day is not None
        and conn.execute(
            "SELECT 1 FROM prompt_skips WHERE prompt_id = ? AND day = ?",
            (prompt.id, occurrence.day.isoformat()),
        ).fetchone()
    ):
        result = "skipped"
    elif _posts_since(conn, prompt, now - timedelta(hours=1)) >= occurrence.hourly_limit:
        result = "rate-limited"
    elif prompt.uses_bank:
        entry = _take_from_bank(conn, prompt.platform, prompt.community_id)
        if entry is None:
            result = "empty-bank"
        else:
            bank_text = entry.text
    detail = occurrence.detail if result in ("posting", "empty-bank") else None
    run_id = _add_run(conn, prompt.id, occurrence.due, result, detail, now)
    return PromptClaim(run_id if result == "posting" else None, result, bank_text)


def _posts_since(conn: sqlite3.Connection, prompt: Prompt, since: datetime) -> int:
    """How many prompts the prompt's community posted (or is posting) since `since`."""
    row = conn.execute(
        "SELECT COUNT(*) FROM prompt_runs r JOIN prompts p ON p.id = r.prompt_id "
        "WHERE p.platform = ? AND p.community_id = ? AND r.outcome IN ('posted', 'posting') "
        "AND r.at > ?",
        (prompt.platform, prompt.community_id, iso(since)),
    ).fetchone()
    return int(row[0]) if row else 0


def _add_run(
    conn: sqlite3.Connection,
    prompt_id: int,
    due: datetime,
    outcome: str,
    detail: str | None,
    now: datetime,
) -> int:
    cursor = conn.execute(
        "INSERT INTO prompt_runs (prompt_id, due_at, outcome, detail, at) VALUES (?, ?, ?, ?, ?) "
        "RETURNING id",
        (prompt_id, iso(due), outcome, detail, iso(now)),
    )
    return int(cursor.fetchone()[0])


def _take_from_bank(conn: sqlite3.Connection, platform: str, community_id: str) -> BankEntry | None:
    """The least used bank prompt (oldest first), marked used: no repeats until all were used.

    Marked with a compare-and-set on its use count: another process may take the same entry
    between the read and the update (PostgreSQL re-checks ``uses = ?`` once that process
    commits, and the update then changes nothing), so read again and take the next one."""
    while True:
        row = conn.execute(
            "SELECT id, text, uses FROM prompt_bank WHERE platform = ? AND community_id = ? "
            "ORDER BY uses, id LIMIT 1",
            (platform, community_id),
        ).fetchone()
        if row is None:
            return None
        taken = conn.execute(
            "UPDATE prompt_bank SET uses = uses + 1 WHERE id = ? AND uses = ?", (row[0], row[2])
        ).rowcount
        if taken == 1:
            return BankEntry(row[0], row[1], row[2] + 1)


def reschedule_community(
    conn: sqlite3.Connection,
    platform: str,
    community_id: str,
    next_for: Callable[[str], datetime | None],
) -> int:
    """Recompute next_at of every active prompt of a community (its timezone changed), inside
    an open transaction. `next_for(schedule)` gives the next post; returns how many moved."""
    rows = conn.execute(
        "SELECT id, schedule FROM prompts WHERE platform = ? AND community_id = ? AND state = 'active'",
        (platform, community_id),
    ).fetchall()
    for pid, schedule in rows:
        following = next_for(schedule)
        conn.execute(
            "UPDATE prompts SET next_at = ?, state = ? WHERE id = ?",
            (iso(following) if following else None, ACTIVE if following else FINISHED, pid),
        )
    return len(rows)


def prompts_privacy_handler() -> DataHandler:
    """Export the prompts and bank entries a member wrote; on deletion keep them as community
    content but remove their author."""
    tables = ("prompts", "prompt_bank")

    def export(conn: sqlite3.Connection, key: MemberKey) -> dict[str, Any]:
        clause, params = scope_clause(key, "created_by")
        out: dict[str, Any] = {}
        for table in tables:
            cursor = conn.execute(f"SELECT * FROM {table} WHERE {clause} ORDER BY id", params)
            rows = rows_as_dicts(cursor, drop=("platform", "created_by"))
            if rows:
                out[table] = rows
        return out

    def delete(conn: sqlite3.Connection, key: MemberKey) -> int:
        clause, params = scope_clause(key, "created_by")
        return sum(
            conn.execute(f"UPDATE {table} SET created_by = NULL WHERE {clause}", params).rowcount
            for table in tables
        )

    return DataHandler("prompts", tables, export, delete)
