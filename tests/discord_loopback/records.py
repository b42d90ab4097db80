"""What the loopback server remembers: every HTTP call and every interaction it delivered."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9
EPHEMERAL = 64


@dataclass
class RecordedCall:
    """One HTTP request the bot made, and the status it got back."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    time: float
    status: int = 0
    files: list[tuple[str, bytes]] = field(default_factory=list)


class _Waitable:
    """Lets a test await a condition on state that the server's handlers change."""

    def __init__(self) -> None:
        self._changed = asyncio.Event()

    def _touch(self) -> None:
        self._changed.set()

    async def wait_until(
        self, predicate: Callable[[], Any], timeout: float = 5.0, what: str = "a condition"
    ) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked whenever the server records something)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            self._changed.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                pass


@dataclass(eq=False)
class InteractionRecord(_Waitable):
    """An interaction the server dispatched and everything the bot answered to it.

    ``responses`` holds the accepted initial callback (there is at most one);
    ``rejected`` the refused callbacks as ``(status, error body)``; ``followups`` the
    webhook calls in order as ``{"kind", "body", "message"}`` where kind is one of
    ``followup``, ``edit_original``, ``edit``, ``delete_original``, ``delete``.
    """

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    user_id: int
    created: float = field(default_factory=time.monotonic)
    responses: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    followups: list[dict[str, Any]] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    original: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        _Waitable.__init__(self)

    @property
    def response(self) -> dict[str, Any] | None:
        """The accepted initial callback body (``{"type": 4, "data": {...}}``), if any."""
        return self.responses[0] if self.responses else None

    @property
    def ephemeral(self) -> bool:
        """Whether the initial response (or deferral) is visible only to the member."""
        data = (self.response or {}).get("data") or {}
        return bool(data.get("flags", 0) & EPHEMERAL)

    async def wait_response(self, timeout: float = 5.0) -> dict[str, Any]:
        """The first callback (type 4/5/6/7/9) the bot sent, waiting for it if needed."""
        return await self.wait_until(
            lambda: self.response, timeout, f"a response to interaction {self.id}"
        )

    async def wait_followup(self, count: int = 1, timeout: float = 5.0) -> dict[str, Any]:
        """The ``count``-th webhook call (follow-up or edit) on this interaction."""
        await self.wait_until(
            lambda: len(self.followups) >= count, timeout, f"{count} follow-up(s)"
        )
        return self.followups[count - 1]

    async def wait_reply(self, timeout: float = 5.0) -> dict[str, Any]:
        """The message the member finally sees: the reply, or the edit after a deferral.

        This is the stored message (content, flags, components, ``allowed_mentions``,
        ``pings``…). For a modal response it is the modal itself.
        """
        response = await self.wait_response(timeout)
        if response["type"] == MODAL:
            return response.get("data") or {}
        if response["type"] in (CHANNEL_MESSAGE, UPDATE_MESSAGE) and self.original is not None:
            return self.original
        followup = await self.wait_followup(1, timeout)
        return followup["message"]
