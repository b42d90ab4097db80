"""Settings read on every command (language, zone) are read from the database each time: a
change made by another process is used at once.

On SQLite these reads skip the reader thread (issue 19's check-in budget); these tests hold
that shortcut to what the slow path answered.
"""

from __future__ import annotations

from tests.harness import ConsoleCommunity


async def test_a_language_chosen_in_another_process_is_used_in_the_next_reply(tmp_path):
    first = await ConsoleCommunity.create(tmp_path)
    second = await ConsoleCommunity.create(tmp_path)  # the same database: another process
    try:
        out = await second.text("/checkin 3")
        assert "Thank you for checking in" in out
        await first.text("/language set de")
        out = await second.text("/checkin 4")
        assert "Thank you" not in out
        assert "Danke" in out
    finally:
        await second.stop()
        await first.stop()


async def test_a_zone_set_in_another_process_decides_the_next_check_in_day(tmp_path):
    first = await ConsoleCommunity.create(tmp_path)
    second = await ConsoleCommunity.create(tmp_path)
    try:
        await second.text("/checkin 3")
        await first.text("/timezone set Pacific/Kiritimati")  # already tomorrow there
        out = await second.text("/checkin 4")
        assert "1 check-in day" not in out  # a second day, not the same one again
    finally:
        await second.stop()
        await first.stop()
