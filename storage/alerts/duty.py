"""Who answers alerts: responders' own on/off switches and the weekly rota."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, MemberKey
from storage.sql import exact, instant

ROTA_SLOTS_PER_RESPONDER = 14


@dataclass(frozen=True)
class DutySwitch:
    """A responder's own switch."""

    user_id: str
    display_name: str
    on_since: datetime | None
    off_until: datetime | None


@dataclass(frozen=True)
class RotaSlot:
    """One weekly slot of a responder, in their own zone."""

    id: int
    user_id: str
    display_name: str
    weekday: int
    start_min: int
    end_min: int
    zone: str


class Duty:
    """Who switched themselves on or off, and the weekly rota."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def switch(
        self, key: MemberKey, name: str, on_since: datetime | None, off_until: datetime | None
    ) -> None:
        """Record a responder's switch (both None: back to the rota alone)."""
        await self.db.execute(
            "INSERT INTO crisis_duty (platform, community_id, user_id, display_name, on_since, "
            "off_until) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, community_id, user_id) "
            "DO UPDATE SET display_name=excluded.display_name, on_since=excluded.on_since, "
            "off_until=excluded.off_until",
            (
                key.platform,
                key.community_id,
                key.user_id,
                name[:100],
                exact(on_since),
                exact(off_until),
            ),
        )

    async def switches(self, platform: str, community_id: str) -> list[DutySwitch]:
        """Every responder's switch in a community."""
        rows = await self.db.fetchall(
            "SELECT user_id, display_name, on_since, off_until FROM crisis_duty "
            "WHERE platform=? AND community_id=? ORDER BY display_name",
            (platform, community_id),
        )
        return [DutySwitch(r[0], r[1], instant(r[2]), instant(r[3])) for r in rows]

    async def slots(self, platform: str, community_id: str) -> list[RotaSlot]:
        """Every rota slot of a community."""
        rows = await self.db.fetchall(
            "SELECT id, user_id, display_name, weekday, start_min, end_min, zone FROM crisis_rota "
            "WHERE platform=? AND community_id=? ORDER BY weekday, start_min, id",
            (platform, community_id),
        )
        return [RotaSlot(*r) for r in rows]

    async def add_slot(
        self,
        key: MemberKey,
        name: str,
        slot: tuple[int, int, int, str],
        now: datetime,
    ) -> int | None:
        """Add a weekly slot (weekday, start, end, zone); None when the responder has many."""
        weekday, start, end, zone = slot

        def write(conn: sqlite3.Connection) -> int | None:
            count = conn.execute(
                "SELECT COUNT(*) FROM crisis_rota WHERE platform=? AND community_id=? "
                "AND user_id=?",
                (key.platform, key.community_id, key.user_id),
            ).fetchone()[0]
            if count >= ROTA_SLOTS_PER_RESPONDER:
                return None
            cursor = conn.execute(
                "INSERT INTO crisis_rota (platform, community_id, user_id, display_name, "
                "weekday, start_min, end_min, zone, created_at) VALUES (?,?,?,?,?,?,?,?,?) "
                "RETURNING id",
                (
                    key.platform,
                    key.community_id,
                    key.user_id,
                    name[:100],
                    weekday,
                    start,
                    end,
                    zone,
                    exact(now),
                ),
            )
            return cursor.fetchone()[0]

        return await self.db.write(write)

    async def remove_slot(self, key: MemberKey, slot_id: int) -> bool:
        """Remove one of the responder's own slots."""
        return (
            await self.db.execute(
                "DELETE FROM crisis_rota WHERE platform=? AND community_id=? AND user_id=? "
                "AND id=?",
                (key.platform, key.community_id, key.user_id, slot_id),
            )
            > 0
        )
