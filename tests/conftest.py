"""Shared fixtures."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from storage.db import Database, is_postgres
from tests.harness import ConsoleCommunity
from tests.postgres_server import (
    BACKEND,
    PostgresServer,
    database_for,
    long_lived,
    shared_server,
    stop_shared_server,
)

pytest_plugins = ["tests.matrix_harness.fixtures"]


def postgres() -> PostgresServer:
    """The session's PostgreSQL server, started on first use."""
    return shared_server()


def pytest_sessionfinish(session, exitstatus) -> None:
    stop_shared_server()


def pytest_report_header(config) -> str:
    return f"peerbot storage backend: {BACKEND} (PEERBOT_TEST_BACKEND)"


@pytest.fixture
def pg() -> Iterator[PostgresServer]:
    """The PostgreSQL server (whatever the backend under test); databases made are dropped."""
    server = postgres()
    yield server
    server.drop_created()


class _Redirect:
    """With PEERBOT_TEST_BACKEND=postgresql every database opened by file path (or ":memory:")
    is a PostgreSQL database instead; the same path opens the same database again (a restart).
    Inside a test it is lent for that test (emptied afterwards); outside one (a module-wide
    bot) it is made for that path and kept for the session."""

    active = False  # inside a test's body
    opened: dict[str, str] = {}
    original = Database.open.__func__

    @classmethod
    async def open(cls, db_cls, target, **kwargs):
        target = str(target)
        if not is_postgres(target):
            if long_lived(target):
                target = long_lived(target)
            elif not cls.active:
                target = await asyncio.to_thread(database_for, target)
            elif target in cls.opened:
                target = cls.opened[target]
            else:
                url = await postgres().lend()
                if target != ":memory:":
                    cls.opened[target] = url
                target = url
        return await cls.original(db_cls, target, **kwargs)


def pytest_sessionstart(session) -> None:
    if BACKEND == "postgresql":
        Database.open = classmethod(_Redirect.open)  # for the whole session


@pytest.fixture(autouse=True)
def _database_backend(request) -> Iterator[None]:
    """Lend the test its PostgreSQL databases and take them back (see :class:`_Redirect`).
    Tests about SQLite files themselves are marked ``sqlite_only`` and run in the SQLite pass."""
    if BACKEND != "postgresql":
        yield
        return
    if request.node.get_closest_marker("sqlite_only"):
        pytest.skip("about SQLite files themselves: runs in the SQLite pass")
    _Redirect.active, _Redirect.opened = True, {}
    try:
        yield
    finally:
        _Redirect.active = False
        postgres().drop_created()


@pytest.fixture
async def community(tmp_path):
    """A running console community on a fresh on-disk database, as member alice."""
    c = await ConsoleCommunity.create(tmp_path)
    yield c
    await c.stop()


@pytest.fixture
async def alerts_team(community):
    """The community with alice moderating, alerts going to #alerts, and bob and carol as
    members (acting as alice): the crisis tests' starting point."""
    await community.say(
        ":role alice moderator",
        "/community channel purpose:alerts channel:#alerts",
        ":as bob",
        ":as carol",
        ":as alice",
    )
    return community


@pytest.fixture
async def community_with(tmp_path):
    """Start a console community that also loads features only this test has, through the
    normal loader, and/or answers services with stand-ins (tests/harness.py):
    ``c = await community_with(Garden, stand_ins={"partners.partner_name": fake})``."""
    started: list[ConsoleCommunity] = []

    async def start(*features, **kwargs) -> ConsoleCommunity:
        c = await ConsoleCommunity.create(tmp_path, features=features, **kwargs)
        started.append(c)
        return c

    yield start
    for c in started:
        await c.stop()
