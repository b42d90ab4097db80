"""Edited messages reach the listeners on Discord (MESSAGE_UPDATE), once per new text.

Issue 16 repro: a member could post something harmless and then edit it into anything; the
adapter never listened to edits. Now an edit is a message event with ``edited`` set, and what
Discord also sends as MESSAGE_UPDATE but is no edit (a link preview) is not delivered.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.discord_e2e.conftest import GENERAL, GUILD
from tests.discord_loopback import BOB, FakeUser

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]

HELPER_BOT = FakeUser(2050, "helperbot", bot=True)


@pytest.fixture
def heard(inproc):
    """Every message event the listeners get during one test."""
    seen: list = []

    async def listen(ctx, event):
        seen.append(event)

    inproc.bot.listeners["message"].append(listen)
    yield seen
    inproc.bot.listeners["message"].remove(listen)


async def until(predicate, what: str, timeout: float = 5.0) -> None:
    """Poll ``predicate`` (the server's wait_until only wakes on what the server records)."""
    for _ in range(int(timeout / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise TimeoutError(f"timed out waiting for {what}")


async def say(inproc, heard: list, user, text: str) -> dict:
    """A member posts; returns the payload once the listeners had it."""
    sent = await inproc.server.send_message(GUILD, GENERAL, user, text)
    await until(lambda: any(e.message_id == sent["id"] for e in heard), "the message event")
    heard.clear()
    return sent


async def test_an_edit_arrives_with_the_new_text_and_the_same_message(inproc, heard):
    server = inproc.server
    sent = await say(inproc, heard, BOB, "see you tomorrow")
    await server.edit_member_message(sent, "see you on monday")
    await until(lambda: heard, "the edit event")
    assert [(e.text, e.edited, e.message_id) for e in heard] == [
        ("see you on monday", True, sent["id"])
    ]
    assert heard[0].link.endswith(f"/{GUILD}/{GENERAL}/{sent['id']}")
    assert heard[0].author.name == "bob"


async def test_a_link_preview_or_an_unchanged_edit_is_not_delivered(inproc, heard):
    server = inproc.server
    sent = await say(inproc, heard, BOB, "look at https://example.org")
    await server.edit_member_message(sent, None, embeds=[{"type": "link", "title": "x"}])
    await server.edit_member_message(sent, "look at https://example.org")
    await server.edit_member_message(sent, "look at https://example.org/a")  # the sync point
    await until(lambda: heard, "the edit event")
    await asyncio.sleep(0.2)
    assert [e.text for e in heard] == ["look at https://example.org/a"]


async def test_edits_by_bots_are_not_delivered(inproc, heard):
    server = inproc.server
    await server.add_member(GUILD, HELPER_BOT)
    sent = await server.send_message(GUILD, GENERAL, HELPER_BOT, "status: ok")
    await server.edit_member_message(sent, "status: down")
    said = await say(inproc, heard, BOB, "after the bot")  # events arrive in order
    await server.edit_member_message(said, "after the bot, edited")
    await until(lambda: heard, "bob's edit")
    assert [e.author.name for e in heard] == ["bob"]
