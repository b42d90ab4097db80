"""Notices owed to members (a partner left, a partnership ended, a proposal closed)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from storage.due import DueTable

# Due rows (storage/due.py): each owed notice, deleted when claimed (sent at most once).
NOTICES_DUE = DueTable(
    "partner_notices", at="due_at", key=("id",), columns={"user_id": "t.user_id", "kind": "t.kind"}
)


def notify(
    conn: sqlite3.Connection,
    platform: str,
    community_id: str,
    users: Iterable[str],
    kind: str,
    stamp: str,
) -> None:
    conn.executemany(
        "INSERT INTO partner_notices (platform, community_id, user_id, kind, due_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [(platform, community_id, uid, kind, stamp) for uid in users],
    )
