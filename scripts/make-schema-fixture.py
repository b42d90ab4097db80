#!/usr/bin/env python3
"""Write tests/fixtures/schema-NNNN.sql: a SQL dump of a peerbot database at the current schema
version, with representative rows in every table.

A release runs this once and commits the file; tests/test_migration_fixtures.py then checks on
every later version that the migrations carry each released database forward without losing a
row. The rows come from a scripted console session (the real cogs write them); tables the session
cannot reach get a hand-written row below. The script fails, naming the tables, if any table is
left empty, so a new migration's tables get rows before its fixture is written.

Usage: .venv/bin/python scripts/make-schema-fixture.py [--core-only] [--out DIR] [--print-session]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage.db import APPLICATION_ID, MIGRATIONS_DIR, Database, schema_version  # noqa: E402

START = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)  # fixed, so the dump is the same on every run
AT = START.isoformat()

# A small community's life: a moderator sets things up, members use every feature, time passes.
SESSION = [
    ":as dave",
    "hello everyone",
    ":as carol",
    "hi all",
    ":channel moderators moderators",
    "the moderators' room",
    ":channel general",
    ":as alice",
    ":role alice moderator",
    "/community timezone Europe/London",
    "/community region code:GB",
    "/community channel checkins #checkins",
    "/community channel milestones #milestones",
    "/community channel prompts #prompts",
    "/community channel alerts #moderators",
    '/community welcome text:"Welcome, glad you are here."',
    "/checkin post 09:00",
    '/prompt bank add "What helped you today?"',
    '/prompt add text:"What are you grateful for?" schedule:"daily 10:00"',
    '/prompt add text:bank schedule:"weekly mon 19:30"',
    "/prompt skip 1 2026-11-04",
    '/crisis resource add name:"Local line" contact:"call 555 0100" hours:24/7',
    "/partner schedule mon 09:00",
    "/timezone set Europe/London",
    '/checkin 4 cravings:2 note:"steady day"',
    "/checkin remind 20:00",
    "/milestone set 2026-01-01",
    "/milestone share recovery public",
    '/milestone reset note:"hard week"',
    '/safetyplan edit section:coping text:"a walk, music"',
    "/crisis region set:GB",
    "/crisis resource confirm id:gb-samaritans",
    "/duty on",
    "/duty rota add day:mon start:22:00 end:06:00",
    '/partner join alcohol intro:"Day 40, evenings are hard"',
    ":as bob",
    "/timezone set Europe/London",
    "/checkin 3",
    "/partner join alcohol",
    "/partner block @dave",
    '/crisis concern @carol note:"quiet lately"',
    "i feel so hopeless about everything",
    '/crisis resource report id:gb-samaritans note:"this number didn\'t connect"',
    ":as carol",
    "/timezone set Europe/Paris",
    "/partner join general",
    ":as alice",
    "/alert claim 1",
    "/alert close 1 outcome:reached-them",
    "/partner match",
    "/partner accept",
    ":as bob",
    "/partner accept",
    '/partner sos "rough night"',
    ":clock +1d",
    ":as alice",
    "/checkin 5",
    ":clock +2d",
    "/checkin stats",
    # Meetings: a weekly circle with an RSVP and a cancelled date, and the finder (its count is
    # in EXTRA_ROWS: the session ends before the circle first meets).
    ":channel meetings",
    ":channel general",
    "/community channel purpose:meetings channel:#meetings",
    '/meeting add title:"Sunday circle" when:"weekly sun 19:00" length:60 where:#meetings cap:12',
    "/meeting cancel 1 date:2026-11-15",
    '/meeting outside add name:"SMART online" organisation:"SMART Recovery" '
    'when:"weekly tue 18:00" zone:America/New_York language:English '
    "link:https://meet.example.org/smart",
    ":as bob",
    "/meeting rsvp 1 remind:1h",
    # Support: carol is a peer supporter and takes bob's request; dave's still waits.
    ":as alice",
    ":role carol +Supporters",
    "/community supporters role:Supporters",
    ":as carol",
    "/duty on",
    "/support settings max:2 callme:on",
    ":as bob",
    "/support request kind:listen topics:grief time:30m note:a rough week",
    ":as carol",
    "/support claim",
    "/support close outcome:supported",
    ":as bob",
    "/support feedback rating:4 word:kind",
    ":as dave",
    "/support request kind:advice topics:none time:1h",
    # Vent: an anonymous post, its author's reply, a moderator reaching out, then a block.
    ":as alice",
    ":channel vent",
    ":channel general",
    "/community channel purpose:vent channel:#vent",
    ":as bob",
    "/vent text:some days are heavier than others",
    "/vent reply post:1 text:thank you for reading",
    ":as alice",
    "/vent reach post:1 text:we're here if you want to talk",
    ":as bob",
    "/vent answer post:1 text:thanks, it helps to know",
    ":as alice",
    "/vent block post:1",
]

# Hand-written rows for tables the console cannot reach (Matrix-only state and the like), and
# an attendance count, which is for a meeting that met (the session ends before that).
EXTRA_ROWS: dict[str, list[dict[str, object]]] = {
    "platform_state": [
        {"platform": "matrix", "key": "next_batch", "value": "s72594_4483_1934"},
        {"platform": "discord", "key": "commands_hash", "value": "9f2c4e"},
    ],
    "matrix_direct_rooms": [
        {"user_id": "@bob:example.org", "room_id": "!dm-bob:example.org", "created_at": AT},
    ],
    "matrix_handled_events": [
        {"event_id": "$Yb9kE2c1rQ:example.org", "handled_at": AT},
    ],
    "meeting_attendance": [
        {"meeting_id": 1, "starts_at": "2026-11-08T19:00:00+00:00", "count": 7},
    ],
    "partner_notices": [
        {
            "platform": "console",
            "community_id": "console",
            "user_id": "carol",
            "kind": "proposal_closed",
            "due_at": "2026-11-06T12:00:00+00:00",
        },
    ],
}

# Rows for the core-only fixture (schema 0001).
CORE_ROWS: dict[str, list[dict[str, object]]] = {
    "community_settings": [
        {
            "platform": "console",
            "community_id": "console",
            "key": "timezone",
            "value": "Europe/London",
            "updated_at": AT,
        },
        {
            "platform": "matrix",
            "community_id": "!space:example.org",
            "key": "channel.checkins",
            "value": "!checkins:example.org",
            "updated_at": AT,
        },
    ],
    "member_settings": [
        {
            "platform": "console",
            "community_id": "console",
            "user_id": "alice",
            "key": "timezone",
            "value": "Europe/London",
            "updated_at": AT,
        },
        {
            "platform": "discord",
            "community_id": "1001",
            "user_id": "2002",
            "key": "timezone",
            "value": "America/New_York",
            "updated_at": AT,
        },
    ],
    "members": [
        {
            "platform": "console",
            "community_id": "console",
            "user_id": "alice",
            "display_name": "alice",
            "first_seen": AT,
            "last_seen": AT,
        },
        {
            "platform": "matrix",
            "community_id": "!space:example.org",
            "user_id": "@bob:example.org",
            "display_name": "Bob",
            "first_seen": AT,
            "last_seen": AT,
        },
    ],
    "platform_state": [
        {"platform": "matrix", "key": "next_batch", "value": "s72594_4483_1934"},
    ],
}


async def build_current(db_path: Path, show: bool) -> None:
    """A database at the current version, filled by the console session."""
    from tests.harness import ConsoleCommunity

    community = await ConsoleCommunity.create(
        db_path.parent, start=START, config={"limits": {"commands_per_minute": 1000}}
    )
    try:
        for line in SESSION:
            out = await community.say(line)
            if show:
                print(f"> {line}")
                print("\n".join(out))
    finally:
        await community.stop()
    (db_path.parent / "community.db").rename(db_path)
    insert_rows(db_path, EXTRA_ROWS)


async def build_core(db_path: Path) -> None:
    """A database at schema 1 (core tables only), filled with hand-written rows."""
    with tempfile.TemporaryDirectory() as tmp:
        only_core = Path(tmp)
        shutil.copy(MIGRATIONS_DIR / "0001_core.sql", only_core)
        db = await Database.open(db_path, migrations_dir=only_core)
        await db.close()
    insert_rows(db_path, CORE_ROWS)


def insert_rows(db_path: Path, rows: dict[str, list[dict[str, object]]]) -> None:
    """Insert hand-written rows, table by table."""
    conn = sqlite3.connect(db_path)
    try:
        with conn:
            for table, table_rows in rows.items():
                for row in table_rows:
                    names = ", ".join(row)
                    marks = ", ".join("?" for _ in row)
                    conn.execute(
                        f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(row.values())
                    )
    finally:
        conn.close()


def empty_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables (not SQLite's own) that hold no row."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return [n for n in names if conn.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0] == 0]


def dump(db_path: Path) -> tuple[int, str]:
    """(schema version, SQL text) of a database, with the version PRAGMAs iterdump leaves out."""
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("DROP TABLE IF EXISTS sqlite_stat1")  # planner statistics, not data
        empty = empty_tables(conn)
        if empty:
            raise SystemExit(
                "these tables have no rows; add to SESSION or EXTRA_ROWS in "
                f"scripts/make-schema-fixture.py: {', '.join(empty)}"
            )
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        lines = [
            f"-- peerbot database at schema version {version}, written by "
            "scripts/make-schema-fixture.py. Do not edit: regenerate it.",
            f"PRAGMA application_id = {APPLICATION_ID};",
            f"PRAGMA user_version = {version};",
            *conn.iterdump(),
        ]
    finally:
        conn.close()
    return version, "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Build the database, dump it, write the fixture; prints the file written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--core-only", action="store_true", help="schema 1 (core tables) only")
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "fixtures")
    parser.add_argument("--print-session", action="store_true", help="show the console session")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "fixture.db"
        if args.core_only:
            asyncio.run(build_core(db_path))
        else:
            asyncio.run(build_current(db_path, args.print_session))
        version, text = dump(db_path)
    if not args.core_only and version != schema_version():
        raise SystemExit(f"built schema {version}, expected {schema_version()}")
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"schema-{version:04d}.sql"
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
