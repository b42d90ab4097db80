"""Due sources: a feature declares its due rows once and the scheduler does the rest.

A stand-in feature loaded only here ("watering": each plant is watered when its `next_at`
comes, then again a day later) declares one due source. The scheduler runs it for every
platform, leaves an offline platform's rows due until it is back, claims each row once, and
puts back a row whose action failed so it is retried — once, not twice. A static check keeps
cogs from looping over the platforms themselves.
"""

from __future__ import annotations

import ast
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.cog import Cog
from bot.context import Context
from bot.message import Message
from bot.platforms.base import Platform
from bot.scheduler import Due
from storage import due as due_rows
from storage.due import Claim, DueRow, DueTable, Move
from storage.sql import claim_lock
from tests.harness import ConsoleCommunity

PLANTS = DueTable("plants", at="next_at", key=("id",), columns={"name": "t.name"})


class Elsewhere(Platform):
    """A second platform that only has to exist (and sometimes be offline)."""

    name = "elsewhere"

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def post(self, community_id, channel_id, message: Message, *, thread_title=None):
        return None

    async def send_private(self, community_id, user_id, message: Message) -> bool:
        return True


class Watering(Cog):
    """The stand-in feature: waters each plant when due, then a day later again."""

    name = "watering"

    def __init__(self, bot) -> None:
        super().__init__(bot)
        self.watered: list[tuple[str, str, datetime]] = []  # (platform, plant, instant)
        self.fail_once: set[str] = set()

    async def on_load(self) -> None:
        self.bot.scheduler.declare(Due("watering", PLANTS, self.plan, self.water))

    @staticmethod
    def plan(row: DueRow, now: datetime) -> Move:
        return Move(row.at + timedelta(days=1))

    async def water(self, ctx: Context, claimed: Claim, now: datetime) -> None:
        name = claimed.row["name"]
        if name in self.fail_once:
            self.fail_once.discard(name)
            raise RuntimeError("the watering can is empty")
        self.watered.append((ctx.community.platform, name, now))


@pytest.fixture
async def garden(tmp_path):
    """A console community with a second platform and the watering feature loaded."""
    community = await ConsoleCommunity.create(tmp_path)
    bot = community.bot
    bot.add_platform(Elsewhere())

    def create(conn: sqlite3.Connection) -> None:
        conn.execute(
            "CREATE TABLE plants (platform TEXT NOT NULL, community_id TEXT NOT NULL, "
            "id INTEGER NOT NULL, name TEXT NOT NULL, next_at TEXT, PRIMARY KEY (platform, id))"
        )

    await bot.db.write(create)
    feature = Watering(bot)
    await bot.add_cog(feature)
    yield community, feature
    await community.stop()


async def plant(community: ConsoleCommunity, platform: str, pid: int, name: str, at: datetime):
    await community.bot.db.execute(
        "INSERT INTO plants (platform, community_id, id, name, next_at) VALUES (?, ?, ?, ?, ?)",
        (platform, "c1", pid, name, at.isoformat()),
    )


async def next_at(community: ConsoleCommunity, platform: str, pid: int) -> datetime:
    row = await community.bot.db.fetchone(
        "SELECT next_at FROM plants WHERE platform = ? AND id = ?", (platform, pid)
    )
    return datetime.fromisoformat(row[0])


async def test_a_declared_source_runs_for_every_platform_once_per_due_row(garden):
    community, feature = garden
    t0 = community.clock.now()
    await plant(community, "console", 1, "fern", t0 + timedelta(hours=1))
    await plant(community, "elsewhere", 1, "cactus", t0 + timedelta(hours=2))
    await community.say(":clock +3h")
    assert feature.watered == [
        ("console", "fern", t0 + timedelta(hours=1)),
        ("elsewhere", "cactus", t0 + timedelta(hours=2)),
    ]
    # moved on in the claim: ticking again at the same instant waters nothing twice
    await community.bot.scheduler.run_all()
    await community.bot.scheduler.run_all()
    assert len(feature.watered) == 2
    assert await next_at(community, "console", 1) == t0 + timedelta(days=1, hours=1)
    await community.say(":clock +1d")
    assert [w[1] for w in feature.watered] == ["fern", "cactus", "fern", "cactus"]


async def test_an_offline_platform_is_skipped_and_its_rows_wait(garden):
    community, feature = garden
    t0 = community.clock.now()
    await plant(community, "console", 1, "fern", t0 + timedelta(hours=1))
    await plant(community, "elsewhere", 1, "cactus", t0 + timedelta(hours=1))
    community.bot.platforms["elsewhere"].online = False
    await community.say(":clock +2h")
    assert feature.watered == [("console", "fern", t0 + timedelta(hours=1))]
    assert await next_at(community, "elsewhere", 1) == t0 + timedelta(hours=1)  # still due
    community.bot.platforms["elsewhere"].online = True
    await community.bot.scheduler.run_all()
    assert feature.watered[-1] == ("elsewhere", "cactus", t0 + timedelta(hours=2))


async def test_an_item_whose_action_fails_is_retried_not_lost_and_not_doubled(garden):
    community, feature = garden
    t0 = community.clock.now()
    await plant(community, "console", 1, "fern", t0 + timedelta(hours=1))
    await plant(community, "console", 2, "ivy", t0 + timedelta(hours=1))
    feature.fail_once.add("fern")
    await community.say(":clock +1h")
    assert [w[1] for w in feature.watered] == ["ivy"]
    # put back, due again a minute later (the day's move was undone)
    assert await next_at(community, "console", 1) == t0 + timedelta(hours=1, minutes=1)
    await community.say(":clock +10m")
    assert [w[1] for w in feature.watered] == ["ivy", "fern"]
    assert await next_at(community, "console", 1) == t0 + timedelta(days=1, hours=1, minutes=1)
    await community.say(":clock +1h")
    assert [w[1] for w in feature.watered] == ["ivy", "fern"]


async def test_two_schedulers_claiming_at_once_each_row_goes_to_one(garden):
    community, _ = garden
    t0 = community.clock.now()
    for pid in range(1, 41):
        await plant(community, "console", pid, f"p{pid}", t0)
    db = community.bot.db
    done = Move(None)
    first, second = await _gather(
        due_rows.claim(db, PLANTS, "console", t0, lambda r, n: done, 25),
        due_rows.claim(db, PLANTS, "console", t0, lambda r, n: done, 25),
    )
    claimed = [c.row.key for c in first + second]
    assert len(claimed) == 40 and len(set(claimed)) == 40


def test_the_claim_takes_its_lock_clause_from_the_dialect():
    class Pg:
        dialect = "postgresql"

    class Lite:
        dialect = "sqlite"

    assert claim_lock(Pg()) == " FOR UPDATE SKIP LOCKED"
    assert claim_lock(Lite()) == "" and claim_lock(object()) == ""


async def _gather(*aws):
    import asyncio

    return await asyncio.gather(*aws)


# --- no cog loops over the platforms for due work -------------------------------------------

COGS = Path(__file__).resolve().parent.parent / "cogs"


def platform_loops(source: str) -> list[int]:
    """Lines where a loop or comprehension iterates something that names `.platforms`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        iters = []
        if isinstance(node, ast.For | ast.AsyncFor):
            iters = [node.iter]
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            iters = [g.iter for g in node.generators]
        for it in iters:
            if any(isinstance(n, ast.Attribute) and n.attr == "platforms" for n in ast.walk(it)):
                found.append(node.lineno)
    return found


def test_the_scan_catches_a_cog_looping_over_platforms():
    looping = (
        "async def run_due(self, now):\n"
        "    for platform in list(self.bot.platforms):\n"
        "        pass\n"
        "async def next_due(self):\n"
        "    return min(d for p in self.bot.platforms if (d := 1))\n"
    )
    assert platform_loops(looping) == [2, 5]
    assert platform_loops("names = ', '.join(sorted(self.bot.platforms))") == []


def test_no_cog_iterates_the_platforms_for_due_work():
    offenders = [
        f"{path.relative_to(COGS.parent)}:{line}"
        for path in sorted(COGS.rglob("*.py"))
        for line in platform_loops(path.read_text())
    ]
    assert not offenders, (
        "declare due work to the scheduler (bot.scheduler.declare) instead of looping over "
        f"bot.platforms: {offenders}"
    )
