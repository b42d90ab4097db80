"""Due rows: where a feature's time-driven items live, and claiming them.

A feature describes its due items once with a :class:`DueTable` (the table, the indexed column
holding each row's due instant, the columns that name a row and those it needs to act). Then
:func:`next_due` is an indexed ``MIN`` and :func:`claim` selects the rows due for one platform
and moves each on (a new due instant, done, or deleted) **in the same transaction**, with the
dialect's lock clause (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so several processes never
claim the same row and a restart neither loses nor repeats a move. :func:`release` puts a
claimed row back, due again at a retry instant, when acting on it failed.

SQL over the table uses the alias ``t``. Instants are ISO text of aware UTC datetimes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.db import Database
from storage.sql import claim_lock, instant

# The member's own zone, else their community's (what MemberSettings.timezone answers).
MEMBER_ZONE = (
    "COALESCE((SELECT ms.value FROM member_settings ms WHERE ms.platform = t.platform "
    "AND ms.community_id = t.community_id AND ms.user_id = t.user_id AND ms.key = 'timezone'), "
    "(SELECT cs.value FROM community_settings cs WHERE cs.platform = t.platform "
    "AND cs.community_id = t.community_id AND cs.key = 'timezone'))"
)
# The community's zone setting.
COMMUNITY_ZONE = (
    "(SELECT cs.value FROM community_settings cs WHERE cs.platform = t.platform "
    "AND cs.community_id = t.community_id AND cs.key = 'timezone')"
)


def community_setting(name: str) -> str:
    """A column expression: the row's community setting ``name`` (a constant, never input)."""
    quoted = name.replace("'", "''")
    return (
        "(SELECT cs.value FROM community_settings cs WHERE cs.platform = t.platform "
        f"AND cs.community_id = t.community_id AND cs.key = '{quoted}')"
    )


@dataclass(frozen=True)
class DueTable:
    """Where a feature's due items live: one row per item, one indexed due-instant column.

    ``columns`` maps a name to a column or an SQL expression over ``t`` (read with the row);
    ``where`` narrows which rows are items (``"t.state = 'active'"``).
    """

    table: str
    at: str
    key: tuple[str, ...]
    columns: Mapping[str, str] = field(default_factory=dict)
    where: str = ""


@dataclass(frozen=True)
class DueRow:
    """One due item as claimed: its platform, community, key, due instant and columns
    (``row["user_id"]`` reads a key column or a declared one)."""

    platform: str
    community_id: str
    key: tuple[Any, ...]
    at: datetime
    values: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


@dataclass(frozen=True)
class Move:
    """Where a claimed row goes: due again at ``next_at`` (None: done, the column is cleared),
    with ``set`` columns changed, or deleted. ``act`` False: nothing to do for it this time."""

    next_at: datetime | None
    set: Mapping[str, Any] = field(default_factory=dict)
    delete: bool = False
    act: bool = True


DONE = Move(None)
DELETE = Move(None, delete=True)


@dataclass(frozen=True)
class Claim:
    """A row claimed and moved on, with what :func:`release` needs to put it back."""

    row: DueRow
    move: Move
    undo: Mapping[str, Any]  # the columns the move changed, as they were (all of them if deleted)


Plan = Callable[[DueRow, datetime], Move]


def _stamp(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _key_clause(table: DueTable) -> str:
    return " AND ".join(f"{column} = ?" for column in ("platform", *table.key))


async def next_due(db: Database, table: DueTable, platform: str) -> datetime | None:
    """The earliest due instant on a platform (an indexed MIN)."""
    where = f" AND {table.where}" if table.where else ""
    row = await db.fetchone(
        f"SELECT MIN(t.{table.at}) FROM {table.table} t WHERE t.platform = ?{where}", (platform,)
    )
    return instant(row[0]) if row else None


async def claim(
    db: Database, table: DueTable, platform: str, now: datetime, plan: Plan, limit: int
) -> list[Claim]:
    """Claim up to ``limit`` rows due at ``now`` on ``platform``, oldest first, moving each as
    ``plan`` says in the same transaction. ``plan`` must be quick and pure (it runs inside the
    transaction, and again if the transaction is retried)."""
    names = list(table.columns)
    selected = ", ".join(
        ["t.community_id", *(f"t.{k}" for k in table.key), f"t.{table.at}"]
        + [table.columns[n] for n in names]
    )
    where = f" AND {table.where}" if table.where else ""
    sql = (
        f"SELECT {selected} FROM {table.table} t WHERE t.platform = ? "
        f"AND t.{table.at} IS NOT NULL AND t.{table.at} <= ?{where} "
        f"ORDER BY t.{table.at} LIMIT ?{claim_lock(db)}"
    )
    width = len(table.key)

    def write(conn: sqlite3.Connection) -> list[Claim]:
        claims = []
        for r in conn.execute(sql, (platform, now.isoformat(), limit)).fetchall():
            key = tuple(r[1 : 1 + width])
            row = DueRow(
                platform,
                r[0],
                key,
                datetime.fromisoformat(r[1 + width]),
                {
                    **dict(zip(table.key, key, strict=True)),
                    **dict(zip(names, r[2 + width :], strict=True)),
                },
            )
            move = plan(row, now)
            claims.append(Claim(row, move, _apply(conn, table, row, move)))
        return claims

    return await db.write(write)


def _apply(conn: sqlite3.Connection, table: DueTable, row: DueRow, move: Move) -> dict[str, Any]:
    """Move one row; returns the values needed to undo it."""
    params = (row.platform, *row.key)
    where = _key_clause(table)
    if move.delete:
        cursor = conn.execute(f"SELECT * FROM {table.table} WHERE {where}", params)
        names = [d[0] for d in cursor.description]
        found = cursor.fetchone()
        conn.execute(f"DELETE FROM {table.table} WHERE {where}", params)
        return dict(zip(names, found, strict=True)) if found else {}
    changed = [table.at, *move.set]
    before = conn.execute(
        f"SELECT {', '.join(changed)} FROM {table.table} WHERE {where}", params
    ).fetchone()
    values = [_stamp(move.next_at), *(_stamp(v) for v in move.set.values())]
    conn.execute(
        f"UPDATE {table.table} SET {', '.join(f'{c} = ?' for c in changed)} WHERE {where}",
        (*values, *params),
    )
    return dict(zip(changed, before, strict=True)) if before else {}


async def release(db: Database, table: DueTable, claimed: Claim, retry_at: datetime) -> bool:
    """Put a claimed row back as it was, due again at ``retry_at`` — unless something else
    changed it since the claim (then that change stands). Returns whether it was put back."""
    if not claimed.undo:
        return False
    row, move = claimed.row, claimed.move
    params = (row.platform, *row.key)
    where = _key_clause(table)
    undo = {**claimed.undo, table.at: retry_at.isoformat()}

    def write(conn: sqlite3.Connection) -> bool:
        if move.delete:
            names = list(undo)
            return (
                conn.execute(
                    f"INSERT INTO {table.table} ({', '.join(names)}) "
                    f"SELECT {', '.join('?' for _ in names)} "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {table.table} WHERE {where})",
                    (*undo.values(), *params),
                ).rowcount
                > 0
            )
        moved = _stamp(move.next_at)
        same = f"{table.at} IS NULL" if moved is None else f"{table.at} = ?"
        return (
            conn.execute(
                f"UPDATE {table.table} SET {', '.join(f'{c} = ?' for c in undo)} "
                f"WHERE {where} AND {same}",
                (*undo.values(), *params, *(() if moved is None else (moved,))),
            ).rowcount
            > 0
        )

    return await db.write(write)
