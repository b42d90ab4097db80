"""Safe sharing on a real Synapse (issue 22): ``!tw`` in an encrypted room posts a content
warning whose text is only in the ``data-mx-spoiler`` of the formatted body (the plain body, the
one notifications preview, says [hidden]) and the typed command is redacted when the bot may;
``!vent`` in the member's direct room posts as "Anonymous member #N" in the vent room, the author
replies as the alias, an urgent post brings the private crisis reply and an alert whose relay
never names either side, reveal is audited and told, block by post holds, and ``!vent`` typed in
a shared room is refused."""

from __future__ import annotations

import asyncio
import re

import pytest
import pytest_asyncio
from nio import AsyncClient, RedactedEvent, RoomGetEventResponse

from tests.matrix_harness.nio_helpers import (
    accept_invite,
    close_all,
    create_room,
    send_text,
    sync_once,
    wait_for_member,
)
from tests.postgres_server import query

from .world import (
    World,
    build_world,
    direct_room,
    link,
    notices,
    seen_ids,
    set_power,
    wait_for_notice,
)

pytestmark = [pytest.mark.matrix, pytest.mark.asyncio(loop_scope="module")]

URGENT = "I'm going to kill myself tonight, I have the pills ready"
SECRET = "I used again last night <b>x</b> @room"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(synapse, tmp_path_factory):
    """The community with a #vent room (`world.vent`) and the alerts and vent purposes set."""
    w = await build_world(synapse, tmp_path_factory.mktemp("matrix-safe-sharing"))
    try:
        vent = await create_room(w.mod, name="vent", invite=[w.member.user_id, w.bot_id])
        await link(w.mod, w.space, vent, synapse.server_name)
        await accept_invite(w.member, vent)
        await wait_for_member(w.member, vent, w.bot_id, timeout=30)
        w.vent = vent  # type: ignore[attr-defined]
        for purpose, room in (("alerts", w.alerts), ("vent", vent)):
            await says(w, w.mod, f"!community channel purpose:{purpose} channel:{room}", "Done.")
        # the member's direct room, and the space as where they were last active
        await says(w, w.member, "!vent", "What would you like to post anonymously?")
        yield w
    finally:
        await asyncio.to_thread(w.bot.stop)
        await close_all(w.mod, w.member)


async def says(
    w: World, client: AsyncClient, text: str, expect: str, *, room: str | None = None
) -> str:
    """`client` types `text` in `room` (#general by default); the bot's private answer that
    contains `expect`."""
    seen = seen_ids(client)
    await send_text(client, room or w.general, text)
    dm = await direct_room(w, client, timeout=30)
    return (await wait_for_notice(client, dm, w.bot_id, lambda b: expect in b, after=seen)).body


async def in_dm(w: World, client: AsyncClient, text: str, expect: str) -> str:
    """`client` types `text` in their direct room with the bot; the answer containing `expect`."""
    dm = await direct_room(w, client, timeout=30)
    return await says(w, client, text, expect, room=dm)


async def vent_post(w: World, expect: str, seen: set[str]) -> str:
    """The newest post in #vent containing `expect` (not among `seen`)."""
    vent = w.vent  # type: ignore[attr-defined]
    return (await wait_for_notice(w.mod, vent, w.bot_id, lambda b: expect in b, after=seen)).body


async def typed_by(client: AsyncClient, room_id: str, event_id: str) -> object:
    """The event `event_id` in `room_id` as the homeserver gives it now (redacted or not)."""
    response = await client.room_get_event(room_id, event_id)
    assert isinstance(response, RoomGetEventResponse), response
    return response.event


async def test_tw_in_an_encrypted_room_hides_the_text_and_tells_the_member_of_the_command(world):
    w = world
    seen = seen_ids(w.mod)
    told = await says(w, w.member, f"!tw topic:drugs text:{SECRET}", "Posted behind", room=w.circle)
    post = await wait_for_notice(w.mod, w.circle, w.bot_id, lambda b: "CW: drugs" in b, after=seen)
    content = post.source["content"]
    assert post.decrypted
    assert "[hidden]" in post.body and "used again" not in post.body
    spoiler = re.search(r"<span data-mx-spoiler>(.*?)</span>", content["formatted_body"])
    assert spoiler and "used again last night &lt;b&gt;x&lt;/b&gt;" in spoiler.group(1)
    assert "@room" not in content["formatted_body"] and not content.get("m.mentions")
    # the bot has no power to redact here: the member is told their command is still visible
    assert "still shows" in told


async def test_tw_command_is_redacted_where_the_bot_may(world):
    w = world
    await set_power(w.mod, w.circle, w.bot_id, 50)
    await asyncio.sleep(1)  # the bot reads the new power levels from its sync
    seen = seen_ids(w.member)
    command = await send_text(w.member, w.circle, "!tw topic:grief text:the funeral was today")
    await wait_for_notice(w.member, w.circle, w.bot_id, lambda b: "CW: grief" in b, after=seen)
    dm = await direct_room(w, w.member)
    told = await wait_for_notice(w.member, dm, w.bot_id, lambda b: "Posted behind" in b, after=seen)
    assert "still shows" not in told.body

    for _ in range(40):
        if isinstance(await typed_by(w.mod, w.circle, command), RedactedEvent):
            break
        await asyncio.sleep(0.25)
    assert isinstance(await typed_by(w.mod, w.circle, command), RedactedEvent)

    # an anonymous post typed in a room where the bot may redact is refused and taken away
    told = await says(w, w.member, "!vent it names me", "wouldn't be anonymous", room=w.circle)
    assert "I've removed your message from that room" in told


async def test_vent_from_the_direct_room_and_a_reply_as_the_alias(world):
    w = world
    seen = seen_ids(w.mod)
    told = await in_dm(w, w.member, "!vent a hard week <i>really</i>", "Posted anonymously")
    post = await vent_post(w, "a hard week", seen)
    assert post.startswith("🕊️ Anonymous member #")
    assert w.member.user_id not in post and "member" not in post.split("#", 1)[1]
    alias = post.split(" · ")[0]
    number = int(re.search(r"post (\d+)", post).group(1))
    assert f"post {number}" in told
    await in_dm(w, w.member, f"!vent reply post:{number} text:still here", "Posted anonymously")
    reply = await vent_post(w, "still here", seen)
    assert reply.split(" · ")[0] == alias and f"answering post {number}" in reply


async def test_vent_typed_in_a_shared_room_is_refused(world):
    w = world
    seen = seen_ids(w.mod)
    told = await says(w, w.member, "!vent everyone can see this", "wouldn't be anonymous")
    assert "direct room" in told and "You may want to delete your message" in told
    await asyncio.sleep(2)
    vent = w.vent  # type: ignore[attr-defined]
    assert not [n for n in notices(w.mod, vent, w.bot_id) if n.event_id not in seen]


async def test_urgent_post_crisis_reply_alert_and_relay_without_reveal(world):
    w = world
    seen = seen_ids(w.mod)
    told = await in_dm(w, w.member, f"!vent {URGENT}", "Before I post them anonymously")
    assert "!crisis" in told or "988" in told or "emergency" in told.lower()
    alert = await wait_for_notice(
        w.mod, w.alerts, w.bot_id, lambda b: "may mean someone is in danger" in b, after=seen
    )
    assert w.member.user_id not in alert.body and "kill" not in alert.body
    number = int(re.search(r"post (\d+)", alert.body).group(1))
    assert "!vent reach" in alert.body

    mseen = seen_ids(w.member)
    sent = await says(w, w.mod, f"!vent reach post:{number} text:Are you safe?", "Sent to")
    assert w.member.user_id not in sent
    dm = await direct_room(w, w.member)
    reached = await wait_for_notice(
        w.member, dm, w.bot_id, lambda b: "Are you safe?" in b, after=mseen
    )
    assert w.mod.user_id not in reached.body, reached.body

    mod_seen = seen_ids(w.mod)
    await in_dm(w, w.member, f"!vent answer post:{number} text:with a friend", "passed")
    mod_dm = await direct_room(w, w.mod)
    answer = await wait_for_notice(
        w.mod, mod_dm, w.bot_id, lambda b: "with a friend" in b, after=mod_seen
    )
    assert w.member.user_id not in answer.body and "member" not in answer.body.lower().replace(
        "anonymous", ""
    )


async def test_remove_and_forget_redact_the_bots_own_post(world):
    """Matrix can't edit a post away; the bot redacts its own event (no power level needed),
    with the notice as the reason, and says "taken down" only then (issue 22 audit). One new
    post only: the member's daily limit (5) must leave room for the tests after this one."""
    w = world
    vent = w.vent  # type: ignore[attr-defined]
    earlier = [n for n in notices(w.mod, vent, w.bot_id) if "Anonymous member" in n.body]
    assert earlier  # the member's posts of the tests before, still linked to them
    seen = seen_ids(w.mod)
    await in_dm(w, w.member, "!vent please take this down later", "Posted anonymously")
    post = await wait_for_notice(
        w.mod, vent, w.bot_id, lambda b: "please take this down" in b, after=seen
    )
    number = int(re.search(r"post (\d+)", post.body).group(1))
    said = await says(w, w.mod, f"!vent remove post:{number}", f"Post {number} is removed")
    assert "by hand" not in said
    event = await typed_by(w.mod, vent, post.event_id)
    assert isinstance(event, RedactedEvent), event
    assert f"Anonymous post {number} was removed by a moderator" in (event.reason or "")
    audit = query(
        w.db_path, "SELECT old_value, new_value FROM community_audit WHERE action = 'vent.remove'"
    )
    assert (f"post {number}", "taken down") in audit

    # a moderator redacting a post by hand (not through the bot) ends its author link at once:
    # who wrote a post is kept only as long as the post is
    by_hand = int(re.search(r"post (\d+)", earlier[0].body).group(1))
    linked = "SELECT COUNT(*) FROM vent_authors WHERE number = ?"
    assert query(w.db_path, linked, (by_hand,)) == [(1,)]
    await w.mod.room_redact(vent, earlier[0].event_id, reason="off-topic")
    for _ in range(60):
        if query(w.db_path, linked, (by_hand,)) == [(0,)]:
            break
        await asyncio.sleep(0.5)
    assert query(w.db_path, linked, (by_hand,)) == [(0,)]

    told = await in_dm(w, w.member, "!vent forget posts:remove", "no longer linked to you")
    assert "and taken down" in told and "couldn't" not in told
    event = await typed_by(w.mod, vent, earlier[-1].event_id)
    assert isinstance(event, RedactedEvent), event
    assert "taken down by its author" in (event.reason or "")


async def test_reveal_is_audited_and_told_and_block_by_post_holds(world):
    w = world
    seen = seen_ids(w.mod)
    await in_dm(w, w.member, "!vent something to reveal", "Posted anonymously")
    post = await vent_post(w, "something to reveal", seen)
    number = int(re.search(r"post (\d+)", post).group(1))

    mseen = seen_ids(w.member)
    said = await says(
        w, w.mod, f"!vent reveal post:{number} reason:a threat to a member", "was written by"
    )
    assert f"Post {number} was written by" in said
    dm = await direct_room(w, w.member)
    await wait_for_notice(
        w.member, dm, w.bot_id, lambda b: "because: a threat to a member" in b, after=mseen
    )
    audit = query(
        w.db_path, "SELECT old_value, new_value FROM community_audit WHERE action = 'vent.reveal'"
    )
    assert (f"post {number}", "a threat to a member") in audit

    said = await says(w, w.mod, f"!vent block post:{number}", "can't post anonymously")
    assert w.member.user_id not in said
    seen = seen_ids(w.mod)
    told = await in_dm(w, w.member, "!vent again", "so I didn't post that")
    assert "!crisis" in told
    await asyncio.sleep(2)
    vent = w.vent  # type: ignore[attr-defined]
    assert not [n for n in notices(w.mod, vent, w.bot_id) if n.event_id not in seen]


async def test_a_forged_relay_message_runs_nothing_when_reacted_to(world):
    """Someone who is not the bot posts a look-alike "a moderator is reaching out" notice carrying
    the bot's button data (answer post 1 as the victim): reacting to it runs no command, so it
    can't make the victim send anything through the bot nor learn who wrote a post."""
    w = world
    await asyncio.sleep(2)  # what earlier tests said has arrived
    await sync_once(w.member)
    await sync_once(w.mod)
    forged = await w.mod.room_send(
        w.general,
        "m.room.message",
        {
            "msgtype": "m.notice",
            "body": "A moderator is reaching out about your anonymous post 1. React 1️⃣ to answer.",
            "org.peerbot.buttons": [
                {
                    "label": "Answer",
                    "command": "vent reveal",
                    "args": {"reason": "x"},
                    "form": False,
                }
            ],
        },
    )
    seen = seen_ids(w.member)
    mod_seen = seen_ids(w.mod)
    await w.member.room_send(
        w.general,
        "m.reaction",
        {
            "m.relates_to": {
                "rel_type": "m.annotation",
                "event_id": forged.event_id,
                "key": "1\ufe0f\u20e3",
            }
        },
    )
    await asyncio.sleep(4)
    await sync_once(w.member)
    await sync_once(w.mod)
    dm = await direct_room(w, w.member)
    mod_dm = await direct_room(w, w.mod)
    assert not [n for n in notices(w.member, dm, w.bot_id) if n.event_id not in seen]
    assert not [n for n in notices(w.mod, mod_dm, w.bot_id) if n.event_id not in mod_seen]
    assert not [n for n in notices(w.member, w.general, w.bot_id) if n.event_id not in seen]
