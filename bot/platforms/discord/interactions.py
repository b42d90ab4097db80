"""Answering one interaction: replies, deferring, and the apology when something failed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import discord

from bot.i18n import ENGLISH, Translator, _, translator
from bot.message import Message
from bot.platforms.discord.render import NO_MENTIONS, render
from bot.platforms.discord.shared import stop_view

log = logging.getLogger(__name__)

AUTO_DEFER_AFTER = 2.0  # Discord drops interactions not answered within 3 s
APOLOGY = _(
    "Sorry, something went wrong on my side and I couldn't finish that. (error id {error_id})"
)
DONE = _("Done.")
Reader = Callable[[], Awaitable[Translator]]  # the presser's language, looked up when needed


def client_translator(interaction: discord.Interaction) -> Translator:
    """The language of the member's Discord app (before any community is known)."""
    return translator(str(getattr(interaction.locale, "value", "") or "") or None)


class InteractionResponder:
    """Answers one interaction: the first reply is the response, later ones are follow-ups.

    If nothing was said within two seconds the interaction is deferred, so that slow work is
    never dropped by Discord; if nothing was said at all, the member still gets an answer.
    """

    def __init__(self, interaction: discord.Interaction, reader: Reader | None = None) -> None:
        self.interaction = interaction
        self.reader = reader
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
                stop_view(part.view)
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
                tr = await self.reader() if self.reader is not None else ENGLISH
                await self.reply(Message(tr.gettext(DONE)), True)
        except discord.HTTPException as err:
            log.warning("discord: could not close an interaction: %s", err)


async def apologize(interaction: discord.Interaction, error_id: str) -> None:
    """Say sorry, in the language of the member's app (the failure may be in reading theirs)."""
    text = client_translator(interaction)(APOLOGY, error_id=error_id)
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
