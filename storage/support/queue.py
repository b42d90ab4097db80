"""The supporters' queue: waiting and active requests, claims, handoffs, the session's private
space, and waits."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from storage.sql import instant, iso, serialise
from storage.support.models import (
    ACTIVE,
    COLUMNS,
    WAITING,
    Request,
    StoreBase,
    one_request,
    request_from_row,
)


class QueueRepo(StoreBase):
    """The queue and the sessions it becomes."""

    async def waiting(self, platform: str, community_id: str) -> list[Request]:
        """Waiting requests, oldest first (the queue's order)."""
        return await self._by_status(platform, community_id, WAITING)

    async def active(self, platform: str, community_id: str) -> list[Request]:
        """Sessions going on now."""
        return await self._by_status(platform, community_id, ACTIVE)

    async def _by_status(self, platform: str, community_id: str, status: str) -> list[Request]:
        def read(conn: sqlite3.Connection) -> list[Request]:
            rows = conn.execute(
                f"SELECT {COLUMNS} FROM support_requests WHERE platform = ? AND community_id = ? "
                "AND status = ? ORDER BY created_at, id",
                (platform, community_id, status),
            ).fetchall()
            return [request_from_row(r) for r in rows]

        return await self.db.read(read)

    async def claim(
        self,
        platform: str,
        community_id: str,
        request_id: int | None,
        supporter: str,
        now: datetime,
        limit: int | None = None,
    ) -> Request | None:
        """Take one waiting request (the oldest when ``request_id`` is None); None when there
        is none, or another supporter took it first, or (``limit``) the supporter already holds
        that many sessions: counted in the same write, so two claims at once can't both fit."""

        def write(conn: sqlite3.Connection) -> Request | None:
            if limit is not None:
                # two claims by one supporter at once (a double tap, two processes): the
                # second counts after the first has committed
                serialise(conn, f"support-claims:{platform}:{community_id}:{supporter}")
                holding = conn.execute(
                    "SELECT COUNT(*) FROM support_requests WHERE platform = ? AND "
                    "community_id = ? AND status = ? AND supporter_id = ?",
                    (platform, community_id, ACTIVE, supporter),
                ).fetchone()[0]
                if holding >= limit:
                    return None
            where = "platform = ? AND community_id = ? AND status = ? AND user_id <> ?"
            params: tuple = (platform, community_id, WAITING, supporter)
            if request_id is not None:
                where += " AND id = ?"
                params += (request_id,)
            row = conn.execute(
                f"SELECT id FROM support_requests WHERE {where} ORDER BY created_at, id LIMIT 1",
                params,
            ).fetchone()
            if row is None:
                return None
            done = conn.execute(
                "UPDATE support_requests SET status = ?, supporter_id = ?, claimed_at = ?, "
                "next_update_at = ?, space = NULL WHERE id = ? AND status = ?",
                (ACTIVE, supporter, iso(now), iso(now + self.SPACE_GRACE), row[0], WAITING),
            ).rowcount
            return one_request(conn, "id = ?", (row[0],)) if done else None

        return await self.db.write(write)

    async def hand_over(self, request_id: int, from_id: str, to_id: str, now: datetime) -> bool:
        """Pass an active session from one supporter to another; its new space is to open."""

        def write(conn: sqlite3.Connection) -> bool:
            return bool(
                conn.execute(
                    "UPDATE support_requests SET supporter_id = ?, handoffs = handoffs + 1, "
                    "space = NULL, next_update_at = ? "
                    "WHERE id = ? AND status = ? AND supporter_id = ? AND handoffs < ?",
                    (
                        to_id,
                        iso(now + self.SPACE_GRACE),
                        request_id,
                        ACTIVE,
                        from_id,
                        self.MAX_HANDOFFS,
                    ),
                ).rowcount
            )

        return await self.db.write(write)

    async def set_space(self, request_id: int, supporter: str, space: str, now: datetime) -> bool:
        """Record the opened space of a session still held by ``supporter``; its next update
        is half an hour away. False when the session ended or moved on meanwhile."""

        def write(conn: sqlite3.Connection) -> bool:
            return bool(
                conn.execute(
                    "UPDATE support_requests SET space = ?, next_update_at = ? "
                    "WHERE id = ? AND status = ? AND supporter_id = ?",
                    (space, iso(now + self.UPDATE_EVERY), request_id, ACTIVE, supporter),
                ).rowcount
            )

        return await self.db.write(write)

    async def requeue(self, request_id: int, supporter: str, now: datetime) -> bool:
        """Put an active session back in the queue (its supporter is gone); it keeps its
        original time, so it is at or near the front."""

        def write(conn: sqlite3.Connection) -> bool:
            return bool(
                conn.execute(
                    "UPDATE support_requests SET status = ?, supporter_id = NULL, claimed_at = NULL, "
                    "next_update_at = ?, last_place = NULL, space = NULL WHERE id = ? "
                    "AND status = ? "
                    "AND supporter_id = ?",
                    (WAITING, iso(now + self.UPDATE_EVERY), request_id, ACTIVE, supporter),
                ).rowcount
            )

        return await self.db.write(write)

    async def stop_updates(self, request_id: int) -> None:
        """No more half-hourly updates for a request still waiting (its claim or a requeue
        makes it due again)."""
        await self.db.write(
            lambda c: c.execute(
                "UPDATE support_requests SET next_update_at = NULL WHERE id = ? AND status = ?",
                (request_id, WAITING),
            )
        )

    async def set_place(self, request_id: int, place: int) -> None:
        """Remember the place the member was last told."""
        await self.db.write(
            lambda c: c.execute(
                "UPDATE support_requests SET last_place = ? WHERE id = ?", (place, request_id)
            )
        )

    async def waits(self, platform: str, community_id: str, since: datetime) -> list[int]:
        """Minutes waited by requests claimed since ``since``."""
        rows = await self.db.fetchall(
            "SELECT created_at, claimed_at FROM support_requests WHERE platform = ? "
            "AND community_id = ? AND claimed_at IS NOT NULL AND claimed_at > ?",
            (platform, community_id, iso(since)),
        )
        return [
            int((instant(r[1]) - instant(r[0])).total_seconds() // 60)  # type: ignore[operator]
            for r in rows
        ]
