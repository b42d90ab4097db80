"""The alert life cycle in the database: create, deliver, claim, close and escalate.

An alert row is written before anyone is told, so an alert that cannot be posted yet (no
alerts channel, the platform offline) waits here and is delivered once. Claims and closes are
decided inside one write transaction, so two moderators pressing "I'm on it" together cannot
both get the alert. Outcome counts per month carry no names and outlive deletions.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from storage.alerts.models import (
    ACTION_KEY,
    CLAIMED,
    CLOSED,
    DELETED_MEMBER,
    KEEP_OUT_KEY,
    Alert,
    ClaimResult,
    alert_from_row,
    keep_out_mark,
    kept_out,
)
from storage.data_handlers import PSEUDONYM_PREFIX, pseudonyms
from storage.db import Database
from storage.due import DueTable, Only, community_setting, narrow
from storage.sql import exact


def escalation_rows(*settings: str) -> DueTable:
    """Due rows (storage/due.py): alerts whose next escalation or reminder is due, with their
    stage, when they were raised and the community settings named (the escalation times)."""
    return DueTable(
        "crisis_alerts",
        at="next_at",
        key=("id",),
        columns={
            "stage": "t.stage",
            "created_at": "t.created_at",
            **{name: community_setting(name) for name in settings},
        },
    )


class Alerts:
    """Alerts, their delivery, claim, close and escalation state."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self,
        community: tuple[str, str],
        kind: str,
        *,
        urgent: bool,
        subject: str | None,
        message: tuple[str, dict[str, str]],
        now: datetime,
        next_at: datetime | None,
        reporter: str | None = None,
        report_id: int | None = None,
        action: dict[str, Any] | None = None,
        keep_out: str | None = None,
    ) -> Alert:
        """Store a new alert (not yet delivered); ``action``: its extra button (ACTION_KEY);
        ``keep_out``: someone it must not reach though it names nobody (KEEP_OUT_KEY)."""
        template, values = message
        if action is not None:
            values = {**values, ACTION_KEY: action}
        if keep_out is not None:
            values = {**values, KEEP_OUT_KEY: keep_out_mark(keep_out)}

        def write(conn: sqlite3.Connection) -> Alert:
            cursor = conn.execute(
                "INSERT INTO crisis_alerts (platform, community_id, kind, urgent, user_id, "
                "reporter_id, report_id, template, values_json, created_at, next_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                (
                    community[0],
                    community[1],
                    kind,
                    int(urgent),
                    subject,
                    reporter,
                    report_id,
                    template,
                    json.dumps(values, ensure_ascii=False),
                    exact(now),
                    exact(next_at),
                ),
            )
            row = conn.execute(
                "SELECT * FROM crisis_alerts WHERE id=?", (cursor.fetchone()[0],)
            ).fetchone()
            return alert_from_row(row)

        return await self.db.write(write)

    async def get(self, platform: str, community_id: str, alert_id: int) -> Alert | None:
        """One alert of this community."""
        row = await self.db.fetchone(
            "SELECT * FROM crisis_alerts WHERE platform=? AND community_id=? AND id=?",
            (platform, community_id, alert_id),
        )
        return alert_from_row(row) if row else None

    async def delivered(
        self, alert: Alert, channel_id: str, message_id: str, now: datetime
    ) -> bool:
        """Record the one delivery; False when it was already delivered (then say nothing)."""
        changed = await self.db.execute(
            "UPDATE crisis_alerts SET delivered_at=?, channel_id=?, message_id=? "
            "WHERE id=? AND delivered_at IS NULL",
            (exact(now), channel_id, message_id, alert.id),
        )
        if changed and alert.report_id is not None:
            await self.db.execute(
                "UPDATE crisis_concern_reports SET alerted=1 WHERE id=? AND alerted=0",
                (alert.report_id,),
            )
        return changed > 0

    async def waiting(self, platform: str, only: Only | None = None) -> list[Alert]:
        """Alerts not yet delivered on a platform and not closed meanwhile, oldest first;
        ``only`` narrows them to the communities this process serves (its Discord shards)."""
        extra, params = narrow(only, "crisis_alerts")
        rows = await self.db.fetchall(
            "SELECT * FROM crisis_alerts WHERE platform=? AND delivered_at IS NULL "
            "AND closed_at IS NULL"
            f"{extra} ORDER BY id",
            (platform, *params),
        )
        return [alert_from_row(r) for r in rows]

    async def still_waiting(self, alert_id: int) -> bool:
        """Whether an alert is still neither delivered nor closed (read now, not from a list)."""
        row = await self.db.fetchone(
            "SELECT 1 FROM crisis_alerts WHERE id=? AND delivered_at IS NULL AND closed_at IS NULL",
            (alert_id,),
        )
        return row is not None

    async def is_waiting(
        self, platform: str, community_id: str, kind: str, subject: str | None
    ) -> bool:
        """Whether an alert of this kind about a member still waits to be delivered."""
        row = await self.db.fetchone(
            "SELECT 1 FROM crisis_alerts WHERE platform=? AND community_id=? AND kind=? "
            "AND user_id=? AND delivered_at IS NULL",
            (platform, community_id, kind, subject),
        )
        return row is not None

    async def open_about(self, platform: str, community_id: str, subject: str) -> Alert | None:
        """The newest alert about a member that is not closed yet, if any."""
        row = await self.db.fetchone(
            "SELECT * FROM crisis_alerts WHERE platform=? AND community_id=? AND user_id=? "
            "AND closed_at IS NULL ORDER BY id DESC LIMIT 1",
            (platform, community_id, subject),
        )
        return alert_from_row(row) if row else None

    async def waiting_report_by(
        self, community: tuple[str, str], reporter: str, subject: str
    ) -> int | None:
        """The alert of a report by `reporter` about `subject` still waiting, if any."""
        row = await self.db.fetchone(
            "SELECT id FROM crisis_alerts WHERE platform=? AND community_id=? AND kind='report' "
            "AND reporter_id=? AND user_id=? AND delivered_at IS NULL ORDER BY id LIMIT 1",
            (community[0], community[1], reporter, subject),
        )
        return row[0] if row else None

    async def update_waiting_note(self, alert_id: int, note: str) -> None:
        """A reporter's new note replaces the one in their waiting report (and its alert)."""

        def write(conn: sqlite3.Connection) -> None:
            row = conn.execute(
                "SELECT values_json, report_id FROM crisis_alerts WHERE id=? "
                "AND delivered_at IS NULL",
                (alert_id,),
            ).fetchone()
            if row is None:
                return
            values = json.loads(row[0])
            values["note"] = note
            conn.execute(
                "UPDATE crisis_alerts SET values_json=? WHERE id=?",
                (json.dumps(values, ensure_ascii=False), alert_id),
            )
            if row[1] is not None:
                conn.execute("UPDATE crisis_concern_reports SET note=? WHERE id=?", (note, row[1]))

        await self.db.write(write)

    async def claim(
        self,
        community: tuple[str, str],
        alert_id: int,
        claimer: tuple[str, str],
        now: datetime,
        remind_at: datetime,
    ) -> ClaimResult:
        """Give an open, unclaimed alert to `claimer` and plan the reminder."""

        def write(conn: sqlite3.Connection) -> ClaimResult:
            row, answer = _find_for(conn, community, alert_id, claimer[0])
            if answer is not None:
                return answer
            if row["claimed_by"] is not None or row["closed_at"] is not None:
                return ClaimResult(alert_from_row(row), False)
            conn.execute(
                "UPDATE crisis_alerts SET claimed_by=?, claimed_name=?, claimed_at=?, stage=?, "
                "next_at=? WHERE id=?",
                (claimer[0], claimer[1][:100], exact(now), CLAIMED, exact(remind_at), alert_id),
            )
            row = conn.execute("SELECT * FROM crisis_alerts WHERE id=?", (alert_id,)).fetchone()
            return ClaimResult(alert_from_row(row), True)

        return await self.db.write(write)

    async def close(
        self,
        community: tuple[str, str],
        alert_id: int,
        outcome: str,
        closer: tuple[str, str],
        now: datetime,
    ) -> ClaimResult:
        """Close an open alert with its outcome (claiming it for the closer if nobody had) and
        count the outcome for the month."""

        def write(conn: sqlite3.Connection) -> ClaimResult:
            row, answer = _find_for(conn, community, alert_id, closer[0])
            if answer is not None:
                return answer
            if row["closed_at"] is not None:
                return ClaimResult(alert_from_row(row), False)
            conn.execute(
                "UPDATE crisis_alerts SET closed_at=?, outcome=?, stage=?, next_at=NULL, "
                "claimed_by=COALESCE(claimed_by, ?), claimed_name=COALESCE(claimed_name, ?), "
                "claimed_at=COALESCE(claimed_at, ?) WHERE id=?",
                (exact(now), outcome, CLOSED, closer[0], closer[1][:100], exact(now), alert_id),
            )
            _forget_deleted(conn, row)
            conn.execute(
                "INSERT INTO crisis_alert_outcomes (platform, community_id, month, outcome, "
                "count) VALUES (?, ?, ?, ?, 1) ON CONFLICT (platform, community_id, month, "
                "outcome) DO UPDATE SET count = crisis_alert_outcomes.count + 1",
                (community[0], community[1], now.strftime("%Y-%m"), outcome),
            )
            row = conn.execute("SELECT * FROM crisis_alerts WHERE id=?", (alert_id,)).fetchone()
            return ClaimResult(alert_from_row(row), True)

        return await self.db.write(write)

    async def recent(
        self, platform: str, community_id: str, since: datetime, *, excluding: str | None = None
    ) -> list[Alert]:
        """Alerts since an instant, newest first; none about the member ``excluding``."""
        rows = await self.db.fetchall(
            "SELECT * FROM crisis_alerts WHERE platform=? AND community_id=? AND created_at>=? "
            "AND user_id IS DISTINCT FROM ? ORDER BY created_at DESC, id DESC LIMIT 20",
            (platform, community_id, exact(since), excluding),
        )
        return [alert_from_row(r) for r in rows]

    async def monthly_outcomes(
        self, platform: str, community_id: str, since_month: str
    ) -> list[tuple[str, str, int]]:
        """(month, outcome, count) from a month on, newest month first."""
        rows = await self.db.fetchall(
            "SELECT month, outcome, count FROM crisis_alert_outcomes WHERE platform=? "
            "AND community_id=? AND month>=? ORDER BY month DESC, outcome",
            (platform, community_id, since_month),
        )
        return [(r[0], r[1], r[2]) for r in rows]


def _find_for(
    conn: sqlite3.Connection, community: tuple[str, str], alert_id: int, who: str
) -> tuple[sqlite3.Row, ClaimResult | None]:
    """The alert in this community, and the answer to give at once when there is one: no such
    alert, or an alert about `who` (nobody handles an alert about themselves)."""
    row = conn.execute(
        "SELECT * FROM crisis_alerts WHERE platform=? AND community_id=? AND id=?",
        (community[0], community[1], alert_id),
    ).fetchone()
    if row is None:
        return row, ClaimResult(None, False)
    if _about(conn, row, who):
        return row, ClaimResult(alert_from_row(row), False, own=True)
    return row, None


def _about(conn: sqlite3.Connection, row: sqlite3.Row, user_id: str) -> bool:
    """Whether an alert is about this member (also after they deleted their data, and when
    it names nobody but keeps them out)."""
    subject = row["user_id"]
    if subject is None:
        return kept_out(json.loads(row["values_json"]).get(KEEP_OUT_KEY), user_id)
    return subject == user_id or subject in pseudonyms(conn, row["platform"], [user_id])


def _forget_deleted(conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    """On close, take a deleted member off the alert: the pseudonym, their name, the link."""
    subject = row["user_id"] or ""
    reporter = row["reporter_id"] or ""
    if not (subject.startswith(PSEUDONYM_PREFIX) or reporter.startswith(PSEUDONYM_PREFIX)):
        return
    values = json.loads(row["values_json"])
    if subject.startswith(PSEUDONYM_PREFIX):
        for name in ("name", "subject"):
            if name in values:
                values[name] = DELETED_MEMBER
        for name in ("link", "note"):
            if name in values:
                values[name] = "(removed)"
    conn.execute(
        "UPDATE crisis_alerts SET values_json=?, "
        "user_id=CASE WHEN user_id LIKE ? THEN NULL ELSE user_id END, "
        "reporter_id=CASE WHEN reporter_id LIKE ? THEN NULL ELSE reporter_id END WHERE id=?",
        (
            json.dumps(values, ensure_ascii=False),
            PSEUDONYM_PREFIX + "%",
            PSEUDONYM_PREFIX + "%",
            row["id"],
        ),
    )
