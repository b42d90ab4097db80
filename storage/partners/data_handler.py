"""Export and delete of a member's partners data (the privacy registry's handler)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from storage.data_handlers import (
    DataHandler,
    pseudonym,
    rows_as_dicts,
    scope_clause,
)
from storage.db import MemberKey
from storage.partners.notices import notify
from storage.partners.partnerships import leave
from storage.partners.proposals import close_pending, load_proposal

PRIVACY_TABLES = (
    "partner_pool",
    "partner_proposals",
    "partner_proposal_members",
    "partnerships",
    "partnership_members",
    "partner_blocks",
    "partner_sos",
    "partner_notices",
)


def privacy_handler(now: Callable[[], datetime]) -> DataHandler:
    """Export and delete for every partners table: only the member's own view is exported;
    deleting a member closes what they were part of and queues a neutral notice for others."""
    return DataHandler(
        "partners", PRIVACY_TABLES, _export, lambda conn, key: _delete(conn, key, now())
    )


def _export(conn: sqlite3.Connection, key: MemberKey) -> dict[str, Any]:
    clause, params = scope_clause(key)
    out: dict[str, Any] = {}
    out["pool"] = rows_as_dicts(
        conn.execute(f"SELECT * FROM partner_pool WHERE {clause}", params),
        drop=("platform", "user_id"),
    )
    proposals = []
    for pid, answer in conn.execute(
        f"SELECT proposal_id, answer FROM partner_proposal_members WHERE {clause} ORDER BY proposal_id",
        params,
    ).fetchall():
        proposal = load_proposal(conn, pid)
        if proposal is not None:
            proposals.append(
                {
                    "id": pid,
                    "community_id": proposal.community_id,
                    "created_at": proposal.created_at.isoformat(),
                    "status": proposal.status,
                    "your_answer": answer,
                    "with": proposal.others(key.user_id),
                }
            )
    out["proposals"] = proposals
    partnerships = []
    for pid, left in conn.execute(
        f"SELECT partnership_id, left_at FROM partnership_members WHERE {clause} "
        "ORDER BY partnership_id",
        params,
    ).fetchall():
        row = conn.execute(
            "SELECT community_id, started_at, ended_at FROM partnerships WHERE id = ?", (pid,)
        ).fetchone()
        others = [
            r[0]
            for r in conn.execute(
                "SELECT user_id FROM partnership_members WHERE partnership_id = ? AND user_id != ? "
                "ORDER BY user_id",
                (pid, key.user_id),
            )
        ]
        partnerships.append(
            {
                "id": pid,
                "community_id": row[0],
                "started_at": row[1],
                "you_left_at": left,
                "ended_at": row[2],
                "with": others,
            }  # fmt: skip
        )
    out["partnerships"] = partnerships
    out["blocks"] = rows_as_dicts(
        conn.execute(f"SELECT * FROM partner_blocks WHERE {clause}", params),
        drop=("platform", "user_id"),
    )
    out["sos"] = rows_as_dicts(
        conn.execute(f"SELECT * FROM partner_sos WHERE {clause}", params),
        drop=("platform", "user_id"),
    )
    out["notices"] = rows_as_dicts(
        conn.execute(f"SELECT kind, due_at FROM partner_notices WHERE {clause}", params)
    )
    return {name: rows for name, rows in out.items() if rows}


def _delete(conn: sqlite3.Connection, key: MemberKey, now: datetime) -> int:
    clause, params = scope_clause(key)
    stamp = now.isoformat()
    memberships = conn.execute(
        f"SELECT community_id FROM partnership_members WHERE {clause} AND left_at IS NULL", params
    ).fetchall()
    for (community_id,) in memberships:
        left = leave(conn, MemberKey(key.platform, community_id, key.user_id), now)
        if left is not None:
            kind = "partnership_ended" if left.ended else "partner_left"
            notify(conn, key.platform, community_id, left.remaining, kind, stamp)
    pending = conn.execute(
        f"SELECT community_id FROM partner_proposal_members WHERE {clause}", params
    ).fetchall()
    for (community_id,) in {tuple(r) for r in pending}:
        member = MemberKey(key.platform, community_id, key.user_id)
        others = close_pending(conn, member, "cancelled", now)
        notify(conn, key.platform, community_id, others, "proposal_closed", stamp)
    removed = 0
    for table in ("partnership_members", "partner_proposal_members", "partner_pool",
                  "partner_sos", "partner_notices", "partner_blocks"):  # fmt: skip
        removed += conn.execute(f"DELETE FROM {table} WHERE {clause}", params).rowcount
    # Another member's block of this member protects them, not us: it stays, against a keyed
    # one-way hash of the id instead of the id (matching still honours it if they return).
    blocked_clause, blocked_params = scope_clause(key, "blocked_id")
    hashed = pseudonym(conn, key.platform, key.user_id)
    removed += conn.execute(  # a block already kept against the hash stands for this one
        f"DELETE FROM partner_blocks WHERE {blocked_clause} AND EXISTS (SELECT 1 FROM "
        "partner_blocks h WHERE h.platform = partner_blocks.platform AND h.community_id = "
        "partner_blocks.community_id AND h.user_id = partner_blocks.user_id AND h.blocked_id = ?)",
        (*blocked_params, hashed),
    ).rowcount
    removed += conn.execute(
        f"UPDATE partner_blocks SET blocked_id = ? WHERE {blocked_clause}",
        (hashed, *blocked_params),
    ).rowcount
    # Proposals and partnerships nobody belongs to any more.
    conn.execute(
        "DELETE FROM partner_proposals WHERE platform = ? AND NOT EXISTS "
        "(SELECT 1 FROM partner_proposal_members m WHERE m.proposal_id = partner_proposals.id)",
        (key.platform,),
    )
    conn.execute(
        "DELETE FROM partnerships WHERE platform = ? AND NOT EXISTS "
        "(SELECT 1 FROM partnership_members m WHERE m.partnership_id = partnerships.id)",
        (key.platform,),
    )
    return removed
