"""Time-driven work: the database is the source of truth, the scheduler only asks "what is due?".

Each cog registers a :class:`DueSource` (``next_due()`` and ``run_due(now)``) backed by an indexed
query. In production an APScheduler interval job ticks at the start of every minute and runs every
source; with a manual clock, :meth:`Scheduler.advance_to` walks time forward due instant by due
instant, so everything that falls due runs, in order. Nothing about a schedule lives only in
memory, so a restart loses nothing and doubles nothing.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock

log = logging.getLogger(__name__)

_RUNNING: dict[str, Scheduler] = {}


@dataclass
class DueSource:
    """Work that falls due at instants the database knows."""

    name: str
    next_due: Callable[[], Awaitable[datetime | None]]
    run_due: Callable[[datetime], Awaitable[None]]


async def tick(scheduler_id: str) -> None:
    """The APScheduler job: a module-level function that takes an id only."""
    scheduler = _RUNNING.get(scheduler_id)
    if scheduler is not None:
        await scheduler.run_all()


class Scheduler:
    """Runs due work from every registered source."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.sources: list[DueSource] = []
        self._id = uuid.uuid4().hex
        self._aps: AsyncIOScheduler | None = None
        self._lock = asyncio.Lock()

    def add_source(self, source: DueSource) -> None:
        """Register due work (cogs do this in on_load())."""
        self.sources.append(source)

    async def start(self, *, realtime: bool, tick_seconds: int = 60) -> None:
        """Catch up on anything that fell due while stopped; then tick every minute if realtime."""
        await self.run_all()
        if realtime:
            _RUNNING[self._id] = self
            # APScheduler runs on real time, whatever the bot's clock says
            real_now = datetime.now(UTC)
            first = real_now.replace(second=0, microsecond=0) + timedelta(minutes=1)
            if tick_seconds < 60:
                first = real_now.replace(microsecond=0) + timedelta(seconds=1)
            self._aps = AsyncIOScheduler(timezone="UTC")
            self._aps.add_job(
                tick,
                IntervalTrigger(seconds=tick_seconds, start_date=first, timezone="UTC"),
                args=[self._id],
                id="peerbot-tick",
                coalesce=True,
                max_instances=1,
                misfire_grace_time=max(1, tick_seconds - 5),
            )
            self._aps.start()

    async def shutdown(self) -> None:
        """Stop ticking; waits for a running tick to finish."""
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        _RUNNING.pop(self._id, None)
        await self._lock.acquire()  # wait for a tick that is still running
        self._lock.release()

    async def run_all(self) -> None:
        """Run every source for the current instant."""
        async with self._lock:
            now = self.clock.now()
            for source in self.sources:
                await self._run(source, now)

    async def _run(self, source: DueSource, now: datetime) -> None:
        try:
            await source.run_due(now)
        except Exception:
            log.exception("scheduled work %s failed at %s", source.name, now.isoformat())

    async def advance_to(self, target: datetime) -> int:
        """Move a manual clock to `target`, running each due item at its own instant, in order.
        Returns how many due instants were visited."""
        set_clock = getattr(self.clock, "set", None)
        if set_clock is None:
            raise RuntimeError("the clock cannot be moved")
        visited = 0
        stuck: tuple[str, datetime] | None = None
        while True:
            async with self._lock:
                earliest: tuple[datetime, DueSource] | None = None
                for source in self.sources:
                    try:
                        due = await source.next_due()
                    except Exception:
                        log.exception("next_due of %s failed", source.name)
                        continue
                    if (
                        due is not None
                        and due <= target
                        and (earliest is None or due < earliest[0])
                    ):
                        earliest = (due, source)
                if earliest is None:
                    break
                due, source = earliest
                if stuck == (source.name, due):
                    log.error("%s did not move past %s; skipping ahead", source.name, due)
                    break
                stuck = (source.name, due)
                set_clock(max(due, self.clock.now()))
                await self._run(source, self.clock.now())
                visited += 1
        set_clock(target)
        await self.run_all()
        return visited
