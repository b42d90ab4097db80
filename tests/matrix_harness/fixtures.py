"""pytest fixtures: one real Synapse per test session, and fresh users on it.

Set ``PEERBOT_SKIP_MATRIX=1`` to skip the Matrix tests on purpose. Without it a
missing Synapse fails the tests: CI must never skip them silently.
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from .synapse import SynapseServer

SKIP_ENV = "PEERBOT_SKIP_MATRIX"


@dataclass(frozen=True)
class MatrixUser:
    """A user registered on the test homeserver."""

    user_id: str
    username: str
    password: str


def require_synapse() -> None:
    """Skip the calling test if ``PEERBOT_SKIP_MATRIX=1``; fail it if Synapse is not installed."""
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"Matrix tests skipped because {SKIP_ENV}=1")
    if not SynapseServer.available():
        pytest.fail(
            "Synapse is not installed for the Matrix tests: run scripts/install-synapse.sh "
            f"(or set {SKIP_ENV}=1 to skip these tests on purpose)",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SynapseServer]:
    """A running Synapse shared by the whole test session, stopped at its end."""
    require_synapse()
    server = SynapseServer(tmp_path_factory.mktemp("synapse"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


_user_numbers = itertools.count(1)


@pytest.fixture
def matrix_user(synapse: SynapseServer) -> Callable[..., MatrixUser]:
    """Register a new user with a session-unique name: ``matrix_user("alice")``."""

    def register(name: str = "member", *, admin: bool = False) -> MatrixUser:
        username = f"{name}{next(_user_numbers)}"
        password = secrets.token_urlsafe(12)
        user_id = synapse.register(username, password, admin=admin)
        return MatrixUser(user_id, username, password)

    return register
