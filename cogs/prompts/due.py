"""Due work: posting what fell due exactly once, catching up on posts missed while the bot was
down, and telling the moderators when a post fails or the bank is empty."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from bot.context import Context
from bot.i18n import ENGLISH, _
from bot.message import neutralize_mentions
from bot.timeutil import local_date
from bot.words import plural
from cogs.prompts.base import PAUSE_AFTER_FAILURES, PromptsBase, short_text
from storage import prompts as store_mod
from storage.due import Claim, DueRow, Move
from storage.prompts import Prompt, PromptClaim

log = logging.getLogger("cogs.prompts")

THREAD_TITLE_MAX = 80
MAX_CATCH_UP = 10_000  # occurrences counted while the bot was down (a 15-minute cron, ~100 days)


class PromptsDue(PromptsBase):
    """Planning and posting due prompts."""

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
            title = neutralize_mentions(short_text(text.split("\n", 1)[0], THREAD_TITLE_MAX))
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
