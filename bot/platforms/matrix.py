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
  ``bot.prompt_grace_minutes``) and are then sent once (``matrix_link``).
* Accountability partners get a new encrypted room of their own (``open_private_group``, see
  ``matrix_groups``). It counts for the community that opened it: commands typed there work as in
  a direct room, ordinary messages there are the members' own and are not read.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteInfo,
    JoinError,
    LoginResponse,
    MegolmEvent,
    ReactionEvent,
    RoomCreateError,
    RoomCreateEvent,
    RoomGetEventResponse,
    RoomMemberEvent,
    RoomMessageText,
    RoomPreset,
    RoomResolveAliasResponse,
    RoomSendResponse,
    RoomSpaceChildEvent,
    RoomSpaceParentEvent,
    SyncResponse,
    WhoamiResponse,
)
from nio.exceptions import EncryptionError

from bot.config import MatrixSection
from bot.message import Button, Message
from bot.parser import strip_prefix
from bot.platforms.base import (
    Actor,
    Capabilities,
    CommunityRef,
    Invocation,
    MemberJoinEvent,
    MessageEvent,
    Platform,
    PlatformStartError,
)
from bot.platforms.edits import EditMemory
from bot.platforms.matrix_groups import group_community, group_room_options, invitees
from bot.platforms.matrix_link import CONNECTION_ERRORS, Link, describe
from bot.platforms.matrix_parking import ParkedEvents
from bot.platforms.matrix_render import buttons_from_content, keycap_digit, notice_contents
from bot.platforms.matrix_rules import (
    CREATOR_POWER,
    SpaceMap,
    creators_privileged,
    invite_allowed,
    level_for_power,
    parse_power,
    strip_reply_fallback,
)
from bot.platforms.matrix_text import Replacement, chat_text, replacement
from bot.spec import ChannelRef, Level, MemberRef, RoleRef
from storage.files import private_dir, private_umask, write_private
from storage.matrix import DirectRooms, direct_rooms_handler, last_active_community
from storage.platform_state import PlatformState

log = logging.getLogger(__name__)
# nio logs every event type it handles at INFO; peerbot's own lines are what operators need.
logging.getLogger("nio").setLevel(logging.WARNING)

SESSION_FILE = "session.json"
MEGOLM = "m.megolm.v1.aes-sha2"
SYNC_TIMEOUT_MS = 30_000
SYNC_FILTER = {"room": {"timeline": {"limit": 100}}}
WAIT_FOR_ROOM_S = 15.0  # how long a new direct room may take to appear in a sync
DECRYPT_GRACE_S = 8.0  # how long an unreadable event waits (parked) before the room is told
UNDECRYPTABLE_NOTICE_EVERY_S = 600.0
STARTUP_PATIENCE_S = 60.0  # how long the first sync is retried before start-up gives up

PRIVATE_SENT = "I've sent you a private message."
PRIVATE_FAILED = (
    "I tried to send you a private message but couldn't reach you. If you'd like private replies, "
    "please accept my invitation to a direct chat."
)
NO_COMMUNITY = (
    "I'm not sure which community you mean yet. Please use a command once in your community's "
    "room; after that you can talk to me here."
)
UNDECRYPTABLE = (
    "I couldn't read a message {name} sent here yet: it was encrypted with a key my device hasn't "
    "received. I'll answer it if the key arrives; if it was a command, you can also send it again."
)


@dataclass
class _Batch:
    """The events of one sync, handled in order; the token is stored once they are done."""

    next_batch: str
    items: list[tuple[str, Any]] = field(default_factory=list)


class MatrixResponder:
    """Answers one invocation: publicly in its room, or privately in the member's direct room.

    The first private reply to a command typed in a shared room is followed by one short notice
    in that room ("I've sent you a private message."), replying to the command; nothing else of
    the private reply shows there.
    """

    def __init__(
        self,
        platform: MatrixPlatform,
        community_id: str,
        room_id: str,
        user_id: str,
        event_id: str,
        *,
        in_direct_room: bool,
    ) -> None:
        self.platform = platform
        self.community_id = community_id
        self.room_id = room_id
        self.user_id = user_id
        self.event_id = event_id
        self.in_direct_room = in_direct_room
        self._told = False

    async def reply(self, message: Message, private: bool) -> None:
        """Send one reply."""
        if not private or self.in_direct_room:
            await self.platform.post(self.community_id, self.room_id, message)
            return
        try:
            delivered = await self.platform.send_private(self.community_id, self.user_id, message)
        except Exception:
            log.exception("private reply to %s failed", self.user_id)
            delivered = False
        if self._told:
            return
        self._told = True
        notice = Message(PRIVATE_SENT if delivered else PRIVATE_FAILED)
        await self.platform.send(self.room_id, notice, reply_to=self.event_id)


class MatrixPlatform(Platform):
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
        self._groups: dict[str, str] = {}  # private group room → its community (see matrix_groups)
        self._queue: asyncio.Queue[_Batch] = asyncio.Queue()
        self._synced = asyncio.Event()
        self._crypto_lock = asyncio.Lock()
        # Only locks someone holds or waits for are kept: one per member ever seen would grow.
        self._room_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._tasks: list[asyncio.Task] = []
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
        self.link = Link(config.homeserver)

    # --- lifecycle ---------------------------------------------------------------------------

    def attach(self, bot: Any) -> None:
        """Attach to the core and register the direct-room table with the privacy registry."""
        super().attach(bot)
        if "matrix_direct_room" not in bot.privacy.handlers:
            bot.privacy.register(direct_rooms_handler())

    @property
    def user_id(self) -> str:
        """The bot's own Matrix id."""
        return self.config.user_id

    @property
    def online(self) -> bool:
        """False while the homeserver cannot be reached (see ``matrix_link``)."""
        return self.link.online

    async def start(self) -> None:
        """Log in, sync once (full state, invites handled), start the sync loop; then return."""
        assert self.bot is not None
        self._state = PlatformState(self.bot.db, "matrix")
        self._direct = DirectRooms(self.bot.db)
        self._direct_by_user = {d.user_id: d.room_id for d in await self._direct.all()}
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

    # --- syncing -----------------------------------------------------------------------------

    async def _sync_loop(self) -> None:
        """Sync until stopped. Outages are logged once and waited out with back-off (1 s doubling
        up to 30 s); syncing resumes from the last token received, whose events the worker
        handles (and then stores) whatever happens to the connection meanwhile."""
        assert self.client is not None
        while True:
            try:
                response = await self.client.sync(
                    timeout=SYNC_TIMEOUT_MS, since=self._next_batch, sync_filter=SYNC_FILTER
                )
            except asyncio.CancelledError:
                raise
            except CONNECTION_ERRORS as error:
                self.link.down(describe(error))
                await self.link.pause()
                continue
            except Exception as error:
                self.link.down(describe(error), exc_info=True)
                await self.link.pause()
                continue
            if not isinstance(response, SyncResponse):
                self.link.down(f"sync answered {response}")
                await self.link.pause()
                continue
            self.link.up()
            try:
                await self._after_sync(response, handle_timeline=True)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("matrix: handling a sync failed")

    async def _after_sync(self, response: SyncResponse, *, handle_timeline: bool) -> None:
        """Update spaces, answer invites, do key work, queue the events for the worker."""
        batch = _Batch(response.next_batch)
        for room_id, info in response.rooms.join.items():
            for event in list(info.state) + list(info.timeline.events):
                self._track_state(room_id, event)
            if handle_timeline:
                batch.items.extend((room_id, e) for e in self._new_events(info.timeline.events))
        for room_id in response.rooms.leave:
            self.spaces.forget(room_id)
            self._groups.pop(room_id, None)
        for room_id, info in response.rooms.invite.items():
            await self._answer_invite(room_id, info)
        await self._key_work()
        # Parked events whose key came with this sync go first: they were sent earlier.
        batch.items[:0] = self._parked.retry(self._try_decrypt, time.monotonic())
        self._next_batch = response.next_batch
        self._synced.set()
        self._synced = asyncio.Event()
        await self._queue.put(batch)

    def _new_events(self, events: list[Any]) -> list[Any]:
        """Events to handle: after the bot's own join, after its first start, not its own."""
        start = 0
        for index, event in enumerate(events):
            if (
                isinstance(event, RoomMemberEvent)
                and event.state_key == self.user_id
                and event.membership == "join"
                and event.prev_membership != "join"
            ):
                start = index + 1
        fresh = []
        for event in events[start:]:
            if event.sender == self.user_id or event.server_timestamp < self._first_start_ms:
                continue
            if event.event_id in self._seen:
                continue
            self._seen[event.event_id] = None
            if len(self._seen) > 5000:
                self._seen.popitem(last=False)
            fresh.append(event)
        return fresh

    def _track_state(self, room_id: str, event: Any) -> None:
        """Follow the state nio does not keep: spaces, and the creators of v12+ rooms."""
        content = event.source.get("content", {}) if hasattr(event, "source") else {}
        if isinstance(event, RoomCreateEvent):
            extra = content.get("additional_creators", [])
            creators = {event.sender, *(c for c in extra if isinstance(c, str))}
            self._creators[room_id] = creators if creators_privileged(event.room_version) else set()
        community = group_community(event, self.user_id)
        if community is not None:
            self._groups[room_id] = community
        if isinstance(event, RoomSpaceParentEvent):
            self.spaces.set_parent(room_id, event.state_key, content, event.sender)
        elif isinstance(event, RoomSpaceChildEvent):
            self.spaces.set_child(room_id, event.state_key, content, event.sender)

    async def _answer_invite(self, room_id: str, info: InviteInfo) -> None:
        assert self.client is not None
        inviter = next(
            (
                e.sender
                for e in info.invite_state
                if getattr(e, "state_key", None) == self.user_id
                and getattr(e, "membership", None) == "invite"
            ),
            None,
        )
        if inviter and invite_allowed(inviter, self.config.allowed_inviters, self.user_id):
            response = await self.client.join(room_id)
            if isinstance(response, JoinError):
                log.warning("matrix: could not join %s: %s", room_id, response)
            else:
                log.info("matrix: joined %s (invited by %s)", room_id, inviter)
        else:
            log.info(
                "matrix: refused an invite to %s from %s (not an allowed inviter; see "
                "matrix.allowed_inviters)",
                room_id,
                inviter,
            )
            await self.client.room_leave(room_id)

    async def _key_work(self) -> None:
        """Upload, query and claim keys as needed; send queued to-device messages."""
        client = self.client
        assert client is not None
        async with self._crypto_lock:
            try:
                if client.should_upload_keys:
                    await client.keys_upload()
                if client.should_query_keys:
                    await client.keys_query()
                if client.should_claim_keys:
                    await client.keys_claim(client.get_users_for_key_claiming())
                await client.send_to_device_messages()
            except Exception:
                log.exception("matrix: key work failed (retried after the next sync)")

    async def _wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait for syncs until `condition()` holds; False after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                await asyncio.wait_for(self._synced.wait(), timeout=left)
            except TimeoutError:
                return condition()
        return True

    # --- handling events ---------------------------------------------------------------------

    async def _work_loop(self) -> None:
        assert self._state is not None
        while True:
            batch = await self._queue.get()
            try:
                for room_id, event in batch.items:
                    try:
                        await self._handle(room_id, event)
                    except Exception:
                        log.exception("matrix: handling an event in %s failed", room_id)
                await self._state.set("next_batch", batch.next_batch)
                await self._tell_unreadable()
            except Exception:
                log.exception("matrix: could not store the sync token")
            finally:
                self._queue.task_done()

    async def _handle(self, room_id: str, event: Any) -> None:
        if isinstance(event, MegolmEvent):
            event = await self._decrypt_later(room_id, event)
            if event is None:
                return
        if isinstance(event, RoomMessageText):
            await self._on_text(room_id, event)
        elif isinstance(event, ReactionEvent):
            await self._on_reaction(room_id, event)
        elif (
            isinstance(event, RoomMemberEvent)
            and event.membership == "join"
            and event.prev_membership != "join"
        ):
            await self._on_join(room_id, event.state_key)

    def _try_decrypt(self, event: MegolmEvent) -> Any | None:
        """The decrypted event, or None while its room key is missing (or it is forged)."""
        assert self.client is not None
        try:
            result = self.client.decrypt_event(event)
        except (EncryptionError, Exception):
            return None
        return None if isinstance(result, MegolmEvent) else result

    async def _decrypt_later(self, room_id: str, event: MegolmEvent) -> Any | None:
        """The event, decrypted; else None, with the event parked until its key arrives (see
        ``matrix_parking``) and the key asked for once: never waited on here."""
        assert self.client is not None
        decrypted = self._try_decrypt(event)
        if decrypted is not None:
            return decrypted
        self._parked.park(room_id, event, time.monotonic())
        if event.session_id not in self._key_requested and len(self._key_requested) < 10_000:
            self._key_requested.add(event.session_id)
            try:
                await self.client.request_room_key(event)
            except Exception:
                log.debug("room key request failed", exc_info=True)
        return None

    async def _tell_unreadable(self) -> None:
        """Tell each room (at most every 10 minutes) about a message still unreadable after
        ``DECRYPT_GRACE_S``; it stays parked in case its key comes later."""
        now = time.monotonic()
        for parked in self._parked.overdue(now, DECRYPT_GRACE_S):
            event, room_id = parked.event, parked.room_id
            log.warning(
                "matrix: could not decrypt event %s from %s in %s (session %s) yet",
                event.event_id,
                event.sender,
                room_id,
                event.session_id,
            )
            told = self._undecryptable_told.get(room_id, -UNDECRYPTABLE_NOTICE_EVERY_S)
            if now - told >= UNDECRYPTABLE_NOTICE_EVERY_S:
                self._undecryptable_told[room_id] = now
                name = self._display_name(room_id, event.sender)
                await self.send(room_id, Message(UNDECRYPTABLE, {"name": name}))

    async def _on_text(self, room_id: str, event: RoomMessageText) -> None:
        assert self.bot is not None
        content = event.source.get("content", {})
        relates = content.get("m.relates_to", {})
        if relates.get("rel_type") == "m.replace":
            edit = replacement(content)
            if edit is not None:
                await self._on_edit(room_id, event.sender, edit)
            return
        body = strip_reply_fallback(event.body) if "m.in_reply_to" in relates else event.body
        text = strip_prefix(body.strip(), (self.command_prefix,))
        in_direct = self.is_direct_room(room_id, event.sender)
        community = await self._community_for(room_id, event.sender)
        if text is not None:
            responder = MatrixResponder(
                self,
                community.id if community else room_id,
                room_id,
                event.sender,
                event.event_id,
                in_direct_room=in_direct,
            )
            if community is None:
                await responder.reply(Message(NO_COMMUNITY), True)
                return
            actor = await self._actor(community.id, room_id, event.sender)
            await self.bot.dispatch(
                Invocation(
                    community=community,
                    channel=ChannelRef(room_id, self._room_name(room_id)),
                    actor=actor,
                    responder=responder,
                    text=text,
                    prefix=self.command_prefix,
                )
            )
            return
        text = chat_text(content, body)
        self._edits.seen(event.event_id, text)
        await self._emit_chat(room_id, event.sender, event.event_id, text, edited=False)

    async def _on_edit(self, room_id: str, sender: str, edit: Replacement) -> None:
        """An edited chat message goes to the listeners again with its new text: only an edit
        by the original's sender (as the spec requires of clients), never one into a command
        (edits run nothing), and only when the text changed."""
        text = chat_text(edit.content, edit.body)
        if not text.strip() or strip_prefix(text.strip(), (self.command_prefix,)) is not None:
            return
        if await self._sender_of(room_id, edit.original_id) != sender:
            return
        if not self._edits.changed(edit.original_id, text):
            return
        await self._emit_chat(room_id, sender, edit.original_id, text, edited=True)

    async def _sender_of(self, room_id: str, event_id: str) -> str | None:
        """Who sent an event (None when the homeserver cannot say)."""
        assert self.client is not None
        client = self.client
        response = await self.link.call(
            lambda: client.room_get_event(room_id, event_id), patience=self._patience()
        )
        if not isinstance(response, RoomGetEventResponse):
            return None
        return getattr(response.event, "sender", None)

    async def _emit_chat(
        self, room_id: str, sender: str, message_id: str, text: str, *, edited: bool
    ) -> None:
        """Give a chat message (or an edit's new text) to the listeners."""
        assert self.bot is not None
        community = await self._community_for(room_id, sender)
        if community is None or room_id in self._groups:
            return  # a private group's conversation belongs to its members
        actor = await self._actor(community.id, room_id, sender)
        await self.bot.emit_message(
            MessageEvent(
                community,
                ChannelRef(room_id, self._room_name(room_id)),
                actor,
                text,
                message_id=message_id,
                link=f"https://matrix.to/#/{room_id}/{message_id}",
                edited=edited,
            )
        )

    async def _on_reaction(self, room_id: str, event: ReactionEvent) -> None:
        """A keycap digit (1️⃣…) on a bot post with buttons runs the button's command with that
        number as its first whole-number option not already set by the button."""
        assert self.bot is not None
        digit = keycap_digit(event.key)
        if digit is None:
            return
        buttons = await self._buttons_of(room_id, event.reacts_to)
        for button in buttons:
            spec = self.bot.registry.commands.get(tuple(button.command.split()))
            if spec is None:
                continue
            param = next(
                (p for p in spec.params if p.type.kind == "int" and p.name not in button.args), None
            )
            if param is None:
                continue
            in_direct = self.is_direct_room(room_id, event.sender)
            community = await self._community_for(room_id, event.sender)
            if community is None:
                return
            await self.bot.dispatch(
                Invocation(
                    community=community,
                    channel=ChannelRef(room_id, self._room_name(room_id)),
                    actor=await self._actor(community.id, room_id, event.sender),
                    responder=MatrixResponder(
                        self,
                        community.id,
                        room_id,
                        event.sender,
                        event.event_id,
                        in_direct_room=in_direct,
                    ),
                    path=spec.path,
                    args={**button.args, param.name: digit},
                    prefix=self.command_prefix,
                )
            )
            return

    async def _buttons_of(self, room_id: str, event_id: str) -> list[Button]:
        if event_id in self._buttons:
            return self._buttons[event_id]
        assert self.client is not None
        client = self.client
        response = await self.link.call(
            lambda: client.room_get_event(room_id, event_id), patience=self._patience()
        )
        if not isinstance(response, RoomGetEventResponse):
            return []
        target = response.event
        if isinstance(target, MegolmEvent):
            try:
                target = self.client.decrypt_event(target)
            except Exception:
                return []
        if getattr(target, "sender", None) != self.user_id:
            return []
        return buttons_from_content(target.source.get("content", {}))

    async def _on_join(self, room_id: str, user_id: str) -> None:
        assert self.bot is not None and self.client is not None
        if user_id == self.user_id or self.is_direct_room(room_id) or room_id in self._groups:
            return
        community = self._community_ref(self._community_of(room_id))
        # Joining a second room of the same space is not joining the community.
        for other in self._community_rooms(community.id):
            room = self.client.rooms.get(other)
            if (
                other != room_id
                and room is not None
                and user_id in room.users
                and user_id not in room.invited_users
            ):
                return
        actor = await self._actor(community.id, room_id, user_id)
        await self.bot.emit_member_join(MemberJoinEvent(community, actor))

    # --- communities, members, levels --------------------------------------------------------

    def is_direct_room(self, room_id: str, user_id: str | None = None) -> bool:
        """Whether `room_id` is a member's direct room with the bot (that member's, if given)."""
        if user_id is not None:
            return self._direct_by_user.get(user_id) == room_id
        return room_id in self._direct_by_user.values()

    async def _community_for(self, room_id: str, user_id: str) -> CommunityRef | None:
        """The community of a room; in any direct room (the member's own or another's), where
        the member was last active; for a private group, the community that opened it."""
        if room_id in self._groups:
            return self._community_ref(self._groups[room_id])
        if not self.is_direct_room(room_id):
            return self._community_ref(self._community_of(room_id))
        assert self.bot is not None
        community_id = await last_active_community(self.bot.db, user_id)
        return self._community_ref(community_id) if community_id else None

    def _community_of(self, room_id: str) -> str:
        """The community a shared room belongs to (see ``SpaceMap``): links count only when
        moderators of both the space and the room made them, and never in direct rooms or
        private groups."""
        excluded = set(self._direct_by_user.values()) | self._groups.keys()
        return self.spaces.community_of(room_id, self._is_moderator, excluded)

    def _power(self, room_id: str, user_id: str) -> int:
        """`user_id`'s power level in a joined room (0 where the bot is not)."""
        room = self.client.rooms.get(room_id) if self.client else None
        if room is None:
            return 0
        if user_id in self._creators.get(room_id, set()):
            return CREATOR_POWER
        return int(room.power_levels.get_user_level(user_id))

    def _is_moderator(self, room_id: str, user_id: str) -> bool:
        return self._power(room_id, user_id) >= self.config.moderator_power

    def _community_ref(self, community_id: str) -> CommunityRef:
        return CommunityRef(self.name, community_id, self._room_name(community_id))

    def _community_rooms(self, community_id: str) -> list[str]:
        assert self.client is not None
        direct = set(self._direct_by_user.values())
        return [
            r
            for r in self.client.rooms
            if r not in direct
            and r not in self._groups
            and (r == community_id or self._community_of(r) == community_id)
        ]

    def _room_name(self, room_id: str) -> str:
        room = self.client.rooms.get(room_id) if self.client else None
        return room.display_name if room is not None else room_id

    def _display_name(self, room_id: str, user_id: str) -> str:
        room = self.client.rooms.get(room_id) if self.client else None
        name = room.user_name(user_id) if room is not None else None
        return name or user_id

    async def _actor(self, community_id: str, room_id: str, user_id: str) -> Actor:
        """The person with the level their power level gives in the community's own space (or
        its main room), wherever they type: never a room a member controls, like their direct
        room, a private group or a room of their own that names the space as its parent. Where
        the bot is not in the community's space, everyone is a member."""
        assert self.bot is not None and self.client is not None
        level = Level.MEMBER
        if community_id in self.client.rooms:
            power = self._power(community_id, user_id)
            setting = await self.bot.community_settings.get(
                self.name, community_id, "facilitator_power"
            )
            level = level_for_power(
                power,
                self.config.moderator_power,
                parse_power(setting, self.config.facilitator_power),
            )
        return Actor(user_id, self._display_name(room_id, user_id), level)

    # --- sending -----------------------------------------------------------------------------

    async def send(
        self, room_id: str, message: Message, *, reply_to: str | None = None
    ) -> str | None:
        """Send a message as m.notice(s) to a joined room; the event id of the last part."""
        client = self.client
        if client is None:
            return None
        if room_id not in client.rooms and not await self._wait_until(
            lambda: room_id in client.rooms, WAIT_FOR_ROOM_S
        ):
            log.warning("matrix: not in room %s; message not sent", room_id)
            return None
        event_id = None
        for content in notice_contents(message, self.command_prefix):
            if reply_to:
                content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
            response = await self.link.call(
                self._room_send_once(room_id, content), patience=self._patience()
            )
            if response is None:
                log.warning(
                    "matrix: %s was unreachable for too long; a message to %s was not sent",
                    self.config.homeserver,
                    room_id,
                )
                return None
            if not isinstance(response, RoomSendResponse):
                log.warning("matrix: sending to %s failed: %s", room_id, response)
                return None
            event_id = response.event_id
        if event_id and message.buttons:
            self._buttons[event_id] = list(message.buttons)
            if len(self._buttons) > 500:
                self._buttons.popitem(last=False)
        return event_id

    def _room_send_once(self, room_id: str, content: dict[str, Any]) -> Callable[[], Any]:
        """One message send that is safe to repeat after a dropped connection: the transaction
        id stays the same, so the homeserver keeps a single event."""
        assert self.client is not None
        client = self.client
        tx_id = str(uuid.uuid4())

        async def attempt() -> Any:
            async with self._crypto_lock:
                if client.should_query_keys:
                    await client.keys_query()
                return await client.room_send(
                    room_id,
                    "m.room.message",
                    content,
                    tx_id=tx_id,
                    ignore_unverified_devices=True,
                )

        return attempt

    def _patience(self) -> float:
        """How long a message waits for an unreachable homeserver: the prompts' grace time, so
        a scheduled post that falls due during an outage still goes out once, late."""
        minutes = self.bot.config.bot.prompt_grace_minutes if self.bot is not None else 1
        return max(60.0, minutes * 60.0)

    async def post(
        self,
        community_id: str,
        channel_id: str,
        message: Message,
        *,
        thread_title: str | None = None,
    ) -> str | None:
        """Post publicly in a room (Matrix threads are not used: `thread_title` is ignored)."""
        if self.client is None or channel_id not in self.client.rooms:
            return None
        return await self.send(channel_id, message)

    async def send_private(self, community_id: str, user_id: str, message: Message) -> bool:
        """Send to the member's direct room, creating it on first need."""
        room_id = await self._direct_room(user_id)
        if room_id is None:
            return False
        return await self.send(room_id, message) is not None

    async def open_private_group(
        self, community_id: str, user_ids: list[str], title: str, message: Message
    ) -> bool:
        """Open a new encrypted room for these members (named `title`, not direct, each invited)
        and post `message` there as a notice; False (logged) when any step fails.

        Nothing about the room goes into the database: it carries its community in its own state
        (see ``matrix_groups``). The bot stays in the room, so commands typed there work."""
        members = invitees(user_ids, self.user_id)
        if self.client is None or not members:
            log.warning("matrix: no one to open a private group for")
            return False
        try:
            room_id = await self._create_group(community_id, members, title)
            if room_id is None:
                return False
            if await self.send(room_id, message) is None:
                log.warning("matrix: the welcome could not be posted in private group %s", room_id)
                await self._abandon_group(room_id, members)
                return False
        except Exception:
            log.exception("matrix: opening a private group failed")
            return False
        log.info("matrix: opened private group %s for %d members", room_id, len(members))
        return True

    async def _create_group(self, community_id: str, members: list[str], title: str) -> str | None:
        """Create the room and wait until it is encrypted and every member is invited."""
        client = self.client
        assert client is not None
        options = group_room_options(community_id, members, title)
        # Not idempotent, like a direct room: a retry can make a second room only if the
        # connection dropped after the homeserver made the first.
        response = await self.link.call(
            lambda: client.room_create(**options), patience=self._patience()
        )
        if response is None or isinstance(response, RoomCreateError):
            log.warning("matrix: could not create a private group: %s", response)
            return None
        room_id: str = response.room_id
        # Known before the sync brings the room's mark: a member may type in it at once.
        self._groups[room_id] = community_id

        def ready() -> bool:
            room = client.rooms.get(room_id)
            return room is not None and room.encrypted and all(u in room.users for u in members)

        # The welcome's room key goes to the devices of the members the bot knows in the room.
        if not await self._wait_until(ready, WAIT_FOR_ROOM_S):
            log.warning("matrix: the new private group %s did not arrive in time", room_id)
            await self._abandon_group(room_id, members)
            return None
        return room_id

    async def _abandon_group(self, room_id: str, members: list[str]) -> None:
        """Withdraw the invites and leave a group that could not be opened (best effort: the
        members are written to privately instead, and should not find an empty room)."""
        client = self.client
        assert client is not None
        try:
            for user_id in members:
                await client.room_kick(room_id, user_id, reason="The private space could not open")
            await client.room_leave(room_id)
        except Exception:
            log.warning("matrix: could not clean up private group %s", room_id, exc_info=True)
        self._groups.pop(room_id, None)

    def _user_lock(self, user_id: str) -> asyncio.Lock:
        """The lock that keeps two direct rooms from being made for one member at once."""
        lock = self._room_locks.get(user_id)
        if lock is None:
            lock = self._room_locks[user_id] = asyncio.Lock()
        return lock

    async def _direct_room(self, user_id: str) -> str | None:
        assert self.client is not None and self._direct is not None and self.bot is not None
        client = self.client
        if user_id == self.user_id or not user_id.startswith("@"):
            return None
        async with self._user_lock(user_id):
            # The database decides: after `mydata delete` the old room is left, not reused.
            stored = await self._direct.get(user_id)
            cached = self._direct_by_user.get(user_id)
            if stored is not None:
                room = client.rooms.get(stored.room_id)
                if room is not None and user_id in room.users:
                    self._direct_by_user[user_id] = stored.room_id
                    return stored.room_id
                log.info("matrix: the direct room with %s is gone; making a new one", user_id)
            elif cached is not None and cached in client.rooms:
                await client.room_leave(cached)
            # Not idempotent: a retry makes a second room only if the connection dropped after
            # the homeserver made the first; rare, and better than a private reply never sent.
            response = await self.link.call(
                lambda: client.room_create(
                    is_direct=True,
                    invite=[user_id],
                    preset=RoomPreset.trusted_private_chat,
                    initial_state=[
                        {
                            "type": "m.room.encryption",
                            "state_key": "",
                            "content": {"algorithm": MEGOLM},
                        }
                    ],
                ),
                patience=self._patience(),
            )
            if response is None or isinstance(response, RoomCreateError):
                log.warning("matrix: could not create a direct room with %s: %s", user_id, response)
                return None
            room_id = response.room_id
            await self._direct.set(user_id, room_id, self.bot.clock.now())
            self._direct_by_user[user_id] = room_id
            if not await self._wait_until(
                lambda: room_id in client.rooms and user_id in client.rooms[room_id].users,
                WAIT_FOR_ROOM_S,
            ):
                log.warning("matrix: the new direct room %s did not arrive in time", room_id)
                return None
            return room_id

    # --- lookups for the core ----------------------------------------------------------------

    def resolver(self, community_id: str) -> _MatrixResolver:
        """Rooms by ``#alias:server``, room id or name; members by ``@user:server`` or name."""
        return _MatrixResolver(self, community_id)

    async def member_name(self, community_id: str, user_id: str) -> str:
        """A display name seen in a room of the community, else the Matrix id."""
        if self.client is not None:
            for room_id in self._community_rooms(community_id):
                name = self.client.rooms[room_id].user_name(user_id)
                if name:
                    return name
        return user_id

    async def channel_name(self, community_id: str, channel_id: str) -> str:
        """The room's name with a ``#``."""
        return "#" + self._room_name(channel_id)

    async def members_can_read(self, community_id: str, channel_id: str) -> bool | None:
        """True when anyone may join the room (public, or restricted to the space) or when
        someone in it (joined or invited) is not a moderator of the community."""
        room = self.client.rooms.get(channel_id) if self.client else None
        if room is None:
            return None
        if room.join_rule not in ("invite", "knock"):
            return True
        people = set(room.users) | set(room.invited_users)
        return any(
            not self._moderates(community_id, user) for user in people if user != self.user_id
        )

    async def can_read(self, community_id: str, channel_id: str, user_id: str) -> bool | None:
        room = self.client.rooms.get(channel_id) if self.client else None
        if room is None:
            return None
        if room.join_rule not in ("invite", "knock"):
            return True
        return user_id in room.users or user_id in room.invited_users

    async def moderators(self, community_id: str) -> list[str] | None:
        """Members of the community's space (or main room) with moderator power there."""
        room = self.client.rooms.get(community_id) if self.client else None
        if room is None:
            return None
        return sorted(
            user
            for user in room.users
            if user != self.user_id and self._moderates(community_id, user)
        )

    async def has_role(self, community_id: str, user_id: str, role: str) -> bool | None:
        """Matrix has no roles: `role` is a power level, held in the community's own space (or
        main room)."""
        if self.client is None or community_id not in self.client.rooms or not role.isdigit():
            return None
        return self._power(community_id, user_id) >= int(role)

    def _moderates(self, community_id: str, user_id: str) -> bool:
        """Moderator power in the community's own space (or main room), as ``_actor`` judges."""
        return self._is_moderator(community_id, user_id)


class _MatrixResolver:
    def __init__(self, platform: MatrixPlatform, community_id: str) -> None:
        self.platform = platform
        self.community_id = community_id

    async def resolve_channel(self, text: str) -> ChannelRef | None:
        client = self.platform.client
        if client is None:
            return None
        text = text.strip()
        rooms = self.platform._community_rooms(self.community_id)
        room_id: str | None = None
        if text.startswith("#") and ":" in text:
            response = await client.room_resolve_alias(text)
            if isinstance(response, RoomResolveAliasResponse):
                room_id = response.room_id
        elif text.startswith("!"):
            room_id = text
        else:
            wanted = text.lstrip("#").casefold()
            matches = [r for r in rooms if client.rooms[r].display_name.casefold() == wanted]
            room_id = matches[0] if len(matches) == 1 else None
        if room_id is None or room_id not in rooms:
            return None
        return ChannelRef(room_id, client.rooms[room_id].display_name)

    async def resolve_member(self, text: str) -> MemberRef | None:
        client = self.platform.client
        if client is None:
            return None
        text = text.strip()
        rooms = [client.rooms[r] for r in self.platform._community_rooms(self.community_id)]
        if text.startswith("@") and ":" in text:
            for room in rooms:
                if text in room.users:
                    name = room.user_name(text) or text
                    return MemberRef(text, name, is_bot=text == self.platform.user_id)
            return None
        wanted = text.lstrip("@").casefold()
        found = {
            uid: room.user_name(uid) or uid
            for room in rooms
            for uid in room.users
            if (room.user_name(uid) or "").casefold() == wanted
        }
        if len(found) != 1:
            return None
        uid, name = next(iter(found.items()))
        return MemberRef(uid, name, is_bot=uid == self.platform.user_id)

    async def resolve_role(self, text: str) -> RoleRef | None:
        return None  # Matrix has power levels, not roles
