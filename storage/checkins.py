"""Check-ins, check-in reminders and the community's daily check-in post: all their SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from storage.db import Database, MemberKey, StorageError
from storage.due import COMMUNITY_ZONE, MEMBER_ZONE, DueTable
from storage.settings import set_community_setting
from storage.sql import SQLITE, day_before, dialect

POST_TIME_SETTING = "checkin.post_time"
ZONE_GUESSES = 10_000  # members whose zone at their last check-in is remembered (per process)
_UNKNOWN = object()


@dataclass(frozen=True)
class Recorded:
    """The outcome of one check-in."""

    day: date  # the member's local day it counts for
    first_today: bool  # the first check-in of this local day
    shared_today_before: bool  # this one is shared, and an earlier one today already was
    recent_days: int  # check-in days in the `window` days ending `day` (today included)
    streak: int | None  # consecutive check-in days ending `day`; None unless first_today


@dataclass(frozen=True)
class DayEntry:
    """One local day with at least one check-in (averages over that day's check-ins)."""

    day: date
    mood: float
    cravings: float | None  # None: not given that day (NULLs are left out of the average)
    count: int
    notes: int


@dataclass(frozen=True)
class Reminder:
    """A member's daily reminder."""

    at: time
    next_at: datetime


@dataclass(frozen=True)
class CommunityFigures:
    """Anonymous figures for a period."""

    members: int
    checkins: int
    avg_mood: float | None


def _hhmm(at: time) -> str:
    return at.strftime("%H:%M")


# Due rows (see storage/due.py): each member's reminder, with their zone and last check-in day.
REMINDERS = DueTable(
    "checkin_reminders",
    at="next_remind_at",
    key=("community_id", "user_id"),
    columns={
        "time": "t.remind_time",
        "last_reminded_date": "t.last_reminded_date",
        "zone": MEMBER_ZONE,
        "last_checkin": "(SELECT MAX(c.local_date) FROM checkin_days c WHERE c.platform = "
        "t.platform AND c.community_id = t.community_id AND c.user_id = t.user_id)",
    },
)
# Each community's daily check-in post, with the community's zone.
POSTS = DueTable(
    "checkin_posts",
    at="next_post_at",
    key=("community_id",),
    columns={
        "time": "t.post_time",
        "last_posted_date": "t.last_posted_date",
        "zone": COMMUNITY_ZONE,
    },
)


class CheckinStore:
    """Repository for the check-ins feature."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # Each member's zone at their last check-in here, oldest first: a guess the INSERT checks
        # against the stored zone (never trusted, so another process changing it is no harm).
        # Only the bot's loop changes it; the writer threads only look a member up.
        self._zones: dict[tuple[str | None, ...], str | None] = {}

    # --- check-ins -----------------------------------------------------------------------

    async def record(
        self,
        key: MemberKey,
        day_for: Callable[[str | None], date],
        now: datetime,
        mood: int,
        cravings: int | None,
        note: str | None,
        shared: bool,
        window: int,
    ) -> Recorded:
        """Store one check-in and return what the reply needs, in one transaction.

        `day_for(zone)` turns the member's stored zone (their own, else the community's, None
        when neither is set) into their local date. Counts are computed by the database on the
        index, so a member with years of history costs no more than a new one (the streak only
        while the day has no check-in yet, one index lookup per day of it).

        Two statements as a rule (each a round trip on PostgreSQL): the check-in's INSERT, which
        also returns the counts, and the day's. The day depends on the stored zone, so the
        INSERT is made for the zone this member had last time (remembered in this process) and
        only when that is still the stored zone; otherwise it stores nothing, the zone is read
        and the INSERT made again.
        """
        where = (key.platform, key.community_id, key.user_id)
        guess = self._zones.get(where, _UNKNOWN)

        def write(conn: sqlite3.Connection) -> tuple[Recorded, str | None]:
            if dialect(conn) == SQLITE:
                return _record_locally(
                    conn, where, day_for, now, mood, cravings, note, shared, window
                )
            zone = _stored_zone(conn, where) if guess is _UNKNOWN else guess
            for _ in range(3):
                local = day_for(zone)
                counts = _insert_checkin(
                    conn, where, zone, local, window, now, mood, cravings, note, shared
                )
                if counts is not None:
                    break
                # the zone changed since this member's last check-in (or, from another
                # process, since it was read a moment ago)
                zone = _stored_zone(conn, where)
            else:
                raise StorageError("the member's zone kept changing while checking in")
            others_recent, today_shared, streak = counts
            day = local.isoformat()
            first_today = _add_day(conn, where, day, shared)
            shared_before = False
            if shared and not first_today:
                # shared days are never unshared: an earlier share seen above still holds
                shared_before = today_shared == 1 or _was_shared(conn, where, day)
            if not first_today:
                streak = None
            elif streak is None:  # the day was there when counted, gone (deleted) since
                streak = _streak_ending(conn, where, day)
            recorded = Recorded(local, first_today, shared_before, others_recent + 1, streak)
            return recorded, zone

        recorded, zone = await self.db.write(write)
        self._zones.pop(where, None)
        self._zones[where] = zone
        if len(self._zones) > ZONE_GUESSES:
            del self._zones[next(iter(self._zones))]
        return recorded

    async def day_entries(self, key: MemberKey, since: date, until: date) -> list[DayEntry]:
        """Per-day averages between two local dates (inclusive), oldest first."""
        rows = await self.db.fetchall(
            "SELECT local_date, AVG(mood), AVG(cravings), COUNT(*), COUNT(note) FROM checkins "
            "WHERE platform=? AND community_id=? AND user_id=? AND local_date BETWEEN ? AND ? "
            "GROUP BY local_date ORDER BY local_date",
            (key.platform, key.community_id, key.user_id, since.isoformat(), until.isoformat()),
        )
        return [DayEntry(date.fromisoformat(r[0]), r[1], r[2], r[3], r[4]) for r in rows]

    async def all_days(self, key: MemberKey) -> list[date]:
        """Every local day with a check-in, newest first."""
        where = (key.platform, key.community_id, key.user_id)
        return await self.db.read(lambda c: _distinct_days(c, where, None))

    async def checked_in_on(self, key: MemberKey, day: date) -> bool:
        """Whether the member checked in on their local ``day``."""
        row = await self.db.fetchone(
            "SELECT 1 FROM checkin_days WHERE platform=? AND community_id=? AND user_id=? "
            "AND local_date = ?",
            (key.platform, key.community_id, key.user_id, day.isoformat()),
        )
        return row is not None

    async def count(self, key: MemberKey) -> int:
        """How many check-ins the member has stored."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM checkins WHERE platform=? AND community_id=? AND user_id=?",
            (key.platform, key.community_id, key.user_id),
        )
        return int(row[0]) if row else 0

    async def week_figures(
        self, platform: str, community_id: str, week_start: date
    ) -> CommunityFigures:
        """Members, check-ins and average mood of the closed week from `week_start` (7 local
        days). Kept the first time they are read, so they never change afterwards."""
        scope = (platform, community_id, week_start.isoformat())

        def write(conn: sqlite3.Connection) -> CommunityFigures:
            row = conn.execute(
                "SELECT members, checkins, avg_mood FROM checkin_week_figures "
                "WHERE platform=? AND community_id=? AND week_start=?",
                scope,
            ).fetchone()
            if row is None:
                row = conn.execute(
                    "SELECT COUNT(DISTINCT user_id), COUNT(*), AVG(mood) FROM checkins "
                    "WHERE platform=? AND community_id=? AND local_date >= ? AND local_date < ?",
                    (*scope, (week_start + timedelta(days=7)).isoformat()),
                ).fetchone()
                conn.execute(
                    "INSERT INTO checkin_week_figures "
                    "(platform, community_id, week_start, members, checkins, avg_mood) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (*scope, *row),
                )
            return CommunityFigures(int(row[0]), int(row[1]), row[2])

        return await self.db.write(write)

    async def blank_notes_before(self, cutoff: datetime) -> int:
        """Retention: remove the notes of check-ins made before `cutoff`; returns how many."""
        return await self.db.execute(
            "UPDATE checkins SET note = NULL WHERE created_at < ? AND note IS NOT NULL",
            (cutoff.isoformat(),),
            background=True,  # the first sweep after enabling retention may touch many rows
        )

    # --- reminders -----------------------------------------------------------------------

    async def reminder(self, key: MemberKey) -> Reminder | None:
        """The member's reminder, if set."""
        row = await self.db.fetchone(
            "SELECT remind_time, next_remind_at FROM checkin_reminders "
            "WHERE platform=? AND community_id=? AND user_id=?",
            (key.platform, key.community_id, key.user_id),
        )
        if row is None:
            return None
        return Reminder(time.fromisoformat(row[0]), datetime.fromisoformat(row[1]))

    async def set_reminder(
        self, key: MemberKey, at: time, next_at: datetime, now: datetime
    ) -> None:
        """Set (or change) the member's reminder time and its next instant."""
        await self.db.execute(
            "INSERT INTO checkin_reminders (platform, community_id, user_id, remind_time, "
            "next_remind_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (platform, community_id, user_id) DO UPDATE SET "
            "remind_time = excluded.remind_time, next_remind_at = excluded.next_remind_at, "
            "updated_at = excluded.updated_at",
            (
                key.platform,
                key.community_id,
                key.user_id,
                _hhmm(at),
                next_at.isoformat(),
                now.isoformat(),
            ),
        )

    async def reschedule_reminder(self, key: MemberKey, next_at: datetime, now: datetime) -> None:
        """Move the member's next reminder instant (after a timezone change)."""
        await self.db.execute(
            "UPDATE checkin_reminders SET next_remind_at = ?, updated_at = ? "
            "WHERE platform=? AND community_id=? AND user_id=?",
            (next_at.isoformat(), now.isoformat(), key.platform, key.community_id, key.user_id),
        )

    async def clear_reminder(self, key: MemberKey) -> bool:
        """Remove the member's reminder; False when there was none."""
        changed = await self.db.execute(
            "DELETE FROM checkin_reminders WHERE platform=? AND community_id=? AND user_id=?",
            (key.platform, key.community_id, key.user_id),
        )
        return changed > 0

    # --- the community's daily post ----------------------------------------------------------

    async def set_post_time(
        self,
        platform: str,
        community_id: str,
        at: time | None,
        next_at: datetime | None,
        now: datetime,
    ) -> None:
        """Set (or with None, stop) the daily check-in post; the community setting follows."""

        def write(conn: sqlite3.Connection) -> None:
            value = _hhmm(at) if at is not None else None
            set_community_setting(conn, platform, community_id, POST_TIME_SETTING, value, now)
            if at is None or next_at is None:
                conn.execute(
                    "DELETE FROM checkin_posts WHERE platform = ? AND community_id = ?",
                    (platform, community_id),
                )
                return
            conn.execute(
                "INSERT INTO checkin_posts (platform, community_id, post_time, next_post_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (platform, community_id) DO UPDATE SET "
                "post_time = excluded.post_time, next_post_at = excluded.next_post_at",
                (platform, community_id, value, next_at.isoformat()),
            )

        await self.db.write(write)


# The member's own zone, else the community's (the order Context.member_timezone uses).
_ZONE = (
    "COALESCE((SELECT value FROM member_settings WHERE platform=? AND community_id=? "
    "AND user_id=? AND key='timezone'), (SELECT value FROM community_settings WHERE platform=? "
    "AND community_id=? AND key='timezone'))"
)


def _insert_checkin(
    conn: sqlite3.Connection,
    where: tuple[str | None, ...],
    zone: str | None,
    local: date,
    window: int,
    now: datetime,
    mood: int,
    cravings: int | None,
    note: str | None,
    shared: bool,
) -> tuple[int, int | None, int | None] | None:
    """Insert the check-in for `local`, only if `zone` is still the member's stored zone.

    Returns None when it is not (nothing stored), else read in the same statement: the member's
    other check-in days in the `window` days ending `local` (no upper bound: a day made further
    east before a move west is "after" today here, and it still happened), whether `local`
    already has a shared check-in (None: no check-in yet) and, when it has none, the streak it
    ends. The counts leave `local` itself out, so they are the same whether or not a database
    shows the statement its own row (the check-in days are another table in any case).
    """
    day = local.isoformat()
    member = "platform=? AND community_id=? AND user_id=?"
    before = day_before(conn, "run.day")
    sql = (
        "INSERT INTO checkins (platform, community_id, user_id, local_date, created_at, mood, "
        "cravings, note, shared) SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), "
        "CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS INTEGER), "
        f"CAST(? AS TEXT), CAST(? AS INTEGER) WHERE COALESCE({_ZONE}, '') = COALESCE(?, '') "
        f"RETURNING (SELECT COUNT(*) FROM checkin_days WHERE {member} AND local_date >= ? "
        f"AND local_date <> ?), (SELECT shared FROM checkin_days WHERE {member} "
        f"AND local_date = ?), CASE WHEN EXISTS (SELECT 1 FROM checkin_days WHERE {member} "
        "AND local_date = ?) THEN NULL ELSE (WITH RECURSIVE run(day) AS (SELECT CAST(? AS TEXT) "
        f"UNION ALL SELECT {before} FROM run WHERE EXISTS (SELECT 1 FROM checkin_days WHERE "
        f"{member} AND local_date = {before})) SELECT COUNT(*) FROM run) END"
    )
    first_in_window = (local - timedelta(days=window - 1)).isoformat()
    row = conn.execute(
        sql,
        (
            *where,
            day,
            now.isoformat(),
            mood,
            cravings,
            note,
            int(shared),
            *where,
            where[0],
            where[1],
            zone,
            *where,
            first_in_window,
            day,
            *where,
            day,
            *where,
            day,
            day,
            *where,
        ),
    ).fetchone()
    if row is None:
        return None
    return int(row[0]), row[1], None if row[2] is None else int(row[2])


def _record_locally(
    conn: sqlite3.Connection,
    where: tuple[str | None, ...],
    day_for: Callable[[str | None], date],
    now: datetime,
    mood: int,
    cravings: int | None,
    note: str | None,
    shared: bool,
    window: int,
) -> tuple[Recorded, str | None]:
    """:meth:`CheckinStore.record` on SQLite, in plain statements.

    The batch holds the file's write lock from BEGIN IMMEDIATE, so the zone read first cannot
    change before the INSERT, nor the day's check-ins between counting them and adding the
    day; and a statement costs no round trip here, while the one statement that spares
    PostgreSQL its round trips costs SQLite more than twice these four.
    """
    zone = _stored_zone(conn, where)
    local = day_for(zone)
    day = local.isoformat()
    conn.execute(
        "INSERT INTO checkins (platform, community_id, user_id, local_date, created_at, mood, "
        "cravings, note, shared) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*where, day, now.isoformat(), mood, cravings, note, int(shared)),
    )
    # the days in the window, and whether today is one of them already (its INSERT is then
    # spared: most check-ins are not a day's first); no upper bound (see _insert_checkin)
    counted = conn.execute(
        "SELECT COUNT(*), COALESCE(MAX(local_date = ?), 0) FROM checkin_days WHERE platform=? "
        "AND community_id=? AND user_id=? AND local_date >= ?",
        (day, *where, (local - timedelta(days=window - 1)).isoformat()),
    ).fetchone()
    first_today = not counted[1] and _add_day(conn, where, day, shared)
    recent = int(counted[0]) + first_today
    shared_before = shared and not first_today and _was_shared(conn, where, day)
    streak = _streak_ending(conn, where, day) if first_today else None
    return Recorded(local, first_today, shared_before, recent, streak), zone


def _add_day(
    conn: sqlite3.Connection, where: tuple[str | None, ...], day: str, shared: bool
) -> bool:
    """Record that the member checked in on `day`; True when it is the day's first check-in."""
    return (
        conn.execute(
            "INSERT INTO checkin_days (platform, community_id, user_id, local_date, shared) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (*where, day, int(shared)),
        ).rowcount
        == 1
    )


def _was_shared(conn: sqlite3.Connection, where: tuple[str | None, ...], day: str) -> bool:
    """Mark `day` shared; True when an earlier check-in that day was shared already."""
    return (
        conn.execute(
            "UPDATE checkin_days SET shared = 1 WHERE platform=? AND community_id=? "
            "AND user_id=? AND local_date=? AND shared = 0",
            (*where, day),
        ).rowcount
        == 0  # no row changed
    )


def _stored_zone(conn: sqlite3.Connection, where: tuple[str | None, ...]) -> str | None:
    """The member's own zone, else the community's (the order Context.member_timezone uses)."""
    row = conn.execute(f"SELECT {_ZONE}", (*where, where[0], where[1])).fetchone()
    return row[0] if row else None


def _distinct_days(
    conn: sqlite3.Connection, where: tuple[str | None, ...], limit: int | None
) -> list[date]:
    sql = (
        "SELECT local_date FROM checkin_days WHERE platform=? AND community_id=? AND user_id=? "
        "ORDER BY local_date DESC"
    )
    params: tuple = where
    if limit is not None:
        sql += " LIMIT ?"
        params = (*where, limit)
    return [date.fromisoformat(r[0]) for r in conn.execute(sql, params)]


def _streak_ending(conn: sqlite3.Connection, where: tuple[str | None, ...], day: str) -> int:
    """Consecutive check-in days ending on `day` (which has one), walking back on the index."""
    before = day_before(conn, "run.day")
    row = conn.execute(
        "WITH RECURSIVE run(day) AS (SELECT CAST(? AS TEXT) UNION ALL SELECT "
        f"{before} FROM run WHERE EXISTS (SELECT 1 FROM checkin_days WHERE platform=? "
        f"AND community_id=? AND user_id=? AND local_date = {before})) SELECT COUNT(*) FROM run",
        (day, *where),
    ).fetchone()
    return int(row[0])
