"""SQL helpers every repository shares: instants as text, member keys as parameters, and the
few words of SQL that differ between database dialects.

Instants are stored as ISO-8601 text of aware UTC datetimes, so they sort as text.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import Any

from storage.db import MemberKey

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


def iso(instant: datetime) -> str:
    """An instant as sortable UTC ISO text in whole seconds."""
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def exact(instant: datetime | None) -> str | None:
    """An instant as ISO text at the precision it has (None stays None)."""
    return instant.isoformat() if instant is not None else None


def instant(text: str | None) -> datetime | None:
    """The instant stored as ISO text (None or empty → None)."""
    return datetime.fromisoformat(text) if text else None


def key_params(key: MemberKey) -> tuple[str, str | None, str]:
    """A member key as the parameters of ``platform = ? AND community_id = ? AND user_id = ?``."""
    return (key.platform, key.community_id, key.user_id)


def dialect(db: Any) -> str:
    """The database's SQL dialect: ``db.dialect`` when the backend declares one, else SQLite.

    For backend authors (PostgreSQL): give the ``Database`` a ``dialect`` attribute (``"sqlite"``
    or ``"postgresql"``); this hook and :func:`claim_lock` then need no change.
    """
    return getattr(db, "dialect", SQLITE) or SQLITE


def claim_lock(db: Any) -> str:
    """The lock clause for the SELECT that claims due rows in the transaction that moves them on.

    On PostgreSQL several processes claim at once: ``FOR UPDATE SKIP LOCKED`` gives each row to
    one of them. SQLite has one writer at a time, so it needs nothing.
    """
    return " FOR UPDATE SKIP LOCKED" if dialect(db) == POSTGRESQL else ""


# The first key of the transaction locks below (the process locks of storage.locks use the same
# class: both are "PEER").
_LOCK_CLASS = 0x50454552


def serialise(conn: Any, name: str) -> None:
    """Inside a write: wait until no other transaction holds the same name, then hold it until
    this one ends. For a check-then-write over rows that do not exist yet (a count of sessions
    against a cap), which ``row_lock`` cannot cover. PostgreSQL: a transaction-scoped advisory
    lock; SQLite has one writer at a time and needs nothing."""
    if dialect(conn) == POSTGRESQL:
        key = zlib.crc32(name.encode()) & 0x7FFFFFFF
        conn.execute("SELECT pg_advisory_xact_lock(?, ?)", (_LOCK_CLASS, key))


def row_lock(db: Any) -> str:
    """The lock clause that makes a SELECT hold its rows until the transaction ends, so a
    check-then-write (a count against a cap) is not raced by another process. PostgreSQL:
    ``FOR UPDATE``; SQLite has one writer at a time and needs nothing."""
    return " FOR UPDATE" if dialect(db) == POSTGRESQL else ""


def day_before(db: Any, day_sql: str) -> str:
    """SQL for the YYYY-MM-DD day before the YYYY-MM-DD text `day_sql` (a column or ``?``).

    `db` may be the Database or the connection a write function gets (both know their dialect).
    """
    if dialect(db) == POSTGRESQL:
        return f"to_char(CAST({day_sql} AS date) - 1, 'YYYY-MM-DD')"
    return f"date({day_sql}, '-1 day')"
