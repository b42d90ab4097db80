"""Members' ratings of their sessions, and the counts moderators see."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from storage.db import MemberKey
from storage.sql import instant, iso, key_params
from storage.support.models import CANCELLED, CLOSED, MEMBER, Stats, StoreBase, one_request


class FeedbackRepo(StoreBase):
    """Feedback and stats."""

    async def feedback(
        self, key: MemberKey, request_id: int, rating: int, word: str | None, now: datetime
    ) -> bool:
        """Keep the member's rating of one of their closed sessions (the latest answer wins)."""

        def write(conn: sqlite3.Connection) -> bool:
            mine = one_request(
                conn, f"{MEMBER} AND id = ? AND status = ?", (*key_params(key), request_id, CLOSED)
            )
            if mine is None:
                return False
            conn.execute(
                "INSERT INTO support_feedback (platform, community_id, user_id, request_id, rating, "
                "word, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (platform, community_id, request_id) "
                "DO UPDATE SET rating = excluded.rating, word = excluded.word",
                (*key_params(key), request_id, rating, word, iso(now)),
            )
            return True

        return await self.db.write(write)

    async def stats(self, platform: str, community_id: str, since: datetime) -> Stats:
        """What moderators may see of the last days."""

        def read(conn: sqlite3.Connection) -> Stats:
            rows = conn.execute(
                "SELECT status, created_at, claimed_at, supporter_id FROM support_requests "
                "WHERE platform = ? AND community_id = ? AND created_at > ?",
                (platform, community_id, iso(since)),
            ).fetchall()
            waits = sorted(
                int((instant(r[2]) - instant(r[1])).total_seconds() // 60)  # type: ignore[operator]
                for r in rows
                if r[2]
            )
            per: dict[str, int] = {}
            for r in rows:
                if r[2] and r[3]:
                    per[r[3]] = per.get(r[3], 0) + 1
            ratings = conn.execute(
                "SELECT rating FROM support_feedback WHERE platform = ? AND community_id = ? "
                "AND created_at > ?",
                (platform, community_id, iso(since)),
            ).fetchall()
            return Stats(
                requests=len(rows),
                claimed=len(waits),
                cancelled=sum(1 for r in rows if r[0] == CANCELLED),
                median_wait_min=waits[len(waits) // 2] if waits else None,
                sessions_by_supporter=tuple(sorted(per.values(), reverse=True)),
                ratings=tuple(int(r[0]) for r in ratings),
            )

        return await self.db.read(read)
