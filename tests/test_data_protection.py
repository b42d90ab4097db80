"""Deleted means gone from the disk: after `/mydata delete confirm:yes`, what a member wrote is not
in the bytes of the database file or its write-ahead log, and check-in notes older than
``bot.note_retention_days`` disappear the same way.

Each test first shows that the marker text *is* in the files while it is stored, so a clean scan
afterwards means it was erased, not that the scan missed it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.harness import ConsoleCommunity

# Bytes of the SQLite file and its log; on PostgreSQL deletion is covered by
# tests/test_mydata_delete_empties.py and what the disk keeps is documented in docs/postgresql.md.
pytestmark = pytest.mark.sqlite_only

ALICE = "alice-private-5c1e9a"  # unique marker text, found nowhere else in a database
BOB = "bob-private-77d20f"
LIMITS = {"limits": {"commands_per_minute": 1000}}


def files_holding(db_path: Path, marker: str) -> list[str]:
    """Which of the database file and its write-ahead log hold `marker` (as UTF-8 bytes)."""
    needle = marker.encode()
    found = []
    for path in (db_path, Path(f"{db_path}-wal")):
        if path.exists() and needle in path.read_bytes():
            found.append(path.name)
    return found


async def checkpoint(community: ConsoleCommunity) -> None:
    """Copy the write-ahead log into the database file and empty the log."""
    busy, _, _ = await community.bot.db.read(
        lambda c: tuple(c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())
    )
    assert busy == 0


async def write_everywhere(community: ConsoleCommunity, member: str, marker: str) -> None:
    """A check-in note, a milestone reset note, a safety plan entry and a partner intro."""
    out = await community.text(
        f":as {member}",
        "/timezone set Europe/London",
        f'/checkin 3 note:"{marker} checkin"',
        "/milestone set 2026-01-01",
        f'/milestone reset note:"{marker} reset"',
        f'/safetyplan edit section:coping text:"{marker} plan"',
        f'/partner join alcohol intro:"{marker} intro"',
    )
    assert "couldn't" not in out and "Usage" not in out, out


async def test_deleted_member_text_is_not_left_on_disk(tmp_path):
    community = await ConsoleCommunity.create(tmp_path, config=LIMITS)
    try:
        await write_everywhere(community, "alice", ALICE)
        await write_everywhere(community, "bob", BOB)
        # a proposal between them copies nothing of the intro that could be left behind
        await community.say(":role carol moderator", ":as carol", "/partner match")
        await checkpoint(community)
        assert files_holding(community.db_path, ALICE) == [community.db_path.name]

        out = await community.text(":as alice", "/mydata delete confirm:yes")
        assert "Done. I deleted everything I had about you" in out
        assert await community.export() == {}

        # without VACUUM: secure_delete overwrites the freed space as rows are deleted
        await checkpoint(community)
        assert files_holding(community.db_path, ALICE) == []
        await community.bot.db.read(lambda c: c.execute("VACUUM"))
        await checkpoint(community)
        assert files_holding(community.db_path, ALICE) == []

        # another member's words are untouched, and still theirs to see
        assert files_holding(community.db_path, BOB) == [community.db_path.name]
        await community.say(":as bob")
        assert BOB in json.dumps(await community.export())
    finally:
        await community.stop()
    assert files_holding(community.db_path, ALICE) == []  # nor after a clean shutdown


async def test_note_retention_erases_old_notes_and_keeps_the_check_ins(tmp_path):
    start = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    config = {"bot": {"note_retention_days": 30}, **LIMITS}
    community = await ConsoleCommunity.create(tmp_path, start=start, config=config)
    old, recent = "old-note-41b7", "recent-note-93ac"
    try:
        await community.say(
            f'/checkin 2 note:"{old}"', ":clock +20d", f'/checkin 4 note:"{recent}"'
        )
        await community.say(":clock +9d")  # the first note is 29 days old: kept
        notes = [c.get("note") for c in (await community.export())["checkins"]]
        assert notes == [old, recent]

        await community.say(":clock +2d")  # 31 days old now: the daily sweep erases it
        checkins = (await community.export())["checkins"]
        assert [(c["mood"], c.get("note")) for c in checkins] == [(2, None), (4, recent)]
        history = await community.text("/checkin history days:60")
        assert "2 check-in days in the last 60 days" in history  # the check-ins themselves stay
        assert "week of 2026-11-02: mood 2" in history

        await checkpoint(community)
        assert files_holding(community.db_path, old) == []
        assert files_holding(community.db_path, recent) == [community.db_path.name]

        await community.say(":clock +30d")  # the newer note reaches 30+ days in turn
        assert [c.get("note") for c in (await community.export())["checkins"]] == [None, None]
    finally:
        await community.stop()


async def test_notes_are_kept_when_retention_is_off(tmp_path):
    community = await ConsoleCommunity.create(tmp_path, config=LIMITS)
    try:
        await community.say('/checkin 3 note:"kept-note-0c55"', ":clock +400d")
        assert [c.get("note") for c in (await community.export())["checkins"]] == ["kept-note-0c55"]
    finally:
        await community.stop()
