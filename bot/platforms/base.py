"""The contract between the core and a chat platform."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from bot.message import Message
from bot.spec import ChannelRef, MemberRef, Permission, Resolver, RoleRef

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from bot.channels import ChannelPurpose
    from bot.clock import Clock
    from bot.config import Config
    from bot.languages import Languages
    from bot.platforms.listing import Listing
    from bot.spec import CommandSpec
    from storage.db import Database


@dataclass(frozen=True)
class CommunityRef:
    """A community: a Discord guild, a Matrix space (or lone room), the console community."""

    platform: str
    id: str
    name: str = ""


@dataclass(frozen=True)
class Actor:
    """The person behind an invocation or a message, with their level in this community."""

    id: str
    name: str
    level: Permission = Permission.MEMBER
    is_bot: bool = False
    locale: str | None = None  # the language their chat client sent (Discord), if any


@dataclass(frozen=True)
class Capabilities:
    """What a platform can do; anything missing gets an explicit fallback in the core."""

    ephemeral: bool = False  # private replies in place (else a direct message)
    buttons: bool = False
    forms: bool = False
    threads: bool = False
    files: bool = False
    reactions: bool = False


class Responder(Protocol):
    """Answers one invocation."""

    async def reply(self, message: Message, private: bool) -> None: ...


@runtime_checkable
class WithdrawsCommand(Protocol):
    """A responder whose invocation was typed where others read it (a Matrix room) and that can
    take it back out (redact it)."""

    async def withdraw_command(self, reason: str) -> bool | None:
        """True: removed; False: it stays (no power to); None: nothing others could read."""
        ...


@dataclass
class Invocation:
    """One command from one person: text (Matrix, console) or already structured (Discord)."""

    community: CommunityRef
    channel: ChannelRef | None
    actor: Actor
    responder: Responder
    text: str | None = None  # the line without its prefix
    path: tuple[str, ...] | None = None
    args: dict[str, Any] = field(default_factory=dict)
    prefix: str = "!"


@dataclass(frozen=True)
class MessageEvent:
    """An ordinary chat message (not a command), or an edit of one.

    An edit arrives as the message's new text with ``edited`` set, the same ``message_id`` and
    ``link`` as the original, and only when its text changed; platforms never deliver edits by
    bots. Listeners that count messages rather than read them should skip edits.
    """

    community: CommunityRef
    channel: ChannelRef
    author: Actor
    text: str
    message_id: str = ""
    link: str = ""
    edited: bool = False


@dataclass(frozen=True)
class MemberJoinEvent:
    """A member joined the community."""

    community: CommunityRef
    member: Actor


@dataclass(frozen=True)
class MessageDeletedEvent:
    """A message was deleted (or redacted) in a community's channel by someone, the bot's own
    posts included: features that keep something only as long as a post exists listen."""

    community: CommunityRef
    channel: ChannelRef
    message_id: str


class PlatformHost(Protocol):
    """Everything a platform adapter may ask of the bot (the core's :class:`~bot.core.Bot`
    provides it). Adapters never reach the registry, the scheduler, the cogs or the database
    any other way; ``tests/test_contracts.py`` checks."""

    config: Config
    clock: Clock  # the one clock; the console's manual clock is moved through it
    languages: Languages  # whose language a reply is in (a form's hint, before any command runs)

    async def dispatch(self, inv: Invocation) -> None:
        """Run one command; never raises (every failure becomes a kind reply)."""
        ...

    async def emit_message(self, event: MessageEvent) -> None:
        """An ordinary chat message (or an edit of one), for the features that listen."""
        ...

    async def emit_member_join(self, event: MemberJoinEvent) -> None:
        """A member joined a community."""
        ...

    async def emit_message_deleted(self, event: MessageDeletedEvent) -> None:
        """A message was deleted in a community's channel."""
        ...

    def all_commands(self) -> list[CommandSpec]:
        """Every command, sorted by name, hidden ones included (for registering them)."""
        ...

    def find_command(self, path: tuple[str, ...]) -> CommandSpec | None:
        """The command with exactly this path (a button's or a slash command's)."""
        ...

    def visible_commands(self, level: Permission) -> list[CommandSpec]:
        """What someone with `level` may use and help shows."""
        ...

    def declared_channel_purposes(self) -> list[ChannelPurpose]:
        """Every channel purpose a loaded feature declared."""
        ...

    async def community_setting(self, platform: str, community_id: str, key: str) -> str | None:
        """A community setting (``channel.alerts``, ``facilitator_role`` …)."""
        ...

    def declared_setting_names(self) -> tuple[str, ...]:
        """Every community setting a loaded feature declared (for the console's help)."""
        ...

    def find_service(self, name: str) -> Callable[..., Any] | None:
        """A feature's declared service, or None when no loaded feature provides it."""
        ...

    def platform_storage(self) -> Database:
        """The database, for the adapter's own tables only (platform state, direct rooms)."""
        ...

    async def run_due_until(self, target: datetime) -> None:
        """Run the due work up to `target`, instant by instant (the console's manual clock)."""
        ...


class PlatformStartError(RuntimeError):
    """A platform could not start; the message says why, for the person running the bot."""


class Platform(ABC):
    """A chat platform adapter. It turns platform events into invocations and events, and
    messages into platform messages. It contains no feature logic."""

    name: str = "platform"
    capabilities = Capabilities()
    command_prefix = "!"
    online: bool = True  # False while the platform cannot reach its service: due work waits

    def __init__(self) -> None:
        self.bot: PlatformHost | None = None

    def attach(self, bot: PlatformHost) -> None:
        """Called once by the core before start()."""
        self.bot = bot

    @abstractmethod
    async def start(self) -> None:
        """Connect and begin delivering events."""

    @abstractmethod
    async def stop(self) -> None:
        """Disconnect cleanly."""

    @abstractmethod
    async def post(
        self,
        community_id: str,
        channel_id: str,
        message: Message,
        *,
        thread_title: str | None = None,
    ) -> str | None:
        """Post publicly in a channel; returns the message id, or None if it could not be posted."""

    @abstractmethod
    async def send_private(self, community_id: str, user_id: str, message: Message) -> bool:
        """Send a private (direct) message; False when it could not be delivered."""

    async def open_private_group(
        self,
        community_id: str,
        user_ids: list[str],
        title: str,
        message: Message,
        *,
        purpose: str | None = None,
    ) -> str | None:
        """Open a private space for these members only (a private thread, a new encrypted room)
        and post `message` there; returns its handle for :meth:`close_private_group`. None when
        the platform cannot: callers then write to each member privately instead. `purpose`
        names the channel purpose to open it under where the platform places it in a channel."""
        return None

    async def close_private_group(
        self, community_id: str, handle: str, message: Message | None = None
    ) -> bool:
        """Post `message` in a space :meth:`open_private_group` opened, then close it for good
        (archived and locked on Discord, left on Matrix); False when it could not be closed."""
        return False

    async def members_can_read(self, community_id: str, channel_id: str) -> bool | None:
        """Whether anyone who is not a moderator can read the channel; None when the platform
        cannot tell (callers then treat the channel as readable by members)."""
        return None

    async def can_read(self, community_id: str, channel_id: str, user_id: str) -> bool | None:
        """Whether this member can read the channel; None when the platform cannot tell."""
        return None

    async def moderators(self, community_id: str) -> list[str] | None:
        """The user ids of the community's moderators (never bots); None when unknown."""
        return None

    async def edit(
        self, community_id: str, channel_id: str, message_id: str, message: Message
    ) -> bool:
        """Replace the text of one of peerbot's own posts (its buttons go, nobody is notified);
        False when the platform cannot edit."""
        return False

    async def take_down(
        self, community_id: str, channel_id: str, message_id: str, notice: Message
    ) -> bool:
        """Take one of peerbot's own posts down, leaving ``notice`` where the platform can
        (by default the post's text is replaced by it; Matrix redacts the event with it as the
        reason); False when the post is still up."""
        return await self.edit(community_id, channel_id, message_id, notice)

    async def list_event(
        self, community_id: str, listing: Listing, existing_id: str | None
    ) -> str | None:
        """Show (or update, when ``existing_id`` is given) an upcoming event the platform's own
        way; returns its id, or None when this platform has no such thing or it failed."""
        return None

    async def unlist_event(self, community_id: str, existing_id: str, reason: str) -> bool:
        """Withdraw a listed event (``reason`` is shown where the platform can show it)."""
        return False

    async def has_role(self, community_id: str, user_id: str, role: str) -> bool | None:
        """Whether a member has a role (what a role is depends on the platform); None when the
        platform cannot tell."""
        return None

    async def is_member(self, community_id: str, user_id: str) -> bool | None:
        """Whether someone is still a member of the community: False only when the platform
        knows they left; None when it cannot tell."""
        return None

    async def delete_member_files(self, community_id: str | None, user_id: str) -> int:
        """Remove every file this platform wrote to disk for the member (their exports, their
        charts) in this community (``None``: every community); how many. Discord and Matrix
        upload files from memory and keep none, so the default removes nothing."""
        return 0

    def typed_in_private(self, channel_id: str, user_id: str) -> bool:
        """Whether a command this member typed in this channel is seen by them alone (a slash
        command, a direct room); anonymous posting is refused where others saw it typed."""
        return True

    def command_name(self, path: tuple[str, ...]) -> str:
        """How people type a command here (without the prefix), e.g. ``milestone set``."""
        return " ".join(path)

    def resolver(self, community_id: str) -> Resolver:
        """Looks up channels, members and roles typed as text."""
        return _NoResolver()

    async def member_name(self, community_id: str, user_id: str) -> str:
        """A display name for a member (no mention markup)."""
        return user_id

    async def channel_name(self, community_id: str, channel_id: str) -> str:
        """A display name for a channel."""
        return channel_id

    async def role_name(self, community_id: str, role_id: str) -> str:
        """A display name for a role (no mention markup)."""
        return role_id


class _NoResolver:
    async def resolve_channel(self, text: str) -> ChannelRef | None:
        return None

    async def resolve_member(self, text: str) -> MemberRef | None:
        return None

    async def resolve_role(self, text: str) -> RoleRef | None:
        return None
