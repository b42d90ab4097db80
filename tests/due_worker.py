"""One peerbot process working due items on a shared database, for the several-process tests.

    python -m tests.due_worker DATABASE START TARGET STEP_MINUTES

It builds the real bot (every cog, the real scheduler and storage) with the console platform and a
manual clock at START, then walks the clock to TARGET in steps, as ``peerbot console``'s ``:clock``
does. Its output is the record the test reads:

- ``CLAIM <source> <user> <day>`` once a claim is committed (the acknowledgement), for each claimed
  item that is to be acted on;
- the console transcript (``(private) <user>: …`` for a private reminder), i.e. every post made;
- ``STEP <instant>`` after each step and ``DONE`` at the end.

Every line is flushed at once, so what a SIGKILLed worker printed is what it did.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timedelta
from typing import Any

import storage.due
from bot.app import build_bot
from bot.clock import ManualClock
from bot.config import Config
from bot.platforms.console import ConsolePlatform


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _observe_claims() -> None:
    """Print each committed claim (observing only: the claim itself is storage.due.claim)."""
    claim = storage.due.claim

    async def observed(db: Any, table: Any, platform: str, now: datetime, plan: Any, *args: Any):
        claims = await claim(db, table, platform, now, plan, *args)
        for c in claims:
            if c.move.act:
                day = next(iter(c.move.set.values()), c.row.at.date().isoformat())
                _say(f"CLAIM {table.table} {c.row.values.get('user_id', '-')} {day}")
        return claims

    storage.due.claim = observed


async def work(database: str, start: datetime, target: datetime, step: timedelta) -> None:
    _observe_claims()
    clock = ManualClock(start)
    bot = await build_bot(Config(), clock=clock, database=database)
    bot.add_platform(ConsolePlatform(out=_say))
    try:
        await bot.start(realtime=False)
        while clock.now() < target:
            await bot.run_due_until(min(clock.now() + step, target))
            _say(f"STEP {clock.now().isoformat()}")
    finally:
        await bot.stop()
    _say("DONE")


def main() -> None:
    database, start, target, minutes = sys.argv[1:5]
    asyncio.run(
        work(
            database,
            datetime.fromisoformat(start),
            datetime.fromisoformat(target),
            timedelta(minutes=int(minutes)),
        )
    )


if __name__ == "__main__":
    main()
