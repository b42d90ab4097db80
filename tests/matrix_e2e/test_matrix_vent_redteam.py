"""redteam22 on a real Synapse: the author's commands that name a post, typed in a shared room.

`!vent` typed in a shared room is refused (the room saw it typed). But `!vent answer post:N`
works only for the author of post N, so typing it in a room tells the room who wrote post N;
it is passed on and left in the room. Put in tests/matrix_e2e/ and run:
  python -m pytest tests/matrix_e2e/test_matrix_vent_redteam.py
"""

from __future__ import annotations

import re

import pytest

from tests.matrix_e2e.test_matrix_safe_sharing import in_dm, says, vent_post, world  # noqa: F401
from tests.matrix_e2e.world import direct_room, seen_ids, wait_for_notice
from tests.matrix_harness.nio_helpers import send_text

pytestmark = [pytest.mark.matrix, pytest.mark.asyncio(loop_scope="module")]


async def test_vent_answer_typed_in_a_shared_room_is_refused_like_vent(world):  # noqa: F811
    w = world
    seen = seen_ids(w.mod)
    await in_dm(w, w.member, "!vent a hard night again", "Posted anonymously")
    post = await vent_post(w, "a hard night again", seen)
    number = int(re.search(r"post (\d+)", post).group(1))
    reach_seen = seen_ids(w.member)
    await says(w, w.mod, f"!vent reach post:{number} text:Are you ok?", "Sent to")
    member_dm = await direct_room(w, w.member, timeout=30)
    await wait_for_notice(
        w.member, member_dm, w.bot_id, lambda b: "Are you ok?" in b, after=reach_seen
    )
    # the member answers where they are, in #general: everyone there now knows who wrote it
    mseen = seen_ids(w.member)
    await send_text(w.member, w.general, f"!vent answer post:{number} text:yes thanks")
    dm = await direct_room(w, w.member, timeout=30)
    told = await wait_for_notice(
        w.member,
        dm,
        w.bot_id,
        lambda b: "passed your answer" in b or "wouldn't be anonymous" in b,
        after=mseen,
    )
    assert "wouldn't be anonymous" in told.body, told.body  # now: "I've passed your answer on"
