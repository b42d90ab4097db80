"""Anonymous posts: numbers, weekly aliases, the author link, blocks, daily limits and relays.

The author of a post is stored only in ``vent_authors`` (dropped with the post, after
``vent.keep_days``, or by /mydata delete). Aliases and blocks keep a *mark* instead: an HMAC of
the member id under a secret that never leaves this database, with a different purpose word for
each, so an alias can't be worked back to a member nor matched against a block.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from storage.community import AuditActor, record_audit
from storage.data_handlers import DataHandler, member_table, rows_as_dicts, scope_clause
from storage.db import Database, MemberKey
from storage.sql import iso

ALIAS_SPACE = 900  # aliases run from 100 to 999
WEEK_KEPT = timedelta(days=14)  # alias rows of older weeks are swept


@dataclass(frozen=True)
class VentPost:
    """One anonymous post as moderators may act on it (never its author)."""

    number: int
    alias: int
    channel_id: str
    message_id: str | None
    reply_to: int | None
    posted_at: str
    removed: bool


@dataclass(frozen=True)
class Audit:
    """A moderator's action on a post, for the community audit log (never the author)."""

    actor: AuditActor
    action: str  # vent.remove, vent.block, vent.unblock, vent.reveal
    number: int
    reason: str | None = None

    def record(
        self, conn: sqlite3.Connection, platform: str, community_id: str, now: datetime
    ) -> None:
        """Write the audit row inside an open transaction."""
        record_audit(
            conn,
            platform,
            community_id,
            self.actor,
            self.action,
            f"post {self.number}",
            self.reason or DONE[self.action],  # a reveal keeps its reason
            now,
        )


# What each action did, as the audit log's "new" side reads it ("post 3 → taken down").
DONE = {
    "vent.remove": "taken down",
    "vent.block": "author blocked",
    "vent.unblock": "block lifted",
    "vent.reveal": "author shown to the moderator",
}
# A removal the platform could not carry out: the author is forgotten, the post is still up.
LEFT_UP = "author forgotten; the post is still up, to delete by hand"


def week_of(day: date) -> str:
    """The Monday of `day`'s week: aliases last a week."""
    return (day - timedelta(days=day.weekday())).isoformat()


def _secret(conn: sqlite3.Connection, platform: str, community_id: str) -> bytes:
    row = conn.execute(
        "SELECT secret FROM vent_communities WHERE platform = ? AND community_id = ?",
        (platform, community_id),
    ).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO vent_communities (platform, community_id, secret, last_number) "
            "VALUES (?, ?, ?, 0) ON CONFLICT (platform, community_id) DO NOTHING",
            (platform, community_id, secrets.token_hex(32)),
        )
        return _secret(conn, platform, community_id)
    return bytes.fromhex(row[0])


def mark(secret: bytes, purpose: str, user_id: str, extra: str = "") -> str:
    """A keyed one-way hash of a member id for one purpose ("alias", "block")."""
    message = f"{purpose}\0{extra}\0{user_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _alias(conn: sqlite3.Connection, key: MemberKey, secret: bytes, week: str) -> int:
    """The member's alias this week (the same all week; two members never share one)."""
    member = mark(secret, "alias", key.user_id, week)
    row = conn.execute(
        "SELECT alias FROM vent_aliases WHERE platform = ? AND community_id = ? AND week = ? "
        "AND member_mark = ?",
        (key.platform, key.community_id, week, member),
    ).fetchone()
    if row is not None:
        return int(row[0])
    taken = {
        int(r[0])
        for r in conn.execute(
            "SELECT alias FROM vent_aliases WHERE platform = ? AND community_id = ? AND week = ?",
            (key.platform, key.community_id, week),
        )
    }
    start = int(member[:8], 16) % ALIAS_SPACE
    for step in range(ALIAS_SPACE):
        alias = 100 + (start + step) % ALIAS_SPACE
        if alias not in taken:
            break
    else:  # a week with 900 anonymous authors: widen the range rather than share one
        alias = 1000 + len(taken)
    conn.execute(
        "INSERT INTO vent_aliases (platform, community_id, week, member_mark, alias) "
        "VALUES (?, ?, ?, ?, ?)",
        (key.platform, key.community_id, week, member, alias),
    )
    return alias


def _post(row: Any) -> VentPost:
    return VentPost(int(row[0]), int(row[1]), row[2], row[3], row[4], row[5], bool(row[6]))


_POST_COLUMNS = "number, alias, channel_id, message_id, reply_to, posted_at, removed"


class VentStore:
    """The repository behind /vent."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def blocked(self, key: MemberKey) -> bool:
        """Whether a moderator blocked this member from anonymous posting here."""

        def read(conn: sqlite3.Connection) -> bool:
            secret = _existing_secret(conn, key.platform, key.community_id)
            if secret is None:
                return False
            return (
                conn.execute(
                    "SELECT 1 FROM vent_blocks WHERE platform = ? AND community_id = ? "
                    "AND member_mark = ?",
                    (key.platform, key.community_id, mark(secret, "block", key.user_id)),
                ).fetchone()
                is not None
            )

        return await self.db.read(read)

    async def use(self, key: MemberKey, day: date, kind: str, limit: int) -> bool:
        """Count one use of `kind` today; False (nothing counted) when the limit is reached."""

        def write(conn: sqlite3.Connection) -> bool:
            if limit < 1:
                return False
            # One statement: a read-then-write would let two processes (PostgreSQL, READ
            # COMMITTED) both see room for one more and both count it.
            row = conn.execute(
                "INSERT INTO vent_usage (platform, community_id, user_id, day, kind, used) "
                "VALUES (?, ?, ?, ?, ?, 1) "
                "ON CONFLICT (platform, community_id, user_id, day, kind) "
                "DO UPDATE SET used = vent_usage.used + 1 WHERE vent_usage.used < ? "
                "RETURNING used",
                (key.platform, key.community_id, key.user_id, day.isoformat(), kind, limit),
            ).fetchone()
            return row is not None

        return await self.db.write(write)

    async def unuse(self, key: MemberKey, day: date, kind: str) -> None:
        """Give back one use (the post could not be made)."""

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE vent_usage SET used = used - 1 WHERE platform = ? AND community_id = ? "
                "AND user_id = ? AND day = ? AND kind = ? AND used > 0",
                (key.platform, key.community_id, key.user_id, day.isoformat(), kind),
            )

        await self.db.write(write)

    async def reserve(
        self,
        key: MemberKey,
        week: str,
        channel_id: str,
        reply_to: int | None,
        now: datetime,
        alias: int | None = None,
    ) -> VentPost:
        """A new post number and the member's alias this week, or `alias` (a reply keeps the
        alias of the post it answers); the post is not yet linked."""

        def write(conn: sqlite3.Connection) -> VentPost:
            secret = _secret(conn, key.platform, key.community_id)
            shown = alias if alias is not None else _alias(conn, key, secret, week)
            number = conn.execute(
                "UPDATE vent_communities SET last_number = last_number + 1 "
                "WHERE platform = ? AND community_id = ? RETURNING last_number",
                (key.platform, key.community_id),
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO vent_posts (platform, community_id, number, alias, channel_id, "
                "message_id, reply_to, posted_at, removed) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, 1)",
                (key.platform, key.community_id, number, shown, channel_id, reply_to, iso(now)),
            )
            return VentPost(int(number), shown, channel_id, None, reply_to, iso(now), True)

        return await self.db.write(write)

    async def posted(
        self, key: MemberKey, number: int, message_id: str, now: datetime, keep: timedelta
    ) -> None:
        """The post went out: record its message and link its author until `now + keep`."""

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE vent_posts SET message_id = ?, removed = 0 "
                "WHERE platform = ? AND community_id = ? AND number = ?",
                (message_id, key.platform, key.community_id, number),
            )
            conn.execute(
                "INSERT INTO vent_authors (platform, community_id, number, user_id, forget_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (key.platform, key.community_id, number, key.user_id, iso(now + keep)),
            )

        await self.db.write(write)

    async def post(self, platform: str, community_id: str, number: int) -> VentPost | None:
        """A post by number (None when there is none; unposted reservations count as removed)."""
        row = await self.db.fetchone(
            f"SELECT {_POST_COLUMNS} FROM vent_posts WHERE platform = ? AND community_id = ? "
            "AND number = ?",
            (platform, community_id, number),
        )
        return _post(row) if row is not None else None

    async def author(self, platform: str, community_id: str, number: int) -> str | None:
        """Who wrote a post, while that is still kept (None afterwards)."""
        row = await self.db.fetchone(
            "SELECT user_id FROM vent_authors WHERE platform = ? AND community_id = ? "
            "AND number = ?",
            (platform, community_id, number),
        )
        return row[0] if row is not None else None

    async def remove(
        self,
        platform: str,
        community_id: str,
        number: int,
        audit: Audit | None = None,
        now: datetime | None = None,
        *,
        taken_down: bool = True,
    ) -> None:
        """Forget the post's author and, when it was taken down, mark it removed (audited when
        a moderator removed it). A post still up (the platform could not take it down) stays
        unremoved, so nobody is later told it is gone."""

        def write(conn: sqlite3.Connection) -> None:
            if audit is not None and now is not None:
                audit.record(conn, platform, community_id, now)
            if taken_down:
                conn.execute(
                    "UPDATE vent_posts SET removed = 1 WHERE platform = ? AND community_id = ? "
                    "AND number = ?",
                    (platform, community_id, number),
                )
            conn.execute(
                "DELETE FROM vent_authors WHERE platform = ? AND community_id = ? AND number = ?",
                (platform, community_id, number),
            )

        await self.db.write(write)

    async def deleted(
        self, platform: str, community_id: str, channel_id: str, message_id: str
    ) -> int | None:
        """A post deleted outside the bot: marked removed and its author forgotten; its number
        (None when the message was no anonymous post)."""

        def write(conn: sqlite3.Connection) -> int | None:
            row = conn.execute(
                "SELECT number FROM vent_posts WHERE platform = ? AND community_id = ? "
                "AND channel_id = ? AND message_id = ?",
                (platform, community_id, channel_id, message_id),
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE vent_posts SET removed = 1 WHERE platform = ? AND community_id = ? "
                "AND number = ?",
                (platform, community_id, row[0]),
            )
            conn.execute(
                "DELETE FROM vent_authors WHERE platform = ? AND community_id = ? AND number = ?",
                (platform, community_id, row[0]),
            )
            return int(row[0])

        return await self.db.write(write)

    async def block(self, key: MemberKey, number: int, now: datetime, audit: Audit) -> bool:
        """Block the member (known to the bot only) from anonymous posting; False if already."""

        def write(conn: sqlite3.Connection) -> bool:
            secret = _secret(conn, key.platform, key.community_id)
            audit.record(conn, key.platform, key.community_id, now)
            return (
                conn.execute(
                    "INSERT INTO vent_blocks (platform, community_id, member_mark, post_number, "
                    "blocked_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (platform, community_id, member_mark) DO NOTHING",
                    (
                        key.platform,
                        key.community_id,
                        mark(secret, "block", key.user_id),
                        number,
                        iso(now),
                    ),
                ).rowcount
                > 0
            )

        return await self.db.write(write)

    async def unblock(
        self, platform: str, community_id: str, number: int, audit: Audit, now: datetime
    ) -> bool:
        """Lift the block made after post `number`; False when there was none."""

        def write(conn: sqlite3.Connection) -> bool:
            audit.record(conn, platform, community_id, now)
            return (
                conn.execute(
                    "DELETE FROM vent_blocks WHERE platform = ? AND community_id = ? "
                    "AND post_number = ?",
                    (platform, community_id, number),
                ).rowcount
                > 0
            )

        return await self.db.write(write)

    async def reveal(
        self, platform: str, community_id: str, audit: Audit, now: datetime
    ) -> str | None:
        """The author of a post, with the reveal written to the audit log in the same
        transaction; None (nothing written) when who wrote it is no longer kept."""

        def write(conn: sqlite3.Connection) -> str | None:
            row = conn.execute(
                "SELECT user_id FROM vent_authors WHERE platform = ? AND community_id = ? "
                "AND number = ?",
                (platform, community_id, audit.number),
            ).fetchone()
            if row is None:
                return None
            audit.record(conn, platform, community_id, now)
            return str(row[0])

        return await self.db.write(write)

    async def unlink(self, key: MemberKey) -> int:
        """Forget which posts this member wrote; the posts stay, anonymous to everyone."""

        def write(conn: sqlite3.Connection) -> int:
            return conn.execute(
                "DELETE FROM vent_authors WHERE platform = ? AND community_id = ? AND user_id = ?",
                (key.platform, key.community_id, key.user_id),
            ).rowcount

        return await self.db.write(write)

    async def reach_out(
        self, platform: str, community_id: str, number: int, moderator: str, day: date, limit: int
    ) -> bool:
        """Count one message from a moderator to a post's author; False over today's limit.
        The limit is the post's: all moderators together, not each of them."""

        def write(conn: sqlite3.Connection) -> bool:
            if limit < 1:
                return False
            # One statement: a read-then-write would let two processes (PostgreSQL, READ
            # COMMITTED) both see room for one more and both send it. The day only moves
            # forward: moderators in other zones must not restart each other's count.
            counted = conn.execute(
                "INSERT INTO vent_relay_counts (platform, community_id, number, day, sent) "
                "VALUES (?, ?, ?, ?, 1) ON CONFLICT (platform, community_id, number) "
                "DO UPDATE SET "
                "sent = CASE WHEN excluded.day > vent_relay_counts.day THEN 1 "
                "ELSE vent_relay_counts.sent + 1 END, "
                "day = CASE WHEN excluded.day > vent_relay_counts.day THEN excluded.day "
                "ELSE vent_relay_counts.day END "
                "WHERE excluded.day > vent_relay_counts.day OR vent_relay_counts.sent < ? "
                "RETURNING sent",
                (platform, community_id, number, day.isoformat(), limit),
            ).fetchone()
            if counted is None:
                return False
            conn.execute(
                "INSERT INTO vent_relays (platform, community_id, number, user_id, day, sent) "
                "VALUES (?, ?, ?, ?, ?, 1) "
                "ON CONFLICT (platform, community_id, number, user_id) DO UPDATE SET "
                "sent = CASE WHEN vent_relays.day = excluded.day THEN vent_relays.sent + 1 "
                "ELSE 1 END, day = excluded.day",
                (platform, community_id, number, moderator, day.isoformat()),
            )
            return True

        return await self.db.write(write)

    async def reached_out(self, platform: str, community_id: str, number: int) -> list[str]:
        """The moderators who wrote to a post's author."""
        rows = await self.db.fetchall(
            "SELECT user_id FROM vent_relays WHERE platform = ? AND community_id = ? "
            "AND number = ? ORDER BY user_id",
            (platform, community_id, number),
        )
        return [r[0] for r in rows]

    async def authored(self, key: MemberKey) -> list[VentPost]:
        """The posts this member wrote that are still linked to them."""
        rows = await self.db.fetchall(
            "SELECT p.number, p.alias, p.channel_id, p.message_id, p.reply_to, p.posted_at, "
            "p.removed FROM vent_posts p JOIN vent_authors a ON a.platform = p.platform "
            "AND a.community_id = p.community_id AND a.number = p.number "
            "WHERE a.platform = ? AND a.community_id = ? AND a.user_id = ? ORDER BY p.number",
            (key.platform, key.community_id, key.user_id),
        )
        return [_post(r) for r in rows]

    async def linked(self, key: MemberKey) -> int:
        """How many posts are still linked to the member (``community_id`` None: everywhere)."""
        return await self.db.read(lambda conn: _linked(conn, key))

    async def next_forget(self) -> datetime | None:
        """When the next author link is due to be forgotten."""
        row = await self.db.fetchone("SELECT MIN(forget_at) FROM vent_authors")
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def forget_due(self, now: datetime) -> int:
        """Forget every author link past its time, and old aliases and counts."""

        def write(conn: sqlite3.Connection) -> int:
            gone = conn.execute(
                "DELETE FROM vent_authors WHERE forget_at <= ?", (iso(now),)
            ).rowcount
            old = (now - WEEK_KEPT).date().isoformat()
            conn.execute("DELETE FROM vent_aliases WHERE week < ?", (old,))
            conn.execute("DELETE FROM vent_usage WHERE day < ?", (old,))
            conn.execute("DELETE FROM vent_relay_counts WHERE day < ?", (old,))
            return gone

        return await self.db.write(write, background=True)


def _existing_secret(conn: sqlite3.Connection, platform: str, community_id: str) -> bytes | None:
    row = conn.execute(
        "SELECT secret FROM vent_communities WHERE platform = ? AND community_id = ?",
        (platform, community_id),
    ).fetchone()
    return bytes.fromhex(row[0]) if row else None


def _export_authors(conn: sqlite3.Connection, key: MemberKey) -> list[dict[str, Any]]:
    clause, params = "a.platform = ? AND a.user_id = ?", [key.platform, key.user_id]
    if key.community_id is not None:
        clause, params = clause + " AND a.community_id = ?", [*params, key.community_id]
    cursor = conn.execute(
        "SELECT a.community_id, a.number AS post, p.alias, p.channel_id, p.reply_to, "
        "p.posted_at, p.removed, a.forget_at FROM vent_authors a JOIN vent_posts p "
        "ON p.platform = a.platform AND p.community_id = a.community_id AND p.number = a.number "
        f"WHERE {clause} ORDER BY a.number",
        params,
    )
    return rows_as_dicts(cursor)


def _delete_authors(conn: sqlite3.Connection, key: MemberKey) -> int:
    """The links go; the posts stay, now anonymous to everyone. This week's alias goes too."""
    clause, params = scope_clause(key)
    gone = conn.execute(f"DELETE FROM vent_authors WHERE {clause}", params).rowcount
    where = "platform = ?" + (" AND community_id = ?" if key.community_id is not None else "")
    args = [key.platform] + ([key.community_id] if key.community_id is not None else [])
    communities = conn.execute(
        f"SELECT community_id, secret FROM vent_communities WHERE {where}", args
    ).fetchall()
    for community_id, secret in communities:
        for (week,) in conn.execute(
            "SELECT DISTINCT week FROM vent_aliases WHERE platform = ? AND community_id = ?",
            (key.platform, community_id),
        ).fetchall():
            conn.execute(
                "DELETE FROM vent_aliases WHERE platform = ? AND community_id = ? AND week = ? "
                "AND member_mark = ?",
                (
                    key.platform,
                    community_id,
                    week,
                    mark(bytes.fromhex(secret), "alias", key.user_id, week),
                ),
            )
    return gone


def _linked(conn: sqlite3.Connection, key: MemberKey) -> int:
    """How many anonymous posts are still linked to the member (in one or every community)."""
    clause, params = scope_clause(key)
    row = conn.execute(f"SELECT COUNT(*) FROM vent_authors WHERE {clause}", params).fetchone()
    return int(row[0]) if row else 0


def vent_privacy_handlers(kept: str) -> list[DataHandler]:
    """Export and delete a member's anonymous-post links, daily counts and relays. ``kept`` is
    the sentence (marked for translation by the feature) that tells a member deleting their data
    that their posts stay, no longer linked to them."""

    def keeper(conn: sqlite3.Connection, key: MemberKey) -> str | None:
        return kept if _linked(conn, key) else None

    return [
        DataHandler("anonymous posts", ("vent_authors",), _export_authors, _delete_authors, keeper),
        member_table("anonymous post limits", "vent_usage", order_by="day"),
        member_table("anonymous post relays", "vent_relays", order_by="day"),
    ]
