"""The weekly matching of each community."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from storage.partners.models import (
    StoreBase,
)
from storage.sql import instant


class ScheduleRepo(StoreBase):
    """Weekly matching schedules."""

    async def schedule(self, platform: str, community_id: str) -> tuple[str, datetime] | None:
        """The community's weekly matching (spec and next run), if set."""
        row = await self.db.fetchone(
            "SELECT spec, next_run_at FROM partner_schedules WHERE platform = ? AND community_id = ?",
            (platform, community_id),
        )
        return (row[0], datetime.fromisoformat(row[1])) if row else None

    async def set_schedule(
        self, platform: str, community_id: str, spec: str | None, next_at: datetime | None
    ) -> bool:
        """Set (or with None, remove) the weekly matching; returns whether a row changed."""

        def write(conn: sqlite3.Connection) -> bool:
            if spec is None or next_at is None:
                return (
                    conn.execute(
                        "DELETE FROM partner_schedules WHERE platform = ? AND community_id = ?",
                        (platform, community_id),
                    ).rowcount
                    > 0
                )
            conn.execute(
                "INSERT INTO partner_schedules (platform, community_id, spec, next_run_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (platform, community_id) "
                "DO UPDATE SET spec = excluded.spec, next_run_at = excluded.next_run_at",
                (platform, community_id, spec, next_at.isoformat()),
            )
            return True

        return await self.db.write(write)

    async def next_schedule(self, platform: str) -> datetime | None:
        """The earliest weekly matching on a platform (indexed)."""
        row = await self.db.fetchone(
            "SELECT MIN(next_run_at) FROM partner_schedules WHERE platform = ?", (platform,)
        )
        return instant(row[0]) if row else None

    async def due_schedules(self, platform: str, now: datetime) -> list[tuple[str, str]]:
        """(community_id, spec) of every weekly matching due at ``now``."""
        rows = await self.db.fetchall(
            "SELECT community_id, spec FROM partner_schedules WHERE platform = ? AND next_run_at <= ? "
            "ORDER BY next_run_at",
            (platform, now.isoformat()),
        )
        return [(r[0], r[1]) for r in rows]

    async def advance_schedule(self, platform: str, community_id: str, next_at: datetime) -> None:
        """Move a weekly matching to its next run."""
        await self.db.execute(
            "UPDATE partner_schedules SET next_run_at = ? WHERE platform = ? AND community_id = ?",
            (next_at.isoformat(), platform, community_id),
        )
