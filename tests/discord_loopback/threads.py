"""Thread membership and deletion for the loopback REST API, and refusals tests ask for.

Membership is kept in ``srv.thread_members`` (thread id → user ids, in the order they were
added; the creator first). Discord would also send THREAD_MEMBERS_UPDATE; it is not sent here,
as peerbot does not read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .gateway import GUILDS
from .messages import ApiError, json_response
from .models import FakeChannel, iso_now

if TYPE_CHECKING:
    from .server import LoopbackDiscord


@dataclass(frozen=True)
class Refusal:
    """Requests matching ``method`` and the ``pattern`` regex get this error instead."""

    method: str
    pattern: re.Pattern[str]
    error: ApiError

    def matches(self, method: str, path: str) -> bool:
        """Whether a request is refused."""
        return method == self.method and self.pattern.fullmatch(path) is not None


class ThreadRoutes:
    """Handlers for ``channels/{thread}/thread-members/...``, ``DELETE channels/{id}`` and
    ``PATCH channels/{thread}`` (archive and lock)."""

    def __init__(self, srv: LoopbackDiscord) -> None:
        self.srv = srv

    def table(self) -> list[tuple[str, str, Any]]:
        """Routes in the ``RestApi`` table format."""
        members = r"channels/(?P<cid>\d+)/thread-members"
        return [
            ("PUT", rf"{members}/(?P<uid>@me|\d+)", self.add_member),
            ("GET", members, self.list_members),
            ("DELETE", r"channels/(?P<cid>\d+)", self.delete_channel),
            ("PATCH", r"channels/(?P<cid>\d+)", self.edit_thread),
        ]

    def created(self, thread: FakeChannel) -> None:
        """The bot made a thread: it is its first member."""
        self.srv.thread_members[thread.id] = [self.srv.bot_user.id]

    def _thread(self, cid: str) -> tuple[int, FakeChannel]:
        guild_id = self.srv._guild_of_channel(int(cid))
        channel = self.srv._channel(guild_id, int(cid)) if guild_id is not None else None
        if guild_id is None or channel is None:
            raise ApiError(404, 10003, "Unknown Channel")
        if not channel.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        return guild_id, channel

    async def add_member(self, cid: str, uid: str, **_: Any) -> web.Response:
        guild_id, thread = self._thread(cid)
        user_id = self.srv.bot_user.id if uid == "@me" else int(uid)
        if self.srv._guild(guild_id).member(user_id) is None:
            raise ApiError(404, 10007, "Unknown Member")
        members = self.srv.thread_members.setdefault(thread.id, [])
        if user_id not in members:
            members.append(user_id)
        return web.Response(status=204)

    async def list_members(self, cid: str, **_: Any) -> web.Response:
        _, thread = self._thread(cid)
        return json_response(
            [
                {"id": str(thread.id), "user_id": str(u), "join_timestamp": iso_now(), "flags": 0}
                for u in self.srv.thread_members.get(thread.id, [])
            ]
        )

    async def edit_thread(self, cid: str, body: Any = None, **_: Any) -> web.Response:
        """Archive/lock a thread (Discord refuses other changes to a locked, archived thread
        from a bot without Manage Threads; here every change is the bot's own)."""
        guild_id, thread = self._thread(cid)
        changes = body if isinstance(body, dict) else {}
        for name in ("archived", "locked"):
            if name in changes:
                if not isinstance(changes[name], bool):
                    raise ApiError(400, 50035, f"Invalid Form Body: {name} must be a boolean")
                setattr(thread, name, changes[name])
        if "name" in changes:
            thread.name = str(changes["name"])[:100]
        payload = thread.payload(guild_id)
        self.srv.gateway.dispatch("THREAD_UPDATE", payload, intent=GUILDS)
        return json_response(payload)

    async def delete_channel(self, cid: str, **_: Any) -> web.Response:
        guild_id, thread = self._thread(cid)
        payload = thread.payload(guild_id)
        self.srv._guild(guild_id).channels.remove(thread)
        self.srv.thread_members.pop(thread.id, None)
        self.srv.gateway.dispatch(
            "THREAD_DELETE",
            {k: payload[k] for k in ("id", "guild_id", "parent_id", "type")},
            intent=GUILDS,
        )
        return json_response(payload)
