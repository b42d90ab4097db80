"""One peerbot process typing console lines on a shared database, for the concurrent-writer tests.

    python -m tests.race_worker DATABASE START [SLOW_SQL SECONDS]

It builds the real bot (every cog, real storage) with the console platform and a manual clock at
START, prints ``READY``, then reads lines from stdin until it closes and types them, as
``peerbot console`` does. Its output is the console transcript, then ``DONE``.

SLOW_SQL (optional): after every statement whose text contains it, the database thread sleeps
SECONDS. That widens a read-then-write window so that two workers started together are both
inside it (as test_meetings_concurrency does in one process).
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime
from typing import Any

from bot.app import build_bot
from bot.clock import ManualClock
from bot.config import Config
from bot.platforms.console import ConsolePlatform
from storage.backends import postgres


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _slow_down(fragment: str, seconds: float) -> None:
    original = postgres.PgConnection.execute

    def slow(self: Any, sql: str, params: Any = ()) -> Any:
        cursor = original(self, sql, params)
        if fragment in sql:
            time.sleep(seconds)  # the window in which the other process does the same
        return cursor

    postgres.PgConnection.execute = slow  # type: ignore[method-assign]


async def work(database: str, start: datetime) -> None:
    config = Config()
    bot = await build_bot(config, clock=ManualClock(start), database=database)
    console = ConsolePlatform(out=_say, prefix=config.bot.command_prefix)
    bot.add_platform(console)
    try:
        await bot.start(realtime=False)
        _say("READY")
        lines = await asyncio.to_thread(sys.stdin.read)
        for line in lines.splitlines():
            await console.handle_line(line)
    finally:
        await bot.stop()
    _say("DONE")


def main() -> None:
    database, start = sys.argv[1:3]
    if len(sys.argv) > 4:
        _slow_down(sys.argv[3], float(sys.argv[4]))
    asyncio.run(work(database, datetime.fromisoformat(start)))


if __name__ == "__main__":
    main()
