"""Staying connected to a Matrix homeserver through outages.

matrix-nio would retry a failed request forever on its own, logging every attempt; peerbot turns
that off (``max_timeouts=0``) and handles outages here instead:

* the first failure of an outage is logged once (a warning); the return is logged once (info);
* the sync loop backs off 1, 2, 4 … up to 30 s between attempts, and wakes up at once when any
  other request finds the homeserver back;
* a request made during an outage (a reply, a scheduled post) waits for the homeserver to come
  back, up to a limit, and is then sent once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp

log = logging.getLogger(__name__)

RETRY_FIRST_S = 1.0
RETRY_MAX_S = 30.0
# What an unreachable, restarting or overloaded homeserver looks like to aiohttp.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (aiohttp.ClientError, TimeoutError, OSError)

T = TypeVar("T")


def describe(error: BaseException) -> str:
    """A short, single-line description of a failed request."""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class Link:
    """Whether the homeserver answers, with back-off for retries and one log line per outage."""

    def __init__(
        self, homeserver: str, *, first: float = RETRY_FIRST_S, cap: float = RETRY_MAX_S
    ) -> None:
        self.homeserver = homeserver
        self.first = first
        self.cap = cap
        self.outages = 0  # how many outages were seen since start
        self._delay = first
        self._online = asyncio.Event()
        self._since: float | None = None

    @property
    def online(self) -> bool:
        """False from the first failed request of an outage until a request succeeds again."""
        return self._online.is_set()

    def up(self) -> None:
        """A request succeeded: the homeserver is reachable."""
        if self._since is not None:
            log.info(
                "matrix: connected to %s again after %.0f s; carrying on from the last sync token",
                self.homeserver,
                time.monotonic() - self._since,
            )
        self._since = None
        self._delay = self.first
        self._online.set()

    def down(self, reason: str, *, exc_info: bool = False) -> None:
        """A request failed because the homeserver could not be reached (logged once per outage)."""
        self._online.clear()
        if self._since is not None:
            log.debug("matrix: still no connection to %s (%s)", self.homeserver, reason)
            return
        self._since = time.monotonic()
        self.outages += 1
        log.warning(
            "matrix: lost the connection to %s (%s); retrying with back-off (up to %.0f s)",
            self.homeserver,
            reason,
            self.cap,
            exc_info=exc_info,
        )

    def outage_age(self) -> float:
        """Seconds since the current outage began (0 while the homeserver is reachable)."""
        return 0.0 if self._since is None else time.monotonic() - self._since

    def next_delay(self) -> float:
        """How long the sync loop waits before its next attempt (doubles up to the cap)."""
        delay = self._delay
        self._delay = min(delay * 2, self.cap)
        return delay

    async def wait_online(self, timeout: float) -> bool:
        """Wait until the homeserver is reachable again; False after `timeout` seconds."""
        if timeout <= 0:
            return self.online
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._online.wait(), timeout)
        return self.online

    async def pause(self) -> None:
        """The sync loop's back-off: sleep, or stop sleeping as soon as the server is back."""
        await self.wait_online(self.next_delay())

    async def call(self, request: Callable[[], Awaitable[T]], *, patience: float) -> T | None:
        """Run `request`; across an outage, wait and try again until the outage is `patience`
        seconds old.

        Measuring from the start of the outage (not of the call) keeps a long outage from
        holding every later message for another full `patience`. `request` must be safe to
        repeat (a message send with a fixed transaction id is: the homeserver keeps one event per
        id). Returns None when the homeserver did not come back in time.
        """
        delay = self.first
        if not self.online and not await self.wait_online(patience - self.outage_age()):
            return None
        while True:
            try:
                result = await request()
            except CONNECTION_ERRORS as error:
                self.down(describe(error))
                left = patience - self.outage_age()
                if left <= 0:
                    return None
                # Woken early when the sync loop finds the server back; else try again ourselves.
                await self.wait_online(min(delay, left))
                delay = min(delay * 2, self.cap)
                continue
            self.up()
            return result
