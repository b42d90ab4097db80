"""Crisis directory checks: which entries a community's moderators confirmed, and members'
reports of a wrong number. The directory itself is read-only data (cogs/crisis/resources.toml).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from storage.data_handlers import DataHandler, rows_as_dicts, scope_clause
from storage.db import Database, MemberKey

REPORTS_PER_DAY = 5  # per member and community: enough to flag a region's numbers, not to flood


@dataclass(frozen=True)
class DirectoryReport:
    """A member's report that a directory entry is wrong (the reporter stays unnamed)."""

    id: int
    entry_id: str
    note: str
    created_at: datetime


class DirectoryChecks:
    """Moderators' confirmations and members' reports, per community."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def confirm(
        self, key: MemberKey, entry_id: str, fingerprint: str, when: datetime
    ) -> None:
        """Record that a moderator (``key``) checked ``entry_id`` at ``when``.

        ``checked_on`` holds the instant (older rows: the day), so a member's report made later
        the same day still waits for the next check."""
        await self.db.execute(
            "INSERT INTO crisis_directory_checks (platform, community_id, entry_id, fingerprint, "
            "checked_on, user_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, community_id, "
            "entry_id) DO UPDATE SET fingerprint=excluded.fingerprint, "
            "checked_on=excluded.checked_on, user_id=excluded.user_id",
            (
                key.platform,
                key.community_id,
                entry_id,
                fingerprint,
                when.isoformat(),
                key.user_id,
            ),
        )

    async def checked(self, platform: str, community_id: str) -> dict[str, tuple[str, date]]:
        """entry id → (fingerprint, day checked) for one community."""
        rows = await self.db.fetchall(
            "SELECT entry_id, fingerprint, checked_on FROM crisis_directory_checks "
            "WHERE platform=? AND community_id=?",
            (platform, community_id),
        )
        return {r[0]: (r[1], date.fromisoformat(r[2][:10])) for r in rows}

    async def report(self, key: MemberKey, entry_id: str, note: str, now: datetime) -> int | None:
        """Store a report; None when the member already sent ``REPORTS_PER_DAY`` today."""

        def write(conn: sqlite3.Connection) -> int | None:
            recent = conn.execute(
                "SELECT COUNT(*) FROM crisis_directory_reports WHERE platform=? AND "
                "community_id=? AND reporter_id=? AND created_at>=?",
                (
                    key.platform,
                    key.community_id,
                    key.user_id,
                    (now - timedelta(hours=24)).isoformat(),
                ),
            ).fetchone()[0]
            if recent >= REPORTS_PER_DAY:
                return None
            cursor = conn.execute(
                "INSERT INTO crisis_directory_reports (platform, community_id, entry_id, "
                "reporter_id, note, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (key.platform, key.community_id, entry_id, key.user_id, note, now.isoformat()),
            )
            return cursor.fetchone()[0]

        return await self.db.write(write)

    async def reports(
        self, platform: str, community_id: str, limit: int = 20
    ) -> list[DirectoryReport]:
        """Reports not yet answered by a later check of the same entry, newest first."""
        rows = await self.db.fetchall(
            "SELECT r.id, r.entry_id, r.note, r.created_at FROM crisis_directory_reports r "
            "LEFT JOIN crisis_directory_checks c ON c.platform=r.platform AND "
            "c.community_id=r.community_id AND c.entry_id=r.entry_id "
            "WHERE r.platform=? AND r.community_id=? "
            "AND (c.checked_on IS NULL OR c.checked_on < r.created_at) "
            "ORDER BY r.created_at DESC, r.id DESC LIMIT ?",
            (platform, community_id, limit),
        )
        return [DirectoryReport(r[0], r[1], r[2], datetime.fromisoformat(r[3])) for r in rows]


def directory_privacy_handlers() -> list[DataHandler]:
    """Export and delete: a member's reports; a moderator's confirmations (the community's
    check stays, without who made it)."""

    def export_reports(conn: sqlite3.Connection, key: MemberKey) -> list[dict[str, Any]]:
        clause, params = scope_clause(key, "reporter_id")
        cursor = conn.execute(
            "SELECT community_id, entry_id, note, created_at FROM crisis_directory_reports "
            f"WHERE {clause} ORDER BY created_at",
            params,
        )
        return rows_as_dicts(cursor)

    def delete_reports(conn: sqlite3.Connection, key: MemberKey) -> int:
        clause, params = scope_clause(key, "reporter_id")
        return conn.execute(f"DELETE FROM crisis_directory_reports WHERE {clause}", params).rowcount

    def export_checks(conn: sqlite3.Connection, key: MemberKey) -> list[dict[str, Any]]:
        clause, params = scope_clause(key)
        cursor = conn.execute(
            "SELECT community_id, entry_id, checked_on FROM crisis_directory_checks "
            f"WHERE {clause} ORDER BY checked_on",
            params,
        )
        return rows_as_dicts(cursor)

    def delete_checks(conn: sqlite3.Connection, key: MemberKey) -> int:
        clause, params = scope_clause(key)
        return conn.execute(
            f"UPDATE crisis_directory_checks SET user_id=NULL WHERE {clause}", params
        ).rowcount

    return [
        DataHandler(
            "crisis directory reports",
            ("crisis_directory_reports",),
            export_reports,
            delete_reports,
        ),
        DataHandler(
            "crisis directory checks", ("crisis_directory_checks",), export_checks, delete_checks
        ),
    ]
