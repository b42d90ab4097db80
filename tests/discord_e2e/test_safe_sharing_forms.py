"""Safe sharing on the loopback Discord API, beyond tests/discord_e2e/test_safe_sharing.py (issue
22 audit): the /tw form for long text, the private reminder in a channel that expects warnings,
and /vent-remove replacing the post's text (docs/safe-sharing.md says so)."""

from __future__ import annotations

import re

import pytest

from tests.discord_e2e.conftest import GENERAL, GUILD, query
from tests.discord_e2e.test_safe_sharing import VENT, running, said  # noqa: F401 (fixture)
from tests.discord_loopback import ALICE, CAROL, MOD

pytestmark = [
    pytest.mark.discord,
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.usefixtures("running"),
]


async def test_tw_without_text_opens_a_form_and_its_text_goes_behind_a_spoiler(server):
    rec = await server.invoke(GUILD, GENERAL, ALICE, "tw", {"topic": "grief"})
    reply = await rec.wait_reply(timeout=15)
    buttons = [c for row in reply["components"] for c in row["components"]]
    press = await server.press_button(GUILD, GENERAL, ALICE, buttons[0]["custom_id"])
    modal = await press.wait_reply()
    assert (await press.wait_response())["type"] == 9  # a form (modal) opens
    before = len(server.channel_messages(GENERAL))
    submit = await server.submit_modal(
        GUILD, GENERAL, ALICE, modal["custom_id"], {"text": "the funeral was today"}
    )
    assert "Posted behind a content warning" in await said(submit)
    await server.wait_until(lambda: len(server.channel_messages(GENERAL)) > before, timeout=5)
    assert "||the funeral was today||" in server.channel_messages(GENERAL)[-1]["content"]


async def test_an_unwarned_post_in_an_expecting_channel_gets_a_private_reminder(server):
    await said(
        await server.invoke(
            GUILD, GENERAL, MOD, "tw-channel", {"channel": str(GENERAL), "topics": "alcohol"}
        )
    )
    dms = len(server.dm_messages(ALICE.id))
    await server.send_message(GUILD, GENERAL, ALICE, "Ich war gestern Abend so betrunken")
    await server.wait_until(lambda: len(server.dm_messages(ALICE.id)) > dms, timeout=10)
    assert "/tw topic:alcohol" in server.dm_messages(ALICE.id)[-1]["content"]


async def test_vent_remove_replaces_the_posts_text_and_says_so(server):
    before = len(server.channel_messages(VENT))
    await said(await server.invoke(GUILD, GENERAL, CAROL, "vent", {"text": "take me down"}))
    await server.wait_until(lambda: len(server.channel_messages(VENT)) > before, timeout=5)
    post = server.channel_messages(VENT)[-1]
    number = int(re.search(r"post (\d+)", post["content"]).group(1))
    seen = await said(await server.invoke(GUILD, GENERAL, MOD, "vent-remove", {"post": number}))
    assert f"Post {number} is removed" in seen and "by hand" not in seen
    now = next(m for m in server.channel_messages(VENT) if m["id"] == post["id"])
    assert f"Anonymous post {number} was removed by a moderator" in now["content"]
    assert "take me down" not in now["content"]


async def test_a_post_deleted_by_hand_takes_its_author_link_with_it(server, workdir):
    """Who wrote an anonymous post is kept only as long as the post is: a moderator deleting it
    in Discord's app (not through the bot) ends the link at once, not after keep_days."""
    before = len(server.channel_messages(VENT))
    await said(await server.invoke(GUILD, GENERAL, CAROL, "vent", {"text": "delete me by hand"}))
    await server.wait_until(lambda: len(server.channel_messages(VENT)) > before, timeout=5)
    post = server.channel_messages(VENT)[-1]
    number = int(re.search(r"post (\d+)", post["content"]).group(1))
    linked = "SELECT COUNT(*) FROM vent_authors WHERE number = ?"
    assert query(workdir / "peerbot.db", linked, (number,)) == [(1,)]
    other = await server.send_message(GUILD, GENERAL, CAROL, "an ordinary message")
    await server.delete_by_hand(other)  # not an anonymous post: nothing happens
    await server.delete_by_hand(post)
    await server.send_message(GUILD, GENERAL, CAROL, "sync point")  # events come in order
    await server.wait_until(
        lambda: query(workdir / "peerbot.db", linked, (number,)) == [(0,)], timeout=10
    )
    seen = await said(
        await server.invoke(GUILD, GENERAL, MOD, "vent-reveal", {"post": number, "reason": "x"})
    )
    assert "carol" not in seen
