"""The gateway connection as the person running peerbot sees it.

discord.py reconnects by itself (resuming the session, with exponential backoff). This module
adds what an operator needs around that: a one-line log per retry instead of a traceback, how
long the connection was away, a bounded wait for it to come back before a post is retried, and
clear words for the failures that end the connection for good (a revoked token, missing
intents).
"""

from __future__ import annotations

import asyncio
import logging
import time

import discord

log = logging.getLogger("bot.platforms.discord")

# Close codes after which discord.py gives up (it reconnects after every other one).
BAD_TOKEN, BAD_INTENTS, DISALLOWED_INTENTS = 4004, 4013, 4014

TOKEN_PROBLEM = (
    "Discord refused the bot token. Check the token in the environment variable named by "
    "discord.token_env (Developer Portal → your application → Bot → Reset Token)."
)
INTENTS_PROBLEM = (
    "Discord refused the privileged intents. In the Developer Portal → your application → "
    "Bot, turn on Server Members Intent and Message Content Intent (or set "
    "discord.message_content = false)."
)


def connection_problem(error: BaseException) -> str:
    """Why the connection cannot go on, in words for the person running the bot."""
    if isinstance(error, discord.LoginFailure):
        return TOKEN_PROBLEM
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return INTENTS_PROBLEM
    if isinstance(error, discord.ConnectionClosed):
        if error.code == BAD_TOKEN:
            return TOKEN_PROBLEM
        if error.code in (BAD_INTENTS, DISALLOWED_INTENTS):
            return INTENTS_PROBLEM
        return (
            f"Discord closed the connection with code {error.code} ({error.reason or 'no reason'})"
        )
    return f"could not connect to Discord: {error}"


def start_problem(error: BaseException | None, timeout: float) -> str:
    """Why start() failed: a refused connection, or no READY within `timeout` seconds."""
    if error is not None:
        return connection_problem(error)
    return f"could not connect to Discord within {timeout:.0f} seconds (is the network reachable?)"


class ReconnectLogFilter(logging.Filter):
    """Turns discord.py's traceback per reconnect attempt into one warning line.

    During an outage discord.py logs "Attempting a reconnect in N s" with the full traceback at
    every try; the cause fits on one line and the traceback tells an operator nothing more.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("Attempting a reconnect"):
            error = record.exc_info[1] if record.exc_info else None
            cause = f"{type(error).__name__}: {error}" if error is not None else "unknown cause"
            record.msg = "discord: connection lost (%s); reconnecting in %.1f s"
            record.args = (cause, *(record.args or (0.0,)))  # type: ignore[misc]
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


_FILTER = ReconnectLogFilter()


def install_log_filter() -> None:
    """Install the reconnect filter once on discord.py's client logger."""
    logger = logging.getLogger("discord.client")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


class ConnectionWatch:
    """Whether the gateway is connected, and since when it is away."""

    def __init__(self) -> None:
        self._up = asyncio.Event()
        self.lost_at: float | None = None  # monotonic instant of the loss, None while up
        self.outages = 0

    @property
    def connected(self) -> bool:
        """True between READY/RESUMED and the next disconnect."""
        return self._up.is_set()

    def up(self) -> None:
        """READY or RESUMED arrived."""
        if self.lost_at is not None:
            log.warning("discord: connected again after %.1f s", time.monotonic() - self.lost_at)
        self.lost_at = None
        self._up.set()

    def down(self) -> None:
        """The socket closed (discord.py is reconnecting)."""
        if self.lost_at is None:
            self.lost_at = time.monotonic()
            self.outages += 1
            log.warning("discord: disconnected from the gateway; reconnecting")
        self._up.clear()

    async def wait(self, limit: float) -> bool:
        """Wait until connected, at most until `limit` seconds after the loss. True if up.

        The limit counts from the loss, not from this call, so that once an outage is long,
        every later post fails at once instead of each one waiting again.
        """
        if self._up.is_set():
            return True
        lost = self.lost_at if self.lost_at is not None else time.monotonic()
        remaining = lost + limit - time.monotonic()
        if remaining <= 0:
            return False
        try:
            await asyncio.wait_for(self._up.wait(), remaining)
        except TimeoutError:
            return False
        return True
