"""Export and deletion of one member's rows, table by table.

Each cog registers a :class:`DataHandler` with the privacy registry; most tables are keyed by
(platform, community_id, user_id) and can use :func:`member_table`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from storage.db import MemberKey

# A deleted member's id kept only as a keyed one-way hash starts with this (never a real id).
PSEUDONYM_PREFIX = "deleted:"
_KEY_ROW = ("peerbot", "pseudonym_key")

Exporter = Callable[[sqlite3.Connection, MemberKey], Any]
Deleter = Callable[[sqlite3.Connection, MemberKey], int]
Keeper = Callable[[sqlite3.Connection, MemberKey], str | None]


@dataclass(frozen=True)
class DataHandler:
    """How to export and delete one kind of member data. `tables` lists the tables it covers.

    `kept`, when given, says (before a deletion) what of the member's data a deletion keeps for
    now and why, in a sentence for the member; None when nothing is kept."""

    name: str
    tables: tuple[str, ...]
    export: Exporter
    delete: Deleter
    kept: Keeper | None = None


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
    name: str, table: str, *, user_column: str = "user_id", order_by: str = "community_id"
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


def _pseudonym_key(conn: sqlite3.Connection, *, create: bool) -> bytes | None:
    row = conn.execute(
        "SELECT value FROM platform_state WHERE platform = ? AND key = ?", _KEY_ROW
    ).fetchone()
    if row is None and create:
        conn.execute(
            "INSERT INTO platform_state (platform, key, value) VALUES (?, ?, ?)",
            (*_KEY_ROW, secrets.token_hex(32)),
        )
        return _pseudonym_key(conn, create=False)
    return bytes.fromhex(row[0]) if row else None


def pseudonym(conn: sqlite3.Connection, platform: str, user_id: str) -> str:
    """A keyed one-way hash of a member id, stored in place of the id after the member's
    deletion where another member's protection depends on it (a partner block). The key lives
    in this database only, so the id cannot be read back; the same id hashes the same way
    again, so the protection still applies if that person returns."""
    key = _pseudonym_key(conn, create=True)
    assert key is not None
    return _hash(key, platform, user_id)


def pseudonyms(conn: sqlite3.Connection, platform: str, user_ids: Iterable[str]) -> dict[str, str]:
    """``{pseudonym: user_id}`` for the given ids (empty when nobody was ever pseudonymised)."""
    key = _pseudonym_key(conn, create=False)
    if key is None:
        return {}
    return {_hash(key, platform, uid): uid for uid in user_ids}


def _hash(key: bytes, platform: str, user_id: str) -> str:
    digest = hmac.new(key, f"{platform}\0{user_id}".encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest
