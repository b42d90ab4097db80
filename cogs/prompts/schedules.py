"""Facilitators' commands on scheduled prompts: add, list, preview, pause, resume, delete and
skip a date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from bot.context import Context
from bot.i18n import ENGLISH, N_, Translator, _
from bot.recurrence import Recurrence, ScheduleError, parse_schedule
from bot.spec import (
    ChannelRef,
    MaxLen,
    Permission,
    Range,
    Resolver,
    Rest,
    StrType,
    command,
)
from bot.timeutil import local_date, start_of_local_day
from cogs.community import audit_actor
from cogs.prompts.base import (
    PAUSE_AFTER_FAILURES,
    PROMPT_MAX,
    PromptsBase,
    local_instant,
    short_text,
)
from storage import prompts as store_mod
from storage.prompts import PromptRun

BANK_WORD = "bank"

PromptId = Annotated[int, Range(1, 999_999_999), _("The prompt's number (see prompt list)")]


SCHEDULE_FORMS = N_(
    "a schedule: daily 09:00, weekdays 08:30, weekly mon,thu 19:30, "
    "once 2026-12-24 18:00 or cron 0 9 * * 1-5"
)


class ScheduleType(StrType):
    """A prompt schedule (``daily 09:00``, ``weekly mon,thu 19:30``, ``cron 0 9 * * 1-5``…)."""

    def describe(self) -> str:
        return self.describe_in(ENGLISH)

    def describe_in(self, tr: Translator) -> str:
        # what /help prompt add shows, instead of the "text (up to … characters)" of StrType
        return tr.gettext(SCHEDULE_FORMS)

    async def convert(self, raw: Any, resolver: Resolver | None) -> Recurrence:
        text = await super().convert(raw, resolver)
        # A ScheduleError is an ArgumentError: the usage reply says it in the reader's language.
        return parse_schedule(text)


OUTCOME_TEXT = {
    "missed": N_("skipped"),
    "skipped": N_("skipped by a facilitator"),
    "rate-limited": N_("skipped: the community's hourly limit of prompt posts was reached"),
    "failed": N_("could not be delivered"),
    "empty-bank": N_("skipped: the prompt bank was empty"),
    "posting": N_("interrupted while posting (not retried, so it is never doubled)"),
}


class PromptSchedules(PromptsBase):
    """Scheduling prompts and looking after them."""

    @command(
        "prompt add",
        _("Schedule a prompt (text, or bank for the next one from the bank)"),
        private=True,
        level=Permission.FACILITATOR,
        examples=(
            'prompt add "What is one intention for this week?" schedule:"weekly mon 09:00"',
            'prompt add bank schedule:"daily 09:00" thread:yes',
        ),
    )
    async def add(
        self,
        ctx: Context,
        text: Annotated[
            str, MaxLen(PROMPT_MAX), Rest(), _("The prompt, or bank to post from the bank")
        ],
        schedule: Annotated[
            Recurrence, ScheduleType(max_len=200), Rest(), _("When, in the community's timezone")
        ],
        channel: Annotated[ChannelRef, _("Where (default: the prompts channel)")] | None = None,
        thread: Annotated[bool, _("Open a thread for replies")] = False,
    ) -> None:
        tz = await ctx.community_timezone()
        now = ctx.now()
        try:
            parse_schedule(schedule.spec, now_utc=now, tz=tz)
        except ScheduleError as err:
            await ctx.reply(_("{problem} Nothing was scheduled."), problem=err.translated(ctx.tr))
            return
        uses_bank = text.lower() == BANK_WORD
        if channel is not None and channel.id == await ctx.channel_for("alerts"):
            await ctx.reply(
                _(
                    "Nothing was scheduled: {where} is the moderators' alerts channel, and it "
                    "stays for alerts only. Please choose another channel."
                ),
                where=await self._where(ctx, channel.id, ctx.tr),
            )
            return
        if channel is None and await ctx.channel_for("prompts") is None:
            await ctx.reply(
                _(
                    "There's no prompts channel yet, so nothing was scheduled. Give one with "
                    "channel:#name, or ask a moderator for {hint}."
                ),
                hint=f"{ctx.prefix}community channel purpose:prompts channel:#name",
            )
            return
        upcoming = schedule.upcoming(now, tz, 3)
        if not upcoming:
            await ctx.reply(_("That schedule has no posts coming, so nothing was scheduled."))
            return
        pid = await self.store.add(
            ctx.community.platform,
            ctx.community.id,
            audit_actor(ctx),
            None if uses_bank else text,
            schedule.spec,
            channel.id if channel else None,
            thread,
            upcoming[0],
            now,
        )
        tr = ctx.tr
        lines = [
            tr("Prompt #{id} is scheduled {when} ({tz}) in {where}, with a thread for replies.")
            if thread
            else tr("Prompt #{id} is scheduled {when} ({tz}) in {where}."),
            tr("Next posts: {next}."),
        ]
        if uses_bank and not await self.store.bank(ctx.community.platform, ctx.community.id):
            lines.append(
                tr(
                    "The prompt bank is empty: add prompts with {hint}.",
                    hint=f"{ctx.prefix}prompt bank add",
                )
            )
        await ctx.reply(
            "\n".join(lines),
            id=pid,
            when=schedule.describe(),
            tz=tz,
            where=await self._where(ctx, channel.id if channel else None, tr),
            next="; ".join(local_instant(t, tz, tr) for t in upcoming),
        )

    @command(
        "prompt list",
        _("Every scheduled prompt, with skipped posts"),
        private=True,
        level=Permission.FACILITATOR,
    )
    async def list_prompts(self, ctx: Context) -> None:
        prompts = await self.store.list(ctx.community.platform, ctx.community.id)
        if not prompts:
            await ctx.reply(
                _("No prompts yet. Add one with {hint}."), hint=f"{ctx.prefix}prompt add"
            )
            return
        tz, tr = await ctx.community_timezone(), ctx.tr
        lines, values = [tr("Scheduled prompts ({tz}):", tz=tz)], {}
        for p in prompts:
            i = p.id
            state = {"active": tr("active"), "finished": tr("finished")}.get(p.state, tr("paused"))
            if p.paused_reason == store_mod.BY_FAILURES:
                state = tr("paused after {count} failed deliveries", count=PAUSE_AFTER_FAILURES)
            line = tr("#{id} ({state}) {when} in {where}", id=i, state=state,
                      when=f"{{when{i}}}", where=f"{{where{i}}}")  # fmt: skip
            coming = await self._next_posted(p, p.next_at, tz)
            if coming is not None:
                line += tr(", next {next}", next=local_instant(coming, tz, tr))
            lines.append(line)
            lines.append(f"    {{text{i}}}")
            values[f"when{i}"] = self._schedule(p).describe()
            values[f"where{i}"] = await self._where(ctx, p.channel_id, tr)
            values[f"text{i}"] = (
                tr("(from the prompt bank)") if p.uses_bank else short_text(p.text or "")
            )
            for j, run in enumerate(await self.store.runs(p.id, posted=False)):
                lines.append("    " + tr("not posted: {run}", run=f"{{run{i}_{j}}}"))
                values[f"run{i}_{j}"] = _describe_run(run, tz, tr)
        await ctx.reply("\n".join(lines), **values)

    @command(
        "prompt preview",
        _("See a prompt privately as members will"),
        private=True,
        level=Permission.FACILITATOR,
    )
    async def preview(self, ctx: Context, id: PromptId) -> None:
        prompt = await self._find(ctx, id)
        if prompt is None:
            return
        text = prompt.text
        if prompt.uses_bank:
            bank = await self.store.bank(ctx.community.platform, ctx.community.id)
            text = bank[0].text if bank else ctx.t("(the prompt bank is empty)")
        tz = await ctx.community_timezone()
        await ctx.reply(
            _("Preview of prompt #{id}, {when} in {where} with a thread. Members will see:\n{text}")
            if prompt.thread
            else _("Preview of prompt #{id}, {when} in {where}. Members will see:\n{text}"),
            id=id,
            when=self._schedule(prompt).describe(ctx.tr) + f" ({tz})",
            where=await self._where(ctx, prompt.channel_id, ctx.tr),
            text=text,
            private=True,
        )

    @command("prompt pause", _("Pause a prompt"), private=True, level=Permission.FACILITATOR)
    async def pause(self, ctx: Context, id: PromptId) -> None:
        prompt = await self._find(ctx, id)
        if prompt is None:
            return
        if prompt.state == store_mod.PAUSED:
            await ctx.reply(
                _("Prompt #{id} is already paused. {hint} starts it again."),
                id=id,
                hint=f"{ctx.prefix}prompt resume id:{id}",
            )
            return
        if prompt.state != store_mod.ACTIVE:
            await ctx.reply(
                _("Prompt #{id} has no posts left to make, so there is nothing to pause."), id=id
            )
            return
        await self.store.set_state(
            prompt, store_mod.PAUSED, None, audit_actor(ctx), ctx.now(), store_mod.BY_FACILITATOR
        )
        await ctx.reply(
            _("Prompt #{id} is paused. {hint} starts it again."),
            id=id,
            hint=f"{ctx.prefix}prompt resume id:{id}",
        )

    @command(
        "prompt resume",
        _("Start a paused prompt again"),
        private=True,
        level=Permission.FACILITATOR,
    )
    async def resume(self, ctx: Context, id: PromptId) -> None:
        prompt = await self._find(ctx, id)
        if prompt is None:
            return
        if prompt.state == store_mod.ACTIVE:
            await ctx.reply(_("Prompt #{id} is already active."), id=id)
            return
        tz = await ctx.community_timezone()
        following = self._schedule(prompt).next_after(ctx.now(), tz)
        coming = await self._next_posted(prompt, following, tz)
        if following is None or coming is None:
            await ctx.reply(
                _("Prompt #{id} has no posts left to make, so there is nothing to resume."), id=id
            )
            return
        await self.store.set_state(prompt, store_mod.ACTIVE, following, audit_actor(ctx), ctx.now())
        await ctx.reply(
            _("Prompt #{id} is active again. Next post: {next}."),
            id=id,
            next=local_instant(coming, tz, ctx.tr),
        )

    @command(
        "prompt delete",
        _("Delete a prompt and its history"),
        private=True,
        level=Permission.FACILITATOR,
    )
    async def delete(self, ctx: Context, id: PromptId) -> None:
        prompt = await self._find(ctx, id)
        if prompt is None:
            return
        await self.store.delete(prompt, audit_actor(ctx), ctx.now())
        await ctx.reply(_("Prompt #{id} is deleted; it won't post again."), id=id)

    @command(
        "prompt skip",
        _("Skip a prompt's post on one date"),
        private=True,
        level=Permission.FACILITATOR,
    )
    async def skip(
        self,
        ctx: Context,
        id: PromptId,
        date: Annotated[date, _("The date to skip, YYYY-MM-DD (community timezone)")],
    ) -> None:
        prompt = await self._find(ctx, id)
        if prompt is None:
            return
        tz = await ctx.community_timezone()
        shown = ctx.tr.date(date, "EEE dd MMM y")
        if prompt.next_at is None or local_date(prompt.next_at, tz) > date:
            await ctx.reply(
                _("Prompt #{id} has no post coming on {day}, so there's nothing to skip."),
                id=id,
                day=shown,
            )
            return
        try:
            first = self._schedule(prompt).next_after(
                start_of_local_day(date, tz) - timedelta(seconds=1), tz
            )
        except (OverflowError, ValueError):
            first = None
        if first is None or local_date(first, tz) != date:
            await ctx.reply(_("Prompt #{id} doesn't post on {day} anyway."), id=id, day=shown)
            return
        if not await self.store.add_skip(prompt.id, date):
            await ctx.reply(_("Prompt #{id} is already skipped on {day}."), id=id, day=shown)
            return
        await ctx.reply(_("Prompt #{id} won't post on {day}."), id=id, day=shown)


def _describe_run(run: PromptRun, tz: str, tr: Translator) -> str:
    what = tr.gettext(OUTCOME_TEXT[run.outcome]) if run.outcome in OUTCOME_TEXT else run.outcome
    detail = f" ({run.detail})" if run.detail else ""  # stored (English), shown as recorded
    return f"{local_instant(run.due_at, tz, tr)}: {what}{detail}"
