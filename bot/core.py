"""The core: command registry, dispatcher with permission checks, events, cogs, lifecycle."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import pkgutil
import re
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.binding import bind, command_words, split_args, usage_error
from bot.channels import ALERTS, ChannelPurpose, ChannelPurposes
from bot.clock import Clock
from bot.cog import PLATFORM_EVENTS
from bot.config import Config
from bot.context import Context
from bot.declared_settings import DeclaredSettings
from bot.expiring import ExpiringMap
from bot.failures import log_failure, new_error_id
from bot.i18n import _
from bot.languages import Languages
from bot.message import Message
from bot.parser import ParseError, Token, parse
from bot.platforms.base import (
    Actor,
    CommunityRef,
    Invocation,
    MemberJoinEvent,
    MessageDeletedEvent,
    MessageEvent,
    Platform,
)
from bot.privacy import PrivacyRegistry
from bot.ratelimit import RateLimiter, say_wait
from bot.registry import CommandRegistry
from bot.scheduler import Scheduler
from bot.services import SERVICE_MARK, Services
from bot.spec import ArgumentError, CommandSpec, Permission, build_spec
from bot.suggestions import unknown_command
from storage.db import Database, MemberKey, StorageError
from storage.settings import CommunitySettings, Members, MemberSettings

log = logging.getLogger(__name__)
SEEN_REFRESH = timedelta(days=1)  # how often a member's display name is written again
SEEN_MAX_MEMBERS = 10_000  # names remembered at once; a forgotten one is only written again


NOT_SAVED = _(
    "I couldn't save that just now, so nothing was recorded. Please try again in a little while; "
    "I've let the people who run me know. (error id {error_id})"
)
WENT_WRONG = _(
    "Sorry, something went wrong on my side and I couldn't finish that. (error id {error_id})"
)
# Who may use a command, by its level (Permission.label).
ONLY_LEVEL = {
    "facilitator": _(
        "Only facilitators can use {command}. If you think you should have access, ask a moderator."
    ),
    "moderator": _(
        "Only moderators can use {command}. If you think you should have access, ask a moderator."
    ),
}


class Bot:
    """The platform-neutral bot: one process, one database, any number of platforms."""

    def __init__(self, config: Config, db: Database, clock: Clock) -> None:
        self.config = config
        self.db = db
        self.clock = clock
        self.registry = CommandRegistry()
        self.listeners: dict[str, list[Callable[..., Any]]] = {"message": [], "member_join": []}
        self.services = Services()
        self.channel_purposes = ChannelPurposes()
        self.channel_purposes.declare(ALERTS, by="core")  # ctx.alert posts there
        self.declared_settings = DeclaredSettings()
        self.scheduler = Scheduler(clock, host=self)
        self.privacy = PrivacyRegistry()
        self.platforms: dict[str, Platform] = {}
        self.cogs: dict[str, Any] = {}
        self.community_settings = CommunitySettings(db)
        self.member_settings = MemberSettings(db)
        self.members = Members(db)
        self.languages = Languages(self.member_settings, self.community_settings)
        self.command_limiter = RateLimiter(config.limits.commands_per_minute, timedelta(minutes=1))
        self.started = False
        # member → the name last recorded, for a day: members who come and go are forgotten
        self._seen: ExpiringMap[str] = ExpiringMap(SEEN_REFRESH, SEEN_MAX_MEMBERS)
        self._background: set[asyncio.Future] = set()
        self._undelivered: set[MemberKey] = set()
        # Declared hook for free-text options: hears what a member typed before anything can
        # refuse the command (the crisis cog sets it); a Message back is replied privately
        # afterwards unless the command's own reply already answered it (ctx.crisis_answered).
        # It is given the command's spec (None when unknown): a spec's urgent_alert asks it to
        # tell the moderators too, before anything can refuse the command.
        self.text_screen: (
            Callable[[Context, list[str], CommandSpec | None], Awaitable[Message | None]] | None
        ) = None
        from storage.data_handlers import member_table

        self.privacy.register(member_table("settings", "member_settings", order_by="key"))
        self.privacy.register(member_table("profile", "members"))
        from storage.matrix import direct_rooms_handler

        self.privacy.register(direct_rooms_handler())  # kept even when Matrix is not running

    # --- set-up --------------------------------------------------------------------------

    async def load_cogs(self, names: Iterable[str] | None = None) -> None:
        """Import every module in `cogs` (or the given ones) and set up its cog."""
        if names is None:
            import cogs

            names = [f"cogs.{m.name}" for m in pkgutil.iter_modules(cogs.__path__)]
        for name in sorted(names):
            module = importlib.import_module(name)
            setup = getattr(module, "setup", None)
            if setup is None:
                continue
            await self.add_cog(setup(self))
        self.check_requirements()

    def check_requirements(self) -> None:
        """Every service a loaded cog requires is provided (else :class:`MissingService`)."""
        self.services.check((c.name, c.requires) for c in self.cogs.values())

    async def add_cog(self, cog: Any) -> None:
        """Register a cog's commands and listeners, then run its on_load()."""
        if cog.name in self.cogs:
            raise ValueError(f"cog {cog.name!r} loaded twice")
        if inspect.iscoroutinefunction(getattr(type(cog), "setup", None)):
            # `setup` is the module's factory; the hook it used to share the name with would
            # silently never run
            raise TypeError(f"cog {cog.name!r}: rename its async setup() hook to on_load()")
        self.cogs[cog.name] = cog
        for attr in dir(type(cog)):
            method = getattr(cog, attr)
            if hasattr(method, "__peerbot_command__"):
                self.registry.add(build_spec(cog, method))
            event = getattr(method, "__peerbot_listener__", None)
            if event:
                self.listeners.setdefault(event, []).append(method)
            provided = getattr(method, SERVICE_MARK, None)
            if provided:
                self.services.provide(provided, method, by=cog.name)
        for purpose in cog.channel_purposes:
            self.channel_purposes.declare(purpose, by=cog.name)
        for setting in cog.community_settings:
            self.declared_settings.declare(setting, by=cog.name)
        await cog.on_load()

    def add_platform(self, platform: Platform) -> None:
        """Attach a platform adapter."""
        platform.attach(self)
        self.platforms[platform.name] = platform

    async def start(self, *, realtime: bool) -> None:
        """Start the scheduler (catching up on missed work) and every platform."""
        self.check_requirements()
        await self._load_undelivered()
        for platform in self.platforms.values():
            await platform.start()
        await self.scheduler.start(realtime=realtime, tick_seconds=self.config.bot.tick_seconds)
        self.started = True

    async def stop(self) -> None:
        """Stop cleanly: scheduler, platforms, cogs; pending writes are committed."""
        await self.scheduler.shutdown()
        for platform in list(self.platforms.values()):
            try:
                await platform.stop()
            except Exception:
                log.exception("stopping %s failed", platform.name)
        for cog in self.cogs.values():
            try:
                await cog.on_stop()
            except Exception:
                log.exception("stopping cog %s failed", cog.name)
        if self._background:  # bookkeeping still running: let it finish before the database closes
            await asyncio.wait(self._background, timeout=10)
        await self.db.close()
        self.started = False

    # --- contexts ------------------------------------------------------------------------

    def context(
        self,
        community: CommunityRef,
        *,
        actor: Actor | None = None,
        channel: Any = None,
        responder: Any = None,
        spec: CommandSpec | None = None,
    ) -> Context | None:
        """A context for work in a community; None when its platform is not running or offline
        (due work for it then stays due until the platform is back)."""
        platform = self.platforms.get(community.platform)
        if platform is None or not platform.online:
            return None
        return Context(
            self,
            platform,
            community,
            actor=actor,
            channel=channel,
            responder=responder,
            spec=spec,
            prefix=platform.command_prefix,
        )

    def visible_commands(self, level: Permission) -> list[CommandSpec]:
        """Commands someone at `level` may use (help shows only these)."""
        return self.registry.visible_commands(level)

    # --- what a platform may ask (bot.platforms.base.PlatformHost) -------------------------

    def all_commands(self) -> list[CommandSpec]:
        """Every command, sorted by name, hidden ones included."""
        return self.registry.all()

    def find_command(self, path: tuple[str, ...]) -> CommandSpec | None:
        """The command with exactly this path."""
        return self.registry.get(path)

    def declared_channel_purposes(self) -> list[ChannelPurpose]:
        """Every channel purpose a loaded feature (or the core) declared."""
        return self.channel_purposes.all()

    async def community_setting(self, platform: str, community_id: str, key: str) -> str | None:
        """A community setting."""
        return await self.community_settings.get(platform, community_id, key)

    def declared_setting_names(self) -> tuple[str, ...]:
        """Every community setting a loaded feature declared."""
        return self.declared_settings.names()

    def find_service(self, name: str) -> Callable[..., Any] | None:
        """A declared service, or None when no loaded feature provides it."""
        return self.services.find(name)

    def platform_storage(self) -> Database:
        """The database, for an adapter's own tables."""
        return self.db

    async def run_due_until(self, target: datetime) -> None:
        """Run due work up to `target`, instant by instant (manual clock)."""
        await self.scheduler.advance_to(target)

    # --- dispatch ------------------------------------------------------------------------

    async def dispatch(self, inv: Invocation) -> None:
        """Run one invocation. Never raises: every failure becomes a kind reply."""
        platform = self.platforms[inv.community.platform]
        base = Context(
            self,
            platform,
            inv.community,
            actor=inv.actor,
            channel=inv.channel,
            responder=inv.responder,
            prefix=inv.prefix,
        )
        try:
            await base.use_reader_language()
        except Exception:
            log.exception("could not read the caller's language; English it is")
        try:
            await self._dispatch(inv, base)
        except Exception as err:
            error_id = new_error_id()
            path = base.spec.path if base.spec is not None else inv.path
            log_failure(log, error_id, " ".join(path) if path else "(not yet known)", err)
            text = NOT_SAVED if isinstance(err, StorageError) else WENT_WRONG
            await self._safe_reply(base, text, error_id)

    async def _safe_reply(self, ctx: Context, text: str, error_id: str) -> None:
        try:
            await ctx.reply(text, private=True, error_id=error_id)
        except Exception:
            log.exception("could not even send an apology")

    async def _dispatch(self, inv: Invocation, base: Context) -> None:
        line = _read_line(self.registry, inv)
        typed = self._typed_texts(inv, line)
        heard = await self._screen(base, typed, _named(self.registry, inv, line))
        try:
            await self._run(inv, base, line)
        finally:
            if heard is not None and not base.crisis_answered:
                await _reply_message(base, heard)

    def _typed_texts(self, inv: Invocation, line: _Line) -> list[str]:
        """Every piece of free text a member typed: each named value, and the words after the
        command's name together (the name itself is ours: "crisis" is no one's crisis)."""
        if inv.path is not None:
            return [v for v in inv.args.values() if isinstance(v, str) and v.strip()]
        if line.problem is not None:
            return [inv.text] if inv.text else []
        tokens, used = line.tokens, line.used
        named = [t.text for t in tokens if t.name is not None]
        bare = " ".join(t.text for t in tokens[used:] if t.name is None)
        return [text for text in [bare, *named] if text.strip()]

    async def _screen(
        self, ctx: Context, texts: list[str], spec: CommandSpec | None
    ) -> Message | None:
        """What the text screen says about the typed text (None: nothing to add)."""
        if self.text_screen is None or not texts:
            return None
        try:
            return await self.text_screen(ctx, texts, spec)
        except Exception:
            log.exception("the text screen failed; the command runs unscreened")
            return None

    async def _run(self, inv: Invocation, base: Context, line: _Line) -> None:
        now = self.clock.now()
        spec, tokens, used, problem = line.spec, line.tokens, line.used, line.problem
        if not (spec is not None and spec.unlimited) and not await self._within_limit(
            inv, base, spec, now
        ):
            return
        if problem is not None:
            await base.reply(
                _("I couldn't read that: {problem}."),
                private=True,
                problem=problem.translated(await base.use_reader_language()),
            )
            return
        if spec is None:
            if inv.path is not None:
                await base.reply(
                    _("I don't know the command {name}. Try {help}."),
                    private=True,
                    name=" ".join(inv.path),
                    help=f"{inv.prefix}help",
                )
            else:
                words = [t.text for t in tokens[:3] if t.name is None] or [inv.text or ""]
                await _reply_message(
                    base,
                    unknown_command(self.registry, words, inv.prefix, inv.actor.level, base.tr),
                )
            return
        if inv.path is not None:
            raw_positional: list[Token] = []
            raw_named = dict(inv.args)
        else:
            try:
                raw_positional, raw_named = split_args(tokens[used:], spec)
            except ArgumentError as err:
                await _reply_message(base, usage_error(spec, inv.prefix, err, base.tr))
                return
        if inv.actor.level < spec.level:
            await base.reply(
                ONLY_LEVEL.get(spec.level.label, ONLY_LEVEL["moderator"]),
                private=True,
                command=f"{inv.prefix}{spec.name}",
            )
            return
        ctx = base
        ctx.spec = spec
        try:
            kwargs = await bind(
                spec, raw_positional, raw_named, lambda: base.platform.resolver(inv.community.id)
            )
        except ArgumentError as err:
            await _reply_message(ctx, usage_error(spec, inv.prefix, err, base.tr))
            return
        if spec.unlimited:
            # crisis help never waits on bookkeeping (a locked or slow database)
            self._in_background(self._record_seen(ctx, now))
        else:
            await self._record_seen(ctx, now)
        await self._mention_undelivered(ctx)
        await spec.handler(ctx, **kwargs)

    async def _within_limit(
        self, inv: Invocation, base: Context, spec: CommandSpec | None, now: datetime
    ) -> bool:
        """Count the command against the member's limit; over it, say so (every time, so no
        command goes unanswered) with the wait, and that crisis help is never held back."""
        key = (inv.community.platform, inv.community.id, inv.actor.id)
        if self.command_limiter.hit(key, now):
            return True
        wait = say_wait(self.command_limiter.retry_after(key, now), base.tr)
        what = base.command_hint(spec.name) if spec is not None else base.t("that")
        await base.reply(
            _(
                "I didn't run {what}: you're sending commands faster than I "
                "can keep up with. Please try again in {wait}. {crisis} always answers, however "
                "fast you type."
            ),
            private=True,
            what=what,
            wait=wait,
            crisis=base.command_hint("crisis"),
        )
        return False

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run bookkeeping without holding up the reply (kept referenced until it ends)."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _record_seen(self, ctx: Context, now: datetime) -> None:
        """Keep the member's display name current (at most once a day per member; best effort)."""
        key = ctx.member_key()
        name = ctx.actor.name if ctx.actor else ""
        if self._seen.get(key, now) == name:
            return
        try:
            await self.members.seen(key, name, now)
            self._seen.put(key, name, now)
        except StorageError as err:
            log.warning("could not record that a member was seen: %s", err)

    # --- private-message fallback -----------------------------------------------------------

    async def note_undelivered(self, key: MemberKey, now: datetime) -> None:
        """Remember that a private message could not reach a member (told on their next command)."""
        try:
            count = int(await self.member_settings.get(key, "undelivered") or 0)
            await self.member_settings.set(key, "undelivered", str(count + 1), now)
            self._undelivered.add(key)
        except (StorageError, ValueError):
            log.warning("could not record an undelivered message")

    async def _load_undelivered(self) -> None:
        self._undelivered = set(await self.member_settings.members_with("undelivered"))

    async def _mention_undelivered(self, ctx: Context) -> None:
        key = ctx.member_key()
        if key not in self._undelivered:
            return
        self._undelivered.discard(key)
        count = await self.member_settings.get(key, "undelivered")
        if not count:
            return
        await self.member_settings.set(key, "undelivered", None, ctx.now())
        await ctx.reply(
            ctx.nt(
                "I tried to send you {count} private message but couldn't reach you. If you'd "
                "like reminders and private notes, allow direct messages from this community.",
                "I tried to send you {count} private messages but couldn't reach you. If you'd "
                "like reminders and private notes, allow direct messages from this community.",
                int(count),
            ),
            private=True,
        )

    # --- events --------------------------------------------------------------------------

    async def emit_message(self, event: MessageEvent) -> None:
        """Give an ordinary chat message to every listener (errors are logged, never raised)."""
        if event.author.is_bot:
            return
        await self._emit("message", event, event.community, event.author, event.channel)

    async def emit_member_join(self, event: MemberJoinEvent) -> None:
        """Tell listeners a member joined."""
        await self._emit("member_join", event, event.community, event.member, None)

    async def emit_message_deleted(self, event: MessageDeletedEvent) -> None:
        """Tell listeners a message was deleted in a channel."""
        ctx = self.context(event.community, channel=event.channel)
        if ctx is not None:
            await self._run_listeners("message_deleted", ctx, event)

    async def emit(self, name: str, ctx: Context, *args: Any) -> None:
        """Send a feature event to every ``@listener(name)`` as ``handler(ctx, *args)``. The
        sender's work is already done: a failing listener is logged, never raised."""
        if name in PLATFORM_EVENTS:
            raise ValueError(f"{name!r} events come only from platforms")
        await self._run_listeners(name, ctx, *args)

    async def _emit(
        self, name: str, event: Any, community: CommunityRef, actor: Actor, channel: Any
    ) -> None:
        ctx = self.context(community, actor=actor, channel=channel)
        if ctx is None:
            return
        await self._run_listeners(name, ctx, event)

    async def _run_listeners(self, name: str, ctx: Context, *args: Any) -> None:
        for handler in list(self.listeners.get(name, ())):
            try:
                await handler(ctx, *args)
            except Exception:
                log.exception("listener %s failed on a %s event", handler.__qualname__, name)


async def _reply_message(ctx: Context, message: Message) -> None:
    await ctx.reply(message.template, private=True, buttons=message.buttons, **dict(message.values))


@dataclass(frozen=True)
class _Line:
    """A typed command line read once: its tokens, the command they name and the words it used."""

    spec: CommandSpec | None
    tokens: list[Token]
    used: int
    problem: ParseError | None


def _read_line(registry: CommandRegistry, inv: Invocation) -> _Line:
    """Read the invocation's command (a platform's own command path, or typed text)."""
    if inv.path is not None:
        return _Line(registry.get(inv.path), [], 0, None)
    tokens: list[Token] = []
    problem: ParseError | None = None
    try:
        tokens = parse(inv.text or "")
    except ParseError as err:
        problem = err
    spec, used = registry.match(command_words(tokens))
    return _Line(spec, tokens, used, problem)


def _named(registry: CommandRegistry, inv: Invocation, line: _Line) -> CommandSpec | None:
    """The command a line names, even one unreadable further on (a quote left open): its
    first plain words. For the text screen only: the line itself is still refused."""
    if line.spec is not None or line.problem is None:
        return line.spec
    head = re.split(r"[\"':]", inv.text or "", maxsplit=1)[0]
    return registry.match(head.split())[0]
