"""Red team: the language and zone read on every command (``Database.lookup`` on SQLite, a
read-only connection on the event loop's thread). A member's reply must follow the database
the bot is really on, never a file the lookup made up, and must always go out, kindly."""

from __future__ import annotations

import os

import pytest

from storage.backup import backup, restore
from tests.harness import ConsoleCommunity

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
