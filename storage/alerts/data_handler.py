"""Export and delete of a member's crisis duty, rota and alerts (the privacy registry's
handlers); the anonymous monthly outcome counts stay."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from storage.alerts.models import DELETED_MEMBER
from storage.data_handlers import (
    DataHandler,
    member_table,
    pseudonym,
    rows_as_dicts,
    scope_clause,
)
from storage.db import MemberKey

DELETED_CLAIMER = "a moderator who deleted their data"


def alerts_privacy_handler(still_open: str) -> DataHandler:
    """Alerts about a member, filed by them as a reporter, or claimed by them.

    The member an alert is about sees that there was one and its outcome (never a report about
    them: that is the reporter's). Deleting removes their closed alerts and takes their name off
    alerts they handled; an alert still open (about them, or a report they filed) stays until it
    is closed, because someone may be in danger: their id is replaced by a one-way pseudonym
    (so they still cannot take it themselves), the name and link stay for the moderators to
    reach them, and closing it removes those too. A report about them is never counted in what
    they are told was deleted. The anonymous monthly counts stay.
    """

    def export(conn: sqlite3.Connection, key: MemberKey) -> dict[str, Any]:
        out: dict[str, Any] = {}
        clause, params = scope_clause(key, "user_id")
        about = rows_as_dicts(
            conn.execute(
                "SELECT community_id, kind, created_at, delivered_at, closed_at, outcome "
                f"FROM crisis_alerts WHERE {clause} AND kind != 'report' ORDER BY id",
                params,
            )
        )
        if about:
            out["about you"] = about
        for title, column in (("you reported", "reporter_id"), ("you handled", "claimed_by")):
            clause, params = scope_clause(key, column)
            rows = rows_as_dicts(
                conn.execute(
                    "SELECT community_id, kind, created_at, claimed_at, closed_at, outcome "
                    f"FROM crisis_alerts WHERE {clause} ORDER BY id",
                    params,
                )
            )
            if rows:
                out[title] = rows
        return out

    def kept(conn: sqlite3.Connection, key: MemberKey) -> str | None:
        clause, params = scope_clause(key, "user_id")
        row = conn.execute(
            f"SELECT 1 FROM crisis_alerts WHERE {clause} AND kind != 'report' "
            "AND closed_at IS NULL LIMIT 1",
            params,
        ).fetchone()
        if row is None:
            return None
        return still_open

    def delete(conn: sqlite3.Connection, key: MemberKey) -> int:
        removed = 0
        for column in ("user_id", "reporter_id"):
            clause, params = scope_clause(key, column)
            alias = pseudonym(conn, key.platform, key.user_id)
            conn.execute(
                f"UPDATE crisis_alerts SET {column}=? WHERE {clause} AND closed_at IS NULL",
                [alias, *params],
            )
            if column == "reporter_id":
                for row in conn.execute(
                    "SELECT id, values_json FROM crisis_alerts WHERE reporter_id=?", (alias,)
                ).fetchall():
                    values = json.loads(row[1])
                    values["reporter"] = DELETED_MEMBER
                    conn.execute(
                        "UPDATE crisis_alerts SET values_json=? WHERE id=?",
                        (json.dumps(values, ensure_ascii=False), row[0]),
                    )
            counted = " AND kind != 'report'" if column == "user_id" else ""
            removed += conn.execute(
                f"DELETE FROM crisis_alerts WHERE {clause}{counted}", params
            ).rowcount
            if column == "user_id":  # reports about them are the reporters' data
                conn.execute(f"UPDATE crisis_alerts SET user_id=NULL WHERE {clause}", params)
        clause, params = scope_clause(key, "claimed_by")
        removed += conn.execute(
            f"UPDATE crisis_alerts SET claimed_by=NULL, claimed_name=?, next_at=NULL WHERE {clause}",
            [DELETED_CLAIMER, *params],
        ).rowcount
        return removed

    return DataHandler(
        "crisis alerts", ("crisis_alerts", "crisis_alert_outcomes"), export, delete, kept
    )


def privacy_handlers(still_open: str) -> list[DataHandler]:
    """Every handler of this module for the privacy registry; ``still_open`` is the marked
    sentence telling a member why a deletion keeps an alert about them for now."""
    return [
        member_table("crisis duty", "crisis_duty"),
        member_table("crisis rota", "crisis_rota", order_by="id"),
        alerts_privacy_handler(still_open),
    ]
