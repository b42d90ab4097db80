"""Private spaces on Discord: a private thread that only the chosen members (and peerbot) see.

Used for partners' introductions and support sessions. Every failure (a missing permission, a
member who left, a refused request) is logged and reported as None, so that the core falls back to
a private message to each member instead. A thread is closed by archiving and locking it: the
members keep what was said, nobody can write there again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
import discord

from bot.message import Message
from bot.platforms.discord.render import render

log = logging.getLogger(__name__)

T = TypeVar("T")
Call = Callable[[Callable[[], Awaitable[T]]], Awaitable[T]]

# A week without messages before Discord archives the thread (any member's message reopens it).
AUTO_ARCHIVE_MINUTES = 10080
FAILURES = (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError, ValueError)
# Without these peerbot cannot open the thread or speak in it; checked before any request.
NEEDED = {
    "create_private_threads": "Create Private Threads",
    "send_messages_in_threads": "Send Messages in Threads",
}


def missing_permissions(channel: discord.TextChannel) -> list[str]:
    """The names of the permissions peerbot lacks in `channel` to open a private thread."""
    me = channel.guild.me
    if me is None:  # not cached yet: peerbot cannot tell, so it does not try
        return list(NEEDED.values())
    perms = channel.permissions_for(me)
    return [label for attr, label in NEEDED.items() if not getattr(perms, attr)]


async def open_private_thread(
    parent: Any,
    user_ids: list[str],
    title: str,
    message: Message,
    call: Call | None = None,
) -> str | None:
    """Open a private, non-invitable thread in `parent`, add the members, post `message`.

    `call` wraps each request (the adapter retries once after a network failure). Returns the
    thread's id, or None, with the thread removed where possible, when any step fails.
    """
    run: Call = call or _direct
    if not isinstance(parent, discord.TextChannel):
        log.warning("discord: no text channel for a private thread (got %r)", parent)
        return None
    missing = missing_permissions(parent)
    if missing:
        log.warning(
            "discord: cannot open a private thread in #%s: peerbot lacks %s",
            parent.name,
            " and ".join(missing),
        )
        return None
    try:
        thread = await run(
            lambda: parent.create_thread(
                name=title[:100] or "private",
                type=discord.ChannelType.private_thread,
                invitable=False,
                auto_archive_duration=AUTO_ARCHIVE_MINUTES,
            )
        )
    except FAILURES as err:
        log.warning("discord: could not open a private thread in #%s: %s", parent.name, err)
        return None
    try:
        for user_id in user_ids:
            member = discord.Object(int(user_id))
            await run(lambda member=member: thread.add_user(member))
        for part in render(message):
            await run(lambda part=part: thread.send(**part.kwargs()))
            if part.view is not None:
                part.view.stop()
    except FAILURES as err:
        log.warning("discord: private thread %s could not be set up: %s", thread.id, err)
        await _discard(thread)
        return None
    return str(thread.id)


async def close_private_thread(
    thread: Any, message: Message | None, call: Call | None = None
) -> bool:
    """Post `message` in the thread, then archive and lock it; False (logged) when refused."""
    run: Call = call or _direct
    if not isinstance(thread, discord.Thread):
        log.warning("discord: %r is not a thread to close", thread)
        return False
    try:
        if message is not None:
            for part in render(message):
                await run(lambda part=part: thread.send(**part.kwargs()))
                if part.view is not None:
                    part.view.stop()
        await run(lambda: thread.edit(archived=True, locked=True))
    except FAILURES as err:
        log.warning("discord: could not close private thread %s: %s", thread.id, err)
        return False
    return True


async def _direct(request: Callable[[], Awaitable[T]]) -> T:
    return await request()


async def _discard(thread: discord.Thread) -> None:
    """Remove a half-made thread so nobody finds an empty space; archive it if that is refused."""
    try:
        await thread.delete()
        return
    except FAILURES as err:
        log.info("discord: could not delete thread %s (%s); archiving it", thread.id, err)
    try:
        await thread.edit(archived=True)
    except FAILURES as err:
        log.warning("discord: thread %s stays open but unused: %s", thread.id, err)
