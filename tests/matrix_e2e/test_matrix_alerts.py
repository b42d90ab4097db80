"""Issue 17 on a real Synapse: an urgent alert mentions the moderator on duty through
``m.mentions`` and a pill (and a concern note mentions nobody), and ``!alert claim N`` shows in
the alerts room who has the alert."""

from __future__ import annotations

import asyncio

import pytest
import pytest_asyncio

from tests.matrix_harness.nio_helpers import close_all, send_text

from .world import World, build_world, direct_room, notices, seen_ids, wait_for_notice

pytestmark = [pytest.mark.matrix, pytest.mark.asyncio(loop_scope="module")]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(synapse, tmp_path_factory):
    """The community, the member clients and the running bot."""
    w = await build_world(synapse, tmp_path_factory.mktemp("matrix-alerts"))
    try:
        yield w
    finally:
        await asyncio.to_thread(w.bot.stop)
        await close_all(w.mod, w.member)


async def mod_says(w: World, text: str, accepts) -> str:
    """The moderator types a command; returns the bot's private answer."""
    dm_seen = seen_ids(w.mod)
    await send_text(w.mod, w.general, text)
    dm = await direct_room(w, w.mod)
    return (await wait_for_notice(w.mod, dm, w.bot_id, accepts, after=dm_seen, timeout=30)).body


async def test_urgent_alert_mentions_the_moderator_on_duty_and_claim_shows_who_has_it(world):
    w = world
    said = await mod_says(
        w,
        f"!community channel purpose:alerts channel:{w.alerts}",
        lambda b: b.startswith("Done. Moderator alerts now go to"),
    )
    assert "#alerts" in said
    assert "on duty" in await mod_says(w, "!duty on", lambda b: "on duty" in b)

    seen = seen_ids(w.mod)
    await send_text(w.member, w.general, "I can't do this anymore, I want to end my life tonight")
    alert = await wait_for_notice(
        w.mod, w.alerts, w.bot_id, lambda b: "Priority alert (urgent)" in b, after=seen, timeout=30
    )
    content = alert.source["content"]
    assert content["m.mentions"] == {"user_ids": [w.mod.user_id]}
    assert f'href="https://matrix.to/#/{w.mod.user_id}"' in content["formatted_body"]
    assert "!alert claim number:" in alert.body and "@room" not in alert.body
    assert len([n for n in notices(w.mod, w.alerts, w.bot_id) if n.event_id not in seen]) == 1
    number = alert.body.split("Alert #", 1)[1].split(".", 1)[0]

    seen = seen_ids(w.mod)
    await send_text(w.mod, w.general, "honestly I just want to die")  # not merged: another person
    concern = await wait_for_notice(
        w.mod, w.alerts, w.bot_id, lambda b: "Low priority (concern)" in b, after=seen, timeout=30
    )
    assert concern.source["content"]["m.mentions"] == {}

    seen = seen_ids(w.mod)
    said = await mod_says(w, f"!alert claim {number}", lambda b: "is yours" in b)
    assert f"Alert #{number} is yours" in said
    shown = await wait_for_notice(
        w.mod, w.alerts, w.bot_id, lambda b: "is on it" in b, after=seen, timeout=30
    )
    assert shown.body.startswith(f"Alert #{number}: ✋")
    assert shown.source["content"]["m.mentions"] == {}
    said = await mod_says(
        w, f"!alert close {number} outcome:resources-sent", lambda b: "Closed alert" in b
    )
    assert "resources sent" in said
    # posted once: the minute's tick never posts an alert whose first post is still under way
    urgent = [n for n in notices(w.mod, w.alerts, w.bot_id) if "Priority alert" in n.body]
    assert len(urgent) == 1, [n.body[:80] for n in urgent]
