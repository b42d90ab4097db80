"""Matrix adapter storage: direct rooms per member, and the adapter's own bookkeeping
(sync token, first start) in ``platform_state``."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.data_handlers import DataHandler
from storage.db import Database, MemberKey
from storage.sql import iso

PLATFORM = "matrix"


@dataclass(frozen=True)
class DirectRoom:
    """The direct room the bot shares with one member."""

    user_id: str
    room_id: str
    created_at: str


class DirectRooms:
    """Which room is each member's direct room with the bot."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, user_id: str) -> DirectRoom | None:
        """The member's direct room, or None when none was made yet."""
        row = await self.db.fetchone(
            "SELECT user_id, room_id, created_at FROM matrix_direct_rooms WHERE user_id = ?",
            (user_id,),
        )
        return DirectRoom(row[0], row[1], row[2]) if row else None

    async def all(self) -> list[DirectRoom]:
        """Every remembered direct room."""
        rows = await self.db.fetchall(
            "SELECT user_id, room_id, created_at FROM matrix_direct_rooms ORDER BY user_id"
        )
        return [DirectRoom(r[0], r[1], r[2]) for r in rows]

    async def set(self, user_id: str, room_id: str, now: datetime) -> None:
        """Remember (or replace) the member's direct room."""
        await self.db.write(
            lambda c: c.execute(
                "INSERT INTO matrix_direct_rooms (user_id, room_id, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET room_id = excluded.room_id, "
                "created_at = excluded.created_at",
                (user_id, room_id, now.isoformat()),
            )
        )

    async def forget(self, user_id: str) -> bool:
        """Forget the member's direct room; True when there was one."""
        count = await self.db.write(
            lambda c: (
                c.execute("DELETE FROM matrix_direct_rooms WHERE user_id = ?", (user_id,)).rowcount
            )
        )
        return bool(count)


def direct_rooms_handler() -> DataHandler:
    """Privacy handler for direct rooms: a member's direct room is shared by every Matrix
    community, so it is exported with any scope and forgotten by any ``mydata delete``."""

    def export(conn: sqlite3.Connection, key: MemberKey) -> list[dict[str, Any]]:
        if key.platform != PLATFORM:
            return []
        rows = conn.execute(
            "SELECT room_id, created_at FROM matrix_direct_rooms WHERE user_id = ?", (key.user_id,)
        ).fetchall()
        return [{"direct_room": r[0], "created_at": r[1]} for r in rows]

    def delete(conn: sqlite3.Connection, key: MemberKey) -> int:
        if key.platform != PLATFORM:
            return 0
        return conn.execute(
            "DELETE FROM matrix_direct_rooms WHERE user_id = ?", (key.user_id,)
        ).rowcount

    return DataHandler("matrix_direct_room", ("matrix_direct_rooms",), export, delete)


async def last_active_community(db: Database, user_id: str) -> str | None:
    """The Matrix community where the member last used a command (for commands typed in
    their direct room, which belongs to no community)."""
    row = await db.fetchone(
        "SELECT community_id FROM members WHERE platform = ? AND user_id = ? "
        "ORDER BY last_seen DESC LIMIT 1",
        (PLATFORM, user_id),
    )
    return row[0] if row else None


class HandledEvents:
    """Matrix events claimed for handling, shared by every process on the database: an event is
    acted on only by the one claim that inserted its id (at most once, even across a takeover)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim(self, event_id: str, now: datetime) -> bool:
        """True if this call is the first to claim `event_id` (acknowledged after COMMIT)."""
        rows = await self.db.write(
            lambda c: c.execute(
                "INSERT INTO matrix_handled_events (event_id, handled_at) VALUES (?, ?) "
                "ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
                (event_id, iso(now)),
            ).fetchall()
        )
        return bool(rows)

    async def prune(self, before: datetime) -> int:
        """Forget claims older than `before` (their events are behind every stored sync token)."""
        return await self.db.write(
            lambda c: (
                c.execute(
                    "DELETE FROM matrix_handled_events WHERE handled_at < ?", (iso(before),)
                ).rowcount
            )
        )
