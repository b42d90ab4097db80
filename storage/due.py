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
    (``row["user_id"]`` reads any column of the row, or one declared in ``columns``)."""

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
    # More writes of the same claim (a feature's history rows), run in the claiming transaction
    # after the moves; what it returns is the claim's ``done``. :func:`release` does not undo it.
    also: Callable[[sqlite3.Connection], Any] | None = None


DONE = Move(None)
DELETE = Move(None, delete=True)


@dataclass(frozen=True)
class Claim:
    """A row claimed and moved on, with what :func:`release` needs to put it back."""

    row: DueRow
    move: Move
    undo: Mapping[str, Any]  # the columns the move changed, as they were (all of them if deleted)
    done: Any = None  # what the move's ``also`` returned


Plan = Callable[[DueRow, datetime], Move]


def _stamp(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _key_clause(table: DueTable) -> str:
    return " AND ".join(f"{column} = ?" for column in ("platform", *table.key))


@dataclass(frozen=True)
class Only:
    """An extra condition on due rows (the communities this process serves), written once with
    ``{t}`` where the table's alias goes, so any query can narrow its rows: :meth:`on`."""

    template: str
    params: tuple[Any, ...]

    def on(self, alias: str) -> tuple[str, tuple[Any, ...]]:
        """The condition over the table named (or aliased) ``alias``, and its parameters."""
        return self.template.format(t=alias), self.params


def shard_filter(shard_count: int, shard_ids: tuple[int, ...]) -> Only:
    """Rows of the Discord guilds on these shards (Discord's rule: (guild_id >> 22) % count)."""
    marks = ", ".join("?" for _ in shard_ids)
    return Only(
        f"((CAST({{t}}.community_id AS BIGINT) >> 22) % ?) IN ({marks})",
        (shard_count, *shard_ids),
    )


def narrow(only: Only | None, alias: str = "t") -> tuple[str, tuple[Any, ...]]:
    """`` AND <condition>`` over ``alias`` and its parameters; nothing when ``only`` is None."""
    if only is None:
        return "", ()
    sql, params = only.on(alias)
    return f" AND {sql}", params


async def next_due(
    db: Database, table: DueTable, platform: str, only: Only | None = None
) -> datetime | None:
    """The earliest due instant on a platform (an indexed MIN); ``only`` narrows the rows (the
    communities this process serves)."""
    where = f" AND {table.where}" if table.where else ""
    extra, extra_params = narrow(only)
    row = await db.fetchone(
        f"SELECT MIN(t.{table.at}) FROM {table.table} t WHERE t.platform = ?{where}{extra}",
        (platform, *extra_params),
    )
    return instant(row[0]) if row else None


async def claim(
    db: Database,
    table: DueTable,
    platform: str,
    now: datetime,
    plan: Plan,
    limit: int,
    only: Only | None = None,
) -> list[Claim]:
    """Claim up to ``limit`` rows due at ``now`` on ``platform``, oldest first, moving each as
    ``plan`` says in the same transaction. ``plan`` must be quick and pure (it runs inside the
    transaction, and again if the transaction is retried). ``only`` narrows the rows."""
    names = list(table.columns)
    exprs = "".join(f", {table.columns[n]}" for n in names)
    where = f" AND {table.where}" if table.where else ""
    extra, extra_params = narrow(only)
    # Rows due at the same instant go in key order on both backends (PostgreSQL has no rowid order).
    order_keys = "".join(f", t.{column}" for column in table.key)
    sql = (
        f"SELECT t.*{exprs} FROM {table.table} t WHERE t.platform = ? "
        f"AND t.{table.at} IS NOT NULL AND t.{table.at} <= ?{where}{extra} "
        f"ORDER BY t.{table.at}{order_keys} LIMIT ?{claim_lock(db)}"
    )

    def write(conn: sqlite3.Connection) -> list[Claim]:
        cursor = conn.execute(sql, (platform, now.isoformat(), *extra_params, limit))
        width = len(cursor.description) - len(names)
        raw_names = [d[0] for d in cursor.description[:width]]
        staged = []
        moves = _Moves(table)
        for r in cursor.fetchall():
            raw = dict(zip(raw_names, r[:width], strict=True))
            row = DueRow(
                platform,
                raw["community_id"],
                tuple(raw[k] for k in table.key),
                datetime.fromisoformat(raw[table.at]),
                {**raw, **dict(zip(names, r[width:], strict=True))},
            )
            move = plan(row, now)
            staged.append((row, move, moves.add(row, move, raw)))
        moves.apply(conn)
        return [
            Claim(row, move, undo, move.also(conn) if move.also else None)
            for row, move, undo in staged
        ]

    return await db.write(write)


class _Moves:
    """The moves of one claim, applied with one statement per shape of change."""

    def __init__(self, table: DueTable) -> None:
        self.table = table
        self.where = _key_clause(table)
        self.updates: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        self.deletes: list[tuple[Any, ...]] = []

    def add(self, row: DueRow, move: Move, raw: dict[str, Any]) -> dict[str, Any]:
        """Queue one row's move; returns the values needed to undo it (read with the row)."""
        params = (row.platform, *row.key)
        if move.delete:
            self.deletes.append(params)
            return dict(raw)
        changed = (self.table.at, *move.set)
        values = (_stamp(move.next_at), *(_stamp(v) for v in move.set.values()))
        self.updates.setdefault(changed, []).append((*values, *params))
        return {c: raw[c] for c in changed}

    def apply(self, conn: sqlite3.Connection) -> None:
        name = self.table.table
        for changed, rows in self.updates.items():
            assignments = ", ".join(f"{c} = ?" for c in changed)
            conn.executemany(f"UPDATE {name} SET {assignments} WHERE {self.where}", rows)
        if self.deletes:
            conn.executemany(f"DELETE FROM {name} WHERE {self.where}", self.deletes)


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
