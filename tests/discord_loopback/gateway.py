"""The gateway half of the loopback server: one bot session over a websocket.

Implements HELLO, heartbeat ACKs, IDENTIFY -> READY + GUILD_CREATE, RESUME (replaying the
dispatches the bot missed, then RESUMED), INVALID_SESSION, RECONNECT, REQUEST_GUILD_MEMBERS,
sequence numbers, intent filtering and per-connection zlib-stream compression.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE, RESUME, RECONNECT = 0, 1, 2, 3, 4, 6, 7
REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11

# Intent bits that gate the events the server sends.
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15

ReadyBuilder = Callable[[str, dict[str, Any]], list[tuple[str, dict[str, Any]]]]
MembersLookup = Callable[[dict[str, Any]], list[dict[str, Any]]]


@dataclass
class _Connection:
    """One websocket; a single writer task keeps frames (and the zlib stream) in order."""

    ws: web.WebSocketResponse
    compressor: Any = None
    live: bool = False
    queue: asyncio.Queue[dict[str, Any] | None] = field(default_factory=asyncio.Queue)

    def send(self, payload: dict[str, Any]) -> None:
        self.queue.put_nowait(payload)

    async def write_forever(self) -> None:
        while (payload := await self.queue.get()) is not None:
            text = json.dumps(payload)
            try:
                if self.compressor is not None:
                    data = self.compressor.compress(text.encode()) + self.compressor.flush(
                        zlib.Z_SYNC_FLUSH
                    )
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(text)
            except ConnectionError:
                return


@dataclass
class _Session:
    session_id: str
    intents: int
    seq: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)


class Gateway:
    """Serves the bot's gateway websocket and keeps the session that RESUME continues."""

    def __init__(
        self,
        *,
        token: str,
        build_ready: ReadyBuilder,
        members_for: MembersLookup,
        on_change: Callable[[], None] = lambda: None,
        heartbeat_interval_ms: int = 41_250,
    ) -> None:
        self.token = token
        self.build_ready = build_ready
        self.members_for = members_for
        self.on_change = on_change
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.refuse = False
        self.refused_count = 0
        self.identify_count = 0
        self.resume_count = 0
        self.identify_payloads: list[dict[str, Any]] = []
        self.connection_queries: list[dict[str, str]] = []
        self.session: _Session | None = None
        self.ready = asyncio.Event()
        self.resumed = asyncio.Event()
        self._current: _Connection | None = None

    @property
    def intents(self) -> int:
        """Intents of the current session (0 before IDENTIFY)."""
        return self.session.intents if self.session else 0

    @property
    def connected(self) -> bool:
        """Whether a bot connection is identified or resumed right now."""
        return self._current is not None and self._current.live

    def dispatch(self, event: str, data: dict[str, Any], *, intent: int | None = None) -> bool:
        """Send a dispatch now, or keep it for RESUME while the bot is away.

        Returns False when the session's intents exclude the event (nothing is sent, as on
        Discord) or when there is no session yet.
        """
        session = self.session
        if session is None or (intent is not None and not session.intents & intent):
            return False
        session.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.history.append(payload)
        if self._current is not None and self._current.live:
            self._current.send(payload)
        return True

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """aiohttp handler for ``GET /gateway``."""
        if self.refuse:
            self.refused_count += 1
            self.on_change()
            return web.Response(status=503, text="gateway unavailable")
        self.connection_queries.append(dict(request.query))
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        compressor = zlib.compressobj() if request.query.get("compress") == "zlib-stream" else None
        conn = _Connection(ws, compressor)
        self._current = conn
        writer = asyncio.create_task(conn.write_forever())
        conn.send({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await self._on_frame(conn, json.loads(msg.data))
        finally:
            conn.live = False
            conn.queue.put_nowait(None)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer, 1)
            if self._current is conn:
                self._current = None
        return ws

    async def _on_frame(self, conn: _Connection, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == HEARTBEAT:
            conn.send({"op": HEARTBEAT_ACK, "d": None})
        elif op == IDENTIFY:
            await self._identify(conn, data)
        elif op == RESUME:
            await self._resume(conn, data)
        elif op == REQUEST_MEMBERS:
            self._chunk(conn, data)
        elif op in (PRESENCE, VOICE):
            pass
        else:
            log.warning("loopback gateway: unexpected op %s", op)

    async def _identify(self, conn: _Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        self.identify_count += 1
        self.identify_payloads.append(data)
        self.session = _Session(uuid.uuid4().hex, int(data.get("intents", 0)))
        conn.live = True
        for event, payload in self.build_ready(self.session.session_id, data):
            self.dispatch(event, payload)
        self.ready.set()
        self.on_change()

    async def _resume(self, conn: _Connection, data: dict[str, Any]) -> None:
        session = self.session
        if (
            data.get("token") != self.token
            or session is None
            or data.get("session_id") != session.session_id
        ):
            conn.send({"op": INVALID_SESSION, "d": False})
            return
        self.resume_count += 1
        seq = data.get("seq") or 0
        conn.live = True
        for payload in session.history:
            if payload["s"] > seq:
                conn.send(payload)
        self.dispatch("RESUMED", {})
        self.resumed.set()
        self.on_change()

    def _chunk(self, conn: _Connection, data: dict[str, Any]) -> None:
        chunk = {
            "guild_id": str(data["guild_id"]),
            "members": self.members_for(data),
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    async def drop(self, code: int = 4000) -> None:
        """Close the bot's socket; later dispatches wait in the session for RESUME."""
        conn = self._current
        self.resumed.clear()
        if conn is None:
            return
        conn.live = False
        self._current = None
        await conn.ws.close(code=code, message=b"loopback drop")

    def invalidate(self) -> None:
        """Forget the session and tell the bot (op 9, not resumable): it must IDENTIFY again."""
        conn = self._current
        self.session = None
        self.ready.clear()
        if conn is not None:
            conn.live = False
            conn.send({"op": INVALID_SESSION, "d": False})

    def request_reconnect(self) -> None:
        """Send op 7 RECONNECT: the bot closes the socket and resumes."""
        self.resumed.clear()
        if self._current is not None:
            self._current.live = False
            self._current.send({"op": RECONNECT, "d": None})

    async def close(self) -> None:
        """Close the current socket with 1001 (going away) when the server stops."""
        conn, self._current = self._current, None
        if conn is not None:
            conn.live = False
            with contextlib.suppress(Exception):
                await conn.ws.close(code=1001, message=b"server stopping")
