"""The real `peerbot run` process on a real Synapse, with matrix-nio clients as a moderator and a
member of a space. One bot process serves the whole module (restarted once, by the last test).

Scenarios that need a feature cog which has not loaded are skipped with the reason. The
homeserver outage scenarios are in test_matrix_outage.py (they stop their own Synapse).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pytest_asyncio
from nio import RoomMessageNotice, RoomSendResponse

from bot.app import build_bot
from bot.config import Config
from bot.spec import Permission
from tests.matrix_harness.nio_helpers import close_all, send_text, sync_once, sync_until
from tests.postgres_server import query

from .world import (
    World,
    build_world,
    direct_room,
    notices,
    seen_ids,
    set_power,
    wait_for_notice,
    wait_for_pointer,
)

pytestmark = [pytest.mark.matrix, pytest.mark.asyncio(loop_scope="module")]

PRIVATE_SENT = "I've sent you a private message."
# The bot's clock starts here (and then runs in real time), so 09:00 falls due seconds after the
# bot starts: the first test schedules a prompt and the daily check-in post for then.
CLOCK_START = "2026-12-01T08:59:45+00:00"
# Above the built-in 25, so that a facilitator needs this config value or the community setting.
FACILITATOR_POWER = 35


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(synapse, tmp_path_factory):
    """The community, the member clients and the running bot."""
    tmp = tmp_path_factory.mktemp("matrix-e2e")
    w = await build_world(
        synapse,
        tmp,
        extra_bot=f'clock_start = "{CLOCK_START}"',
        extra_matrix=f"facilitator_power = {FACILITATOR_POWER}",
    )
    try:
        yield w
    finally:
        await asyncio.to_thread(w.bot.stop)
        await close_all(w.mod, w.member)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def loaded(tmp_path_factory):
    """The commands and cogs that have landed (the same ones the bot process loads)."""
    bot = await build_bot(Config(), database=str(tmp_path_factory.mktemp("probe") / "probe.db"))
    try:
        yield bot
    finally:
        await bot.db.close()


def needs(loaded, command: str) -> None:
    """Skip when the command's cog has not landed yet."""
    if tuple(command.split()) not in loaded.registry.commands:
        pytest.fail(f"!{command} has not landed yet")


async def ask(w: World, room: str, text: str) -> str:
    """The member sends a command in `room`; returns its event id."""
    return await send_text(w.member, room, text)


async def private_answer(
    w: World, accepts, *, timeout: float = 20.0, after: set[str] | None = None
) -> RoomMessageNotice:
    """The bot's matching notice in the member's direct room (one not in `after`, if given)."""
    dm = await direct_room(w, w.member, timeout=timeout)
    return await wait_for_notice(w.member, dm, w.bot_id, accepts, timeout=timeout, after=after)


async def mod_answer(w: World, accepts, *, after: set[str]) -> RoomMessageNotice:
    """The bot's new matching notice in the moderator's direct room."""
    dm = await direct_room(w, w.mod)
    return await wait_for_notice(w.mod, dm, w.bot_id, accepts, after=after)


async def test_a_scheduled_prompt_and_the_daily_checkin_post_arrive(world: World, loaded):
    # First in the module: the bot's clock must still be before 09:00 (see CLOCK_START).
    needs(loaded, "prompt add")
    needs(loaded, "checkin post")
    await send_text(
        world.mod,
        world.general,
        '!prompt add "What helped you today?" schedule:"once 2026-12-01 09:00"',
    )
    await send_text(world.mod, world.general, "!checkin post time:09:00")
    mod_dm = await direct_room(world, world.mod)
    await wait_for_notice(world.mod, mod_dm, world.bot_id, lambda b: b.startswith("Prompt #"))

    prompt = await wait_for_notice(
        world.member,
        world.prompts,
        world.bot_id,
        lambda b: "What helped you today?" in b,
        timeout=25,
    )
    daily = await wait_for_notice(
        world.member,
        world.general,
        world.bot_id,
        lambda b: b.startswith("Daily check-in"),
        timeout=25,
    )

    assert prompt.source["content"]["msgtype"] == "m.notice"
    assert "!checkin" in daily.body, "text platforms show the command behind the button"
    world.daily_post = daily.event_id


async def test_reacting_with_a_digit_to_the_daily_post_records_a_mood(world: World):
    if world.daily_post is None:
        pytest.fail("the daily check-in post did not arrive (see the previous test)")
    before = _count_sent(world)
    moods_before = await asyncio.to_thread(_moods, world.db_path, world.member.user_id)
    old = seen_ids(world.member)
    response = await world.member.room_send(
        world.general,
        "m.reaction",
        {
            "m.relates_to": {
                "rel_type": "m.annotation",
                "event_id": world.daily_post,
                "key": "4\ufe0f\u20e3",
            }
        },
    )
    assert isinstance(response, RoomSendResponse), response

    answer = await private_answer(world, lambda b: "check-in" in b, after=old)
    await wait_for_notice(
        world.member,
        world.general,
        world.bot_id,
        lambda b: b == PRIVATE_SENT and _count_sent(world) > before,
    )
    assert answer.decrypted
    assert _public_is_only_pointers(world)
    moods = await asyncio.to_thread(_moods, world.db_path, world.member.user_id)
    assert moods == [*moods_before, 4], "reacting 4️⃣ recorded one check-in with mood 4"


async def test_a_reaction_that_is_not_a_digit_runs_nothing(world: World):
    if world.daily_post is None:
        pytest.fail("the daily check-in post did not arrive")
    before = _count_sent(world)
    await world.member.room_send(
        world.general,
        "m.reaction",
        {"m.relates_to": {"rel_type": "m.annotation", "event_id": world.daily_post, "key": "🎉"}},
    )
    # a command after it is answered; the reaction before it was not
    await ask(world, world.general, "!about")
    await wait_for_notice(
        world.member,
        world.general,
        world.bot_id,
        lambda b: b == PRIVATE_SENT and _count_sent(world) > before,
    )
    await sync_once(world.member)
    assert _count_sent(world) == before + 1


async def test_a_command_in_a_plain_room_is_answered_in_an_encrypted_direct_room(world: World):
    command = await ask(world, world.general, "!help")

    answer = await private_answer(world, lambda b: b.startswith("Here's what I can do"))
    told = await wait_for_pointer(world, world.general, command)

    assert told.body == PRIVATE_SENT
    dm = world.direct[world.member.user_id]
    assert world.member.rooms[dm].encrypted, "the direct room must be end-to-end encrypted"
    assert answer.decrypted, "the member's client decrypted the private reply"
    assert "!mydata export" in answer.body
    assert told.source["content"]["m.mentions"] == {}
    public = [n.body for n in notices(world.member, world.general, world.bot_id)]
    assert not any("Here's what I can do" in b for b in public), "help must not show in the room"


async def test_a_checkin_in_a_plain_room_is_answered_privately(world: World, loaded):
    needs(loaded, "checkin")
    before = len(notices(world.member, world.direct.get(world.member.user_id, ""), world.bot_id))
    await ask(world, world.general, "!checkin 4")
    dm = await direct_room(world, world.member)
    await sync_until(
        world.member,
        lambda: len(notices(world.member, dm, world.bot_id)) > before,
        timeout=20,
        what="the check-in reply",
    )
    assert _public_is_only_pointers(world), "nothing of a check-in shows in the room"


async def test_a_command_in_an_encrypted_room_is_read_and_answered(world: World):
    command = await ask(world, world.circle, "!about")

    answer = await private_answer(world, lambda b: b.startswith("peerbot "))
    told = await wait_for_pointer(world, world.circle, command)

    assert answer.decrypted and told.decrypted, "both replies were end-to-end encrypted"
    assert "Running on: matrix" in answer.body


async def test_a_bad_argument_gets_the_usage_line(world: World):
    await ask(world, world.general, "!mydata export scope:nowhere")

    answer = await private_answer(world, lambda b: "Usage: !mydata export" in b)

    assert "scope" in answer.body.lower()


async def test_a_10000_character_command_gets_a_kind_answer_and_nothing_breaks(world: World):
    await ask(world, world.general, "!help " + "x" * 10_000)

    answer = await private_answer(world, lambda b: "Usage: !help" in b or "too long" in b)

    assert len(answer.body) < 2000, "the huge text is not echoed back"


async def test_html_and_mass_mentions_in_member_text_are_escaped(world: World):
    await ask(world, world.general, '!help "<b>bold</b> <a href=x>link</a> @room"')

    answer = await private_answer(world, lambda b: "I don't have a command called" in b)

    content = answer.source["content"]
    html = content["formatted_body"]
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>" not in html and "<a href" not in html
    assert "@room" not in content["body"] and "@room" not in html, "@room must not ping"
    assert content["m.mentions"] == {}
    assert content["msgtype"] == "m.notice"


async def test_a_moderator_command_from_a_member_is_refused(world: World, loaded):
    moderated = [s for s in loaded.registry.all() if s.level == Permission.MODERATOR]
    if not moderated:
        pytest.fail("no moderator command is loaded")
    spec = moderated[0]

    await ask(world, world.general, f"!{spec.name}")

    refusal = await private_answer(
        world, lambda b: b.startswith(f"Only moderators can use !{spec.name}")
    )
    assert "ask a moderator" in refusal.body


async def test_the_bot_refuses_invites_from_people_not_allowed(world: World):
    def bot_gone() -> bool:
        room = world.member.rooms.get(world.refused)
        return room is not None and world.bot_id not in room.users

    await sync_until(world.member, bot_gone, timeout=20, what="the bot refusing the invite")
    assert bot_gone()


async def test_a_crisis_message_is_answered_privately_and_alerts_moderators(world: World, loaded):
    if "crisis" not in loaded.cogs or not loaded.listeners["message"]:
        pytest.fail("the crisis cog has not loaded")
    mod_seen = seen_ids(world.mod)
    await send_text(
        world.mod, world.general, f"!community channel purpose:alerts channel:{world.alerts}"
    )
    await mod_answer(
        world, lambda b: b.startswith("Done. Moderator alerts now go to #alerts"), after=mod_seen
    )
    member_seen = seen_ids(world.member)
    alerts_seen = seen_ids(world.mod)
    text = "I can't do this anymore, I want to end my life tonight"

    crisis = await send_text(world.member, world.general, text)

    resources = await private_answer(
        world, lambda b: b.startswith("I'm thinking of you"), timeout=30, after=member_seen
    )
    alert = await wait_for_notice(
        world.mod,
        world.alerts,
        world.bot_id,
        lambda b: "Priority alert (urgent)" in b,  # after the moderators' names (nobody on duty)
        timeout=30,
        after=alerts_seen,
    )
    assert resources.decrypted, "crisis resources go to the encrypted direct room"
    assert crisis in alert.body and text not in alert.body, "the alert links, never quotes"
    # A command after the crisis message: once its pointer is here, everything the bot said
    # in the room after the crisis message has arrived too.
    later = await ask(world, world.general, "!about")
    await wait_for_pointer(world, world.general, later)
    public = [
        n
        for n in notices(world.member, world.general, world.bot_id)
        if n.event_id not in member_seen
    ]
    # Only "I've sent you a private message." pointers to commands may be there.
    assert all(n.body == PRIVATE_SENT and _replies_to(n) not in (None, crisis) for n in public), (
        f"nothing about a crisis is posted in public: {[n.body for n in public]}"
    )


async def test_a_facilitator_is_whoever_has_the_facilitator_power_level(world: World, loaded):
    needs(loaded, "prompt list")
    needs(loaded, "community facilitators")
    member_id = world.member.user_id
    # The community's level comes from its space, wherever the command is typed.
    await set_power(world.mod, world.space, member_id, 30)
    try:
        seen = seen_ids(world.member)
        await ask(world, world.general, "!prompt list")
        await private_answer(
            world, lambda b: b.startswith("Only facilitators can use !prompt list"), after=seen
        )

        mod_seen = seen_ids(world.mod)
        await send_text(world.mod, world.general, "!community facilitators power:30")
        await mod_answer(
            world, lambda b: b.startswith("Done. Facilitators: power level 30"), after=mod_seen
        )
        seen = seen_ids(world.member)
        await ask(world, world.general, "!prompt list")
        answer = await private_answer(world, lambda b: not b.startswith("Only "), after=seen)

        assert "What helped you today?" in answer.body or "No prompts" in answer.body, answer.body
    finally:
        await send_text(world.mod, world.general, "!community facilitators power:off")
        await set_power(world.mod, world.space, member_id, 0)


async def test_html_in_a_checkin_note_is_escaped_where_it_is_shown(world: World, loaded):
    needs(loaded, "checkin")
    await ask(
        world, world.general, '!checkin 3 note:"<b>rough</b> <img src=x onerror=alert(1)> @room"'
    )
    await private_answer(world, lambda b: "check-in" in b)
    dm = world.direct[world.member.user_id]
    await ask(world, dm, "!mydata export")

    export = await wait_for_notice(world.member, dm, world.bot_id, lambda b: "<b>rough</b>" in b)

    html = export.source["content"]["formatted_body"]
    assert "&lt;b&gt;rough&lt;/b&gt;" in html
    assert "<b>" not in html and "<img" not in html
    assert "@room" not in html and "@room" not in export.body


async def test_mydata_export_includes_and_delete_removes_the_direct_room(world: World):
    dm = await direct_room(world, world.member)
    await ask(world, dm, "!mydata export")
    export = await wait_for_notice(
        world.member, dm, world.bot_id, lambda b: "matrix_direct_room" in b
    )
    assert dm in export.body

    await ask(world, dm, "!mydata delete confirm:yes")
    done = await wait_for_notice(world.member, dm, world.bot_id, lambda b: b.startswith("Done."))

    assert "matrix_direct_room (1)" in done.body
    rows = await asyncio.to_thread(_direct_rows, world.db_path, world.member.user_id)
    assert rows == [], "the remembered direct room is forgotten"


def _direct_rows(db_path: Path, user_id: str) -> list[tuple]:
    return query(db_path, "SELECT * FROM matrix_direct_rooms WHERE user_id = ?", (user_id,))


async def test_a_command_sent_while_the_bot_is_down_is_answered_exactly_once(world: World):
    # Runs last in the module: it restarts the bot.
    await asyncio.to_thread(world.bot.stop)
    sent_help = len(
        [n for n in notices(world.member, world.general, world.bot_id) if n.body == PRIVATE_SENT]
    )
    await ask(world, world.general, "!about")
    await asyncio.to_thread(world.bot.start)

    await wait_for_notice(
        world.member,
        world.general,
        world.bot_id,
        lambda b: b == PRIVATE_SENT and _count_sent(world) > sent_help,
    )
    # A later command proves the bot has moved past everything sent before it.
    await ask(world, world.general, "!help about")
    await wait_for_notice(
        world.member,
        world.general,
        world.bot_id,
        lambda b: b == PRIVATE_SENT and _count_sent(world) >= sent_help + 2,
    )
    await sync_once(world.member)
    assert _count_sent(world) == sent_help + 2, (
        "each command is answered once, old ones never again"
    )


def _moods(db_path: Path, user_id: str) -> list[int]:
    rows = query(
        db_path,
        "SELECT mood FROM checkins WHERE platform = 'matrix' AND user_id = ? ORDER BY id",
        (user_id,),
    )
    return [mood for (mood,) in rows]


def _replies_to(notice: RoomMessageNotice) -> str | None:
    relates = notice.source["content"].get("m.relates_to", {})
    return relates.get("m.in_reply_to", {}).get("event_id")


def _count_sent(world: World) -> int:
    return len(
        [n for n in notices(world.member, world.general, world.bot_id) if n.body == PRIVATE_SENT]
    )


def _public_is_only_pointers(world: World) -> bool:
    """In the shared room the bot only ever said "I've sent you…" or posted the daily invite."""
    return all(
        n.body == PRIVATE_SENT or n.body.startswith("Daily check-in")
        for n in notices(world.member, world.general, world.bot_id)
    )


async def test_the_pointer_to_a_private_reply_is_in_the_member_language(world: World):
    # last: the other tests read the room's pointers in English
    command = await ask(world, world.general, "!language set de")
    await wait_for_pointer(world, world.general, command)
    command = await ask(world, world.general, "!help")
    told = await wait_for_pointer(world, world.general, command)
    assert told.body == "Ich habe dir eine private Nachricht geschickt."
    command = await ask(world, world.general, "!language set off")
    told = await wait_for_pointer(world, world.general, command)
    assert told.body == PRIVATE_SENT
