"""What the operator and members notice around a lost connection, without a server."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import discord
import pytest

from bot.config import DiscordSection
from bot.platforms.discord import DiscordPlatform
from bot.platforms.discord.connection import (
    ConnectionWatch,
    ReconnectLogFilter,
    connection_problem,
)

pytestmark = pytest.mark.discord


def platform() -> DiscordPlatform:
    return DiscordPlatform(DiscordSection(token_env="T"))


async def test_a_post_that_fails_while_offline_is_sent_once_the_connection_is_back():
    adapter = platform()
    adapter.watch.down()
    calls: list[str] = []

    async def send() -> str:
        calls.append("try")
        if len(calls) == 1:
            raise aiohttp.ClientConnectionError("connection refused")
        return "sent"

    sending = asyncio.create_task(adapter._outlasting(send))
    await asyncio.sleep(0.05)
    assert not sending.done() and calls == ["try"]  # waiting for the connection
    adapter.watch.up()
    assert await sending == "sent" and calls == ["try", "try"]


async def test_a_long_outage_gives_the_post_up_instead_of_waiting_forever():
    adapter = platform()
    adapter.outage_wait = 0.2
    adapter.watch.down()

    async def send() -> str:
        raise aiohttp.ClientConnectionError("connection refused")

    with pytest.raises(aiohttp.ClientConnectionError):
        await adapter._outlasting(send)
    # later posts in the same outage fail at once
    assert not await adapter.watch.wait(adapter.outage_wait)


async def test_a_refused_request_is_not_retried():
    adapter = platform()
    adapter.watch.up()
    calls = []

    async def send() -> None:
        calls.append(1)
        raise discord.Forbidden(_response(403), {"code": 50013, "message": "Missing Access"})

    with pytest.raises(discord.Forbidden):
        await adapter._outlasting(send)
    assert calls == [1]


def test_an_outage_is_counted_once_however_many_disconnects():
    watch = ConnectionWatch()
    watch.up()
    watch.down()
    watch.down()
    assert not watch.connected and watch.outages == 1
    watch.up()
    assert watch.connected and watch.lost_at is None


def test_reconnect_tracebacks_become_one_warning_line():
    try:
        raise aiohttp.ClientConnectionError("gateway unavailable")
    except aiohttp.ClientConnectionError:
        record = logging.LogRecord(
            "discord.client", logging.ERROR, __file__, 1, "Attempting a reconnect in %.2fs",
            (3.25,), exc_info=__import__("sys").exc_info(),
        )  # fmt: skip
    assert ReconnectLogFilter().filter(record)
    assert record.levelname == "WARNING" and record.exc_info is None
    assert record.getMessage() == (
        "discord: connection lost (ClientConnectionError: gateway unavailable); "
        "reconnecting in 3.2 s"
    )


@pytest.mark.parametrize(
    ("code", "words"),
    [(4004, "refused the bot token"), (4014, "privileged intents"), (4011, "code 4011")],
)
def test_close_codes_that_end_the_connection_are_explained(code, words):
    error = discord.ConnectionClosed(_Socket(code), shard_id=None, code=code)
    assert words in connection_problem(error)


class _Socket:
    def __init__(self, code: int) -> None:
        self.close_code = code


def _response(status: int):
    class Response:
        reason = "Forbidden"

    response = Response()
    response.status = status  # type: ignore[attr-defined]
    return response
