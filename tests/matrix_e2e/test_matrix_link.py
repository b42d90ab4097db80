"""Outage handling of the Matrix adapter without a homeserver: back-off, one log line per
outage, requests that wait for the homeserver to come back."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest

from bot.app import build_bot
from bot.config import Config, MatrixSection
from bot.platforms.base import PlatformStartError
from bot.platforms.matrix import MatrixPlatform
from bot.platforms.matrix.link import Link, describe

SERVER = "http://127.0.0.1:1"


def fast_link() -> Link:
    return Link(SERVER, first=0.001, cap=0.004)


def test_the_back_off_doubles_up_to_30_seconds_and_starts_over_after_a_success():
    link = Link(SERVER)
    assert [link.next_delay() for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    link.up()
    assert link.next_delay() == 1


def test_an_outage_is_logged_once_and_so_is_the_return(caplog):
    caplog.set_level(logging.INFO, logger="bot.platforms.matrix.link")
    link = Link(SERVER)
    link.up()
    for _ in range(5):
        link.down("ClientConnectorError: Cannot connect")
    assert not link.online
    link.up()
    link.up()
    link.down("ServerDisconnectedError")

    lines = [(r.levelname, r.getMessage()) for r in caplog.records]
    lost = [m for level, m in lines if level == "WARNING" and "lost the connection" in m]
    back = [m for level, m in lines if level == "INFO" and "again after" in m]
    assert len(lost) == 2 and len(back) == 1
    assert SERVER in lost[0] and "Cannot connect" in lost[0] and "30 s" in lost[0]
    assert link.outages == 2


async def test_a_request_during_an_outage_is_tried_again_until_it_goes_through():
    link = fast_link()
    link.up()
    calls = []

    async def send():
        calls.append(1)
        if len(calls) < 3:
            raise aiohttp.ServerDisconnectedError()
        return "$event"

    assert await link.call(send, patience=60) == "$event"
    assert len(calls) == 3
    assert link.online


async def test_a_request_waits_for_the_sync_loop_to_find_the_server_back():
    link = Link(SERVER)  # a 1 s first retry: the wake-up from up() must come first
    link.down("ClientConnectorError")
    calls = []

    async def send():
        calls.append(1)
        return "$event"

    waiting = asyncio.create_task(link.call(send, patience=60))
    await asyncio.sleep(0)
    assert not calls, "nothing is sent while the homeserver is unreachable"
    link.up()
    assert await waiting == "$event"
    assert len(calls) == 1


async def test_a_request_gives_up_when_the_server_stays_away():
    link = fast_link()
    link.down("ClientConnectorError")

    async def send():
        raise AssertionError("must not be sent")

    assert await link.call(send, patience=0.01) is None


async def test_a_request_that_keeps_failing_gives_up_after_its_patience():
    link = fast_link()
    link.up()

    async def send():
        raise aiohttp.ClientConnectionError("refused")

    assert await link.call(send, patience=0.02) is None
    assert not link.online


async def test_other_errors_are_not_mistaken_for_an_outage():
    link = fast_link()
    link.up()

    async def send():
        raise ValueError("a bug")

    with pytest.raises(ValueError):
        await link.call(send, patience=60)
    assert link.online


def test_errors_are_described_on_one_line():
    assert describe(aiohttp.ServerDisconnectedError()).startswith("ServerDisconnectedError")
    assert describe(TimeoutError()) == "TimeoutError"
    assert describe(OSError("no\nroute")) == "OSError: no route"


async def test_a_long_outage_does_not_hold_every_later_message_for_the_full_patience():
    link = Link(SERVER)
    link.down("ClientConnectorError")
    link._since -= 120  # the outage began two minutes ago

    async def send():
        raise AssertionError("must not be sent")

    assert await link.call(send, patience=60) is None


async def test_starting_without_a_reachable_homeserver_says_so(tmp_path):
    bot = await build_bot(Config(), database=str(tmp_path / "bot.db"))
    section = MatrixSection(
        homeserver=SERVER,  # nothing listens on port 1
        user_id="@peerbot:localhost",
        password="secret",
        store_path=str(tmp_path / "store"),
    )
    platform = MatrixPlatform(section)
    bot.add_platform(platform)
    try:
        with pytest.raises(PlatformStartError, match="cannot reach http://127.0.0.1:1"):
            await platform.start()
    finally:
        await bot.db.close()
