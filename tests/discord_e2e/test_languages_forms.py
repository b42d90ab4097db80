"""Languages on the loopback Discord API (issue 24): a form opened by a button reads in the
presser's language (its title and each field's label), and so does the answer to a button
that no longer does anything."""

from __future__ import annotations

import pytest

from bot.i18n import translator
from bot.platforms.discord.commands import button_custom_id
from tests.discord_e2e.conftest import FACILITATOR_ROLE, GENERAL, GUILD
from tests.discord_loopback import CAROL, MOD

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]


async def test_a_form_reaches_a_german_member_in_german(inproc):
    server = inproc.server
    rec = await server.invoke(GUILD, GENERAL, CAROL, "language-set", {"code": "de"})
    await rec.wait_reply()
    # peer supporters chosen: with none, a request is answered that nobody takes them yet
    rec = await server.invoke(
        GUILD, GENERAL, MOD, "community supporters", {"role": str(FACILITATOR_ROLE)}
    )
    await rec.wait_reply()
    rec = await server.invoke(GUILD, GENERAL, CAROL, "support request", {})
    reply = await rec.wait_reply()
    buttons = [c for row in reply["components"] for c in row["components"]]
    assert buttons[0]["label"] == translator("de").gettext("Ask for support")
    press = await server.press_button(GUILD, GENERAL, CAROL, buttons[0]["custom_id"])
    modal = await press.wait_reply()
    assert (await press.wait_response())["type"] == 9
    assert modal["title"].startswith("Bitte um ein privates Gespräch")
    labels = {c["component"]["custom_id"]: c["label"] for c in modal["components"]}
    de = translator("de")
    assert labels["time"] == de.gettext("How long you have, like 30m or 1h")[:45]
    assert labels["time"] != "How long you have, like 30m or 1h"
    assert all(len(label) <= 45 for label in labels.values())


async def test_a_stale_button_answers_in_the_member_language(inproc):
    server = inproc.server
    gone = button_custom_id("no such command", {}, False)
    assert gone is not None
    press = await server.press_button(GUILD, GENERAL, CAROL, gone, validate=False)
    said = (await press.wait_reply())["content"]
    assert said == translator("de").gettext(
        "This button no longer does anything. Try /help to see what I can do."
    )
    assert said.startswith("Dieser Knopf")


async def test_command_groups_carry_description_localizations(inproc):
    server = inproc.server
    await server.wait_commands_synced()
    community = next(c for c in server.synced_commands() if c["name"] == "community")
    assert community["description"] == "community commands"
    assert community["description_localizations"]["de"] == "Befehle für community"
    assert community["description_localizations"]["uk"] == "Команди community"
    prompt = next(c for c in server.synced_commands() if c["name"] == "prompt")
    bank = next(o for o in prompt["options"] if o["name"] == "bank")
    assert bank["description_localizations"]["es-ES"] == "Comandos de prompt bank"
