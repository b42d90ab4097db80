"""Nudges: each partnership member's daily look at their partner's check-ins."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime

from storage.db import MemberKey
from storage.partners.models import (
    MEMBER,
    NudgeCheck,
    NudgeUpdate,
    StoreBase,
)
from storage.sql import instant, key_params


class NudgeRepo(StoreBase):
    """Nudge checks."""

    async def next_nudge_check(self, platform: str) -> datetime | None:
        """The earliest nudge check on a platform (indexed)."""
        row = await self.db.fetchone(
            "SELECT MIN(nudge_check_at) FROM partnership_members WHERE platform = ? "
            "AND nudge_check_at IS NOT NULL",
            (platform,),
        )
        return instant(row[0]) if row else None

    async def due_nudge_checks(self, platform: str, now: datetime, limit: int) -> list[NudgeCheck]:
        """Members whose daily look at their partner's check-ins is due."""

        def read(conn: sqlite3.Connection) -> list[NudgeCheck]:
            rows = conn.execute(
                "SELECT m.partnership_id, m.community_id, m.user_id, p.started_at, m.nudged_on "
                "FROM partnership_members m JOIN partnerships p ON p.id = m.partnership_id "
                "WHERE m.platform = ? AND m.nudge_check_at <= ? ORDER BY m.nudge_check_at LIMIT ?",
                (platform, now.isoformat(), limit),
            ).fetchall()
            found = []
            for pid, cid, uid, started, nudged in rows:
                partners = tuple(
                    r[0]
                    for r in conn.execute(
                        "SELECT user_id FROM partnership_members WHERE partnership_id = ? "
                        "AND user_id != ? AND left_at IS NULL ORDER BY user_id",
                        (pid, uid),
                    )
                )
                found.append(
                    NudgeCheck(
                        pid,
                        cid,
                        uid,
                        partners,
                        datetime.fromisoformat(started),
                        date.fromisoformat(nudged) if nudged else None,
                    )
                )
            return found

        return await self.db.read(read)

    async def update_nudges(self, updates: Sequence[NudgeUpdate]) -> None:
        """Move nudge checks on (and record nudges) in one transaction."""
        await self.db.write(
            lambda conn: conn.executemany(
                "UPDATE partnership_members SET nudge_check_at = ?, nudged_on = ? "
                "WHERE partnership_id = ? AND user_id = ? AND left_at IS NULL",
                [
                    (
                        u.next_at.isoformat(),
                        u.nudged_on.isoformat() if u.nudged_on else None,
                        u.partnership_id,
                        u.user_id,
                    )
                    for u in updates
                ],
            )
        )

    async def reschedule_nudge(self, key: MemberKey, next_at: datetime) -> None:
        """Move the member's next nudge check (their timezone changed)."""
        await self.db.execute(
            f"UPDATE partnership_members SET nudge_check_at = ? WHERE {MEMBER} AND left_at IS NULL",
            (next_at.isoformat(), *key_params(key)),
        )
