"""A loopback Discord (REST API v10 + gateway) for end-to-end tests of peerbot.

It lets an unmodified discord.py 2.7 client log in, sync application commands, receive
interactions and member messages over a real websocket, and answer them over real HTTP, all on
127.0.0.1. The bot may run in the test process or as a subprocess; point it at ``api_base`` and
``gateway_url``.

Emulated: login (``users/@me``, ``oauth2/applications/@me``), command sync (global and guild),
interaction callbacks with the ``?with_response=1`` body, follow-ups and ``@original`` edits,
DMs (with closed DMs answering 403/50007), channel messages, threads and their members
(``thread_members``), refusals a test asks for (``refuse``), a few GETs; the gateway
with READY/GUILD_CREATE, heartbeats, RESUME with replay, zlib-stream, intents (members only with
the members intent, message content blanked without the content intent). The server checks
what Discord's client checks before sending an interaction (option ranges, lengths, choices,
required options, modal fields) and what Discord's API refuses (second initial response 40060,
expired token 10062, empty or over-long messages).

Not emulated: rate limits, permission checks on REST calls, channel permission overwrites,
voice, presences, reactions beyond recording, audit logs, sharding beyond one shard, and any
state change made through REST other than messages, threads and DM channels.

Layout: this module holds the public API and builds events; ``rest.py`` the routes,
``gateway.py`` the websocket session, ``validation.py`` what Discord's client refuses,
``models.py`` the fake guild, ``records.py`` what tests inspect.
"""

from __future__ import annotations

import asyncio
import re
import socket
import uuid
from typing import Any

from aiohttp import web

from . import validation as v
from .gateway import (
    DIRECT_MESSAGES,
    GUILD_MEMBERS,
    GUILD_MESSAGES,
    MESSAGE_CONTENT,
    Gateway,
)
from .messages import ApiError, attachment, public, walk_components, walk_options
from .models import (
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeUser,
    default_guild,
    iso_now,
    new_snowflake,
)
from .records import (
    EPHEMERAL,
    InteractionRecord,
    RecordedCall,
    _Waitable,
)
from .rest import RestApi
from .shards import ShardedGateway, shard_of
from .threads import Refusal

APPLICATION_COMMAND, MESSAGE_COMPONENT, MODAL_SUBMIT = 2, 3, 5
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


class LoopbackDiscord(_Waitable):
    """A Discord API and gateway on 127.0.0.1 for one bot application.

    Start it, point the bot at ``api_base``/``gateway_url`` and drive members with
    ``invoke``, ``press_button``, ``submit_modal``, ``send_message`` and ``add_member``.
    """

    def __init__(
        self,
        *,
        token: str = "test-token",
        app_id: int = 900_000_000_000_000_001,
        bot_user_id: int = 900_000_000_000_000_002,
        bot_name: str = "peerbot",
        guilds: list[FakeGuild] | None = None,
        token_ttl: float = 900.0,
        response_deadline: float | None = None,
        shard_count: int = 1,
        max_concurrency: int = 1,
    ) -> None:
        super().__init__()
        self.shard_count = shard_count  # what GET /gateway/bot recommends
        self.max_concurrency = max_concurrency
        self.token = token
        self.app_id = app_id
        self.bot_user = FakeUser(bot_user_id, bot_name, bot=True)
        self.guilds: dict[int, FakeGuild] = {
            g.id: g for g in (guilds or [default_guild(self.bot_user)])
        }
        for guild in self.guilds.values():
            if guild.member(bot_user_id) is None:
                guild.members.append(FakeMember(self.bot_user))
        self.token_ttl = token_ttl
        # Discord wants the first response within 3 s; off by default so slow CI does not flake.
        self.response_deadline = response_deadline
        self.dm_closed_users: set[int] = set()
        self.calls: list[RecordedCall] = []
        self.interactions: list[InteractionRecord] = []
        self.member_messages: list[dict[str, Any]] = []
        self.thread_members: dict[int, list[int]] = {}  # thread id → user ids, creator first
        self.scheduled_events: dict[int, dict[str, Any]] = {}  # event id → event object
        self.refusals: list[Refusal] = []
        self.port = 0
        self.gateway = Gateway(
            token=token,
            build_ready=self._build_ready,
            members_for=self._members_for,
            on_change=self._touch,
        )
        if shard_count > 1:  # one session per shard behind the same URL
            self.gateway = ShardedGateway(  # type: ignore[assignment]
                shard_count,
                lambda _: Gateway(
                    token=token,
                    build_ready=self._build_ready,
                    members_for=self._members_for,
                    on_change=self._touch,
                ),
            )
        self._commands: dict[int | None, list[dict[str, Any]]] = {}
        self._synced = asyncio.Event()
        self._by_token: dict[str, InteractionRecord] = {}
        self._by_id: dict[int, InteractionRecord] = {}
        self._messages: dict[int, dict[str, Any]] = {}
        self._dm_channels: dict[int, FakeChannel] = {}
        self._dm_users: dict[int, FakeUser] = {}
        self._runner: web.AppRunner | None = None
        self.rest = RestApi(self)

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Bind 127.0.0.1 on a free port and serve REST under /api/v10 and the gateway."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest.serve)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        """Close the bot's socket and stop serving."""
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LoopbackDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE``."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """Value for ``DiscordWebSocket.DEFAULT_GATEWAY``; also READY's ``resume_gateway_url``."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def refuse_gateway(self) -> bool:
        """While True, new websocket connections are refused with HTTP 503."""
        return self.gateway.refuse

    @refuse_gateway.setter
    def refuse_gateway(self, value: bool) -> None:
        self.gateway.refuse = value

    async def wait_ready(self, timeout: float = 15) -> None:
        """Wait until the bot IDENTIFIED and was sent READY and every GUILD_CREATE."""
        await asyncio.wait_for(self.gateway.ready.wait(), timeout)

    async def wait_resumed(self, timeout: float = 15) -> None:
        """Wait until the bot RESUMED after ``drop_gateway``."""
        await asyncio.wait_for(self.gateway.resumed.wait(), timeout)

    async def wait_commands_synced(self, timeout: float = 15) -> None:
        """Wait until the bot PUT its commands (globally or for any guild)."""
        await asyncio.wait_for(self._synced.wait(), timeout)

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the bot's websocket; it should RESUME and get the queued dispatches."""
        await self.gateway.drop(code)

    def refuse(
        self,
        method: str,
        pattern: str,
        status: int = 403,
        code: int = 50013,
        message: str = "Missing Permissions",
    ) -> Refusal:
        """Answer requests whose path fully matches ``pattern`` with this error until
        ``allow(refusal)``; by default 403 Missing Permissions, as Discord refuses a bot."""
        refusal = Refusal(method, re.compile(pattern), ApiError(status, code, message))
        self.refusals.append(refusal)
        return refusal

    def allow(self, refusal: Refusal) -> None:
        """Stop refusing what ``refuse`` refused."""
        self.refusals.remove(refusal)

    def invalidate_session(self) -> None:
        """Send op 9 (not resumable): the bot must IDENTIFY again."""
        self.gateway.invalidate()

    # ----------------------------------------------------------------- queries

    def synced_commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        """The commands the bot PUT, as stored (with ids); ``None`` means global."""
        return list(self._commands.get(guild_id, []))

    def channel_messages(
        self, channel_id: int, *, include_interactions: bool = False
    ) -> list[dict[str, Any]]:
        """Messages the bot POSTed to a channel, thread or DM, oldest first.

        Each has the message fields plus ``allowed_mentions`` (as sent), ``pings`` (who
        would be notified) and ``files`` (name, bytes). Public interaction replies are
        included with ``include_interactions``; deleted messages never are.
        """
        return [
            m
            for m in self._messages.values()
            if int(m["channel_id"]) == channel_id
            and not m.get("deleted")
            and (m["source"] == "channel" or (include_interactions and not m["flags"] & EPHEMERAL))
        ]

    def dm_messages(self, user_id: int) -> list[dict[str, Any]]:
        """Messages the bot sent to this user's DM channel."""
        channel = self._dm_channels.get(user_id)
        return self.channel_messages(channel.id) if channel else []

    def calls_to(self, method: str, pattern: str) -> list[RecordedCall]:
        """Recorded calls whose method matches and whose path matches the regex."""
        return [c for c in self.calls if c.method == method and re.search(pattern, c.path)]

    # ----------------------------------------------------------------- members act

    async def invoke(
        self,
        guild_id: int | None,
        channel_id: int,
        user: FakeUser | int,
        name: str,
        options: dict[str, Any] | list[dict[str, Any]] | None = None,
        *,
        member_permissions: int | None = None,
        roles: tuple[int, ...] = (),
        validate: bool = True,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """A member runs ``/name`` (``"milestone set"`` for subcommands) with options.

        ``options`` is ``{name: value}`` for the leaf command, or Discord-form option dicts
        (nested under the subcommands in ``name``). Values are typed from the synced schema;
        users, channels and roles may be given as ids or Fake objects. Raises LookupError for a
        command that was not synced and ValueError for options Discord's client would refuse
        (pass ``validate=False`` to send them anyway). ``member_permissions`` overrides the
        permissions computed from the member's roles plus ``roles``. ``locale`` is the language
        of the member's Discord client.
        """
        parts = name.split()
        schema = self._find_command(parts[0], guild_id)
        if isinstance(options, list):
            nested = options
            if parts[1:]:
                v.find_path(schema, parts[1:])
                nested = v.nest(parts[1:], options, schema)
        else:
            leaf_schemas, path = v.find_path(schema, parts[1:])
            leaf = v.build_leaf_options(options or {}, leaf_schemas, validate=validate)
            nested = v.nest(path, leaf, schema)
        if validate:
            v.validate_options(nested, schema.get("options") or [], f"/{parts[0]}")
        data: dict[str, Any] = {
            "id": schema["id"],
            "name": schema["name"],
            "type": schema.get("type", 1),
        }
        if nested:
            data["options"] = nested
        if schema.get("guild_id"):
            data["guild_id"] = schema["guild_id"]
        resolved = self._resolve(nested, guild_id)
        if resolved:
            data["resolved"] = resolved
        return self._deliver(
            APPLICATION_COMMAND,
            guild_id,
            channel_id,
            user,
            data,
            member_permissions,
            roles,
            validate,
            locale=locale,
        )

    async def press_button(
        self,
        guild_id: int | None,
        channel_id: int,
        user: FakeUser | int,
        custom_id: str,
        message_id: int | None = None,
        *,
        validate: bool = True,
    ) -> InteractionRecord:
        """A member presses a button the bot sent (the latest message carrying ``custom_id``)."""
        return self._component(guild_id, channel_id, user, custom_id, message_id, None, validate)

    async def choose(
        self,
        guild_id: int | None,
        channel_id: int,
        user: FakeUser | int,
        custom_id: str,
        values: list[str],
        message_id: int | None = None,
        *,
        validate: bool = True,
    ) -> InteractionRecord:
        """A member picks ``values`` in a select menu the bot sent."""
        return self._component(guild_id, channel_id, user, custom_id, message_id, values, validate)

    async def submit_modal(
        self,
        guild_id: int | None,
        channel_id: int,
        user: FakeUser | int,
        custom_id: str,
        values: dict[str, str],
        *,
        validate: bool = True,
        action_rows: bool = False,
    ) -> InteractionRecord:
        """A member submits the modal the bot showed (the latest one with ``custom_id``).
        ``action_rows``: as an older client answers, each input in an action row."""
        modal = next(
            (
                r.modal
                for r in reversed(self.interactions)
                if r.modal and r.modal.get("custom_id") == custom_id
            ),
            None,
        )
        if validate:
            if modal is None:
                raise LookupError(f"the bot never showed a modal {custom_id!r}")
            v.validate_modal(modal, values)
        shown = None if action_rows else modal
        data = {"custom_id": custom_id, "components": v.modal_submission(shown, values)}
        return self._deliver(MODAL_SUBMIT, guild_id, channel_id, user, data, None, (), validate)

    async def send_message(
        self, guild_id: int | None, channel_id: int | None, user: FakeUser | int, content: str
    ) -> dict[str, Any]:
        """A member posts in a channel (or, with ``guild_id=None``, DMs the bot): MESSAGE_CREATE.

        Returns the dispatched payload; its content is blank when the bot lacks the
        message content intent and is not mentioned, as on Discord.
        """
        author = self._user(user, guild_id)
        if guild_id is None:
            channel_id = self._dm_channel(author).id
        else:
            self._channel(guild_id, channel_id)
        assert channel_id is not None
        payload = self._message_payload(channel_id, guild_id, author, {"content": content})
        payload["mentions"] = [
            self._mention(int(uid), guild_id) for uid in re.findall(r"<@!?(\d+)>", content)
        ]
        mentioned = any(int(m["id"]) == self.bot_user.id for m in payload["mentions"])
        if guild_id is not None and not mentioned and not self.gateway.intents & MESSAGE_CONTENT:
            payload = {**payload, "content": "", "embeds": [], "attachments": [], "components": []}
        self.member_messages.append(payload)
        self.gateway.dispatch(
            "MESSAGE_CREATE", payload, intent=GUILD_MESSAGES if guild_id else DIRECT_MESSAGES
        )
        return payload

    async def edit_member_message(
        self, message: dict[str, Any], content: str | None, *, embeds: list[Any] | None = None
    ) -> dict[str, Any]:
        """A member's message (a payload from :meth:`send_message`) changes: MESSAGE_UPDATE with
        the whole message, as Discord sends it. ``content`` is the member's edit (a new
        ``edited_timestamp``); ``content=None`` with ``embeds`` is Discord adding a link preview,
        which is not an edit. Content is blanked without the message content intent."""
        original = next(m for m in self.member_messages if m["id"] == message["id"])
        guild_id = int(original["guild_id"]) if "guild_id" in original else None
        update = {**original, "embeds": embeds if embeds is not None else original["embeds"]}
        if content is not None:
            update["content"] = content
            update["edited_timestamp"] = iso_now()
            update["mentions"] = [
                self._mention(int(uid), guild_id) for uid in re.findall(r"<@!?(\d+)>", content)
            ]
        original.update(update)
        mentioned = any(int(m["id"]) == self.bot_user.id for m in update["mentions"])
        if guild_id is not None and not mentioned and not self.gateway.intents & MESSAGE_CONTENT:
            update = {**update, "content": "", "embeds": [], "attachments": [], "components": []}
        self.gateway.dispatch(
            "MESSAGE_UPDATE", update, intent=GUILD_MESSAGES if guild_id else DIRECT_MESSAGES
        )
        return update

    async def delete_by_hand(self, message: dict[str, Any]) -> None:
        """Someone with Manage Messages deletes a message (the bot's own too) in Discord's app:
        MESSAGE_DELETE with its id, channel and server, as Discord sends it."""
        message["deleted"] = True
        data = {"id": message["id"], "channel_id": message["channel_id"]}
        if "guild_id" in message:
            data["guild_id"] = message["guild_id"]
        self.gateway.dispatch("MESSAGE_DELETE", data, intent=GUILD_MESSAGES)

    async def add_member(self, guild_id: int, user: FakeUser, roles: tuple[int, ...] = ()) -> None:
        """A new member joins: GUILD_MEMBER_ADD (sent only with the members intent)."""
        guild = self._guild(guild_id)
        member = FakeMember(user, roles)
        guild.members.append(member)
        self.gateway.dispatch(
            "GUILD_MEMBER_ADD",
            {**member.payload(), "guild_id": str(guild_id)},
            intent=GUILD_MEMBERS,
        )

    async def remove_member(self, guild_id: int, user: FakeUser) -> None:
        """A member leaves: GUILD_MEMBER_REMOVE."""
        guild = self._guild(guild_id)
        guild.members = [m for m in guild.members if m.user.id != user.id]
        data = {"guild_id": str(guild_id), "user": user.payload()}
        self.gateway.dispatch("GUILD_MEMBER_REMOVE", data, intent=GUILD_MEMBERS)

    # ----------------------------------------------------------------- building events

    def _build_ready(
        self, session_id: str, identify: dict[str, Any]
    ) -> list[tuple[str, dict[str, Any]]]:
        intents = int(identify.get("intents", 0))
        ready = {
            "v": 10,
            "user": {**self.bot_user.payload(), "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(gid), "unavailable": True} for gid in self.guilds],
            "session_id": session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.app_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "geo_ordered_rtc_regions": [],
        }
        guilds = list(self.guilds.values())
        if identify.get("shard"):
            ready["shard"] = identify["shard"]
            shard_id, count = identify["shard"]
            guilds = [g for g in guilds if shard_of(g.id, count) == shard_id]
            ready["guilds"] = [{"id": str(g.id), "unavailable": True} for g in guilds]
        with_members = bool(intents & GUILD_MEMBERS)
        creates = [
            (
                "GUILD_CREATE",
                g.create_payload(with_members=with_members, bot_user_id=self.bot_user.id),
            )
            for g in guilds
        ]
        return [("READY", ready), *creates]

    def _members_for(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        guild = self._guild(int(request["guild_id"]))
        wanted = {int(u) for u in request.get("user_ids") or []}
        query = (request.get("query") or "").lower()
        members = [m for m in guild.members if not wanted or m.user.id in wanted]
        members = [m for m in members if m.user.name.lower().startswith(query)]
        limit = request.get("limit") or len(members)
        return [m.payload() for m in members[:limit]]

    def _deliver(
        self,
        kind: int,
        guild_id: int | None,
        channel_id: int,
        user: FakeUser | int,
        data: dict[str, Any],
        member_permissions: int | None,
        roles: tuple[int, ...],
        validate: bool,
        message: dict[str, Any] | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        author = self._user(user, guild_id, allow_unknown=not validate)
        iid, token = new_snowflake(), f"itok-{uuid.uuid4().hex}"
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.app_id),
            "type": kind,
            "token": token,
            "version": 1,
            "data": data,
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "app_permissions": str(
                self._guild(guild_id).permissions_of(self.bot_user.id) if guild_id else 0
            ),
        }
        if guild_id is not None:
            guild = self._guild(guild_id)
            channel = self._channel(guild_id, channel_id)
            member = guild.member(author.id) or FakeMember(author)
            perms = (
                guild.permissions_of(author.id, roles)
                if member_permissions is None
                else member_permissions
            )
            member = FakeMember(
                author, tuple(dict.fromkeys((*member.roles, *roles))), member.joined_at
            )
            payload.update(
                guild_id=str(guild_id),
                guild={"id": str(guild_id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                channel_id=str(channel_id),
                channel=channel.payload(guild_id),
                member=member.payload(permissions=perms),
                context=0,
                authorizing_integration_owners={"0": str(guild_id)},
            )
        else:
            dm = self._dm_channel(author)
            payload.update(
                channel_id=str(dm.id),
                channel={"id": str(dm.id), "type": 1, "recipients": [author.payload()], "flags": 0},
                user=author.payload(),
                context=1,
                authorizing_integration_owners={"0": "0"},
            )
        if message is not None:
            payload["message"] = message
        record = InteractionRecord(iid, token, kind, payload, author.id)
        self.interactions.append(record)
        self._by_id[iid], self._by_token[token] = record, record
        self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record

    def _component(
        self,
        guild_id: int | None,
        channel_id: int,
        user: FakeUser | int,
        custom_id: str,
        message_id: int | None,
        values: list[str] | None,
        validate: bool,
    ) -> InteractionRecord:
        found = self._find_component(custom_id, message_id)
        if found is None:
            if validate:
                raise LookupError(f"no message from the bot carries a component {custom_id!r}")
            message = self._message_payload(channel_id, guild_id, self.bot_user, {"content": ""})
            component = {"type": 3 if values is not None else 2, "custom_id": custom_id}
        else:
            message, component = found
            message = public(message)
        if validate and component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled")
        if validate and (values is None) != (component["type"] == 2):
            raise ValueError(f"component {custom_id!r} is of type {component['type']}")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if values is not None:
            if validate and component["type"] == 3:
                offered = {o["value"] for o in component.get("options") or []}
                if not set(values) <= offered:
                    raise ValueError(f"{values} are not all among the options {sorted(offered)}")
            data["values"] = values
        return self._deliver(
            MESSAGE_COMPONENT, guild_id, channel_id, user, data, None, (), validate, message
        )

    def _find_component(
        self, custom_id: str, message_id: int | None
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        candidates = [self._messages[message_id]] if message_id in self._messages else []
        if message_id is None:
            candidates = list(reversed(self._messages.values()))
        for message in candidates:
            if message.get("deleted"):
                continue
            for component in walk_components(message.get("components") or []):
                if component.get("custom_id") == custom_id:
                    return message, component
        return None

    def _resolve(self, options: list[dict[str, Any]], guild_id: int | None) -> dict[str, Any]:
        resolved: dict[str, dict[str, Any]] = {}
        for option in walk_options(options):
            kind, value = option["type"], str(option.get("value"))
            if kind in (v.USER, v.MENTIONABLE):
                user = self._find_user(int(value))
                if user is not None:
                    resolved.setdefault("users", {})[value] = user.payload()
                    member = self._guild(guild_id).member(user.id) if guild_id else None
                    if member is not None:
                        perms = self._guild(guild_id).permissions_of(user.id) if guild_id else 0
                        m = {
                            k: x
                            for k, x in member.payload(permissions=perms).items()
                            if k != "user"
                        }
                        resolved.setdefault("members", {})[value] = m
                    continue
            if kind in (v.ROLE, v.MENTIONABLE) and guild_id:
                role = self._guild(guild_id).role(int(value))
                if role is not None:
                    resolved.setdefault("roles", {})[value] = role.payload()
            if kind == v.CHANNEL and guild_id:
                channel = self._guild(guild_id).channel(int(value))
                if channel is not None:
                    permissions = str(self._guild(guild_id).permissions_of(self.bot_user.id))
                    resolved.setdefault("channels", {})[value] = {
                        **channel.payload(guild_id),
                        "permissions": permissions,
                    }
        return resolved

    def _message_payload(
        self, channel_id: int, guild_id: int | None, author: FakeUser, body: dict[str, Any]
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(new_snowflake()),
            "channel_id": str(channel_id),
            "author": author.payload(),
            "content": body.get("content") or "",
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": int(body.get("flags") or 0),
        }
        if guild_id is not None:
            payload["guild_id"] = str(guild_id)
            member = self._guild(guild_id).member(author.id)
            if member is not None:
                payload["member"] = {k: x for k, x in member.payload().items() if k != "user"}
        return payload

    def _mention(self, user_id: int, guild_id: int | None) -> dict[str, Any]:
        user = self._find_user(user_id) or FakeUser(user_id, f"user{user_id}")
        data = user.payload()
        member = self._guild(guild_id).member(user_id) if guild_id else None
        if member is not None:
            data["member"] = {k: x for k, x in member.payload().items() if k != "user"}
        return data

    def _store_bot_message(
        self,
        channel_id: int,
        body: dict[str, Any],
        files: list[tuple[str, bytes]],
        *,
        source: str,
        interaction: InteractionRecord | None = None,
    ) -> dict[str, Any]:
        guild_id = self._guild_of_channel(channel_id)
        payload = self._message_payload(channel_id, guild_id, self.bot_user, body)
        payload["attachments"] = [attachment(name, data) for name, data in files]
        if interaction is not None:
            payload["webhook_id"] = str(self.app_id)
            payload["application_id"] = str(self.app_id)
            payload["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.payload.get("user") or interaction.payload["member"]["user"],
                "authorizing_integration_owners": interaction.payload[
                    "authorizing_integration_owners"
                ],
            }
        allowed = body.get("allowed_mentions")
        stored = {
            **payload,
            "allowed_mentions": allowed,
            "pings": v.pings(payload["content"], allowed),
            "files": files,
            "source": source,
            "interaction_id": interaction.id if interaction else None,
        }
        self._messages[int(payload["id"])] = stored
        if not payload["flags"] & EPHEMERAL:
            self.gateway.dispatch(
                "MESSAGE_CREATE", payload, intent=GUILD_MESSAGES if guild_id else DIRECT_MESSAGES
            )
        self._touch()
        return stored

    # ----------------------------------------------------------------- lookups

    def _guild(self, guild_id: int | None) -> FakeGuild:
        guild = self.guilds.get(guild_id) if guild_id is not None else None
        if guild is None:
            raise LookupError(f"unknown guild {guild_id}")
        return guild

    def _channel(self, guild_id: int, channel_id: int | None) -> FakeChannel:
        channel = self._guild(guild_id).channel(channel_id or 0)
        if channel is None:
            raise LookupError(f"guild {guild_id} has no channel {channel_id}")
        return channel

    def _guild_of_channel(self, channel_id: int) -> int | None:
        for guild in self.guilds.values():
            if guild.channel(channel_id) is not None:
                return guild.id
        return None

    def _find_user(self, user_id: int) -> FakeUser | None:
        if user_id == self.bot_user.id:
            return self.bot_user
        for guild in self.guilds.values():
            member = guild.member(user_id)
            if member is not None:
                return member.user
        return self._dm_users.get(user_id)

    def _user(
        self, user: FakeUser | int, guild_id: int | None, *, allow_unknown: bool = False
    ) -> FakeUser:
        if isinstance(user, int):
            found = self._find_user(user)
            if found is None:
                raise LookupError(f"unknown user {user}")
            user = found
        if (
            guild_id is not None
            and self._guild(guild_id).member(user.id) is None
            and not allow_unknown
        ):
            raise ValueError(f"{user.name} is not a member of guild {guild_id}")
        return user

    def _dm_channel(self, user: FakeUser) -> FakeChannel:
        channel = self._dm_channels.get(user.id)
        if channel is None:
            channel = FakeChannel(new_snowflake(), "", type=1)
            self._dm_channels[user.id] = channel
            self._dm_users[user.id] = user
        return channel

    def _find_command(self, name: str, guild_id: int | None) -> dict[str, Any]:
        for scope in (guild_id, None) if guild_id is not None else (None,):
            for command in self._commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == 1:
                    return command
        raise LookupError(f"/{name} was not synced (guild {guild_id} or global)")
