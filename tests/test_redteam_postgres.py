"""Red-team of the PostgreSQL deployment (issue 20), as an outsider and as a member in distress.

Each test was written from an attack on the running bot and failed before its fix. Tests about
the database server itself (stopped under a running bot) run in the PostgreSQL pass only; the
odd-text tests run on both backends.
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import sqlite3
import subprocess
from collections.abc import Iterator

import asyncpg
import pytest

from bot.cli import main
from tests.conftest import postgres
from tests.harness import ConsoleCommunity, private_to
from tests.postgres_server import BACKEND, BIN, _as_server_user, query

on_postgres_only = pytest.mark.skipif(
    BACKEND != "postgresql", reason="the database server itself: in the PostgreSQL pass"
)


def _pg_ctl(*args: str) -> None:
    server = postgres()
    subprocess.run(
        [*_as_server_user(), str(BIN / "pg_ctl"), "-D", str(server.dir / "data"), "-w",
         "-t", "30", "-l", str(server.dir / "log"), *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60, check=True,
    )  # fmt: skip


@contextlib.contextmanager
def database_server_down() -> Iterator[None]:
    """Stop the PostgreSQL server (an outage, a failover) and start it again afterwards with
    the options it was started with."""
    data = postgres().dir / "data"
    started_with = shlex.split((data / "postmaster.opts").read_text())[1:]
    d = started_with.index("-D")
    options = shlex.join(started_with[:d] + started_with[d + 2 :])
    _pg_ctl("-m", "fast", "stop")
    try:
        yield
    finally:
        _pg_ctl("-o", options, "start")


@on_postgres_only
async def test_crisis_help_and_a_kind_word_still_reach_a_member_while_the_database_is_down(
    community,
):
    """The database server stops (restart, failover). A member in crisis must still get the
    resources, and a check-in must be answered "not saved" rather than with silence."""
    await community.say('/checkin 3 note:"before the outage"')
    with database_server_down():
        crisis = await community.text("/crisis")
        heard = await community.text("I want to kill myself tonight")
        checkin = await community.text('/checkin 2 note:"during the outage"')
    assert "there for you right now" in private_to(crisis, "alice")
    assert "there for you right now" in private_to(heard, "alice")
    assert "couldn't save that" in private_to(checkin, "alice")
    assert not [line for line in crisis + heard + checkin if line.startswith("#")]  # private
    back = await community.text('/checkin 2 note:"after the outage"')
    assert "check-in day" in private_to(back, "alice")
    notes = [r[0] for r in await community.rows("SELECT note FROM checkins ORDER BY id")]
    assert notes == ["before the outage", "after the outage"]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("rough\x00day", "roughday"),  # PostgreSQL text cannot hold NUL
        ("rough \ud83d day", "rough \ufffd day"),  # half an emoji (a Matrix JSON escape)
    ],
    ids=["nul", "lone-surrogate"],
)
async def test_a_note_with_a_nul_byte_or_half_an_emoji_is_saved_not_refused_forever(
    community, typed, kept
):
    """A note with a NUL byte or a lone surrogate (both reach the bot from a JSON string with
    ``\\u0000`` / ``\\ud83d``) made every check-in and safety-plan edit fail with "try again",
    which fails again each time: the member could never save it."""
    checkin = await community.text(f'/checkin 2 note:"{typed}"')
    plan = await community.text(f'/safetyplan edit section:reasons text:"my {typed}"')
    assert "Thank you for checking in" in private_to(checkin, "alice")
    assert "couldn't" not in private_to(plan, "alice") + private_to(checkin, "alice")
    assert [r[0] for r in await community.rows("SELECT note FROM checkins")] == [kept]
    assert f"my {kept}" in private_to(await community.text("/safetyplan show"), "alice")
    assert kept in str(await community.export())


ODD_NOTES = [
    "'); DROP TABLE checkins; --",
    "@everyone @here <@&1> look",
    "\u202eevil\u202c 🫶🏽 \u05e9\u05dc\u05d5\u05dd",
    "line one\nline two\ttabbed \\ back\\slash $1 ?",
    "x" * 500,
]


@pytest.mark.sqlite_only  # opens its own SQLite file and PostgreSQL database, once
async def test_db_copy_to_postgresql_of_a_sqlite_database_holding_odd_text(tmp_path, pg, capsys):
    """An existing SQLite community (years of notes, one with a NUL byte an older peerbot stored:
    SQLite keeps it) is moved to PostgreSQL. PostgreSQL text refuses NUL, so the whole copy
    failed and the community could not move at all."""
    community = await ConsoleCommunity.create(tmp_path)
    for note in ODD_NOTES:
        await community.say(":clock +1d", f'/checkin 3 note:"{note}"')
    await community.stop()
    with sqlite3.connect(community.db_path) as conn:
        conn.execute("UPDATE checkins SET note = ? WHERE id = 1", ("before\x00after",))
    url = await pg.create(empty=True)
    code = await asyncio.to_thread(main, ["db", "copy", str(community.db_path), url])
    assert code == 0, capsys.readouterr().err
    notes = [r[0] for r in query(url, "SELECT note FROM checkins ORDER BY id")]
    assert notes == ["beforeafter", *ODD_NOTES[1:]]


@on_postgres_only
async def test_a_frozen_transaction_elsewhere_does_not_silence_the_whole_bot(community):
    """Another peerbot process froze (SIGSTOP, a VM pause) in the middle of a transaction that
    holds alice's check-in day. Alice's check-in waits on it; getting no answer she taps again,
    four times. Every writer connection was then waiting on that lock forever, so nobody got
    any answer again: not bob's check-in, not bob's /crisis."""
    await community.say(":as bob", "/checkin 3", ":as alice", "/checkin 3", ":clock +1d")
    frozen = await asyncpg.connect(community.bot.db.path)
    try:
        await frozen.execute("BEGIN")
        await frozen.execute(
            "INSERT INTO checkin_days VALUES ('console', 'console', 'alice', '2026-11-03', 0)"
        )
        taps = [asyncio.create_task(community.say("/checkin 2")) for _ in range(4)]
        await asyncio.sleep(1)
        bob = await asyncio.wait_for(community.text(":as bob", "/crisis", "/checkin 4"), 20)
        assert "there for you right now" in private_to(bob, "bob")
        assert "check-in day" in private_to(bob, "bob")
        await asyncio.wait_for(asyncio.gather(*taps), 20)
        told = private_to(community.transcript, "alice")
        assert told.count("couldn't save that") == 4  # a kind answer to each tap, not silence
    finally:
        await frozen.execute("ROLLBACK")
        await frozen.close()
