"""Per-process memory of database state stays right when another process writes (issue 20).

Two bots on one PostgreSQL database, each with its own connections and caches, as two
``peerbot run`` processes have: what one process writes, the other answers from.
"""

from __future__ import annotations

import pytest

from tests.harness import ConsoleCommunity, private_messages
from tests.postgres_server import BACKEND
from tests.test_partners import paired

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="several processes share a database only on PostgreSQL"
)


async def test_a_partnership_made_in_one_process_is_known_in_the_other(tmp_path):
    first = await ConsoleCommunity.create(tmp_path)
    second = await ConsoleCommunity.create(tmp_path)  # the same database: another process
    try:
        out = await second.text(":as bob", "/partner sos")  # before: nobody has a partner
        assert "I've let" not in out
        await paired(first)

        out = await second.text(":as bob", "/partner sos rough night")
        assert "(private) bob: I've let carol know privately." in out
        [to_carol] = private_messages(out, "carol")
        assert "bob could use some support right now" in to_carol

        await first.say(":as carol", "/partner end")
        out = await second.text(":as bob", "/partner sos")
        assert "I've let carol know" not in out
        assert private_messages(out, "carol") == []
    finally:
        await second.stop()
        await first.stop()
