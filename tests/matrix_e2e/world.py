"""A small Matrix community for the end-to-end tests: a space with rooms, a moderator, a member,
and the real bot process that the moderator invited."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from nio import (
    AsyncClient,
    JoinResponse,
    RoomGetStateEventResponse,
    RoomMessageNotice,
    RoomPutStateResponse,
)

from storage.db import Database
from storage.settings import CommunitySettings
from tests.matrix_harness.fixtures import MatrixUser
from tests.matrix_harness.nio_helpers import (
    accept_invite,
    create_room,
    login_client,
    sync_once,
    sync_until,
    timeline,
    wait_for_event,
    wait_for_member,
)
from tests.matrix_harness.synapse import SynapseServer
from tests.postgres_server import database_for

from .botproc import BotProcess, write_config


@dataclass
class World:
    """Everyone and everything one test module shares."""

    server: SynapseServer
    bot_user: MatrixUser
    mod: AsyncClient
    member: AsyncClient
    space: str
    general: str
    circle: str  # end-to-end encrypted
    alerts: str
    prompts: str
    refused: str  # a room the member invited the bot to (not an allowed inviter)
    bot: BotProcess
    db_path: Path
    direct: dict[str, str] = field(default_factory=dict)  # member id → their direct room
    daily_post: str | None = None  # event id of the daily check-in post, once it came

    @property
    def bot_id(self) -> str:
        """The bot's Matrix id."""
        return self.bot_user.user_id


async def link(mod: AsyncClient, space: str, room: str, server_name: str) -> None:
    """Put `room` in `space` (both directions, as clients do)."""
    via = {"via": [server_name]}
    for room_id, kind, key, content in (
        (space, "m.space.child", room, via),
        (room, "m.space.parent", space, {**via, "canonical": True}),
    ):
        response = await mod.room_put_state(room_id, kind, content, state_key=key)
        assert isinstance(response, RoomPutStateResponse), response


def register(server: SynapseServer, name: str) -> MatrixUser:
    """A new user with a unique name (module-scoped fixtures cannot use `matrix_user`)."""
    username = f"{name}{secrets.token_hex(3)}"
    password = secrets.token_urlsafe(12)
    return MatrixUser(server.register(username, password), username, password)


async def build_world(
    server: SynapseServer,
    tmp: Path,
    *,
    extra_bot: str = "",
    extra_matrix: str = "",
    allowed_inviters: list[str] | None = None,
) -> World:
    """Register people, make the space and rooms, seed the bot's settings, start the bot.

    The prompts and check-in rooms are seeded in the database; the alerts room is not (a
    moderator sets it with ``!community channel``). Only the moderator may invite the bot unless
    `allowed_inviters` says otherwise (``[]``: anyone on the homeserver, the default)."""
    bot_user, mod_user, member_user = (register(server, n) for n in ("peerbot", "mod", "member"))
    mod = await login_client(server.base_url, mod_user.user_id, mod_user.password, tmp / "mod")
    member = await login_client(
        server.base_url, member_user.user_id, member_user.password, tmp / "member"
    )
    await sync_once(mod)
    await sync_once(member)
    everyone = [member.user_id, bot_user.user_id]
    space_resp = await mod.room_create(name="Recovery Circle", space=True, invite=everyone)
    space = space_resp.room_id
    general = await create_room(mod, name="general", invite=everyone)
    circle = await create_room(mod, name="circle", encrypted=True, invite=everyone)
    alerts = await create_room(mod, name="alerts", invite=[bot_user.user_id])
    prompts = await create_room(mod, name="prompts", invite=everyone)
    for room in (general, circle, alerts, prompts):
        await link(mod, space, room, server.server_name)
    for room in (space, general, circle, prompts):
        await accept_invite(member, room)
    refused = await create_room(member, name="not allowed", invite=[bot_user.user_id])

    db_path = tmp / "bot.db"
    db = await Database.open(database_for(db_path))  # the file, or PostgreSQL's stand-in
    settings = CommunitySettings(db)
    now = datetime.now(UTC)
    for purpose, room in (("prompts", prompts), ("checkins", general)):
        await settings.set("matrix", space, f"channel.{purpose}", room, now)
    await db.close()

    config = write_config(
        tmp / "peerbot.toml",
        homeserver=server.base_url,
        user_id=bot_user.user_id,
        database=db_path,
        store=tmp / "bot-store",
        allowed_inviters=[mod.user_id] if allowed_inviters is None else allowed_inviters,
        extra_bot=extra_bot,
        extra_matrix=extra_matrix,
    )
    bot = BotProcess(config, bot_user.password, tmp / "bot.log")
    await asyncio.to_thread(bot.start)
    world = World(
        server,
        bot_user,
        mod,
        member,
        space,
        general,
        circle,
        alerts,
        prompts,
        refused,
        bot,
        db_path,
    )
    for room in (general, circle, prompts):
        await wait_for_member(member, room, bot_user.user_id, timeout=30)
    await wait_for_member(mod, alerts, bot_user.user_id, timeout=30)
    return world


def seen_ids(client: AsyncClient) -> set[str]:
    """The ids of every event `client` has seen so far (to wait for something new after)."""
    return {e.event.event_id for e in timeline(client)}


def notices(client: AsyncClient, room_id: str, sender: str) -> list[RoomMessageNotice]:
    """Every notice `sender` sent in `room_id` that `client` has seen (decrypted ones included)."""
    return [
        e.event
        for e in timeline(client)
        if e.room_id == room_id
        and isinstance(e.event, RoomMessageNotice)
        and e.event.sender == sender
    ]


async def wait_for_notice(
    client: AsyncClient,
    room_id: str,
    sender: str,
    accepts: Callable[[str], bool],
    *,
    timeout: float = 20.0,
    after: set[str] | None = None,
) -> RoomMessageNotice:
    """Wait for a notice from `sender` in `room_id` whose body `accepts` (only one that is not
    in `after`, a `seen_ids()` snapshot, when given)."""
    old = after or set()
    try:
        event = await wait_for_event(
            client,
            room_id,
            lambda e: (
                isinstance(e, RoomMessageNotice)
                and e.sender == sender
                and e.event_id not in old
                and accepts(e.body)
            ),
            timeout=timeout,
            what="a notice from the bot",
        )
    except AssertionError as error:
        seen = [n.body[:200] for n in notices(client, room_id, sender)]
        raise AssertionError(f"{error}; the bot said there: {seen}") from None
    assert isinstance(event, RoomMessageNotice)
    return event


async def direct_room(world: World, client: AsyncClient, *, timeout: float = 20.0) -> str:
    """The member's direct room with the bot: joined on the bot's first invite, then remembered."""
    known = world.direct.get(client.user_id)
    if known is not None:
        return known
    found: list[str] = []

    def invited() -> bool:
        for room_id, room in client.invited_rooms.items():
            if world.bot_id in (room.inviter, *room.users):
                found.append(room_id)
                return True
        return False

    await sync_until(client, invited, timeout=timeout, what="the bot's direct-room invite")
    room_id = found[0]
    response = await client.join(room_id)
    assert isinstance(response, JoinResponse), response
    await sync_until(client, lambda: room_id in client.rooms, what="joining the direct room")
    world.direct[client.user_id] = room_id
    return room_id


async def wait_for_pointer(
    world: World, room_id: str, command_id: str, *, timeout: float = 20.0
) -> RoomMessageNotice:
    """The bot's "I've sent you a private message." in `room_id`, replying to `command_id`."""

    def matches(event: object) -> bool:
        if not isinstance(event, RoomMessageNotice) or event.sender != world.bot_id:
            return False
        relates = event.source["content"].get("m.relates_to", {})
        return relates.get("m.in_reply_to", {}).get("event_id") == command_id

    event = await wait_for_event(
        world.member, room_id, matches, timeout=timeout, what="the pointer"
    )
    assert isinstance(event, RoomMessageNotice)
    return event


async def set_power(mod: AsyncClient, room_id: str, user_id: str, level: int) -> None:
    """The moderator gives `user_id` power `level` in `room_id` (0 removes the entry)."""
    current = await mod.room_get_state_event(room_id, "m.room.power_levels")
    assert isinstance(current, RoomGetStateEventResponse), current
    content = dict(current.content)
    users = dict(content.get("users", {}))
    if level:
        users[user_id] = level
    else:
        users.pop(user_id, None)
    content["users"] = users
    response = await mod.room_put_state(room_id, "m.room.power_levels", content)
    assert isinstance(response, RoomPutStateResponse), response
