"""Export and deletion of one member's rows, table by table.

Each cog registers a :class:`DataHandler` with the privacy registry; most tables are keyed by
(platform, community_id, user_id) and can use :func:`member_table`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from storage.db import MemberKey

Exporter = Callable[[sqlite3.Connection, MemberKey], Any]
Deleter = Callable[[sqlite3.Connection, MemberKey], int]


@dataclass(frozen=True)
class DataHandler:
    """How to export and delete one kind of member data. `tables` lists the tables it covers."""

    name: str
    tables: tuple[str, ...]
    export: Exporter
    delete: Deleter


def scope_clause(key: MemberKey, user_column: str = "user_id") -> tuple[str, list[Any]]:
    """WHERE clause (and parameters) selecting one member's rows, in one or every community."""
    clause = f"platform = ? AND {user_column} = ?"
    params: list[Any] = [key.platform, key.user_id]
    if key.community_id is not None:
        clause += " AND community_id = ?"
        params.append(key.community_id)
    return clause, params


def rows_as_dicts(cursor: sqlite3.Cursor, drop: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Rows as plain dicts (for JSON), without the columns in `drop`."""
    names = [d[0] for d in cursor.description]
    return [
        {n: v for n, v in zip(names, row, strict=True) if n not in drop}
        for row in cursor.fetchall()
    ]


def member_table(
    name: str, table: str, *, user_column: str = "user_id", order_by: str = "rowid"
) -> DataHandler:
    """A handler for a table keyed by (platform, community_id, `user_column`)."""

    def export(conn: sqlite3.Connection, key: MemberKey) -> list[dict[str, Any]]:
        clause, params = scope_clause(key, user_column)
        cursor = conn.execute(f"SELECT * FROM {table} WHERE {clause} ORDER BY {order_by}", params)
        return rows_as_dicts(cursor, drop=("platform", user_column))

    def delete(conn: sqlite3.Connection, key: MemberKey) -> int:
        clause, params = scope_clause(key, user_column)
        return conn.execute(f"DELETE FROM {table} WHERE {clause}", params).rowcount

    return DataHandler(name, (table,), export, delete)
