"""A check-in's statements (issue 20): each is a round trip to a PostgreSQL server, so a check-in
runs two as a rule, and what it folds together still answers as before, also when another
process has changed the member's zone since this process last saw them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from storage.checkins import CheckinStore
from storage.db import Database, MemberKey
from tests.harness import ConsoleCommunity

MEMBER = MemberKey("console", "console", "alice")
NOON = datetime(2026, 11, 2, 12, tzinfo=UTC)


class _Counting:
    """A write function's connection that counts the statements run on it."""

    def __init__(self, conn: Any, seen: list[str]) -> None:
        self._conn = conn
        self._seen = seen

    def execute(self, sql: str, params: Any = ()) -> Any:
        self._seen.append(sql)
        return self._conn.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


async def _statements_of(db: Database, store: CheckinStore, day: date, **kwargs: Any) -> list[str]:
    """The statements one check-in on the member's local `day` ran (BEGIN and COMMIT aside)."""
    seen: list[str] = []
    write = db.write

    async def counted(fn, **options):
        return await write(lambda conn: fn(_Counting(conn, seen)), **options)

    db.write = counted
    try:
        await store.record(MEMBER, lambda zone: day, NOON, 3, None, None, window=14, **kwargs)
    finally:
        del db.write
    return seen


async def test_a_checkin_costs_two_statements_once_the_members_zone_is_known(tmp_path):
    db = await Database.open(tmp_path / "bot.db")
    if db.dialect != "postgresql":
        await db.close()
        # statements cost no round trip there; five plain ones are quicker than the folded two
        # (make bench: checkin-core), and the answers are checked below on both databases
        pytest.skip("round trips are PostgreSQL's; SQLite runs plain statements")
    try:
        store = CheckinStore(db)
        first = date(2026, 11, 2)
        # the first check-in this process sees of the member also reads their zone
        assert len(await _statements_of(db, store, first, shared=False)) == 3
        assert len(await _statements_of(db, store, first, shared=False)) == 2  # same day again
        assert len(await _statements_of(db, store, first + timedelta(1), shared=False)) == 2
        # sharing a day already shared needs nothing more
        assert len(await _statements_of(db, store, first + timedelta(2), shared=True)) == 2
        assert len(await _statements_of(db, store, first + timedelta(2), shared=True)) == 2
    finally:
        await db.close()


async def test_same_day_streak_and_share_answers_from_the_folded_statements(tmp_path):
    db = await Database.open(tmp_path / "bot.db")
    try:
        store = CheckinStore(db)

        async def on(day: int, shared: bool = False):
            return await store.record(
                MEMBER, lambda zone: date(2026, 11, day), NOON, 3, None, "n", shared, window=14
            )

        assert (await on(1)).streak == 1
        second = await on(2, shared=True)
        assert (second.first_today, second.streak, second.recent_days) == (True, 2, 2)
        again = await on(2, shared=True)
        assert (again.first_today, again.streak, again.shared_today_before) == (False, None, True)
        unshared_first = await on(4)
        assert (unshared_first.streak, unshared_first.recent_days) == (1, 3)
        shared_later = await on(4, shared=True)
        assert (shared_later.first_today, shared_later.shared_today_before) == (False, False)
        assert (await on(4, shared=True)).shared_today_before
        # a day further east before a move west still counts; it does not make a streak
        earlier = await on(3)
        assert (earlier.first_today, earlier.streak, earlier.recent_days) == (True, 3, 4)
        rows = await db.fetchall(
            "SELECT local_date, shared FROM checkin_days WHERE user_id = ? ORDER BY local_date",
            ("alice",),
        )
        assert [tuple(r) for r in rows] == [
            ("2026-11-01", 0),
            ("2026-11-02", 1),
            ("2026-11-03", 0),
            ("2026-11-04", 1),
        ]
        assert await store.count(MEMBER) == 7
    finally:
        await db.close()


async def test_a_zone_changed_by_another_process_moves_the_next_checkin_to_its_day(tmp_path):
    start = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)  # 2 Nov in London, 3 Nov in Kiritimati
    first = await ConsoleCommunity.create(tmp_path, start=start)
    second = await ConsoleCommunity.create(tmp_path, start=start)  # the same database
    try:
        await first.say("/timezone set zone:Europe/London", "/checkin 3")
        assert "added that to today" in await first.text("/checkin 3")
        await second.say("/timezone set zone:Pacific/Kiritimati")
        out = await first.text("/checkin 4")
        assert "That's 2 days in a row" in out
        days = await first.rows("SELECT local_date FROM checkin_days ORDER BY local_date")
        assert [r[0] for r in days] == ["2026-11-02", "2026-11-03"]
    finally:
        await second.stop()
        await first.stop()
