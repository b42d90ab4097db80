"""Content warnings: /tw posts a member's text behind a warning (a spoiler on Discord and
Matrix, [hidden] on the console), and channels where moderators expect warnings bring a gentle
private reminder, at most once a day, to a member who posted about such a topic without one.
The text still reaches the crisis listener, spoiler and all. See docs/safe-sharing.md."""

from __future__ import annotations

from typing import Annotated, Literal

from bot.cog import Cog, listener
from bot.context import Context
from bot.core import Bot
from bot.declared_settings import CommunitySetting
from bot.i18n import N_, _
from bot.message import Button, Hidden
from bot.platforms.base import MessageEvent
from bot.spec import ChannelRef, MaxLen, Permission, Rest, command
from cogs.community import audit_actor
from cogs.contentwarnings import texts
from cogs.contentwarnings.topics import TOPICS, has_spoiler, parse_topics
from storage.community import CommunityConfig

Topic = Literal["self-harm", "suicide", "alcohol", "drugs", "eating", "abuse", "grief", "other"]
REMINDED = "cw.reminded"  # member setting: the local day of the last reminder


def expected_key(channel_id: str) -> str:
    """The community setting listing the topics a channel expects warnings on."""
    return f"cw.expected.{channel_id}"


async def _expected_shown(ctx: Context, value: str | None) -> str:
    """Each channel that expects warnings, with its topics (one setting per channel)."""
    settings = await ctx.bot.community_settings.all(ctx.community.platform, ctx.community.id)
    prefix = expected_key("")
    shown = [
        f"{await ctx.platform.channel_name(ctx.community.id, key.removeprefix(prefix))} "
        f"({', '.join(texts.topic_name(t, ctx.tr) for t in topics.split(','))})"
        for key, topics in sorted(settings.items())
        if key.startswith(prefix)
    ]
    return "; ".join(shown) or ctx.t(texts.NONE)


class ContentWarnings(Cog):
    """/tw, /tw channel and the reminder listener."""

    name = "contentwarnings"
    community_settings = (
        CommunitySetting(
            "cw.expected",  # stored per channel as cw.expected.<channel id>
            N_("Channels that expect content warnings"),
            command="tw channel",
            show=_expected_shown,
        ),
    )
    requires = ("crisis.level", "crisis.topics")

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot)
        self.config = CommunityConfig(bot.db)

    @command("tw", _("Post behind a content warning"), private=True)
    async def tw(
        self,
        ctx: Context,
        topic: Annotated[Topic, _("What the post is about")],
        text: Annotated[str, MaxLen(4000), Rest(), _("What you'd like to share")] | None = None,
    ) -> None:
        """Post `text` in this channel as "CW: topic", the text hidden until opened."""
        assert ctx.actor is not None
        if text is None:
            if not ctx.platform.capabilities.forms:  # a button would only repeat the command
                await ctx.reply(texts.ASK_TYPED, usage=ctx.usage())
                return
            button = Button(texts.WRITE_IT, command="tw", args={"topic": topic}, form=True)
            await ctx.reply(texts.ASK_TEXT, buttons=[button], usage=ctx.usage())
            return
        if ctx.channel is None:
            await ctx.reply(texts.NO_CHANNEL)
            return
        posted = await ctx.post_to(
            ctx.channel.id,
            texts.POST,
            topic=texts.topics_said([topic]),
            name=ctx.actor.name,
            text=Hidden(text),
        )
        if posted is None:
            await ctx.reply(texts.NOT_POSTED)
            return
        # Typed in a room (Matrix), the command itself carries the words the warning hides.
        if await ctx.withdraw_command(texts.WITHDRAW_REASON) is False:
            channel = await ctx.platform.channel_name(ctx.community.id, ctx.channel.id)
            await ctx.reply(
                texts.POSTED_COMMAND_SHOWS, topic=texts.topics_said([topic]), channel=channel
            )
        else:
            await ctx.reply(texts.POSTED, topic=texts.topics_said([topic]))
        # The post is this member's chat as much as a message typed there: the crisis listener
        # hears it (the hidden text as a spoiler, as it would read one typed by hand).
        ctx.crisis_answered = True
        await self.bot.emit_message(
            MessageEvent(
                ctx.community, ctx.channel, ctx.actor, f"CW: {topic} ||{text}||", message_id=posted
            )
        )

    @command(
        "tw channel",
        _("Ask for content warnings in a channel on some topics"),
        level=Permission.MODERATOR,
        private=True,
    )
    async def channel(
        self,
        ctx: Context,
        channel: Annotated[ChannelRef, _("The channel")],
        topics: Annotated[str, MaxLen(200), Rest(), _("Topics, e.g. self-harm,drugs (or off)")],
    ) -> None:
        """Mark a channel as "content warnings expected" for these topics (off: no longer)."""
        shown = await ctx.platform.channel_name(ctx.community.id, channel.id)
        chosen = None if topics.strip().lower() == "off" else parse_topics(topics)
        if chosen is None and topics.strip().lower() != "off":
            await ctx.reply(texts.UNKNOWN_TOPICS, topics=", ".join(TOPICS))
            return
        value = ",".join(chosen) if chosen else None
        await self.config.change(
            ctx.community.platform,
            ctx.community.id,
            expected_key(channel.id),
            value,
            audit_actor(ctx),
            ctx.now(),
        )
        if value is None:
            await ctx.reply(texts.NOT_EXPECTED, channel=shown)
        else:
            await ctx.reply(texts.EXPECTED, channel=shown, topics=texts.topics_said(chosen or []))

    @listener("message")
    async def remind(self, ctx: Context, event: MessageEvent) -> None:
        """A kind private reminder (at most once a day) for an unwarned post on an expected
        topic; never public, never a deletion, never for a crisis (that path answers it)."""
        if event.edited or has_spoiler(event.text):
            return
        expected = await ctx.setting(expected_key(event.channel.id))
        if not expected:
            return
        mentioned = await self.bot.services.get("crisis.topics")(ctx, event.text)
        found = [t for t in mentioned if t in expected.split(",")]
        if not found:
            return
        if await self.bot.services.get("crisis.level")(ctx, event.text) != "none":
            return
        key = ctx.member_key(event.author.id)
        today = (await ctx.today(event.author.id)).isoformat()
        if await self.bot.member_settings.get(key, REMINDED) == today:
            return
        await self.bot.member_settings.set(key, REMINDED, today, ctx.now())
        await ctx.send_private(
            event.author.id,
            texts.REMINDER,
            channel=await ctx.platform.channel_name(ctx.community.id, event.channel.id),
            topic=texts.topics_said([found[0]]),
            value=found[0],
            hint=ctx.command_hint("tw"),
        )


def setup(bot: Bot) -> ContentWarnings:
    return ContentWarnings(bot)
