"""Handling the events of each sync in order: commands, edits, reactions, joins and unreadable
events (a part of :class:`~bot.platforms.matrix.platform.MatrixPlatform`)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from nio import (
    MegolmEvent,
    ReactionEvent,
    RedactionEvent,
    RoomGetEventResponse,
    RoomMemberEvent,
    RoomMessageText,
)
from nio.exceptions import EncryptionError

from bot.i18n import _
from bot.message import Button, Message
from bot.parser import strip_prefix
from bot.platforms.base import Invocation, MemberJoinEvent, MessageDeletedEvent, MessageEvent
from bot.platforms.matrix.render import buttons_from_content, keycap_digit
from bot.platforms.matrix.responder import MatrixResponder
from bot.platforms.matrix.rules import strip_reply_fallback
from bot.platforms.matrix.text import Replacement, chat_text, replacement
from bot.spec import ChannelRef

log = logging.getLogger(__name__)

HANDLED_KEPT = timedelta(days=7)  # claims older than this are behind any stored sync token
PRUNE_EVERY_S = 3600.0
DECRYPT_GRACE_S = 8.0  # how long an unreadable event waits (parked) before the room is told
UNDECRYPTABLE_NOTICE_EVERY_S = 600.0

# English: with no community, no language is known yet.
NO_COMMUNITY = (
    "I'm not sure which community you mean yet. Please use a command once in your community's "
    "room; after that you can talk to me here."
)
UNDECRYPTABLE = _(
    "I couldn't read a message {name} sent here yet: it was encrypted with a key my device hasn't "
    "received. I'll answer it if the key arrives; if it was a command, you can also send it again."
)


class MatrixEvents:
    """The worker: each received event becomes an invocation, a chat message or a join."""

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
                await self._prune_handled()
                await self._tell_unreadable()
            except Exception:
                log.exception("matrix: could not store the sync token")
            finally:
                self._queue.task_done()

    async def _prune_handled(self) -> None:
        if time.monotonic() - self._pruned_at < PRUNE_EVERY_S:
            return
        assert self.bot is not None and self._handled is not None
        self._pruned_at = time.monotonic()
        await self._handled.prune(self.bot.clock.now() - HANDLED_KEPT)

    async def _handle(self, room_id: str, event: Any) -> None:
        if isinstance(event, MegolmEvent):
            event = await self._decrypt_later(room_id, event)
            if event is None:
                return
        # Claimed in the database before acting: an event the stored sync token does not yet
        # cover (a crash, a takeover by another process) is never answered twice.
        assert self.bot is not None and self._handled is not None
        if not await self._handled.claim(event.event_id, self.bot.clock.now()):
            log.info("matrix: %s was already handled; not answered again", event.event_id)
            return
        if isinstance(event, RoomMessageText):
            await self._on_text(room_id, event)
        elif isinstance(event, ReactionEvent):
            await self._on_reaction(room_id, event)
        elif isinstance(event, RedactionEvent):
            await self._on_redaction(room_id, event)
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
        ``parking``) and the key asked for once: never waited on here."""
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
                community = await self._community_for(room_id, event.sender)
                # the room's readers: the member in their direct room, else the community
                if community is not None and self.is_direct_room(room_id, event.sender):
                    tr = await self._reader(community.id, event.sender)
                else:
                    tr = await self._reader(community.id if community else None)
                await self.send(room_id, Message(tr.gettext(UNDECRYPTABLE), {"name": name}))

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

    async def _on_redaction(self, room_id: str, event: RedactionEvent) -> None:
        """A message redacted in a community's room (a moderator removing the bot's post too)."""
        assert self.bot is not None
        community = await self._community_for(room_id, event.sender)
        if community is None or not event.redacts:
            return
        await self.bot.emit_message_deleted(
            MessageDeletedEvent(community, ChannelRef(room_id, ""), event.redacts)
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
            spec = self.bot.find_command(tuple(button.command.split()))
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
