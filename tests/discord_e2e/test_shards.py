"""Two `peerbot run` processes serving the two shards of one bot on the loopback Discord API,
sharing one PostgreSQL database: every interaction is answered once, by the process whose shard
carries its guild; commands are synced once; IDENTIFYs keep Discord's concurrency limit across
the processes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.discord_e2e.conftest import TOKEN, BotProcess, write_config
from tests.discord_loopback import (
    ALICE,
    BOB,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    LoopbackDiscord,
    default_guild,
)
from tests.discord_loopback.models import EVERYONE_PERMISSIONS
from tests.discord_loopback.shards import shard_of

pytestmark = [pytest.mark.discord, pytest.mark.faults]

SHARD_1_GUILD = (1 << 22) + 5000  # (id >> 22) % 2 == 1
SHARD_1_GENERAL = SHARD_1_GUILD + 1


def second_guild() -> FakeGuild:
    """A small community whose events travel on shard 1 of 2."""
    gid = SHARD_1_GUILD
    return FakeGuild(
        id=gid,
        name="Evening Group",
        owner_id=2999,
        channels=[FakeChannel(SHARD_1_GENERAL, "general", position=0)],
        roles=[FakeRole(gid, "@everyone", EVERYONE_PERMISSIONS, 0)],
        members=[FakeMember(ALICE), FakeMember(BOB)],
    )


async def test_two_processes_serving_two_shards_answer_every_interaction_once(
    pg, tmp_path: Path
) -> None:
    url = await pg.create()
    async with LoopbackDiscord(token=TOKEN, shard_count=2, max_concurrency=1) as server:
        first = default_guild(server.bot_user)
        server.guilds = {first.id: first, SHARD_1_GUILD: second_guild()}
        for guild in server.guilds.values():
            if guild.member(server.bot_user.id) is None:
                guild.members.append(FakeMember(server.bot_user))
        assert shard_of(first.id, 2) == 0 and shard_of(SHARD_1_GUILD, 2) == 1
        procs = []
        for shard in (0, 1):
            config = write_config(
                tmp_path / f"shard{shard}.toml",
                server,
                tmp_path / "unused.db",
                {"shard_count": 2, "shard_ids": f"[{shard}]"},
            )
            text = config.read_text().replace(str(tmp_path / "unused.db"), url)
            config.write_text(text)
            procs.append(BotProcess(config, tmp_path / f"shard{shard}.log"))
        try:
            await asyncio.gather(*(p.start(timeout=60) for p in procs))
            records = []
            for _ in range(10):
                records.append(await server.invoke(first.id, first.id + 1, ALICE, "help"))
                records.append(await server.invoke(SHARD_1_GUILD, SHARD_1_GENERAL, BOB, "help"))
            for rec in records:
                await rec.wait_reply(timeout=10)
            await asyncio.sleep(1)  # a second answer would arrive now
            assert all(len(r.responses) == 1 and not r.rejected for r in records)
            # one upload of the commands, by whichever process held the lock
            assert len(server.calls_to("PUT", r"applications/\d+/commands$")) == 1
            # one IDENTIFY per shard, 5 s apart (max_concurrency 1: a single bucket)
            identifies = sorted(t for _, t in server.gateway.identifies)
            assert sorted(s for s, _ in server.gateway.identifies) == [0, 1]
            assert identifies[1] - identifies[0] >= 4.5
        finally:
            await asyncio.gather(*(p.stop() for p in procs))
