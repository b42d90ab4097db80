"""The moderators' /partner commands: match now, a weekly schedule, trios, the overview and
ending a member's partnership (a part of the :class:`~cogs.partners.Partners` cog)."""

from __future__ import annotations

from datetime import time as dtime
from typing import TYPE_CHECKING, Annotated, Literal

from babel.dates import format_date

from bot.context import Context
from bot.i18n import _
from bot.recurrence import Recurrence
from bot.spec import MemberRef, Permission, command
from bot.timeutil import UnknownTimezone, zone
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
        _("Pair the members waiting in the pool now"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def match_now(self, ctx: Context) -> None:
        summary = await run_round(ctx, self.store)
        if summary.waiting < 2:
            await ctx.reply(
                ctx.nt(
                    "There is {count} member waiting in the pool; matching needs at least two. "
                    "Nothing was changed.",
                    "There are {count} members waiting in the pool; matching needs at least two. "
                    "Nothing was changed.",
                    summary.waiting,
                )
            )
            return
        proposed = summary.pairs + summary.trios
        if proposed == 0:
            await ctx.reply(
                ctx.nt(
                    "No new matches this time: the {count} member waiting can't be paired with "
                    "each other (blocks, recent partners or no shared language). They stay first "
                    "in line.",
                    "No new matches this time: the {count} members waiting can't be paired with "
                    "each other (blocks, recent partners or no shared language). They stay first "
                    "in line.",
                    summary.waiting,
                )
            )
            return
        pairs = ctx.nt("{count} pair", "{count} pairs", summary.pairs)
        if summary.trios:
            pairs = ctx.t(
                "{pairs} and {trios}",
                pairs=pairs,
                trios=ctx.nt("{count} trio", "{count} trios", summary.trios),
            )
        text = ctx.t(
            "Proposed {proposed}; each member was asked privately and has 48 hours to answer.",
            proposed=pairs,
        )
        if summary.left_waiting:
            text += " " + ctx.nt(
                "{count} member waits for the next round, first in line.",
                "{count} members wait for the next round, first in line.",
                summary.left_waiting,
            )
        await ctx.reply(text)

    @command(
        "partner schedule",
        _("Match the pool every week (community time), or off"),
        private=True,
        level=Permission.MODERATOR,
        examples=("partner schedule weekly:mon time:09:00", "partner schedule weekly:off"),
    )
    async def schedule(
        self,
        ctx: Context,
        weekly: Annotated[Weekday, _("Day of the week, or off")],
        time: Annotated[dtime, _("Time of day, like 09:00 (community time)")] | None = None,
    ) -> None:
        community = ctx.community
        if weekly == "off":
            removed = await self.store.set_schedule(community.platform, community.id, None, None)
            await ctx.reply(
                _("Weekly matching is off.") if removed else _("Weekly matching was already off.")
            )
            return
        if time is None:
            await ctx.reply(
                _("Please add a time, like: {example}"),
                example=f"{ctx.command_hint('partner schedule')} weekly:{weekly} time:09:00",
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
                _(
                    "I couldn't work out the next run in the community's timezone; nothing was "
                    "changed."
                )
            )
            return
        await self.store.set_schedule(community.platform, community.id, spec.spec, next_at)
        tr = ctx.tr
        local = next_at.astimezone(zone(tz))
        await ctx.reply(
            tr(
                "Weekly matching: every {weekday} at {time} ({zone}). The next one is on {date} "
                "at {time}.",
                weekday=format_date(local, "EEEE", locale=tr.locale),
                time=f"{local:%H:%M}",
                zone=tz,
                date=f"{format_date(local, 'EEE', locale=tr.locale)} {local:%Y-%m-%d}",
            )
        )

    @command(
        "partner trios",
        _("Let an odd member out join a pair as a trio"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def trios(
        self, ctx: Context, allow: Annotated[Literal["on", "off"], _("on or off")]
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
                _("Trios are on: with an odd pool, the member left over joins a pair as a trio.")
            )
        else:
            await ctx.reply(
                _("Trios are off: with an odd pool, the member left over goes first next round.")
            )

    @command(
        "partner pairs",
        _("Current partners and open proposals (names only)"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def pairs(self, ctx: Context) -> None:
        overview = await self.store.overview(ctx.community.platform, ctx.community.id)
        if not overview.partnerships and not overview.proposals:
            await ctx.reply(_("There are no partnerships or open proposals right now."))
            return
        tr = ctx.tr
        lines: list[str] = []
        values: dict[str, str] = {}
        sections = (
            (
                tr("Partners ({count}):", count=len(overview.partnerships)),
                tr("{who}, since {at} UTC"),
                overview.partnerships,
            ),
            (
                tr("Open proposals ({count}):", count=len(overview.proposals)),
                tr("{who}, open until {at} UTC"),
                overview.proposals,
            ),
        )
        for title, row_text, rows in sections:
            if not rows:
                continue
            lines.append(title)
            for at, members in rows:
                who, slot_values = name_slots(
                    [await ctx.member_name(m) for m in members], prefix=f"n{len(values)}_", tr=tr
                )
                values.update(slot_values)
                lines.append("• " + row_text.format(who=who, at=f"{at:%Y-%m-%d %H:%M}"))
        await ctx.reply("\n".join(lines), **values)

    @command(
        "partner unpair", _("End a member's partnership"), private=True, level=Permission.MODERATOR
    )
    async def unpair(self, ctx: Context, member: Annotated[MemberRef, _("The member")]) -> None:
        key = ctx.member_key(member.id)
        left = await self.store.leave_partnership(key, ctx.now())
        if left is None:
            await ctx.reply(
                _("{name} doesn't have a partner right now; nothing was changed."),
                name=member.name,
            )
            return
        await ctx.send_private(
            member.id,
            _(
                "A moderator has ended your accountability partnership. Whenever you're ready, "
                "{join} puts you back in the pool."
            ),
            join=ctx.command_hint("partner join"),
        )
        await self._tell_left(ctx, member.id, left, by_moderator=True)
        await ctx.reply(
            _("Done: {name}'s partnership has ended and everyone in it was told."),
            name=member.name,
        )
