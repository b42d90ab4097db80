"""Nudges: each partnership member's daily look at their partner's check-ins."""

from __future__ import annotations

from datetime import datetime

from storage.db import MemberKey
from storage.due import DueTable
from storage.partners.models import (
    MEMBER,
    NudgeUpdate,
    StoreBase,
)
from storage.sql import key_params

# Due rows (storage/due.py): each partnership member's daily look at their partners' check-ins.
NUDGES_DUE = DueTable(
    "partnership_members",
    at="nudge_check_at",
    key=("partnership_id", "user_id"),
    columns={
        "started_at": "(SELECT p.started_at FROM partnerships p WHERE p.id = t.partnership_id)",
        "nudged_on": "t.nudged_on",
    },
    where="t.left_at IS NULL",
)


class NudgeRepo(StoreBase):
    """Nudge checks."""

    async def partners_of(self, partnership_id: int, user_id: str) -> tuple[str, ...]:
        """The other members still in a partnership, by id."""
        rows = await self.db.fetchall(
            "SELECT user_id FROM partnership_members WHERE partnership_id = ? "
            "AND user_id != ? AND left_at IS NULL ORDER BY user_id",
            (partnership_id, user_id),
        )
        return tuple(r[0] for r in rows)

    async def record_nudge_check(self, update: NudgeUpdate) -> None:
        """Where a nudge check moves after its look (and the day a nudge went out)."""
        await self.db.execute(
            "UPDATE partnership_members SET nudge_check_at = ?, nudged_on = ? "
            "WHERE partnership_id = ? AND user_id = ? AND left_at IS NULL",
            (
                update.next_at.isoformat(),
                update.nudged_on.isoformat() if update.nudged_on else None,
                update.partnership_id,
                update.user_id,
            ),
        )

    async def reschedule_nudge(self, key: MemberKey, next_at: datetime) -> None:
        """Move the member's next nudge check (their timezone changed)."""
        await self.db.execute(
            f"UPDATE partnership_members SET nudge_check_at = ? WHERE {MEMBER} AND left_at IS NULL",
            (next_at.isoformat(), *key_params(key)),
        )
