"""Alert settings and the numbers moderators read: /alert settings, /crisis stats, and the
alert lines of /crisis concerns (a part of the alert desk, kept apart for size)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from bot.context import Context
from bot.i18n import N_, Translator, _
from bot.spec import Duration, DurationType, OrOff, Permission, Range, command
from bot.spec import Off as OffType
from cogs.crisis.duty import DutyCommands
from storage.alerts import OUTCOMES, Alerts

REPOST_SETTING = "crisis.escalate_repost"  # minutes before an unclaimed urgent alert is re-posted
DM_SETTING = "crisis.escalate_dm"  # minutes before every moderator is written to privately
OUTCOME_LABELS = {
    "reached-them": N_("reached them"),
    "resources-sent": N_("resources sent"),
    "no-contact": N_("no contact"),
    "false-alarm": N_("false alarm"),
}


def outcome_label(tr: Translator, outcome: str | None) -> str:
    """What happened to an alert, as ``tr``'s reader says it."""
    label = OUTCOME_LABELS.get(outcome or "")
    return tr.gettext(label) if label else outcome or ""


# What raised an alert, as moderators read it in /crisis concerns.
KIND_LABELS = {
    "urgent": N_("urgent message"),
    "concern": N_("worrying message"),
    "notify": N_("asked for a moderator"),
    "report": N_("concern report"),
}


class AlertReports(DutyCommands):
    """The alert desk's settings and figures (the desk itself: cogs.crisis.alerts)."""

    alerts: Alerts  # the alerts store, given by the desk

    @command(
        "alert settings",
        _("When unclaimed urgent alerts are re-posted and sent to every moderator (moderators)"),
        private=True,
        level=Permission.MODERATOR,
        examples=("alert settings repost:10m dm:30m",),
    )
    async def alert_settings(
        self,
        ctx: Context,
        repost: Annotated[Duration | OffType, OrOff(DurationType()), _("Re-post after (10m)")]
        | None = None,
        dm: Annotated[
            Duration | OffType, OrOff(DurationType()), _("Message moderators after (30m)")
        ]
        | None = None,
    ) -> None:
        """Show or set the escalation times (``off`` restores a default)."""
        for key, value in ((REPOST_SETTING, repost), (DM_SETTING, dm)):
            if value is None:
                continue
            minutes = None
            if isinstance(value, timedelta):
                minutes = str(max(1, min(24 * 60, int(value.total_seconds() // 60))))
            await self.bot.community_settings.set(
                ctx.community.platform, ctx.community.id, key, minutes, ctx.now()
            )
        first, second = await self._escalation_times(ctx)
        asked = await self.quietly(ctx.setting(DM_SETTING), None)
        text = ctx.t(
            "An urgent alert nobody takes is re-posted, mentioning every moderator, after "
            "{repost} minutes; after {dm} minutes every moderator gets a private message.",
            repost=ctx.tr.number(int(first.total_seconds() // 60)),
            dm=ctx.tr.number(int(second.total_seconds() // 60)),
        )
        if asked and timedelta(minutes=int(asked)) < first:
            text += " " + ctx.t(
                "(The private messages were set for {minutes} minutes, but they never come "
                "before the re-post, so they wait for it.)",
                minutes=ctx.tr.number(int(asked)),
            )
        await ctx.reply(
            text
            + " "
            + ctx.t("A claimed alert still open after a day brings its claimer a reminder.")
        )

    @command(
        "crisis stats",
        _("How alerts ended, per month, without names (moderators)"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def crisis_stats(
        self, ctx: Context, months: Annotated[int, Range(1, 24), _("How many months back")] = 6
    ) -> None:
        """Counts per outcome and month."""
        now = ctx.now()
        year, month = now.year, now.month - (months - 1)
        while month < 1:
            year, month = year - 1, month + 12
        rows = await self.alerts.monthly_outcomes(
            ctx.community.platform, ctx.community.id, f"{year:04d}-{month:02d}"
        )
        if not rows:
            await ctx.reply(
                ctx.nt(
                    "No closed alerts in the last {count} month.",
                    "No closed alerts in the last {count} months.",
                    months,
                )
            )
            return
        by_month: dict[str, dict[str, int]] = {}
        for m, outcome, count in rows:
            by_month.setdefault(m, {})[outcome] = count
        lines = [
            ctx.nt(
                "Closed alerts per month (last {count}), no names kept:",
                "Closed alerts per month (last {count}), no names kept:",
                months,
            )
        ]
        for m, counts in by_month.items():
            parts = [
                f"{outcome_label(ctx.tr, o)} {ctx.tr.number(counts[o])}"
                for o in OUTCOMES
                if o in counts
            ]
            lines.append(
                ctx.t(
                    "{month}: {outcomes} (total {total})",
                    month=m,
                    outcomes=", ".join(parts),
                    total=ctx.tr.number(sum(counts.values())),
                )
            )
        await ctx.reply("\n".join(lines))

    async def alert_lines(self, ctx: Context, since: datetime) -> tuple[list[str], dict[str, str]]:
        """Recent alerts with who has them and their outcome, for ``/crisis concerns``; none
        about the moderator reading them (like the reports: that would tell them who asked)."""
        assert ctx.actor is not None
        alerts = await self.alerts.recent(
            ctx.community.platform, ctx.community.id, since, excluding=ctx.actor.id
        )
        lines: list[str] = []
        values: dict[str, str] = {}
        for alert in alerts:
            who = f"{{a{alert.id}}}"
            if alert.closed_at is not None:
                state = ctx.t(
                    "closed: {outcome} (handled by {name})",
                    outcome=outcome_label(ctx.tr, alert.outcome),
                    name=who,
                )
            elif alert.claimed_by or alert.claimed_name:
                state = ctx.t("open, with {name}", name=who)
            elif alert.delivered_at is None:
                state = ctx.t("waiting to be delivered")
            else:
                state = ctx.t("open, nobody has it yet")
            values[f"a{alert.id}"] = alert.claimed_name or ""
            when = alert.created_at.strftime("%Y-%m-%d %H:%M UTC") if alert.created_at else ""
            lines.append(
                ctx.t(
                    "Alert #{id} {when} ({kind}): {state}",
                    id=alert.id,
                    when=when,
                    kind=ctx.t(KIND_LABELS[alert.kind])
                    if alert.kind in KIND_LABELS
                    else alert.kind,
                    state=state,
                )
            )
        return lines, values
