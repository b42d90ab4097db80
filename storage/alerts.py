"""The alert life cycle: responders on duty, the weekly rota, alerts and their outcomes.

An alert row is written before anyone is told, so an alert that cannot be posted yet (no
alerts channel, the platform offline) waits here and is delivered once. Claims and closes are
decided inside one write transaction, so two moderators pressing "I'm on it" together cannot
both get the alert. Outcome counts per month carry no names and outlive deletions.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.data_handlers import (
    PSEUDONYM_PREFIX,
    DataHandler,
    member_table,
    pseudonym,
    pseudonyms,
    rows_as_dicts,
    scope_clause,
)
from storage.db import Database, MemberKey
from storage.due import DueTable, Only, community_setting, narrow
from storage.sql import exact, instant

OUTCOMES = ("reached-them", "resources-sent", "no-contact", "false-alarm")
ROTA_SLOTS_PER_RESPONDER = 14
DELETED_CLAIMER = "a moderator who deleted their data"
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


# --- duty ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DutySwitch:
    """A responder's own switch."""

    user_id: str
    display_name: str
    on_since: datetime | None
    off_until: datetime | None


@dataclass(frozen=True)
class RotaSlot:
    """One weekly slot of a responder, in their own zone."""

    id: int
    user_id: str
    display_name: str
    weekday: int
    start_min: int
    end_min: int
    zone: str


class Duty:
    """Who switched themselves on or off, and the weekly rota."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def switch(
        self, key: MemberKey, name: str, on_since: datetime | None, off_until: datetime | None
    ) -> None:
        """Record a responder's switch (both None: back to the rota alone)."""
        await self.db.execute(
            "INSERT INTO crisis_duty (platform, community_id, user_id, display_name, on_since, "
            "off_until) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, community_id, user_id) "
            "DO UPDATE SET display_name=excluded.display_name, on_since=excluded.on_since, "
            "off_until=excluded.off_until",
            (
                key.platform,
                key.community_id,
                key.user_id,
                name[:100],
                exact(on_since),
                exact(off_until),
            ),
        )

    async def switches(self, platform: str, community_id: str) -> list[DutySwitch]:
        """Every responder's switch in a community."""
        rows = await self.db.fetchall(
            "SELECT user_id, display_name, on_since, off_until FROM crisis_duty "
            "WHERE platform=? AND community_id=? ORDER BY display_name",
            (platform, community_id),
        )
        return [DutySwitch(r[0], r[1], instant(r[2]), instant(r[3])) for r in rows]

    async def slots(self, platform: str, community_id: str) -> list[RotaSlot]:
        """Every rota slot of a community."""
        rows = await self.db.fetchall(
            "SELECT id, user_id, display_name, weekday, start_min, end_min, zone FROM crisis_rota "
            "WHERE platform=? AND community_id=? ORDER BY weekday, start_min, id",
            (platform, community_id),
        )
        return [RotaSlot(*r) for r in rows]

    async def add_slot(
        self,
        key: MemberKey,
        name: str,
        slot: tuple[int, int, int, str],
        now: datetime,
    ) -> int | None:
        """Add a weekly slot (weekday, start, end, zone); None when the responder has many."""
        weekday, start, end, zone = slot

        def write(conn: sqlite3.Connection) -> int | None:
            count = conn.execute(
                "SELECT COUNT(*) FROM crisis_rota WHERE platform=? AND community_id=? "
                "AND user_id=?",
                (key.platform, key.community_id, key.user_id),
            ).fetchone()[0]
            if count >= ROTA_SLOTS_PER_RESPONDER:
                return None
            cursor = conn.execute(
                "INSERT INTO crisis_rota (platform, community_id, user_id, display_name, "
                "weekday, start_min, end_min, zone, created_at) VALUES (?,?,?,?,?,?,?,?,?) "
                "RETURNING id",
                (
                    key.platform,
                    key.community_id,
                    key.user_id,
                    name[:100],
                    weekday,
                    start,
                    end,
                    zone,
                    exact(now),
                ),
            )
            return cursor.fetchone()[0]

        return await self.db.write(write)

    async def remove_slot(self, key: MemberKey, slot_id: int) -> bool:
        """Remove one of the responder's own slots."""
        return (
            await self.db.execute(
                "DELETE FROM crisis_rota WHERE platform=? AND community_id=? AND user_id=? "
                "AND id=?",
                (key.platform, key.community_id, key.user_id, slot_id),
            )
            > 0
        )


# --- alerts ----------------------------------------------------------------------------------


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


def _alert(row: sqlite3.Row) -> Alert:
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
            return _alert(row)

        return await self.db.write(write)

    async def get(self, platform: str, community_id: str, alert_id: int) -> Alert | None:
        """One alert of this community."""
        row = await self.db.fetchone(
            "SELECT * FROM crisis_alerts WHERE platform=? AND community_id=? AND id=?",
            (platform, community_id, alert_id),
        )
        return _alert(row) if row else None

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
        return [_alert(r) for r in rows]

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
        return _alert(row) if row else None

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
            row = conn.execute(
                "SELECT * FROM crisis_alerts WHERE platform=? AND community_id=? AND id=?",
                (community[0], community[1], alert_id),
            ).fetchone()
            if row is None:
                return ClaimResult(None, False)
            if _about(conn, row, claimer[0]):
                return ClaimResult(_alert(row), False, own=True)
            if row["claimed_by"] is not None or row["closed_at"] is not None:
                return ClaimResult(_alert(row), False)
            conn.execute(
                "UPDATE crisis_alerts SET claimed_by=?, claimed_name=?, claimed_at=?, stage=?, "
                "next_at=? WHERE id=?",
                (claimer[0], claimer[1][:100], exact(now), CLAIMED, exact(remind_at), alert_id),
            )
            row = conn.execute("SELECT * FROM crisis_alerts WHERE id=?", (alert_id,)).fetchone()
            return ClaimResult(_alert(row), True)

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
            row = conn.execute(
                "SELECT * FROM crisis_alerts WHERE platform=? AND community_id=? AND id=?",
                (community[0], community[1], alert_id),
            ).fetchone()
            if row is None:
                return ClaimResult(None, False)
            if _about(conn, row, closer[0]):
                return ClaimResult(_alert(row), False, own=True)
            if row["closed_at"] is not None:
                return ClaimResult(_alert(row), False)
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
            return ClaimResult(_alert(row), True)

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
        return [_alert(r) for r in rows]

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
