"""What moderators can do with an anonymous post without learning who wrote it (remove, block
by post, write to the author through the bot), and the one thing that names the author:
reveal, only with a reason that goes to the audit log and to the author."""

from __future__ import annotations

from typing import Annotated

from bot.context import Context
from bot.i18n import _
from bot.message import Button
from bot.spec import MaxLen, Permission, Range, Rest, command
from cogs.community import audit_actor
from cogs.vent import texts
from cogs.vent.base import POST_NUMBER, VentBase, limit_day
from storage.vent import LEFT_UP, Audit, VentPost

PostNumber = Annotated[int, Range(1, 10**9), POST_NUMBER]
RelayText = Annotated[str, MaxLen(2000), Rest(), _("What to say")]


# The author reads the reason: one word ("curious") explains nothing to them.
REASON_WORDS = 3


class Moderation(VentBase):
    """Moderators' commands on anonymous posts, and the author's answers to them."""

    async def _live_post(self, ctx: Context, number: int) -> VentPost | None:
        post = await self.store.post(ctx.community.platform, ctx.community.id, number)
        if post is None or post.message_id is None:
            await ctx.reply(texts.NO_POST, number=number)
            return None
        return post

    @command(
        "vent remove", _("Take down an anonymous post"), level=Permission.MODERATOR, private=True
    )
    async def remove(self, ctx: Context, post: PostNumber) -> None:
        """Remove post N; who wrote it is forgotten with it."""
        found = await self._live_post(ctx, post)
        if found is None:
            return
        if found.removed:  # a second /vent remove: nothing to do, nothing to audit
            await ctx.reply(texts.ALREADY_REMOVED, number=post)
            return
        taken_down = await ctx.take_down_post(
            found.channel_id, found.message_id or "", texts.REMOVED, number=post
        )
        await self.store.remove(
            ctx.community.platform,
            ctx.community.id,
            post,
            Audit(audit_actor(ctx), "vent.remove", post, None if taken_down else LEFT_UP),
            ctx.now(),
            taken_down=taken_down,
        )
        await ctx.reply(texts.REMOVE_DONE if taken_down else texts.REMOVE_BY_HAND, number=post)

    @command(
        "vent reveal",
        _("See who wrote an anonymous post (with a reason; they're told)"),
        level=Permission.MODERATOR,
        private=True,
    )
    async def reveal(
        self,
        ctx: Context,
        post: PostNumber,
        reason: Annotated[str, MaxLen(500), Rest(), _("Why you need to know (they'll read it)")],
    ) -> None:
        """Name the author to this moderator only; audited and told to the author."""
        if len(reason.split()) < REASON_WORDS:
            await ctx.reply(texts.REVEAL_REASON_TOO_SHORT)
            return
        if await self._live_post(ctx, post) is None:
            return
        audit = Audit(audit_actor(ctx), "vent.reveal", post, reason)
        author = await self.store.reveal(ctx.community.platform, ctx.community.id, audit, ctx.now())
        if author is None:
            await ctx.reply(texts.REVEAL_GONE, number=post)
            return
        told = await ctx.send_private(author, texts.REVEAL_TOLD, number=post, reason=reason)
        await ctx.reply(
            texts.REVEALED if told else texts.REVEALED_UNTOLD,
            number=post,
            name=await ctx.member_name(author),
        )

    @command(
        "vent block",
        _("Stop the author of a post from posting anonymously, without learning who"),
        level=Permission.MODERATOR,
        private=True,
    )
    async def block(self, ctx: Context, post: PostNumber) -> None:
        """Block the author of post N from anonymous posting."""
        if await self._live_post(ctx, post) is None:
            return
        author = await self.store.author(ctx.community.platform, ctx.community.id, post)
        if author is None:
            await ctx.reply(texts.BLOCK_GONE, number=post)
            return
        audit = Audit(audit_actor(ctx), "vent.block", post)
        if not await self.store.block(ctx.member_key(author), post, ctx.now(), audit):
            await ctx.reply(texts.ALREADY_BLOCKED, number=post)
            return
        crisis = ctx.command_hint("crisis")
        told = await ctx.send_private(author, texts.BLOCK_TOLD, number=post, crisis=crisis)
        await ctx.reply(
            texts.BLOCKED_DONE if told else texts.BLOCKED_DONE_UNTOLD,
            number=post,
            hint=ctx.command_hint("vent unblock"),
        )

    @command(
        "vent unblock",
        _("Lift a block made after a post"),
        level=Permission.MODERATOR,
        private=True,
    )
    async def unblock(self, ctx: Context, post: PostNumber) -> None:
        """Let the member blocked after post N post anonymously again."""
        audit = Audit(audit_actor(ctx), "vent.unblock", post)
        lifted = await self.store.unblock(
            ctx.community.platform, ctx.community.id, post, audit, ctx.now()
        )
        await ctx.reply(texts.UNBLOCKED if lifted else texts.NOT_BLOCKED, number=post)

    @command(
        "vent reach",
        _("Write privately to the author of an anonymous post, through me"),
        level=Permission.MODERATOR,
        private=True,
    )
    async def reach(self, ctx: Context, post: PostNumber, text: RelayText) -> None:
        """Pass a moderator's message to the author of post N; neither learns who the other is
        from me (the author sees no name)."""
        assert ctx.actor is not None
        if await self._live_post(ctx, post) is None:
            return
        key = ctx.member_key()
        author = await self.store.author(key.platform, key.community_id, post)
        if author is None:
            await ctx.reply(texts.REACH_GONE, number=post)
            return
        limit = self.limits.relays_per_day
        if not await self.store.reach_out(
            key.platform, key.community_id, post, ctx.actor.id, limit_day(ctx), limit
        ):
            await ctx.reply(
                ctx.nt(
                    "Moderators have written {count} time in the last 24 hours about post "
                    "{number}, the most I pass on in a day, so I didn't send this one. Please "
                    "try again later.",
                    "Moderators have written {count} times in the last 24 hours about post "
                    "{number}, the most I pass on in a day, so I didn't send this one. Please "
                    "try again later.",
                    limit,
                    number=post,
                )
            )
            return
        answer = Button(
            texts.ANSWER_BUTTON, command="vent answer", args={"post": str(post)}, form=True
        )
        delivered = await ctx.send_private(
            author,
            texts.REACHED,
            buttons=[answer],
            number=post,
            text=text,
            hint=ctx.command_hint("vent answer"),
        )
        await ctx.reply(texts.REACH_SENT if delivered else texts.REACH_UNDELIVERED, number=post)

    @command(
        "vent answer", _("Answer a moderator who wrote about your anonymous post"), private=True
    )
    async def answer(self, ctx: Context, post: PostNumber, text: RelayText) -> None:
        """The author answers the moderators who reached out, still anonymously."""
        if await self.typed_where_seen(ctx, texts.NOT_PRIVATE_COMMAND):  # it names post N as theirs
            return
        key = ctx.member_key()
        author = await self.store.author(key.platform, key.community_id, post)
        moderators = await self.store.reached_out(key.platform, key.community_id, post)
        if author != key.user_id or not moderators:
            await ctx.reply(texts.ANSWER_NOT_OPEN, number=post)
            return
        # Only to those who are moderators now: one who lost the role reads no more of it.
        current = set(await ctx.moderators())
        moderators = [m for m in moderators if m in current]
        if not moderators:
            await ctx.reply(
                texts.ANSWER_NO_MODERATOR, number=post, crisis=ctx.command_hint("crisis")
            )
            return
        limit = self.limits.relays_per_day
        if not await self.store.use(key, limit_day(ctx), "answer", limit):
            await ctx.reply(
                ctx.nt(
                    "You've answered {count} time in the last 24 hours, the most I pass on in "
                    "a day, so I didn't send this one. Please try again later; {crisis} is "
                    "always there.",
                    "You've answered {count} times in the last 24 hours, the most I pass on in "
                    "a day, so I didn't send this one. Please try again later; {crisis} is "
                    "always there.",
                    limit,
                    crisis=ctx.command_hint("crisis"),
                )
            )
            return
        again = Button(
            texts.REACH_BUTTON, command="vent reach", args={"post": str(post)}, form=True
        )
        for moderator in moderators:
            await ctx.send_private(
                moderator, texts.ANSWERED, buttons=[again], number=post, text=text
            )
        # Urgent words: the crisis reply, saying truly that the moderator has read them.
        urgent = await self.urgent_reply(ctx, text, ctx.t(texts.ANSWER_SENT), "relayed")
        if urgent is not None:
            await self.reply_message(ctx, urgent)
            return
        await ctx.reply(texts.ANSWER_SENT)
