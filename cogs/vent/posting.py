"""Posting anonymously: /vent, /vent reply, /vent forget. Each post is screened for crisis
before it goes out; an urgent one brings the author the private crisis reply at once and the
moderators an alert with a way to write to the author without learning who they are."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import Annotated, Literal

from bot.context import Context
from bot.i18n import _
from bot.message import Button
from bot.spec import MaxLen, Range, Rest, command
from cogs.vent import texts
from cogs.vent.base import POST_NUMBER, VentBase, limit_day
from storage.db import MemberKey
from storage.vent import week_of

TEXT_MAX = 4000  # a Discord form holds 4,000 characters
# Over the daily limit, this many urgent posts a day still go out: someone in crisis on a hard
# day is not told to come back tomorrow, and crisis words can't be used to flood the channel.
URGENT_EXTRA = 2
# The bot's header on a post ("🕊️ Anonymous member #N · post M", in any language): its dove,
# or its "#N ·" shape. A member line that starts like one loses the dove and is quoted, so no
# post can show a second header that seems to be the bot's.
DOVE = re.compile("\N{DOVE OF PEACE}\N{VARIATION SELECTOR-16}?")
HEADER_SHAPE = re.compile(r"#\s*\d+\s*[·•∙⋅‧・]")
MARKUP = " \t>*_~|`#-"  # what may come before a header look-alike and still look like one


def unforgeable(text: str) -> str:
    """Member text with every line that could pass for the bot's header quoted ("> "), dove
    removed; line breaks of every kind become plain ones, so no renderer starts a hidden line."""
    lines = []
    for line in text.splitlines():
        shown = "".join(ch for ch in line if unicodedata.category(ch) not in ("Cf", "Zs"))
        shown = shown.lstrip(MARKUP)
        if DOVE.match(shown) or HEADER_SHAPE.search(shown):
            line = "> " + DOVE.sub("", line).strip()
        lines.append(line)
    return "\n".join(lines)


VentText = Annotated[str, MaxLen(TEXT_MAX), Rest(), _("What you'd like to share anonymously")]


class Posting(VentBase):
    """The member's side of anonymous posting."""

    @command("vent", _("Post anonymously in the vent channel"), private=True)
    async def vent(self, ctx: Context, text: VentText | None = None) -> None:
        """Post as "Anonymous member #N"; without text, a form to write it (Discord)."""
        if text is None:
            if await ctx.channel_for("vent") is None:  # say it now, not after they wrote it
                await ctx.reply(texts.NOT_OPEN, hint=ctx.command_hint("community channel"))
                return
            if not ctx.platform.capabilities.forms:  # a button would only repeat the command
                await ctx.reply(texts.ASK_TYPED, usage=ctx.usage())
                return
            await ctx.reply(
                texts.ASK_TEXT,
                buttons=[Button(texts.WRITE_IT, command="vent", form=True)],
                usage=ctx.usage(),
            )
            return
        await self._publish(ctx, text, None)

    @command("vent reply", _("Answer an anonymous post as your alias"), private=True)
    async def reply(
        self,
        ctx: Context,
        post: Annotated[int, Range(1, 10**9), POST_NUMBER],
        text: VentText,
    ) -> None:
        """Answer in the vent channel as the same alias, on a post you wrote."""
        if await self.typed_where_seen(ctx, texts.NOT_PRIVATE):  # it names post N as theirs
            return
        key = ctx.member_key()
        original = await self.store.post(key.platform, key.community_id, post)
        author = await self.store.author(key.platform, key.community_id, post)
        if original is None or original.message_id is None:
            await ctx.reply(texts.NO_POST, number=post)  # no such post: say so, not "not yours"
            return
        if original.removed or author != key.user_id:
            await ctx.reply(texts.NOT_YOURS)
            return
        # The alias of the post answered, not this week's: a reply a week later would tie the
        # member's aliases of both weeks together in everyone's eyes.
        await self._publish(ctx, text, post, original.alias)

    @command("vent forget", _("Unlink your anonymous posts from you"), private=True)
    async def forget(
        self,
        ctx: Context,
        posts: Annotated[
            Literal["keep", "remove"],
            _("keep: they stay, anonymous to all; remove: take them down"),
        ] = "keep",
    ) -> None:
        """Forget which posts you wrote (keep them, or take them down too)."""
        if await self.typed_where_seen(ctx, texts.NOT_PRIVATE_COMMAND):  # it says they wrote some
            return
        key = ctx.member_key()
        mine = await self.store.authored(key)
        left_up = 0  # posts the platform could not take down: unlinked, still up
        for post in mine:
            if posts != "remove":
                continue
            taken_down = (
                post.removed
                or post.message_id is None  # never went out: nothing to take down
                or await ctx.take_down_post(
                    post.channel_id, post.message_id, texts.REMOVED_BY_AUTHOR, number=post.number
                )
            )
            left_up += not taken_down
            await self.store.remove(
                key.platform, key.community_id, post.number, taken_down=taken_down
            )
        if posts == "keep":
            await self.store.unlink(key)
        if posts == "remove" and mine and not left_up:
            done = ctx.nt(
                "Done: {count} anonymous post no longer linked to you and taken down.",
                "Done: {count} anonymous posts no longer linked to you and taken down.",
                len(mine),
            )
        else:
            done = ctx.nt(
                "Done: {count} anonymous post no longer linked to you.",
                "Done: {count} anonymous posts no longer linked to you.",
                len(mine),
            )
        if left_up:
            done += " " + ctx.nt(
                "I couldn't take {count} of them down here, so it stays up, anonymous to "
                "everyone; a moderator can delete it by hand.",
                "I couldn't take {count} of them down here, so they stay up, anonymous to "
                "everyone; a moderator can delete them by hand.",
                left_up,
            )
        await ctx.reply(done)

    async def _publish(
        self, ctx: Context, text: str, reply_to: int | None, alias: int | None = None
    ) -> None:
        assert ctx.actor is not None and ctx.channel is not None
        key = ctx.member_key()
        if await self.typed_where_seen(ctx, texts.NOT_PRIVATE):
            return
        channel_id = await ctx.channel_for("vent")
        if channel_id is None:
            await ctx.reply(texts.NOT_OPEN, hint=ctx.command_hint("community channel"))
            return
        crisis = ctx.command_hint("crisis")
        if await self.store.blocked(key):
            await ctx.reply(texts.BLOCKED, crisis=crisis)
            return
        level = await self.level(ctx, text)
        today = limit_day(ctx)
        kind = await self._count(ctx, key, today, level, text)
        if kind is None:
            return
        if level == "urgent":  # the crisis reply goes out before anything else
            answer = await self.urgent_reply(ctx, text, ctx.t(texts.URGENT_DONE), "anonymous")
            if answer is not None:
                await self.reply_message(ctx, answer)
        now = ctx.now()
        post = await self.store.reserve(key, week_of(now.date()), channel_id, reply_to, now, alias)
        template = texts.POST if reply_to is None else texts.REPLY
        message_id = await ctx.post_to(
            channel_id,
            template,
            alias=post.alias,
            number=post.number,
            text=unforgeable(text),
            reply_to=reply_to,
        )
        if message_id is None:
            await self.store.unuse(key, today, kind)
            await ctx.reply(texts.NOT_POSTED)
            return
        keep = timedelta(days=self.limits.keep_days)
        await self.store.posted(key, post.number, message_id, now, keep)
        await ctx.reply(texts.POSTED, alias=post.alias, number=post.number)
        if level == "concern":  # the reply chat gets, when chat would send it now
            answer = await self.bot.services.get("crisis.concern_reply")(ctx)
            if answer is not None:
                await self.reply_message(ctx, answer)
        if level in ("urgent", "concern"):
            await self._alert(ctx, level, post.number, channel_id)
        if level == "urgent":
            await ctx.reply(texts.URGENT_TOLD)

    async def _count(
        self, ctx: Context, key: MemberKey, today: date, level: str, text: str
    ) -> str | None:
        """Count the post against the day's limit (an urgent one over it against a small extra
        allowance); the kind counted, or None when refused (the member was told)."""
        limit = self.limits.posts_per_day
        if await self.store.use(key, today, "post", limit):
            return "post"
        if level != "urgent":
            await ctx.reply(
                ctx.nt(
                    "You've posted anonymously {count} time in the last 24 hours, the most I "
                    "can post for one person in a day, so I didn't post this one. Please try "
                    "again later; {crisis} is always there.",
                    "You've posted anonymously {count} times in the last 24 hours, the most I "
                    "can post for one person in a day, so I didn't post this one. Please try "
                    "again later; {crisis} is always there.",
                    limit,
                    crisis=ctx.command_hint("crisis"),
                )
            )
            return None
        if await self.store.use(key, today, "urgent", URGENT_EXTRA):
            return "urgent"
        answer = await self.urgent_reply(ctx, text, ctx.t(texts.OVER_LIMIT_URGENT))
        if answer is not None:
            await self.reply_message(ctx, answer)
        return None

    async def _alert(self, ctx: Context, level: str, number: int, channel_id: str) -> None:
        """Tell the moderators, never who: an alert about no member, followed up by the crisis
        feature like any of its level (pings, "I'm on it", re-post, private ask when urgent),
        with a button to write to the author through me. An author who is a moderator is never
        pinged or asked about their own post, and can't take or close its alert."""
        template = texts.ALERT_URGENT if level == "urgent" else texts.ALERT_CONCERN
        button = Button(
            texts.REACH_BUTTON, command="vent reach", args={"post": str(number)}, form=True
        )
        channel = await ctx.platform.channel_name(ctx.community.id, channel_id)
        values = {"number": str(number), "channel": channel}
        assert ctx.actor is not None
        await self.bot.services.get("crisis.alert_anonymous")(
            ctx, level, (template, values), button, author=ctx.actor.id
        )
