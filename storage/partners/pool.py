"""The pool: members waiting for a partner, and who may be matched with whom."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.data_handlers import (
    PSEUDONYM_PREFIX,
    pseudonyms,
)
from storage.db import MemberKey
from storage.partners.models import (
    MEMBER,
    ZONE,
    PoolEntry,
    StoreBase,
)
from storage.partners.proposals import close_pending
from storage.sql import key_params


class PoolRepo(StoreBase):
    """Pool entries."""

    async def pool_entry(self, key: MemberKey) -> PoolEntry | None:
        """The member's pool entry, if they are in the pool."""
        row = await self.db.fetchone(
            "SELECT p.user_id, p.focus, p.intro, p.frequency, p.language, p.joined_at, "
            "p.first_in_line, " + ZONE + "FROM partner_pool p "
            "WHERE p.platform = ? AND p.community_id = ? AND p.user_id = ?",
            key_params(key),
        )
        return pool_entry_of(row) if row else None

    async def join(
        self,
        key: MemberKey,
        *,
        focus: str,
        intro: str | None,
        frequency: str,
        language: str | None,
        now: datetime,
    ) -> None:
        """Put a member in the pool."""
        await self.db.execute(
            "INSERT INTO partner_pool (platform, community_id, user_id, focus, intro, frequency, "
            "language, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (*key_params(key), focus, intro, frequency, language, now.isoformat()),
        )

    async def leave_pool(self, key: MemberKey, now: datetime) -> tuple[bool, list[str]]:
        """Remove a member from the pool and decline their pending proposal.

        Returns whether they were in the pool and the members of the closed proposal.
        """

        def write(conn: sqlite3.Connection) -> tuple[bool, list[str]]:
            removed = conn.execute(f"DELETE FROM partner_pool WHERE {MEMBER}", key_params(key))
            others = close_pending(conn, key, "declined", now)
            return removed.rowcount > 0, others

        return await self.db.write(write)

    async def eligible_pool(self, platform: str, community_id: str) -> list[PoolEntry]:
        """Pool members with no pending proposal and no active partnership."""
        rows = await self.db.fetchall(
            "SELECT p.user_id, p.focus, p.intro, p.frequency, p.language, p.joined_at, "
            "p.first_in_line, " + ZONE + "FROM partner_pool p "
            "WHERE p.platform = ? AND p.community_id = ? "
            "AND NOT EXISTS (SELECT 1 FROM partner_proposal_members pm JOIN partner_proposals pr "
            " ON pr.id = pm.proposal_id WHERE pm.platform = p.platform "
            " AND pm.community_id = p.community_id AND pm.user_id = p.user_id "
            " AND pr.status = 'pending') "
            "AND NOT EXISTS (SELECT 1 FROM partnership_members m WHERE m.platform = p.platform "
            " AND m.community_id = p.community_id AND m.user_id = p.user_id AND m.left_at IS NULL) "
            "ORDER BY p.joined_at, p.user_id",
            (platform, community_id),
        )
        return [pool_entry_of(r) for r in rows]

    async def forbidden_pairs(
        self, platform: str, community_id: str, since: datetime
    ) -> set[frozenset[str]]:
        """Pairs never to propose: blocks, current partners, partnerships that ended and
        proposals that were declined or timed out since ``since``."""
        cutoff = since.isoformat()

        def read(conn: sqlite3.Connection) -> set[frozenset[str]]:
            scope = (platform, community_id)
            pairs: set[frozenset[str]] = set()
            blocks = conn.execute(
                "SELECT user_id, blocked_id FROM partner_blocks WHERE platform = ? AND community_id = ?",
                scope,
            ).fetchall()
            returned: dict[str, str] = {}
            if any(b.startswith(PSEUDONYM_PREFIX) for _, b in blocks):
                pool = conn.execute(
                    "SELECT user_id FROM partner_pool WHERE platform = ? AND community_id = ?",
                    scope,
                )
                returned = pseudonyms(conn, platform, (uid for (uid,) in pool))
            for a, b in blocks:
                pairs.add(frozenset((a, returned.get(b, b))))
            for a, b in conn.execute(
                "SELECT a.user_id, b.user_id FROM partnership_members a JOIN partnership_members b "
                "ON b.partnership_id = a.partnership_id AND a.user_id < b.user_id "
                "WHERE a.platform = ? AND a.community_id = ? "
                "AND (a.left_at IS NULL OR a.left_at >= ?) AND (b.left_at IS NULL OR b.left_at >= ?)",
                (*scope, cutoff, cutoff),
            ):
                pairs.add(frozenset((a, b)))
            for a, b in conn.execute(
                "SELECT a.user_id, b.user_id FROM partner_proposals p "
                "JOIN partner_proposal_members a ON a.proposal_id = p.id "
                "JOIN partner_proposal_members b ON b.proposal_id = p.id AND a.user_id < b.user_id "
                "WHERE p.platform = ? AND p.community_id = ? "
                "AND p.status IN ('declined', 'expired') AND p.closed_at >= ?",
                (*scope, cutoff),
            ):
                pairs.add(frozenset((a, b)))
            return pairs

        return await self.db.read(read)


def pool_entry_of(row: Sequence[Any]) -> PoolEntry:
    return PoolEntry(
        row[0], row[1], row[2], row[3], row[4], datetime.fromisoformat(row[5]), bool(row[6]), row[7]
    )
