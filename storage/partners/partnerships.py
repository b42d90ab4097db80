"""Partnerships: members who accepted a proposal, until they leave."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from storage.db import MemberKey
from storage.partners.models import (
    MEMBER,
    Left,
    Overview,
    Partnership,
    StoreBase,
)
from storage.sql import key_params


class PartnershipRepo(StoreBase):
    """Active partnerships."""

    async def partnership(self, key: MemberKey) -> Partnership | None:
        """The member's active partnership, if any."""
        member = (key.platform, key.community_id, key.user_id)
        if not self._shared and member not in self._maybe_partnered:
            return None

        def read(conn: sqlite3.Connection) -> Partnership | None:
            return active_partnership(conn, key)

        found = await self.db.read(read)
        if found is None:
            self._maybe_partnered.discard(member)
        return found

    async def leave_partnership(self, key: MemberKey, now: datetime) -> Left | None:
        """The member leaves their partnership; with fewer than two left it ends for all."""

        def write(conn: sqlite3.Connection) -> Left | None:
            return leave(conn, key, now)

        return await self.db.write(write)

    async def overview(self, platform: str, community_id: str) -> Overview:
        """Active partnerships and pending proposals of a community, oldest first."""

        def read(conn: sqlite3.Connection) -> Overview:
            scope = (platform, community_id)
            teams: dict[int, tuple[datetime, list[str]]] = {}
            for pid, started, uid in conn.execute(
                "SELECT p.id, p.started_at, m.user_id FROM partnerships p JOIN partnership_members m "
                "ON m.partnership_id = p.id WHERE p.platform = ? AND p.community_id = ? "
                "AND p.ended_at IS NULL AND m.left_at IS NULL ORDER BY p.started_at, p.id, m.user_id",
                scope,
            ):
                teams.setdefault(pid, (datetime.fromisoformat(started), []))[1].append(uid)
            offers: dict[int, tuple[datetime, list[str]]] = {}
            for pid, expires, uid in conn.execute(
                "SELECT p.id, p.expires_at, m.user_id FROM partner_proposals p "
                "JOIN partner_proposal_members m ON m.proposal_id = p.id WHERE p.platform = ? "
                "AND p.community_id = ? AND p.status = 'pending' ORDER BY p.expires_at, p.id, m.user_id",
                scope,
            ):
                offers.setdefault(pid, (datetime.fromisoformat(expires), []))[1].append(uid)
            return Overview(
                [(at, tuple(us)) for at, us in teams.values()],
                [(at, tuple(us)) for at, us in offers.values()],
            )

        return await self.db.read(read)


def start_partnership(
    conn: sqlite3.Connection,
    platform: str,
    community_id: str,
    members: list[str],
    now: datetime,
    nudge_first_at: datetime,
) -> int:
    cursor = conn.execute(
        "INSERT INTO partnerships (platform, community_id, started_at) VALUES (?, ?, ?) "
        "RETURNING id",
        (platform, community_id, now.isoformat()),
    )
    pid = int(cursor.fetchone()[0])
    conn.executemany(
        "INSERT INTO partnership_members (partnership_id, platform, community_id, user_id, "
        "nudge_check_at) VALUES (?, ?, ?, ?, ?)",
        [(pid, platform, community_id, uid, nudge_first_at.isoformat()) for uid in members],
    )
    conn.executemany(
        f"DELETE FROM partner_pool WHERE {MEMBER}",
        [(platform, community_id, uid) for uid in members],
    )
    return pid


def active_partnership(conn: sqlite3.Connection, key: MemberKey) -> Partnership | None:
    row = conn.execute(
        "SELECT p.id, p.started_at FROM partnerships p JOIN partnership_members m "
        "ON m.partnership_id = p.id WHERE m.platform = ? AND m.community_id = ? AND m.user_id = ? "
        "AND m.left_at IS NULL AND p.ended_at IS NULL",
        key_params(key),
    ).fetchone()
    if row is None:
        return None
    partners = tuple(
        r[0]
        for r in conn.execute(
            "SELECT user_id FROM partnership_members WHERE partnership_id = ? AND user_id != ? "
            "AND left_at IS NULL ORDER BY user_id",
            (row[0], key.user_id),
        )
    )
    return Partnership(row[0], datetime.fromisoformat(row[1]), partners)


def leave(conn: sqlite3.Connection, key: MemberKey, now: datetime) -> Left | None:
    current = active_partnership(conn, key)
    if current is None:
        return None
    stamp = now.isoformat()
    conn.execute(
        "UPDATE partnership_members SET left_at = ?, nudge_check_at = NULL "
        "WHERE partnership_id = ? AND user_id = ?",
        (stamp, current.id, key.user_id),
    )
    ended = len(current.partners) < 2
    if ended:
        conn.execute(
            "UPDATE partnership_members SET left_at = ?, nudge_check_at = NULL "
            "WHERE partnership_id = ? AND left_at IS NULL",
            (stamp, current.id),
        )
        conn.execute("UPDATE partnerships SET ended_at = ? WHERE id = ?", (stamp, current.id))
    return Left(current.id, current.partners, ended)
