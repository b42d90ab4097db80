"""Community and member settings (small key/value records), and the members seen."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from storage.db import Database, MemberKey


class CommunitySettings:
    """Per-community settings such as timezone, region and channels by purpose."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, platform: str, community_id: str, key: str) -> str | None:
        """One setting, or None."""
        row = await self.db.fetchone(
            "SELECT value FROM community_settings WHERE platform=? AND community_id=? AND key=?",
            (platform, community_id, key),
        )
        return row[0] if row else None

    async def all(self, platform: str, community_id: str) -> dict[str, str]:
        """Every setting of a community."""
        rows = await self.db.fetchall(
            "SELECT key, value FROM community_settings WHERE platform=? AND community_id=? ORDER BY key",
            (platform, community_id),
        )
        return {r[0]: r[1] for r in rows}

    async def set(
        self, platform: str, community_id: str, key: str, value: str | None, now: datetime
    ) -> str | None:
        """Set (or with None, remove) a setting; returns the previous value."""

        def write(conn: sqlite3.Connection) -> str | None:
            return set_community_setting(conn, platform, community_id, key, value, now)

        return await self.db.write(write)


def set_community_setting(
    conn: sqlite3.Connection,
    platform: str,
    community_id: str,
    key: str,
    value: str | None,
    now: datetime,
) -> str | None:
    """Set or remove one community setting inside an open transaction; returns the old value."""
    row = conn.execute(
        "SELECT value FROM community_settings WHERE platform=? AND community_id=? AND key=?",
        (platform, community_id, key),
    ).fetchone()
    if value is None:
        conn.execute(
            "DELETE FROM community_settings WHERE platform=? AND community_id=? AND key=?",
            (platform, community_id, key),
        )
    else:
        conn.execute(
            "INSERT INTO community_settings (platform, community_id, key, value, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, community_id, key) "
            "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (platform, community_id, key, value, now.isoformat()),
        )
    return row[0] if row else None


class MemberSettings:
    """Per-member settings such as timezone and region, scoped to one community."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: MemberKey, name: str) -> str | None:
        """One setting of a member, or None."""
        row = await self.db.fetchone(
            "SELECT value FROM member_settings WHERE platform=? AND community_id=? AND user_id=? AND key=?",
            (key.platform, key.community_id, key.user_id, name),
        )
        return row[0] if row else None

    async def all(self, key: MemberKey) -> dict[str, str]:
        """Every setting of a member in this community."""
        rows = await self.db.fetchall(
            "SELECT key, value FROM member_settings WHERE platform=? AND community_id=? AND user_id=?",
            (key.platform, key.community_id, key.user_id),
        )
        return {r[0]: r[1] for r in rows}

    async def members_with(self, name: str) -> list[MemberKey]:
        """Every member who has a setting called `name`, in any community."""
        rows = await self.db.fetchall(
            "SELECT platform, community_id, user_id FROM member_settings WHERE key = ?", (name,)
        )
        return [MemberKey(r[0], r[1], r[2]) for r in rows]

    async def timezone(self, key: MemberKey) -> str | None:
        """The member's own zone, else their community's (one query), else None."""
        row = await self.db.lookup(
            "SELECT COALESCE("
            " (SELECT value FROM member_settings WHERE platform=? AND community_id=? AND user_id=?"
            "  AND key='timezone'),"
            " (SELECT value FROM community_settings WHERE platform=? AND community_id=?"
            "  AND key='timezone'))",
            (key.platform, key.community_id, key.user_id, key.platform, key.community_id),
        )
        return row[0] if row else None

    async def languages(self, key: MemberKey) -> tuple[str | None, str | None, str | None]:
        """The member's chosen language, their last client language and their community's
        (one query; None where unset)."""
        row = await self.db.lookup(
            "SELECT"
            " (SELECT value FROM member_settings WHERE platform=? AND community_id=? AND user_id=?"
            "  AND key='language'),"
            " (SELECT value FROM member_settings WHERE platform=? AND community_id=? AND user_id=?"
            "  AND key='client_language'),"
            " (SELECT value FROM community_settings WHERE platform=? AND community_id=?"
            "  AND key='language')",
            (*key, *key, key.platform, key.community_id),
        )
        return (row[0], row[1], row[2]) if row else (None, None, None)

    async def set(self, key: MemberKey, name: str, value: str | None, now: datetime) -> None:
        """Set (or with None, remove) a member setting."""

        def write(conn: sqlite3.Connection) -> None:
            if value is None:
                conn.execute(
                    "DELETE FROM member_settings WHERE platform=? AND community_id=? AND user_id=? AND key=?",
                    (key.platform, key.community_id, key.user_id, name),
                )
            else:
                conn.execute(
                    "INSERT INTO member_settings (platform, community_id, user_id, key, value, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, community_id, user_id, key) "
                    "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    (key.platform, key.community_id, key.user_id, name, value, now.isoformat()),
                )

        await self.db.write(write)


class Members:
    """Members the bot has seen (for display names in scheduled messages)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def seen(self, key: MemberKey, display_name: str, now: datetime) -> None:
        """Record that a member was active (name kept current)."""
        await self.db.write(
            lambda c: c.execute(
                "INSERT INTO members (platform, community_id, user_id, display_name, first_seen, last_seen) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, community_id, user_id) DO UPDATE SET "
                "display_name = excluded.display_name, last_seen = excluded.last_seen",
                (
                    key.platform,
                    key.community_id,
                    key.user_id,
                    display_name[:100],
                    now.isoformat(),
                    now.isoformat(),
                ),
            )
        )

    async def name(self, key: MemberKey) -> str | None:
        """The last display name seen, or None."""
        row = await self.db.fetchone(
            "SELECT display_name FROM members WHERE platform=? AND community_id=? AND user_id=?",
            (key.platform, key.community_id, key.user_id),
        )
        return row[0] if row else None
