"""Fake Discord entities (users, roles, channels, guilds) and the JSON payloads built from them.

Payload shapes follow the Discord API v10 closely enough for discord.py 2.7 to parse them:
snowflakes are strings, member ``permissions`` is a decimal string, ``flags`` is present on
members. Generated ids are real snowflakes, so ``created_at`` of interactions and messages is now.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits used by the default guild.
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MANAGE_GUILD = 1 << 5
USE_APPLICATION_COMMANDS = 1 << 31
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1

EVERYONE_PERMISSIONS = (
    ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | READ_MESSAGE_HISTORY
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS
)
BOT_PERMISSIONS = (
    EVERYONE_PERMISSIONS | EMBED_LINKS | ATTACH_FILES | MANAGE_MESSAGES | CREATE_PRIVATE_THREADS
)

_counter = itertools.count()


def new_snowflake() -> int:
    """Return a fresh snowflake whose timestamp is the current time."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_counter) % (1 << 22))


def iso_now() -> str:
    """Return the current UTC time as Discord formats timestamps."""
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class FakeUser:
    """A Discord user account (a member, or the bot itself)."""

    id: int
    name: str
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        """The user object as Discord sends it."""
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass
class FakeRole:
    """A guild role. The @everyone role has the guild's id."""

    id: int
    name: str
    permissions: int = 0
    position: int = 0
    managed: bool = False

    def payload(self) -> dict[str, Any]:
        """The role object as Discord sends it."""
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": self.managed,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }


@dataclass
class FakeChannel:
    """A guild channel (type 0 text by default, 2 voice, 13 stage) or a thread (types 11/12)."""

    id: int
    name: str
    type: int = 0
    position: int = 0
    parent_id: int | None = None
    owner_id: int | None = None
    topic: str | None = None
    overwrites: list[dict[str, Any]] = field(default_factory=list)  # permission_overwrites
    archived: bool = False  # threads only
    locked: bool = False  # threads only: only moderators may unarchive

    @property
    def is_thread(self) -> bool:
        """Whether this channel is a thread."""
        return self.type in (10, 11, 12)

    def payload(self, guild_id: int | None = None) -> dict[str, Any]:
        """The channel object; ``guild_id`` is included when given."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "permission_overwrites": self.overwrites,
            "nsfw": False,
            "topic": self.topic,
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "flags": 0,
        }
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        if self.type in (2, 13):  # voice, stage
            data.update(bitrate=64000, user_limit=0, rtc_region=None)
        if self.is_thread:
            data.update(
                owner_id=str(self.owner_id or 0),
                message_count=0,
                member_count=1,
                total_message_sent=0,
                thread_metadata={
                    "archived": self.archived,
                    "locked": self.locked,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": iso_now(),
                    "create_timestamp": iso_now(),
                    "invitable": self.type != 12,
                },
            )
        return data


@dataclass
class FakeMember:
    """A user's membership in a guild, with role ids (the @everyone role is implicit)."""

    user: FakeUser
    roles: tuple[int, ...] = ()
    joined_at: str = field(default_factory=iso_now)

    def payload(self, *, permissions: int | None = None) -> dict[str, Any]:
        """The member object. ``permissions`` is only set on interaction members."""
        data: dict[str, Any] = {
            "user": self.user.payload(),
            "roles": [str(r) for r in self.roles],
            "joined_at": self.joined_at,
            "nick": None,
            "avatar": None,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class FakeGuild:
    """A guild (a community) with its channels, roles and members."""

    id: int
    name: str
    channels: list[FakeChannel] = field(default_factory=list)
    roles: list[FakeRole] = field(default_factory=list)
    members: list[FakeMember] = field(default_factory=list)
    owner_id: int = 0

    def channel(self, channel_id: int) -> FakeChannel | None:
        """The channel or thread with this id, if it belongs to the guild."""
        return next((c for c in self.channels if c.id == channel_id), None)

    def channel_named(self, name: str) -> FakeChannel:
        """The channel with this name; raises KeyError when there is none."""
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(name)

    def member(self, user_id: int) -> FakeMember | None:
        """The membership of this user, if they are in the guild."""
        return next((m for m in self.members if m.user.id == user_id), None)

    def role(self, role_id: int) -> FakeRole | None:
        """The role with this id."""
        return next((r for r in self.roles if r.id == role_id), None)

    def permissions_of(self, user_id: int, extra_roles: tuple[int, ...] = ()) -> int:
        """Guild-level permissions: owner gets all, otherwise the union of the roles held."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.member(user_id)
        held = {self.id, *extra_roles, *(member.roles if member else ())}
        perms = 0
        for role in self.roles:
            if role.id in held:
                perms |= role.permissions
        return perms

    def create_payload(self, *, with_members: bool, bot_user_id: int) -> dict[str, Any]:
        """The GUILD_CREATE payload. Without the members intent only the bot's member is sent."""
        members = [m.payload() for m in self.members if with_members or m.user.id == bot_user_id]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": str(self.owner_id),
            "features": [],
            "unavailable": False,
            "large": False,
            "member_count": len(self.members),
            "joined_at": iso_now(),
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "afk_timeout": 300,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "system_channel_id": None,
            "roles": [r.payload() for r in self.roles],
            "channels": [c.payload() for c in self.channels if not c.is_thread],
            "threads": [c.payload(self.id) for c in self.channels if c.is_thread],
            "members": members,
            "emojis": [],
            "stickers": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


ALICE = FakeUser(2001, "alice")
BOB = FakeUser(2002, "bob")
CAROL = FakeUser(2003, "carol")
MOD = FakeUser(2009, "mod")

DEFAULT_GUILD_ID = 1000
FACILITATOR_ROLE_ID = 1010
MODERATOR_ROLE_ID = 1011
BOT_ROLE_ID = 1020


def overwrite(target_id: int, *, allow: int = 0, deny: int = 0, member: bool = False) -> dict:
    """A channel permission overwrite for a role (or a member)."""
    return {
        "id": str(target_id),
        "type": 1 if member else 0,
        "allow": str(allow),
        "deny": str(deny),
    }


def moderators_only(guild_id: int) -> list[dict[str, Any]]:
    """Overwrites that hide a channel from @everyone and show it to moderators and the bot."""
    return [
        overwrite(guild_id, deny=VIEW_CHANNEL),
        overwrite(MODERATOR_ROLE_ID, allow=VIEW_CHANNEL),
        overwrite(BOT_ROLE_ID, allow=VIEW_CHANNEL),
    ]


def default_guild(bot_user: FakeUser) -> FakeGuild:
    """The default community: five text channels, alice, bob, carol, a moderator and the bot.
    Only moderators (and the bot) can view #alerts.

    ``mod`` holds the Moderator role (1011), which grants Manage Guild (0x20); nobody holds
    Facilitator (1010) by default. The guild owner (2999) is not a member, so nobody has
    owner powers unless a test adds them.
    """
    gid = DEFAULT_GUILD_ID
    names = ["general", "checkins", "milestones", "prompts", "alerts"]
    return FakeGuild(
        id=gid,
        name="Peer Support",
        owner_id=2999,
        channels=[
            FakeChannel(
                gid + 1 + i,
                name,
                position=i,
                overwrites=moderators_only(gid) if name == "alerts" else [],
            )
            for i, name in enumerate(names)
        ],
        roles=[
            FakeRole(gid, "@everyone", EVERYONE_PERMISSIONS, 0),
            FakeRole(FACILITATOR_ROLE_ID, "Facilitator", EVERYONE_PERMISSIONS, 1),
            FakeRole(MODERATOR_ROLE_ID, "Moderator", EVERYONE_PERMISSIONS | MANAGE_GUILD, 2),
            FakeRole(BOT_ROLE_ID, bot_user.name, BOT_PERMISSIONS, 3, managed=True),
        ],
        members=[
            FakeMember(ALICE),
            FakeMember(BOB),
            FakeMember(CAROL),
            FakeMember(MOD, roles=(MODERATOR_ROLE_ID,)),
            FakeMember(bot_user, roles=(BOT_ROLE_ID,)),
        ],
    )
