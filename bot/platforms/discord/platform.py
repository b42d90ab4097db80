"""The Discord adapter: slash commands, ephemeral replies, buttons, forms and DMs.

Every command spec becomes an application command (``commands``); every interaction
is handled in ``on_interaction`` and turned into an :class:`Invocation` for the core. Buttons
and forms carry the command to run in their custom id, so they keep working after a restart
without any view being registered. discord.py is used unmodified.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta

import discord
import yarl

from bot.config import DiscordSection
from bot.platforms.base import Capabilities, Platform, PlatformStartError
from bot.platforms.discord.client import DiscordClient, DiscordShardedClient
from bot.platforms.discord.commands import CommandSet, build_commands
from bot.platforms.discord.connection import (
    ConnectionWatch,
    connection_problem,
    install_log_filter,
    start_problem,
)
from bot.platforms.discord.events import DiscordEvents
from bot.platforms.discord.listings import DiscordListings
from bot.platforms.discord.lookups import DiscordLookups
from bot.platforms.discord.render import NO_MENTIONS
from bot.platforms.discord.sending import DiscordSending
from bot.platforms.discord.shared import PLATFORM
from bot.platforms.edits import EditMemory
from storage.due import Only, shard_filter
from storage.locks import ProcessLock, take_turn
from storage.platform_state import PlatformState

log = logging.getLogger(__name__)

START_TIMEOUT = 60.0  # seconds from start() to READY before giving up with a clear error
# How long a post or DM waits for a lost connection to come back (counted from the loss)
# before it is given up as undelivered; discord.py's own reconnect backoff stays well below.
OUTAGE_WAIT = 45.0
IDENTIFY_EVERY = timedelta(seconds=5)  # Discord: max_concurrency IDENTIFYs per 5 s


class DiscordStartError(PlatformStartError):
    """The bot could not connect to Discord; the message says why and what to do."""


class DiscordPlatform(DiscordEvents, DiscordSending, DiscordListings, DiscordLookups, Platform):
    """Discord through discord.py: one client, every guild it is in is a community."""

    name = PLATFORM
    capabilities = Capabilities(ephemeral=True, buttons=True, forms=True, threads=True, files=True)
    command_prefix = "/"

    def __init__(self, config: DiscordSection, *, start_timeout: float = START_TIMEOUT) -> None:
        super().__init__()
        self.config = config
        self.start_timeout = start_timeout
        self.client: DiscordClient | None = None
        self.commands = CommandSet(payload=[])
        self._task: asyncio.Task | None = None
        self._ready = asyncio.Event()
        self._seen: collections.OrderedDict[int, None] = collections.OrderedDict()
        self._edits = EditMemory()
        self._inflight: set[asyncio.Task] = set()
        self._stopping = False
        self.watch = ConnectionWatch()
        self.outage_wait = OUTAGE_WAIT
        self._max_concurrency: int | None = None
        # What happens when the connection ends for good while running (a revoked token):
        # by default the process stops with exit code 1, so a service manager notices.
        self.on_fatal: Callable[[str], None] = _stop_process

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Log in, sync commands if they changed, connect; returns once READY (or raises)."""
        assert self.bot is not None
        install_log_filter()
        self._stopping = False
        if self.config.api_base:
            discord.http.Route.BASE = self.config.api_base.rstrip("/")
        if self.config.gateway_url:
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.config.gateway_url)
        self.commands = build_commands(self.bot.all_commands())
        for problem in self.commands.problems:
            log.error("discord command mapping: %s", problem)
        intents = discord.Intents.default()
        intents.members = True  # welcome messages and looking members up by name
        intents.message_content = self.config.message_content
        if not self.config.message_content:
            log.warning(
                "discord.message_content is off: chat messages are not read, so crisis words in "
                "chat are not noticed; only /crisis works"
            )
        shards: dict[str, object] = {}
        if self.sharded:
            ids = self.config.shard_ids or list(range(self.config.shard_count))
            shards = {"shard_count": self.config.shard_count, "shard_ids": ids}
        self.client = (DiscordShardedClient if self.sharded else DiscordClient)(
            self,
            **shards,
            intents=intents,
            allowed_mentions=NO_MENTIONS,
            chunk_guilds_at_startup=False,
            max_messages=None,
            # A loopback test server sends every guild at once; Discord may trickle them in.
            guild_ready_timeout=0.2 if self.config.api_base else 2.0,
        )
        self._ready.clear()
        self._task = asyncio.create_task(self._connect(), name="discord-client")
        ready = asyncio.create_task(self._ready.wait())
        done, _ = await asyncio.wait(
            {self._task, ready}, timeout=self.start_timeout, return_when=asyncio.FIRST_COMPLETED
        )
        ready.cancel()
        if self._ready.is_set():
            self._task.add_done_callback(self._client_ended)
            log.info(
                "discord: connected as %s to %d server(s)",
                self.client.user,
                len(self.client.guilds),
            )
            return
        error = self._task.exception() if self._task in done else None
        await self.stop()
        raise DiscordStartError(start_problem(error, self.start_timeout)) from error

    async def _connect(self) -> None:
        assert self.client is not None
        await self.client.start(self.config.token)

    def _client_ended(self, task: asyncio.Task) -> None:
        """The client stopped by itself: discord.py only gives up when it cannot go on."""
        if self._stopping or task.cancelled():
            return
        error = task.exception()
        reason = connection_problem(error) if error else "the connection to Discord ended"
        log.critical("discord: %s peerbot cannot go on without Discord and stops.", reason)
        self.on_fatal(reason)

    async def stop(self) -> None:
        """Close the connection and wait for interactions in progress."""
        self._stopping = True
        if self._inflight:
            await asyncio.wait(self._inflight, timeout=5)
        if self.client is not None and not self.client.is_closed():
            await self.client.close()
        if self._task is not None and not self._task.done():
            self._task.cancel()
            # the client task ends by cancellation; how it ended no longer matters here
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        self._task = None

    @property
    def sharded(self) -> bool:
        """Whether this process serves a block of shards (``discord.shard_count`` set)."""
        return self.config.shard_count > 0

    def owns(self, community_id: str) -> bool:
        """Whether this process serves the guild (its shard is one of ours)."""
        if not self.sharded:
            return True
        ids = self.config.shard_ids or range(self.config.shard_count)
        return (int(community_id) >> 22) % self.config.shard_count in ids

    def community_filter(self) -> Only | None:
        """For the scheduler: due rows of the guilds this process serves (None: every guild)."""
        if not self.sharded or not self.config.shard_ids:
            return None
        return shard_filter(self.config.shard_count, tuple(self.config.shard_ids))

    async def identify_turn(self, shard_id: int | None) -> None:
        """Wait for this shard's IDENTIFY turn, shared through the database by every process:
        shards in one bucket (shard_id % max_concurrency) identify at least 5 s apart."""
        assert self.bot is not None and self.client is not None
        if self._max_concurrency is None:
            try:
                _, _, limit = await self.client.http.get_bot_gateway()
                self._max_concurrency = max(1, int(limit.get("max_concurrency", 1)))
            except (discord.HTTPException, discord.GatewayNotFound, KeyError, ValueError):
                self._max_concurrency = 1
        bucket = (shard_id or 0) % self._max_concurrency
        await take_turn(self.bot.platform_storage(), PLATFORM, f"identify:{bucket}", IDENTIFY_EVERY)
        log.info("discord: shard %s identifies (bucket %d)", shard_id, bucket)

    async def sync_commands(self) -> bool:
        """Upload the commands when their hash differs from the last upload. True if uploaded.

        With several processes on one PostgreSQL database one of them uploads at a time (a lock
        in the database); the others then find the hash unchanged."""
        assert self.bot is not None and self.client is not None
        db = self.bot.platform_storage()
        if getattr(db, "dialect", "sqlite") != "postgresql":
            return await self._sync_commands()
        lock = ProcessLock.for_database(
            db, "discord-commands", self.bot.config.bot.database_password or None
        )
        await lock.acquire(poll=0.5)
        try:
            return await self._sync_commands()
        finally:
            await lock.release()

    async def _sync_commands(self) -> bool:
        assert self.bot is not None and self.client is not None
        state = PlatformState(self.bot.platform_storage(), PLATFORM)
        digest = f"{self.commands.digest}:{self.config.dev_guild_id}"
        if await state.get("commands_hash") == digest:
            log.info("discord: commands unchanged, not syncing")
            return False
        app_id = self.client.application_id
        await self.client.http.bulk_upsert_global_commands(app_id, self.commands.payload)
        if self.config.dev_guild_id:
            await self.client.http.bulk_upsert_guild_commands(
                app_id, self.config.dev_guild_id, self.commands.payload
            )
        await state.set("commands_hash", digest)
        log.info("discord: synced %d commands", len(self.commands.payload))
        return True


def _stop_process(reason: str) -> None:
    """End `peerbot run` with exit code 1.

    SystemExit raised from an event-loop callback leaves ``asyncio.run``, which first cancels
    the main task, so ``run_platforms`` still stops the bot cleanly (pending writes are
    committed) before the process exits.
    """

    def leave() -> None:
        raise SystemExit(1)

    asyncio.get_running_loop().call_soon(leave)
