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

import discord
import yarl

from bot.config import DiscordSection
from bot.platforms.base import Capabilities, Platform, PlatformStartError
from bot.platforms.discord.client import DiscordClient
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
from storage.platform_state import PlatformState

log = logging.getLogger(__name__)

START_TIMEOUT = 60.0  # seconds from start() to READY before giving up with a clear error
# How long a post or DM waits for a lost connection to come back (counted from the loss)
# before it is given up as undelivered; discord.py's own reconnect backoff stays well below.
OUTAGE_WAIT = 45.0


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
        self.client = DiscordClient(
            self,
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

    async def sync_commands(self) -> bool:
        """Upload the commands when their hash differs from the last upload. True if uploaded."""
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
