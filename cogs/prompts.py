"""/prompt: facilitators' scheduled prompts ("Monday intention", "Friday wins") and a prompt bank.

Schedules are read in the community's timezone (``bot.recurrence``) and live in the database;
one due source posts whatever fell due. An occurrence is claimed (``next_at`` moved on, a run
recorded) before it is posted, so a restart never posts it twice. A post that fell due while the
bot was down goes out once if it is less than ``bot.prompt_grace_minutes`` late, else it is
skipped and recorded. Delivery failures alert the moderators; three in a row pause the prompt.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from functools import partial
from typing import Annotated, Any

from bot.channels import ChannelPurpose
from bot.cog import Cog
from bot.context import Context
from bot.core import Bot
from bot.i18n import ENGLISH, N_, Translator, _
from bot.message import neutralize_mentions
from bot.recurrence import Recurrence, ScheduleError, parse_schedule
from bot.scheduler import Due
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
from bot.timeutil import local_date, start_of_local_day, zone
from bot.words import plural
from cogs.community import audit_actor
from storage import prompts as store_mod
from storage.due import Claim, DueRow, Move
from storage.prompts import (
    Prompt,
    PromptClaim,
    PromptRun,
    PromptStore,
    prompts_privacy_handler,
)

log = logging.getLogger(__name__)

PROMPT_MAX = 1800
PAUSE_AFTER_FAILURES = 3
THREAD_TITLE_MAX = 80
MAX_CATCH_UP = 10_000  # occurrences counted while the bot was down (a 15-minute cron, ~100 days)
BANK_WORD = "bank"

PromptId = Annotated[int, Range(1, 999_999_999), _("The prompt's number (see prompt list)")]
BankId = Annotated[int, Range(1, 999_999_999), _("The prompt's number (see prompt bank list)")]


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


class Prompts(Cog):
    """Scheduled prompts and the prompt bank, run exactly once from the database."""

    name = "prompts"
    channel_purposes = (ChannelPurpose("prompts", N_("Scheduled prompts")),)

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot)
        self.store = PromptStore(bot.db)

    async def on_load(self) -> None:
        self.bot.privacy.register(prompts_privacy_handler())
        self.bot.scheduler.declare(Due("prompts", store_mod.PROMPTS, self._plan, self._post))

    # --- helpers ----------------------------------------------------------------------------

    async def _find(self, ctx: Context, prompt_id: int) -> Prompt | None:
        prompt = await self.store.get(ctx.community.platform, ctx.community.id, prompt_id)
        if prompt is None:
            await ctx.reply(
                _("I can't find prompt #{id} here. {hint} shows them all."),
                id=prompt_id,
                hint=f"{ctx.prefix}prompt list",
            )
        return prompt

    async def _where(self, ctx: Context, channel_id: str | None, tr: Translator) -> str:
        if channel_id is not None:
            return await ctx.platform.channel_name(ctx.community.id, channel_id)
        current = await ctx.channel_for("prompts")
        if current is None:
            return tr("the prompts channel (not set yet)")
        return tr(
            "the prompts channel, {channel}",
            channel=await ctx.platform.channel_name(ctx.community.id, current),
        )

    @staticmethod
    def _schedule(prompt: Prompt) -> Recurrence:
        return parse_schedule(prompt.schedule)

    async def _next_posted(self, prompt: Prompt, due: datetime | None, tz: str) -> datetime | None:
        """The first post from ``due`` on that will really go out: not on a skipped date (the
        skipped one stays due, and is recorded as skipped when it comes)."""
        if due is None:
            return None
        skipped = await self.store.skips(prompt.id)
        schedule = self._schedule(prompt)
        while due is not None and local_date(due, tz) in skipped:
            try:  # the first post after the skipped day
                day_after = local_date(due, tz) + timedelta(days=1)
                due = schedule.next_after(
                    start_of_local_day(day_after, tz) - timedelta(seconds=1), tz
                )
            except (OverflowError, ValueError):
                return None
        return due

    # --- facilitators' commands ---------------------------------------------------------------

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
            next="; ".join(_local(t, tz, tr) for t in upcoming),
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
                line += tr(", next {next}", next=_local(coming, tz, tr))
            lines.append(line)
            lines.append(f"    {{text{i}}}")
            values[f"when{i}"] = self._schedule(p).describe()
            values[f"where{i}"] = await self._where(ctx, p.channel_id, tr)
            values[f"text{i}"] = (
                tr("(from the prompt bank)") if p.uses_bank else _short(p.text or "")
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
            next=_local(coming, tz, ctx.tr),
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

    @command(
        "prompt bank add", _("Add a prompt to the bank"), private=True, level=Permission.FACILITATOR
    )
    async def bank_add(
        self, ctx: Context, text: Annotated[str, MaxLen(PROMPT_MAX), Rest(), _("The prompt")]
    ) -> None:
        assert ctx.actor is not None
        entry, added = await self.store.bank_add(
            ctx.community.platform, ctx.community.id, ctx.actor.id, text, ctx.now()
        )
        if not added:
            await ctx.reply(_("That prompt is already in the prompt bank as #{id}."), id=entry)
            return
        count = len(await self.store.bank(ctx.community.platform, ctx.community.id))
        await ctx.reply(
            _(
                "Added to the prompt bank as #{id} ({count} in the bank). Schedules with "
                "text:bank post them in turn, with no repeats until all were used."
            ),
            id=entry,
            count=count,
        )

    @command(
        "prompt bank list",
        _("The prompt bank, next one first"),
        private=True,
        level=Permission.FACILITATOR,
    )
    async def bank_list(self, ctx: Context) -> None:
        bank = await self.store.bank(ctx.community.platform, ctx.community.id)
        if not bank:
            await ctx.reply(
                _("The prompt bank is empty. Add one with {hint}."),
                hint=f"{ctx.prefix}prompt bank add",
            )
            return
        lines = [ctx.t("The prompt bank, in the order it will be used:")]
        values = {}
        for entry in bank:
            lines.append(
                ctx.t("#{id} (used {uses}×): {text}", id=entry.id, uses=entry.uses,
                      text=f"{{t{entry.id}}}")
            )  # fmt: skip
            values[f"t{entry.id}"] = _short(entry.text)
        await ctx.reply("\n".join(lines), **values)

    @command(
        "prompt bank delete",
        _("Remove a prompt from the bank"),
        private=True,
        level=Permission.FACILITATOR,
    )
    async def bank_delete(self, ctx: Context, id: BankId) -> None:
        if await self.store.bank_delete(ctx.community.platform, ctx.community.id, id):
            await ctx.reply(_("Bank prompt #{id} is removed."), id=id)
        else:
            await ctx.reply(
                _("There's no bank prompt #{id} here. {hint} shows them."),
                id=id,
                hint=f"{ctx.prefix}prompt bank list",
            )

    # --- due work -----------------------------------------------------------------------------

    def _plan(self, row: DueRow, now: datetime) -> Move:
        """Where a due prompt moves (its next post after now) and what its claim records: the
        posts missed while the bot was away, and the one to post if it is within the grace."""
        prompt = Prompt.from_mapping(row.values)
        try:
            tz = row["zone"] or self.bot.config.bot.timezone
            schedule = self._schedule(prompt)
            dues = [row.at]
            while len(dues) < MAX_CATCH_UP:
                following = schedule.next_after(dues[-1], tz)
                if following is None or following > now:
                    break
                dues.append(following)
            next_at = schedule.next_after(max(now, dues[-1]), tz)
        except Exception:  # an unreadable schedule or zone must not hold up the others
            log.exception("prompt %s could not be planned", prompt.id)
            return Move(now + timedelta(hours=1), act=False)
        grace_minutes = self.bot.config.bot.prompt_grace_minutes
        latest: datetime | None = dues[-1]
        missed = dues[:-1]
        if now - dues[-1] > timedelta(minutes=grace_minutes):
            latest, missed = None, dues
        detail = None
        if latest is not None and now - latest >= timedelta(minutes=1):
            late = int((now - latest).total_seconds() // 60)
            detail = f"posted {plural(late, 'minute')} late"
        missed_detail = f"I was offline for more than {grace_minutes} minutes"
        if len(missed) > 1:
            missed_detail += f"; {len(missed)} posts were missed"
        occurrence = store_mod.Occurrence(
            missed,
            missed_detail,
            latest,
            local_date(latest, tz) if latest is not None else None,
            detail,
            self.bot.config.limits.prompt_posts_per_hour,
        )
        return Move(
            next_at,
            {"state": store_mod.ACTIVE if next_at else store_mod.FINISHED},
            act=latest is not None,
            also=partial(store_mod.take_occurrence, prompt=prompt, occurrence=occurrence, now=now),
        )

    async def _post(self, ctx: Context, claimed: Claim, now: datetime) -> None:
        """Post a claimed occurrence (or tell the moderators the bank was empty). Never raises:
        a claimed post is not retried, so it is never doubled."""
        prompt = Prompt.from_mapping(claimed.row.values)
        claim: PromptClaim = claimed.done
        try:
            if claim.run_id is not None:
                text = prompt.text or claim.bank_text or ""
                await self._deliver(ctx, prompt, claim.run_id, text, now)
            elif claim.outcome == "empty-bank" and await self._first_empty_in_a_row(prompt.id):
                await ctx.alert(
                    _(
                        "Prompt #{id} takes from the prompt bank, but the bank is empty, so "
                        "nothing was posted. Add prompts with {hint}."
                    ),
                    id=prompt.id,
                    hint=f"{ctx.prefix}prompt bank add",
                )
        except Exception:
            log.exception("prompt %s could not be handled", prompt.id)

    async def _first_empty_in_a_row(self, prompt_id: int) -> bool:
        """The moderators hear of an empty bank once, not on every occurrence until it fills."""
        runs = await self.store.runs(prompt_id, limit=2)  # this occurrence, then the one before
        return len(runs) < 2 or runs[1].outcome != "empty-bank"

    async def _deliver(
        self, ctx: Context, prompt: Prompt, run_id: int, text: str, now: datetime
    ) -> None:
        channel_id = prompt.channel_id or await ctx.channel_for("prompts")
        title = None
        if prompt.thread:
            title = neutralize_mentions(_short(text.split("\n", 1)[0], THREAD_TITLE_MAX))
        message_id = None
        # A channel made the alerts channel after the prompt was scheduled is for alerts only.
        if channel_id is not None and channel_id != await ctx.channel_for("alerts"):
            # The text goes in values: every platform escapes it and disables all mentions.
            message_id = await ctx.post_to(channel_id, "{text}", thread_title=title, text=text)
        if message_id is not None:
            await self.store.delivered(prompt.id, run_id, message_id, now)
            return
        # the run's detail is stored (English); the alert is in the community's language
        stored_where = await self._where(ctx, prompt.channel_id, ENGLISH)
        failures, paused = await self.store.undelivered(
            prompt.id, run_id, "couldn't post in " + stored_where, now, PAUSE_AFTER_FAILURES
        )
        where = await self._where(ctx, prompt.channel_id, await ctx.community_translator())
        if paused:
            await ctx.alert(
                _(
                    "Scheduled prompt #{id} couldn't be posted in {where} {count} times in a row, "
                    "so I paused it. Once the channel is fixed, a facilitator can type {hint}."
                ),
                id=prompt.id,
                count=failures,
                hint=f"{ctx.prefix}prompt resume id:{prompt.id}",
                where=where,
            )
        else:
            await ctx.alert(
                _(
                    "Scheduled prompt #{id} couldn't be posted in {where} (the channel may be "
                    "gone, or I may not be allowed to post there). After {most} failures in a "
                    "row I'll pause it."
                ),
                id=prompt.id,
                most=PAUSE_AFTER_FAILURES,
                where=where,
            )


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _local(instant: datetime, tz: str, tr: Translator) -> str:
    """An instant in the community's zone as the reader writes it: ``Mon 02 Nov 2026, 09:00``."""
    return tr.datetime(instant.astimezone(zone(tz)), "EEE dd MMM y, HH:mm")


def _describe_run(run: PromptRun, tz: str, tr: Translator) -> str:
    what = tr.gettext(OUTCOME_TEXT[run.outcome]) if run.outcome in OUTCOME_TEXT else run.outcome
    detail = f" ({run.detail})" if run.detail else ""  # stored (English), shown as recorded
    return f"{_local(run.due_at, tz, tr)}: {what}{detail}"


def setup(bot: Bot) -> Prompts:
    """Create the cog."""
    return Prompts(bot)
