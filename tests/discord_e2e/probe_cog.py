"""A cog used only by the Discord adapter tests: one command per adapter behaviour."""

from __future__ import annotations

import asyncio
from typing import Annotated

from bot.cog import Cog
from bot.context import Context
from bot.message import Attachment, Button
from bot.spec import ChannelRef, MaxLen, MemberRef, Permission, Range, RoleRef, Timezone, command


class Probe(Cog):
    """Commands that exercise replies, buttons, forms, DMs, files and failures."""

    name = "probe"

    def __init__(self, bot) -> None:
        super().__init__(bot)
        self.release = asyncio.Event()
        self.notes: list[tuple[str, str, int]] = []

    @command("probe echo", "Repeat text back", private=True)
    async def echo(self, ctx: Context, text: Annotated[str, MaxLen(300), "Some text"]) -> None:
        await ctx.reply("You said: {text}", text=text)

    @command("probe shout", "Say something in public")
    async def shout(self, ctx: Context, text: Annotated[str, MaxLen(300), "Some text"]) -> None:
        await ctx.reply("{name} says: {text}", private=False, name=ctx.actor.name, text=text)

    @command("probe slow", "Deferred work", private=True, defer=True)
    async def slow(self, ctx: Context) -> None:
        await ctx.reply("Finished the slow work.")

    @command("probe wait", "Work that waits until the test releases it", private=True)
    async def wait(self, ctx: Context) -> None:
        await self.release.wait()
        await ctx.reply("Finished waiting.")

    @command("probe boom", "Always fails", private=True)
    async def boom(self, ctx: Context) -> None:
        raise RuntimeError("probe failure")

    @command("probe quiet", "Says nothing", private=True)
    async def quiet(self, ctx: Context) -> None:
        return None

    @command("probe long", "A very long answer", private=True)
    async def long(self, ctx: Context) -> None:
        lines = [f"line {i:03d} " + "x" * 90 for i in range(60)]
        await ctx.reply("\n".join(lines))

    @command("probe mods", "Moderators only", private=True, level=Permission.MODERATOR)
    async def mods(self, ctx: Context) -> None:
        await ctx.reply("Hello, moderator.")

    @command("probe facils", "Facilitators only", private=True, level=Permission.FACILITATOR)
    async def facils(self, ctx: Context) -> None:
        await ctx.reply("Hello, facilitator.")

    @command("probe buttons", "A reply with buttons", private=True)
    async def buttons(self, ctx: Context) -> None:
        await ctx.reply(
            "Pick one.",
            buttons=[
                Button("Write a note", command="probe note", args={"topic": "today"}, form=True),
                Button("Say hi", command="probe echo", args={"text": "hi"}),
                Button("Mods", command="probe mods", form=True),
            ],
        )

    @command("probe note", "Keep a short note", private=True)
    async def note(
        self,
        ctx: Context,
        topic: Annotated[str, MaxLen(40), "What it is about"],
        text: Annotated[str, MaxLen(500), "The note"],
        stars: Annotated[int, Range(1, 5), "How much it matters"] = 3,
    ) -> None:
        self.notes.append((topic, text, stars))
        await ctx.reply("Noted under {topic} ({stars}).", topic=topic, stars=stars)

    @command("probe dm", "Send me a direct message", private=True)
    async def dm(self, ctx: Context) -> None:
        delivered = await ctx.send_private(
            ctx.actor.id, "A private hello, {name}.", name=ctx.actor.name
        )
        await ctx.reply("Sent." if delivered else "Your direct messages are closed.")

    @command("probe file", "Send a file", private=True)
    async def file(self, ctx: Context) -> None:
        await ctx.reply(
            "Your file.", file=Attachment("probe.json", b'{"ok": true}', "application/json")
        )

    @command("probe where", "Channels, members and roles", private=True)
    async def where(
        self,
        ctx: Context,
        channel: Annotated[ChannelRef, "A channel"],
        who: Annotated[MemberRef, "A member"],
        role: Annotated[RoleRef, "A role"] | None = None,
    ) -> None:
        role_name = role.name if role else "none"
        await ctx.reply(
            "{channel} / {who} / {role}", channel=channel.name, who=who.name, role=role_name
        )

    @command("probe zone", "A timezone", private=True)
    async def zone(self, ctx: Context, zone: Annotated[Timezone, "A zone"]) -> None:
        await ctx.reply("Zone {zone}.", zone=zone)

    @command("probe post", "Post in a channel with a thread", private=True)
    async def post(self, ctx: Context, text: Annotated[str, MaxLen(300), "Some text"]) -> None:
        posted = await ctx.post_to(
            ctx.channel.id, "Posted: {text}", thread_title="Talk here", text=text
        )
        await ctx.reply("Posted." if posted else "Could not post.")


def setup(bot) -> Probe:
    """Create the cog."""
    return Probe(bot)
