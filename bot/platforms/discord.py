"""The Discord adapter: slash commands, ephemeral replies, buttons, forms and DMs.

Every command spec becomes an application command (``discord_commands``); every interaction
is handled in ``on_interaction`` and turned into an :class:`Invocation` for the core. Buttons
and forms carry the command to run in their custom id, so they keep working after a restart
without any view being registered. discord.py is used unmodified.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
import discord
import yarl

from bot.config import DiscordSection
from bot.failures import log_failure, new_error_id
from bot.message import Message
from bot.platforms.base import (
    Actor,
    Capabilities,
    CommunityRef,
    Invocation,
    MemberJoinEvent,
    MessageEvent,
    Platform,
    PlatformStartError,
)
from bot.platforms.discord_commands import (
    CHANNEL,
    ROLE,
    USER,
    Action,
    CommandSet,
    build_commands,
    focused_option,
    parse_custom_id,
    route_of,
)
from bot.platforms.discord_connection import (
    ConnectionWatch,
    connection_problem,
    install_log_filter,
    start_problem,
)
from bot.platforms.discord_groups import open_private_thread
from bot.platforms.discord_render import (
    NO_MENTIONS,
    build_modal,
    escape,
    modal_values,
    render,
    split_text,
)
from bot.platforms.discord_resolve import DiscordResolver
from bot.platforms.discord_suggest import suggestions
from bot.platforms.edits import EditMemory
from bot.spec import ChannelRef, CommandSpec, Level, MemberRef, RoleRef
from storage.platform_state import PlatformState

log = logging.getLogger(__name__)

PLATFORM = "discord"
START_TIMEOUT = 60.0  # seconds from start() to READY before giving up with a clear error
AUTO_DEFER_AFTER = 2.0  # Discord drops interactions not answered within 3 s
SEEN_INTERACTIONS = 2048  # ids remembered so that a replayed interaction is never answered twice
UNKNOWN_COMMAND = (
    "I don't recognise that command any more; it may have changed since your app loaded it. "
    "Try /help."
)
STALE_BUTTON = "This button no longer does anything. Try /help to see what I can do."
GUILD_ONLY = "My commands work inside a server, where your community is."
APOLOGY = "Sorry, something went wrong on my side and I couldn't finish that. (error id {error_id})"
# How long a post or DM waits for a lost connection to come back (counted from the loss)
# before it is given up as undelivered; discord.py's own reconnect backoff stays well below.
OUTAGE_WAIT = 45.0
# Failures of the network rather than of the request: worth one retry once reconnected.
NETWORK_ERRORS = (aiohttp.ClientConnectionError, OSError, TimeoutError, discord.DiscordServerError)

T = TypeVar("T")


class DiscordStartError(PlatformStartError):
    """The bot could not connect to Discord; the message says why and what to do."""


class DiscordPlatform(Platform):
    """Discord through discord.py: one client, every guild it is in is a community."""

    name = PLATFORM
    capabilities = Capabilities(ephemeral=True, buttons=True, forms=True, threads=True, files=True)
    command_prefix = "/"

    def __init__(self, config: DiscordSection, *, start_timeout: float = START_TIMEOUT) -> None:
        super().__init__()
        self.config = config
        self.start_timeout = start_timeout
        self.client: _Client | None = None
        self.commands = CommandSet(payload=[])
        self._task: asyncio.Task | None = None
        self._ready = asyncio.Event()
        self._seen: collections.OrderedDict[int, None] = collections.OrderedDict()
        self._edits = EditMemory()
        self._inflight: set[asyncio.Task] = set()
        self._stopping = False
        self.watch = ConnectionWatch()
        self.outage_wait = OUTAGE_WAIT
        # What happens when the connection ends for good while running (a revoked token):
        # by default the process stops with exit code 1, so a service manager notices.
        self.on_fatal: Callable[[str], None] = _stop_process

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Log in, sync commands if they changed, connect; returns once READY (or raises)."""
        assert self.bot is not None
        install_log_filter()
        self._stopping = False
        if self.config.api_base:
            discord.http.Route.BASE = self.config.api_base.rstrip("/")
        if self.config.gateway_url:
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.config.gateway_url)
        self.commands = build_commands(self.bot.registry.all())
        for problem in self.commands.problems:
            log.error("discord command mapping: %s", problem)
        intents = discord.Intents.default()
        intents.members = True  # welcome messages and looking members up by name
        intents.message_content = self.config.message_content
        if not self.config.message_content:
            log.warning(
                "discord.message_content is off: chat messages are not read, so crisis words in "
                "chat are not noticed; only /crisis works"
            )
        self.client = _Client(
            self,
            intents=intents,
            allowed_mentions=NO_MENTIONS,
            chunk_guilds_at_startup=False,
            max_messages=None,
            # A loopback test server sends every guild at once; Discord may trickle them in.
            guild_ready_timeout=0.2 if self.config.api_base else 2.0,
        )
        self._ready.clear()
        self._task = asyncio.create_task(self._connect(), name="discord-client")
        ready = asyncio.create_task(self._ready.wait())
        done, _ = await asyncio.wait(
            {self._task, ready}, timeout=self.start_timeout, return_when=asyncio.FIRST_COMPLETED
        )
        ready.cancel()
        if self._ready.is_set():
            self._task.add_done_callback(self._client_ended)
            log.info(
                "discord: connected as %s to %d server(s)",
                self.client.user,
                len(self.client.guilds),
            )
            return
        error = self._task.exception() if self._task in done else None
        await self.stop()
        raise DiscordStartError(start_problem(error, self.start_timeout)) from error

    async def _connect(self) -> None:
        assert self.client is not None
        await self.client.start(self.config.token)

    def _client_ended(self, task: asyncio.Task) -> None:
        """The client stopped by itself: discord.py only gives up when it cannot go on."""
        if self._stopping or task.cancelled():
            return
        error = task.exception()
        reason = connection_problem(error) if error else "the connection to Discord ended"
        log.critical("discord: %s peerbot cannot go on without Discord and stops.", reason)
        self.on_fatal(reason)

    async def stop(self) -> None:
        """Close the connection and wait for interactions in progress."""
        self._stopping = True
        if self._inflight:
            await asyncio.wait(self._inflight, timeout=5)
        if self.client is not None and not self.client.is_closed():
            await self.client.close()
        if self._task is not None and not self._task.done():
            self._task.cancel()
            # the client task ends by cancellation; how it ended no longer matters here
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        self._task = None

    async def sync_commands(self) -> bool:
        """Upload the commands when their hash differs from the last upload. True if uploaded."""
        assert self.bot is not None and self.client is not None
        state = PlatformState(self.bot.db, PLATFORM)
        digest = f"{self.commands.digest}:{self.config.dev_guild_id}"
        if await state.get("commands_hash") == digest:
            log.info("discord: commands unchanged, not syncing")
            return False
        app_id = self.client.application_id
        await self.client.http.bulk_upsert_global_commands(app_id, self.commands.payload)
        if self.config.dev_guild_id:
            await self.client.http.bulk_upsert_guild_commands(
                app_id, self.config.dev_guild_id, self.commands.payload
            )
        await state.set("commands_hash", digest)
        log.info("discord: synced %d commands", len(self.commands.payload))
        return True

    # --- Platform: talking to people ----------------------------------------------------------

    def command_name(self, path: tuple[str, ...]) -> str:
        """Flattened names such as ``checkin-history`` where Discord needs them."""
        for names, spec_path in self.commands.routes.items():
            if spec_path == path:
                return " ".join(names)
        return " ".join(path)

    async def post(
        self,
        community_id: str,
        channel_id: str,
        message: Message,
        *,
        thread_title: str | None = None,
    ) -> str | None:
        channel = await self._channel(community_id, channel_id)
        if channel is None:
            log.warning("discord: channel %s is not in server %s", channel_id, community_id)
            return None
        first: discord.Message | None = None
        try:
            for part in render(message):
                sent = await self._outlasting(lambda part=part: channel.send(**part.kwargs()))
                _stop_view(part.view)
                first = first or sent
            if thread_title and first is not None and isinstance(channel, discord.TextChannel):
                await first.create_thread(name=thread_title[:100] or "thread")
        except (discord.HTTPException, *NETWORK_ERRORS) as err:
            log.warning("discord: posting in %s failed: %s", channel_id, err)
        return str(first.id) if first is not None else None

    async def edit(
        self, community_id: str, channel_id: str, message_id: str, message: Message
    ) -> bool:
        """Replace the text of a post (its buttons removed; nobody is notified again)."""
        channel = await self._channel(community_id, channel_id)
        if channel is None or not message_id.isdigit():
            return False
        text = split_text(discord.utils.escape_mentions(message.render(escape=escape)))[0]
        partial = channel.get_partial_message(int(message_id))
        try:
            await self._outlasting(
                lambda: partial.edit(content=text, view=None, allowed_mentions=NO_MENTIONS)
            )
        except (discord.HTTPException, *NETWORK_ERRORS) as err:
            log.warning("discord: editing %s in %s failed: %s", message_id, channel_id, err)
            return False
        return True

    async def has_role(self, community_id: str, user_id: str, role: str) -> bool | None:
        """Whether a member of this server has the role (by id)."""
        assert self.client is not None
        guild = self.client.get_guild(int(community_id)) if community_id.isdigit() else None
        if guild is None or not user_id.isdigit():
            return None
        member = guild.get_member(int(user_id))
        if member is None:
            return None
        return any(str(r.id) == role for r in member.roles)

    async def send_private(self, community_id: str, user_id: str, message: Message) -> bool:
        assert self.client is not None
        client = self.client
        try:
            user = client.get_user(int(user_id)) or await self._outlasting(
                lambda: client.fetch_user(int(user_id))
            )
            for part in render(message, guild=community_id):
                await self._outlasting(lambda part=part: user.send(**part.kwargs()))
                _stop_view(part.view)
        except discord.Forbidden:  # 50007: the member does not accept DMs from this server
            return False
        except (discord.HTTPException, ValueError, *NETWORK_ERRORS) as err:
            log.warning("discord: DM to %s failed: %s", user_id, err)
            return False
        return True

    async def open_private_group(
        self, community_id: str, user_ids: list[str], title: str, message: Message
    ) -> bool:
        """A private thread in the check-ins channel (else the server's system channel) with
        these members added and `message` posted; False when none can be opened there."""
        assert self.bot is not None and self.client is not None
        guild = self.client.get_guild(int(community_id)) if community_id.isdigit() else None
        if guild is None:
            return False
        channel_id = await self.bot.community_settings.get(
            PLATFORM, community_id, "channel.checkins"
        )
        parent = (
            await self._channel(community_id, channel_id) if channel_id else guild.system_channel
        )
        if parent is None:
            log.info("discord: no check-ins or system channel in %s for a private thread", guild.id)
            return False
        return await open_private_thread(parent, user_ids, title, message, self._outlasting)

    async def _outlasting(self, call: Callable[[], Awaitable[T]]) -> T:
        """Make a REST call; after a network failure, wait for the connection and retry once.

        A post that falls due while Discord is unreachable goes out when the bot is back
        (within ``outage_wait``), instead of being lost to a connection error.
        """
        try:
            return await call()
        except NETWORK_ERRORS as err:
            if self._stopping:
                raise
            log.warning("discord: a request failed (%s); retrying once connected", err)
            if not self.watch.connected:
                if not await self.watch.wait(self.outage_wait):
                    raise
            return await call()

    def resolver(self, community_id: str) -> DiscordResolver:
        assert self.client is not None
        return DiscordResolver(self.client, community_id)

    async def member_name(self, community_id: str, user_id: str) -> str:
        found = await self.resolver(community_id).resolve_member(user_id)
        return found.name if found else user_id

    async def channel_name(self, community_id: str, channel_id: str) -> str:
        channel = await self._channel(community_id, channel_id)
        return f"#{channel.name}" if channel is not None else channel_id

    async def role_name(self, community_id: str, role_id: str) -> str:
        """``@Name`` of a role of this server; the id when the role is gone."""
        assert self.client is not None
        guild = self.client.get_guild(int(community_id)) if community_id.isdigit() else None
        role = guild.get_role(int(role_id)) if guild is not None and role_id.isdigit() else None
        return f"@{role.name}" if role is not None else role_id

    async def members_can_read(self, community_id: str, channel_id: str) -> bool | None:
        """True when @everyone, or any role or member without moderator powers (other than
        bots' own roles), can view the channel."""
        channel = await self._channel(community_id, channel_id)
        if channel is None or not hasattr(channel, "permissions_for"):
            return None
        guild = channel.guild
        if channel.permissions_for(guild.default_role).view_channel:
            return True
        for role in guild.roles:
            if role.managed or _moderating(role.permissions):
                continue
            if channel.permissions_for(role).view_channel:
                return True
        for target in channel.overwrites:
            if isinstance(target, discord.Member) and not target.bot:
                if not _moderating(target.guild_permissions):
                    if channel.permissions_for(target).view_channel:
                        return True
        return False

    async def can_read(self, community_id: str, channel_id: str, user_id: str) -> bool | None:
        channel = await self._channel(community_id, channel_id)
        if channel is None or not user_id.isdigit():
            return None
        member = channel.guild.get_member(int(user_id))
        if member is None:
            return None
        return channel.permissions_for(member).view_channel

    async def moderators(self, community_id: str) -> list[str] | None:
        """Members with Manage Server or Administrator (from the member cache)."""
        assert self.client is not None
        guild = self.client.get_guild(int(community_id)) if community_id.isdigit() else None
        if guild is None:
            return None
        return [str(m.id) for m in guild.members if not m.bot and _moderating(m.guild_permissions)]

    async def _channel(self, community_id: str, channel_id: str) -> Any:
        """A channel or thread of this guild (never of another one)."""
        assert self.client is not None
        try:
            cid, gid = int(channel_id), int(community_id)
        except ValueError:
            return None
        channel = self.client.get_channel(cid)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(cid)
            except discord.HTTPException:
                return None
        guild = getattr(channel, "guild", None)
        if guild is None or guild.id != gid or not hasattr(channel, "send"):
            return None
        return channel

    # --- events from Discord ------------------------------------------------------------------

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Every interaction: commands, autocomplete, buttons, form submissions."""
        if not self._first_time(interaction.id):
            log.warning("discord: interaction %s delivered twice; answered once", interaction.id)
            return
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
        try:
            await self._interaction(interaction)
        except Exception as err:
            error_id = new_error_id()
            name = (interaction.data or {}).get("name") or "(interaction)"
            log_failure(log, error_id, f"discord {name}", err)
            await _apologize(interaction, error_id)
        finally:
            if task is not None:
                self._inflight.discard(task)

    async def _interaction(self, interaction: discord.Interaction) -> None:
        kind = interaction.type
        data: dict[str, Any] = dict(interaction.data or {})  # type: ignore[arg-type]
        community = _community(interaction.guild)
        if kind == discord.InteractionType.autocomplete:
            await self._autocomplete(interaction, data, community)
            return
        person: discord.User | discord.Member = interaction.user
        if community is None and kind in (
            discord.InteractionType.component,
            discord.InteractionType.modal_submit,
        ):
            # a button in a direct message names its community in its custom id
            found = await self._dm_member(interaction, data)
            if found is not None:
                person, community = found
        if community is None:
            await interaction.response.send_message(GUILD_ONLY, ephemeral=True)
            return
        if kind == discord.InteractionType.application_command:
            route, options = route_of(data)
            path = self.commands.routes.get(route)
            spec = self._spec(path)
            if spec is None:
                await interaction.response.send_message(UNKNOWN_COMMAND, ephemeral=True)
                return
            args = _option_values(options, data.get("resolved") or {})
            await self._run(interaction, community, spec, args)
        elif kind == discord.InteractionType.component:
            action = parse_custom_id(str(data.get("custom_id", "")))
            spec = self._spec(tuple(action.command.split())) if action else None
            if action is None or spec is None:
                await interaction.response.send_message(STALE_BUTTON, ephemeral=True)
                return
            await self._press(interaction, community, spec, action, person)
        elif kind == discord.InteractionType.modal_submit:
            action = parse_custom_id(str(data.get("custom_id", "")))
            spec = self._spec(tuple(action.command.split())) if action else None
            if action is None or spec is None:
                await interaction.response.send_message(STALE_BUTTON, ephemeral=True)
                return
            await self._run(
                interaction, community, spec, {**action.args, **modal_values(data)}, person
            )

    def _spec(self, path: tuple[str, ...] | None) -> CommandSpec | None:
        assert self.bot is not None
        return self.bot.registry.commands.get(path) if path else None

    async def _dm_member(
        self, interaction: discord.Interaction, data: dict[str, Any]
    ) -> tuple[discord.Member, CommunityRef] | None:
        """The presser as a member of the community a direct-message button belongs to."""
        assert self.client is not None
        action = parse_custom_id(str(data.get("custom_id", "")))
        if action is None or action.guild is None:
            return None
        guild = self.client.get_guild(int(action.guild))
        if guild is None:
            return None
        member = guild.get_member(interaction.user.id)
        if member is None:
            try:
                member = await guild.fetch_member(interaction.user.id)
            except (discord.HTTPException, *NETWORK_ERRORS):
                return None
        community = _community(guild)
        return (member, community) if community is not None else None

    async def _press(
        self,
        interaction: discord.Interaction,
        community: CommunityRef,
        spec: CommandSpec,
        action: Action,
        person: discord.User | discord.Member,
    ) -> None:
        in_dm = interaction.guild is None
        if action.form:
            permissions = None if in_dm else interaction.permissions
            actor = await self._actor(person, community, permissions)
            guild = community.id if in_dm else None
            modal = build_modal(spec, action.args, guild) if actor.level >= spec.level else None
            if modal is not None:
                await interaction.response.send_modal(modal)
                _stop_view(modal)
                return
        await self._run(interaction, community, spec, dict(action.args), person)

    async def _run(
        self,
        interaction: discord.Interaction,
        community: CommunityRef,
        spec: CommandSpec,
        args: dict[str, Any],
        person: discord.User | discord.Member | None = None,
    ) -> None:
        """Dispatch one invocation; whatever happens, the interaction gets an answer."""
        assert self.bot is not None
        person = person or interaction.user
        permissions = interaction.permissions if interaction.guild is not None else None
        actor = await self._actor(person, community, permissions)
        responder = InteractionResponder(interaction)
        if spec.defer:
            await responder.defer(spec.private)
        else:
            responder.defer_later(spec.private)
        channel = interaction.channel
        place = ChannelRef(str(interaction.channel_id), getattr(channel, "name", None) or "")
        invocation = Invocation(
            community=community,
            channel=place,
            actor=actor,
            responder=responder,
            path=spec.path,
            args=args,
            prefix=self.command_prefix,
        )
        try:
            await self.bot.dispatch(invocation)
        except Exception as err:
            error_id = new_error_id()
            log_failure(log, error_id, f"discord {spec.name}", err)
            await responder.reply(Message(APOLOGY.format(error_id=error_id)), True)
        finally:
            await responder.finish()

    async def _autocomplete(
        self, interaction: discord.Interaction, data: dict[str, Any], community: CommunityRef | None
    ) -> None:
        route, options = route_of(data)
        spec = self._spec(self.commands.routes.get(route))
        focused = focused_option(options)
        choices: list[str] = []
        if spec is not None and focused is not None:
            param = spec.param(focused[0])
            if param is not None:
                choices = suggestions(self.bot, community, param, focused[1])
        await interaction.response.autocomplete(
            [discord.app_commands.Choice(name=c[:100], value=c[:100]) for c in choices[:25]]
        )

    async def on_message(self, message: discord.Message) -> None:
        """Ordinary chat goes to the listeners (the crisis detector among them)."""
        if message.author.bot or message.guild is None or not message.content:
            return
        self._edits.seen(str(message.id), message.content)
        await self._emit_chat(message, edited=False)

    async def on_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """An edited chat message goes to the listeners again with its new text. Updates that
        are not edits (link previews, pins) and edits that kept the text are not delivered."""
        message = payload.message
        if message.author.bot or message.guild is None or not message.content:
            return
        if message.edited_at is None:
            return  # Discord sends MESSAGE_UPDATE for embeds and pins too
        if payload.cached_message is not None and payload.cached_message.content == message.content:
            return
        if not self._edits.changed(str(message.id), message.content):
            return
        await self._emit_chat(message, edited=True)

    async def _emit_chat(self, message: discord.Message, *, edited: bool) -> None:
        assert self.bot is not None
        community = _community(message.guild)
        assert community is not None
        author = message.author
        if not isinstance(author, discord.Member):  # an update may come without the member
            author = message.guild.get_member(author.id) or author  # type: ignore[union-attr]
        actor = await self._actor(author, community, None)
        channel = ChannelRef(str(message.channel.id), getattr(message.channel, "name", "") or "")
        event = MessageEvent(
            community,
            channel,
            actor,
            message.content,
            message_id=str(message.id),
            link=message.jump_url,
            edited=edited,
        )
        await self.bot.emit_message(event)

    async def on_member_join(self, member: discord.Member) -> None:
        """A new member: tell the listeners (welcome)."""
        assert self.bot is not None
        community = _community(member.guild)
        assert community is not None
        actor = Actor(str(member.id), member.display_name, Level.MEMBER, member.bot)
        await self.bot.emit_member_join(MemberJoinEvent(community, actor))

    # --- who is who ---------------------------------------------------------------------------

    async def _actor(
        self,
        user: discord.User | discord.Member,
        community: CommunityRef,
        permissions: discord.Permissions | None,
    ) -> Actor:
        """The person with their level: Manage Server or Administrator → moderator; the
        configured facilitator role → facilitator."""
        assert self.bot is not None
        perms = permissions if permissions is not None else getattr(user, "guild_permissions", None)
        level = Level.MEMBER
        if perms is not None and _moderating(perms):
            level = Level.MODERATOR
        else:
            role_id = await self.bot.community_settings.get(
                PLATFORM, community.id, "facilitator_role"
            )
            if role_id and any(str(role.id) == role_id for role in getattr(user, "roles", ())):
                level = Level.FACILITATOR
        return Actor(str(user.id), user.display_name, level, user.bot)

    def _first_time(self, interaction_id: int) -> bool:
        if interaction_id in self._seen:
            return False
        self._seen[interaction_id] = None
        if len(self._seen) > SEEN_INTERACTIONS:
            self._seen.popitem(last=False)
        return True


class InteractionResponder:
    """Answers one interaction: the first reply is the response, later ones are follow-ups.

    If nothing was said within two seconds the interaction is deferred, so that slow work is
    never dropped by Discord; if nothing was said at all, the member still gets an answer.
    """

    def __init__(self, interaction: discord.Interaction) -> None:
        self.interaction = interaction
        self.sent = 0
        self._lock = asyncio.Lock()
        self._timer: asyncio.Task | None = None
        self._deferred = False

    async def reply(self, message: Message, private: bool) -> None:
        """Send a message (split into parts when it is long)."""
        async with self._lock:
            for part in render(message):
                response = self.interaction.response
                if not response.is_done():
                    await response.send_message(ephemeral=private, **part.kwargs())
                elif self._deferred and not self.sent:
                    # the deferral decided who sees the answer; fill in its "thinking…"
                    await self.interaction.edit_original_response(**part.edit_kwargs())
                else:
                    await self.interaction.followup.send(
                        ephemeral=private, wait=True, **part.kwargs()
                    )
                _stop_view(part.view)
                self.sent += 1

    async def defer(self, private: bool) -> None:
        """Acknowledge now and answer later ("peerbot is thinking…")."""
        async with self._lock:
            if not self.interaction.response.is_done():
                await self.interaction.response.defer(ephemeral=private, thinking=True)
                self._deferred = True

    def defer_later(self, private: bool, after: float | None = None) -> None:
        """Defer automatically if no reply was sent within `after` seconds."""

        async def later() -> None:
            await asyncio.sleep(AUTO_DEFER_AFTER if after is None else after)
            try:
                await self.defer(private)
            except discord.HTTPException as err:
                log.warning("discord: could not defer an interaction: %s", err)

        self._timer = asyncio.create_task(later())

    async def finish(self) -> None:
        """Stop the defer timer; answer if the command said nothing at all."""
        if self._timer is not None:
            self._timer.cancel()
        if self.sent:
            return
        try:
            if (
                self.interaction.type == discord.InteractionType.component
                and not self.interaction.response.is_done()
            ):
                await self.interaction.response.defer()  # a button that only posted elsewhere
            else:
                await self.reply(Message("Done."), True)
        except discord.HTTPException as err:
            log.warning("discord: could not close an interaction: %s", err)


class _Client(discord.Client):
    """discord.Client wired to the platform (no command tree: the platform routes everything)."""

    def __init__(self, platform: DiscordPlatform, **options: Any) -> None:
        super().__init__(**options)
        self.platform = platform

    async def setup_hook(self) -> None:
        # After login (the application id is known), before the gateway: members never see
        # a command the bot cannot answer yet.
        try:
            await self.platform.sync_commands()
        except discord.HTTPException as err:
            log.error("discord: could not sync commands (%s); the previous set stays in use", err)

    async def on_ready(self) -> None:
        self.platform.watch.up()
        self.platform._ready.set()

    async def on_resumed(self) -> None:
        self.platform.watch.up()

    async def on_disconnect(self) -> None:
        self.platform.watch.down()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.platform.on_interaction(interaction)

    async def on_message(self, message: discord.Message) -> None:
        await self.platform.on_message(message)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        # raw: the bot keeps no message cache (max_messages=None), so on_message_edit never fires
        await self.platform.on_message_edit(payload)

    async def on_member_join(self, member: discord.Member) -> None:
        await self.platform.on_member_join(member)


# --- helpers -------------------------------------------------------------------------------------


def _moderating(perms: discord.Permissions) -> bool:
    """The powers that make someone a moderator here (see ``_actor``)."""
    return perms.administrator or perms.manage_guild


def _community(guild: discord.Guild | None) -> CommunityRef | None:
    return CommunityRef(PLATFORM, str(guild.id), guild.name) if guild is not None else None


def _option_values(options: list[dict[str, Any]], resolved: dict[str, Any]) -> dict[str, Any]:
    """Raw option values for the core; users, channels and roles become references."""
    values: dict[str, Any] = {}
    for option in options:
        kind, value = option.get("type"), option.get("value")
        key = str(value)
        if kind == USER:
            user = (resolved.get("users") or {}).get(key) or {}
            member = (resolved.get("members") or {}).get(key) or {}
            name = member.get("nick") or user.get("global_name") or user.get("username") or key
            values[option["name"]] = MemberRef(key, name, bool(user.get("bot")))
        elif kind == CHANNEL:
            channel = (resolved.get("channels") or {}).get(key) or {}
            values[option["name"]] = ChannelRef(key, channel.get("name") or key)
        elif kind == ROLE:
            role = (resolved.get("roles") or {}).get(key) or {}
            values[option["name"]] = RoleRef(key, role.get("name") or key)
        else:
            values[option["name"]] = value
    return values


def _stop_view(view: discord.ui.View | discord.ui.Modal | None) -> None:
    # Every custom id is routed by on_interaction; discord.py need not keep views in memory.
    if view is not None:
        view.stop()


async def _apologize(interaction: discord.Interaction, error_id: str) -> None:
    text = APOLOGY.format(error_id=error_id)
    try:
        if interaction.type == discord.InteractionType.autocomplete:
            if not interaction.response.is_done():
                await interaction.response.autocomplete([])
        elif not interaction.response.is_done():
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
        else:
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.exception("discord: could not even send an apology")


def _stop_process(reason: str) -> None:
    """End `peerbot run` with exit code 1.

    SystemExit raised from an event-loop callback leaves ``asyncio.run``, which first cancels
    the main task, so ``run_platforms`` still stops the bot cleanly (pending writes are
    committed) before the process exits.
    """

    def leave() -> None:
        raise SystemExit(1)

    asyncio.get_running_loop().call_soon(leave)
