"""Red team: the language and zone read on every command (``Database.lookup`` on SQLite, a
read-only connection on the event loop's thread). A member's reply must follow the database
the bot is really on, never a file the lookup made up, and must always go out, kindly."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time

import pytest

from bot.platforms.base import Invocation
from bot.platforms.console import COMMUNITY, ConsoleResponder
from bot.spec import ChannelRef
from storage.backup import backup, restore
from tests.harness import ConsoleCommunity, private_messages

pytestmark = pytest.mark.sqlite_only

NOT_SAVED = "I couldn't save that just now, so nothing was recorded"


async def test_a_deleted_database_is_not_recreated_empty_by_a_members_command(tmp_path):
    """The bot (re)started, then the operator moved the file away: a check-in must be refused,
    not acknowledged into a fresh empty database that the restored backup then replaces."""
    community = await ConsoleCommunity.create(tmp_path)
    try:
        await community.say("/milestone set 2026-01-01 name:alcohol")
        spare = tmp_path / "spare.db"
        backup(community.db_path, spare)
        await community.restart()
        os.remove(community.db_path)
        out = await community.text("/checkin 3")
        assert NOT_SAVED in out
        assert "Thank you for checking in" not in out
        assert not community.db_path.exists()
        os.replace(spare, community.db_path)  # the operator puts the backup back
        out = await community.text("/checkin 3")
        assert "Thank you for checking in" in out
        assert [r[0] for r in await community.rows("SELECT name FROM milestone_counters")] == [
            "alcohol"
        ]
    finally:
        await community.stop()


async def test_after_a_restore_the_next_reply_follows_the_restored_files_language(tmp_path):
    """A backup restored while the bot runs, then another process sets a member's language in
    it: the member's very next reply (a command that writes nothing) is in that language."""
    bot = await ConsoleCommunity.create(tmp_path)
    try:
        await bot.text("/checkin 3")
        spare = tmp_path / "spare.db"
        backup(bot.db_path, spare)
        restore(bot.db_path, spare)
        other = await ConsoleCommunity.create(tmp_path)
        try:
            await other.text("/language set de")
        finally:
            await other.stop()
        out = await bot.text("/help")
        assert out and "Here's what I can do" not in out
    finally:
        await bot.stop()


# --- guards: attacks the lookup withstood (they passed before any fix) ---------------------------


def _set_language(conn: sqlite3.Connection, user: str, value: str, community: str = "console"):
    conn.execute(
        "INSERT INTO member_settings (platform, community_id, user_id, key, value, updated_at) "
        "VALUES ('console', ?, ?, 'language', ?, '2026-11-02') "
        "ON CONFLICT (platform, community_id, user_id, key) DO UPDATE SET value = excluded.value",
        (community, user, value),
    )


def _checkin(console, name: str) -> Invocation:
    """A member's ``/checkin 4`` as the console would dispatch it, without switching its user
    (so hundreds can arrive at once)."""
    actor = console.actor(name)
    channel = ChannelRef(console.channel, console.channel)
    return Invocation(
        community=COMMUNITY,
        channel=channel,
        actor=actor,
        responder=ConsoleResponder(console, actor, console.channel),
        text="checkin 4",
        prefix="!",
    )


async def test_a_flood_of_check_ins_while_another_process_changes_languages(tmp_path):
    """500 check-ins from 120 members at once while another process keeps switching 20 of them
    between French and Spanish: every check-in saved, every reply in its member's language (none
    leaks to a neighbour), and the loop never stalls for a second."""
    community = await ConsoleCommunity.create(
        tmp_path, config={"limits": {"commands_per_minute": 1000}}
    )
    setup = sqlite3.connect(community.db_path, isolation_level=None, timeout=5)
    for n in range(0, 100, 2):
        _set_language(setup, f"m{n}", "de")
    _set_language(setup, "m1", "fr", community="elsewhere")  # another community's choice
    for n in range(100, 120):
        # Chosen before the flood: the other process's first switch may land after their first
        # check-in on a busy machine, and an English reply then would be right, not a leak.
        _set_language(setup, f"m{n}", "fr")
    setup.close()
    console = community.console
    await asyncio.gather(*(community.bot.dispatch(_checkin(console, f"w{n}")) for n in range(20)))
    stop = threading.Event()

    def other_process() -> None:
        conn = sqlite3.connect(community.db_path, isolation_level=None, timeout=5)
        turn = 0
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            for n in range(100, 120):
                _set_language(conn, f"m{n}", ("fr", "es")[turn % 2])
            conn.execute("COMMIT")
            turn += 1
            time.sleep(0.002)
        conn.close()

    lags: list[float] = []
    flooding = True

    async def ticker() -> None:
        while flooding:
            started = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append(time.perf_counter() - started)

    changer = threading.Thread(target=other_process)
    changer.start()
    tick = asyncio.create_task(ticker())
    before = len(community.transcript)
    try:
        names = [f"m{n % 120}" for n in range(500)]
        await asyncio.gather(*(community.bot.dispatch(_checkin(console, n)) for n in names))
    finally:
        flooding = False
        await tick
        stop.set()
        changer.join()
    try:
        out = community.transcript[before:]
        assert max(lags) < 1.0
        assert (await community.rows("SELECT COUNT(*) FROM checkins WHERE user_id LIKE 'm%'")) == [
            (500,)
        ]
        for n in range(120):
            replies = private_messages(out, f"m{n}")
            assert len(replies) == len(range(n, 500, 120)), n
            for reply in replies:
                if n < 100 and n % 2 == 0:
                    assert "Danke" in reply, (n, reply)
                elif n < 100:
                    assert reply.startswith("Than"), (n, reply)
                else:
                    assert reply.startswith(("Merci", "Gracias")), (n, reply)
    finally:
        await community.stop()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("language", "x" * 10_000),
        ("language", "de\x00'); DROP TABLE checkins; --"),
        ("language", "\x00"),
        ("timezone", "Z" * 10_000),
        ("timezone", "Europe/Berlin\x00x"),
        ("timezone", "Mars/Olympus_Mons"),
        ("timezone", "../../../etc/passwd"),
        ("timezone", "'; DELETE FROM member_settings; --"),
    ],
)
async def test_a_crafted_stored_setting_still_gets_a_kind_reply(tmp_path, key, value):
    community = await ConsoleCommunity.create(tmp_path)
    try:
        await community.text("/checkin 3")
        await community.bot.db.execute(
            "INSERT INTO member_settings (platform, community_id, user_id, key, value, updated_at) "
            "VALUES ('console', 'console', 'alice', ?, ?, '2026-11-02')",
            (key, value),
        )
        await community.say(":clock +1d")
        out = await community.text("/checkin 4")
        assert "Thank you for checking in" in out and "2 days in a row" in out
        assert (await community.rows("SELECT COUNT(*) FROM checkins")) == [(2,)]
    finally:
        await community.stop()
