"""Meetings as pinned messages on Matrix (a part of
:class:`~bot.platforms.matrix.platform.MatrixPlatform`): each listed event is one notice in its
room (the meeting's own room, else the room where meeting posts go), pinned with
``m.room.pinned_events``, replaced (``m.replace``) when the listing changes, and unpinned,
with its text saying why, when the event is withdrawn. Pinning needs the power to send that
state event (50 by default); without it the notice is still posted and kept up to date.

A listing's id is ``<room id>|<event id>``."""

from __future__ import annotations

import logging
from typing import Any

from nio import RoomGetStateEventResponse, RoomPutStateResponse, RoomSendResponse

from bot.i18n import _
from bot.message import Message
from bot.platforms.listing import Listing
from bot.platforms.matrix.render import notice_contents

log = logging.getLogger(__name__)

PINNED = "m.room.pinned_events"
WITHDRAWN = _("No longer planned: {reason}")


def _split(listing_id: str | None) -> tuple[str | None, str | None]:
    if not listing_id or "|" not in listing_id:
        return None, None
    room_id, event_id = listing_id.split("|", 1)
    return room_id, event_id


class MatrixListings:
    """``list_event`` / ``unlist_event`` as a pinned, edited notice."""

    client: Any

    async def list_event(
        self, community_id: str, listing: Listing, existing_id: str | None
    ) -> str | None:
        room_id = self._listing_room(listing)
        if room_id is None:
            return None
        message = Message("{summary}", {"summary": listing.summary})
        old_room, old_event = _split(existing_id)
        if old_room == room_id and old_event is not None:
            if await self._replace(room_id, old_event, message):
                await self._set_pinned(room_id, old_event, pinned=True)
                return existing_id
        if old_room is not None and old_event is not None:
            await self._set_pinned(old_room, old_event, pinned=False)
        event_id = await self.send(room_id, message)
        if event_id is None:
            return None
        await self._set_pinned(room_id, event_id, pinned=True)
        return f"{room_id}|{event_id}"

    async def unlist_event(self, community_id: str, existing_id: str, reason: str) -> bool:
        room_id, event_id = _split(existing_id)
        if room_id is None or event_id is None:
            return True
        tr = await self._reader(community_id)
        await self._replace(room_id, event_id, Message(tr.gettext(WITHDRAWN), {"reason": reason}))
        return await self._set_pinned(room_id, event_id, pinned=False)

    def _listing_room(self, listing: Listing) -> str | None:
        rooms = self.client.rooms if self.client is not None else {}
        for room_id in (listing.channel_id, listing.pin_channel_id):
            if room_id and room_id in rooms:
                return room_id
        return None

    async def _replace(self, room_id: str, event_id: str, message: Message) -> bool:
        """Edit the listing's notice (clients show the new text in place)."""
        if self.client is None or room_id not in self.client.rooms:
            return False
        new = notice_contents(message, self.command_prefix)[0]
        content = {
            **new,
            "body": "* " + new["body"],
            "m.new_content": new,
            "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
        }
        content.pop("formatted_body", None)
        content.pop("format", None)
        response = await self.link.call(
            self._room_send_once(room_id, content), patience=self._patience()
        )
        if not isinstance(response, RoomSendResponse):
            log.warning("matrix: the listing in %s could not be updated: %s", room_id, response)
            return False
        return True

    async def _set_pinned(self, room_id: str, event_id: str, *, pinned: bool) -> bool:
        """Add the event to (or take it off) the room's pinned events; False when refused."""
        client = self.client
        if client is None:
            return False
        current = await self.link.call(
            lambda: client.room_get_state_event(room_id, PINNED), patience=self._patience()
        )
        found = (
            current.content.get("pinned") if isinstance(current, RoomGetStateEventResponse) else []
        )
        events = [e for e in found or [] if isinstance(e, str) and e != event_id]
        if pinned:
            events.insert(0, event_id)
        if events == (found or []):
            return True
        response = await self.link.call(
            lambda: client.room_put_state(room_id, PINNED, {"pinned": events}),
            patience=self._patience(),
        )
        if not isinstance(response, RoomPutStateResponse):
            log.warning(
                "matrix: the listing in %s could not be (un)pinned (the bot needs the power to "
                "pin messages there): %s",
                room_id,
                response,
            )
            return False
        return True
