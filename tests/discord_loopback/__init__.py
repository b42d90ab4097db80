"""A loopback Discord API and gateway for end-to-end tests of peerbot's Discord adapter."""

from .models import (
    ALICE,
    BOB,
    CAROL,
    DEFAULT_GUILD_ID,
    FACILITATOR_ROLE_ID,
    MOD,
    MODERATOR_ROLE_ID,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    default_guild,
)
from .records import InteractionRecord, RecordedCall
from .server import LoopbackDiscord

__all__ = [
    "ALICE",
    "BOB",
    "CAROL",
    "DEFAULT_GUILD_ID",
    "FACILITATOR_ROLE_ID",
    "MOD",
    "MODERATOR_ROLE_ID",
    "FakeChannel",
    "FakeGuild",
    "FakeMember",
    "FakeRole",
    "FakeUser",
    "InteractionRecord",
    "LoopbackDiscord",
    "RecordedCall",
    "default_guild",
]
