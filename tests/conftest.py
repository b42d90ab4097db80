"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storage.db import Database, is_postgres
from tests.harness import ConsoleCommunity
from tests.postgres_server import BACKEND, PostgresServer

pytest_plugins = ["tests.matrix_harness.fixtures"]

_server: PostgresServer | None = None


def postgres() -> PostgresServer:
    """The session's PostgreSQL server, started on first use."""
    global _server
    if _server is None:
        server = PostgresServer()
        server.start()
        _server = server
    return _server


def pytest_sessionfinish(session, exitstatus) -> None:
    if _server is not None:
        _server.stop()


def pytest_report_header(config) -> str:
    return f"peerbot storage backend: {BACKEND} (PEERBOT_TEST_BACKEND)"


@pytest.fixture
def pg() -> Iterator[PostgresServer]:
    """The PostgreSQL server (whatever the backend under test); databases made are dropped."""
    server = postgres()
    yield server
    server.drop_created()


@pytest.fixture(autouse=True)
def _database_backend(request, monkeypatch) -> Iterator[None]:
    """With PEERBOT_TEST_BACKEND=postgresql, every database a test opens by file path (or
    ":memory:") is a fresh PostgreSQL database instead; the same path opens the same database
    again (a restart). Tests about SQLite files themselves are marked ``sqlite_only``."""
    if BACKEND != "postgresql":
        yield
        return
    if request.node.get_closest_marker("sqlite_only"):
        pytest.skip("about SQLite files themselves: runs in the SQLite pass")
    server = postgres()
    opened: dict[str, str] = {}
    original = Database.open.__func__

    async def open_on_postgres(cls, target, **kwargs):
        target = str(target)
        if not is_postgres(target):
            if target == ":memory:" or target not in opened:
                url = await server.lend()
                if target != ":memory:":
                    opened[target] = url
            else:
                url = opened[target]
            target = url
        return await original(cls, target, **kwargs)

    monkeypatch.setattr(Database, "open", classmethod(open_on_postgres))
    yield
    server.drop_created()


@pytest.fixture
async def community(tmp_path):
    """A running console community on a fresh on-disk database, as member alice."""
    c = await ConsoleCommunity.create(tmp_path)
    yield c
    await c.stop()
