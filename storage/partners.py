"""Accountability partners: the pool, proposals, partnerships, blocks, SOS counts and notices.

Proposals and partnerships have one row per member (``partner_proposal_members``,
``partnership_members``) so that pairs and trios are stored alike. Instants are ISO-8601 UTC
text; dates are member-local ``YYYY-MM-DD``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storage.db import Database, MemberKey
from storage.privacy import (
    PSEUDONYM_PREFIX,
    DataHandler,
    pseudonym,
    pseudonyms,
    rows_as_dicts,
    scope_clause,
)

PENDING = "pending"
ANSWERS = ("accept", "decline")

_MEMBER = "platform = ? AND community_id = ? AND user_id = ?"
# The pool member's own timezone setting (a correlated subquery on the primary key).
_ZONE = (
    "(SELECT ms.value FROM member_settings ms WHERE ms.platform = p.platform "
    "AND ms.community_id = p.community_id AND ms.user_id = p.user_id AND ms.key = 'timezone') "
)


def _key_params(key: MemberKey) -> tuple[str, str | None, str]:
    return (key.platform, key.community_id, key.user_id)


def _at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class PoolEntry:
    """A member waiting for a partner."""

    user_id: str
    focus: str
    intro: str | None
    frequency: str
    language: str | None
    joined_at: datetime
    first_in_line: bool
    timezone: str | None  # the member's own zone setting, if any


@dataclass(frozen=True)
class Proposal:
    """A proposed pair or trio; ``answers`` maps each member to accept/decline/None."""

    id: int
    community_id: str
    created_at: datetime
    expires_at: datetime | None
    status: str
    answers: dict[str, str | None]

    def others(self, user_id: str) -> list[str]:
        """The other members of the proposal."""
        return [u for u in self.answers if u != user_id]


@dataclass(frozen=True)
class Partnership:
    """An active partnership as one member sees it."""

    id: int
    started_at: datetime
    partners: tuple[str, ...]  # the other active members


@dataclass(frozen=True)
class Answered:
    """What answering a proposal did: ``pending`` (a yes noted), ``declined`` (this answer
    closed it) or ``accepted`` with ``partnership_id`` (this yes completed it). Nothing changed
    with ``missing``, ``expired``, ``answered``, ``closed`` or ``accepted`` without an id."""

    status: str
    proposal: Proposal | None
    partnership_id: int | None = None


@dataclass(frozen=True)
class Left:
    """A member left a partnership: who remains, and whether the partnership ended."""

    partnership_id: int
    remaining: tuple[str, ...]
    ended: bool


@dataclass(frozen=True)
class NudgeCheck:
    """A member whose partner's check-ins are due for a look."""

    partnership_id: int
    community_id: str
    user_id: str
    partners: tuple[str, ...]
    started_at: datetime
    nudged_on: date | None


@dataclass(frozen=True)
class NudgeUpdate:
    """Where a nudge check moves to; ``nudged_on`` None clears it (the lapse ended)."""

    partnership_id: int
    user_id: str
    next_at: datetime
    nudged_on: date | None


@dataclass(frozen=True)
class Notice:
    """A neutral message owed to a member after someone else's data was deleted."""

    id: int
    community_id: str
    user_id: str
    kind: str


@dataclass(frozen=True)
class Overview:
    """For moderators: member ids of active partnerships and pending proposals."""

    partnerships: list[tuple[datetime, tuple[str, ...]]]
    proposals: list[tuple[datetime, tuple[str, ...]]]


class PartnerStore:
    """SQL for the partners feature."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # Members who may be in a partnership (a superset: a stale entry costs one read). Asking
        # "who is my partner?" on every check-in then needs no database round trip for the
        # many members who have none.
        self._maybe_partnered: set[tuple[str, str, str]] = set()

    async def load(self) -> None:
        """Read who is in an active partnership (once, at start-up)."""
        rows = await self.db.fetchall(
            "SELECT m.platform, m.community_id, m.user_id FROM partnership_members m "
            "JOIN partnerships p ON p.id = m.partnership_id "
            "WHERE p.ended_at IS NULL AND m.left_at IS NULL"
        )
        self._maybe_partnered.update((r[0], r[1], r[2]) for r in rows)

    # --- pool ------------------------------------------------------------------------------

    async def pool_entry(self, key: MemberKey) -> PoolEntry | None:
        """The member's pool entry, if they are in the pool."""
        row = await self.db.fetchone(
            "SELECT p.user_id, p.focus, p.intro, p.frequency, p.language, p.joined_at, "
            "p.first_in_line, " + _ZONE + "FROM partner_pool p "
            "WHERE p.platform = ? AND p.community_id = ? AND p.user_id = ?",
            _key_params(key),
        )
        return _pool_entry(row) if row else None

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
            (*_key_params(key), focus, intro, frequency, language, now.isoformat()),
        )

    async def leave_pool(self, key: MemberKey, now: datetime) -> tuple[bool, list[str]]:
        """Remove a member from the pool and decline their pending proposal.

        Returns whether they were in the pool and the members of the closed proposal.
        """

        def write(conn: sqlite3.Connection) -> tuple[bool, list[str]]:
            removed = conn.execute(f"DELETE FROM partner_pool WHERE {_MEMBER}", _key_params(key))
            others = _close_pending(conn, key, "declined", now)
            return removed.rowcount > 0, others

        return await self.db.write(write)

    async def eligible_pool(self, platform: str, community_id: str) -> list[PoolEntry]:
        """Pool members with no pending proposal and no active partnership."""
        rows = await self.db.fetchall(
            "SELECT p.user_id, p.focus, p.intro, p.frequency, p.language, p.joined_at, "
            "p.first_in_line, " + _ZONE + "FROM partner_pool p "
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
        return [_pool_entry(r) for r in rows]

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

    # --- proposals -----------------------------------------------------------------------------

    async def propose(
        self,
        platform: str,
        community_id: str,
        groups: Sequence[Sequence[str]],
        leftover: Iterable[str],
        now: datetime,
        expires_at: datetime,
    ) -> list[int]:
        """Record one round: a proposal per group; leftovers go first next round."""
        leftover = tuple(leftover)  # read again if the write is retried

        def write(conn: sqlite3.Connection) -> list[int]:
            ids = []
            for group in groups:
                cursor = conn.execute(
                    "INSERT INTO partner_proposals (platform, community_id, created_at, expires_at) "
                    "VALUES (?, ?, ?, ?)",
                    (platform, community_id, now.isoformat(), expires_at.isoformat()),
                )
                pid = int(cursor.lastrowid or 0)
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
                _key_params(key),
            ).fetchone()
            return _load_proposal(conn, row[0]) if row else None

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
            proposal = _load_proposal(conn, proposal_id)
            if (
                proposal is None
                or proposal.community_id != key.community_id
                or key.user_id not in proposal.answers
                or _proposal_platform(conn, proposal_id) != key.platform
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
                return Answered("declined", _load_proposal(conn, proposal_id))
            if any(a != "accept" for a in answers.values()):
                return Answered(PENDING, _load_proposal(conn, proposal_id))
            _close(conn, proposal_id, "accepted", now)
            partnership_id = _start_partnership(
                conn, key.platform, proposal.community_id, list(answers), now, nudge_first_at
            )
            self._maybe_partnered.update(
                (key.platform, proposal.community_id, uid) for uid in answers
            )
            return Answered("accepted", _load_proposal(conn, proposal_id), partnership_id)

        return await self.db.write(write)

    async def next_expiry(self, platform: str) -> datetime | None:
        """The earliest expiry of a pending proposal on a platform (indexed)."""
        row = await self.db.fetchone(
            "SELECT MIN(expires_at) FROM partner_proposals WHERE platform = ? AND expires_at IS NOT NULL",
            (platform,),
        )
        return _at(row[0]) if row else None

    async def expire_due(self, platform: str, now: datetime) -> list[Proposal]:
        """Close every pending proposal whose 48 hours are up; returns them."""

        def write(conn: sqlite3.Connection) -> list[Proposal]:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM partner_proposals WHERE platform = ? AND expires_at <= ? "
                    "AND status = 'pending' ORDER BY expires_at",
                    (platform, now.isoformat()),
                )
            ]
            for pid in ids:
                proposal = _load_proposal(conn, pid)
                declined = proposal is not None and "decline" in proposal.answers.values()
                _close(conn, pid, "declined" if declined else "expired", now)
            return [p for pid in ids if (p := _load_proposal(conn, pid)) is not None]

        return await self.db.write(write)

    # --- partnerships -------------------------------------------------------------------------

    async def partnership(self, key: MemberKey) -> Partnership | None:
        """The member's active partnership, if any."""
        if (key.platform, key.community_id, key.user_id) not in self._maybe_partnered:
            return None

        def read(conn: sqlite3.Connection) -> Partnership | None:
            return _active_partnership(conn, key)

        found = await self.db.read(read)
        if found is None:
            self._maybe_partnered.discard((key.platform, key.community_id, key.user_id))
        return found

    async def leave_partnership(self, key: MemberKey, now: datetime) -> Left | None:
        """The member leaves their partnership; with fewer than two left it ends for all."""

        def write(conn: sqlite3.Connection) -> Left | None:
            return _leave(conn, key, now)

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

    # --- blocks and SOS ------------------------------------------------------------------------

    async def block(self, key: MemberKey, blocked_id: str, now: datetime) -> tuple[bool, list[str]]:
        """Record a block; a pending proposal with that member is declined.

        Returns whether the block is new and the members of a proposal it closed.
        """

        def write(conn: sqlite3.Connection) -> tuple[bool, list[str]]:
            exists = conn.execute(
                f"SELECT 1 FROM partner_blocks WHERE {_MEMBER} AND blocked_id = ?",
                (*_key_params(key), blocked_id),
            ).fetchone()
            if exists:
                return False, []
            conn.execute(
                "INSERT INTO partner_blocks (platform, community_id, user_id, blocked_id, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (*_key_params(key), blocked_id, now.isoformat()),
            )
            pending = _pending_id(conn, key)
            if pending is not None:
                proposal = _load_proposal(conn, pending)
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
            row = conn.execute(
                f"SELECT local_date, sent FROM partner_sos WHERE {_MEMBER}", _key_params(key)
            ).fetchone()
            sent = row[1] if row and row[0] == today.isoformat() else 0
            if sent >= limit:
                return None
            conn.execute(
                "INSERT INTO partner_sos (platform, community_id, user_id, local_date, sent) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, community_id, user_id) "
                "DO UPDATE SET local_date = excluded.local_date, sent = excluded.sent",
                (*_key_params(key), today.isoformat(), sent + 1),
            )
            return limit - sent - 1

        return await self.db.write(write)

    # --- nudges ---------------------------------------------------------------------------------

    async def next_nudge_check(self, platform: str) -> datetime | None:
        """The earliest nudge check on a platform (indexed)."""
        row = await self.db.fetchone(
            "SELECT MIN(nudge_check_at) FROM partnership_members WHERE platform = ? "
            "AND nudge_check_at IS NOT NULL",
            (platform,),
        )
        return _at(row[0]) if row else None

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
            f"UPDATE partnership_members SET nudge_check_at = ? WHERE {_MEMBER} AND left_at IS NULL",
            (next_at.isoformat(), *_key_params(key)),
        )

    # --- notices ---------------------------------------------------------------------------------

    async def next_notice(self, platform: str) -> datetime | None:
        """When the earliest owed notice is due (indexed)."""
        row = await self.db.fetchone(
            "SELECT MIN(due_at) FROM partner_notices WHERE platform = ?", (platform,)
        )
        return _at(row[0]) if row else None

    async def take_notices(self, platform: str, now: datetime) -> list[Notice]:
        """Remove and return every due notice (sent at most once)."""

        def write(conn: sqlite3.Connection) -> list[Notice]:
            rows = conn.execute(
                "SELECT id, community_id, user_id, kind FROM partner_notices "
                "WHERE platform = ? AND due_at <= ? ORDER BY id",
                (platform, now.isoformat()),
            ).fetchall()
            conn.executemany("DELETE FROM partner_notices WHERE id = ?", [(r[0],) for r in rows])
            return [Notice(*r) for r in rows]

        return await self.db.write(write)

    # --- weekly matching ----------------------------------------------------------------------

    async def schedule(self, platform: str, community_id: str) -> tuple[str, datetime] | None:
        """The community's weekly matching (spec and next run), if set."""
        row = await self.db.fetchone(
            "SELECT spec, next_run_at FROM partner_schedules WHERE platform = ? AND community_id = ?",
            (platform, community_id),
        )
        return (row[0], datetime.fromisoformat(row[1])) if row else None

    async def set_schedule(
        self, platform: str, community_id: str, spec: str | None, next_at: datetime | None
    ) -> bool:
        """Set (or with None, remove) the weekly matching; returns whether a row changed."""

        def write(conn: sqlite3.Connection) -> bool:
            if spec is None or next_at is None:
                return (
                    conn.execute(
                        "DELETE FROM partner_schedules WHERE platform = ? AND community_id = ?",
                        (platform, community_id),
                    ).rowcount
                    > 0
                )
            conn.execute(
                "INSERT INTO partner_schedules (platform, community_id, spec, next_run_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (platform, community_id) "
                "DO UPDATE SET spec = excluded.spec, next_run_at = excluded.next_run_at",
                (platform, community_id, spec, next_at.isoformat()),
            )
            return True

        return await self.db.write(write)

    async def next_schedule(self, platform: str) -> datetime | None:
        """The earliest weekly matching on a platform (indexed)."""
        row = await self.db.fetchone(
            "SELECT MIN(next_run_at) FROM partner_schedules WHERE platform = ?", (platform,)
        )
        return _at(row[0]) if row else None

    async def due_schedules(self, platform: str, now: datetime) -> list[tuple[str, str]]:
        """(community_id, spec) of every weekly matching due at ``now``."""
        rows = await self.db.fetchall(
            "SELECT community_id, spec FROM partner_schedules WHERE platform = ? AND next_run_at <= ? "
            "ORDER BY next_run_at",
            (platform, now.isoformat()),
        )
        return [(r[0], r[1]) for r in rows]

    async def advance_schedule(self, platform: str, community_id: str, next_at: datetime) -> None:
        """Move a weekly matching to its next run."""
        await self.db.execute(
            "UPDATE partner_schedules SET next_run_at = ? WHERE platform = ? AND community_id = ?",
            (next_at.isoformat(), platform, community_id),
        )


# --- helpers that run inside a transaction -----------------------------------------------------


def _pool_entry(row: Sequence[Any]) -> PoolEntry:
    return PoolEntry(
        row[0], row[1], row[2], row[3], row[4], datetime.fromisoformat(row[5]), bool(row[6]), row[7]
    )


def _proposal_platform(conn: sqlite3.Connection, proposal_id: int) -> str | None:
    row = conn.execute(
        "SELECT platform FROM partner_proposals WHERE id = ?", (proposal_id,)
    ).fetchone()
    return row[0] if row else None


def _load_proposal(conn: sqlite3.Connection, proposal_id: int) -> Proposal | None:
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
    return Proposal(row[0], row[1], datetime.fromisoformat(row[2]), _at(row[3]), row[4], answers)


def _pending_id(conn: sqlite3.Connection, key: MemberKey) -> int | None:
    row = conn.execute(
        "SELECT p.id FROM partner_proposals p JOIN partner_proposal_members m ON m.proposal_id = p.id "
        "WHERE m.platform = ? AND m.community_id = ? AND m.user_id = ? AND p.status = 'pending'",
        _key_params(key),
    ).fetchone()
    return row[0] if row else None


def _close(conn: sqlite3.Connection, proposal_id: int, status: str, now: datetime) -> None:
    conn.execute(
        "UPDATE partner_proposals SET status = ?, expires_at = NULL, closed_at = ? WHERE id = ?",
        (status, now.isoformat(), proposal_id),
    )


def _close_pending(
    conn: sqlite3.Connection, key: MemberKey, status: str, now: datetime
) -> list[str]:
    """Close the member's pending proposal; returns its other members."""
    pending = _pending_id(conn, key)
    if pending is None:
        return []
    proposal = _load_proposal(conn, pending)
    _close(conn, pending, status, now)
    return proposal.others(key.user_id) if proposal else []


def _start_partnership(
    conn: sqlite3.Connection,
    platform: str,
    community_id: str,
    members: list[str],
    now: datetime,
    nudge_first_at: datetime,
) -> int:
    cursor = conn.execute(
        "INSERT INTO partnerships (platform, community_id, started_at) VALUES (?, ?, ?)",
        (platform, community_id, now.isoformat()),
    )
    pid = int(cursor.lastrowid or 0)
    conn.executemany(
        "INSERT INTO partnership_members (partnership_id, platform, community_id, user_id, "
        "nudge_check_at) VALUES (?, ?, ?, ?, ?)",
        [(pid, platform, community_id, uid, nudge_first_at.isoformat()) for uid in members],
    )
    conn.executemany(
        f"DELETE FROM partner_pool WHERE {_MEMBER}",
        [(platform, community_id, uid) for uid in members],
    )
    return pid


def _active_partnership(conn: sqlite3.Connection, key: MemberKey) -> Partnership | None:
    row = conn.execute(
        "SELECT p.id, p.started_at FROM partnerships p JOIN partnership_members m "
        "ON m.partnership_id = p.id WHERE m.platform = ? AND m.community_id = ? AND m.user_id = ? "
        "AND m.left_at IS NULL AND p.ended_at IS NULL",
        _key_params(key),
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


def _leave(conn: sqlite3.Connection, key: MemberKey, now: datetime) -> Left | None:
    current = _active_partnership(conn, key)
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


# --- privacy ---------------------------------------------------------------------------------------

PRIVACY_TABLES = (
    "partner_pool",
    "partner_proposals",
    "partner_proposal_members",
    "partnerships",
    "partnership_members",
    "partner_blocks",
    "partner_sos",
    "partner_notices",
)


def privacy_handler(now: Callable[[], datetime]) -> DataHandler:
    """Export and delete for every partners table: only the member's own view is exported;
    deleting a member closes what they were part of and queues a neutral notice for others."""
    return DataHandler(
        "partners", PRIVACY_TABLES, _export, lambda conn, key: _delete(conn, key, now())
    )


def _export(conn: sqlite3.Connection, key: MemberKey) -> dict[str, Any]:
    clause, params = scope_clause(key)
    out: dict[str, Any] = {}
    out["pool"] = rows_as_dicts(
        conn.execute(f"SELECT * FROM partner_pool WHERE {clause}", params),
        drop=("platform", "user_id"),
    )
    proposals = []
    for pid, answer in conn.execute(
        f"SELECT proposal_id, answer FROM partner_proposal_members WHERE {clause} ORDER BY proposal_id",
        params,
    ).fetchall():
        proposal = _load_proposal(conn, pid)
        if proposal is not None:
            proposals.append(
                {
                    "id": pid,
                    "community_id": proposal.community_id,
                    "created_at": proposal.created_at.isoformat(),
                    "status": proposal.status,
                    "your_answer": answer,
                    "with": proposal.others(key.user_id),
                }
            )
    out["proposals"] = proposals
    partnerships = []
    for pid, left in conn.execute(
        f"SELECT partnership_id, left_at FROM partnership_members WHERE {clause} "
        "ORDER BY partnership_id",
        params,
    ).fetchall():
        row = conn.execute(
            "SELECT community_id, started_at, ended_at FROM partnerships WHERE id = ?", (pid,)
        ).fetchone()
        others = [
            r[0]
            for r in conn.execute(
                "SELECT user_id FROM partnership_members WHERE partnership_id = ? AND user_id != ? "
                "ORDER BY user_id",
                (pid, key.user_id),
            )
        ]
        partnerships.append(
            {
                "id": pid,
                "community_id": row[0],
                "started_at": row[1],
                "you_left_at": left,
                "ended_at": row[2],
                "with": others,
            }  # fmt: skip
        )
    out["partnerships"] = partnerships
    out["blocks"] = rows_as_dicts(
        conn.execute(f"SELECT * FROM partner_blocks WHERE {clause}", params),
        drop=("platform", "user_id"),
    )
    out["sos"] = rows_as_dicts(
        conn.execute(f"SELECT * FROM partner_sos WHERE {clause}", params),
        drop=("platform", "user_id"),
    )
    out["notices"] = rows_as_dicts(
        conn.execute(f"SELECT kind, due_at FROM partner_notices WHERE {clause}", params)
    )
    return {name: rows for name, rows in out.items() if rows}


def _delete(conn: sqlite3.Connection, key: MemberKey, now: datetime) -> int:
    clause, params = scope_clause(key)
    stamp = now.isoformat()
    memberships = conn.execute(
        f"SELECT community_id FROM partnership_members WHERE {clause} AND left_at IS NULL", params
    ).fetchall()
    for (community_id,) in memberships:
        left = _leave(conn, MemberKey(key.platform, community_id, key.user_id), now)
        if left is not None:
            kind = "partnership_ended" if left.ended else "partner_left"
            _notify(conn, key.platform, community_id, left.remaining, kind, stamp)
    pending = conn.execute(
        f"SELECT community_id FROM partner_proposal_members WHERE {clause}", params
    ).fetchall()
    for (community_id,) in {tuple(r) for r in pending}:
        member = MemberKey(key.platform, community_id, key.user_id)
        others = _close_pending(conn, member, "cancelled", now)
        _notify(conn, key.platform, community_id, others, "proposal_closed", stamp)
    removed = 0
    for table in ("partnership_members", "partner_proposal_members", "partner_pool",
                  "partner_sos", "partner_notices", "partner_blocks"):  # fmt: skip
        removed += conn.execute(f"DELETE FROM {table} WHERE {clause}", params).rowcount
    # Another member's block of this member protects them, not us: it stays, against a keyed
    # one-way hash of the id instead of the id (matching still honours it if they return).
    blocked_clause, blocked_params = scope_clause(key, "blocked_id")
    removed += conn.execute(
        f"UPDATE OR REPLACE partner_blocks SET blocked_id = ? WHERE {blocked_clause}",
        (pseudonym(conn, key.platform, key.user_id), *blocked_params),
    ).rowcount
    # Proposals and partnerships nobody belongs to any more.
    conn.execute(
        "DELETE FROM partner_proposals WHERE platform = ? AND NOT EXISTS "
        "(SELECT 1 FROM partner_proposal_members m WHERE m.proposal_id = partner_proposals.id)",
        (key.platform,),
    )
    conn.execute(
        "DELETE FROM partnerships WHERE platform = ? AND NOT EXISTS "
        "(SELECT 1 FROM partnership_members m WHERE m.partnership_id = partnerships.id)",
        (key.platform,),
    )
    return removed


def _notify(
    conn: sqlite3.Connection,
    platform: str,
    community_id: str,
    users: Iterable[str],
    kind: str,
    stamp: str,
) -> None:
    conn.executemany(
        "INSERT INTO partner_notices (platform, community_id, user_id, kind, due_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [(platform, community_id, uid, kind, stamp) for uid in users],
    )
