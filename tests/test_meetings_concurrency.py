"""The RSVP cap under concurrent writers: several processes' databases on one PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from storage.backends import postgres
from storage.db import Database, MemberKey
from storage.meetings import MeetingFields, MeetingStore

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
START = NOW + timedelta(days=6)
CAP = 3
WRITERS = 8


async def test_concurrent_rsvps_never_pass_the_cap_on_postgresql(pg, monkeypatch):
    """Two RSVPs arriving at once both counted the places taken before either was written, so
    both took the last one (test first). Each writer is its own Database (its own connection
    and transaction, as separate bot processes); the count is slowed so all of them overlap."""
    count_sql = "SELECT COUNT(*) FROM meeting_rsvps WHERE meeting_id = ? AND starts_at = ?"
    original = postgres.PgConnection.execute

    def slow_count(self, sql, params=()):
        cursor = original(self, sql, params)
        if sql == count_sql:
            time.sleep(0.3)  # the window in which another process also counts
        return cursor

    monkeypatch.setattr(postgres.PgConnection, "execute", slow_count)
    url = await pg.create()
    dbs = [await Database.open(url) for _ in range(WRITERS)]
    try:
        fields = MeetingFields("Circle", None, "weekly sun 19:00", 60, None, "https://x.org", CAP)
        meeting = await MeetingStore(dbs[0]).add("console", "c1", "fran", fields, START, NOW)
        results = await asyncio.gather(
            *(
                MeetingStore(db).rsvp(
                    MemberKey("console", "c1", f"member{n}"), meeting, START, 15, CAP, 10, NOW
                )
                for n, db in enumerate(dbs)
            )
        )
        outcomes = sorted(r.outcome for r in results)
        assert outcomes == ["full"] * (WRITERS - CAP) + ["new"] * CAP
        assert await MeetingStore(dbs[0]).rsvp_count(meeting, START) == CAP
    finally:
        for db in dbs:
            await db.close()
