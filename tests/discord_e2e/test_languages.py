"""Languages on the loopback Discord API (issue 24): the slash menu carries translated
descriptions, and a member's Discord client language picks the reply's language unless they
or their community chose one."""

from __future__ import annotations

import pytest

from tests.discord_e2e.conftest import GENERAL, GUILD
from tests.discord_loopback import BOB, CAROL

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]
LOCALES = {"es-ES", "es-419", "pt-BR", "de", "fr", "uk"}


def _command(server, name: str) -> dict:
    return next(c for c in server.synced_commands() if c["name"] == name)


async def test_uploaded_commands_carry_description_localizations(inproc):
    server = inproc.server
    await server.wait_commands_synced()
    crisis = _command(server, "crisis")
    assert crisis["name"] == "crisis"  # names stay English
    assert "name_localizations" not in crisis or not crisis["name_localizations"]
    assert set(crisis["description_localizations"]) == LOCALES
    assert crisis["description_localizations"]["uk"].startswith("Люди, з якими")
    assert crisis["description_localizations"]["es-ES"].startswith("Personas con quien hablar")
    region = next(o for o in crisis["options"] if o["name"] == "region")
    assert set(region["description_localizations"]) == LOCALES
    assert all(len(text) <= 100 for text in region["description_localizations"].values())
    chosen = _command(server, "language-set")  # /language is a command too: flattened
    assert chosen["description_localizations"]["de"].startswith("Wähle die Sprache")


async def test_the_client_language_answers_unless_the_member_chose(inproc):
    server = inproc.server
    rec = await server.invoke(GUILD, GENERAL, BOB, "crisis", {}, locale="pt-BR")
    assert "Que bom que você procurou ajuda" in (await rec.wait_reply())["content"]
    rec = await server.invoke(GUILD, GENERAL, BOB, "language-set", {"code": "fr"}, locale="pt-BR")
    await rec.wait_reply()
    rec = await server.invoke(GUILD, GENERAL, BOB, "crisis", {}, locale="pt-BR")
    assert "Je suis vraiment content" in (await rec.wait_reply())["content"]
    rec = await server.invoke(GUILD, GENERAL, CAROL, "crisis", {}, locale="ja")
    assert "I'm really glad you reached out" in (await rec.wait_reply())["content"]


async def test_every_command_and_option_reads_in_each_language_in_the_slash_menu(inproc):
    server = inproc.server
    await server.wait_commands_synced()
    missing = []
    for command in server.synced_commands():
        if command["name"].startswith("probe"):
            continue  # the tests' own probe feature, not the bot's
        if set(command.get("description_localizations") or {}) != LOCALES:
            missing.append(command["name"])
        for option in command.get("options", []):
            if set(option.get("description_localizations") or {}) != LOCALES:
                missing.append(f"{command['name']} {option['name']}")
    assert not missing, missing
