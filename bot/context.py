"""Context: everything a cog handler may use to talk to people and reach its data."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot.i18n import ENGLISH, Said, Translator, translator
from bot.message import BUTTON_LINE, Attachment, Button, Message, Ping
from bot.platforms.base import Actor, CommunityRef, Platform, Responder, WithdrawsCommand
from bot.spec import ChannelRef, CommandSpec, Permission
from storage.db import Database, MemberKey

if TYPE_CHECKING:
    from bot.core import Bot

log = logging.getLogger(__name__)


class Context:
    """One command invocation, listener call or scheduled job in one community."""

    def __init__(
        self,
        bot: Bot,
        platform: Platform,
        community: CommunityRef,
        *,
        actor: Actor | None = None,
        channel: ChannelRef | None = None,
        responder: Responder | None = None,
        spec: CommandSpec | None = None,
        prefix: str = "!",
    ) -> None:
        self.bot = bot
        self.platform = platform
        self.community = community
        self.actor = actor
        self.channel = channel
        self.responder = responder
        self.spec = spec
        self.prefix = prefix
        self.replies = 0
        self.crisis_answered = False  # the private crisis reply went out (see Bot.text_screen)
        self._own_key: MemberKey | None = None
        self._reader: Translator | None = None  # the caller's language, once known

    # --- shortcuts ------------------------------------------------------------------------

    @property
    def db(self) -> Database:
        """The database."""
        return self.bot.db

    def now(self) -> datetime:
        """The current instant (UTC), from the bot's one clock."""
        return self.bot.clock.now()

    @property
    def level(self) -> Permission:
        """The caller's level (member when there is no caller)."""
        return self.actor.level if self.actor else Permission.MEMBER

    def member_key(self, user_id: str | None = None) -> MemberKey:
        """The key of the caller's (or another member's) data in this community."""
        if user_id is None:
            if self._own_key is None:
                uid = self.actor.id if self.actor else ""
                self._own_key = MemberKey(self.community.platform, self.community.id, uid)
            return self._own_key
        return MemberKey(self.community.platform, self.community.id, user_id)

    def usage(self, spec: CommandSpec | None = None) -> str:
        """The usage line of this (or another) command with this platform's prefix."""
        spec = spec or self.spec
        return spec.usage(self.prefix) if spec else ""

    def command_hint(self, name: str) -> str:
        """How to type a command on this platform, e.g. ``!crisis`` or ``/checkin-history``."""
        return self.prefix + self.platform.command_name(tuple(name.split()))

    # --- language (bot/i18n.py, bot/languages.py) -----------------------------------------

    @property
    def tr(self) -> Translator:
        """The caller's translator (known once the core dispatched the command; English
        before). In due work, where nobody called, use :meth:`translator_for`."""
        return self._reader or ENGLISH

    def t(self, message: str, **values: object) -> str:
        """``message`` in the caller's language, filled in with peerbot's own ``values``
        (numbers, command hints). Member text goes in a reply's values instead."""
        return self.tr(message, **values)

    def nt(self, singular: str, plural: str, n: int, **values: object) -> str:
        """The plural form for ``n`` in the caller's language, with ``{count}`` filled in."""
        return self.tr.plural(singular, plural, n, **values)

    async def use_reader_language(self, *, again: bool = False) -> Translator:
        """Find (once, or ``again`` after it changed) the language the caller reads: theirs,
        the community's, their client's, else English. Without a caller: the community's."""
        if self._reader is None or again:
            languages = self.bot.languages
            if self.actor is None:
                code = await languages.community(self.community.platform, self.community.id)
            else:
                code = await languages.reader(self.member_key(), self.actor.locale, self.now())
            self._reader = translator(code)
        return self._reader

    async def translator_for(self, user_id: str | None = None) -> Translator:
        """The translator of a member (the caller when ``user_id`` is None)."""
        if user_id is None or (self.actor is not None and user_id == self.actor.id):
            return await self.use_reader_language()
        return translator(await self.bot.languages.member(self.member_key(user_id)))

    async def community_translator(self) -> Translator:
        """The community's translator: for posts in channels and alerts to moderators."""
        return translator(
            await self.bot.languages.community(self.community.platform, self.community.id)
        )

    # --- settings and time ---------------------------------------------------------------

    async def setting(self, key: str) -> str | None:
        """A community setting."""
        return await self.bot.community_settings.get(
            self.community.platform, self.community.id, key
        )

    async def setting_value(self, name: str) -> str | None:
        """A declared community setting (bot/declared_settings.py): stored, else its default."""
        stored = await self.setting(name)
        if stored is not None:
            return stored
        declared = self.bot.declared_settings.get(name)
        return declared.default if declared is not None else None

    async def community_timezone(self) -> str:
        """The community's zone (moderator setting, else the configured default)."""
        return await self.setting("timezone") or self.bot.config.bot.timezone

    async def member_timezone(self, user_id: str | None = None) -> str:
        """The member's zone, else the community's."""
        zone = await self.bot.member_settings.timezone(self.member_key(user_id))
        return zone or self.bot.config.bot.timezone

    async def today(self, user_id: str | None = None) -> date:
        """The member's local date now."""
        from bot.timeutil import local_date

        return local_date(self.now(), await self.member_timezone(user_id))

    async def channel_for(self, purpose: str) -> str | None:
        """The channel id a moderator chose for a purpose (checkins, milestones, …)."""
        return await self.setting(f"channel.{purpose}")

    # --- talking to people ---------------------------------------------------------------

    async def reply(
        self,
        template: str,
        *,
        private: bool | None = None,
        buttons: Iterable[Button] = (),
        file: Attachment | None = None,
        **values: Any,
    ) -> None:
        """Answer the caller. Private by the command's default; member text goes in `values`."""
        if private is None:
            private = self.spec.private if self.spec else True
        self.replies += 1
        if self.responder is None and private and self.actor is not None:
            await self.send_private(self.actor.id, template, buttons=buttons, file=file, **values)
            return
        tr = await self.use_reader_language()
        message = _translated(tr, template, values, buttons, file)
        if self.responder is not None:
            await self.responder.reply(message, private)
        elif self.channel is not None:
            await self.platform.post(self.community.id, self.channel.id, message)

    async def withdraw_command(self, reason: str) -> bool | None:
        """Take the command as typed out of the room where others read it (its words were
        meant to be hidden): True when removed, False when it stays there (the platform may not
        remove it), None when nobody else could read it (a slash command, a private room)."""
        if not isinstance(self.responder, WithdrawsCommand):
            return None
        try:
            return await self.responder.withdraw_command(reason)
        except Exception:
            log.exception("could not withdraw a typed command")
            return False

    async def send_private(
        self,
        user_id: str,
        template: str,
        *,
        buttons: Iterable[Button] = (),
        file: Attachment | None = None,
        **values: Any,
    ) -> bool:
        """A private message to any member, in their language; False (and logged) when it
        could not be delivered."""
        message = _translated(await self.translator_for(user_id), template, values, buttons, file)
        try:
            delivered = await self.platform.send_private(self.community.id, user_id, message)
        except Exception:
            log.exception("private message to %s failed", user_id)
            delivered = False
        if not delivered:
            log.warning("could not deliver a private message in %s", self.community.id)
            await self.bot.note_undelivered(self.member_key(user_id), self.now())
        return delivered

    async def open_private_group(
        self,
        user_ids: Iterable[str],
        title: str,
        template: str,
        *,
        under: str | None = None,
        **values: Any,
    ) -> str | None:
        """A private space for these members only, with a first message; its handle (for
        :meth:`close_private_group`), or None if unavailable. ``under``: the channel purpose
        to open it under, where the platform places spaces in a channel."""
        try:
            tr = await self.community_translator()
            return await self.platform.open_private_group(
                self.community.id,
                list(user_ids),
                tr.gettext(title),
                _translated(tr, template, values),
                purpose=under,
            )
        except Exception:
            log.exception("could not open a private group")
            return None

    async def close_private_group(self, handle: str, template: str, **values: Any) -> bool:
        """Post a last message in a private space and close it (archived, or left); False
        (logged) when it could not be closed."""
        try:
            tr = await self.community_translator()
            return await self.platform.close_private_group(
                self.community.id, handle, _translated(tr, template, values)
            )
        except Exception:
            log.exception("could not close a private group")
            return False

    async def post(
        self,
        purpose: str,
        template: str,
        *,
        thread_title: str | None = None,
        buttons: Iterable[Button] = (),
        **values: Any,
    ) -> str | None:
        """Post publicly in the channel set for `purpose`; None when unset or undeliverable."""
        if self.bot.channel_purposes.get(purpose) is None:
            raise ValueError(f"unknown channel purpose {purpose!r}")
        channel_id = await self.channel_for(purpose)
        if channel_id is None:
            return None
        return await self.post_to(
            channel_id, template, thread_title=thread_title, buttons=buttons, **values
        )

    async def post_to(
        self,
        channel_id: str,
        template: str,
        *,
        thread_title: str | None = None,
        buttons: Iterable[Button] = (),
        pings: Iterable[Ping] = (),
        **values: Any,
    ) -> str | None:
        """Post publicly in a given channel; None when it could not be delivered. `pings` are
        the only people (or role) the post may notify."""
        tr = await self.community_translator()
        message = _translated(tr, template, values, buttons, pings=pings)
        try:
            return await self.platform.post(
                self.community.id, channel_id, message, thread_title=thread_title
            )
        except Exception:
            log.exception("post to %s failed", channel_id)
            return None

    async def alert(self, template: str, *, buttons: Iterable[Button] = (), **values: Any) -> bool:
        """Tell the moderators, in the alerts channel. False when there is none, when members
        can read it (its permissions changed after it was chosen), or it failed."""
        return await self.alert_post(template, buttons=buttons, **values) is not None

    async def alert_post(
        self,
        template: str,
        *,
        buttons: Iterable[Button] = (),
        pings: Iterable[Ping] = (),
        **values: Any,
    ) -> tuple[str, str] | None:
        """Like :meth:`alert`, returning (channel id, message id) so the post can be edited."""
        channel_id = await self.channel_for("alerts")
        if channel_id is None:
            return None
        if await self.members_can_read(channel_id):
            log.error(
                "alert not posted in %s: members can read the alerts channel %s",
                self.community.id,
                channel_id,
            )
            return None
        posted = await self.post_to(channel_id, template, buttons=buttons, pings=pings, **values)
        return (channel_id, posted) if posted is not None else None

    async def edit_post(
        self, channel_id: str, message_id: str, template: str, **values: Any
    ) -> bool:
        """Replace the text of one of peerbot's posts (buttons removed, nobody notified);
        False where the platform cannot edit (then post a follow-up instead)."""
        try:
            tr = await self.community_translator()
            return await self.platform.edit(
                self.community.id, channel_id, message_id, _translated(tr, template, values)
            )
        except Exception:
            log.exception("editing %s in %s failed", message_id, channel_id)
            return False

    async def take_down_post(
        self, channel_id: str, message_id: str, template: str, **values: Any
    ) -> bool:
        """Take one of peerbot's posts down (the notice ``template`` shows where the platform
        can leave one); False when it is still up (then say so: never claim it is gone)."""
        try:
            tr = await self.community_translator()
            return await self.platform.take_down(
                self.community.id, channel_id, message_id, _translated(tr, template, values)
            )
        except Exception:
            log.exception("taking %s in %s down failed", message_id, channel_id)
            return False

    async def is_member(self, user_id: str) -> bool | None:
        """Whether someone is still in the community: False only when the platform knows they
        left; None when it cannot tell (or the check failed)."""
        try:
            return await self.platform.is_member(self.community.id, user_id)
        except Exception:
            log.exception("could not check whether %s is still a member", user_id)
            return None

    async def has_role(self, user_id: str, role: str) -> bool:
        """Whether a member has a role (Discord role id, console role name; on Matrix `role`
        is a power level). False when the platform cannot tell."""
        try:
            return bool(await self.platform.has_role(self.community.id, user_id, role))
        except Exception:
            log.exception("could not check a role of %s", user_id)
            return False

    async def members_can_read(self, channel_id: str) -> bool:
        """Whether people other than moderators can read a channel (also when unsure)."""
        try:
            readable = await self.platform.members_can_read(self.community.id, channel_id)
        except Exception:
            log.exception("could not check who can read %s", channel_id)
            readable = None
        return readable is not False

    async def can_read(self, channel_id: str, user_id: str) -> bool:
        """Whether a member can read a channel (also when unsure)."""
        try:
            readable = await self.platform.can_read(self.community.id, channel_id, user_id)
        except Exception:
            log.exception("could not check whether %s can read %s", user_id, channel_id)
            readable = None
        return readable is not False

    async def moderators(self) -> list[str]:
        """The community's moderators' user ids (empty when the platform cannot say)."""
        try:
            return list(await self.platform.moderators(self.community.id) or [])
        except Exception:
            log.exception("could not list the moderators of %s", self.community.id)
            return []

    async def role_name(self, role_id: str) -> str:
        """A display name for a role (never a mention)."""
        return await self.platform.role_name(self.community.id, role_id)

    async def member_name(self, user_id: str) -> str:
        """A display name for a member (never a mention)."""
        name = await self.bot.members.name(self.member_key(user_id))
        return name or await self.platform.member_name(self.community.id, user_id)


def _translated(
    tr: Translator,
    template: str,
    values: dict[str, Any],
    buttons: Iterable[Button] = (),
    file: Attachment | None = None,
    *,
    pings: Iterable[Ping] = (),
) -> Message:
    """A message in ``tr``'s language: the template and button labels are looked up in the
    catalog (text already translated, or never marked, stays as it is); values are the
    platform's to escape; a value peerbot wrote as :class:`~bot.i18n.Said` is said in ``tr``'s
    language too."""
    values = {k: v.translated(tr) if isinstance(v, Said) else v for k, v in values.items()}
    shown = tuple(
        b if tr.gettext(b.label) == b.label else replace(b, label=tr.gettext(b.label))
        for b in buttons
    )
    return Message(
        tr.gettext(template),
        values,
        shown,
        file,
        pings=tuple(pings),
        button_line=tr.gettext(BUTTON_LINE),
    )
