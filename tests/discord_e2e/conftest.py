"""Fixtures for the Discord adapter tests: the loopback Discord API, the real `peerbot run`
process pointed at it, and an in-process bot with a probe cog for adapter details."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
import pytest_asyncio
import yarl

from bot.app import build_bot
from bot.clock import SystemClock
from bot.config import parse_config
from bot.core import Bot
from bot.platforms.discord import DiscordPlatform
from tests.discord_loopback import LoopbackDiscord
from tests.postgres_server import database_for
from tests.postgres_server import query as query_database

REPO = Path(__file__).resolve().parents[2]


def peerbot_command() -> list[str]:
    """How to start `peerbot` from the environment running these tests: the script installed
    beside this interpreter (a virtualenv's bin/), else the one on PATH, else this interpreter
    running the same entry point. Never a path fixed in the repository."""
    beside = Path(sys.executable).parent / ("peerbot.exe" if os.name == "nt" else "peerbot")
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("peerbot")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]


TOKEN = "test-token"

GUILD = 1000
GENERAL, CHECKINS, MILESTONES, PROMPTS, ALERTS = 1001, 1002, 1003, 1004, 1005
FACILITATOR_ROLE, MODERATOR_ROLE = 1010, 1011


def write_config(
    path: Path,
    server: LoopbackDiscord,
    database: Path,
    discord_keys: dict[str, object] | None = None,
    **bot_keys: object,
) -> Path:
    """A config for `peerbot run` pointed at the loopback server."""
    target = database_for(database)  # the file, or a PostgreSQL database made for it
    lines = ["[bot]", f'database = "{target}"', "tick_seconds = 1", 'log_level = "INFO"']
    for key, value in bot_keys.items():
        lines.append(f'{key} = "{value}"' if isinstance(value, str) else f"{key} = {value}")
    lines += [
        "[limits]",
        "commands_per_minute = 1000",
        "[discord]",
        'token_env = "DISCORD_TOKEN"',
        f'api_base = "{server.api_base}"',
        f'gateway_url = "{server.gateway_url}"',
    ]
    for key, value in (discord_keys or {}).items():
        lines.append(f"{key} = {str(value).lower() if isinstance(value, bool) else value}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class BotProcess:
    """The real `peerbot run` process; stdout is read line by line, stderr goes to a log file."""

    def __init__(self, config: Path, log_path: Path) -> None:
        self.config = config
        self.log_path = log_path
        self.proc: asyncio.subprocess.Process | None = None
        self.stdout: list[str] = []
        self.started_at = 0.0  # time.monotonic() when the process was last spawned
        self.returncode: int | None = None  # of the last run, once stopped
        self._reader: asyncio.Task | None = None
        self._ready = asyncio.Event()

    async def start(self, timeout: float = 30) -> None:
        """Start and wait for `peerbot ready` (fails with the log when it does not come)."""
        env = {**os.environ, "DISCORD_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
        self._ready = asyncio.Event()
        self.started_at = time.monotonic()
        with self.log_path.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                *peerbot_command(), "run", "--config", str(self.config),
                stdout=asyncio.subprocess.PIPE, stderr=log, env=env, cwd=str(REPO),
            )  # fmt: skip
        self._reader = asyncio.create_task(self._read())
        waiter = asyncio.create_task(self._ready.wait())
        done, _ = await asyncio.wait(
            {waiter, self._reader}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        waiter.cancel()
        if not self._ready.is_set():
            await self.stop()
            raise AssertionError(f"peerbot did not become ready; its log:\n{self.log()[-4000:]}")

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        async for raw in self.proc.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            self.stdout.append(line)
            if line == "peerbot ready":
                self._ready.set()

    async def stop(self) -> int | None:
        """SIGTERM, then wait (kill after 15 s); returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.returncode is None:
            _signal(self.proc, signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 15)
            except TimeoutError:
                _signal(self.proc, signal.SIGKILL)
                await self.proc.wait()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
        code = self.returncode = self.proc.returncode
        self.proc = None
        return code

    def log(self) -> str:
        """Everything the process logged."""
        return (
            self.log_path.read_text(encoding="utf-8", errors="replace")
            if self.log_path.exists()
            else ""
        )


def _signal(proc: asyncio.subprocess.Process, sig: int) -> None:
    """Signal the child without reaping it.

    ``Process.send_signal`` polls first (``waitpid(WNOHANG)``), which reaps a child that has
    just exited on its own; asyncio's watcher thread, waiting for the same pid, then finds no
    child and reports exit code 255 instead of the real one. ``os.kill`` leaves reaping to the
    watcher; an exited child that is not yet reaped is a zombie and ignores the signal.
    """
    with contextlib.suppress(ProcessLookupError):  # reaped meanwhile: nothing left to stop
        os.kill(proc.pid, sig)


def query(database: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Read the bot's database from the test (WAL allows a reader next to the bot; on
    PostgreSQL, the database made for that path)."""
    return query_database(database, sql, params)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server() -> AsyncIterator[LoopbackDiscord]:
    """One loopback Discord per test module."""
    async with LoopbackDiscord(token=TOKEN) as srv:
        yield srv


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory for one module's database, config and logs."""
    return tmp_path_factory.mktemp("discord")


class InProcess:
    """A bot with the probe cog and the Discord adapter, in the test's event loop."""

    def __init__(self, bot: Bot, platform: DiscordPlatform, server: LoopbackDiscord) -> None:
        self.bot = bot
        self.platform = platform
        self.server = server

    @property
    def probe(self):
        """The probe cog."""
        return self.bot.cogs["probe"]


async def start_in_process(
    server: LoopbackDiscord, database: Path, **discord_keys: object
) -> InProcess:
    """Build the bot (every cog plus the probe cog) and start the Discord adapter."""
    from tests.discord_e2e.probe_cog import Probe

    data = {
        "limits": {"commands_per_minute": 1000},
        "discord": {
            "token_env": "DISCORD_TOKEN",
            "api_base": server.api_base,
            "gateway_url": server.gateway_url,
            **discord_keys,
        },
    }
    config = parse_config(data, {"DISCORD_TOKEN": TOKEN})
    bot = await build_bot(config, clock=SystemClock(), database=database_for(database))
    await bot.add_cog(Probe(bot))
    assert config.discord is not None
    platform = DiscordPlatform(config.discord, start_timeout=20)
    bot.add_platform(platform)
    await bot.start(realtime=True)
    return InProcess(bot, platform, server)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def inproc(server: LoopbackDiscord, workdir: Path) -> AsyncIterator[InProcess]:
    """The in-process bot for one module, restoring discord.py's endpoints afterwards."""
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    running = await start_in_process(server, workdir / "inproc.db")
    try:
        yield running
    finally:
        await running.bot.stop()
        discord.http.Route.BASE = saved[0]
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved[1] or yarl.URL(
            "wss://gateway.discord.gg/"
        )
