"""Small key/value records a platform adapter keeps about itself (sync tokens, command hashes)."""

from __future__ import annotations

from storage.db import Database


class PlatformState:
    """Small key/value records an adapter keeps about itself (never about a person)."""

    def __init__(self, db: Database, platform: str) -> None:
        self.db = db
        self.platform = platform

    async def get(self, key: str) -> str | None:
        """One value, or None."""
        row = await self.db.fetchone(
            "SELECT value FROM platform_state WHERE platform = ? AND key = ?", (self.platform, key)
        )
        return row[0] if row else None

    async def set(self, key: str, value: str) -> None:
        """Store one value (acknowledged after commit)."""
        await self.db.write(
            lambda c: c.execute(
                "INSERT INTO platform_state (platform, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (platform, key) DO UPDATE SET value = excluded.value",
                (self.platform, key, value),
            )
        )
