"""The loopback Discord server works with an unmodified discord.py client in the same process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
import pytest_asyncio
import yarl
from discord import app_commands

from . import ALICE, BOB, DEFAULT_GUILD_ID, MOD, FakeUser, LoopbackDiscord

pytestmark = [pytest.mark.asyncio, pytest.mark.discord]

GUILD = DEFAULT_GUILD_ID
GENERAL, CHECKINS = 1001, 1002


class _NoteModal(discord.ui.Modal, title="A note"):
    text: discord.ui.TextInput = discord.ui.TextInput(
        label="Note", custom_id="note-text", max_length=100
    )

    def __init__(self) -> None:
        super().__init__(custom_id="note-modal")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"saved: {self.text.value}", ephemeral=True)


class _FeelingView(discord.ui.View):
    @discord.ui.button(label="I'm okay", custom_id="feel-ok")
    async def ok(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message("noted, thank you", ephemeral=True)


class TinyBot(discord.Client):
    """A minimal discord.py bot: one app-command tree synced to the test guild."""

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.members = True
        intents.message_content = True
        super().__init__(intents=intents, guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.ready_guild_members = 0
        self._add_commands()

    def _add_commands(self) -> None:
        tree, guild = self.tree, discord.Object(GUILD)

        @tree.command(name="rate", description="Rate your day", guild=guild)
        async def rate(
            interaction: discord.Interaction, mood: app_commands.Range[int, 1, 5]
        ) -> None:
            await interaction.response.send_message(f"mood {mood} logged", ephemeral=True)

        @tree.command(name="announce", description="Post in this channel", guild=guild)
        async def announce(interaction: discord.Interaction, text: str) -> None:
            await interaction.channel.send(text, allowed_mentions=discord.AllowedMentions.none())
            await interaction.response.send_message("posted", ephemeral=True)

        @tree.command(name="checkin", description="Check in with a button", guild=guild)
        async def checkin(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(
                "How are you?", view=_FeelingView(), ephemeral=True
            )

        @tree.command(name="note", description="Write a note", guild=guild)
        async def note(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(_NoteModal())

        @tree.command(name="slow", description="Answers late", guild=guild)
        async def slow(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.3)
            await interaction.response.send_message("late")

        @tree.command(name="dmme", description="Send me a DM", guild=guild)
        async def dmme(interaction: discord.Interaction) -> None:
            try:
                await interaction.user.send("a private hello")
            except discord.Forbidden as err:
                await interaction.response.send_message(f"DMs closed ({err.code})", ephemeral=True)
            else:
                await interaction.response.send_message("sent", ephemeral=True)

        @tree.command(name="thread", description="Open a thread here", guild=guild)
        async def thread(interaction: discord.Interaction) -> None:
            kind = discord.ChannelType.public_thread
            opened = await interaction.channel.create_thread(name="daily check-in", type=kind)
            await opened.send("How is everyone today?")
            await interaction.response.send_message(f"opened {opened.id}", ephemeral=True)

        @tree.command(name="partner", description="Pair with a member", guild=guild)
        async def partner(
            interaction: discord.Interaction, member: discord.Member, where: discord.TextChannel
        ) -> None:
            text = f"{member.display_name} in #{where.name}"
            await interaction.response.send_message(text, ephemeral=True)

        milestone = app_commands.Group(
            name="milestone", description="Milestones", guild_ids=[GUILD]
        )

        @milestone.command(name="set", description="Set your start date")
        @app_commands.choices(kind=[app_commands.Choice(name="days", value="days")])
        async def milestone_set(
            interaction: discord.Interaction,
            days: app_commands.Range[int, 0, 36500],
            kind: str = "days",
        ) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.edit_original_response(content=f"{days} {kind} recorded")

        tree.add_command(milestone)

    async def setup_hook(self) -> None:
        await self.tree.sync(guild=discord.Object(GUILD))

    async def on_ready(self) -> None:
        guild = self.get_guild(GUILD)
        self.ready_guild_members = len(guild.members) if guild else 0


@pytest_asyncio.fixture
async def server() -> AsyncIterator[LoopbackDiscord]:
    async with LoopbackDiscord() as srv:
        yield srv


@pytest_asyncio.fixture
async def bot(server: LoopbackDiscord) -> AsyncIterator[TinyBot]:
    old_base, old_gateway = (
        discord.http.Route.BASE,
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
    )
    discord.http.Route.BASE = server.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(server.gateway_url)
    client = TinyBot()
    task = asyncio.create_task(client.start(server.token))
    try:
        await server.wait_ready(10)
        await server.wait_commands_synced(10)
        await asyncio.wait_for(client.wait_until_ready(), 10)
        yield client
    finally:
        await client.close()
        await asyncio.wait_for(task, 10)
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


async def test_login_sync_and_guild_cache(server: LoopbackDiscord, bot: TinyBot) -> None:
    names = {c["name"] for c in server.synced_commands(GUILD)}
    assert names == {
        "rate",
        "announce",
        "checkin",
        "note",
        "slow",
        "dmme",
        "thread",
        "partner",
        "milestone",
    }
    assert server.synced_commands() == []
    rate = next(c for c in server.synced_commands(GUILD) if c["name"] == "rate")
    assert rate["options"][0]["min_value"] == 1 and rate["options"][0]["max_value"] == 5
    # all members arrived in GUILD_CREATE: alice, bob, carol, mod and the bot, no chunking needed
    assert bot.ready_guild_members == 5
    assert server.calls_to("GET", r"^users/@me$")[0].status == 200
    assert server.gateway.identify_count == 1
    assert server.gateway.connection_queries[0]["compress"] == "zlib-stream"


async def test_valid_option_gets_ephemeral_reply(server: LoopbackDiscord, bot: TinyBot) -> None:
    record = await server.invoke(GUILD, CHECKINS, ALICE, "rate", {"mood": 4})
    response = await record.wait_response()
    assert response["type"] == 4
    assert response["data"]["content"] == "mood 4 logged"
    assert response["data"]["flags"] & 64
    assert record.ephemeral
    assert server.channel_messages(CHECKINS, include_interactions=True) == []


async def test_options_outside_the_schema_are_refused(
    server: LoopbackDiscord, bot: TinyBot
) -> None:
    with pytest.raises(ValueError, match="maximum 5"):
        await server.invoke(GUILD, CHECKINS, ALICE, "rate", {"mood": 9})
    with pytest.raises(ValueError, match="required"):
        await server.invoke(GUILD, CHECKINS, ALICE, "rate", {})
    with pytest.raises(ValueError, match="choices"):
        await server.invoke(GUILD, CHECKINS, ALICE, "milestone set", {"days": 3, "kind": "weeks"})
    with pytest.raises(LookupError):
        await server.invoke(GUILD, CHECKINS, ALICE, "nosuchcommand", {})
    # a test can still deliver what a real client never would; discord.py does not check ranges
    record = await server.invoke(GUILD, CHECKINS, ALICE, "rate", {"mood": 9}, validate=False)
    assert (await record.wait_response())["data"]["content"] == "mood 9 logged"


async def test_subcommand_with_deferral_and_edit(server: LoopbackDiscord, bot: TinyBot) -> None:
    record = await server.invoke(GUILD, CHECKINS, BOB, "milestone set", {"days": 30})
    reply = await record.wait_reply()
    assert record.response == {"type": 5, "data": {"flags": 64}}
    assert reply["content"] == "30 days recorded"
    assert record.followups[0]["kind"] == "edit_original"


async def test_second_initial_response_is_refused(server: LoopbackDiscord, bot: TinyBot) -> None:
    record = await server.invoke(GUILD, CHECKINS, ALICE, "rate", {"mood": 2})
    await record.wait_response()
    url = f"{server.api_base}/interactions/{record.id}/{record.token}/callback?with_response=1"
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json={"type": 4, "data": {"content": "again"}}) as r,
    ):
        assert r.status == 400
        assert r.headers["Content-Type"] == "application/json"
        assert (await r.json())["code"] == 40060
    assert len(record.responses) == 1


async def test_expired_token_is_refused(server: LoopbackDiscord, bot: TinyBot) -> None:
    server.token_ttl = 0.1
    record = await server.invoke(GUILD, GENERAL, ALICE, "slow", {})
    await record.wait_until(lambda: record.rejected, 5, "the late callback")
    assert record.rejected[0] == (404, {"message": "Unknown interaction", "code": 10062})
    assert record.response is None


async def test_resume_replays_queued_interaction_once(
    server: LoopbackDiscord, bot: TinyBot
) -> None:
    server.refuse_gateway = True
    await server.drop_gateway(4000)
    queued = await server.invoke(GUILD, CHECKINS, ALICE, "rate", {"mood": 3})
    await asyncio.sleep(0)
    assert queued.response is None
    await server.wait_until(lambda: server.gateway.refused_count, 10, "a refused reconnect")
    server.refuse_gateway = False
    await server.wait_resumed(10)
    assert (await queued.wait_response(10))["data"]["content"] == "mood 3 logged"
    later = await server.invoke(GUILD, CHECKINS, BOB, "rate", {"mood": 5})
    await later.wait_response()
    callbacks = server.calls_to("POST", rf"^interactions/{queued.id}/")
    assert len(callbacks) == 1 and not queued.rejected
    assert server.gateway.identify_count == 1 and server.gateway.resume_count == 1


async def test_plain_drop_resumes_without_reidentify(server: LoopbackDiscord, bot: TinyBot) -> None:
    await server.drop_gateway(4000)
    await server.wait_resumed(10)
    record = await server.invoke(GUILD, CHECKINS, ALICE, "rate", {"mood": 4})
    assert (await record.wait_reply())["content"] == "mood 4 logged"
    assert server.gateway.identify_count == 1 and server.gateway.resume_count == 1


async def test_button_press_is_delivered(server: LoopbackDiscord, bot: TinyBot) -> None:
    shown = await server.invoke(GUILD, CHECKINS, ALICE, "checkin", {})
    assert (await shown.wait_reply())["components"][0]["components"][0]["custom_id"] == "feel-ok"
    pressed = await server.press_button(GUILD, CHECKINS, ALICE, "feel-ok")
    assert (await pressed.wait_reply())["content"] == "noted, thank you"
    with pytest.raises(LookupError):
        await server.press_button(GUILD, CHECKINS, ALICE, "no-such-button")


async def test_modal_submit_is_delivered(server: LoopbackDiscord, bot: TinyBot) -> None:
    shown = await server.invoke(GUILD, CHECKINS, ALICE, "note", {})
    assert (await shown.wait_response())["type"] == 9
    assert shown.modal is not None and shown.modal["custom_id"] == "note-modal"
    with pytest.raises(ValueError, match="longer than 100"):
        await server.submit_modal(GUILD, CHECKINS, ALICE, "note-modal", {"note-text": "x" * 101})
    submitted = await server.submit_modal(
        GUILD, CHECKINS, ALICE, "note-modal", {"note-text": "a good day"}
    )
    assert (await submitted.wait_reply())["content"] == "saved: a good day"


async def test_channel_message_records_allowed_mentions(
    server: LoopbackDiscord, bot: TinyBot
) -> None:
    record = await server.invoke(
        GUILD, GENERAL, MOD, "announce", {"text": "welcome <@2001> @everyone"}
    )
    await record.wait_response()
    [message] = server.channel_messages(GENERAL)
    assert message["content"] == "welcome <@2001> @everyone"
    assert message["allowed_mentions"] == {"parse": []}
    assert message["pings"] == {"users": set(), "roles": set(), "everyone": False}


async def test_thread_creation_and_post(server: LoopbackDiscord, bot: TinyBot) -> None:
    record = await server.invoke(GUILD, CHECKINS, MOD, "thread", {})
    thread_id = int((await record.wait_reply())["content"].split()[1])
    [message] = server.channel_messages(thread_id)
    assert message["content"] == "How is everyone today?"
    assert bot.get_channel(thread_id).parent_id == CHECKINS


async def test_user_and_channel_options_are_resolved(server: LoopbackDiscord, bot: TinyBot) -> None:
    record = await server.invoke(
        GUILD, GENERAL, ALICE, "partner", {"member": BOB, "where": CHECKINS}
    )
    assert (await record.wait_reply())["content"] == "bob in #checkins"


async def test_unknown_route_is_answered_and_recorded(server: LoopbackDiscord) -> None:
    headers = {"Authorization": f"Bot {server.token}"}
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.api_base}/guilds/1000/audit-logs", headers=headers) as r:
            assert r.status == 404
            assert await r.json() == {"message": "Unknown route", "code": 0}
        async with http.get(f"{server.api_base}/users/@me") as r:
            assert r.status == 401
    assert [(c.path, c.status) for c in server.calls] == [
        ("guilds/1000/audit-logs", 404),
        ("users/@me", 401),
    ]


async def test_dm_and_closed_dms(server: LoopbackDiscord, bot: TinyBot) -> None:
    record = await server.invoke(GUILD, GENERAL, ALICE, "dmme", {})
    assert (await record.wait_reply())["content"] == "sent"
    assert [m["content"] for m in server.dm_messages(ALICE.id)] == ["a private hello"]
    server.dm_closed_users.add(BOB.id)
    record = await server.invoke(GUILD, GENERAL, BOB, "dmme", {})
    assert (await record.wait_reply())["content"] == "DMs closed (50007)"
    assert server.dm_messages(BOB.id) == []


async def test_member_events_reach_the_bot(server: LoopbackDiscord, bot: TinyBot) -> None:
    message_seen = asyncio.ensure_future(bot.wait_for("message", check=lambda m: not m.author.bot))
    sent = await server.send_message(GUILD, GENERAL, BOB, "hello everyone")
    message = await asyncio.wait_for(message_seen, 5)
    assert (message.content, message.id, message.channel.id) == (
        "hello everyone",
        int(sent["id"]),
        GENERAL,
    )

    joined = asyncio.ensure_future(bot.wait_for("member_join"))
    await server.add_member(GUILD, FakeUser(2050, "dana"))
    member = await asyncio.wait_for(joined, 5)
    assert (member.id, member.guild.id) == (2050, GUILD)

    # an explicit chunk request (op 8) is answered with GUILD_MEMBERS_CHUNK
    members = await asyncio.wait_for(bot.get_guild(GUILD).chunk(cache=False), 5)
    assert {m.name for m in members} >= {"alice", "bob", "carol", "mod", "dana"}
