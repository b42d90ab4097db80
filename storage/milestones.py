"""Recovery counters, their runs (history) and their celebrations.

A counter has one current run; a reset closes that run (keeping its length and the member's
private note) and starts a new one. Both kinds of due work are rows claimed through
:mod:`storage.due`: :data:`COUNTERS` (``next_at``, the instant of a counter's next milestone)
and :data:`CELEBRATIONS` (``deliver_at``, when a reached milestone is to be told). A reached
milestone becomes a 'pending' celebration in the same transaction that moves ``next_at``
forward (:func:`record_reached`), so it is claimed exactly once and a restart before it is told
delivers it once instead of losing it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from storage.data_handlers import DataHandler, rows_as_dicts, scope_clause
from storage.db import Database, MemberKey
from storage.due import COMMUNITY_ZONE, DueTable
from storage.settings import set_community_setting
from storage.sql import instant, iso, key_params

VISIBILITIES = ("private", "public")


class CounterLimitReached(Exception):
    """The member already has the most counters allowed."""


class CounterChanged(Exception):
    """The counter was reset, corrected or removed meanwhile; nothing was written."""


@dataclass(frozen=True)
class RunStart:
    """Where a run begins: the member's local date, an optional local time, and the instant."""

    start_date: date
    start_time: time | None
    started_at: datetime


@dataclass(frozen=True)
class Run:
    """One attempt: from its start to the next reset (or ongoing)."""

    id: int
    counter_id: int
    start: RunStart
    ended_at: datetime | None
    length_days: int | None
    note: str | None
    reset_at: datetime | None


@dataclass(frozen=True)
class MilestoneSchedule:
    """When a counter's next milestone falls, and up to when milestones are handled."""

    zone: str
    celebrated_through: datetime
    next_at: datetime | None
    next_step: str | None


@dataclass(frozen=True)
class Counter:
    """A member's recovery counter with its current run."""

    id: int
    key: MemberKey
    name: str
    visibility: str
    schedule: MilestoneSchedule
    run: Run
    created_at: datetime


@dataclass(frozen=True)
class Celebration:
    """A milestone reached by a run."""

    id: int
    counter_id: int
    run_id: int
    step: str
    due_at: datetime
    status: str
    handled_at: datetime | None


_COUNTER_COLUMNS = (
    "c.id, c.platform, c.community_id, c.user_id, c.name, c.visibility, c.zone, "
    "c.celebrated_through, c.next_at, c.next_step, c.created_at, "
    "r.id, r.counter_id, r.start_date, r.start_time, r.started_at, r.ended_at, r.length_days, "
    "r.note, r.reset_at"
)
_COUNTER_FROM = "milestone_counters c JOIN milestone_runs r ON r.id = c.run_id"


def _run_column(name: str) -> str:
    return f"(SELECT r.{name} FROM milestone_runs r WHERE r.id = t.run_id)"


def _counter_column(name: str) -> str:
    return f"(SELECT c.{name} FROM milestone_counters c WHERE c.id = t.counter_id)"


# Counters whose next milestone has come, with what deciding needs: the current run's start, the
# member's own zone, the community's zone and ladder (``milestones.ladder``).
COUNTERS = DueTable(
    "milestone_counters",
    at="next_at",
    key=("id",),
    columns={
        "start_date": _run_column("start_date"),
        "start_time": _run_column("start_time"),
        "started_at": _run_column("started_at"),
        "member_zone": "(SELECT ms.value FROM member_settings ms WHERE ms.platform = t.platform "
        "AND ms.community_id = t.community_id AND ms.user_id = t.user_id AND ms.key = 'timezone')",
        "community_zone": COMMUNITY_ZONE,
        "ladder": "(SELECT cs.value FROM community_settings cs WHERE cs.platform = t.platform "
        "AND cs.community_id = t.community_id AND cs.key = 'milestones.ladder')",
    },
)
# Reached milestones to be told, with the counter's name, visibility and current run.
CELEBRATIONS = DueTable(
    "milestone_celebrations",
    at="deliver_at",
    key=("id",),
    columns={
        "counter_name": _counter_column("name"),
        "visibility": _counter_column("visibility"),
        "current_run": _counter_column("run_id"),
    },
)


def record_reached(
    counter_id: int, reached: Iterable[tuple[str, datetime, str]], now: datetime
) -> Callable[[sqlite3.Connection], int]:
    """The claim's history write (``Move.also``): one celebration per milestone reached (step,
    instant, 'pending' or 'missed'); a pending one is due to be told at its instant."""
    items = list(reached)

    def write(conn: sqlite3.Connection) -> int:
        for step, due_at, status in items:
            pending = status == "pending"
            conn.execute(
                "INSERT INTO milestone_celebrations (counter_id, run_id, platform, community_id, "
                "user_id, step, due_at, status, handled_at, deliver_at) "
                "SELECT id, run_id, platform, community_id, user_id, ?, ?, ?, ?, ? "
                "FROM milestone_counters WHERE id = ? ON CONFLICT (run_id, step, due_at) DO NOTHING",
                (step, iso(due_at), status, None if pending else iso(now),
                 iso(due_at) if pending else None, counter_id),
            )  # fmt: skip
        return len(items)

    return write


def _run(row: Any, at: int = 0) -> Run:
    start_time = row[at + 3]
    return Run(
        id=row[at],
        counter_id=row[at + 1],
        start=RunStart(
            date.fromisoformat(row[at + 2]),
            time.fromisoformat(start_time) if start_time else None,
            datetime.fromisoformat(row[at + 4]),
        ),
        ended_at=instant(row[at + 5]),
        length_days=row[at + 6],
        note=row[at + 7],
        reset_at=instant(row[at + 8]),
    )


def _counter(row: Any) -> Counter:
    return Counter(
        id=row[0],
        key=MemberKey(row[1], row[2], row[3]),
        name=row[4],
        visibility=row[5],
        schedule=MilestoneSchedule(row[6], datetime.fromisoformat(row[7]), instant(row[8]), row[9]),
        created_at=datetime.fromisoformat(row[10]),
        run=_run(row, 11),
    )


def _insert_run(conn: sqlite3.Connection, counter_id: int, key: MemberKey, start: RunStart) -> int:
    cursor = conn.execute(
        "INSERT INTO milestone_runs (counter_id, platform, community_id, user_id, start_date, "
        "start_time, started_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            counter_id,
            *key_params(key),
            start.start_date.isoformat(),
            start.start_time.strftime("%H:%M") if start.start_time else None,
            iso(start.started_at),
        ),
    )
    return int(cursor.fetchone()[0])


def _update_schedule(
    conn: sqlite3.Connection,
    counter_id: int,
    run_id: int,
    schedule: MilestoneSchedule,
    expected_next_at: datetime | None = None,
) -> int:
    """Store a schedule if the counter still has this run (and, when given, this next_at)."""
    sql = (
        "UPDATE milestone_counters SET zone = ?, celebrated_through = ?, next_at = ?, next_step = ? "
        "WHERE id = ? AND run_id = ?"
    )
    params: list[Any] = [
        schedule.zone,
        iso(schedule.celebrated_through),
        iso(schedule.next_at) if schedule.next_at else None,
        schedule.next_step,
        counter_id,
        run_id,
    ]
    if expected_next_at is not None:
        sql += " AND next_at = ?"
        params.append(iso(expected_next_at))
    return conn.execute(sql, params).rowcount


def _cancel_pending(conn: sqlite3.Connection, run_id: int, now: datetime) -> None:
    conn.execute(
        "UPDATE milestone_celebrations SET status = 'cancelled', handled_at = ?, deliver_at = NULL "
        "WHERE run_id = ? AND status = 'pending'",
        (iso(now), run_id),
    )


class MilestoneStore:
    """The repository behind /milestone and the milestone sweep."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- reading a member's counters ----------------------------------------------------

    async def counters(self, key: MemberKey) -> list[Counter]:
        """The member's counters in this community, oldest first."""
        rows = await self.db.fetchall(
            f"SELECT {_COUNTER_COLUMNS} FROM {_COUNTER_FROM} "
            "WHERE c.platform = ? AND c.community_id = ? AND c.user_id = ? ORDER BY c.id",
            key_params(key),
        )
        return [_counter(r) for r in rows]

    async def counter(self, key: MemberKey, name: str) -> Counter | None:
        """One counter by name (case-insensitive), or None."""
        row = await self.db.fetchone(
            f"SELECT {_COUNTER_COLUMNS} FROM {_COUNTER_FROM} WHERE c.platform = ? AND "
            "c.community_id = ? AND c.user_id = ? AND c.name_key = ?",
            (*key_params(key), name.casefold()),
        )
        return _counter(row) if row else None

    async def runs(self, counter_id: int) -> list[Run]:
        """Every run of a counter, newest first."""
        rows = await self.db.fetchall(
            "SELECT id, counter_id, start_date, start_time, started_at, ended_at, length_days, "
            "note, reset_at FROM milestone_runs WHERE counter_id = ? ORDER BY started_at DESC, id DESC",
            (counter_id,),
        )
        return [_run(r) for r in rows]

    async def celebrations(self, run_id: int, status: str | None = None) -> list[Celebration]:
        """The milestones a run reached (optionally only with one status), oldest first."""
        sql = (
            "SELECT id, counter_id, run_id, step, due_at, status, handled_at "
            "FROM milestone_celebrations WHERE run_id = ?"
        )
        params: tuple[Any, ...] = (run_id,)
        if status is not None:
            sql += " AND status = ?"
            params += (status,)
        rows = await self.db.fetchall(sql + " ORDER BY due_at, id", params)
        return [
            Celebration(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4]), r[5], instant(r[6]))
            for r in rows
        ]

    # --- a member's changes -------------------------------------------------------------

    async def create(
        self,
        key: MemberKey,
        name: str,
        visibility: str,
        start: RunStart,
        schedule: MilestoneSchedule,
        now: datetime,
        *,
        limit: int,
    ) -> int:
        """A new counter with its first run; returns its id. Raises
        :class:`CounterLimitReached` (nothing written) when the member has `limit` already."""

        def write(conn: sqlite3.Connection) -> int:
            count = conn.execute(
                "SELECT COUNT(*) FROM milestone_counters WHERE platform = ? AND community_id = ? "
                "AND user_id = ?",
                key_params(key),
            ).fetchone()[0]
            if count >= limit:
                raise CounterLimitReached()
            counter_id = int(
                conn.execute(
                    "INSERT INTO milestone_counters (platform, community_id, user_id, name, "
                    "name_key, visibility, zone, celebrated_through, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        *key_params(key),
                        name,
                        name.casefold(),
                        visibility,
                        schedule.zone,
                        iso(schedule.celebrated_through),
                        iso(now),
                    ),
                ).fetchone()[0]
                or 0
            )
            run_id = _insert_run(conn, counter_id, key, start)
            conn.execute(
                "UPDATE milestone_counters SET run_id = ? WHERE id = ?", (run_id, counter_id)
            )
            _update_schedule(conn, counter_id, run_id, schedule)
            return counter_id

        return await self.db.write(write)

    async def correct(
        self,
        counter: Counter,
        start: RunStart,
        schedule: MilestoneSchedule,
        visibility: str,
        now: datetime,
        previous: tuple[int, int] | None = None,
    ) -> None:
        """Correct the start of the current run. `previous` (run id, completed days) re-measures
        the run before it, which ended where this one begins. Milestones of the old start that
        were not delivered yet are cancelled."""

        def write(conn: sqlite3.Connection) -> None:
            changed = conn.execute(
                "UPDATE milestone_runs SET start_date = ?, start_time = ?, started_at = ? "
                "WHERE id = ? AND id = (SELECT run_id FROM milestone_counters WHERE id = ?)",
                (
                    start.start_date.isoformat(),
                    start.start_time.strftime("%H:%M") if start.start_time else None,
                    iso(start.started_at),
                    counter.run.id,
                    counter.id,
                ),
            ).rowcount
            if not changed:
                raise CounterChanged()
            if previous is not None:
                conn.execute(
                    "UPDATE milestone_runs SET ended_at = ?, length_days = ? WHERE id = ?",
                    (iso(start.started_at), previous[1], previous[0]),
                )
            conn.execute(
                "UPDATE milestone_counters SET visibility = ? WHERE id = ?",
                (visibility, counter.id),
            )
            _update_schedule(conn, counter.id, counter.run.id, schedule)
            _cancel_pending(conn, counter.run.id, now)

        await self.db.write(write)

    async def reset(
        self,
        counter: Counter,
        length_days: int,
        note: str | None,
        start: RunStart,
        schedule: MilestoneSchedule,
        now: datetime,
    ) -> int:
        """Close the current run (its length and note kept) and start a new one; returns the new
        run's id. Pending celebrations of the closed run are cancelled."""

        def write(conn: sqlite3.Connection) -> int:
            closed = conn.execute(
                "UPDATE milestone_runs SET ended_at = ?, length_days = ?, note = ?, reset_at = ? "
                "WHERE id = ? AND ended_at IS NULL "
                "AND id = (SELECT run_id FROM milestone_counters WHERE id = ?)",
                (iso(start.started_at), length_days, note, iso(now), counter.run.id, counter.id),
            ).rowcount
            if not closed:
                raise CounterChanged()
            run_id = _insert_run(conn, counter.id, counter.key, start)
            conn.execute(
                "UPDATE milestone_counters SET run_id = ? WHERE id = ?", (run_id, counter.id)
            )
            _update_schedule(conn, counter.id, run_id, schedule)
            _cancel_pending(conn, counter.run.id, now)
            return run_id

        return await self.db.write(write)

    async def set_visibility(self, counter_id: int, visibility: str) -> None:
        """Make a counter private or public."""
        if visibility not in VISIBILITIES:
            raise ValueError(visibility)
        await self.db.execute(
            "UPDATE milestone_counters SET visibility = ? WHERE id = ?", (visibility, counter_id)
        )

    async def remove(self, counter_id: int) -> int:
        """Delete a counter with all its runs and celebrations; returns rows deleted."""

        def write(conn: sqlite3.Connection) -> int:
            deleted = 0
            for table in ("milestone_celebrations", "milestone_runs"):
                deleted += conn.execute(
                    f"DELETE FROM {table} WHERE counter_id = ?", (counter_id,)
                ).rowcount
            deleted += conn.execute(
                "DELETE FROM milestone_counters WHERE id = ?", (counter_id,)
            ).rowcount
            return deleted

        return await self.db.write(write)

    async def reschedule(self, updates: Iterable[tuple[Counter, MilestoneSchedule]]) -> int:
        """Store new schedules (zone or ladder changed); a counter reset meanwhile is skipped.
        Returns how many were updated."""
        items = list(updates)
        if not items:
            return 0

        def write(conn: sqlite3.Connection) -> int:
            return sum(_update_schedule(conn, c.id, c.run.id, s) for c, s in items)

        return await self.db.write(write)

    async def set_ladder(
        self,
        platform: str,
        community_id: str,
        setting: str,
        code: str | None,
        updates: Iterable[tuple[Counter, MilestoneSchedule]],
        now: datetime,
    ) -> None:
        """Store a community's ladder (None: the default) and its counters' new schedules in one
        transaction."""
        items = list(updates)

        def write(conn: sqlite3.Connection) -> None:
            set_community_setting(conn, platform, community_id, setting, code, now)
            for counter, schedule in items:
                _update_schedule(conn, counter.id, counter.run.id, schedule)

        await self.db.write(write)

    async def community_counters(self, platform: str, community_id: str) -> list[Counter]:
        """Every counter of a community (only for rescheduling when the ladder changes)."""
        rows = await self.db.fetchall(
            f"SELECT {_COUNTER_COLUMNS} FROM {_COUNTER_FROM} "
            "WHERE c.platform = ? AND c.community_id = ?",
            (platform, community_id),
        )
        return [_counter(r) for r in rows]


def privacy_handler() -> DataHandler:
    """Export (counters with their runs and celebrations) and deletion of a member's milestones."""
    tables = ("milestone_counters", "milestone_runs", "milestone_celebrations")

    def export(conn: sqlite3.Connection, key: MemberKey) -> list[dict[str, Any]]:
        clause, params = scope_clause(key)
        counters = rows_as_dicts(
            conn.execute(f"SELECT * FROM milestone_counters WHERE {clause} ORDER BY id", params),
            drop=("platform", "user_id", "name_key"),
        )
        for counter in counters:
            for table, field in (
                ("milestone_runs", "runs"),
                ("milestone_celebrations", "celebrations"),
            ):
                counter[field] = rows_as_dicts(
                    conn.execute(
                        f"SELECT * FROM {table} WHERE counter_id = ? ORDER BY id", (counter["id"],)
                    ),
                    drop=("platform", "community_id", "user_id", "counter_id"),
                )
        return counters

    def delete(conn: sqlite3.Connection, key: MemberKey) -> int:
        clause, params = scope_clause(key)
        # children first, so this works with or without foreign-key enforcement
        return sum(
            conn.execute(f"DELETE FROM {table} WHERE {clause}", params).rowcount
            for table in reversed(tables)
        )

    return DataHandler("milestones", tables, export, delete)
