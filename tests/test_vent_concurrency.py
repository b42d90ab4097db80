"""The relay limit of an anonymous post under concurrent writers: several processes' databases
on one PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from datetime import date

from storage.backends import postgres
from storage.db import Database
from storage.vent import VentStore

DAY = date(2026, 11, 3)
LIMIT = 3
WRITERS = 8


async def test_concurrent_relays_never_pass_the_posts_limit_on_postgresql(pg, monkeypatch):
    """The count was read, then written: two moderators' messages arriving at once (two bot
    processes) both saw room for one more, so the author got more than the limit (test first).
    Each writer is its own Database (its own connection and transaction); every statement on
    the relay counts is slowed so all of them overlap."""
    original = postgres.PgConnection.execute

    def slow_relays(self, sql, params=()):
        cursor = original(self, sql, params)
        if "vent_relay" in sql:
            time.sleep(0.2)  # the window in which another process also counts
        return cursor

    monkeypatch.setattr(postgres.PgConnection, "execute", slow_relays)
    url = await pg.create()
    dbs = [await Database.open(url) for _ in range(WRITERS)]
    try:
        sent = await asyncio.gather(
            *(
                VentStore(db).reach_out("console", "c1", 1, f"mod{n}", DAY, LIMIT)
                for n, db in enumerate(dbs)
            )
        )
        assert sorted(sent) == [False] * (WRITERS - LIMIT) + [True] * LIMIT
        store = VentStore(dbs[0])
        assert not await store.reach_out("console", "c1", 1, "mod0", DAY, LIMIT)
        assert len(await store.reached_out("console", "c1", 1)) == LIMIT
        # A new day gives the post its full allowance again.
        tomorrow = date(2026, 11, 4)
        again = [await store.reach_out("console", "c1", 1, "mod9", tomorrow, LIMIT) for _ in "xyzw"]
        assert again == [True] * LIMIT + [False]
    finally:
        for db in dbs:
            await db.close()
