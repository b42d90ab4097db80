"""Time-driven work: the database is the source of truth, the scheduler only asks "what is due?".

A feature declares its due work once, in ``on_load()``:

- :class:`Due` — "what is due and when": the rows (a :class:`storage.due.DueTable`), where a
  claimed row moves (``plan``: its next instant, done, or deleted) and what to do with it
  (``act``). The scheduler fans it out over every running platform that is online, wakes at the
  earliest due instant, claims each due row in the transaction that moves it on (``FOR UPDATE
  SKIP LOCKED`` on PostgreSQL) and then calls ``act`` with a context for the row's community.
  A row whose ``act`` raises is put back and retried later (after 1, 2, 4 … minutes), never
  doubled; after a crash between claim and act it is missed, never doubled.
- :class:`PerPlatform` — for work whose claim is the feature's own: ``next_due(platform)`` and
  ``run_due(platform, now)``, fanned out the same way.
- :class:`DueSource` — the unit underneath, for work that belongs to no platform (retention).

In production an APScheduler interval job ticks at the start of every minute and runs every
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
from typing import TYPE_CHECKING, Any, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.platforms.base import CommunityRef
from storage import due as rows
from storage.due import Claim, DueTable, Plan

if TYPE_CHECKING:
    from bot.context import Context

log = logging.getLogger(__name__)

_RUNNING: dict[str, Scheduler] = {}


@dataclass
class DueSource:
    """Work that falls due at instants the database knows."""

    name: str
    next_due: Callable[[], Awaitable[datetime | None]]
    run_due: Callable[[datetime], Awaitable[None]]
    # Work of no platform runs on one process of those sharing a PostgreSQL database (the holder
    # of the "global" lock); work fanned out per platform runs everywhere, each process for the
    # communities it serves.
    per_platform: bool = False


@dataclass(frozen=True)
class Due:
    """A feature's due work over rows of one table, declared once.

    ``plan(row, now) -> Move`` runs inside the claiming transaction (quick, pure: no awaits);
    ``act(ctx, claim, now)`` runs after the commit with a context for the row's community.
    """

    name: str
    table: DueTable
    plan: Plan
    act: Callable[[Context, Claim, datetime], Awaitable[None]]
    batch: int = 200
    retry_after: timedelta = timedelta(minutes=1)


@dataclass(frozen=True)
class PerPlatform:
    """Due work whose claim the feature does itself, asked for one platform at a time."""

    name: str
    next_due: Callable[[str], Awaitable[datetime | None]]
    run_due: Callable[[str, datetime], Awaitable[None]]


class Host(Protocol):
    """What the scheduler needs from the bot: the database, the platforms and contexts."""

    db: Any
    platforms: dict[str, Any]

    def context(self, community: CommunityRef) -> Context | None: ...


async def tick(scheduler_id: str) -> None:
    """The APScheduler job: a module-level function that takes an id only."""
    scheduler = _RUNNING.get(scheduler_id)
    if scheduler is not None:
        await scheduler.run_all()


class Scheduler:
    """Runs due work from every registered source."""

    def __init__(self, clock: Clock, host: Host | None = None) -> None:
        self.clock = clock
        self.host = host
        self.sources: list[DueSource] = []
        self._failures: dict[tuple[str, str, tuple[Any, ...]], int] = {}
        self._id = uuid.uuid4().hex
        self._aps: AsyncIOScheduler | None = None
        self._lock = asyncio.Lock()
        self._leader: Any = None  # storage.locks.ProcessLock on PostgreSQL, once asked

    def add_source(self, source: DueSource) -> None:
        """Register due work (cogs do this in on_load())."""
        self.sources.append(source)

    def declare(self, work: Due | PerPlatform) -> None:
        """Register a feature's due work, fanned out over the online platforms."""
        if isinstance(work, Due):
            work = self._per_platform(work)
        self.add_source(
            DueSource(work.name, self._earliest(work), self._each(work), per_platform=True)
        )

    def _per_platform(self, due: Due) -> PerPlatform:
        async def next_rows(platform: str) -> datetime | None:
            return await rows.next_due(self._db(), due.table, platform, self.owned(platform))

        async def run_rows(platform: str, now: datetime) -> None:
            await self._run_rows(due, platform, now)

        return PerPlatform(due.name, next_rows, run_rows)

    def source(self, name: str) -> DueSource:
        """A registered source by name (benchmarks and tests drive one directly)."""
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)

    def online(self) -> list[str]:
        """The platforms due work runs for now: running and online, in name order."""
        if self.host is None:
            return []
        return sorted(n for n, p in list(self.host.platforms.items()) if getattr(p, "online", True))

    def owned(self, platform: str) -> rows.Only | None:
        """The communities this process serves on ``platform`` (None: all of them), as a
        condition on due rows: a sharded Discord process serves its shards' guilds only.
        A :class:`PerPlatform` source narrows its own queries with it (``storage.due.narrow``)."""
        assert self.host is not None
        owned = getattr(self.host.platforms.get(platform), "community_filter", None)
        return owned() if owned is not None else None

    async def _leads(self) -> bool:
        """Whether this process runs the work of no platform: always on SQLite; on PostgreSQL
        the process holding the "global" lock (another takes it over when it dies)."""
        db = getattr(self.host, "db", None)
        if getattr(db, "dialect", "sqlite") != "postgresql":
            return True
        if self._leader is None:
            from storage.locks import ProcessLock

            config = getattr(self.host, "config", None)
            password = config.bot.database_password if config is not None else None
            self._leader = ProcessLock.for_database(db, "global", password or None)
        if await self._leader.held():
            return True
        return await self._leader.try_acquire()

    def _db(self) -> Any:
        assert self.host is not None, "declared due work needs a scheduler bound to the bot"
        return self.host.db

    def _earliest(self, work: PerPlatform) -> Callable[[], Awaitable[datetime | None]]:
        async def earliest() -> datetime | None:
            found = [d for p in self.online() if (d := await work.next_due(p)) is not None]
            return min(found) if found else None

        return earliest

    def _each(self, work: PerPlatform) -> Callable[[datetime], Awaitable[None]]:
        async def run(now: datetime) -> None:
            for platform in self.online():
                try:
                    await work.run_due(platform, now)
                except Exception:
                    log.exception("scheduled work %s failed on %s", work.name, platform)

        return run

    async def _run_rows(self, work: Due, platform: str, now: datetime) -> None:
        """Claim and act on every row of ``work`` due on ``platform``, a batch at a time."""
        assert self.host is not None
        contexts: dict[str, Context | None] = {}
        while True:
            claims = await rows.claim(
                self._db(), work.table, platform, now, work.plan, work.batch, self.owned(platform)
            )
            for claimed in claims:
                if not claimed.move.act:
                    continue
                cid = claimed.row.community_id
                if cid not in contexts:
                    contexts[cid] = self.host.context(CommunityRef(platform, cid, cid))
                await self._act(work, contexts[cid], claimed, now)
            if len(claims) < work.batch:
                return

    async def _act(self, work: Due, ctx: Context | None, claimed: Claim, now: datetime) -> None:
        """Act on one claimed row; put it back for a later retry if that fails."""
        failure_key = (work.name, claimed.row.platform, claimed.row.key)
        try:
            if ctx is None:  # the platform went offline meanwhile
                raise RuntimeError("no context for the community")
            await work.act(ctx, claimed, now)
            self._failures.pop(failure_key, None)
            return
        except Exception:
            log.exception("due work %s failed for one item; it will be retried", work.name)
        failures = self._failures[failure_key] = self._failures.get(failure_key, 0) + 1
        retry_at = now + work.retry_after * 2 ** min(failures - 1, 10)
        try:
            await rows.release(self._db(), work.table, claimed, retry_at)
        except Exception:
            log.exception("due work %s: a failed item could not be put back", work.name)

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
        if self._leader is not None:
            await self._leader.release()

    async def run_all(self) -> None:
        """Run every source for the current instant."""
        async with self._lock:
            now = self.clock.now()
            leads = await self._leads()
            for source in self.sources:
                if source.per_platform or leads:
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
                leads = await self._leads()
                for source in self.sources:
                    if not (source.per_platform or leads):
                        continue
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
