"""Crisis support storage: safety plans, alert and cooldown state, concern reports, resources.

Every decision that must hold across restarts and concurrent messages (the 24 h cooldown of
automatic messages, the 1 h merge window of alerts, the rate limits of concern reports) is
taken inside one write transaction, so two messages arriving together cannot both pass.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.data_handlers import DataHandler, member_table, rows_as_dicts, scope_clause
from storage.db import Database, MemberKey
from storage.due import DueTable
from storage.sql import exact, instant

AUTO_COOLDOWN = timedelta(hours=24)
MERGE_WINDOW = timedelta(hours=1)
NOTIFY_WINDOW = timedelta(hours=1)
REPORT_WINDOW = timedelta(hours=24)
# Reports about one member per 24 h, from everyone together, that each get their own alert.
# Later ones are still stored and forwarded, at most one alert an hour (MERGE_WINDOW): the rest
# are merged into it and listed by `crisis concerns`, so throwaway reports cannot silence a
# genuine one and cannot flood the moderators either.
REPORTS_PER_SUBJECT = 3
MERGE_WINDOW = timedelta(hours=1)
MERGED = 2  # `alerted` of a report folded into an alert sent for an earlier one
DELETED_SUBJECT = "a member who deleted their data"
_RANK = {"none": 0, "concern": 1, "urgent": 2}


# --- safety plans --------------------------------------------------------------------------


class SafetyPlans:
    """A member's safety plan, one text per section."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: MemberKey) -> dict[str, str]:
        """Filled sections of the member's plan, by section name."""
        rows = await self.db.fetchall(
            "SELECT section, text FROM crisis_safety_plans "
            "WHERE platform=? AND community_id=? AND user_id=?",
            (key.platform, key.community_id, key.user_id),
        )
        return {r[0]: r[1] for r in rows}

    async def set(self, key: MemberKey, section: str, text: str, now: datetime) -> None:
        """Write (replace) one section."""
        await self.db.execute(
            "INSERT INTO crisis_safety_plans (platform, community_id, user_id, section, text, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, community_id, user_id, "
            "section) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
            (key.platform, key.community_id, key.user_id, section, text, exact(now)),
        )

    async def clear(self, key: MemberKey) -> int:
        """Remove the whole plan; returns how many sections were removed."""
        return await self.db.execute(
            "DELETE FROM crisis_safety_plans WHERE platform=? AND community_id=? AND user_id=?",
            (key.platform, key.community_id, key.user_id),
        )


# --- per-member alert and cooldown state ------------------------------------------------


@dataclass(frozen=True)
class AlertDecision:
    """What to do with one flagged message: post an alert now, or merge it into the last one."""

    post_now: bool
    merged_before: int = 0  # flagged messages merged since the previous alert (folded in now)
    previous_alert_at: datetime | None = None
    previous_level: str | None = None


# Due rows (storage/due.py): flagged messages merged into an alert window, reported to the
# moderators when the window's hour is over; claiming clears what was pending.
SUMMARIES = DueTable("crisis_member_state", at="summary_due_at", key=("community_id", "user_id"))
SUMMARY_TAKEN = {"pending_count": 0, "pending_level": None, "pending_link": None}

_STATE_KEY = "platform=? AND community_id=? AND user_id=?"


def _ensure_state(conn: sqlite3.Connection, key: MemberKey, name: str | None = None) -> sqlite3.Row:
    conn.execute(
        "INSERT INTO crisis_member_state (platform, community_id, user_id, display_name) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (platform, community_id, user_id) DO NOTHING",
        (key.platform, key.community_id, key.user_id, (name or "")[:100]),
    )
    if name:
        conn.execute(
            f"UPDATE crisis_member_state SET display_name=? WHERE {_STATE_KEY}",
            (name[:100], key.platform, key.community_id, key.user_id),
        )
    return conn.execute(
        f"SELECT * FROM crisis_member_state WHERE {_STATE_KEY}",
        (key.platform, key.community_id, key.user_id),
    ).fetchone()


class CrisisState:
    """Cooldowns and alert merging, per member."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim_auto_message(
        self, key: MemberKey, now: datetime, severity: int = 1
    ) -> tuple[bool, tuple[str | None, int | None]]:
        """(allowed, previous state): allowed when no automatic message went out in 24 h, or
        this one is more serious (``severity``: 1 concern, 2 urgent, 3 overdose) than the last.

        Claiming records ``now``; call :meth:`release_auto_message` with the previous state
        when the message then could not be delivered.
        """

        def write(conn: sqlite3.Connection) -> tuple[bool, tuple[str | None, int | None]]:
            row = _ensure_state(conn, key)
            previous = (row["last_auto_at"], row["last_auto_level"])
            last = instant(row["last_auto_at"])
            recent = last is not None and now - last < AUTO_COOLDOWN
            if recent and severity <= (row["last_auto_level"] or 3):
                return False, previous
            conn.execute(
                f"UPDATE crisis_member_state SET last_auto_at=?, last_auto_level=? WHERE {_STATE_KEY}",
                (exact(now), severity, key.platform, key.community_id, key.user_id),
            )
            return True, previous

        return await self.db.write(write)

    async def release_auto_message(
        self, key: MemberKey, previous: tuple[str | None, int | None]
    ) -> None:
        """Undo a claim whose message was not delivered (so a later one may try again)."""
        await self.db.execute(
            f"UPDATE crisis_member_state SET last_auto_at=?, last_auto_level=? WHERE {_STATE_KEY}",
            (*previous, key.platform, key.community_id, key.user_id),
        )

    async def record_flag(
        self,
        key: MemberKey,
        name: str,
        level: str,
        link: str,
        now: datetime,
        *,
        force: bool = False,
        signs: frozenset[str] = frozenset(),
    ) -> AlertDecision:
        """Decide whether a flagged message gets its own alert or joins the open window.

        A new alert opens a one-hour window; flagged messages of the same or a lower level in
        that window are merged (counted, with the latest link) and reported together when the
        window closes. A higher level, an urgent message with a kind of danger (``signs``, e.g.
        an overdose) not yet alerted in the window, or ``force`` gets its own alert at once.
        """

        def write(conn: sqlite3.Connection) -> AlertDecision:
            row = _ensure_state(conn, key, name)
            alert_at = instant(row["alert_at"])
            in_window = alert_at is not None and now - alert_at < MERGE_WINDOW
            known = frozenset(filter(None, (row["alert_signs"] or "").split(",")))
            if (
                in_window
                and not force
                and _RANK[level] <= _RANK.get(row["alert_level"] or "none", 0)
                and signs <= known
            ):
                pending_level = row["pending_level"] or level
                if _RANK[level] > _RANK[pending_level]:
                    pending_level = level
                conn.execute(
                    "UPDATE crisis_member_state SET pending_count = pending_count + 1, "
                    f"pending_level=?, pending_link=?, summary_due_at=? WHERE {_STATE_KEY}",
                    (
                        pending_level,
                        link,
                        exact(alert_at + MERGE_WINDOW),  # type: ignore[operator]
                        key.platform,
                        key.community_id,
                        key.user_id,
                    ),
                )
                return AlertDecision(post_now=False)
            conn.execute(
                "UPDATE crisis_member_state SET alert_at=?, alert_level=?, alert_signs=?, "
                "pending_count=0, pending_level=NULL, pending_link=NULL, summary_due_at=NULL "
                f"WHERE {_STATE_KEY}",
                (
                    exact(now),
                    level,
                    ",".join(sorted(signs | known if in_window else signs)),
                    key.platform,
                    key.community_id,
                    key.user_id,
                ),
            )
            return AlertDecision(
                post_now=True,
                merged_before=row["pending_count"],
                previous_alert_at=alert_at,
                previous_level=row["alert_level"],
            )

        return await self.db.write(write)

    async def alert_failed(self, key: MemberKey, decision: AlertDecision) -> None:
        """The alert could not be posted: reopen the previous window so nothing is lost."""
        await self.db.execute(
            f"UPDATE crisis_member_state SET alert_at=?, alert_level=?, pending_count=? "
            f"WHERE {_STATE_KEY}",
            (
                exact(decision.previous_alert_at) if decision.previous_alert_at else None,
                decision.previous_level,
                decision.merged_before,
                key.platform,
                key.community_id,
                key.user_id,
            ),
        )

    async def summary_opened(self, key: MemberKey, level: str, now: datetime) -> None:
        """A merged follow-up went out: it opens a new alert window at its own level."""
        await self.db.execute(
            f"UPDATE crisis_member_state SET alert_at=?, alert_level=? WHERE {_STATE_KEY}",
            (exact(now), level, key.platform, key.community_id, key.user_id),
        )

    async def claim_notify(self, key: MemberKey, name: str, now: datetime) -> datetime | None:
        """Record a "let a moderator know"; returns the earlier one when it was within an hour."""

        def write(conn: sqlite3.Connection) -> datetime | None:
            row = _ensure_state(conn, key, name)
            last = instant(row["notify_at"])
            if last is not None and now - last < NOTIFY_WINDOW:
                return last
            conn.execute(
                f"UPDATE crisis_member_state SET notify_at=? WHERE {_STATE_KEY}",
                (exact(now), key.platform, key.community_id, key.user_id),
            )
            return None

        return await self.db.write(write)

    async def release_notify(self, key: MemberKey) -> None:
        """The moderators could not be told: let the member try again."""
        await self.db.execute(
            f"UPDATE crisis_member_state SET notify_at=NULL WHERE {_STATE_KEY}",
            (key.platform, key.community_id, key.user_id),
        )


# --- concern reports ---------------------------------------------------------------------


@dataclass(frozen=True)
class ConcernReport:
    """One "I'm worried about someone" report, as moderators see it."""

    id: int
    reporter_id: str
    reporter_name: str
    subject_id: str | None
    subject_name: str
    note: str | None
    alerted: bool
    created_at: datetime
    merged: bool = False  # forwarded within an earlier alert about the same member


@dataclass(frozen=True)
class ReportOutcome:
    """The result of filing a report: its id, or why it was refused."""

    id: int | None = None
    refused: str | None = None  # "reporter" | "repeat"
    retry_at: datetime | None = None
    merged: bool = False  # stored; moderators were alerted about this member within the hour


class ConcernReports:
    """Concern reports with persisted rate limits."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def file(
        self,
        community: tuple[str, str],
        reporter: tuple[str, str],
        subject: tuple[str, str],
        note: str | None,
        now: datetime,
        *,
        per_reporter: int,
    ) -> ReportOutcome:
        """Store a report unless the reporter's own limits refuse it (then nothing is stored).
        Reports about one member are never refused for their number: see REPORTS_PER_SUBJECT."""
        platform, community_id = community
        since = exact(now - REPORT_WINDOW)

        def write(conn: sqlite3.Connection) -> ReportOutcome:
            base = (
                "FROM crisis_concern_reports WHERE platform=? AND community_id=? AND created_at>?"
            )
            # A report that never reached anyone and is not waiting to be delivered counts against
            # no limit.
            mine = conn.execute(
                f"SELECT created_at {base} AND reporter_id=? AND (alerted != 0 OR EXISTS "
                "(SELECT 1 FROM crisis_alerts a WHERE a.report_id = crisis_concern_reports.id)) "
                "ORDER BY created_at",
                (platform, community_id, since, reporter[0]),
            ).fetchall()
            if len(mine) >= per_reporter:
                return ReportOutcome(
                    refused="reporter",
                    retry_at=instant(mine[0][0]) + REPORT_WINDOW,  # type: ignore[operator]
                )
            about = conn.execute(
                f"SELECT reporter_id, created_at, alerted {base} AND subject_id=? "
                "ORDER BY created_at",
                (platform, community_id, since, subject[0]),
            ).fetchall()
            if any(r[0] == reporter[0] and r[2] != 0 for r in about):
                return ReportOutcome(refused="repeat")
            hour_ago = exact(now - MERGE_WINDOW)
            merged = any(
                r[2] == 1 and r[1] > hour_ago for r in about[REPORTS_PER_SUBJECT:]
            )  # a report over the daily count was alerted within the hour: join it
            cursor = conn.execute(
                "INSERT INTO crisis_concern_reports (platform, community_id, reporter_id, "
                "reporter_name, subject_id, subject_name, note, alerted, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    platform,
                    community_id,
                    reporter[0],
                    reporter[1][:100],
                    subject[0],
                    subject[1][:100],
                    note,
                    MERGED if merged else 0,
                    exact(now),
                ),
            )
            return ReportOutcome(id=cursor.fetchone()[0], merged=merged)

        return await self.db.write(write)

    async def mark_alerted(self, report_id: int) -> None:
        """The moderators' channel received the report."""
        await self.db.execute(
            "UPDATE crisis_concern_reports SET alerted=1 WHERE id=?", (report_id,)
        )

    async def recent(
        self,
        platform: str,
        community_id: str,
        since: datetime,
        limit: int = 20,
        *,
        excluding: str | None = None,
    ) -> list[ConcernReport]:
        """Reports since an instant, newest first; none about the member ``excluding``."""
        rows = await self.db.fetchall(
            "SELECT * FROM crisis_concern_reports WHERE platform=? AND community_id=? "
            "AND created_at>=? AND subject_id IS DISTINCT FROM ? ORDER BY created_at DESC, id DESC LIMIT ?",
            (platform, community_id, exact(since), excluding, limit),
        )
        return [
            ConcernReport(
                r["id"],
                r["reporter_id"],
                r["reporter_name"],
                r["subject_id"],
                r["subject_name"],
                r["note"],
                bool(r["alerted"]),
                instant(r["created_at"]),  # type: ignore[arg-type]
                r["alerted"] == MERGED,
            )
            for r in rows
        ]

    async def counts_by_reporter(
        self, platform: str, community_id: str, since: datetime, *, excluding: str | None = None
    ) -> list[tuple[str, int]]:
        """(reporter name, reports) since an instant, most first: for spotting misuse; reports
        about the member ``excluding`` are left out."""
        rows = await self.db.fetchall(
            "SELECT MAX(reporter_name), COUNT(*) FROM crisis_concern_reports WHERE platform=? "
            "AND community_id=? AND created_at>=? AND subject_id IS DISTINCT FROM ? GROUP BY reporter_id "
            "ORDER BY COUNT(*) DESC, MAX(reporter_name)",
            (platform, community_id, exact(since), excluding),
        )
        return [(r[0], r[1]) for r in rows]


def concern_privacy_handler() -> DataHandler:
    """Export and delete concern reports.

    A member's export holds the reports they filed. Reports naming a member are the reporter's
    words to moderators, so they are never shown to the person named (that would expose the
    reporter); when the named member deletes their data, their id, name and the note about
    them are removed and only the bare fact of the report stays, so misuse stays visible.
    """

    def export(conn: sqlite3.Connection, key: MemberKey) -> list[dict[str, Any]]:
        clause, params = scope_clause(key, "reporter_id")
        cursor = conn.execute(
            "SELECT community_id, subject_name, note, alerted, created_at "
            f"FROM crisis_concern_reports WHERE {clause} ORDER BY created_at",
            params,
        )
        return rows_as_dicts(cursor)

    def delete(conn: sqlite3.Connection, key: MemberKey) -> int:
        clause, params = scope_clause(key, "reporter_id")
        removed = conn.execute(
            f"DELETE FROM crisis_concern_reports WHERE {clause}", params
        ).rowcount
        clause, params = scope_clause(key, "subject_id")
        # Not counted: the person named must never learn that a report about them existed.
        conn.execute(
            "UPDATE crisis_concern_reports SET subject_id=NULL, subject_name=?, note=NULL "
            f"WHERE {clause}",
            [DELETED_SUBJECT, *params],
        )
        return removed

    return DataHandler("crisis concern reports", ("crisis_concern_reports",), export, delete)


def privacy_handlers() -> list[DataHandler]:
    """Every crisis handler for the privacy registry."""
    from storage.crisis_flags import flagged_privacy_handler

    return [
        member_table("safety plan", "crisis_safety_plans", order_by="section"),
        member_table("crisis state", "crisis_member_state"),
        concern_privacy_handler(),
        flagged_privacy_handler(),
    ]


# --- community resources -----------------------------------------------------------------


@dataclass(frozen=True)
class CommunityResource:
    """A resource a community's moderators added."""

    id: int
    name: str
    contact: str
    hours: str | None
    url: str | None


class DuplicateResource(Exception):
    """The same service (name and contact) is already listed; ``args[0]`` is its id."""


class CommunityResources:
    """Moderator-added resources, shown first in /crisis for that community."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def list(self, platform: str, community_id: str) -> list[CommunityResource]:
        """Every resource of a community, oldest first."""
        rows = await self.db.fetchall(
            "SELECT id, name, contact, hours, url FROM crisis_community_resources "
            "WHERE platform=? AND community_id=? ORDER BY id",
            (platform, community_id),
        )
        return [CommunityResource(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    async def add(
        self,
        platform: str,
        community_id: str,
        resource: tuple[str, str, str | None, str | None],
        now: datetime,
        *,
        limit: int,
    ) -> int | None:
        """Add one; None when the community already has ``limit`` resources.
        Raises DuplicateResource when the same name and contact are already listed."""
        name, contact, hours, url = resource

        def write(conn: sqlite3.Connection) -> int | None:
            for row in conn.execute(
                "SELECT id, name, contact FROM crisis_community_resources "
                "WHERE platform=? AND community_id=?",
                (platform, community_id),
            ):
                if (row[1].casefold(), row[2].casefold()) == (name.casefold(), contact.casefold()):
                    raise DuplicateResource(row[0])
            count = conn.execute(
                "SELECT COUNT(*) FROM crisis_community_resources WHERE platform=? AND community_id=?",
                (platform, community_id),
            ).fetchone()[0]
            if count >= limit:
                return None
            cursor = conn.execute(
                "INSERT INTO crisis_community_resources (platform, community_id, name, contact, "
                "hours, url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (platform, community_id, name, contact, hours, url, exact(now)),
            )
            return cursor.fetchone()[0]

        return await self.db.write(write)

    async def remove(self, platform: str, community_id: str, resource_id: int) -> bool:
        """Remove one of this community's resources; False when there is no such id here."""
        removed = await self.db.execute(
            "DELETE FROM crisis_community_resources WHERE platform=? AND community_id=? AND id=?",
            (platform, community_id, resource_id),
        )
        return removed > 0
