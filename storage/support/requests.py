"""A member's side of the support tables: asking, adding details, their open and past requests,
and ending one (cancelled or closed)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

from storage.data_handlers import scope_clause
from storage.db import MemberKey
from storage.sql import instant, iso, key_params
from storage.support.models import (
    ACTIVE,
    CANCELLED,
    COLUMNS,
    MEMBER,
    WAITING,
    Request,
    StoreBase,
    one_request,
    request_from_row,
)

# A request taken back this soon, before a supporter took it, doesn't count towards the daily
# limit (up to three times the limit in all, so a fumbling member can't flood the supporters).
TAKEN_BACK = timedelta(minutes=10)


def _taken_back_at_once(row: Any) -> bool:
    """A request the member cancelled within TAKEN_BACK of asking, before a supporter took it
    (a fumble, a change of mind): it doesn't count towards the daily limit."""
    status, ended_by, claimed_at, created_at, closed_at = row
    if status != CANCELLED or ended_by != "member" or claimed_at is not None or not closed_at:
        return False
    return instant(closed_at) - instant(created_at) <= TAKEN_BACK  # type: ignore[operator]


class RequestRepo(StoreBase):
    """Requests as their member makes and ends them."""

    async def add(
        self,
        key: MemberKey,
        name: str,
        form: tuple[str, tuple[str, ...], int, str | None],
        now: datetime,
        daily_limit: int,
    ) -> tuple[Request | None, str]:
        """Queue a request. Returns (request, "") or (None, "open" | "limit"), changing nothing
        when the member already has one open or asked ``daily_limit`` times in 24 hours (not
        counting requests they took back within TAKEN_BACK, unless they asked three times the
        limit in all)."""
        kind, topics, minutes, note = form

        def write(conn: sqlite3.Connection) -> tuple[Request | None, str]:
            if one_request(
                conn, f"{MEMBER} AND status IN (?, ?)", (*key_params(key), WAITING, ACTIVE)
            ):
                return None, "open"
            rows = conn.execute(
                "SELECT status, ended_by, claimed_at, created_at, closed_at FROM "
                f"support_requests WHERE {MEMBER} AND created_at > ?",
                (*key_params(key), iso(now - timedelta(days=1))),
            ).fetchall()
            counted = [r for r in rows if not _taken_back_at_once(r)]
            if len(counted) >= daily_limit or len(rows) >= daily_limit * 3:
                return None, "limit"
            row = conn.execute(
                "INSERT INTO support_requests (platform, community_id, user_id, display_name, "
                "kind, topics, minutes, note, status, created_at, next_update_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    *key_params(key),
                    name,
                    kind,
                    ",".join(topics),
                    minutes,
                    note,
                    WAITING,
                    iso(now),
                    iso(now + self.UPDATE_EVERY),
                ),
            ).fetchone()
            return one_request(conn, "id = ?", (row[0],)), ""

        return await self.db.write(write)

    async def asked_in_a_day(self, key: MemberKey, now: datetime) -> int:
        """How many requests the member made in the 24 hours before ``now`` (all of them)."""
        row = await self.db.fetchone(
            f"SELECT COUNT(*) FROM support_requests WHERE {MEMBER} AND created_at > ?",
            (*key_params(key), iso(now - timedelta(days=1))),
        )
        return int(row[0]) if row else 0

    async def add_details(
        self,
        request_id: int,
        kind: str | None,
        topics: tuple[str, ...],
        minutes: int | None,
        note: str | None,
        max_note: int,
    ) -> Request | None:
        """Details typed again while a request waits: a new kind or time replaces the old,
        topics are added, a note follows the earlier one (the new one alone when both would be
        over ``max_note``); the same request typed twice changes nothing. None when it no longer
        waits (claimed or ended meanwhile)."""

        def write(conn: sqlite3.Connection) -> Request | None:
            old = one_request(conn, "id = ? AND status = ?", (request_id, WAITING))
            if old is None:
                return None
            merged = old.topics + tuple(t for t in topics if t not in old.topics)
            text = old.note
            if note and note not in (old.note or ""):  # a second tap adds nothing twice
                both = f"{old.note}\n\n{note}" if old.note else note
                text = both if len(both) <= max_note else note
            conn.execute(
                "UPDATE support_requests SET kind = ?, topics = ?, minutes = ?, note = ? "
                "WHERE id = ? AND status = ?",
                (
                    kind or old.kind,
                    ",".join(merged),
                    minutes or old.minutes,
                    text,
                    request_id,
                    WAITING,
                ),
            )
            return one_request(conn, "id = ?", (request_id,))

        return await self.db.write(write)

    async def open_for(self, key: MemberKey) -> Request | None:
        """The member's waiting or active request, if any."""
        return await self.db.read(
            lambda c: one_request(
                c, f"{MEMBER} AND status IN (?, ?)", (*key_params(key), WAITING, ACTIVE)
            )
        )

    async def open_anywhere(self, key: MemberKey) -> list[Request]:
        """The member's waiting or active requests in one community, or in every community of
        the platform when ``key.community_id`` is None; and the active sessions they hold as
        a supporter there."""
        clause, params = scope_clause(key)
        held, held_params = scope_clause(key, "supporter_id")

        def read(conn: sqlite3.Connection) -> list[Request]:
            rows = conn.execute(
                f"SELECT {COLUMNS} FROM support_requests WHERE status IN (?, ?) "
                f"AND (({clause}) OR ({held})) ORDER BY id",
                (WAITING, ACTIVE, *params, *held_params),
            ).fetchall()
            return [request_from_row(r) for r in rows]

        return await self.db.read(read)

    async def get(self, platform: str, community_id: str, request_id: int) -> Request | None:
        """One request of this community."""
        return await self.db.read(
            lambda c: one_request(
                c,
                "platform = ? AND community_id = ? AND id = ?",
                (platform, community_id, request_id),
            )
        )

    async def history(self, key: MemberKey, limit: int = 20) -> list[Request]:
        """The member's own requests, newest first."""

        def read(conn: sqlite3.Connection) -> list[Request]:
            rows = conn.execute(
                f"SELECT {COLUMNS} FROM support_requests WHERE {MEMBER} "
                "ORDER BY created_at DESC, id DESC LIMIT ?",
                (*key_params(key), limit),
            ).fetchall()
            return [request_from_row(r) for r in rows]

        return await self.db.read(read)

    async def finish(
        self,
        request_id: int,
        status_from: str,
        status_to: str,
        by: str,
        outcome: str | None,
        now: datetime,
    ) -> Request | None:
        """Move a request from ``status_from`` to ``status_to`` (cancelled or closed); None when
        it had already moved (someone else got there first)."""

        def write(conn: sqlite3.Connection) -> Request | None:
            done = conn.execute(
                "UPDATE support_requests SET status = ?, closed_at = ?, ended_by = ?, outcome = ?, "
                "next_update_at = NULL WHERE id = ? AND status = ?",
                (status_to, iso(now), by, outcome, request_id, status_from),
            ).rowcount
            return one_request(conn, "id = ?", (request_id,)) if done else None

        return await self.db.write(write)
