"""Accountability partners: the pool, proposals, partnerships, blocks, SOS counts and notices.

Proposals and partnerships have one row per member (``partner_proposal_members``,
``partnership_members``) so that pairs and trios are stored alike. Instants are ISO-8601 UTC
text; dates are member-local ``YYYY-MM-DD``. One module per entity; :class:`PartnerStore`
puts them together.
"""

from __future__ import annotations

from storage.db import Database
from storage.partners.blocks import BlockRepo
from storage.partners.data_handler import PRIVACY_TABLES, privacy_handler
from storage.partners.models import (
    ANSWERS,
    PENDING,
    Answered,
    Left,
    Notice,
    NudgeCheck,
    NudgeUpdate,
    Overview,
    Partnership,
    PoolEntry,
    Proposal,
)
from storage.partners.notices import NOTICES_DUE
from storage.partners.nudges import NUDGES_DUE, NudgeRepo
from storage.partners.partnerships import PartnershipRepo
from storage.partners.pool import PoolRepo
from storage.partners.proposals import EXPIRING, ProposalRepo
from storage.partners.schedules import MATCHING_DUE, ScheduleRepo
from storage.sql import POSTGRESQL, dialect

__all__ = [
    "ANSWERS",
    "EXPIRING",
    "MATCHING_DUE",
    "NOTICES_DUE",
    "NUDGES_DUE",
    "PENDING",
    "PRIVACY_TABLES",
    "Answered",
    "Left",
    "Notice",
    "NudgeCheck",
    "NudgeUpdate",
    "Overview",
    "PartnerStore",
    "Partnership",
    "PoolEntry",
    "Proposal",
    "privacy_handler",
]


class PartnerStore(PoolRepo, ProposalRepo, PartnershipRepo, BlockRepo, NudgeRepo, ScheduleRepo):
    """SQL for the partners feature."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # Members who may be in a partnership (a superset: a stale entry costs one read). Asking
        # "who is my partner?" on every check-in then needs no database round trip for the
        # many members who have none.
        self._maybe_partnered: set[tuple[str, str, str]] = set()
        # On PostgreSQL other processes write too: a member missing from this set may have been
        # paired by one of them, so every question goes to the database (read-through).
        self._shared = dialect(db) == POSTGRESQL

    async def load(self) -> None:
        """Read who is in an active partnership (once, at start-up)."""
        rows = await self.db.fetchall(
            "SELECT m.platform, m.community_id, m.user_id FROM partnership_members m "
            "JOIN partnerships p ON p.id = m.partnership_id "
            "WHERE p.ended_at IS NULL AND m.left_at IS NULL"
        )
        self._maybe_partnered.update((r[0], r[1], r[2]) for r in rows)
