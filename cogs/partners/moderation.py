"""The moderators' /partner commands: match now, a weekly schedule, trios, the overview and
ending a member's partnership (a part of the :class:`~cogs.partners.Partners` cog)."""

from __future__ import annotations

from datetime import time as dtime
from typing import TYPE_CHECKING, Annotated, Literal

from bot.context import Context
from bot.recurrence import Recurrence
from bot.spec import MemberRef, Permission, command
from bot.timeutil import UnknownTimezone, zone
from bot.words import plural
from cogs.partners.rounds import run_round
from cogs.partners.texts import name_slots

if TYPE_CHECKING:
    from bot.core import Bot
    from storage.partners import Left, PartnerStore

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun", "off"]


class PartnerModeration:
    """Commands for moderators; mixed into the partners cog, whose store and texts they use."""

    bot: Bot
    store: PartnerStore

    async def _tell_left(
        self, ctx: Context, leaver: str, left: Left, by_moderator: bool = False
    ) -> None:
        raise NotImplementedError  # the cog tells the members who remain

    # --- moderators ------------------------------------------------------------------------------

    @command(
        "partner match",
        "Pair the members waiting in the pool now",
        private=True,
        level=Permission.MODERATOR,
    )
    async def match_now(self, ctx: Context) -> None:
        summary = await run_round(ctx, self.store)
        if summary.waiting < 2:
            await ctx.reply(
                f"There {'is' if summary.waiting == 1 else 'are'} "
                f"{plural(summary.waiting, 'member')} waiting in the pool; matching needs at least "
                "two. Nothing was changed."
            )
            return
        proposed = summary.pairs + summary.trios
        if proposed == 0:
            await ctx.reply(
                f"No new matches this time: the {plural(summary.waiting, 'member')} waiting can't be "
                "paired with each other (blocks, recent partners or no shared language). They "
                "stay first in line."
            )
            return
        trios = f" and {plural(summary.trios, 'trio')}" if summary.trios else ""
        waiting = (
            f" {plural(summary.left_waiting, 'member')} "
            f"wait{'s' if summary.left_waiting == 1 else ''} for the next round, first in line."
            if summary.left_waiting
            else ""
        )
        await ctx.reply(
            f"Proposed {plural(summary.pairs, 'pair')}{trios}; each member was asked privately and "
            f"has 48 hours to answer.{waiting}"
        )

    @command(
        "partner schedule",
        "Match the pool every week (community time), or off",
        private=True,
        level=Permission.MODERATOR,
        examples=("partner schedule weekly:mon time:09:00", "partner schedule weekly:off"),
    )
    async def schedule(
        self,
        ctx: Context,
        weekly: Annotated[Weekday, "Day of the week, or off"],
        time: Annotated[dtime, "Time of day, like 09:00 (community time)"] | None = None,
    ) -> None:
        community = ctx.community
        if weekly == "off":
            removed = await self.store.set_schedule(community.platform, community.id, None, None)
            await ctx.reply(
                "Weekly matching is off." if removed else "Weekly matching was already off."
            )
            return
        if time is None:
            await ctx.reply(
                f"Please add a time, like: {ctx.command_hint('partner schedule')} weekly:{weekly} time:09:00"
            )
            return
        tz = await ctx.community_timezone()
        spec = Recurrence("weekly", f"weekly {weekly} {time:%H:%M}")
        try:
            next_at = spec.next_after(ctx.now(), tz)
        except UnknownTimezone:
            next_at = None
        if next_at is None:
            await ctx.reply(
                "I couldn't work out the next run in the community's timezone; nothing was changed."
            )
            return
        await self.store.set_schedule(community.platform, community.id, spec.spec, next_at)
        await ctx.reply(
            f"Weekly matching: {spec.describe()} ({tz}). The next one is on "
            f"{next_at.astimezone(zone(tz)):%a %Y-%m-%d at %H:%M}."
        )

    @command(
        "partner trios",
        "Let an odd member out join a pair as a trio",
        private=True,
        level=Permission.MODERATOR,
    )
    async def trios(
        self, ctx: Context, allow: Annotated[Literal["on", "off"], "on or off"]
    ) -> None:
        await self.bot.community_settings.set(
            ctx.community.platform,
            ctx.community.id,
            "partner.trios",
            "on" if allow == "on" else None,
            ctx.now(),
        )
        if allow == "on":
            await ctx.reply(
                "Trios are on: with an odd pool, the member left over joins a pair as a trio."
            )
        else:
            await ctx.reply(
                "Trios are off: with an odd pool, the member left over goes first next round."
            )

    @command(
        "partner pairs",
        "Current partners and open proposals (names only)",
        private=True,
        level=Permission.MODERATOR,
    )
    async def pairs(self, ctx: Context) -> None:
        overview = await self.store.overview(ctx.community.platform, ctx.community.id)
        if not overview.partnerships and not overview.proposals:
            await ctx.reply("There are no partnerships or open proposals right now.")
            return
        lines: list[str] = []
        values: dict[str, str] = {}
        sections = (
            ("Partners", "since", overview.partnerships),
            ("Open proposals", "open until", overview.proposals),
        )
        for title, word, rows in sections:
            if not rows:
                continue
            lines.append(f"{title} ({len(rows)}):")
            for at, members in rows:
                who, slot_values = name_slots(
                    [await ctx.member_name(m) for m in members], prefix=f"n{len(values)}_"
                )
                values.update(slot_values)
                lines.append(f"• {who}, {word} {at:%Y-%m-%d %H:%M} UTC")
        await ctx.reply("\n".join(lines), **values)

    @command(
        "partner unpair", "End a member's partnership", private=True, level=Permission.MODERATOR
    )
    async def unpair(self, ctx: Context, member: Annotated[MemberRef, "The member"]) -> None:
        key = ctx.member_key(member.id)
        left = await self.store.leave_partnership(key, ctx.now())
        if left is None:
            await ctx.reply(
                "{name} doesn't have a partner right now; nothing was changed.", name=member.name
            )
            return
        await ctx.send_private(
            member.id,
            "A moderator has ended your accountability partnership. Whenever you're ready, "
            f"{ctx.command_hint('partner join')} puts you back in the pool.",
        )
        await self._tell_left(ctx, member.id, left, by_moderator=True)
        await ctx.reply(
            "Done: {name}'s partnership has ended and everyone in it was told.", name=member.name
        )
