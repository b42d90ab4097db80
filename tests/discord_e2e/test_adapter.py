"""The Discord adapter in the test's process against the loopback Discord API, with a probe cog:
replies, deferrals, buttons, forms, DMs, files, permissions and failures."""

from __future__ import annotations

import json

import pytest

import bot.platforms.discord as adapter
import bot.platforms.discord.interactions as interactions
from tests.discord_e2e.conftest import ALERTS, CHECKINS, FACILITATOR_ROLE, GENERAL, GUILD
from tests.discord_loopback import ALICE, BOB, CAROL, MOD

pytestmark = [pytest.mark.discord, pytest.mark.asyncio(loop_scope="module")]


def content(reply: dict) -> str:
    return reply.get("content") or ""


async def test_commands_are_synced_globally_once(inproc):
    server = inproc.server
    await server.wait_commands_synced()
    names = {c["name"] for c in server.synced_commands()}
    assert {"help", "about", "mydata", "probe"} <= names
    assert len(server.calls_to("PUT", r"applications/\d+/commands$")) == 1
    assert server.calls_to("PUT", r"guilds/\d+/commands") == []  # no dev_guild_id configured
    assert await inproc.platform.sync_commands() is False  # unchanged: not uploaded again


async def test_a_private_command_answers_ephemerally_with_member_text_escaped(inproc):
    rec = await inproc.server.invoke(
        GUILD, GENERAL, ALICE, "probe echo", {"text": "**hi** @everyone"}
    )
    reply = await rec.wait_reply()
    assert rec.ephemeral
    assert content(reply) == "You said: \\*\\*hi\\*\\* @\u200beveryone"
    assert reply["allowed_mentions"]["parse"] == []


async def test_a_public_reply_is_seen_in_the_channel_and_pings_nobody(inproc):
    server = inproc.server
    rec = await server.invoke(GUILD, GENERAL, BOB, "probe shout", {"text": "@here <@2001> hello"})
    reply = await rec.wait_reply()
    assert not rec.ephemeral
    assert content(reply).startswith("bob says: ")
    public = [
        m
        for m in server.channel_messages(GENERAL, include_interactions=True)
        if m["interaction_id"] == rec.id
    ]
    assert (
        len(public) == 1
        and public[0]["pings"] in ([], {}, None)
        or not any(public[0]["pings"].values())
    )


async def test_a_deferred_command_shows_thinking_then_the_answer(inproc):
    rec = await inproc.server.invoke(GUILD, GENERAL, ALICE, "probe slow")
    response = await rec.wait_response()
    assert response["type"] == 5 and rec.ephemeral
    reply = await rec.wait_reply()
    assert content(reply) == "Finished the slow work."
    assert rec.rejected == []


async def test_work_that_takes_long_is_deferred_automatically(inproc, monkeypatch):
    monkeypatch.setattr(interactions, "AUTO_DEFER_AFTER", 0.05)
    inproc.probe.release.clear()
    rec = await inproc.server.invoke(GUILD, GENERAL, ALICE, "probe wait")
    response = await rec.wait_response()
    assert response["type"] == 5  # acknowledged before the work finished
    inproc.probe.release.set()
    assert content(await rec.wait_reply()) == "Finished waiting."
    assert rec.rejected == []


async def test_a_failure_is_answered_with_an_ephemeral_apology_and_an_error_id(inproc):
    rec = await inproc.server.invoke(GUILD, GENERAL, ALICE, "probe boom")
    reply = await rec.wait_reply()
    assert rec.ephemeral
    assert "something went wrong" in content(reply) and "error id" in content(reply)


async def test_a_command_that_says_nothing_still_gets_an_answer(inproc):
    rec = await inproc.server.invoke(GUILD, GENERAL, ALICE, "probe quiet")
    assert content(await rec.wait_reply()) == "Done."
    assert rec.ephemeral


async def test_an_unknown_command_is_answered_kindly(inproc):
    server = inproc.server
    schema = server.synced_commands()[0]
    server._commands[None].append({**schema, "name": "vanished", "id": "77", "options": []})
    try:
        rec = await server.invoke(GUILD, GENERAL, ALICE, "vanished")
        reply = await rec.wait_reply()
    finally:
        server._commands[None].pop()
    assert rec.ephemeral and "/help" in content(reply)


async def test_a_long_answer_arrives_in_parts_under_discords_limit(inproc):
    rec = await inproc.server.invoke(GUILD, GENERAL, ALICE, "probe long")
    first = await rec.wait_reply()
    await rec.wait_followup(2)
    parts = [content(first)] + [content(f["body"]) for f in rec.followups]
    assert all(len(p) <= 2000 for p in parts)
    assert "line 000" in parts[0] and "line 059" in parts[-1]
    assert all(f["body"]["flags"] & 64 for f in rec.followups)  # still only for the member


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"text": ""}, "can't be empty"),
        ({"text": "   "}, "can't be empty"),
        ({"text": "x" * 10_000}, "10,000 characters"),
        ({"text": 5}, None),
    ],
)
async def test_bad_values_that_skip_discords_own_checks_are_refused_by_the_core(
    inproc, options, problem
):
    rec = await inproc.server.invoke(GUILD, GENERAL, CAROL, "probe echo", options, validate=False)
    reply = await rec.wait_reply()
    assert rec.ephemeral
    if problem is None:
        assert content(reply) == "You said: 5"
    else:
        assert problem in content(reply) and "Usage: /probe echo" in content(reply)


async def test_out_of_range_numbers_are_refused_and_nothing_is_kept(inproc):
    before = list(inproc.probe.notes)
    for stars in (0, 6, -1, 10**12):
        rec = await inproc.server.invoke(
            GUILD,
            GENERAL,
            ALICE,
            "probe note",
            {"topic": "t", "text": "x", "stars": stars},
            validate=False,
        )
        assert "out of range" in content(await rec.wait_reply())
    assert inproc.probe.notes == before


async def test_members_cannot_run_moderator_commands_moderators_can(inproc):
    server = inproc.server
    refused = await server.invoke(GUILD, GENERAL, ALICE, "probe mods")
    assert "Only moderators" in content(await refused.wait_reply()) and refused.ephemeral
    allowed = await server.invoke(
        GUILD, GENERAL, MOD, "probe mods"
    )  # Manage Server via the Moderator role
    assert content(await allowed.wait_reply()) == "Hello, moderator."
    admin = await server.invoke(
        GUILD, GENERAL, BOB, "probe mods", member_permissions=1 << 3
    )  # Administrator
    assert content(await admin.wait_reply()) == "Hello, moderator."


async def test_the_configured_facilitator_role_makes_a_facilitator(inproc):
    server, bot = inproc.server, inproc.bot
    before = await server.invoke(GUILD, GENERAL, CAROL, "probe facils", roles=(FACILITATOR_ROLE,))
    assert "Only facilitators" in content(await before.wait_reply())
    await bot.community_settings.set(
        "discord", str(GUILD), "facilitator_role", str(FACILITATOR_ROLE), bot.clock.now()
    )
    try:
        with_role = await server.invoke(
            GUILD, GENERAL, CAROL, "probe facils", roles=(FACILITATOR_ROLE,)
        )
        assert content(await with_role.wait_reply()) == "Hello, facilitator."
        without = await server.invoke(GUILD, GENERAL, BOB, "probe facils")
        assert "Only facilitators" in content(await without.wait_reply())
    finally:
        await bot.community_settings.set(
            "discord", str(GUILD), "facilitator_role", None, bot.clock.now()
        )


async def test_buttons_run_their_command_as_the_person_who_pressed(inproc):
    server = inproc.server
    rec = await server.invoke(GUILD, GENERAL, ALICE, "probe buttons")
    reply = await rec.wait_reply()
    buttons = [c for row in reply["components"] for c in row["components"]]
    assert [b["label"] for b in buttons] == ["Write a note", "Say hi", "Mods"]
    say_hi = buttons[1]["custom_id"]
    press = await server.press_button(GUILD, GENERAL, BOB, say_hi)
    assert content(await press.wait_reply()) == "You said: hi" and press.ephemeral
    assert press.user_id == BOB.id


async def test_a_form_button_opens_a_modal_and_the_submission_runs_the_command(inproc):
    server = inproc.server
    rec = await server.invoke(GUILD, GENERAL, ALICE, "probe buttons")
    buttons = [c for row in (await rec.wait_reply())["components"] for c in row["components"]]
    press = await server.press_button(GUILD, GENERAL, ALICE, buttons[0]["custom_id"])
    modal = await press.wait_reply()
    assert (await press.wait_response())["type"] == 9
    # Discord's current layout: each text input inside a Label (type 18), which carries the
    # label; the input's own label is deprecated and left out
    assert [c["type"] for c in modal["components"]] == [18, 18]
    assert all(c["label"] and len(c["label"]) <= 45 for c in modal["components"])
    fields = [c["component"] for c in modal["components"]]
    assert all(f["type"] == 4 and not f.get("label") for f in fields)
    assert [f["custom_id"] for f in fields] == ["text", "stars"]  # topic came with the button
    assert fields[0]["required"] and not fields[1]["required"]
    submit = await server.submit_modal(
        GUILD, GENERAL, ALICE, modal["custom_id"], {"text": "**a** good day"}
    )
    assert content(await submit.wait_reply()) == "Noted under today (3)."
    assert submit.ephemeral
    assert inproc.probe.notes[-1] == ("today", "**a** good day", 3)


async def test_a_form_answered_by_an_older_client_in_action_rows_still_runs(inproc):
    server = inproc.server
    rec = await server.invoke(GUILD, GENERAL, ALICE, "probe buttons")
    buttons = [c for row in (await rec.wait_reply())["components"] for c in row["components"]]
    press = await server.press_button(GUILD, GENERAL, ALICE, buttons[0]["custom_id"])
    modal = await press.wait_reply()
    submit = await server.submit_modal(
        GUILD, GENERAL, ALICE, modal["custom_id"], {"text": "older app", "stars": "4"},
        action_rows=True,
    )  # fmt: skip
    assert content(await submit.wait_reply()) == "Noted under today (4)."
    assert inproc.probe.notes[-1] == ("today", "older app", 4)


async def test_a_bad_value_in_a_form_is_refused_and_nothing_is_kept(inproc):
    server = inproc.server
    rec = await server.invoke(GUILD, GENERAL, ALICE, "probe buttons")
    buttons = [c for row in (await rec.wait_reply())["components"] for c in row["components"]]
    press = await server.press_button(GUILD, GENERAL, ALICE, buttons[0]["custom_id"])
    modal = await press.wait_reply()
    before = list(inproc.probe.notes)
    submit = await server.submit_modal(
        GUILD, GENERAL, ALICE, modal["custom_id"], {"text": "x", "stars": "nine"}
    )
    assert "'nine' is not a whole number" in content(await submit.wait_reply())
    assert inproc.probe.notes == before


async def test_a_form_for_a_command_the_presser_may_not_use_is_refused_without_a_form(inproc):
    server = inproc.server
    rec = await server.invoke(GUILD, GENERAL, ALICE, "probe buttons")
    buttons = [c for row in (await rec.wait_reply())["components"] for c in row["components"]]
    press = await server.press_button(GUILD, GENERAL, ALICE, buttons[2]["custom_id"])
    assert "Only moderators" in content(await press.wait_reply())


async def test_buttons_from_before_a_restart_and_foreign_ids_still_get_an_answer(inproc):
    server = inproc.server
    custom_id = "pb:" + json.dumps(["probe echo", {"text": "still here"}], separators=(",", ":"))
    press = await server.press_button(GUILD, GENERAL, CAROL, custom_id, validate=False)
    assert content(await press.wait_reply()) == "You said: still here"
    for stale in ("someone-elses-button", 'pb:["no such command",{}]'):
        rec = await server.press_button(GUILD, GENERAL, CAROL, stale, validate=False)
        assert "no longer does anything" in content(await rec.wait_reply())


async def test_direct_messages_arrive_and_closed_dms_are_reported(inproc):
    server = inproc.server
    rec = await server.invoke(GUILD, GENERAL, BOB, "probe dm")
    assert content(await rec.wait_reply()) == "Sent."
    dms = server.dm_messages(BOB.id)
    assert (
        content(dms[-1]) == "A private hello, bob." and dms[-1]["allowed_mentions"]["parse"] == []
    )
    server.dm_closed_users.add(CAROL.id)
    try:
        closed = await server.invoke(GUILD, GENERAL, CAROL, "probe dm")
        assert content(await closed.wait_reply()) == "Your direct messages are closed."
        # the core's fallback: the member hears about it on their next command
        nxt = await server.invoke(GUILD, GENERAL, CAROL, "probe echo", {"text": "hi"})
        await nxt.wait_reply()
        await nxt.wait_followup(1)
        said = [content(nxt.response["data"])] + [content(f["body"]) for f in nxt.followups]
        assert any("couldn't reach you" in s for s in said)
    finally:
        server.dm_closed_users.discard(CAROL.id)


async def test_files_are_attached(inproc):
    rec = await inproc.server.invoke(GUILD, GENERAL, ALICE, "probe file")
    reply = await rec.wait_reply()
    assert content(reply) == "Your file."
    message = rec.original
    assert message["files"] == [("probe.json", b'{"ok": true}')]


async def test_channels_members_and_roles_arrive_as_references(inproc):
    rec = await inproc.server.invoke(
        GUILD,
        GENERAL,
        ALICE,
        "probe where",
        {"channel": CHECKINS, "who": BOB, "role": FACILITATOR_ROLE},
    )
    assert content(await rec.wait_reply()) == "checkins / bob / Facilitator"


async def test_posts_go_to_the_channel_with_a_thread_and_no_mentions(inproc):
    server = inproc.server
    rec = await server.invoke(GUILD, ALERTS, ALICE, "probe post", {"text": "@everyone look"})
    assert content(await rec.wait_reply()) == "Posted."
    posted = server.channel_messages(ALERTS)[-1]
    assert content(posted) == "Posted: @\u200beveryone look"
    assert posted["allowed_mentions"]["parse"] == [] and not posted["mention_everyone"]
    assert server.calls_to("POST", rf"channels/{ALERTS}/messages/\d+/threads")


async def test_posting_to_a_channel_of_another_community_is_refused(inproc):
    from bot.message import Message

    assert await inproc.platform.post("999", str(GENERAL), Message("hi")) is None
    assert await inproc.platform.post(str(GUILD), "not-a-channel", Message("hi")) is None
    assert await inproc.platform.post(str(GUILD), str(GENERAL), Message("hi")) is not None


async def test_chat_messages_reach_the_listeners_with_a_link(inproc):
    seen = []

    async def listen(ctx, event):
        seen.append(event)

    inproc.bot.listeners["message"].append(listen)
    try:
        await inproc.server.send_message(GUILD, GENERAL, BOB, "hello everyone")
        await inproc.server.wait_until(lambda: seen, what="the message event")
    finally:
        inproc.bot.listeners["message"].remove(listen)
    event = seen[0]
    assert (event.text, event.author.name, event.channel.id) == (
        "hello everyone",
        "bob",
        str(GENERAL),
    )
    assert event.link.endswith(f"/{GUILD}/{GENERAL}/{event.message_id}")


async def test_an_interaction_replayed_after_a_resume_is_answered_once(inproc):
    server = inproc.server
    await server.drop_gateway()
    rec = await server.invoke(GUILD, GENERAL, ALICE, "probe echo", {"text": "while away"})
    await server.wait_resumed()
    assert content(await rec.wait_reply()) == "You said: while away"
    assert len(rec.responses) == 1 and rec.rejected == []


async def autocomplete(server, name: str, sub: str, option: str, typed: str):
    # The loopback server has no autocomplete helper yet; deliver the interaction directly.
    schema = next(c for c in server.synced_commands() if c["name"] == name)
    data = {
        "id": schema["id"],
        "name": name,
        "type": 1,
        "options": [
            {
                "name": sub,
                "type": 1,
                "options": [{"name": option, "type": 3, "value": typed, "focused": True}],
            }
        ],
    }
    return server._deliver(4, GUILD, GENERAL, ALICE, data, None, (), True)


@pytest.mark.parametrize(
    ("typed", "expected"), [("Europe/Lon", "Europe/London"), ("tokyo", "Asia/Tokyo")]
)
async def test_timezones_are_suggested_while_typing(inproc, typed, expected):
    rec = await autocomplete(inproc.server, "probe", "zone", "zone", typed)
    response = await rec.wait_response()
    assert response["type"] == 8
    assert expected in [c["value"] for c in response["data"]["choices"]]


@pytest.mark.parametrize("typed", ["x" * 10_000, "'; DROP TABLE x; --", ""])
async def test_odd_text_in_the_timezone_box_still_gets_suggestions_or_none(inproc, typed):
    rec = await autocomplete(inproc.server, "probe", "zone", "zone", typed)
    response = await rec.wait_response()
    assert response["type"] == 8 and len(response["data"]["choices"]) <= 25


async def test_an_unknown_timezone_is_refused_with_suggestions(inproc):
    rec = await inproc.server.invoke(GUILD, GENERAL, ALICE, "probe zone", {"zone": "Europe/Londn"})
    reply = content(await rec.wait_reply())
    assert "I don't know the timezone" in reply and "Europe/London" in reply


async def test_commands_sent_from_a_direct_message_point_to_the_server(inproc):
    rec = await inproc.server.invoke(None, 0, ALICE, "about", validate=False)
    assert "inside a server" in content(await rec.wait_reply())


async def test_a_new_member_reaches_the_join_listeners(inproc):
    from tests.discord_loopback import FakeUser

    joined = []

    async def on_join(ctx, event):
        joined.append(event)

    inproc.bot.listeners["member_join"].append(on_join)
    try:
        await inproc.server.add_member(GUILD, FakeUser(2042, "dana"))
        await inproc.server.wait_until(lambda: joined, what="the join event")
    finally:
        inproc.bot.listeners["member_join"].remove(on_join)
    assert (joined[0].member.id, joined[0].member.name, joined[0].community.id) == (
        "2042",
        "dana",
        str(GUILD),
    )


async def _start_alone(server, tmp_path, token: str, timeout: float):
    from bot.app import build_bot
    from bot.config import parse_config
    from bot.platforms.discord import DiscordPlatform
    from tests.discord_e2e.probe_cog import Probe

    data = {
        "discord": {
            "token_env": "T",
            "api_base": server.api_base,
            "gateway_url": server.gateway_url,
        }
    }
    config = parse_config(data, {"T": token})
    bot = await build_bot(config, database=str(tmp_path / "alone.db"))
    await bot.add_cog(Probe(bot))  # the same command set, so the running bot's commands stay
    platform = DiscordPlatform(config.discord, start_timeout=timeout)
    bot.add_platform(platform)
    try:
        await platform.start()
    finally:
        await platform.stop()
        await bot.db.close()


async def test_a_wrong_token_stops_start_up_with_a_clear_message(inproc, tmp_path):
    with pytest.raises(adapter.DiscordStartError, match="refused the bot token"):
        await _start_alone(inproc.server, tmp_path, "wrong-token", 10)


async def test_an_unreachable_gateway_stops_start_up_with_a_clear_message(inproc, tmp_path):
    inproc.server.refuse_gateway = True
    try:
        with pytest.raises(adapter.DiscordStartError, match="could not connect to Discord"):
            await _start_alone(inproc.server, tmp_path, "test-token", 1.5)
    finally:
        inproc.server.refuse_gateway = False
    # the running bot is unaffected
    rec = await inproc.server.invoke(GUILD, GENERAL, ALICE, "probe echo", {"text": "still here"})
    assert content(await rec.wait_reply()) == "You said: still here"
