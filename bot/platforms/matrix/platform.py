"""The Matrix platform: text commands, encrypted rooms and private direct rooms (matrix-nio).

How it works, in short:

* ``start()`` logs in (the device id and access token are kept in ``store_path/session.json``,
  the encryption keys in nio's store next to it), runs one sync that brings the full room state,
  accepts or refuses pending invites, then runs the sync loop in a task and returns.
* A sync loop only keeps the client's state and keys current; a worker task handles the events
  of each sync in order and stores the sync token in ``platform_state`` after handling them, so
  after a restart nothing is answered twice and commands sent while the bot was down are
  answered once. Events older than the bot's first start, or from before it joined a room, are
  never answered.
* Private replies go to the member's direct room (created on first need: direct, encrypted,
  remembered in the database). Messages are sent with ``ignore_unverified_devices=True``:
  members' devices receive room keys without being verified by the bot, as in most community
  rooms; see docs/matrix.md.
* When the homeserver cannot be reached, the sync loop backs off (up to 30 s) and logs the outage
  once; replies and scheduled posts made meanwhile wait for it to return (up to
  ``bot.prompt_grace_minutes``) and are then sent once (``link``).
* Accountability partners get a new encrypted room of their own (``open_private_group``, see
  ``groups``). It counts for the community that opened it: commands typed there work as in
  a direct room, ordinary messages there are the members' own and are not read.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import time
import weakref
from typing import Any

from nio import AsyncClient, AsyncClientConfig, LoginResponse, SyncResponse, WhoamiResponse

from bot.config import MatrixSection
from bot.message import Button
from bot.platforms.base import Capabilities, Platform, PlatformStartError
from bot.platforms.edits import EditMemory
from bot.platforms.matrix.communities import MatrixCommunities
from bot.platforms.matrix.events import MatrixEvents
from bot.platforms.matrix.link import CONNECTION_ERRORS, Link, describe
from bot.platforms.matrix.listings import MatrixListings
from bot.platforms.matrix.parking import ParkedEvents
from bot.platforms.matrix.resolver import MatrixLookups
from bot.platforms.matrix.rules import SpaceMap
from bot.platforms.matrix.sending import MatrixSending
from bot.platforms.matrix.sync import SYNC_FILTER, MatrixSync, SyncBatch
from storage.files import private_dir, private_umask, write_private
from storage.locks import ProcessLock
from storage.matrix import DirectRooms, HandledEvents  # the core registers DirectRooms' handler
from storage.platform_state import PlatformState

log = logging.getLogger(__name__)
LOCK_POLL_S = 1.0  # how often a standby asks for the sync lock, and the holder checks it

# nio logs every event type it handles at INFO; peerbot's own lines are what operators need.
logging.getLogger("nio").setLevel(logging.WARNING)

SESSION_FILE = "session.json"
STARTUP_PATIENCE_S = 60.0  # how long the first sync is retried before start-up gives up


class MatrixPlatform(
    MatrixSync,
    MatrixEvents,
    MatrixCommunities,
    MatrixSending,
    MatrixLookups,
    MatrixListings,
    Platform,
):
    """Matrix through matrix-nio, with end-to-end encryption."""

    name = "matrix"
    capabilities = Capabilities(reactions=True)

    def __init__(self, config: MatrixSection, *, prefix: str = "!") -> None:
        super().__init__()
        self.config = config
        self.command_prefix = prefix
        self.client: AsyncClient | None = None
        self.spaces = SpaceMap(config.communities)
        self._creators: dict[str, set[str]] = {}  # room → its creators (privileged in v12+)
        self._direct_by_user: dict[str, str] = {}
        self._groups: dict[str, str] = {}  # private group room → its community (see groups.py)
        self._queue: asyncio.Queue[SyncBatch] = asyncio.Queue()
        self._synced = asyncio.Event()
        self._crypto_lock = asyncio.Lock()
        # Only locks someone holds or waits for are kept: one per member ever seen would grow.
        self._room_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._tasks: list[asyncio.Task] = []
        self._sync_lock: ProcessLock | None = None  # PostgreSQL: one process syncs the account
        self._standby: asyncio.Task | None = None
        self._seen: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._edits = EditMemory()
        self._buttons: collections.OrderedDict[str, list[Button]] = collections.OrderedDict()
        self._undecryptable_told: dict[str, float] = {}
        self._parked = ParkedEvents()
        self._key_requested: set[str] = set()  # sessions whose key was asked for
        self._next_batch: str | None = None
        self._first_start_ms = 0
        self._state: PlatformState | None = None
        self._direct: DirectRooms | None = None
        self._handled: HandledEvents | None = None  # events claimed for handling (any process)
        self._pruned_at = -float("inf")
        self.link = Link(config.homeserver)

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def user_id(self) -> str:
        """The bot's own Matrix id."""
        return self.config.user_id

    @property
    def online(self) -> bool:
        """False while the homeserver cannot be reached (see ``link``)."""
        return self.link.online

    async def start(self) -> None:
        """Log in, sync once (full state, invites handled), start the sync loop; then return.

        On PostgreSQL several processes may run this account: the one holding the
        ``matrix-sync`` lock syncs; the others return at once and wait (offline) for the lock,
        then take over with the same device and encryption store (docs/scaling.md)."""
        assert self.bot is not None
        storage = self.bot.platform_storage()
        self._state = PlatformState(storage, "matrix")
        self._direct = DirectRooms(storage)
        self._handled = HandledEvents(storage)
        self._direct_by_user = {d.user_id: d.room_id for d in await self._direct.all()}
        if getattr(storage, "dialect", "sqlite") == "postgresql":
            self._sync_lock = ProcessLock.for_database(
                storage, "matrix-sync", self.bot.config.bot.database_password or None
            )
            if not await self._sync_lock.try_acquire():
                log.info("matrix: another process syncs this account; waiting to take over")
                self._standby = asyncio.create_task(self._take_over(), name="matrix-standby")
                return
        await self._begin()

    async def _take_over(self) -> None:
        """Wait for the sync lock (its holder died or stopped), then start syncing here."""
        assert self._sync_lock is not None
        await self._sync_lock.acquire(poll=LOCK_POLL_S)
        log.info("matrix: took over syncing")
        try:
            assert self._direct is not None  # what the old holder learnt meanwhile
            self._direct_by_user = {d.user_id: d.room_id for d in await self._direct.all()}
            await self._begin()
        except Exception:
            log.exception("matrix: taking over failed")
            await self._sync_lock.release()

    async def _keep_lock(self) -> None:
        """The heartbeat: while syncing, check the lock's connection; if it is lost another
        process may take over, so this one stops syncing at once."""
        assert self._sync_lock is not None
        while await self._sync_lock.held():
            await asyncio.sleep(LOCK_POLL_S)
        log.critical("matrix: lost the sync lock; stopping sync so that one process answers")
        if self._tasks:
            self._tasks[0].cancel()
        self.link.down("the sync lock was lost")

    async def _begin(self) -> None:
        try:
            await self._connect()
        except CONNECTION_ERRORS as error:
            if self.client is not None:
                await self.client.close()
            raise PlatformStartError(
                f"Matrix: cannot reach {self.config.homeserver}: {describe(error)}"
            ) from error
        self._tasks = [
            asyncio.create_task(self._sync_loop(), name="matrix-sync"),
            asyncio.create_task(self._work_loop(), name="matrix-worker"),
        ]
        if self._sync_lock is not None:
            self._tasks.append(asyncio.create_task(self._keep_lock(), name="matrix-lock"))
        assert self.client is not None
        log.info("matrix: logged in as %s (device %s)", self.user_id, self.client.device_id)

    async def _connect(self) -> None:
        """Log in and run the first sync (full state; history is not answered on a first start)."""
        assert self._state is not None
        self.client = await self._login()
        self.link.up()
        token = await self._state.get("next_batch")
        first = await self._state.get("first_start_ms")
        if first is None:
            # Compared with homeserver timestamps, so this is wall time, not the bot's clock.
            first = str(int(time.time() * 1000))
            await self._state.set("first_start_ms", first)
        self._first_start_ms = int(first)
        await self._key_work()
        response = await self._first_sync(token)
        if not isinstance(response, SyncResponse) and token is not None:
            log.warning("the stored sync token was refused (%s); starting afresh", response)
            token = None
            response = await self._first_sync(None)
        if not isinstance(response, SyncResponse):
            raise PlatformStartError(
                f"Matrix: the first sync with {self.config.homeserver} failed: {response}"
            )
        # Without a stored token this is the very first start: history is not answered.
        await self._after_sync(response, handle_timeline=token is not None)

    async def _first_sync(self, token: str | None) -> Any:
        """The full-state sync of start-up; a dropped connection is tried again for a minute."""
        client = self.client
        assert client is not None
        response = await self.link.call(
            lambda: client.sync(timeout=0, since=token, full_state=True, sync_filter=SYNC_FILTER),
            patience=STARTUP_PATIENCE_S,
        )
        return response if response is not None else "the homeserver could not be reached"

    async def stop(self) -> None:
        """Stop syncing, finish the events already received, close the connection."""
        if self._standby is not None:
            self._standby.cancel()
            await asyncio.gather(self._standby, return_exceptions=True)
            self._standby = None
        sync_task = self._tasks[0] if self._tasks else None
        if sync_task is not None:
            sync_task.cancel()
            await asyncio.gather(sync_task, return_exceptions=True)
        try:
            await asyncio.wait_for(self._queue.join(), timeout=10)
        except TimeoutError:
            log.warning("matrix: stopped before every received event was handled")
        for task in self._tasks[1:]:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self.client is not None:
            await self.client.close()
        if self._sync_lock is not None:
            await self._sync_lock.release()

    async def _login(self) -> AsyncClient:
        # device keys and the access token; files an older version left open are closed too
        store = private_dir(self.config.store_path, with_contents=True)
        client = AsyncClient(
            self.config.homeserver,
            self.user_id,
            store_path=str(store),
            # max_timeouts=0: nio would retry an unreachable server forever, logging each try;
            # the sync loop and Link back off and log once per outage instead.
            config=AsyncClientConfig(
                encryption_enabled=True, store_sync_tokens=False, max_timeouts=0
            ),
        )
        self.client = client  # closed by start() if the homeserver cannot be reached
        session_path = store / SESSION_FILE
        saved = json.loads(session_path.read_text()) if session_path.exists() else {}
        if saved.get("user_id") == self.user_id and saved.get("device_id"):
            token = self.config.access_token or saved.get("access_token", "")
            with private_umask():  # nio creates its key store here
                client.restore_login(self.user_id, saved["device_id"], token)
            if isinstance(await client.whoami(), WhoamiResponse):
                return client
            log.warning(
                "matrix: the saved session no longer works; logging in again as the same device"
            )
            client.device_id = saved["device_id"]
        if self.config.access_token and not saved:
            client.access_token = self.config.access_token
            whoami = await client.whoami()
            if not isinstance(whoami, WhoamiResponse) or not whoami.device_id:
                await client.close()
                raise RuntimeError(f"Matrix: the access token was refused: {whoami}")
            with private_umask():
                client.restore_login(self.user_id, whoami.device_id, self.config.access_token)
        elif self.config.password:
            with private_umask():
                response = await client.login(
                    self.config.password, device_name=self.config.device_name
                )
            if not isinstance(response, LoginResponse):
                await client.close()
                raise RuntimeError(f"Matrix: login as {self.user_id} failed: {response}")
        else:
            await client.close()
            raise RuntimeError("Matrix: no password or access token to log in with")
        session = {
            "user_id": self.user_id,
            "device_id": client.device_id,
            "access_token": client.access_token,
        }
        write_private(session_path, json.dumps(session).encode())
        return client
