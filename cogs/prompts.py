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
from typing import Annotated, Any

from bot.channels import ChannelPurpose
from bot.cog import Cog
from bot.context import Context
from bot.core import Bot
from bot.message import neutralize_mentions
from bot.platforms.base import CommunityRef
from bot.recurrence import Recurrence, ScheduleError, parse_schedule
from bot.scheduler import PerPlatform
from bot.spec import (
    ArgumentError,
    ChannelRef,
    MaxLen,
    Permission,
    Range,
    Resolver,
    Rest,
    StrType,
    command,
)
from bot.timeutil import format_local, local_date, start_of_local_day
from bot.words import plural
from cogs.community import audit_actor
from storage import prompts as store_mod
from storage.prompts import Prompt, PromptRun, PromptStore, prompts_privacy_handler

log = logging.getLogger(__name__)

PROMPT_MAX = 1800
PAUSE_AFTER_FAILURES = 3
THREAD_TITLE_MAX = 80
MAX_CATCH_UP = 10_000  # occurrences counted while the bot was down (a 15-minute cron, ~100 days)
BANK_WORD = "bank"

PromptId = Annotated[int, Range(1, 999_999_999), "The prompt's number (see prompt list)"]
BankId = Annotated[int, Range(1, 999_999_999), "The prompt's number (see prompt bank list)"]


class ScheduleType(StrType):
    """A prompt schedule (``daily 09:00``, ``weekly mon,thu 19:30``, ``cron 0 9 * * 1-5``…)."""

    def describe(self) -> str:
        return (
            "a schedule: daily 09:00, weekdays 08:30, weekly mon,thu 19:30, "
            "once 2026-12-24 18:00 or cron 0 9 * * 1-5"
        )

    async def convert(self, raw: Any, resolver: Resolver | None) -> Recurrence:
        text = await super().convert(raw, resolver)
        try:
            return parse_schedule(text)
        except ScheduleError as err:
            raise ArgumentError(str(err).rstrip(".")) from None


OUTCOME_TEXT = {
    "missed": "skipped",
    "skipped": "skipped by a facilitator",
    "rate-limited": "skipped: the community's hourly limit of prompt posts was reached",
    "failed": "could not be delivered",
    "empty-bank": "skipped: the prompt bank was empty",
    "posting": "interrupted while posting (not retried, so it is never doubled)",
}


class Prompts(Cog):
    """Scheduled prompts and the prompt bank, run exactly once from the database."""

    name = "prompts"
    channel_purposes = (ChannelPurpose("prompts", "Scheduled prompts"),)

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot)
        self.store = PromptStore(bot.db)

    async def on_load(self) -> None:
        self.bot.privacy.register(prompts_privacy_handler())
        self.bot.scheduler.declare(PerPlatform("prompts", self.next_due, self.run_due))

    # --- helpers ----------------------------------------------------------------------------

    async def _find(self, ctx: Context, prompt_id: int) -> Prompt | None:
        prompt = await self.store.get(ctx.community.platform, ctx.community.id, prompt_id)
        if prompt is None:
            await ctx.reply(
                f"I can't find prompt #{prompt_id} here. {ctx.prefix}prompt list shows them all."
            )
        return prompt

    async def _where(self, ctx: Context, channel_id: str | None) -> str:
        if channel_id is not None:
            return await ctx.platform.channel_name(ctx.community.id, channel_id)
        current = await ctx.channel_for("prompts")
        if current is None:
            return "the prompts channel (not set yet)"
        return "the prompts channel, " + await ctx.platform.channel_name(ctx.community.id, current)

    @staticmethod
    def _schedule(prompt: Prompt) -> Recurrence:
        return parse_schedule(prompt.schedule)

    # --- facilitators' commands ---------------------------------------------------------------

    @command(
        "prompt add",
        "Schedule a prompt (text, or bank for the next one from the bank)",
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
            str, MaxLen(PROMPT_MAX), Rest(), "The prompt, or bank to post from the bank"
        ],
        schedule: Annotated[
            Recurrence, ScheduleType(max_len=200), Rest(), "When, in the community's timezone"
        ],
        channel: Annotated[ChannelRef, "Where (default: the prompts channel)"] | None = None,
        thread: Annotated[bool, "Open a thread for replies"] = False,
    ) -> None:
        tz = await ctx.community_timezone()
        now = ctx.now()
        try:
            parse_schedule(schedule.spec, now_utc=now, tz=tz)
        except ScheduleError as err:
            await ctx.reply("{problem} Nothing was scheduled.", problem=str(err))
            return
        uses_bank = text.lower() == BANK_WORD
        if channel is not None and channel.id == await ctx.channel_for("alerts"):
            await ctx.reply(
                "Nothing was scheduled: {where} is the moderators' alerts channel, and it stays "
                "for alerts only. Please choose another channel.",
                where=await self._where(ctx, channel.id),
            )
            return
        if channel is None and await ctx.channel_for("prompts") is None:
            await ctx.reply(
                "There's no prompts channel yet, so nothing was scheduled. Give one with "
                f"channel:#name, or ask a moderator for {ctx.prefix}community channel "
                "purpose:prompts channel:#name."
            )
            return
        upcoming = schedule.upcoming(now, tz, 3)
        if not upcoming:
            await ctx.reply("That schedule has no posts coming, so nothing was scheduled.")
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
        lines = [
            f"Prompt #{pid} is scheduled {{when}} ({{tz}}) in {{where}}"
            + (", with a thread for replies." if thread else "."),
            "Next posts: {next}.",
        ]
        if uses_bank and not await self.store.bank(ctx.community.platform, ctx.community.id):
            lines.append(f"The prompt bank is empty: add prompts with {ctx.prefix}prompt bank add.")
        await ctx.reply(
            "\n".join(lines),
            when=schedule.describe(),
            tz=tz,
            where=await self._where(ctx, channel.id if channel else None),
            next="; ".join(format_local(t, tz) for t in upcoming),
        )

    @command(
        "prompt list",
        "Every scheduled prompt, with skipped posts",
        private=True,
        level=Permission.FACILITATOR,
    )
    async def list_prompts(self, ctx: Context) -> None:
        prompts = await self.store.list(ctx.community.platform, ctx.community.id)
        if not prompts:
            await ctx.reply(f"No prompts yet. Add one with {ctx.prefix}prompt add.")
            return
        tz = await ctx.community_timezone()
        lines, values = [f"Scheduled prompts ({tz}):"], {}
        for p in prompts:
            i = p.id
            state = {"active": "active", "finished": "finished"}.get(p.state, "paused")
            if p.paused_reason == store_mod.BY_FAILURES:
                state = f"paused after {PAUSE_AFTER_FAILURES} failed deliveries"
            next_text = f", next {format_local(p.next_at, tz)}" if p.next_at else ""
            lines.append(f"#{i} ({state}) {{when{i}}} in {{where{i}}}{next_text}")
            lines.append(f"    {{text{i}}}")
            values[f"when{i}"] = self._schedule(p).describe()
            values[f"where{i}"] = await self._where(ctx, p.channel_id)
            values[f"text{i}"] = "(from the prompt bank)" if p.uses_bank else _short(p.text or "")
            for j, run in enumerate(await self.store.runs(p.id, posted=False)):
                lines.append(f"    not posted: {{run{i}_{j}}}")
                values[f"run{i}_{j}"] = _describe_run(run, tz)
        await ctx.reply("\n".join(lines), **values)

    @command(
        "prompt preview",
        "See a prompt privately as members will",
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
            text = bank[0].text if bank else "(the prompt bank is empty)"
        tz = await ctx.community_timezone()
        await ctx.reply(
            f"Preview of prompt #{id}, {{when}} in {{where}}"
            + (" with a thread" if prompt.thread else "")
            + ". Members will see:\n{text}",
            when=self._schedule(prompt).describe() + f" ({tz})",
            where=await self._where(ctx, prompt.channel_id),
            text=text,
            private=True,
        )

    @command("prompt pause", "Pause a prompt", private=True, level=Permission.FACILITATOR)
    async def pause(self, ctx: Context, id: PromptId) -> None:
        prompt = await self._find(ctx, id)
        if prompt is None:
            return
        if prompt.state == store_mod.PAUSED:
            await ctx.reply(
                f"Prompt #{id} is already paused. {ctx.prefix}prompt resume id:{id} starts it again."
            )
            return
        if prompt.state != store_mod.ACTIVE:
            await ctx.reply(
                f"Prompt #{id} has no posts left to make, so there is nothing to pause."
            )
            return
        await self.store.set_state(
            prompt, store_mod.PAUSED, None, audit_actor(ctx), ctx.now(), store_mod.BY_FACILITATOR
        )
        await ctx.reply(
            f"Prompt #{id} is paused. {ctx.prefix}prompt resume id:{id} starts it again."
        )

    @command(
        "prompt resume", "Start a paused prompt again", private=True, level=Permission.FACILITATOR
    )
    async def resume(self, ctx: Context, id: PromptId) -> None:
        prompt = await self._find(ctx, id)
        if prompt is None:
            return
        if prompt.state == store_mod.ACTIVE:
            await ctx.reply(f"Prompt #{id} is already active.")
            return
        tz = await ctx.community_timezone()
        following = self._schedule(prompt).next_after(ctx.now(), tz)
        if following is None:
            await ctx.reply(
                f"Prompt #{id} has no posts left to make, so there is nothing to resume."
            )
            return
        await self.store.set_state(prompt, store_mod.ACTIVE, following, audit_actor(ctx), ctx.now())
        await ctx.reply(
            f"Prompt #{id} is active again. Next post: {{next}}.", next=format_local(following, tz)
        )

    @command(
        "prompt delete",
        "Delete a prompt and its history",
        private=True,
        level=Permission.FACILITATOR,
    )
    async def delete(self, ctx: Context, id: PromptId) -> None:
        prompt = await self._find(ctx, id)
        if prompt is None:
            return
        await self.store.delete(prompt, audit_actor(ctx), ctx.now())
        await ctx.reply(f"Prompt #{id} is deleted; it won't post again.")

    @command(
        "prompt skip",
        "Skip a prompt's post on one date",
        private=True,
        level=Permission.FACILITATOR,
    )
    async def skip(
        self,
        ctx: Context,
        id: PromptId,
        date: Annotated[date, "The date to skip, YYYY-MM-DD (community timezone)"],
    ) -> None:
        prompt = await self._find(ctx, id)
        if prompt is None:
            return
        tz = await ctx.community_timezone()
        shown = date.strftime("%a %d %b %Y")
        if prompt.next_at is None or local_date(prompt.next_at, tz) > date:
            await ctx.reply(
                f"Prompt #{id} has no post coming on {shown}, so there's nothing to skip."
            )
            return
        try:
            first = self._schedule(prompt).next_after(
                start_of_local_day(date, tz) - timedelta(seconds=1), tz
            )
        except (OverflowError, ValueError):
            first = None
        if first is None or local_date(first, tz) != date:
            await ctx.reply(f"Prompt #{id} doesn't post on {shown} anyway.")
            return
        if not await self.store.add_skip(prompt.id, date):
            await ctx.reply(f"Prompt #{id} is already skipped on {shown}.")
            return
        await ctx.reply(f"Prompt #{id} won't post on {shown}.")

    @command(
        "prompt bank add", "Add a prompt to the bank", private=True, level=Permission.FACILITATOR
    )
    async def bank_add(
        self, ctx: Context, text: Annotated[str, MaxLen(PROMPT_MAX), Rest(), "The prompt"]
    ) -> None:
        assert ctx.actor is not None
        entry = await self.store.bank_add(
            ctx.community.platform, ctx.community.id, ctx.actor.id, text, ctx.now()
        )
        count = len(await self.store.bank(ctx.community.platform, ctx.community.id))
        await ctx.reply(
            f"Added to the prompt bank as #{entry} ({count} in the bank). Schedules with text:bank "
            "post them in turn, with no repeats until all were used."
        )

    @command(
        "prompt bank list",
        "The prompt bank, next one first",
        private=True,
        level=Permission.FACILITATOR,
    )
    async def bank_list(self, ctx: Context) -> None:
        bank = await self.store.bank(ctx.community.platform, ctx.community.id)
        if not bank:
            await ctx.reply(f"The prompt bank is empty. Add one with {ctx.prefix}prompt bank add.")
            return
        lines = ["The prompt bank, in the order it will be used:"]
        values = {}
        for entry in bank:
            lines.append(f"#{entry.id} (used {entry.uses}×): {{t{entry.id}}}")
            values[f"t{entry.id}"] = _short(entry.text)
        await ctx.reply("\n".join(lines), **values)

    @command(
        "prompt bank delete",
        "Remove a prompt from the bank",
        private=True,
        level=Permission.FACILITATOR,
    )
    async def bank_delete(self, ctx: Context, id: BankId) -> None:
        if await self.store.bank_delete(ctx.community.platform, ctx.community.id, id):
            await ctx.reply(f"Bank prompt #{id} is removed.")
        else:
            await ctx.reply(
                f"There's no bank prompt #{id} here. {ctx.prefix}prompt bank list shows them."
            )

    # --- due work -----------------------------------------------------------------------------

    async def next_due(self, platform: str) -> datetime | None:
        """The earliest post due on a platform."""
        return await self.store.next_due([platform])

    async def run_due(self, platform: str, now: datetime) -> None:
        """Post (or skip and record) every prompt of a platform due at or before `now`."""
        for prompt in await self.store.due(now, [platform]):
            ctx = self.bot.context(CommunityRef(prompt.platform, prompt.community_id))
            if ctx is None:
                continue
            try:
                await self._run_one(ctx, prompt, now)
            except Exception:
                log.exception("prompt %s could not be handled", prompt.id)

    async def _run_one(self, ctx: Context, prompt: Prompt, now: datetime) -> None:
        assert prompt.next_at is not None
        tz = await ctx.community_timezone()
        schedule = self._schedule(prompt)
        dues = [prompt.next_at]
        while len(dues) < MAX_CATCH_UP:
            following = schedule.next_after(dues[-1], tz)
            if following is None or following > now:
                break
            dues.append(following)
        grace_minutes = self.bot.config.bot.prompt_grace_minutes
        latest: datetime | None = dues[-1]
        missed = dues[:-1]
        if now - dues[-1] > timedelta(minutes=grace_minutes):
            latest, missed = None, dues
        outcome, detail = "posting", None
        if latest is not None:
            if local_date(latest, tz) in await self.store.skips(prompt.id):
                outcome = "skipped"
            elif await self._over_limit(ctx, now):
                outcome = "rate-limited"
            elif now - latest >= timedelta(minutes=1):
                late = int((now - latest).total_seconds() // 60)
                detail = f"posted {plural(late, 'minute')} late"
        missed_detail = f"I was offline for more than {grace_minutes} minutes"
        if len(missed) > 1:
            missed_detail += f"; {len(missed)} posts were missed"
        claim = await self.store.claim(
            prompt,
            next_at=schedule.next_after(max(now, dues[-1]), tz),
            missed=missed,
            missed_detail=missed_detail,
            due=latest,
            outcome=outcome,
            detail=detail,
            now=now,
        )
        if claim is None or claim.run_id is None:
            if claim is not None and claim.outcome == "empty-bank":
                await ctx.alert(
                    f"Prompt #{prompt.id} takes from the prompt bank, but the bank is empty, so "
                    f"nothing was posted. Add prompts with {ctx.prefix}prompt bank add."
                )
            return
        await self._deliver(ctx, prompt, claim.run_id, prompt.text or claim.bank_text or "", now)

    async def _over_limit(self, ctx: Context, now: datetime) -> bool:
        limit = self.bot.config.limits.prompt_posts_per_hour
        posted = await self.store.posts_since(
            ctx.community.platform, ctx.community.id, now - timedelta(hours=1)
        )
        return posted >= limit

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
        where = await self._where(ctx, prompt.channel_id)
        failures, paused = await self.store.undelivered(
            prompt.id, run_id, "couldn't post in " + where, now, PAUSE_AFTER_FAILURES
        )
        if paused:
            await ctx.alert(
                f"Scheduled prompt #{prompt.id} couldn't be posted in {{where}} {failures} times in "
                f"a row, so I paused it. Once the channel is fixed, a facilitator can type "
                f"{ctx.prefix}prompt resume id:{prompt.id}.",
                where=where,
            )
        else:
            await ctx.alert(
                f"Scheduled prompt #{prompt.id} couldn't be posted in {{where}} (the channel may be "
                f"gone, or I may not be allowed to post there). After {PAUSE_AFTER_FAILURES} "
                "failures in a row I'll pause it.",
                where=where,
            )


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe_run(run: PromptRun, tz: str) -> str:
    what = OUTCOME_TEXT.get(run.outcome, run.outcome)
    detail = f" ({run.detail})" if run.detail else ""
    return f"{format_local(run.due_at, tz)}: {what}{detail}"


def setup(bot: Bot) -> Prompts:
    """Create the cog."""
    return Prompts(bot)
