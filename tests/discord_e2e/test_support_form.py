"""The support request form on the loopback Discord API (issue 21): the topics to warn the
supporter about are a checklist (a multi-select in the modal), and the Claim button under the
queue claims."""

from __future__ import annotations

import pytest

from tests.discord_e2e.conftest import FACILITATOR_ROLE, GENERAL, GUILD
from tests.discord_e2e.test_alert_lifecycle import bot, run  # noqa: F401 (the bot fixture)
from tests.discord_loopback import ALICE, CAROL, MOD, FakeUser

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]

SAM = FakeUser(2201, "sam")


async def open_form(server, user) -> dict:
    """/support request with nothing: the button, then the modal it opens."""
    rec = await server.invoke(GUILD, GENERAL, user, "support request", {})
    first = await rec.wait_reply()
    buttons = [c for row in first["components"] for c in row["components"]]
    press = await server.press_button(GUILD, GENERAL, user, buttons[0]["custom_id"])
    return await press.wait_reply()


async def test_the_claim_button_under_the_queue_claims(bot, server):  # noqa: F811
    await server.wait_ready()
    await run(server, MOD, "community supporters", {"role": str(FACILITATOR_ROLE)})
    await server.add_member(GUILD, SAM, roles=(FACILITATOR_ROLE,))
    await run(server, SAM, "duty", {"mode": "on"})
    assert "number 1" in await run(server, ALICE, "support request", {"kind": "listen"})
    rec = await server.invoke(GUILD, GENERAL, SAM, "support queue", {})
    queue = await rec.wait_reply()
    buttons = [c for row in queue["components"] for c in row["components"]]
    claim = next(b for b in buttons if b.get("label", "").startswith("Claim #"))
    press = await server.press_button(GUILD, GENERAL, SAM, claim["custom_id"])
    said = (await press.wait_reply()).get("content") or ""
    assert "You claimed #" in said
    await run(server, SAM, "support close", {"outcome": "supported"})


async def test_the_request_form_offers_topics_as_a_checklist(bot, server):  # noqa: F811
    """Issue 21: 'topics the supporter should be warned about (a checklist: self-harm, …)'."""
    modal = await open_form(server, CAROL)
    [label] = [c for c in modal["components"] if c["component"]["custom_id"] == "topics"]
    assert label["type"] == 18  # Discord takes a select in a modal only inside a label
    topics = label["component"]
    assert topics["type"] == 3, topics  # a string select, not a text input (4)
    assert [o["value"] for o in topics["options"]] == [
        "self-harm",
        "suicide",
        "substance-use",
        "relapse",
        "abuse",
        "grief",
        "other",
    ]
    assert topics["min_values"] == 0 and topics["max_values"] == 7  # none, some or all
    with pytest.raises(ValueError):  # only the options offered can be ticked
        await server.submit_modal(
            GUILD, GENERAL, CAROL, modal["custom_id"], {"kind": "listen", "topics": ["war"]}
        )

    submit = await server.submit_modal(
        GUILD, GENERAL, CAROL, modal["custom_id"], {"kind": "listen", "topics": ["grief", "abuse"]}
    )
    assert "number 1" in ((await submit.wait_reply()).get("content") or "")
    queue = await run(server, SAM, "support queue", {})
    assert "topics: grief, abuse" in queue, queue
    assert "cancelled" in await run(server, CAROL, "support cancel", {})

    # ticking nothing is fine: no topics
    modal = await open_form(server, CAROL)
    submit = await server.submit_modal(
        GUILD, GENERAL, CAROL, modal["custom_id"], {"kind": "advice"}
    )
    assert "number 1" in ((await submit.wait_reply()).get("content") or "")
    assert "topics: none given" in await run(server, SAM, "support queue", {})
    assert "cancelled" in await run(server, CAROL, "support cancel", {})
