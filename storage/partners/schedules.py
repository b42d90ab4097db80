"""The weekly matching of each community."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from storage.due import COMMUNITY_ZONE, DueTable
from storage.partners.models import (
    StoreBase,
)

# Due rows (storage/due.py): each community's weekly matching, with the community's zone.
MATCHING_DUE = DueTable(
    "partner_schedules",
    at="next_run_at",
    key=("community_id",),
    columns={"spec": "t.spec", "zone": COMMUNITY_ZONE},
)


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
