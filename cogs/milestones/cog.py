"""/milestone: recovery counters with compassionate resets, and /community milestones."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Literal

from bot.channels import ChannelPurpose
from bot.cog import Cog
from bot.context import Context
from bot.core import Bot
from bot.declared_settings import CommunitySetting
from bot.i18n import N_, _
from bot.spec import MaxLen, Permission, Rest, command
from bot.timeutil import local_date
from cogs.milestones.ladder import DEFAULT_LADDER, Ladder, LadderError, parse_ladder, step_label
from cogs.milestones.params import CounterNameType, DayType
from cogs.milestones.sweep import (
    LADDER_SETTING,
    community_ladder,
    milestone_sources,
    plan,
    valid_zone_or_utc,
)
from cogs.milestones.timing import completed_days, days_text, span_text
from cogs.milestones.wording import (
    Lines,
    Refusal,
    _add_next,
    _add_visibility,
    _checked_start,
    _none_yet,
    _reached_today,
    _same,
    _tzinfo,
    _when,
)
from storage.milestones import (
    Counter,
    CounterChanged,
    CounterLimitReached,
    MilestoneStore,
    RunStart,
    privacy_handler,
)

MAX_COUNTERS = 10
DEFAULT_NAME = "recovery"

NameOpt = Annotated[str, CounterNameType(), _("The counter's name (default: recovery)")]
RequiredName = Annotated[str, CounterNameType(), _("The counter's name")]
DayOpt = Annotated[dt.date, DayType(), _("The day it began")]
TimeOpt = Annotated[dt.time, _("The local time it began, HH:MM")]
Visibility = Literal["private", "public"]


async def _ladder_shown(ctx: Context, value: str | None) -> str:
    ladder = await community_ladder(ctx.bot, ctx.community.platform, ctx.community.id)
    text = ladder.describe(ctx.tr)
    return ctx.t("{ladder} (the default)", ladder=text) if value is None else text


class Milestones(Cog):
    """Recovery counters: milestones celebrated, resets kept with kindness, history private."""

    name = "milestones"
    channel_purposes = (ChannelPurpose("milestones", N_("Milestone celebrations")),)
    community_settings = (
        CommunitySetting(
            LADDER_SETTING,
            N_("Milestones celebrated"),
            command="community milestones",
            show=_ladder_shown,
        ),
    )

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot)
        self.store = MilestoneStore(bot.db)
        # held while a member changes a counter, so two changes of one counter never interleave
        self.changing = asyncio.Lock()

    async def on_load(self) -> None:
        """Register the counters with the privacy registry and their due work with the scheduler."""
        self.bot.privacy.register(privacy_handler())
        for work in milestone_sources(lambda: valid_zone_or_utc(self.bot.config.bot.timezone)):
            self.bot.scheduler.declare(work)

    # --- commands -----------------------------------------------------------------------

    @command(
        "milestone set",
        _("Start (or correct) a recovery counter"),
        private=True,
        examples=("milestone set 2026-01-15", "milestone set date:yesterday name:nicotine"),
    )
    async def set(
        self,
        ctx: Context,
        date: DayOpt,
        time: TimeOpt | None = None,
        name: NameOpt = DEFAULT_NAME,
        share: Annotated[
            Visibility, _("private (default) or public: celebrate in the milestones channel")
        ]
        | None = None,
    ) -> None:
        try:
            await self._set(ctx, date, time, name, share)
        except Refusal as refusal:
            await ctx.reply(refusal.template, private=True, **refusal.values)

    async def _set(
        self, ctx: Context, day: dt.date, at: dt.time | None, name: str, share: str | None
    ) -> None:
        key, now, tz = ctx.member_key(), ctx.now(), await ctx.member_timezone()
        start = _checked_start(day, at, tz, now)
        ladder = await self._ladder(ctx)
        schedule = plan(ladder, start, tz, max(start.started_at, now))
        out = Lines(ctx.tr)
        async with self.changing:
            existing = await self.store.counter(key, name)
            if existing is None:
                try:
                    await self.store.create(
                        key, name, share or "private", start, schedule, now, limit=MAX_COUNTERS
                    )
                except CounterLimitReached:
                    raise Refusal(
                        _(
                            "You already have {most} counters, the most I can keep for one "
                            "person. To make room, remove one with {remove}."
                        ),
                        most=MAX_COUNTERS,
                        remove=f"{ctx.prefix}milestone remove name:<name> confirm:yes",
                    ) from None
                visibility = share or "private"
                out.add(_("Your {name} counter is set: it began {when}."), name=name)
            else:
                runs = await self.store.runs(existing.id)
                previous = runs[1] if len(runs) > 1 else None
                if previous is not None and start.started_at < previous.start.started_at:
                    raise Refusal(
                        _(
                            "That's before your previous {name} run began ({before}). "
                            "If you'd like to start over completely, remove the counter first."
                        ),
                        name=existing.name,
                        before=previous.start.start_date.isoformat(),
                    )
                remeasure = None
                if previous is not None:
                    remeasure = (previous.id, completed_days(previous.start, start.started_at, tz))
                visibility = share or existing.visibility
                try:
                    await self.store.correct(existing, start, schedule, visibility, now, remeasure)
                except CounterChanged:
                    raise Refusal(_("That counter just changed; please try again.")) from None
                out.add(
                    _("I've corrected your {name} counter: it began {when}."), name=existing.name
                )
        out.values["when"] = _when(start, local_date(now, tz), tz, ctx.tr)
        if start.started_at < now:
            out.add(_("That's {span}."), more=True, span=span_text(start, now, tz, ctx.tr))
        reached_today = _reached_today(ladder, start, tz, now, ctx.tr)
        if reached_today:
            out.add(
                _("You reached {today_milestone} today. Congratulations! 🎉"),
                today_milestone=reached_today,
            )
        _add_next(out, schedule.next_at, schedule.next_step, tz, now)
        _add_visibility(out, visibility)
        await out.send(ctx)

    @command(
        "milestone show", _("Your counters: time since, next milestone, longest run"), private=True
    )
    async def show(self, ctx: Context, name: NameOpt | None = None) -> None:
        counters = await self._my_counters(ctx)
        if not counters:
            await ctx.reply(_none_yet(ctx), private=True)
            return
        chosen = counters if name is None else [c for c in counters if _same(c.name, name)]
        if not chosen:
            await self._not_found(ctx, name or DEFAULT_NAME, counters)
            return
        out = Lines(ctx.tr)
        tz, now = await ctx.member_timezone(), ctx.now()
        for index, counter in enumerate(chosen):
            await self._describe(out, counter, tz, now, f"_{index}")
        await out.send(ctx)

    @command(
        "milestone reset",
        _("Start a new run; the run before stays in your history"),
        private=True,
        examples=("milestone reset", 'milestone reset alcohol yesterday note:"hard week"'),
    )
    async def reset(
        self,
        ctx: Context,
        name: NameOpt | None = None,
        date: DayOpt | None = None,
        time: TimeOpt | None = None,
        note: Annotated[str, MaxLen(500), Rest(), _("A private note about it, only you see it")]
        | None = None,
    ) -> None:
        try:
            await self._reset(ctx, name, date, time, note)
        except Refusal as refusal:
            await ctx.reply(refusal.template, private=True, **refusal.values)

    async def _reset(
        self,
        ctx: Context,
        name: str | None,
        day: dt.date | None,
        at: dt.time | None,
        note: str | None,
    ) -> None:
        now, tz = ctx.now(), await ctx.member_timezone()
        counter = await self._pick(ctx, name, guess=False)
        if counter is None:
            return
        today = local_date(now, tz)
        if day is None and at is None:
            moment = now.replace(second=0, microsecond=0)
            start = RunStart(
                today, moment.astimezone(_tzinfo(tz)).time().replace(tzinfo=None), moment
            )
        else:
            start = _checked_start(day if day is not None else today, at, tz, now)
        if start.started_at == counter.run.start.started_at:
            # a repeated reset (a double tap, a retry) must not put an empty run in the history
            raise Refusal(
                _("Your {name} counter already began {when}, so nothing changed."),
                name=counter.name,
                when=_when(start, today, tz, ctx.tr),
            )
        if start.started_at < counter.run.start.started_at:
            raise Refusal(
                _("That's before this run began ({began}). To change when it began, use {hint}."),
                began=counter.run.start.start_date.isoformat(),
                hint=f"{ctx.prefix}milestone set",
            )
        ladder = await self._ladder(ctx)
        length = completed_days(counter.run.start, start.started_at, tz)
        schedule = plan(ladder, start, tz, max(start.started_at, now))
        async with self.changing:
            runs = await self.store.runs(counter.id)
            try:
                await self.store.reset(counter, length, note, start, schedule, now)
            except CounterChanged:
                raise Refusal(_("That counter just changed; please try again.")) from None
        longest = max([length] + [r.length_days or 0 for r in runs if r.ended_at is not None])
        out = Lines(ctx.tr)
        out.add(_("Thank you for telling me. Your {name} counter starts again {when}."),
                name=counter.name, when=_when(start, today, tz, ctx.tr))  # fmt: skip
        if length > 0:
            out.add(_("The run before lasted {length}, and every one of those days counts."),
                    length=days_text(length, ctx.tr))  # fmt: skip
            if longest > length:
                out.add(_("Your longest run is still {longest}."), more=True,
                        longest=days_text(longest, ctx.tr))  # fmt: skip
            else:
                out.add(_("That's your longest run so far."), more=True)
        if note:
            out.add(_("I've kept your note with that run in your history; only you can see it."))
        _add_next(out, schedule.next_at, schedule.next_step, tz, now)
        out.add(_("I'm here for every step of it."))
        await out.send(ctx)

    @command("milestone history", _("Every run of a counter, newest first"), private=True)
    async def history(self, ctx: Context, name: NameOpt | None = None) -> None:
        counter = await self._pick(ctx, name)
        if counter is None:
            return
        tz, now = await ctx.member_timezone(), ctx.now()
        runs = await self.store.runs(counter.id)
        out = Lines(ctx.tr)
        out.add(_("Your {name} counter, newest run first:"), name=counter.name)
        for i, run in enumerate(runs):
            began = run.start.start_date.isoformat()
            if run.ended_at is None:
                out.add(_("• since {began}: {span} so far (current)"), tag=f"_{i}",
                        began=began, span=span_text(run.start, now, tz, ctx.tr))  # fmt: skip
                continue
            out.add(
                _("• {began} to {ended}: {length}"),
                tag=f"_{i}",
                began=began,
                ended=local_date(run.ended_at, tz).isoformat(),
                length=days_text(run.length_days or 0, ctx.tr),
            )
            if run.note:
                out.add(_("(your note: {note})"), more=True, tag=f"_{i}", note=run.note)
        await out.send(ctx)

    @command(
        "milestone share",
        _("Make a counter public (celebrated in the channel) or private"),
        private=True,
    )
    async def share(
        self,
        ctx: Context,
        name: RequiredName,
        share: Annotated[  # named as in milestone set
            Visibility, _("public: celebrate in the milestones channel; private: only you")
        ],
    ) -> None:
        counter = await self._pick(ctx, name)
        if counter is None:
            return
        await self.store.set_visibility(counter.id, share)
        if share == "private":
            await ctx.reply(
                _(
                    "Your {name} counter is private: only you can see it, and celebrations come "
                    "to you alone."
                ),
                private=True,
                name=counter.name,
            )
            return
        out = Lines(ctx.tr)
        out.add(
            _(
                "Your {name} counter is public: when you reach a milestone I'll celebrate it in "
                "the milestones channel with your name, so others can cheer you on. Your history "
                "and notes stay private."
            ),
            name=counter.name,
        )
        if await ctx.channel_for("milestones") is None:
            out.add(_("No milestones channel is set yet, so celebrations stay private until a "
                      "moderator chooses one."))  # fmt: skip
        await out.send(ctx)

    @command(
        "milestone remove",
        _("Delete a counter and its history (asks for confirm:yes)"),
        private=True,
    )
    async def remove(
        self,
        ctx: Context,
        name: RequiredName,
        confirm: Annotated[Literal["yes", "no"], _("Type yes to delete it for good")] = "no",
    ) -> None:
        counter = await self._pick(ctx, name)
        if counter is None:
            return
        typed = f'name:"{counter.name}"' if " " in counter.name else f"name:{counter.name}"
        if confirm != "yes":
            await ctx.reply(
                _(
                    "This deletes your {name} counter and its whole history for good. "
                    "To go ahead: {hint}"
                ),
                private=True,
                name=counter.name,
                hint=f"{ctx.prefix}milestone remove {typed} confirm:yes",
            )
            return
        async with self.changing:
            await self.store.remove(counter.id)
        await ctx.reply(
            _("Done: your {name} counter and its history are deleted."),
            private=True,
            name=counter.name,
        )

    @command(
        "community milestones",
        _("The milestones this community celebrates (moderators)"),
        private=True,
        level=Permission.MODERATOR,
        examples=("community milestones 24h,7d,30d,90d,6mo,1y,...", "community milestones default"),
    )
    async def ladder(
        self,
        ctx: Context,
        ladder: Annotated[
            str,
            MaxLen(300),
            Rest(),
            _("Like 24h,7d,30d,6mo,1y,... ('...' = then every year) or default"),
        ]
        | None = None,
    ) -> None:
        hint = f"{ctx.prefix}community milestones 24h,7d,30d,90d,6mo,1y,..."
        if ladder is None:
            current = await self._ladder(ctx)
            await ctx.reply(
                _(
                    "This community celebrates: {ladder}.\nTo change it: {hint} ('...' means then "
                    "every year; 'default' brings back the usual ladder)."
                ),
                private=True,
                ladder=current.describe(ctx.tr),
                hint=hint,
            )
            return
        if ladder.strip().lower() == "default":
            chosen, code = DEFAULT_LADDER, None
        else:
            try:
                chosen = parse_ladder(ladder)
            except LadderError as err:
                await ctx.reply(
                    ctx.t(err.template) + "\n" + ctx.t("Nothing was changed. Example: {hint}"),
                    private=True, **err.values, hint=hint,
                )  # fmt: skip
                return
            code = chosen.code
        now = ctx.now()
        counters = await self.store.community_counters(ctx.community.platform, ctx.community.id)
        updates = [
            (c, plan(chosen, c.run.start, c.schedule.zone, max(c.schedule.celebrated_through, now)))
            for c in counters
        ]
        await self.store.set_ladder(
            ctx.community.platform, ctx.community.id, LADDER_SETTING, code, updates, now
        )
        await ctx.reply(
            _("Done. This community now celebrates: {ladder}."),
            private=True,
            ladder=chosen.describe(ctx.tr),
        )

    # --- helpers ------------------------------------------------------------------------

    async def _ladder(self, ctx: Context) -> Ladder:
        return await community_ladder(self.bot, ctx.community.platform, ctx.community.id)

    async def _my_counters(self, ctx: Context) -> list[Counter]:
        """The member's counters, re-planned first if their timezone changed since."""
        counters = await self.store.counters(ctx.member_key())
        tz = await ctx.member_timezone()
        stale = [c for c in counters if c.schedule.zone != tz]
        if stale:
            ladder = await self._ladder(ctx)
            await self.store.reschedule(
                (c, plan(ladder, c.run.start, tz, c.schedule.celebrated_through)) for c in stale
            )
            counters = await self.store.counters(ctx.member_key())
        return counters

    async def _pick(self, ctx: Context, name: str | None, *, guess: bool = True) -> Counter | None:
        """The counter a command is about; replies kindly (and returns None) when unclear.

        Without a name, several counters fall back to the default one unless ``guess`` is
        False (a reset must never land on a counter the member did not mean)."""
        counters = await self._my_counters(ctx)
        if not counters:
            await ctx.reply(_none_yet(ctx), private=True)
            return None
        if name is None:
            if len(counters) == 1:
                return counters[0]
            named = [c for c in counters if _same(c.name, DEFAULT_NAME)]
            if named and guess:
                return named[0]
            await ctx.reply(
                _("Which counter? You have: {names}. Add name:<name> to choose one."),
                private=True,
                names=", ".join(c.name for c in counters),
            )
            return None
        for counter in counters:
            if _same(counter.name, name):
                return counter
        await self._not_found(ctx, name, counters)
        return None

    async def _not_found(self, ctx: Context, name: str, counters: list[Counter]) -> None:
        await ctx.reply(
            _(
                "You don't have a counter called {name}. Your counters: {names}. "
                "To start a new one: {hint}"
            ),
            private=True,
            name=name,
            names=", ".join(c.name for c in counters),
            hint=f"{ctx.prefix}milestone set date:YYYY-MM-DD name:<name>",
        )

    async def _describe(
        self, out: Lines, counter: Counter, tz: str, now: dt.datetime, tag: str
    ) -> None:
        """One counter's block in /milestone show."""
        run = counter.run
        runs = await self.store.runs(counter.id)
        current = completed_days(run.start, now, tz)
        closed = [r.length_days or 0 for r in runs if r.ended_at is not None]
        tr = out.tr
        out.add(_("{name}: {span} since {since}."), tag=tag, name=counter.name,
                span=span_text(run.start, now, tz, tr),
                since=run.start.start_date.isoformat())  # fmt: skip
        if counter.schedule.next_at and counter.schedule.next_step:
            _add_next(out, counter.schedule.next_at, counter.schedule.next_step, tz, now, tag)
        out.add(
            _("Longest run: {longest}. Total across all your runs: {total}."),
            tag=tag,
            longest=days_text(max([current, *closed]), tr),
            total=days_text(current + sum(closed), tr),
        )
        missed = await self.store.celebrations(run.id, "missed")
        if missed:
            last = missed[-1]
            out.add(
                _("You reached {missed} on {missed_on} while I was away. "
                  "Belated congratulations! 🎉"),
                tag=tag, missed=step_label(last.step, tr),
                missed_on=local_date(last.due_at, tz).isoformat(),
            )  # fmt: skip
        _add_visibility(out, counter.visibility)
