"""Syncing with the homeserver: the sync loop, room state, invites and key work (a part of
:class:`~bot.platforms.matrix.platform.MatrixPlatform`)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nio import (
    InviteInfo,
    JoinError,
    RoomCreateEvent,
    RoomMemberEvent,
    RoomSpaceChildEvent,
    RoomSpaceParentEvent,
    SyncResponse,
)

from bot.platforms.matrix.groups import group_community
from bot.platforms.matrix.link import CONNECTION_ERRORS, describe
from bot.platforms.matrix.rules import creators_privileged, invite_allowed

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
SYNC_FILTER = {"room": {"timeline": {"limit": 100}}}


@dataclass
class SyncBatch:
    """The events of one sync, handled in order; the token is stored once they are done."""

    next_batch: str
    items: list[tuple[str, Any]] = field(default_factory=list)


class MatrixSync:
    """The sync loop and what each sync changes; the events themselves go to the worker."""

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
        batch = SyncBatch(response.next_batch)
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
