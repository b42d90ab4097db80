"""Several processes, one database: Discord shard settings, each process's due work limited to
the guilds of its shards, and work of no platform run by one process only (a lock in the
database, taken over when its holder stops)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from bot.app import build_bot
from bot.clock import ManualClock
from bot.config import ConfigError, parse_config
from bot.platforms.console import ConsolePlatform
from bot.scheduler import Due, DueSource, Scheduler
from cogs.milestones.ladder import DEFAULT_LADDER
from cogs.milestones.sweep import plan
from cogs.milestones.timing import run_start
from storage.alerts import Alerts, escalation_rows
from storage.checkins import REMINDERS
from storage.community import AuditActor
from storage.db import Database, MemberKey
from storage.due import DELETE, DueTable, narrow, shard_filter
from storage.locks import ProcessLock, take_turn
from storage.milestones import MilestoneStore
from storage.prompts import PROMPTS, PromptStore

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
GUILDS = {0: "1000", 1: str((1 << 22) + 7)}  # shard of 2 → a guild on it


def config(**discord) -> object:
    return parse_config({"discord": {"token_env": "T", **discord}}, {"T": "x"})


def problems(**discord) -> list[str]:
    with pytest.raises(ConfigError) as err:
        config(**discord)
    return err.value.problems


def test_shard_settings_are_checked_with_clear_messages():
    ok = config(shard_count=4, shard_ids=[2, 3]).discord
    assert (ok.shard_count, ok.shard_ids) == (4, [2, 3])
    assert config().discord.shard_count == 0  # no sharding by default
    assert problems(shard_ids=[0]) == [
        "discord.shard_ids: needs discord.shard_count (the total number of shards of the bot)"
    ]
    assert problems(shard_count=2, shard_ids=[1, 2]) == [
        "discord.shard_ids: [2] are not shards of 2 (expected numbers from 0 to 1)"
    ]
    assert problems(shard_count=2, shard_ids=["0"]) == [
        "discord.shard_ids: expected a list of whole numbers, got ['0']"
    ]
    assert problems(shard_count=2, shard_ids=[1, 1]) == [
        "discord.shard_ids: a shard is listed twice"
    ]
    assert problems(shard_count=-1)[0].startswith("discord.shard_count: expected 0")


def shard_host(db: Database, shards: tuple[int, ...] | None) -> SimpleNamespace:
    platform = SimpleNamespace(
        online=True, community_filter=lambda: shard_filter(2, shards) if shards else None
    )
    return SimpleNamespace(
        db=db, platforms={"discord": platform}, config=None, context=lambda ref: object()
    )


async def claims_per_shard(db: Database, table: DueTable) -> dict[int, list[str]]:
    """Two processes (shards 1 then 0 of 2) run one due source over ``table``: the communities
    each acted on."""
    acted: dict[int, list[str]] = {0: [], 1: []}
    for shard in (1, 0):  # shard 1's process first: it must leave guild 0 alone
        scheduler = Scheduler(ManualClock(NOW), shard_host(db, (shard,)))

        async def act(ctx, claimed, now, shard=shard):
            acted[shard].append(claimed.row.community_id)

        scheduler.declare(Due(table.table, table, lambda row, now: DELETE, act))
        await scheduler.run_all()
    return acted


async def test_a_process_claims_due_work_of_its_own_shards_guilds_only(tmp_path):
    db = await Database.open(tmp_path / "peerbot.db")
    try:
        for guild in GUILDS.values():
            await db.execute(
                "INSERT INTO checkin_reminders (platform, community_id, user_id, remind_time, "
                "next_remind_at, updated_at) VALUES ('discord', ?, 'u1', '09:00', ?, ?)",
                (guild, NOW.isoformat(), NOW.isoformat()),
            )
        assert await claims_per_shard(db, REMINDERS) == {0: [GUILDS[0]], 1: [GUILDS[1]]}
    finally:
        await db.close()


async def test_alerts_of_another_shards_guild_are_neither_escalated_nor_delivered(tmp_path):
    db = await Database.open(tmp_path / "peerbot.db")
    alerts = Alerts(db)
    try:
        for guild in GUILDS.values():
            await alerts.create(
                ("discord", guild), "urgent", urgent=True, subject="u1",
                message=("x", {}), now=NOW, next_at=NOW,
            )  # fmt: skip
        # waiting alerts (no alerts channel yet) are delivered by the shard's own process only
        for shard, guild in GUILDS.items():
            waiting = await alerts.waiting("discord", shard_filter(2, (shard,)))
            assert [a.community_id for a in waiting] == [guild]
        assert len(await alerts.waiting("discord")) == 2  # unsharded: every guild
        escalated = await claims_per_shard(db, escalation_rows())
        assert escalated == {0: [GUILDS[0]], 1: [GUILDS[1]]}
    finally:
        await db.close()


async def test_prompts_of_another_shards_guild_are_left_alone(tmp_path):
    db = await Database.open(tmp_path / "peerbot.db")
    try:
        for guild in GUILDS.values():
            await PromptStore(db).add(
                "discord", guild, AuditActor("f", "f"), "hi", "daily 12:00", None, False, NOW, NOW
            )
        assert await claims_per_shard(db, PROMPTS) == {0: [GUILDS[0]], 1: [GUILDS[1]]}
    finally:
        await db.close()


def test_the_shard_condition_names_the_table_it_is_written_for():
    sql, params = narrow(shard_filter(4, (0, 3)), "crisis_alerts")
    assert sql == " AND ((CAST(crisis_alerts.community_id AS BIGINT) >> 22) % ?) IN (?, ?)"
    assert params == (4, 0, 3) and narrow(None) == ("", ())


async def test_work_of_no_platform_runs_on_one_process_and_moves_when_it_stops(pg):
    url = await pg.create()
    dbs = [await Database.open(url) for _ in range(2)]
    ran: list[int] = []
    schedulers = []
    for n, db in enumerate(dbs):
        scheduler = Scheduler(ManualClock(NOW), shard_host(db, None))

        async def sweep(now, n=n):
            ran.append(n)

        scheduler.add_source(DueSource("retention", lambda: _none(), sweep))
        schedulers.append(scheduler)
    try:
        for _ in range(3):
            for s in schedulers:
                await s.run_all()
        assert ran == [0, 0, 0]  # the first to ask holds the global lock
        await schedulers[0].shutdown()  # the holder stops: its lock is freed
        await schedulers[1].run_all()
        assert ran == [0, 0, 0, 1]
    finally:
        for s in schedulers:
            await s.shutdown()
        for db in dbs:
            await db.close()


async def _none():
    return None


async def test_a_process_lock_is_freed_when_its_holder_goes(pg, tmp_path):
    for target in (await pg.create(), tmp_path / "peerbot.db"):
        a, b = ProcessLock(target, "matrix-sync"), ProcessLock(target, "matrix-sync")
        assert await a.try_acquire() and await a.held()
        assert not await b.try_acquire()
        await a.release()
        assert await b.try_acquire()
        await b.release()


async def test_turns_are_spaced_across_processes(tmp_path, monkeypatch):
    db = await Database.open(tmp_path / "peerbot.db")
    clock = [NOW]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:  # time passes only here
        slept.append(seconds)
        clock[0] += timedelta(seconds=seconds)

    try:
        turn = dict(every=timedelta(seconds=5), now=lambda: clock[0])
        await take_turn(db, "discord", "identify:0", **turn)
        monkeypatch.setattr("storage.locks.asyncio.sleep", sleep)
        await take_turn(db, "discord", "identify:0", **turn)  # e.g. another process's shard
        await take_turn(db, "discord", "identify:1", **turn)  # another bucket: no wait
        assert slept == [5.0]
    finally:
        await db.close()


# --- milestone celebrations with two processes on one database ------------------------------

CELEBRATION_DAY = datetime(2030, 1, 2, tzinfo=UTC)  # 7 days since 2029-12-26 began (UTC)
MILESTONE_GUILDS = [str((n << 22) + 11) for n in range(8)]  # shard of 2: n % 2


class ShardConsole(ConsolePlatform):
    """The console standing in for one Discord process: numbered guilds, and (when ``shard`` is
    set) serving only the guilds of that shard of two."""

    name = "discord"

    def __init__(self, shard: int | None, lines: list[str]) -> None:
        super().__init__(out=lines.append)
        self.shard = shard

    def community_filter(self):
        return shard_filter(2, (self.shard,)) if self.shard is not None else None


async def _milestone_members(bot) -> dict[str, str]:
    """Two counters per guild (one shared in the guild's milestones channel) reaching 7 days at
    CELEBRATION_DAY; returns member → guild."""
    store = MilestoneStore(bot.db)
    start = run_start(date(2029, 12, 26), None, "UTC")
    members: dict[str, str] = {}
    for n, guild in enumerate(MILESTONE_GUILDS):
        await bot.community_settings.set("discord", guild, "channel.milestones", "milestones", NOW)
        for i, share in enumerate(("public", "private")):
            user = f"m{n}{i}"
            schedule = plan(DEFAULT_LADDER, start, "UTC", NOW)
            key = MemberKey("discord", guild, user)
            await store.create(key, "recovery", share, start, schedule, NOW, limit=10)
            members[user] = guild
    return members


@pytest.mark.parametrize("shards", [(0, 1), (None, None)], ids=["sharded", "unsharded"])
async def test_two_processes_tell_each_milestone_once(tmp_path, shards):
    """Two bots (every cog, the real scheduler) on one database, as two processes, walk their
    clocks past the day many milestones fall on at the same time: each member is congratulated
    once (and each shared milestone posted once), by the process serving their guild."""
    path = str(tmp_path / "peerbot.db")  # on PostgreSQL the same path is the same database
    bots, lines = [], [[], []]
    try:
        for shard, out in zip(shards, lines, strict=True):
            bot = await build_bot(parse_config({}, {}), clock=ManualClock(NOW), database=path)
            bot.add_platform(ShardConsole(shard, out))
            bots.append(bot)
        members = await _milestone_members(bots[0])
        for bot in bots:
            await bot.start(realtime=False)
        target = CELEBRATION_DAY + timedelta(hours=1)
        await asyncio.gather(*(bot.run_due_until(target) for bot in bots))

        told = Counter(
            line.split()[1].rstrip(":")
            for out in lines
            for line in out
            if line.startswith("(private) ") and "You've reached 7 days" in line
        )
        assert told == Counter(dict.fromkeys(members, 1))
        posted = Counter(line for out in lines for line in out if line.startswith("#milestones"))
        assert posted == Counter({f"#milestones: 🎉 m{n}0 reached 7 days!": 1 for n in range(8)})
        if shards[0] is not None:  # each told by the process serving the guild's shard
            for process, out in enumerate(lines):
                for line in out:
                    if line.startswith("(private) "):
                        guild = members[line.split()[1].rstrip(":")]
                        assert (int(guild) >> 22) % 2 == process, line
        statuses = await bots[0].db.fetchall("SELECT status FROM milestone_celebrations")
        assert sorted(r[0] for r in statuses) == ["delivered"] * len(members)
    finally:
        for bot in bots:
            await bot.stop()
