"""Meetings: facilitators' recurring sessions, cancelled dates, RSVPs, attendance counts and the
meeting finder's outside meetings.

Two kinds of due rows (claimed by the scheduler in the transaction that moves them on):
``meetings.next_at`` is the start of the next occurrence not yet opened ("the room is open"),
``meeting_rsvps.next_at`` a member's reminder or "it's starting" notice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.data_handlers import DataHandler, member_table, rows_as_dicts, scope_clause
from storage.db import Database, MemberKey
from storage.due import COMMUNITY_ZONE, DueTable
from storage.sql import instant, iso, row_lock

ACTIVE, CANCELLED, FINISHED = "active", "cancelled", "finished"
REMIND, START = "remind", "start"

_OCCURRENCE_CANCELLED = (
    "(SELECT COUNT(*) FROM meeting_cancellations c "
    "WHERE c.meeting_id = t.id AND c.starts_at = t.next_at)"
)

OPENINGS = DueTable(
    "meetings",
    at="next_at",
    key=("id",),
    columns={"schedule": "t.schedule", "zone": COMMUNITY_ZONE, "cancelled": _OCCURRENCE_CANCELLED},
    where="t.state = 'active'",
)

NOTICES = DueTable(
    "meeting_rsvps",
    at="next_at",
    key=("community_id", "user_id", "meeting_id", "starts_at"),
    columns={"stage": "t.stage", "remind_minutes": "t.remind_minutes"},
)

# When a listed occurrence ends, the platform's listing moves on to the next start.
LISTINGS = DueTable("meetings", at="listing_until", key=("id",))

_MEETING_COLUMNS = (
    "id, platform, community_id, created_by, title, description, schedule, length_minutes, "
    "where_channel, where_link, cap, state, next_at, native_id, native_at, created_at"
)


@dataclass(frozen=True)
class Meeting:
    """One meeting as stored."""

    id: int
    platform: str
    community_id: str
    created_by: str | None
    title: str
    description: str | None
    schedule: str
    length_minutes: int
    where_channel: str | None
    where_link: str | None
    cap: int | None
    state: str
    next_at: datetime | None
    native_id: str | None
    native_at: datetime | None
    created_at: datetime  # when it was planned: it met no earlier


@dataclass(frozen=True)
class Rsvp:
    """A member's RSVP to one occurrence."""

    user_id: str
    meeting_id: int
    starts_at: datetime
    remind_minutes: int


REMINDER_AHEAD = "ahead"  # a reminder will come before the start
REMINDER_SENT = "sent"  # it already went out: only "it's starting" is left
REMINDER_LATE = "late"  # asked for too close to the start: only "it's starting"
REMINDER_OFF = "off"  # none asked for


@dataclass(frozen=True)
class RsvpResult:
    """What an RSVP did (``new``, ``changed``, ``full``, ``too-many``) and which notices the
    member gets before the start (one of the ``REMINDER_*`` words, and for a reminder ahead how
    many minutes before)."""

    outcome: str
    reminder: str
    minutes: int = 0  # the reminder's minutes before the start, when one is ahead


@dataclass(frozen=True)
class OutsideMeeting:
    """A group outside this community, listed by the meeting finder."""

    id: int
    name: str
    organisation: str
    schedule: str
    zone: str
    language: str
    link: str


def _meeting(row: Any) -> Meeting:
    values = list(row)
    values[12] = instant(values[12])
    values[14] = instant(values[14])
    values[15] = instant(values[15])
    return Meeting(*values)


@dataclass(frozen=True)
class MeetingFields:
    """What a facilitator sets on a meeting."""

    title: str
    description: str | None
    schedule: str
    length_minutes: int
    where_channel: str | None
    where_link: str | None
    cap: int | None


class MeetingStore:
    """SQL for meetings; every method is one transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- meetings ---------------------------------------------------------------------------

    async def add(
        self,
        platform: str,
        community_id: str,
        created_by: str,
        fields: MeetingFields,
        next_at: datetime,
        now: datetime,
    ) -> int:
        def write(conn: sqlite3.Connection) -> int:
            row = conn.execute(
                "INSERT INTO meetings (platform, community_id, created_by, title, description, "
                "schedule, length_minutes, where_channel, where_link, cap, state, next_at, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    platform,
                    community_id,
                    created_by,
                    fields.title,
                    fields.description,
                    fields.schedule,
                    fields.length_minutes,
                    fields.where_channel,
                    fields.where_link,
                    fields.cap,
                    ACTIVE,
                    iso(next_at),
                    iso(now),
                ),
            ).fetchone()
            return int(row[0])

        return await self.db.write(write)

    async def get(self, platform: str, community_id: str, meeting_id: int) -> Meeting | None:
        row = await self.db.fetchone(
            f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE platform = ? AND community_id = ? "
            "AND id = ?",
            (platform, community_id, meeting_id),
        )
        return _meeting(row) if row else None

    async def list(self, platform: str, community_id: str, *, active_only: bool) -> list[Meeting]:
        state = " AND state = 'active'" if active_only else ""
        rows = await self.db.fetchall(
            f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE platform = ? AND community_id = ?"
            f"{state} ORDER BY id",
            (platform, community_id),
        )
        return [_meeting(r) for r in rows]

    async def update(self, meeting: Meeting, fields: MeetingFields, next_at: datetime) -> None:
        await self.db.execute(
            "UPDATE meetings SET title = ?, description = ?, schedule = ?, length_minutes = ?, "
            "where_channel = ?, where_link = ?, cap = ?, next_at = ?, state = ? WHERE id = ? "
            "AND state <> 'cancelled'",  # a cancelled meeting stays cancelled
            (
                fields.title,
                fields.description,
                fields.schedule,
                fields.length_minutes,
                fields.where_channel,
                fields.where_link,
                fields.cap,
                iso(next_at),
                ACTIVE,
                meeting.id,
            ),
        )

    async def replan(
        self,
        meeting_id: int,
        next_at: datetime | None,
        cancellations: dict[datetime, datetime | None],
        keep: Callable[[datetime], bool] = lambda start: False,
    ) -> list[Rsvp]:
        """The community's zone changed: the next start not yet opened is ``next_at`` (None:
        nothing more, the meeting is finished), each cancelled or skipped start moves to the
        same local date in the new zone (None: that date has no start there any more), and the
        RSVPs are dropped and returned (their starts are at another time now), except those
        whose start ``keep`` says is unchanged (a zone with the same clock)."""

        def write(conn: sqlite3.Connection) -> list[Rsvp]:
            conn.execute(
                "UPDATE meetings SET next_at = ?, state = ? WHERE id = ? AND state = 'active'",
                (iso(next_at) if next_at else None, ACTIVE if next_at else FINISHED, meeting_id),
            )
            kinds = dict(
                conn.execute(
                    "SELECT starts_at, kind FROM meeting_cancellations WHERE meeting_id = ?",
                    (meeting_id,),
                ).fetchall()
            )
            for old, new in cancellations.items():
                kind = kinds.get(iso(old))
                if kind is None:
                    continue
                conn.execute(
                    "DELETE FROM meeting_cancellations WHERE meeting_id = ? AND starts_at = ?",
                    (meeting_id, iso(old)),
                )
                if new is not None:
                    conn.execute(
                        "INSERT INTO meeting_cancellations (meeting_id, starts_at, kind) "
                        "VALUES (?, ?, ?) ON CONFLICT (meeting_id, starts_at) DO NOTHING",
                        (meeting_id, iso(new), kind),
                    )
            found = [
                r for r in _rsvps(conn, "meeting_id = ?", (meeting_id,)) if not keep(r.starts_at)
            ]
            for r in found:
                conn.execute(
                    "DELETE FROM meeting_rsvps WHERE meeting_id = ? AND starts_at = ? "
                    "AND user_id = ?",
                    (meeting_id, iso(r.starts_at), r.user_id),
                )
            return found

        return await self.db.write(write)

    async def end(self, meeting_id: int, state: str) -> list[Rsvp]:
        """Cancel or finish a meeting: nothing more is due; returns (and drops) its RSVPs."""

        def write(conn: sqlite3.Connection) -> list[Rsvp]:
            found = _rsvps(conn, "meeting_id = ?", (meeting_id,))
            conn.execute("DELETE FROM meeting_rsvps WHERE meeting_id = ?", (meeting_id,))
            conn.execute(
                "UPDATE meetings SET state = ?, next_at = NULL WHERE id = ?", (state, meeting_id)
            )
            return found

        return await self.db.write(write)

    async def remove(self, meeting_id: int) -> list[Rsvp]:
        """Delete a meeting with its history; returns the RSVPs it had."""

        def write(conn: sqlite3.Connection) -> list[Rsvp]:
            found = _rsvps(conn, "meeting_id = ?", (meeting_id,))
            for table in ("meeting_rsvps", "meeting_cancellations", "meeting_attendance"):
                conn.execute(f"DELETE FROM {table} WHERE meeting_id = ?", (meeting_id,))
            conn.execute("DELETE FROM meetings WHERE id = ?", (meeting_id,))
            return found

        return await self.db.write(write)

    async def set_native(
        self,
        meeting_id: int,
        native_id: str | None,
        native_at: datetime | None,
        until: datetime | None = None,
    ) -> None:
        """The platform's listing, the start it shows and when that occurrence ends (then the
        listing moves on: ``LISTINGS``)."""
        await self.db.execute(
            "UPDATE meetings SET native_id = ?, native_at = ?, listing_until = ? WHERE id = ?",
            (
                native_id,
                iso(native_at) if native_at else None,
                iso(until) if until else None,
                meeting_id,
            ),
        )

    # --- occurrences ------------------------------------------------------------------------

    async def cancel_occurrence(
        self, meeting_id: int, starts_at: datetime, kind: str
    ) -> list[Rsvp]:
        """Mark one occurrence cancelled or skipped; returns (and drops) its RSVPs. An empty
        list with nothing changed when it was already off: see :meth:`cancelled`."""
        when = iso(starts_at)

        def write(conn: sqlite3.Connection) -> list[Rsvp]:
            conn.execute(
                "INSERT INTO meeting_cancellations (meeting_id, starts_at, kind) VALUES (?, ?, ?) "
                "ON CONFLICT (meeting_id, starts_at) DO NOTHING",
                (meeting_id, when, kind),
            )
            where = "meeting_id = ? AND starts_at = ?"
            found = _rsvps(conn, where, (meeting_id, when))
            conn.execute(f"DELETE FROM meeting_rsvps WHERE {where}", (meeting_id, when))
            return found

        return await self.db.write(write)

    async def cancelled(self, meeting_id: int) -> set[datetime]:
        rows = await self.db.fetchall(
            "SELECT starts_at FROM meeting_cancellations WHERE meeting_id = ?", (meeting_id,)
        )
        return {datetime.fromisoformat(r[0]) for r in rows}

    async def record_attendance(self, meeting_id: int, starts_at: datetime, count: int) -> None:
        await self.db.execute(
            "INSERT INTO meeting_attendance (meeting_id, starts_at, count) VALUES (?, ?, ?) "
            "ON CONFLICT (meeting_id, starts_at) DO UPDATE SET count = excluded.count",
            (meeting_id, iso(starts_at), count),
        )

    async def attendance(self, meeting_id: int) -> list[tuple[datetime, int]]:
        rows = await self.db.fetchall(
            "SELECT starts_at, count FROM meeting_attendance WHERE meeting_id = ? "
            "ORDER BY starts_at DESC",
            (meeting_id,),
        )
        return [(datetime.fromisoformat(r[0]), int(r[1])) for r in rows]

    # --- RSVPs ------------------------------------------------------------------------------

    async def rsvp(
        self,
        key: MemberKey,
        meeting_id: int,
        starts_at: datetime,
        remind_minutes: int,
        cap: int | None,
        most_per_member: int,
        now: datetime,
    ) -> RsvpResult:
        """RSVP (or change the reminder of an RSVP): ``new``, ``changed``, ``full`` or
        ``too-many``, and what the member will hear before the start. The checks and the write
        are one transaction that first locks the meeting's row (on PostgreSQL; SQLite has one
        writer at a time), so two RSVPs arriving at once cannot both take the last place."""
        when = iso(starts_at)
        member = (key.platform, key.community_id, key.user_id)

        def write(conn: sqlite3.Connection) -> RsvpResult:
            conn.execute(f"SELECT id FROM meetings WHERE id = ?{row_lock(conn)}", (meeting_id,))
            mine = "platform = ? AND community_id = ? AND user_id = ?"
            existing = conn.execute(
                f"SELECT stage, remind_minutes FROM meeting_rsvps WHERE {mine} "
                "AND meeting_id = ? AND starts_at = ?",
                (*member, meeting_id, when),
            ).fetchone()
            minutes, stage_now, next_now, reminder = _plan_reminder(
                starts_at, remind_minutes, now, existing
            )
            if existing is None:
                held = conn.execute(
                    f"SELECT COUNT(*) FROM meeting_rsvps WHERE {mine}", member
                ).fetchone()[0]
                if held >= most_per_member:
                    return RsvpResult("too-many", REMINDER_OFF)
                if cap is not None:
                    taken = conn.execute(
                        "SELECT COUNT(*) FROM meeting_rsvps WHERE meeting_id = ? AND starts_at = ?",
                        (meeting_id, when),
                    ).fetchone()[0]
                    if taken >= cap:
                        return RsvpResult("full", REMINDER_OFF)
            conn.execute(
                "INSERT INTO meeting_rsvps (platform, community_id, user_id, meeting_id, "
                "starts_at, remind_minutes, stage, next_at, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (platform, community_id, user_id, meeting_id, starts_at) DO UPDATE "
                "SET remind_minutes = excluded.remind_minutes, stage = excluded.stage, "
                "next_at = excluded.next_at",
                (*member, meeting_id, when, minutes, stage_now, iso(next_now), iso(now)),
            )
            return RsvpResult("changed" if existing else "new", reminder, minutes)

        return await self.db.write(write)

    async def leave(
        self, key: MemberKey, meeting_id: int, starts: list[datetime] | None = None
    ) -> int:
        """Take back a member's RSVPs to a meeting (only those for ``starts`` when given);
        how many were removed."""
        if starts is not None and not starts:
            return 0
        where = "platform = ? AND community_id = ? AND user_id = ? AND meeting_id = ?"
        params: tuple = (key.platform, key.community_id, key.user_id, meeting_id)
        if starts is not None:
            where += f" AND starts_at IN ({', '.join('?' for _ in starts)})"
            params += tuple(iso(s) for s in starts)
        return await self.db.execute(f"DELETE FROM meeting_rsvps WHERE {where}", params)  # noqa: S608

    async def member_rsvps(self, key: MemberKey) -> list[Rsvp]:
        return await self.db.read(
            lambda conn: _rsvps(
                conn,
                "platform = ? AND community_id = ? AND user_id = ?",
                (key.platform, key.community_id, key.user_id),
            )
        )

    async def rsvp_count(self, meeting_id: int, starts_at: datetime) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM meeting_rsvps WHERE meeting_id = ? AND starts_at = ?",
            (meeting_id, iso(starts_at)),
        )
        return int(row[0]) if row else 0

    async def drop_rsvps_not_at(self, meeting_id: int, keep: list[datetime]) -> list[Rsvp]:
        """After a schedule change: drop (and return) RSVPs for starts no longer planned."""
        kept = {iso(k) for k in keep}

        def write(conn: sqlite3.Connection) -> list[Rsvp]:
            gone = [
                r
                for r in _rsvps(conn, "meeting_id = ?", (meeting_id,))
                if iso(r.starts_at) not in kept
            ]
            for r in gone:
                conn.execute(
                    "DELETE FROM meeting_rsvps WHERE meeting_id = ? AND starts_at = ? "
                    "AND user_id = ?",
                    (meeting_id, iso(r.starts_at), r.user_id),
                )
            return gone

        return await self.db.write(write)

    # --- the meeting finder -----------------------------------------------------------------

    async def add_outside(
        self, platform: str, community_id: str, created_by: str, item: OutsideMeeting, now: datetime
    ) -> int:
        def write(conn: sqlite3.Connection) -> int:
            return int(
                conn.execute(
                    "INSERT INTO outside_meetings (platform, community_id, created_by, name, "
                    "organisation, schedule, zone, language, link, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        platform,
                        community_id,
                        created_by,
                        item.name,
                        item.organisation,
                        item.schedule,
                        item.zone,
                        item.language,
                        item.link,
                        iso(now),
                    ),
                ).fetchone()[0]
            )

        return await self.db.write(write)

    async def outside(self, platform: str, community_id: str) -> list[OutsideMeeting]:
        rows = await self.db.fetchall(
            "SELECT id, name, organisation, schedule, zone, language, link FROM outside_meetings "
            "WHERE platform = ? AND community_id = ? ORDER BY id",
            (platform, community_id),
        )
        return [OutsideMeeting(*r) for r in rows]

    async def remove_outside(self, platform: str, community_id: str, item_id: int) -> bool:
        return (
            await self.db.execute(
                "DELETE FROM outside_meetings WHERE platform = ? AND community_id = ? AND id = ?",
                (platform, community_id, item_id),
            )
            > 0
        )


def _plan_reminder(
    starts_at: datetime, remind_minutes: int, now: datetime, existing: Any
) -> tuple[int, str, datetime, str]:
    """An RSVP's reminder as asked for now: the minutes stored, the stage and when it is due,
    and what the member is told (a ``REMINDER_*`` word). A row at its start stage keeps its
    minutes only when a reminder went out (0: none was sent, it was off or asked for too late),
    so changing the reminder later re-plans it rather than trusting an old setting."""
    if existing is not None and existing[0] == START and existing[1]:
        # The reminder already went out: it is never sent twice.
        return int(existing[1]), START, starts_at, REMINDER_SENT if remind_minutes else REMINDER_OFF
    if not remind_minutes:
        return 0, START, starts_at, REMINDER_OFF
    due = datetime.fromtimestamp(starts_at.timestamp() - remind_minutes * 60, starts_at.tzinfo)
    if due > now:
        return remind_minutes, REMIND, due, REMINDER_AHEAD
    if existing is not None and existing[0] == REMIND and existing[1]:
        # Too late for the earlier reminder: the one already set still comes.
        kept = int(existing[1])
        at = datetime.fromtimestamp(starts_at.timestamp() - kept * 60, starts_at.tzinfo)
        return kept, REMIND, at, REMINDER_AHEAD
    return 0, START, starts_at, REMINDER_LATE


def _rsvps(conn: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> list[Rsvp]:
    rows = conn.execute(
        f"SELECT user_id, meeting_id, starts_at, remind_minutes FROM meeting_rsvps WHERE {where} "
        "ORDER BY starts_at, user_id",
        params,
    ).fetchall()
    return [Rsvp(r[0], int(r[1]), datetime.fromisoformat(r[2]), int(r[3])) for r in rows]


def meetings_privacy_handlers() -> list[DataHandler]:
    """RSVPs are the member's; the meetings and outside listings a facilitator or moderator
    added are community content: exported as theirs, and kept without their name on deletion."""
    tables = ("meetings", "outside_meetings")

    def export(conn: sqlite3.Connection, key: MemberKey) -> dict[str, Any]:
        clause, params = scope_clause(key, "created_by")
        out: dict[str, Any] = {}
        for table in tables:
            cursor = conn.execute(f"SELECT * FROM {table} WHERE {clause} ORDER BY id", params)
            rows = rows_as_dicts(cursor, drop=("platform", "created_by"))
            if rows:
                out[table] = rows
        return out

    def delete(conn: sqlite3.Connection, key: MemberKey) -> int:
        clause, params = scope_clause(key, "created_by")
        return sum(
            conn.execute(f"UPDATE {table} SET created_by = NULL WHERE {clause}", params).rowcount
            for table in tables
        )

    return [
        member_table("meeting_rsvps", "meeting_rsvps", order_by="starts_at"),
        DataHandler("meetings", tables, export, delete),
    ]
