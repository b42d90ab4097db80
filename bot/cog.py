"""The base class of features. A cog declares commands, listeners and due work; it talks to people
only through its Context and to the database only through storage/."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.channels import ChannelPurpose
    from bot.core import Bot
    from bot.declared_settings import CommunitySetting


class Cog:
    """One feature. Subclasses set `name` and decorate methods with @command / @listener."""

    name = "cog"
    # services (bot/services.py) this cog cannot work without; checked when every cog is loaded
    requires: tuple[str, ...] = ()
    # channels this feature posts to (bot/channels.py); /community channel offers each
    channel_purposes: tuple[ChannelPurpose, ...] = ()
    # community settings this feature reads (bot/declared_settings.py); /community show lists them
    community_settings: tuple[CommunitySetting, ...] = ()

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def on_load(self) -> None:
        """Register privacy handlers and due sources. Called once, before platforms start."""

    async def on_stop(self) -> None:
        """Called once when the bot stops."""


# only platforms emit these (Bot.emit_message …)
PLATFORM_EVENTS = ("message", "member_join", "message_deleted")


def listener(event: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a cog method as a listener for an event: ``message``, ``member_join`` and
    ``message_deleted`` come from the platforms (``handler(ctx, event)``); any other name is a feature event some cog sends
    with ``bot.emit(name, ctx, *args)`` (``handler(ctx, *args)``)."""
    if not all(part.isidentifier() for part in event.split(".")):
        raise ValueError(f"bad event name {event!r}")

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn.__peerbot_listener__ = event  # type: ignore[attr-defined]
        return fn

    return decorate
