"""Values the support store returns, the request row and its statuses, and what every part of
:class:`storage.support.SupportStore` shares."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.db import Database
from storage.sql import instant

WAITING, ACTIVE, CLOSED, CANCELLED = "waiting", "active", "closed", "cancelled"
MEMBER = "platform = ? AND community_id = ? AND user_id = ?"
COLUMNS = (
    "id, platform, community_id, user_id, display_name, kind, topics, minutes, note, status, "
    "created_at, claimed_at, closed_at, supporter_id, handoffs, outcome, ended_by, last_place, "
    "next_update_at, space"
)
PRIVATELY = "private"  # `space` when no private space could open: each was written to privately


@dataclass(frozen=True)
class Request:
    """One request for support, and the session it became."""

    id: int
    platform: str
    community_id: str
    user_id: str
    display_name: str
    kind: str
    topics: tuple[str, ...]
    minutes: int
    note: str | None
    status: str
    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None
    supporter_id: str | None
    handoffs: int
    outcome: str | None
    ended_by: str | None
    last_place: int | None
    next_update_at: datetime | None
    space: str | None = None  # the private space's handle; None while it is being opened


@dataclass(frozen=True)
class SupporterSettings:
    """A supporter's own choices."""

    max_sessions: int = 1
    call_me: bool = False
    nudged_for: datetime | None = None


@dataclass(frozen=True)
class Stats:
    """Counts for moderators: no content, no member names."""

    requests: int
    claimed: int
    cancelled: int
    median_wait_min: int | None
    sessions_by_supporter: tuple[int, ...]  # sessions per supporter, largest first, unnamed
    ratings: tuple[int, ...]


def request_from_row(row: Any) -> Request:
    """A :class:`Request` from a row of :data:`COLUMNS`."""
    return Request(
        id=int(row[0]),
        platform=row[1],
        community_id=row[2],
        user_id=row[3],
        display_name=row[4],
        kind=row[5],
        topics=tuple(t for t in row[6].split(",") if t),
        minutes=int(row[7]),
        note=row[8],
        status=row[9],
        created_at=instant(row[10]),  # type: ignore[arg-type]
        claimed_at=instant(row[11]),
        closed_at=instant(row[12]),
        supporter_id=row[13],
        handoffs=int(row[14]),
        outcome=row[15],
        ended_by=row[16],
        last_place=row[17],
        next_update_at=instant(row[18]),
        space=row[19],
    )


def one_request(conn: sqlite3.Connection, sql: str, params: tuple) -> Request | None:
    """The request matching ``sql`` (a WHERE clause), if any."""
    row = conn.execute(f"SELECT {COLUMNS} FROM support_requests WHERE {sql}", params).fetchone()
    return request_from_row(row) if row else None


class StoreBase:
    """What every part of :class:`storage.support.SupportStore` shares."""

    db: Database

    UPDATE_EVERY = timedelta(minutes=30)
    # A claimed session's space should be open well within this; if not (the bot stopped between
    # the claim and opening it), the due work finds it and opens it then.
    SPACE_GRACE = timedelta(minutes=5)
    # Each handoff closes the member's space and opens a new one with someone new: after this
    # many, the session stays with whoever holds it.
    MAX_HANDOFFS = 3
