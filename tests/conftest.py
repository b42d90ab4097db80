"""Shared fixtures."""

from __future__ import annotations

import pytest

from tests.harness import ConsoleCommunity

pytest_plugins = ["tests.matrix_harness.fixtures"]


@pytest.fixture
async def community(tmp_path):
    """A running console community on a fresh on-disk database, as member alice."""
    c = await ConsoleCommunity.create(tmp_path)
    yield c
    await c.stop()
