"""Events from Discord: interactions (commands, buttons, forms, autocomplete), messages, edits
and joins (a part of :class:`~bot.platforms.discord.platform.DiscordPlatform`)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

import discord

from bot.failures import log_failure, new_error_id
from bot.i18n import Translator, _, translator
from bot.message import Message
from bot.platforms.base import (
    Actor,
    CommunityRef,
    Invocation,
    MemberJoinEvent,
    MessageDeletedEvent,
    MessageEvent,
)
from bot.platforms.discord.commands import (
    CHANNEL,
    ROLE,
    USER,
    Action,
    focused_option,
    parse_custom_id,
    route_of,
)
from bot.platforms.discord.interactions import (
    APOLOGY,
    InteractionResponder,
    apologize,
    client_translator,
)
from bot.platforms.discord.render import build_modal, modal_values
from bot.platforms.discord.shared import (
    NETWORK_ERRORS,
    PLATFORM,
    community_of,
    moderating,
    stop_view,
)
from bot.platforms.discord.suggest import suggestions
from bot.spec import ChannelRef, CommandSpec, MemberRef, Permission, RoleRef
from storage.db import MemberKey

log = logging.getLogger(__name__)

SEEN_INTERACTIONS = 2048  # ids remembered so that a replayed interaction is never answered twice
UNKNOWN_COMMAND = _(
    "I don't recognise that command any more; it may have changed since your app loaded it. "
    "Try /help."
)
STALE_BUTTON = _("This button no longer does anything. Try /help to see what I can do.")
GUILD_ONLY = _("My commands work inside a server, where your community is.")


class DiscordEvents:
    """Every event becomes an invocation, a chat message or a join for the core."""

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
            await apologize(interaction, error_id)
        finally:
            if task is not None:
                self._inflight.discard(task)

    async def _interaction(self, interaction: discord.Interaction) -> None:
        kind = interaction.type
        data: dict[str, Any] = dict(interaction.data or {})  # type: ignore[arg-type]
        community = community_of(interaction.guild)
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
            said = client_translator(interaction).gettext(GUILD_ONLY)
            await interaction.response.send_message(said, ephemeral=True)
            return
        if kind == discord.InteractionType.application_command:
            route, options = route_of(data)
            path = self.commands.routes.get(route)
            spec = self._spec(path)
            if spec is None:
                said = (await self._reader(interaction, community, person)).gettext(UNKNOWN_COMMAND)
                await interaction.response.send_message(said, ephemeral=True)
                return
            args = option_values(options, data.get("resolved") or {})
            await self._run(interaction, community, spec, args)
        elif kind == discord.InteractionType.component:
            action = parse_custom_id(str(data.get("custom_id", "")))
            spec = self._spec(tuple(action.command.split())) if action else None
            if action is None or spec is None:
                await self._stale(interaction, community, person)
                return
            await self._press(interaction, community, spec, action, person)
        elif kind == discord.InteractionType.modal_submit:
            action = parse_custom_id(str(data.get("custom_id", "")))
            spec = self._spec(tuple(action.command.split())) if action else None
            if action is None or spec is None:
                await self._stale(interaction, community, person)
                return
            await self._run(
                interaction, community, spec, {**action.args, **modal_values(data)}, person
            )

    async def _stale(
        self,
        interaction: discord.Interaction,
        community: CommunityRef,
        person: discord.User | discord.Member,
    ) -> None:
        said = (await self._reader(interaction, community, person)).gettext(STALE_BUTTON)
        await interaction.response.send_message(said, ephemeral=True)

    async def _reader(
        self,
        interaction: discord.Interaction,
        community: CommunityRef,
        person: discord.User | discord.Member,
    ) -> Translator:
        """The presser's language: their choice, the community's, else their app's."""
        assert self.bot is not None
        client = str(getattr(interaction.locale, "value", "") or "") or None
        key = MemberKey(community.platform, community.id, str(person.id))
        return translator(await self.bot.languages.member(key, client))

    def _spec(self, path: tuple[str, ...] | None) -> CommandSpec | None:
        assert self.bot is not None
        return self.bot.find_command(path) if path else None

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
        community = community_of(guild)
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
            tr = await self._reader(interaction, community, person)
            modal = build_modal(spec, action.args, guild, tr) if actor.level >= spec.level else None
            if modal is not None:
                await interaction.response.send_modal(modal)
                stop_view(modal)
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
        actor = replace(actor, locale=str(getattr(interaction.locale, "value", "") or "") or None)
        responder = InteractionResponder(
            interaction, lambda: self._reader(interaction, community, person)
        )
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
            tr = await self._reader(interaction, community, person)
            await responder.reply(Message(tr(APOLOGY, error_id=error_id)), True)
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
        community = community_of(message.guild)
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

    async def on_message_delete(
        self, guild_id: int | None, channel_id: int, message_ids: list[int]
    ) -> None:
        """A message deleted in a server's channel (by anyone, the bot's own posts included)."""
        assert self.bot is not None and self.client is not None
        community = community_of(self.client.get_guild(guild_id)) if guild_id else None
        if community is None:
            return
        channel = ChannelRef(str(channel_id), "")
        for message_id in message_ids:
            await self.bot.emit_message_deleted(
                MessageDeletedEvent(community, channel, str(message_id))
            )

    async def on_member_join(self, member: discord.Member) -> None:
        """A new member: tell the listeners (welcome)."""
        assert self.bot is not None
        community = community_of(member.guild)
        assert community is not None
        actor = Actor(str(member.id), member.display_name, Permission.MEMBER, member.bot)
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
        level = Permission.MEMBER
        if perms is not None and moderating(perms):
            level = Permission.MODERATOR
        else:
            role_id = await self.bot.community_setting(PLATFORM, community.id, "facilitator_role")
            if role_id and any(str(role.id) == role_id for role in getattr(user, "roles", ())):
                level = Permission.FACILITATOR
        return Actor(str(user.id), user.display_name, level, user.bot)

    def _first_time(self, interaction_id: int) -> bool:
        if interaction_id in self._seen:
            return False
        self._seen[interaction_id] = None
        if len(self._seen) > SEEN_INTERACTIONS:
            self._seen.popitem(last=False)
        return True


def option_values(options: list[dict[str, Any]], resolved: dict[str, Any]) -> dict[str, Any]:
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
