"""Answering one invocation on Matrix: in its room, or privately in the member's direct room."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.i18n import _
from bot.message import Message

if TYPE_CHECKING:
    from bot.platforms.matrix.platform import MatrixPlatform

log = logging.getLogger(__name__)

PRIVATE_SENT = _("I've sent you a private message.")
PRIVATE_FAILED = _(
    "I tried to send you a private message but couldn't reach you. If you'd like private replies, "
    "please accept my invitation to a direct chat."
)


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

    async def withdraw_command(self, reason: str) -> bool | None:
        """Redact the typed command where the bot has the power to (None in a direct room)."""
        if self.in_direct_room:
            return None
        return await self.platform.redact(self.room_id, self.event_id, reason)

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
        tr = await self.platform._reader(self.community_id, self.user_id)
        notice = Message(tr.gettext(PRIVATE_SENT if delivered else PRIVATE_FAILED))
        await self.platform.send(self.room_id, notice, reply_to=self.event_id)
