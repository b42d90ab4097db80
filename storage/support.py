"""Support requests, sessions, feedback and supporters' settings (issue 21).

A request moves waiting -> active (claimed) -> closed, or waiting -> cancelled. Every change is
one conditional UPDATE, so two supporters claiming at once, or a member cancelling while a
supporter claims, leave exactly one winner. Nothing said in a session is stored here.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.data_handlers import (
    DataHandler,
    member_table,
    pseudonym,
    rows_as_dicts,
    scope_clause,
)
from storage.db import Database, MemberKey
from storage.sql import instant, iso, key_params, serialise

WAITING, ACTIVE, CLOSED, CANCELLED = "waiting", "active", "closed", "cancelled"
MEMBER = "platform = ? AND community_id = ? AND user_id = ?"
COLUMNS = (
    "id, platform, community_id, user_id, display_name, kind, topics, minutes, note, status, "
    "created_at, claimed_at, closed_at, supporter_id, handoffs, outcome, ended_by, last_place, "
    "next_update_at, space"
)
# A request taken back this soon, before a supporter took it, doesn't count towards the daily
# limit (up to three times the limit in all, so a fumbling member can't flood the supporters).
TAKEN_BACK = timedelta(minutes=10)
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


def _request(row: Any) -> Request:
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


def _taken_back_at_once(row: Any) -> bool:
    """A request the member cancelled within TAKEN_BACK of asking, before a supporter took it
    (a fumble, a change of mind): it doesn't count towards the daily limit."""
    status, ended_by, claimed_at, created_at, closed_at = row
    if status != CANCELLED or ended_by != "member" or claimed_at is not None or not closed_at:
        return False
    return instant(closed_at) - instant(created_at) <= TAKEN_BACK  # type: ignore[operator]


def _one(conn: sqlite3.Connection, sql: str, params: tuple) -> Request | None:
    row = conn.execute(f"SELECT {COLUMNS} FROM support_requests WHERE {sql}", params).fetchone()
    return _request(row) if row else None


class SupportStore:
    """The support tables."""

    UPDATE_EVERY = timedelta(minutes=30)
    # A claimed session's space should be open well within this; if not (the bot stopped between
    # the claim and opening it), the due work finds it and opens it then.
    SPACE_GRACE = timedelta(minutes=5)
    # Each handoff closes the member's space and opens a new one with someone new: after this
    # many, the session stays with whoever holds it.
    MAX_HANDOFFS = 3

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- members ---------------------------------------------------------------------------

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
            if _one(conn, f"{MEMBER} AND status IN (?, ?)", (*key_params(key), WAITING, ACTIVE)):
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
            return _one(conn, "id = ?", (row[0],)), ""

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
            old = _one(conn, "id = ? AND status = ?", (request_id, WAITING))
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
            return _one(conn, "id = ?", (request_id,))

        return await self.db.write(write)

    async def open_for(self, key: MemberKey) -> Request | None:
        """The member's waiting or active request, if any."""
        return await self.db.read(
            lambda c: _one(c, f"{MEMBER} AND status IN (?, ?)", (*key_params(key), WAITING, ACTIVE))
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
            return [_request(r) for r in rows]

        return await self.db.read(read)

    async def get(self, platform: str, community_id: str, request_id: int) -> Request | None:
        """One request of this community."""
        return await self.db.read(
            lambda c: _one(
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
            return [_request(r) for r in rows]

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
            return _one(conn, "id = ?", (request_id,)) if done else None

        return await self.db.write(write)

    # --- the queue -------------------------------------------------------------------------

    async def waiting(self, platform: str, community_id: str) -> list[Request]:
        """Waiting requests, oldest first (the queue's order)."""
        return await self._by_status(platform, community_id, WAITING)

    async def active(self, platform: str, community_id: str) -> list[Request]:
        """Sessions going on now."""
        return await self._by_status(platform, community_id, ACTIVE)

    async def _by_status(self, platform: str, community_id: str, status: str) -> list[Request]:
        def read(conn: sqlite3.Connection) -> list[Request]:
            rows = conn.execute(
                f"SELECT {COLUMNS} FROM support_requests WHERE platform = ? AND community_id = ? "
                "AND status = ? ORDER BY created_at, id",
                (platform, community_id, status),
            ).fetchall()
            return [_request(r) for r in rows]

        return await self.db.read(read)

    async def claim(
        self,
        platform: str,
        community_id: str,
        request_id: int | None,
        supporter: str,
        now: datetime,
        limit: int | None = None,
    ) -> Request | None:
        """Take one waiting request (the oldest when ``request_id`` is None); None when there
        is none, or another supporter took it first, or (``limit``) the supporter already holds
        that many sessions: counted in the same write, so two claims at once can't both fit."""

        def write(conn: sqlite3.Connection) -> Request | None:
            if limit is not None:
                # two claims by one supporter at once (a double tap, two processes): the
                # second counts after the first has committed
                serialise(conn, f"support-claims:{platform}:{community_id}:{supporter}")
                holding = conn.execute(
                    "SELECT COUNT(*) FROM support_requests WHERE platform = ? AND "
                    "community_id = ? AND status = ? AND supporter_id = ?",
                    (platform, community_id, ACTIVE, supporter),
                ).fetchone()[0]
                if holding >= limit:
                    return None
            where = "platform = ? AND community_id = ? AND status = ? AND user_id <> ?"
            params: tuple = (platform, community_id, WAITING, supporter)
            if request_id is not None:
                where += " AND id = ?"
                params += (request_id,)
            row = conn.execute(
                f"SELECT id FROM support_requests WHERE {where} ORDER BY created_at, id LIMIT 1",
                params,
            ).fetchone()
            if row is None:
                return None
            done = conn.execute(
                "UPDATE support_requests SET status = ?, supporter_id = ?, claimed_at = ?, "
                "next_update_at = ?, space = NULL WHERE id = ? AND status = ?",
                (ACTIVE, supporter, iso(now), iso(now + self.SPACE_GRACE), row[0], WAITING),
            ).rowcount
            return _one(conn, "id = ?", (row[0],)) if done else None

        return await self.db.write(write)

    async def hand_over(self, request_id: int, from_id: str, to_id: str, now: datetime) -> bool:
        """Pass an active session from one supporter to another; its new space is to open."""

        def write(conn: sqlite3.Connection) -> bool:
            return bool(
                conn.execute(
                    "UPDATE support_requests SET supporter_id = ?, handoffs = handoffs + 1, "
                    "space = NULL, next_update_at = ? "
                    "WHERE id = ? AND status = ? AND supporter_id = ? AND handoffs < ?",
                    (
                        to_id,
                        iso(now + self.SPACE_GRACE),
                        request_id,
                        ACTIVE,
                        from_id,
                        self.MAX_HANDOFFS,
                    ),
                ).rowcount
            )

        return await self.db.write(write)

    async def set_space(self, request_id: int, supporter: str, space: str, now: datetime) -> bool:
        """Record the opened space of a session still held by ``supporter``; its next update
        is half an hour away. False when the session ended or moved on meanwhile."""

        def write(conn: sqlite3.Connection) -> bool:
            return bool(
                conn.execute(
                    "UPDATE support_requests SET space = ?, next_update_at = ? "
                    "WHERE id = ? AND status = ? AND supporter_id = ?",
                    (space, iso(now + self.UPDATE_EVERY), request_id, ACTIVE, supporter),
                ).rowcount
            )

        return await self.db.write(write)

    async def requeue(self, request_id: int, supporter: str, now: datetime) -> bool:
        """Put an active session back in the queue (its supporter is gone); it keeps its
        original time, so it is at or near the front."""

        def write(conn: sqlite3.Connection) -> bool:
            return bool(
                conn.execute(
                    "UPDATE support_requests SET status = ?, supporter_id = NULL, claimed_at = NULL, "
                    "next_update_at = ?, last_place = NULL, space = NULL WHERE id = ? "
                    "AND status = ? "
                    "AND supporter_id = ?",
                    (WAITING, iso(now + self.UPDATE_EVERY), request_id, ACTIVE, supporter),
                ).rowcount
            )

        return await self.db.write(write)

    async def stop_updates(self, request_id: int) -> None:
        """No more half-hourly updates for a request still waiting (its claim or a requeue
        makes it due again)."""
        await self.db.write(
            lambda c: c.execute(
                "UPDATE support_requests SET next_update_at = NULL WHERE id = ? AND status = ?",
                (request_id, WAITING),
            )
        )

    async def set_place(self, request_id: int, place: int) -> None:
        """Remember the place the member was last told."""
        await self.db.write(
            lambda c: c.execute(
                "UPDATE support_requests SET last_place = ? WHERE id = ?", (place, request_id)
            )
        )

    async def waits(self, platform: str, community_id: str, since: datetime) -> list[int]:
        """Minutes waited by requests claimed since ``since``."""
        rows = await self.db.fetchall(
            "SELECT created_at, claimed_at FROM support_requests WHERE platform = ? "
            "AND community_id = ? AND claimed_at IS NOT NULL AND claimed_at > ?",
            (platform, community_id, iso(since)),
        )
        return [
            int((instant(r[1]) - instant(r[0])).total_seconds() // 60)  # type: ignore[operator]
            for r in rows
        ]

    # --- feedback and stats ----------------------------------------------------------------

    async def feedback(
        self, key: MemberKey, request_id: int, rating: int, word: str | None, now: datetime
    ) -> bool:
        """Keep the member's rating of one of their closed sessions (the latest answer wins)."""

        def write(conn: sqlite3.Connection) -> bool:
            mine = _one(
                conn, f"{MEMBER} AND id = ? AND status = ?", (*key_params(key), request_id, CLOSED)
            )
            if mine is None:
                return False
            conn.execute(
                "INSERT INTO support_feedback (platform, community_id, user_id, request_id, rating, "
                "word, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (platform, community_id, request_id) "
                "DO UPDATE SET rating = excluded.rating, word = excluded.word",
                (*key_params(key), request_id, rating, word, iso(now)),
            )
            return True

        return await self.db.write(write)

    async def stats(self, platform: str, community_id: str, since: datetime) -> Stats:
        """What moderators may see of the last days."""

        def read(conn: sqlite3.Connection) -> Stats:
            rows = conn.execute(
                "SELECT status, created_at, claimed_at, supporter_id FROM support_requests "
                "WHERE platform = ? AND community_id = ? AND created_at > ?",
                (platform, community_id, iso(since)),
            ).fetchall()
            waits = sorted(
                int((instant(r[2]) - instant(r[1])).total_seconds() // 60)  # type: ignore[operator]
                for r in rows
                if r[2]
            )
            per: dict[str, int] = {}
            for r in rows:
                if r[2] and r[3]:
                    per[r[3]] = per.get(r[3], 0) + 1
            ratings = conn.execute(
                "SELECT rating FROM support_feedback WHERE platform = ? AND community_id = ? "
                "AND created_at > ?",
                (platform, community_id, iso(since)),
            ).fetchall()
            return Stats(
                requests=len(rows),
                claimed=len(waits),
                cancelled=sum(1 for r in rows if r[0] == CANCELLED),
                median_wait_min=waits[len(waits) // 2] if waits else None,
                sessions_by_supporter=tuple(sorted(per.values(), reverse=True)),
                ratings=tuple(int(r[0]) for r in ratings),
            )

        return await self.db.read(read)

    # --- supporters ------------------------------------------------------------------------

    async def settings(self, key: MemberKey) -> SupporterSettings:
        """A supporter's settings (defaults when never set)."""
        row = await self.db.fetchone(
            f"SELECT max_sessions, call_me, nudged_for FROM support_supporters WHERE {MEMBER}",
            key_params(key),
        )
        if row is None:
            return SupporterSettings()
        return SupporterSettings(int(row[0]), bool(row[1]), instant(row[2]))

    async def set_settings(self, key: MemberKey, settings: SupporterSettings) -> None:
        """Save a supporter's settings."""
        nudged = iso(settings.nudged_for) if settings.nudged_for else None
        await self.db.write(
            lambda c: c.execute(
                "INSERT INTO support_supporters (platform, community_id, user_id, max_sessions, "
                "call_me, nudged_for) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (platform, community_id, user_id) DO UPDATE SET "
                "max_sessions = excluded.max_sessions, call_me = excluded.call_me, "
                "nudged_for = excluded.nudged_for",
                (*key_params(key), settings.max_sessions, int(settings.call_me), nudged),
            )
        )

    async def arm_nudge(self, key: MemberKey, since: datetime, at: datetime) -> None:
        """A duty stretch began at ``since``: the long-duty nudge falls due at ``at``."""
        await self.db.write(
            lambda c: c.execute(
                "INSERT INTO support_supporters (platform, community_id, user_id, duty_since, "
                "nudge_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (platform, community_id, user_id) DO UPDATE SET "
                "duty_since = excluded.duty_since, nudge_at = excluded.nudge_at",
                (*key_params(key), iso(since), iso(at)),
            )
        )

    async def arm_slot(self, key: MemberKey, at: datetime | None) -> None:
        """The supporter's next rota slot begins at ``at`` (None: they have none)."""
        await self.db.write(
            lambda c: c.execute(
                "INSERT INTO support_supporters (platform, community_id, user_id, slot_at) "
                "VALUES (?, ?, ?, ?) "
                "ON CONFLICT (platform, community_id, user_id) DO UPDATE SET "
                "slot_at = excluded.slot_at",
                (*key_params(key), iso(at) if at is not None else None),
            )
        )

    async def call_me(self, platform: str, community_id: str) -> list[str]:
        """Supporters who asked to be called when nobody is on duty."""
        rows = await self.db.fetchall(
            "SELECT user_id FROM support_supporters WHERE platform = ? AND community_id = ? "
            "AND call_me = 1 ORDER BY user_id",
            (platform, community_id),
        )
        return [r[0] for r in rows]


def privacy_handlers() -> list[DataHandler]:
    """Export and deletion: a member's requests and feedback; a supporter's settings, and the
    sessions they held (dates only; their id is replaced by a pseudonym on deletion so the
    community's counts stay right without naming them)."""

    def export_requests(conn: sqlite3.Connection, key: MemberKey) -> dict[str, Any]:
        clause, params = scope_clause(key)
        own = conn.execute(
            f"SELECT id, community_id, kind, topics, minutes, note, status, created_at, "
            f"claimed_at, closed_at, handoffs, outcome, ended_by FROM support_requests "
            f"WHERE {clause} ORDER BY id",
            params,
        )
        requests = rows_as_dicts(own)
        clause, params = scope_clause(key, "supporter_id")
        held = conn.execute(
            f"SELECT id, community_id, kind, created_at, claimed_at, closed_at, outcome "
            f"FROM support_requests WHERE {clause} ORDER BY id",
            params,
        )
        sessions = rows_as_dicts(held)
        if not requests and not sessions:
            return {}
        return {"requests": requests, "sessions_held_as_supporter": sessions}

    def delete_requests(conn: sqlite3.Connection, key: MemberKey) -> int:
        clause, params = scope_clause(key)
        removed = conn.execute(f"DELETE FROM support_requests WHERE {clause}", params).rowcount
        clause, params = scope_clause(key, "supporter_id")
        held = conn.execute(
            f"UPDATE support_requests SET supporter_id = ? WHERE {clause}",
            [pseudonym(conn, key.platform, key.user_id), *params],
        ).rowcount
        return removed + held

    return [
        DataHandler("support requests", ("support_requests",), export_requests, delete_requests),
        member_table("support feedback", "support_feedback"),
        member_table("support settings", "support_supporters"),
    ]
