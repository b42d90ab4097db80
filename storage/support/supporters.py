"""Supporters' own settings and the state of their long-duty nudge and next rota slot."""

from __future__ import annotations

from datetime import datetime

from storage.db import MemberKey
from storage.sql import instant, iso, key_params
from storage.support.models import MEMBER, StoreBase, SupporterSettings


class SupporterRepo(StoreBase):
    """Supporters' settings."""

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
