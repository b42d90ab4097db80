"""Notices owed to members (a partner left, a partnership ended, a proposal closed)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from storage.partners.models import (
    Notice,
    StoreBase,
)
from storage.sql import instant


class NoticeRepo(StoreBase):
    """Owed notices."""

    async def next_notice(self, platform: str) -> datetime | None:
        """When the earliest owed notice is due (indexed)."""
        row = await self.db.fetchone(
            "SELECT MIN(due_at) FROM partner_notices WHERE platform = ?", (platform,)
        )
        return instant(row[0]) if row else None

    async def take_notices(self, platform: str, now: datetime) -> list[Notice]:
        """Remove and return every due notice (sent at most once)."""

        def write(conn: sqlite3.Connection) -> list[Notice]:
            rows = conn.execute(
                "SELECT id, community_id, user_id, kind FROM partner_notices "
                "WHERE platform = ? AND due_at <= ? ORDER BY id",
                (platform, now.isoformat()),
            ).fetchall()
            conn.executemany("DELETE FROM partner_notices WHERE id = ?", [(r[0],) for r in rows])
            return [Notice(*r) for r in rows]

        return await self.db.write(write)


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
