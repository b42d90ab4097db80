"""Blocks (never match me with this member) and the daily SOS count."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from storage.db import MemberKey
from storage.partners.models import (
    MEMBER,
    StoreBase,
)
from storage.partners.proposals import load_proposal, pending_id
from storage.sql import key_params


class BlockRepo(StoreBase):
    """Blocks and SOS counts."""

    async def block(self, key: MemberKey, blocked_id: str, now: datetime) -> tuple[bool, list[str]]:
        """Record a block; a pending proposal with that member is declined.

        Returns whether the block is new and the members of a proposal it closed.
        """

        def write(conn: sqlite3.Connection) -> tuple[bool, list[str]]:
            exists = conn.execute(
                f"SELECT 1 FROM partner_blocks WHERE {MEMBER} AND blocked_id = ?",
                (*key_params(key), blocked_id),
            ).fetchone()
            if exists:
                return False, []
            conn.execute(
                "INSERT INTO partner_blocks (platform, community_id, user_id, blocked_id, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (*key_params(key), blocked_id, now.isoformat()),
            )
            pending = pending_id(conn, key)
            if pending is not None:
                proposal = load_proposal(conn, pending)
                if proposal is not None and blocked_id in proposal.answers:
                    # A no like any other: held until the proposal expires.
                    conn.execute(
                        "UPDATE partner_proposal_members SET answer = 'decline' "
                        "WHERE proposal_id = ? AND user_id = ?",
                        (pending, key.user_id),
                    )
            return True, []

        return await self.db.write(write)

    async def take_sos(self, key: MemberKey, today: date, limit: int) -> int | None:
        """Count one SOS for the member's local day; None (nothing counted) at the limit.
        Returns how many are left today."""

        def write(conn: sqlite3.Connection) -> int | None:
            if limit < 1:
                return None
            # One conditional statement, not a read then a write: two processes counting at
            # once would both see the last one free (PostgreSQL re-checks the WHERE on the row
            # the other just updated).
            row = conn.execute(
                "INSERT INTO partner_sos (platform, community_id, user_id, local_date, sent) "
                "VALUES (?, ?, ?, ?, 1) ON CONFLICT (platform, community_id, user_id) "
                "DO UPDATE SET local_date = excluded.local_date, sent = CASE "
                "WHEN partner_sos.local_date = excluded.local_date THEN partner_sos.sent + 1 ELSE 1 END "
                "WHERE partner_sos.local_date <> excluded.local_date OR partner_sos.sent < ? "
                "RETURNING sent",
                (*key_params(key), today.isoformat(), limit),
            ).fetchone()
            return None if row is None else limit - int(row[0])

        return await self.db.write(write)
