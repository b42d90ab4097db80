"""Proposals: a group of pool members asked whether they want to be partners."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime

from storage.db import MemberKey
from storage.due import DueTable
from storage.partners.models import (
    ANSWERS,
    PENDING,
    Answered,
    Proposal,
    StoreBase,
)
from storage.partners.partnerships import start_partnership
from storage.sql import instant, key_params, row_lock

# Due rows (storage/due.py): pending proposals whose 48 hours run out; claiming closes them.
EXPIRING = DueTable(
    "partner_proposals",
    at="expires_at",
    key=("id",),
    columns={
        "declined": "EXISTS (SELECT 1 FROM partner_proposal_members m "
        "WHERE m.proposal_id = t.id AND m.answer = 'decline')"
    },
    where="t.status = 'pending'",
)


class ProposalRepo(StoreBase):
    """Proposals and answers."""

    async def propose(
        self,
        platform: str,
        community_id: str,
        groups: Sequence[Sequence[str]],
        leftover: Iterable[str],
        now: datetime,
        expires_at: datetime,
    ) -> list[int | None]:
        """Record one round: a proposal per group; leftovers go first next round.

        The id of each group's proposal, or None for a group not proposed because one of its
        members was proposed or paired meanwhile (another process's round) or left the pool."""
        leftover = tuple(leftover)  # read again if the write is retried

        def write(conn: sqlite3.Connection) -> list[int | None]:
            free = _still_free(conn, platform, community_id)
            ids: list[int | None] = []
            for group in groups:
                if not free.issuperset(group):
                    ids.append(None)
                    continue
                free.difference_update(group)
                cursor = conn.execute(
                    "INSERT INTO partner_proposals (platform, community_id, created_at, expires_at) "
                    "VALUES (?, ?, ?, ?) RETURNING id",
                    (platform, community_id, now.isoformat(), expires_at.isoformat()),
                )
                pid = int(cursor.fetchone()[0])
                ids.append(pid)
                conn.executemany(
                    "INSERT INTO partner_proposal_members (proposal_id, platform, community_id, user_id) "
                    "VALUES (?, ?, ?, ?)",
                    [(pid, platform, community_id, uid) for uid in group],
                )
                conn.executemany(
                    "UPDATE partner_pool SET first_in_line = 0 "
                    "WHERE platform = ? AND community_id = ? AND user_id = ?",
                    [(platform, community_id, uid) for uid in group],
                )
            conn.executemany(
                "UPDATE partner_pool SET first_in_line = 1 "
                "WHERE platform = ? AND community_id = ? AND user_id = ?",
                [(platform, community_id, uid) for uid in leftover],
            )
            return ids

        return await self.db.write(write)

    async def pending_proposal(self, key: MemberKey) -> Proposal | None:
        """The member's pending proposal, if any."""

        def read(conn: sqlite3.Connection) -> Proposal | None:
            row = conn.execute(
                "SELECT p.id FROM partner_proposals p JOIN partner_proposal_members m "
                "ON m.proposal_id = p.id WHERE m.platform = ? AND m.community_id = ? "
                "AND m.user_id = ? AND p.status = 'pending' ORDER BY p.id DESC",
                key_params(key),
            ).fetchone()
            return load_proposal(conn, row[0]) if row else None

        return await self.db.read(read)

    async def answer(
        self,
        key: MemberKey,
        proposal_id: int,
        answer: str,
        now: datetime,
        nudge_first_at: datetime,
    ) -> Answered:
        """Record an answer; the last accept starts the partnership (and takes its members out
        of the pool), all in one transaction. A decline leaves the proposal open until it
        expires, so nobody learns from its timing who said no."""
        if answer not in ANSWERS:
            raise ValueError(f"unknown answer {answer!r}")

        def write(conn: sqlite3.Connection) -> Answered:
            # Answers to one proposal are taken one at a time: two yeses read at once would
            # each see the other missing (nobody introduced), or one yes twice would start two
            # partnerships. PostgreSQL: the row lock; SQLite has one writer anyway.
            conn.execute(
                f"SELECT id FROM partner_proposals WHERE id = ?{row_lock(conn)}", (proposal_id,)
            )
            proposal = load_proposal(conn, proposal_id)
            if (
                proposal is None
                or proposal.community_id != key.community_id
                or key.user_id not in proposal.answers
                or proposal_platform(conn, proposal_id) != key.platform
            ):
                return Answered("missing", None)
            if proposal.status != PENDING:
                settled = (
                    proposal.status if proposal.status in ("expired", "accepted") else "closed"
                )
                return Answered(settled, proposal)
            if proposal.expires_at is not None and proposal.expires_at <= now:
                return Answered("expired", proposal)
            # A yes may still become a no before everyone has said yes; nothing else changes.
            if (
                proposal.answers[key.user_id] == answer
                or proposal.answers[key.user_id] == "decline"
            ):
                return Answered("answered", proposal)
            conn.execute(
                "UPDATE partner_proposal_members SET answer = ? WHERE proposal_id = ? AND user_id = ?",
                (answer, proposal_id, key.user_id),
            )
            answers = {**proposal.answers, key.user_id: answer}
            if answer == "decline":
                # Held open until it expires: closing now would tell the others who said no.
                return Answered("declined", load_proposal(conn, proposal_id))
            if any(a != "accept" for a in answers.values()):
                return Answered(PENDING, load_proposal(conn, proposal_id))
            close_proposal(conn, proposal_id, "accepted", now)
            partnership_id = start_partnership(
                conn, key.platform, proposal.community_id, list(answers), now, nudge_first_at
            )
            self._maybe_partnered.update(
                (key.platform, proposal.community_id, uid) for uid in answers
            )
            return Answered("accepted", load_proposal(conn, proposal_id), partnership_id)

        return await self.db.write(write)

    async def proposal(self, proposal_id: int) -> Proposal | None:
        """A proposal by id, with every member's answer."""
        return await self.db.read(lambda conn: load_proposal(conn, proposal_id))


def _still_free(conn: sqlite3.Connection, platform: str, community_id: str) -> set[str]:
    """Pool members with no pending proposal and no partnership, read with the community's pool
    rows locked until the round is recorded: two rounds at once (the weekly one in one process,
    /partner match in another) both read the pool before either wrote, and proposed the same
    members twice. The second now waits and sees the first's proposals."""
    scope = (platform, community_id)
    pool = conn.execute(
        "SELECT user_id FROM partner_pool WHERE platform = ? AND community_id = ? "
        f"ORDER BY user_id{row_lock(conn)}",
        scope,
    ).fetchall()
    taken = conn.execute(
        "SELECT pm.user_id FROM partner_proposal_members pm JOIN partner_proposals pr "
        "ON pr.id = pm.proposal_id WHERE pm.platform = ? AND pm.community_id = ? "
        "AND pr.status = 'pending' "
        "UNION SELECT m.user_id FROM partnership_members m "
        "WHERE m.platform = ? AND m.community_id = ? AND m.left_at IS NULL",
        (*scope, *scope),
    ).fetchall()
    return {r[0] for r in pool} - {r[0] for r in taken}


def proposal_platform(conn: sqlite3.Connection, proposal_id: int) -> str | None:
    row = conn.execute(
        "SELECT platform FROM partner_proposals WHERE id = ?", (proposal_id,)
    ).fetchone()
    return row[0] if row else None


def load_proposal(conn: sqlite3.Connection, proposal_id: int) -> Proposal | None:
    row = conn.execute(
        "SELECT id, community_id, created_at, expires_at, status FROM partner_proposals WHERE id = ?",
        (proposal_id,),
    ).fetchone()
    if row is None:
        return None
    answers = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT user_id, answer FROM partner_proposal_members WHERE proposal_id = ? ORDER BY user_id",
            (proposal_id,),
        )
    }
    return Proposal(
        row[0], row[1], datetime.fromisoformat(row[2]), instant(row[3]), row[4], answers
    )


def pending_id(conn: sqlite3.Connection, key: MemberKey) -> int | None:
    row = conn.execute(
        "SELECT p.id FROM partner_proposals p JOIN partner_proposal_members m ON m.proposal_id = p.id "
        "WHERE m.platform = ? AND m.community_id = ? AND m.user_id = ? AND p.status = 'pending'",
        key_params(key),
    ).fetchone()
    return row[0] if row else None


def close_proposal(conn: sqlite3.Connection, proposal_id: int, status: str, now: datetime) -> None:
    conn.execute(
        "UPDATE partner_proposals SET status = ?, expires_at = NULL, closed_at = ? WHERE id = ?",
        (status, now.isoformat(), proposal_id),
    )


def close_pending(
    conn: sqlite3.Connection, key: MemberKey, status: str, now: datetime
) -> list[str]:
    """Close the member's pending proposal; returns its other members."""
    pending = pending_id(conn, key)
    if pending is None:
        return []
    proposal = load_proposal(conn, pending)
    close_proposal(conn, pending, status, now)
    return proposal.others(key.user_id) if proposal else []
