"""What the alert life cycle hands around: an alert, a claim's result, the stages and outcomes,
and the salted mark that keeps someone out of an alert without naming them."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.sql import instant

OUTCOMES = ("reached-them", "resources-sent", "no-contact", "false-alarm")
DELETED_MEMBER = "a member who deleted their data"

# stages of an alert (see cogs/crisis/alerts.py)
POSTED, REPOSTED, MESSAGED, CLAIMED, REMINDED, CLOSED = range(6)
# An alert's one extra action (another feature's command, like "reach out privately" on an
# anonymous post), kept in values_json under this key: label, command, args, form.
ACTION_KEY = "_action"
# Someone an alert must not reach though it names nobody (the author of an anonymous post, who
# may be a moderator): kept in values_json as a salted hash, never their id.
KEEP_OUT_KEY = "_keep_out"


def keep_out_mark(user_id: str) -> str:
    """The salted hash that keeps ``user_id`` out of an alert without naming them."""
    salt = secrets.token_hex(8)
    return f"{salt}:{_keep_out_digest(salt, user_id)}"


def kept_out(mark: str | None, user_id: str) -> bool:
    """Whether ``mark`` (see :func:`keep_out_mark`) is ``user_id``'s."""
    if not mark or ":" not in mark:
        return False
    salt, digest = mark.split(":", 1)
    return hmac.compare_digest(digest, _keep_out_digest(salt, user_id))


def _keep_out_digest(salt: str, user_id: str) -> str:
    return hashlib.sha256(f"{salt}:{user_id}".encode()).hexdigest()


@dataclass(frozen=True)
class Alert:
    """One alert as the life cycle sees it."""

    id: int
    platform: str
    community_id: str
    kind: str
    urgent: bool
    user_id: str | None
    reporter_id: str | None
    report_id: int | None
    template: str
    values: dict[str, str] = field(default_factory=dict)
    channel_id: str | None = None
    message_id: str | None = None
    created_at: datetime | None = None
    delivered_at: datetime | None = None
    claimed_by: str | None = None
    claimed_name: str | None = None
    claimed_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    stage: int = POSTED
    next_at: datetime | None = None
    action: dict[str, Any] | None = None  # see ACTION_KEY
    keep_out: str | None = None  # see KEEP_OUT_KEY

    def concerns(self, user_id: str) -> bool:
        """Whether the alert is about ``user_id`` (named, or kept out without a name): they
        are never pinged or asked about it, and may not take or close it."""
        return user_id == self.user_id or kept_out(self.keep_out, user_id)


def alert_from_row(row: sqlite3.Row) -> Alert:
    """An :class:`Alert` from its ``crisis_alerts`` row (the action and keep-out mark taken
    out of its values)."""
    values = json.loads(row["values_json"])
    action = values.pop(ACTION_KEY, None)
    keep_out = values.pop(KEEP_OUT_KEY, None)
    return Alert(
        row["id"],
        row["platform"],
        row["community_id"],
        row["kind"],
        bool(row["urgent"]),
        row["user_id"],
        row["reporter_id"],
        row["report_id"],
        row["template"],
        values,
        row["channel_id"],
        row["message_id"],
        instant(row["created_at"]),
        instant(row["delivered_at"]),
        row["claimed_by"],
        row["claimed_name"],
        instant(row["claimed_at"]),
        instant(row["closed_at"]),
        row["outcome"],
        row["stage"],
        instant(row["next_at"]),
        action,
        keep_out,
    )


@dataclass(frozen=True)
class ClaimResult:
    """What a claim found: the alert (None when there is no such alert here) and whether this
    claim took it (False: someone already has it, or it is closed)."""

    alert: Alert | None
    taken: bool
    own: bool = False  # refused: the alert is about the one who tried to take or close it
