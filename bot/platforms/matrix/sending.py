"""Sending on Matrix: posts, private messages, direct rooms and private group rooms (a part of
:class:`~bot.platforms.matrix.platform.MatrixPlatform`)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from typing import Any

from nio import RoomCreateError, RoomLeaveError, RoomPreset, RoomRedactResponse, RoomSendResponse

from bot.i18n import _
from bot.message import Message
from bot.platforms.matrix.groups import group_room_options, invitees
from bot.platforms.matrix.render import notice_contents, render_plain

log = logging.getLogger(__name__)
NOT_OPENED = _("The private space could not open")

MEGOLM = "m.megolm.v1.aes-sha2"
WAIT_FOR_ROOM_S = 15.0  # how long a new direct room may take to appear in a sync


class MatrixSending:
    """Sending messages and opening the rooms they go to."""

    async def redact(self, room_id: str, event_id: str, reason: str) -> bool:
        """Redact someone's event when the bot's power level allows it; False otherwise."""
        client = self.client
        room = client.rooms.get(room_id) if client is not None else None
        if client is None or room is None or not room.power_levels.can_user_redact(client.user_id):
            return False
        response = await client.room_redact(room_id, event_id, reason=reason)
        if not isinstance(response, RoomRedactResponse):
            log.warning("redacting %s in %s failed: %s", event_id, room_id, response)
            return False
        return True

    async def take_down(
        self, community_id: str, channel_id: str, message_id: str, notice: Message
    ) -> bool:
        """Redact one of the bot's own events (anyone may redact their own; no power level
        needed); ``notice`` is the redaction's reason, which clients show in its place."""
        client = self.client
        if client is None or channel_id not in client.rooms or not message_id.startswith("$"):
            return False
        reason = render_plain(notice, self.command_prefix)
        response = await self.link.call(
            lambda: client.room_redact(channel_id, message_id, reason=reason),
            patience=self._patience(),
        )
        if not isinstance(response, RoomRedactResponse):
            log.warning("matrix: taking %s in %s down failed: %s", message_id, channel_id, response)
            return False
        return True

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
        self,
        community_id: str,
        user_ids: list[str],
        title: str,
        message: Message,
        *,
        purpose: str | None = None,
    ) -> str | None:
        """Open a new encrypted room for these members (named `title`, not direct, each invited)
        and post `message` there as a notice; the room id, or None (logged) when any step fails.
        Matrix rooms stand alone, so `purpose` does not apply.

        Nothing about the room goes into the database: it carries its community in its own state
        (see ``groups``). The bot stays in the room, so commands typed there work."""
        members = invitees(user_ids, self.user_id)
        if self.client is None or not members:
            log.warning("matrix: no one to open a private group for")
            return None
        try:
            room_id = await self._create_group(community_id, members, title)
            if room_id is None:
                return None
            if await self.send(room_id, message) is None:
                log.warning("matrix: the welcome could not be posted in private group %s", room_id)
                await self._abandon_group(community_id, room_id, members)
                return None
        except Exception:
            log.exception("matrix: opening a private group failed")
            return None
        log.info("matrix: opened private group %s for %d members", room_id, len(members))
        return room_id

    async def close_private_group(
        self, community_id: str, handle: str, message: Message | None = None
    ) -> bool:
        """Post `message` in a private group room as a notice, then leave it: the members keep
        the room and what was said; the bot no longer reads or answers there."""
        client = self.client
        if client is None or self._groups.get(handle, community_id) != community_id:
            return False
        if handle not in client.rooms:
            return False
        if message is not None and await self.send(handle, message) is None:
            log.warning("matrix: the closing notice could not be posted in %s", handle)
        response = await self.link.call(
            lambda: client.room_leave(handle), patience=self._patience()
        )
        if response is None or isinstance(response, RoomLeaveError):
            log.warning("matrix: could not leave private group %s: %s", handle, response)
            return False
        self._groups.pop(handle, None)
        log.info("matrix: left private group %s", handle)
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
            await self._abandon_group(community_id, room_id, members)
            return None
        return room_id

    async def _abandon_group(self, community_id: str, room_id: str, members: list[str]) -> None:
        """Withdraw the invites and leave a group that could not be opened (best effort: the
        members are written to privately instead, and should not find an empty room)."""
        client = self.client
        assert client is not None
        tr = await self._reader(community_id)  # the reason shows with the withdrawn invite
        try:
            for user_id in members:
                await client.room_kick(room_id, user_id, reason=tr.gettext(NOT_OPENED))
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
