"""The console community: the embedded default that runs with no token.

A person types as a member would. ``/checkin 4`` or ``!checkin 4`` runs a command; any other line
is an ordinary chat message in the current channel; ``:edit TEXT`` edits your last one there;
``:reveal N`` shows text hidden behind a content warning;
``:as``, ``:role``, ``:channel``, ``:clock`` and ``:quit`` steer the session. Every output line
says where it went: ``#channel`` for a post, ``(private) NAME`` for a private reply or direct
message.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
import secrets
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.message import Message, neutralize_mentions
from bot.parser import strip_prefix
from bot.platforms.base import (
    Actor,
    Capabilities,
    CommunityRef,
    Invocation,
    MemberJoinEvent,
    MessageEvent,
    Platform,
)
from bot.platforms.edits import EditMemory
from bot.platforms.listing import Listing
from bot.spec import ChannelRef, MemberRef, Permission, RoleRef
from storage.db import StorageError
from storage.files import private_dir, write_private

COMMUNITY = CommunityRef("console", "console", "console community")
DEFAULT_CHANNELS = ("general",)  # and one per declared channel purpose, when the console starts
NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,31}")


class ConsoleResponder:
    """Answers an invocation on the console."""

    def __init__(self, console: ConsolePlatform, actor: Actor, channel: str) -> None:
        self.console = console
        self.actor = actor
        self.channel = channel

    async def reply(self, message: Message, private: bool) -> None:
        # A file answers the member who asked (their chart, their export), wherever it shows.
        where = f"(private) {self.actor.name}" if private else f"#{self.channel}"
        self.console.emit(where, message, owner=self.actor.id)


class ConsolePlatform(Platform):
    """stdin/stdout as a one-community chat."""

    name = "console"
    capabilities = Capabilities(files=True)

    def __init__(
        self,
        *,
        user: str = "alice",
        out: Callable[[str], None] | None = None,
        files_dir: Path | None = None,
        prefix: str = "!",
    ) -> None:
        super().__init__()
        self.user = user
        self.channel = "general"
        self.channels: dict[str, str] = {c: c for c in DEFAULT_CHANNELS}
        self.moderator_channels: set[str] = set()  # only moderators read these
        self.roles: dict[str, Permission] = {}
        self.named_roles: dict[str, set[str]] = {}  # role name → members (":role NAME +ROLE")
        self.members: set[str] = set()
        self.gone: set[str] = set()  # ":leave NAME": left, so nothing reaches them
        self.open_groups: dict[str, list[str]] = {}  # private group handle → its members
        self.files_dir = files_dir or Path("peerbot-files")
        self.command_prefix = prefix
        self._out = out or self._print
        self.transcript: list[str] = []
        self._message_seq = 0
        self._run = secrets.token_hex(4)  # message ids stay unique across restarts
        # (member, channel) → (message id, link) of their last chat message there, for :edit
        self.said: dict[tuple[str, str], tuple[str, str]] = {}
        self._edits = EditMemory()
        self.hidden: list[str] = []  # texts behind content warnings, for :reveal N

    # --- output -----------------------------------------------------------------------------

    @staticmethod
    def _print(line: str) -> None:
        print(line, flush=True)

    def emit(self, where: str, message: Message, *, owner: str | None = None) -> None:
        """Print a message with where it went; files are written and their path printed (in
        ``owner``'s own folder when the file is a member's, so their deletion removes it)."""
        text = message.render_with_buttons(self.command_prefix, hide=self._hide)
        if message.pings:  # a ping is shown as the mention a chat client would highlight
            text = " ".join(f"@{p.name}" for p in message.pings) + " " + text
        lines = text.split("\n")
        self._write(f"{where}: {lines[0]}")
        for line in lines[1:]:
            self._write(f"    {line}")
        if message.file is not None:
            path = self._save_file(message.file.filename, message.file.data, owner)
            self._write(f"    (file saved to {path})")

    def _hide(self, text: str) -> str:
        """Keep hidden text (behind a content warning) for ``:reveal N``."""
        self.hidden.append(text)
        return f"[hidden: :reveal {len(self.hidden)}]"

    def _write(self, line: str) -> None:
        self.transcript.append(line)
        self._out(line)

    def _save_file(self, filename: str, data: bytes, owner: str | None) -> Path:
        private_dir(self.files_dir)  # exports hold everything stored about a member
        folder = private_dir(self._member_folder(owner)) if owner else self.files_dir
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", filename) or "file"
        path = folder / safe
        stem, suffix, n = path.stem, path.suffix, 1
        while path.exists():  # an earlier file of the same name is never replaced
            n += 1
            path = folder / f"{stem}-{n}{suffix}"
        write_private(path, data)
        return path

    def _member_folder(self, user_id: str) -> Path:
        """Where a member's files go: a folder named after them (inside the files folder even
        when ``--as`` gave a name no ``:as`` accepts)."""
        if NAME_RE.fullmatch(user_id):
            return self.files_dir / user_id
        return self.files_dir / f"member-{hashlib.sha256(user_id.encode()).hexdigest()[:16]}"

    async def delete_member_files(self, community_id: str | None, user_id: str) -> int:
        """Remove the member's folder (their exports and charts) and any export an older
        version saved straight into the files folder that names them; how many files."""
        if community_id not in (None, COMMUNITY.id):
            return 0
        removed = 0
        folder = self._member_folder(user_id)
        if folder.is_dir():
            removed = sum(1 for p in folder.rglob("*") if not p.is_dir())
            shutil.rmtree(folder)
        for path in self.files_dir.glob("peerbot-export-*.json"):
            try:
                document = json.loads(path.read_bytes())
            except (OSError, ValueError):
                continue  # not an export peerbot wrote
            if isinstance(document, dict) and (document.get("platform"), document.get("user")) == (
                self.name,
                user_id,
            ):
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def info(self, text: str) -> None:
        """A line from the console itself (not from the bot)."""
        self._write(f"* {text}")

    # --- Platform --------------------------------------------------------------------------

    async def start(self) -> None:
        assert self.bot is not None
        self.members.add(self.user)
        # A channel named after each purpose the loaded features declared, ready to choose.
        for purpose in self.bot.declared_channel_purposes():
            if purpose.name not in self.channels and purpose.moderators_only:
                self.moderator_channels.add(purpose.name)
            self.channels.setdefault(purpose.name, purpose.name)

    async def stop(self) -> None:
        """Nothing to disconnect: the terminal stays where it is."""

    async def post(
        self,
        community_id: str,
        channel_id: str,
        message: Message,
        *,
        thread_title: str | None = None,
    ) -> str | None:
        if channel_id not in self.channels:
            return None
        self._message_seq += 1
        self.emit(f"#{channel_id}", message)
        if thread_title:
            self._write(f"    (thread opened: {thread_title})")
        return f"console-{self._message_seq}"

    async def take_down(
        self, community_id: str, channel_id: str, message_id: str, notice: Message
    ) -> bool:
        """A console post can't be unprinted: the notice is printed where it was posted."""
        if channel_id not in self.channels or not message_id.startswith("console-"):
            return False
        self.emit(f"#{channel_id}", notice)
        return True

    async def send_private(self, community_id: str, user_id: str, message: Message) -> bool:
        if user_id in self.gone:
            return False
        self.emit(f"(private) {user_id}", message, owner=user_id)
        return True

    async def open_private_group(
        self,
        community_id: str,
        user_ids: list[str],
        title: str,
        message: Message,
        *,
        purpose: str | None = None,
    ) -> str | None:
        if self.gone.intersection(user_ids):
            return None
        self._message_seq += 1
        handle = f"console-group-{self._run}-{self._message_seq}"
        self.open_groups[handle] = list(user_ids)
        self.emit(f"(private group: {', '.join(user_ids)})", message)
        return handle

    async def close_private_group(
        self, community_id: str, handle: str, message: Message | None = None
    ) -> bool:
        members = self.open_groups.pop(handle, None)
        if members is None:
            return False
        if message is not None:
            self.emit(f"(private group: {', '.join(members)})", message)
        self._write(f"(private group closed: {', '.join(members)})")
        return True

    async def list_event(
        self, community_id: str, listing: Listing, existing_id: str | None
    ) -> str | None:
        if existing_id is None:
            self._message_seq += 1
            existing_id = f"console-event-{self._message_seq}"
        self._write(f"[event {existing_id}] {neutralize_mentions(listing.summary)}")
        return existing_id

    async def unlist_event(self, community_id: str, existing_id: str, reason: str) -> bool:
        self._write(f"[event {existing_id}] withdrawn: {neutralize_mentions(reason)}")
        return True

    def resolver(self, community_id: str) -> _ConsoleResolver:
        return _ConsoleResolver(self)

    async def member_name(self, community_id: str, user_id: str) -> str:
        return user_id

    async def channel_name(self, community_id: str, channel_id: str) -> str:
        return f"#{channel_id}"

    async def members_can_read(self, community_id: str, channel_id: str) -> bool | None:
        """Every console channel is public except the moderators-only ones."""
        if channel_id not in self.channels:
            return None
        return channel_id not in self.moderator_channels

    async def can_read(self, community_id: str, channel_id: str, user_id: str) -> bool | None:
        if channel_id not in self.moderator_channels:
            return channel_id in self.channels or None
        return self.roles.get(user_id) == Permission.MODERATOR

    async def has_role(self, community_id: str, user_id: str, role: str) -> bool | None:
        if user_id in self.gone:  # left: as on Discord, whose departed members have no roles
            return None
        return user_id in self.named_roles.get(role, set())

    async def is_member(self, community_id: str, user_id: str) -> bool | None:
        if user_id in self.gone:
            return False
        return True if user_id in self.members else None

    async def moderators(self, community_id: str) -> list[str] | None:
        return sorted(name for name, level in self.roles.items() if level == Permission.MODERATOR)

    # --- input -----------------------------------------------------------------------------

    def known(self, name: str) -> str:
        """A member's name as first typed, whatever its case now (``BOB`` is bob, as on Discord
        and Matrix, where one person can't be two members by capitals); else ``name``."""
        if name in self.members:
            return name
        folded = name.casefold()
        return next((m for m in sorted(self.members) if m.casefold() == folded), name)

    def actor(self, name: str | None = None) -> Actor:
        """The current (or named) member with their console role."""
        name = name or self.user
        return Actor(name, name, self.roles.get(name, Permission.MEMBER))

    async def _acting(self) -> Actor:
        """The current member; holding the community's facilitators role (``:role NAME
        +ROLE``) makes a member a facilitator, as on Discord."""
        assert self.bot is not None
        actor = self.actor()
        if actor.level != Permission.MEMBER:
            return actor
        if not any(actor.id in holders for holders in self.named_roles.values()):
            return actor  # no named role: nothing to look up
        try:
            role = await self.bot.community_setting("console", COMMUNITY.id, "facilitator_role")
        except StorageError:  # a failing database must never stop a command (/crisis above all)
            return actor
        if role and actor.id in self.named_roles.get(role, set()):
            return Actor(actor.id, actor.name, Permission.FACILITATOR)
        return actor

    async def handle_line(self, line: str) -> bool:
        """Handle one typed line; False when the session should end."""
        line = line.rstrip("\r\n")
        if not line.strip():
            return True
        assert self.bot is not None
        if line.startswith(":"):
            return await self._control(line)
        body = strip_prefix(line, (self.command_prefix, "/"))
        if body is not None:
            actor = await self._acting()
            inv = Invocation(
                community=COMMUNITY,
                channel=ChannelRef(self.channel, self.channel),
                actor=actor,
                responder=ConsoleResponder(self, actor, self.channel),
                text=body,
                prefix=self.command_prefix,
            )
            await self.bot.dispatch(inv)
            return True
        self._message_seq += 1
        said = (
            f"console-{self._run}-{self._message_seq}",
            f"#{self.channel} message {self._message_seq}",
        )
        self.said[(self.user, self.channel)] = said
        await self._chat(*said, line, edited=False)
        return True

    async def _chat(self, message_id: str, link: str, text: str, *, edited: bool) -> None:
        """Deliver a chat message (or its new text) from the current member."""
        assert self.bot is not None
        if edited and not self._edits.changed(message_id, text):
            return
        self._edits.seen(message_id, text)
        event = MessageEvent(
            COMMUNITY,
            ChannelRef(self.channel, self.channel),
            self.actor(),
            text,
            message_id=message_id,
            link=link,
            edited=edited,
        )
        await self.bot.emit_message(event)

    async def _control(self, line: str) -> bool:
        assert self.bot is not None
        verb, _, rest = line[1:].strip().partition(" ")
        rest = rest.strip()
        verb = verb.lower()
        if verb in ("quit", "q", "exit"):
            return False
        if verb == "as":
            if not NAME_RE.fullmatch(rest):
                self.info("usage: :as NAME (letters, digits, - _ . ; up to 32 characters)")
                return True
            rest = self.known(rest)
            self.user = rest
            self.info(f"you are now {rest}")
            if rest not in self.members:
                self.members.add(rest)
                await self.bot.emit_member_join(MemberJoinEvent(COMMUNITY, self.actor(rest)))
            return True
        if verb == "leave":
            if rest not in self.members:
                self.info("usage: :leave NAME (someone who is here)")
                return True
            self.gone.add(rest)
            self.info(f"{rest} left the community; private messages to them now fail")
            return True
        if verb == "role":
            parts = rest.split()
            if len(parts) == 2 and parts[1][:1] in "+-" and NAME_RE.fullmatch(parts[1][1:]):
                return self._named_role(parts[0], parts[1])
            levels = {lvl.label: lvl for lvl in Permission}
            if len(parts) != 2 or not NAME_RE.fullmatch(parts[0]) or parts[1].lower() not in levels:
                self.info("usage: :role NAME moderator|facilitator|member")
                return True
            name = self.known(parts[0])
            self.roles[name] = levels[parts[1].lower()]
            self.members.add(name)
            self.info(f"{name} is now a {parts[1].lower()}")
            return True
        if verb == "channel":
            name, _, audience = rest.partition(" ")
            name = name.lstrip("#")
            if not NAME_RE.fullmatch(name) or audience.strip() not in ("", "moderators"):
                self.info("usage: :channel NAME [moderators] (moderators: only they read it)")
                return True
            self.channels.setdefault(name, name)
            if audience.strip():
                self.moderator_channels.add(name)
            self.channel = name
            self.info(f"now posting in #{name}")
            return True
        if verb == "clock":
            return await self._clock(rest)
        if verb == "edit":
            said = self.said.get((self.user, self.channel))
            if not rest:
                self.info("usage: :edit NEW TEXT (edits your last message in this channel)")
                return True
            if said is None:
                self.info(f"there's no message of yours to edit here in #{self.channel}")
                return True
            self.info(f"you edited your last message in #{self.channel}")
            await self._chat(*said, rest, edited=True)
            return True
        if verb == "reveal":
            if not rest.isdigit() or not 1 <= int(rest) <= len(self.hidden):
                self.info("usage: :reveal N (the number shown in [hidden: :reveal N])")
                return True
            self.info(f"hidden text {rest}: {self.hidden[int(rest) - 1]}")
            return True
        if verb == "help":
            self.info(
                "commands: /NAME or !NAME; :as NAME, :role NAME LEVEL|+ROLE|-ROLE, :channel NAME [moderators], "
                ":clock +1d|+90m|2026-12-01T09:00, :edit TEXT, :reveal N, :leave NAME, :quit"
            )
            self.info(f"channels: {self._channel_list()}")
            assert self.bot is not None
            self.info(
                "community settings (moderators: /community show, /community set NAME VALUE): "
                + ", ".join(self.bot.declared_setting_names())
            )
            return True
        self.info(f"unknown console command :{verb} (try :help)")
        return True

    def _channel_list(self) -> str:
        """Every channel, the moderators-only ones marked."""
        return ", ".join(
            f"#{name}" + (" (moderators only)" if name in self.moderator_channels else "")
            for name in self.channels
        )

    def _named_role(self, name: str, change: str) -> bool:
        """``:role NAME +ROLE`` gives a named role (like a Discord role), ``-ROLE`` takes it."""
        if not NAME_RE.fullmatch(name):
            self.info("usage: :role NAME +ROLE or :role NAME -ROLE")
            return True
        holders = self.named_roles.setdefault(change[1:], set())
        if change[0] == "+":
            holders.add(name)
            self.members.add(name)
            self.info(f"{name} now has the role {change[1:]}")
        else:
            holders.discard(name)
            self.info(f"{name} no longer has the role {change[1:]}")
        return True

    async def _clock(self, rest: str) -> bool:
        assert self.bot is not None
        clock = self.bot.clock
        if not rest:
            self.info(f"the time is {clock.now().strftime('%Y-%m-%d %H:%M')} UTC")
            return True
        try:
            target = parse_clock(rest, clock.now())
        except ValueError as err:
            self.info(f"{err} (examples: :clock +1d, :clock +90m, :clock 2026-12-01T09:00)")
            return True
        if target < clock.now():
            self.info("time only moves forward here")
            return True
        await self.bot.run_due_until(target)
        self.info(f"the time is now {clock.now().strftime('%Y-%m-%d %H:%M')} UTC")
        return True

    async def run(self, stream: TextIO | None = None) -> None:
        """Read lines until end of input or :quit. Interactive terminals get a prompt and history."""
        stream = stream or sys.stdin
        interactive = stream.isatty()
        if interactive:
            with contextlib.suppress(ImportError):  # line editing where the platform has it
                import readline  # noqa: F401  (history and line editing)
            self.info("peerbot console: type /help, or :help for console commands. :quit to leave.")
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                try:
                    line = await loop.run_in_executor(None, input, f"{self.user}@#{self.channel}> ")
                except EOFError:
                    break
            else:
                line = await loop.run_in_executor(None, stream.readline)
                if line == "":
                    break
            if not await self.handle_line(line):
                break


class _ConsoleResolver:
    def __init__(self, console: ConsolePlatform) -> None:
        self.console = console

    async def resolve_channel(self, text: str) -> ChannelRef | None:
        name = text.lstrip("#")
        return ChannelRef(name, name) if name in self.console.channels else None

    async def resolve_member(self, text: str) -> MemberRef | None:
        name = text.lstrip("@")
        if name == "peerbot":
            return MemberRef("peerbot", "peerbot", is_bot=True)
        name = self.console.known(name)
        return MemberRef(name, name) if name in self.console.members else None

    async def resolve_role(self, text: str) -> RoleRef | None:
        name = text.lstrip("@")
        return RoleRef(name, name) if NAME_RE.fullmatch(name) else None


def parse_clock(text: str, now: datetime) -> datetime:
    """``+1d``, ``+90m``, ``+2h30m``, ``+1w`` or an ISO instant (UTC when no offset is given)."""
    text = text.strip()
    if text.startswith("+"):
        parts = re.findall(r"(\d{1,6})([wdhms])", text[1:])
        if not parts or "".join(n + u for n, u in parts) != text[1:]:
            raise ValueError(f"I can't read {text[:40]!r} as a time step")
        seconds = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
        return now + timedelta(seconds=sum(int(n) * seconds[u] for n, u in parts))
    try:
        target = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"I can't read {text[:40]!r} as a date and time") from None
    if target.tzinfo is None:
        target = target.replace(tzinfo=UTC)
    return target.astimezone(UTC)
