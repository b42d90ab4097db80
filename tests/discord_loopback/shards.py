"""Gateway sharding for the loopback server: one session per shard, as Discord does.

Every shard connects to the same ``/gateway`` URL; its IDENTIFY names ``shard: [id, count]`` and
from then on the socket belongs to that shard's :class:`Gateway` (its READY lists only the
guilds on that shard). A dispatch goes to the shard of its guild, ``(guild_id >> 22) % count``;
events of no guild (DMs) go to shard 0, as on Discord.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import zlib
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from .gateway import HEARTBEAT, HEARTBEAT_ACK, HELLO, IDENTIFY, RESUME, Gateway, _Connection


def shard_of(guild_id: int | str, count: int) -> int:
    """Discord's rule for the shard that carries a guild's events."""
    return (int(guild_id) >> 22) % count


def _guild_of(event: str, data: dict[str, Any]) -> str | None:
    if event == "GUILD_CREATE":
        return data.get("id")
    return data.get("guild_id")


class ShardedGateway:
    """``count`` gateway sessions behind one URL; the loopback server talks to it as to one."""

    def __init__(self, count: int, make: Callable[[int], Gateway]) -> None:
        self.count = count
        self.shards = [make(i) for i in range(count)]
        self.identifies: list[tuple[int, float]] = []  # (shard, time.monotonic()) per IDENTIFY
        self.ready = _AllSet([g.ready for g in self.shards])

    # --- what the server asks of "the gateway" -------------------------------------------

    def dispatch(self, event: str, data: dict[str, Any], *, intent: int | None = None) -> bool:
        guild = _guild_of(event, data)
        shard = shard_of(guild, self.count) if guild else 0
        return self.shards[shard].dispatch(event, data, intent=intent)

    @property
    def intents(self) -> int:
        return next((g.intents for g in self.shards if g.session), 0)

    @property
    def identify_count(self) -> int:
        return sum(g.identify_count for g in self.shards)

    @property
    def refuse(self) -> bool:
        return self.shards[0].refuse

    @refuse.setter
    def refuse(self, value: bool) -> None:
        for g in self.shards:
            g.refuse = value

    @property
    def resumed(self) -> asyncio.Event:
        return self.shards[0].resumed

    async def close(self) -> None:
        for g in self.shards:
            await g.close()

    async def drop(self, code: int = 4000) -> None:
        for g in self.shards:
            await g.drop(code)

    def invalidate(self) -> None:
        for g in self.shards:
            g.invalidate()

    # --- the websocket -------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """One shard's socket: HELLO, then every frame goes to the shard its IDENTIFY or
        RESUME names."""
        if self.refuse:
            return web.Response(status=503, text="gateway unavailable")
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        compressor = zlib.compressobj() if request.query.get("compress") == "zlib-stream" else None
        conn = _Connection(ws, compressor)
        writer = asyncio.create_task(conn.write_forever())
        conn.send({"op": HELLO, "d": {"heartbeat_interval": 41_250}})
        owner: Gateway | None = None
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                op, data = frame.get("op"), frame.get("d") or {}
                if op == IDENTIFY:
                    shard_id = int((data.get("shard") or [0, 1])[0])
                    owner = self.shards[shard_id]
                    self.identifies.append((shard_id, time.monotonic()))
                    owner._current = conn
                elif op == RESUME:
                    owner = next(
                        (g for g in self.shards if g.session and
                         g.session.session_id == data.get("session_id")),
                        self.shards[0],
                    )  # fmt: skip
                    owner._current = conn
                if owner is None:
                    if op == HEARTBEAT:
                        conn.send({"op": HEARTBEAT_ACK, "d": None})
                    continue
                await owner._on_frame(conn, frame)
        finally:
            conn.live = False
            conn.queue.put_nowait(None)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer, 1)
            if owner is not None and owner._current is conn:
                owner._current = None
        return ws


class _AllSet:
    """``wait()`` until every one of several events is set (the loopback's ``ready``)."""

    def __init__(self, events: list[asyncio.Event]) -> None:
        self._events = events

    def is_set(self) -> bool:
        return all(e.is_set() for e in self._events)

    async def wait(self) -> bool:
        for e in self._events:
            await e.wait()
        return True

    def clear(self) -> None:
        for e in self._events:
            e.clear()
