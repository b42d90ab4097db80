"""Export and delete of a member's support data (the privacy registry's handlers)."""

from __future__ import annotations

import sqlite3
from typing import Any

from storage.data_handlers import (
    DataHandler,
    member_table,
    pseudonym,
    rows_as_dicts,
    scope_clause,
)
from storage.db import MemberKey


def privacy_handlers() -> list[DataHandler]:
    """Export and deletion: a member's requests and feedback; a supporter's settings, and the
    sessions they held (dates only; their id is replaced by a pseudonym on deletion so the
    community's counts stay right without naming them)."""

    def export_requests(conn: sqlite3.Connection, key: MemberKey) -> dict[str, Any]:
        clause, params = scope_clause(key)
        own = conn.execute(
            f"SELECT id, community_id, kind, topics, minutes, note, status, created_at, "
            f"claimed_at, closed_at, handoffs, outcome, ended_by FROM support_requests "
            f"WHERE {clause} ORDER BY id",
            params,
        )
        requests = rows_as_dicts(own)
        clause, params = scope_clause(key, "supporter_id")
        held = conn.execute(
            f"SELECT id, community_id, kind, created_at, claimed_at, closed_at, outcome "
            f"FROM support_requests WHERE {clause} ORDER BY id",
            params,
        )
        sessions = rows_as_dicts(held)
        if not requests and not sessions:
            return {}
        return {"requests": requests, "sessions_held_as_supporter": sessions}

    def delete_requests(conn: sqlite3.Connection, key: MemberKey) -> int:
        clause, params = scope_clause(key)
        removed = conn.execute(f"DELETE FROM support_requests WHERE {clause}", params).rowcount
        clause, params = scope_clause(key, "supporter_id")
        held = conn.execute(
            f"UPDATE support_requests SET supporter_id = ? WHERE {clause}",
            [pseudonym(conn, key.platform, key.user_id), *params],
        ).rowcount
        return removed + held

    return [
        DataHandler("support requests", ("support_requests",), export_requests, delete_requests),
        member_table("support feedback", "support_feedback"),
        member_table("support settings", "support_supporters"),
    ]
