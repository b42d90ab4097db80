"""The crisis listener's memory of the messages it acted on: message id and level, never text.

An edited message passes the detector again; this memory keeps an edit from bringing a second
alert (or a second private message) for a message already handled at that level or above.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from storage.data_handlers import DataHandler, member_table
from storage.db import Database, MemberKey

KEPT = timedelta(days=30)  # an edit of an older flagged message is treated as a new message
_RANK = {"none": 0, "concern": 1, "urgent": 2}


class FlaggedMessages:
    """Which level each recently flagged message was acted on at."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim(self, key: MemberKey, message_id: str, level: str, now: datetime) -> bool:
        """True (and remembered) when the message was not yet acted on at ``level`` or above."""

        def write(conn: sqlite3.Connection) -> bool:
            conn.execute(
                "DELETE FROM crisis_flagged_messages WHERE flagged_at < ?",
                ((now - KEPT).isoformat(),),
            )
            row = conn.execute(
                "SELECT level FROM crisis_flagged_messages "
                "WHERE platform=? AND community_id=? AND user_id=? AND message_id=?",
                (key.platform, key.community_id, key.user_id, message_id),
            ).fetchone()
            if row is not None and _RANK.get(row[0], 0) >= _RANK[level]:
                return False
            conn.execute(
                "INSERT INTO crisis_flagged_messages "
                "(platform, community_id, user_id, message_id, level, flagged_at) "
                "VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (platform, community_id, user_id, message_id) "
                "DO UPDATE SET level=excluded.level, flagged_at=excluded.flagged_at",
                (key.platform, key.community_id, key.user_id, message_id, level, now.isoformat()),
            )
            return True

        return await self.db.write(write)


def flagged_privacy_handler() -> DataHandler:
    """Export and delete a member's flagged-message memory."""
    return member_table("crisis flagged messages", "crisis_flagged_messages", order_by="flagged_at")
