"""Assembling a running bot from a config: database, clock, cogs, platforms."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from pathlib import Path

from bot.clock import Clock, ManualClock, OffsetClock, SystemClock
from bot.config import Config
from bot.core import Bot
from bot.platforms.console import ConsolePlatform
from storage.db import Database, is_postgres

log = logging.getLogger(__name__)


async def build_bot(
    config: Config, *, clock: Clock | None = None, database: str | None = None
) -> Bot:
    """Open the database and load every cog (no platform attached yet)."""
    db = await Database.open(
        database or config.bot.database, password=config.bot.database_password or None
    )
    bot = Bot(config, db, clock or SystemClock())
    try:
        await bot.load_cogs()
    except Exception:
        await db.close()
        raise
    return bot


async def run_console(
    config: Config, *, database: str, user: str, script: bool, stream=None
) -> int:
    """The console community until end of input or :quit. Returns the exit code."""
    clock: Clock = ManualClock() if script else OffsetClock()
    bot = await build_bot(config, clock=clock, database=database)
    console = ConsolePlatform(
        user=user,
        files_dir=(Path.cwd() if is_postgres(database) else Path(database).resolve().parent)
        / "peerbot-files",
        prefix=config.bot.command_prefix,
    )
    bot.add_platform(console)
    try:
        await bot.start(realtime=not script)
        await console.run(stream)
    finally:
        await bot.stop()
    return 0


def freeze_startup_objects() -> None:
    """Everything loaded at start (cogs, rules, zone data) lives for the whole run: move it out
    of the garbage collector's passes, which otherwise walk it again and again."""
    gc.collect()
    gc.freeze()


async def run_platforms(config: Config) -> int:
    """Every configured platform in one process until SIGINT/SIGTERM."""
    clock: Clock = SystemClock()
    if config.bot.clock_start:
        from datetime import datetime

        clock = OffsetClock(datetime.fromisoformat(config.bot.clock_start))
    bot = await build_bot(config, clock=clock)
    if config.discord is not None:
        from bot.platforms.discord import DiscordPlatform

        bot.add_platform(DiscordPlatform(config.discord))
    if config.matrix is not None:
        from bot.platforms.matrix import MatrixPlatform

        bot.add_platform(MatrixPlatform(config.matrix, prefix=config.bot.command_prefix))
    if not bot.platforms:
        log.error("no platform is configured: add [discord] or [matrix], or use `peerbot console`")
        await bot.db.close()
        return 2
    stop = asyncio.Event()
    fatal: list[str] = []

    def platform_failed(reason: str) -> None:
        log.critical("stopping: %s", reason)
        fatal.append(reason)
        stop.set()

    for platform in bot.platforms.values():
        if hasattr(platform, "on_fatal"):
            platform.on_fatal = platform_failed
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # platforms without asyncio signal handlers fall back to KeyboardInterrupt
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await bot.start(realtime=True)
        freeze_startup_objects()
        log.info("peerbot is ready (%s)", ", ".join(sorted(bot.platforms)))
        print("peerbot ready", flush=True)
        await stop.wait()
        log.info("stopping")
    finally:
        await bot.stop()
    if fatal:
        print(f"peerbot stopped: {fatal[0]}", file=sys.stderr)
        return 1
    return 0
