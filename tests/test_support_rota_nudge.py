"""Red team: a peer supporter on duty only through the weekly rota never got the duty-hours
nudge, because only /duty on said that a duty stretch began. A rota slot now counts: the
nudge falls due DUTY_HOURS after the slot starts, week after week."""

from __future__ import annotations

import pytest

from tests.harness import ConsoleCommunity, private_to

LIMITS = {"limits": {"commands_per_minute": 1000}}
NUDGE = "on duty for more than 4 hours"


@pytest.fixture
async def desk(tmp_path):
    """mod moderates; sam is a supporter in London who never types /duty on. Mon 2 Nov 2026."""
    c = await ConsoleCommunity.create(tmp_path, config=LIMITS)
    await c.say(
        ":role mod moderator",
        ":as mod",
        "/community supporters role:Supporters",
        ":role sam +Supporters",
        ":as sam",
        "/timezone set Europe/London",
    )
    yield c
    await c.stop()


async def test_a_rota_slot_earns_the_duty_hours_nudge_every_week(desk):
    await desk.say("/duty rota add day:tue start:18:00 end:23:30")
    out = await desk.text(":clock 2026-11-03T21:59")
    assert NUDGE not in out
    out = await desk.text(":clock 2026-11-03T22:01")
    assert NUDGE in private_to(out, "sam")
    assert NUDGE not in await desk.text(":clock 2026-11-04T12:00")  # once per stretch
    out = await desk.text(":clock 2026-11-10T22:01")  # next Tuesday's slot
    assert NUDGE in private_to(out, "sam")


async def test_a_slot_added_while_it_runs_counts_from_its_start(desk):
    await desk.say(":clock 2026-11-03T19:00", "/duty rota add day:tue start:18:00 end:23:30")
    assert NUDGE not in await desk.text(":clock 2026-11-03T21:59")
    out = await desk.text(":clock 2026-11-03T22:01")
    assert NUDGE in private_to(out, "sam")


async def test_adding_a_rota_slot_keeps_the_nudge_of_a_stretch_under_way(desk):
    """sam is on duty by /duty on and adds a slot for later: the nudge for now still comes."""
    await desk.say(
        ":clock 2026-11-03T08:00", "/duty on", "/duty rota add day:fri start:18:00 end:22:00"
    )
    out = await desk.text(":clock 2026-11-03T12:01")
    assert NUDGE in private_to(out, "sam")
