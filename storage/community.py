"""Community configuration: settings changes recorded in an audit log, in one transaction.

Every change a moderator makes (and every prompt a facilitator adds, pauses or deletes) is a row
in ``community_audit``: who, what, old → new, when. The only personal field is the person who
made the change; deleting their data pseudonymises it rather than dropping the record (see
docs/privacy.md).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.data_handlers import DataHandler, rows_as_dicts, scope_clause
from storage.db import Database, MemberKey
from storage.settings import set_community_setting
from storage.sql import iso

DELETED_ACTOR_NAME = "deleted member"

# Community setting keys (the core reads "timezone" and "channel.<purpose>").
TIMEZONE = "timezone"
REGION = "region"
WELCOME = "welcome"
FACILITATOR_ROLE = "facilitator_role"  # Discord: members with this role id are facilitators
FACILITATOR_POWER = "facilitator_power"  # Matrix: power level from which members are facilitators


def channel_key(purpose: str) -> str:
    """The setting key holding the channel id for a purpose (``channel.alerts``)."""
    return f"channel.{purpose}"


def facilitator_power(settings: dict[str, str], default: int) -> int:
    """The Matrix facilitator threshold from a community's settings (else `default`)."""
    raw = settings.get(FACILITATOR_POWER)
    return int(raw) if raw is not None and raw.lstrip("-").isdigit() else default


@dataclass(frozen=True)
class AuditActor:
    """Who made a change: a platform user id and the name shown at the time."""

    id: str
    name: str


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change."""

    id: int
    actor_id: str
    actor_name: str
    action: str
    old: str | None
    new: str | None
    at: datetime


def record_audit(
    conn: sqlite3.Connection,
    platform: str,
    community_id: str,
    actor: AuditActor,
    action: str,
    old: str | None,
    new: str | None,
    now: datetime,
) -> None:
    """Add one audit row inside an open transaction."""
    conn.execute(
        "INSERT INTO community_audit (platform, community_id, user_id, actor_name, action, "
        "old_value, new_value, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (platform, community_id, actor.id, actor.name[:100], action, old, new, iso(now)),
    )


def change_setting(
    conn: sqlite3.Connection,
    platform: str,
    community_id: str,
    key: str,
    value: str | None,
    actor: AuditActor,
    now: datetime,
) -> str | None:
    """Set (None: remove) a community setting and audit it, inside an open transaction.
    Returns the old value; nothing is recorded when the value does not change."""
    old = set_community_setting(conn, platform, community_id, key, value, now)
    if old != value:
        record_audit(conn, platform, community_id, actor, key, old, value, now)
    return old


class CommunityConfig:
    """The repository behind /community: audited settings changes and the audit log."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def change(
        self,
        platform: str,
        community_id: str,
        key: str,
        value: str | None,
        actor: AuditActor,
        now: datetime,
        *,
        also: Callable[[sqlite3.Connection], Any] | None = None,
    ) -> str | None:
        """Change one setting, audit it and run `also` (e.g. rescheduling) in one transaction.
        Returns the old value."""

        def write(conn: sqlite3.Connection) -> str | None:
            old = change_setting(conn, platform, community_id, key, value, actor, now)
            if also is not None and old != value:
                also(conn)
            return old

        return await self.db.write(write)

    async def audit(
        self, platform: str, community_id: str, since: datetime, limit: int = 50
    ) -> tuple[list[AuditEntry], int]:
        """The newest changes since `since` (at most `limit`) and how many there are in all."""

        def read(conn: sqlite3.Connection) -> tuple[list[AuditEntry], int]:
            params = (platform, community_id, iso(since))
            where = "platform = ? AND community_id = ? AND at >= ?"
            total = conn.execute(f"SELECT COUNT(*) FROM community_audit WHERE {where}", params)
            rows = conn.execute(
                "SELECT id, user_id, actor_name, action, old_value, new_value, at "
                f"FROM community_audit WHERE {where} ORDER BY at DESC, id DESC LIMIT ?",
                (*params, limit),
            ).fetchall()
            entries = [
                AuditEntry(r[0], r[1], r[2], r[3], r[4], r[5], datetime.fromisoformat(r[6]))
                for r in rows
            ]
            return entries, total.fetchone()[0]

        return await self.db.read(read)


def audit_privacy_handler() -> DataHandler:
    """Export a member's audit rows; on deletion pseudonymise them (the change stays recorded)."""

    def export(conn: sqlite3.Connection, key: MemberKey) -> list[dict[str, Any]]:
        clause, params = scope_clause(key)
        cursor = conn.execute(
            f"SELECT * FROM community_audit WHERE {clause} ORDER BY at, id", params
        )
        return rows_as_dicts(cursor, drop=("platform", "id"))

    def delete(conn: sqlite3.Connection, key: MemberKey) -> int:
        clause, params = scope_clause(key)
        return conn.execute(
            f"UPDATE community_audit SET user_id = '', actor_name = ? WHERE {clause}",
            [DELETED_ACTOR_NAME, *params],
        ).rowcount

    return DataHandler("community_audit", ("community_audit",), export, delete)
