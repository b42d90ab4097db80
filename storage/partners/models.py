"""Values the partners repository returns, and SQL fragments its modules share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Database

PENDING = "pending"
ANSWERS = ("accept", "decline")

MEMBER = "platform = ? AND community_id = ? AND user_id = ?"
# The pool member's own timezone setting (a correlated subquery on the primary key).
ZONE = (
    "(SELECT ms.value FROM member_settings ms WHERE ms.platform = p.platform "
    "AND ms.community_id = p.community_id AND ms.user_id = p.user_id AND ms.key = 'timezone') "
)


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


class StoreBase:
    """What every part of :class:`storage.partners.PartnerStore` shares."""

    db: Database
    # Members who may be in a partnership (see PartnerStore.__init__).
    _maybe_partnered: set[tuple[str, str, str]]
    _shared: bool  # other processes write to the database too: the set is not trusted
