"""/crisis concern: worried about someone else. Moderators only, never the person named.

Reports are rate-limited per reporter (config ``limits.concern_reports_per_day``) and per named
member, persisted, and listed for moderators by ``/crisis concerns`` so misuse stays visible.
The note passes the detector: when it says the person named is in danger now, the alert is
urgent (pings, escalation) whatever the limits, and the reporter is told to call the emergency
number for them; a reporter writing about their own crisis gets the private crisis reply (from
the core's text screen, see ``heard.py``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from bot.context import Context
from bot.i18n import N_, _
from bot.spec import MaxLen, MemberRef, Permission, Range, Rest, command
from cogs.crisis.base import NOTIFY_BUTTON, CrisisBase, log, shorten
from cogs.crisis.watch import detect
from storage.crisis import REPORT_WINDOW

URGENT_CONCERN_ALERT = N_(
    "Priority concern report (urgent): {reporter} says {subject} may be in danger now.\n"
    "Note from {reporter}: {note}\n"
    "Please reach out to {subject} privately now, and don't say who asked."
)
CONCERN_ALERT = N_(
    "Concern report: {reporter} is worried about {subject}.\n"
    "Note from {reporter}: {note}\n"
    "Please check in with {subject} privately, and don't say who asked."
)
PRIVATE_NOTE = N_(
    "{subject} is a moderator or responder, so I sent this to each of the other moderators "
    "privately instead of the alerts channel."
)


ALERTS_HEADING = N_("Alerts (who has them, and how they ended):")


class ConcernCommands(CrisisBase):
    """Concern reports and the moderators' list of them."""

    async def _private_concern(self, ctx: Context, uid: str, values: dict[str, str]) -> bool:
        """A concern report written to one moderator, in their own language."""
        tr = await ctx.translator_for(uid)
        text = tr.gettext(CONCERN_ALERT) + "\n" + tr.gettext(PRIVATE_NOTE)
        return bool(await ctx.send_private(uid, text, **values))

    @command(
        "crisis concern",
        _("Worried about someone? Tell the moderators privately"),
        private=True,
        unlimited=True,
        examples=('crisis concern member:@sam note:"quiet for days, said goodbye"',),
    )
    async def crisis_concern(
        self,
        ctx: Context,
        member: Annotated[MemberRef, _("Who you're worried about")],
        note: Annotated[
            str, MaxLen(500), Rest(), _("Anything moderators should know (only they see it)")
        ]
        | None = None,
    ) -> None:
        """File a concern report and alert the moderators."""
        assert ctx.actor is not None
        emergency = await self.emergency(ctx)
        if note and _danger_to_them(note):
            ctx.crisis_answered = True  # the words are about them: the reply speaks to a bystander
            await self._urgent_report(ctx, member.id, member.name, note, emergency)
            return
        if member.id == ctx.actor.id:
            await ctx.reply(
                _(
                    "It sounds like you might be the one having a hard time, and that matters "
                    "too. Type {crisis} for people you can talk to now, or let a moderator know."
                ),
                buttons=[NOTIFY_BUTTON],
                crisis=f"{ctx.prefix}crisis",
            )
            return
        if member.is_bot:
            await ctx.reply(
                _(
                    "{name} is a bot, so there's no one there to worry about, but thank you for "
                    "caring. If you're worried about a person, name them instead."
                ),
                name=member.name,
            )
            return
        private_to = await self._private_route(ctx, member.id)
        if private_to == []:
            await ctx.reply(
                _(
                    "I haven't sent this. {name} is a moderator here and would read it wherever "
                    "I posted it, and there is no other moderator I can reach privately. If you "
                    "can, tell someone you trust who runs this community. If {name} is in danger "
                    "right now, call {emergency}."
                ),
                name=member.name,
                emergency=emergency,
            )
            return
        waiting = await self.alerts.waiting_report_by(
            (ctx.community.platform, ctx.community.id), ctx.actor.id, member.id
        )
        if waiting is not None:
            if note:
                await self.alerts.update_waiting_note(waiting, note)
            await ctx.reply(
                _(
                    "Your earlier report about {name} hasn't reached the moderators yet: I "
                    "couldn't reach them. It's kept, with your new note, and I'll pass it on "
                    "once, as soon as I can. If {name} is in danger right now, call {emergency}."
                )
                if note
                else _(
                    "Your earlier report about {name} hasn't reached the moderators yet: I "
                    "couldn't reach them. It's kept, and I'll pass it on once, as soon as I can. "
                    "If {name} is in danger right now, call {emergency}."
                ),
                name=member.name,
                emergency=emergency,
            )
            return
        outcome = await self.reports.file(
            (ctx.community.platform, ctx.community.id),
            (ctx.actor.id, ctx.actor.name),
            (member.id, member.name),
            note,
            ctx.now(),
            per_reporter=self.bot.config.limits.concern_reports_per_day,
        )
        if outcome.refused is not None:
            await self._refused(ctx, outcome.refused, member.name, emergency, outcome.retry_at)
            return
        assert outcome.id is not None
        if outcome.merged:
            await ctx.reply(
                _(
                    "Thank you for looking out for {name}. The moderators were alerted about "
                    "{name} in the last hour, and your report and note are with theirs; they see "
                    "them all together. If {name} is in danger right now, call {emergency}."
                ),
                name=member.name,
                emergency=emergency,
            )
            return
        none = (await ctx.community_translator()).gettext("(none)")  # moderators read it
        values = {"reporter": ctx.actor.name, "subject": member.name, "note": note or none}
        if private_to is None:
            alerted = await self.raise_alert(
                ctx,
                "report",
                (CONCERN_ALERT, values),
                subject=member.id,
                reporter=ctx.actor.id,
                report_id=outcome.id,
            )
        else:
            sent = [await self._private_concern(ctx, uid, values) for uid in private_to]
            alerted = any(sent)
        if alerted:
            await self.reports.mark_alerted(outcome.id)
            await ctx.reply(
                _(
                    "Thank you for looking out for {name}. I've told the moderators privately; "
                    "{name} won't be told who asked. If they're in danger right now, call "
                    "{emergency}."
                )
                if private_to is None
                else _(
                    "Thank you for looking out for {name}. I've told each of the other "
                    "moderators privately; {name} won't be told who asked. If they're in danger "
                    "right now, call {emergency}."
                ),
                name=member.name,
                emergency=emergency,
            )
            return
        log.warning(
            "concern report in community %s not delivered: no moderators' alerts channel",
            ctx.community.id,
        )
        await ctx.reply(
            _(
                "Thank you for looking out for {name}. I've noted it for the moderators, but I "
                "couldn't reach them just now. It's kept, and I'll pass it on once, as soon as I "
                "can reach them. If {name} is in danger right now, call {emergency}."
            )
            if private_to is None
            else _(
                "Thank you for looking out for {name}. I've noted it for the moderators, but I "
                "couldn't reach them just now. If {name} is in danger right now, call "
                "{emergency}."
            ),
            name=member.name,
            emergency=emergency,
        )

    async def _urgent_report(
        self, ctx: Context, subject_id: str, name: str, note: str, emergency: str
    ) -> None:
        """Someone may be in danger now: an urgent alert at once, never refused or merged."""
        assert ctx.actor is not None
        values = {"reporter": ctx.actor.name, "subject": name, "note": note}
        private_to = await self._private_route(ctx, subject_id)
        if private_to == []:  # only the person named could read it
            await ctx.reply(
                _(
                    "If {name} is in danger now, call {emergency} for them. {name} is a "
                    "moderator here and would read anything I posted, and there is no other "
                    "moderator I can reach privately, so please also tell someone you trust who "
                    "runs this community."
                ),
                name=name,
                emergency=emergency,
            )
            return
        if private_to:
            sent = [
                await ctx.send_private(uid, URGENT_CONCERN_ALERT, **values) for uid in private_to
            ]
            told = any(sent)
        else:
            outcome = await self.quietly(
                self.reports.file(
                    (ctx.community.platform, ctx.community.id),
                    (ctx.actor.id, ctx.actor.name),
                    (subject_id, name),
                    note,
                    ctx.now(),
                    per_reporter=2**31,  # a report of danger now is never held back
                ),
                None,
            )
            told = await self.raise_alert(
                ctx,
                "report",
                (URGENT_CONCERN_ALERT, values),
                subject=subject_id,
                reporter=ctx.actor.id,
                report_id=outcome.id if outcome is not None else None,
                urgent=True,
            )
        await ctx.reply(
            _(
                "Thank you for telling me. If {name} is in danger now, call {emergency} for "
                "them. I've told the moderators at once, and {name} won't be told who asked."
            )
            if told
            else _(
                "Thank you for telling me. If {name} is in danger now, call {emergency} for "
                "them. I couldn't reach the moderators just now; I've kept it and will pass it "
                "on as soon as I can, and {name} won't be told who asked."
            ),
            name=name,
            emergency=emergency,
        )

    async def _private_route(self, ctx: Context, subject_id: str) -> list[str] | None:
        """None when the alerts channel is the right place (the person named is no responder and
        can't read it, or there is no channel yet); else the moderators to tell one by one, without the
        person named and the reporter (empty: nobody can be told without the person named)."""
        alerts = await self.quietly(ctx.channel_for("alerts"), None)
        # A responder may take alerts, so they may read them wherever they are kept (also a
        # channel set later, where a report kept for want of one would be posted).
        if not await self.is_responder(ctx, subject_id) and (
            alerts is None or not await ctx.can_read(alerts, subject_id)
        ):
            return None
        assert ctx.actor is not None
        return [m for m in await ctx.moderators() if m not in (subject_id, ctx.actor.id)]

    async def _refused(
        self, ctx: Context, reason: str, name: str, emergency: str, retry_at: object
    ) -> None:
        if reason == "reporter":
            limit = self.bot.config.limits.concern_reports_per_day
            hours = 24
            if retry_at is not None:
                hours = max(1, -(-int((retry_at - ctx.now()).total_seconds()) // 3600))  # type: ignore[operator]
            await ctx.reply(
                _(
                    "Thank you for caring about people here. You've sent {limit} concern reports "
                    "today, which is as many as I can pass on in a day; you can send another in "
                    "about {hours}. If someone is in danger right now, call {emergency}."
                ),
                limit=ctx.tr.number(limit),
                hours=ctx.nt("{count} hour", "{count} hours", hours),
                emergency=emergency,
            )
        else:  # "repeat"
            await ctx.reply(
                _(
                    "You already told the moderators about {name} today, and they have it. If "
                    "{name} is in danger right now, call {emergency}."
                ),
                name=name,
                emergency=emergency,
            )

    @command(
        "crisis concerns",
        _("Recent concern reports, to follow up and to spot misuse (moderators)"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def crisis_concerns(
        self,
        ctx: Context,
        days: Annotated[int, Range(1, 365), _("How many days back")] = 30,
    ) -> None:
        """List recent reports and how many each member sent."""
        assert ctx.actor is not None
        since = ctx.now() - timedelta(days=days)
        platform, cid = ctx.community.platform, ctx.community.id
        # A moderator never sees reports about themselves: that would tell them who asked.
        reports = await self.reports.recent(platform, cid, since, excluding=ctx.actor.id)
        if not reports:
            alert_lines, alert_values = await self.alert_lines(ctx, since)
            await ctx.reply(
                "\n".join(
                    [
                        ctx.nt(
                            "No concern reports in the last {count} day.",
                            "No concern reports in the last {count} days.",
                            days,
                        )
                    ]
                    + ([ctx.t(ALERTS_HEADING)] if alert_lines else [])
                    + alert_lines
                ),
                **alert_values,
            )
            return
        lines = [
            ctx.nt(
                "Concern reports in the last {count} day, newest first:",
                "Concern reports in the last {count} days, newest first:",
                days,
            )
        ]
        values: dict[str, str] = {}
        for i, report in enumerate(reports):
            when = report.created_at.strftime("%Y-%m-%d %H:%M UTC")
            status = ctx.t(
                N_("merged into the alert before it")
                if report.merged
                else N_("alerted")
                if report.alerted
                else N_("NOT delivered to the alerts channel yet")
            )
            lines.append(
                ctx.t(
                    "#{id} {when}: {by} about {about} ({status}); note: {note}",
                    id=report.id,
                    when=when,
                    by=f"{{by{i}}}",
                    about=f"{{about{i}}}",
                    status=status,
                    note=f"{{note{i}}}",
                )
            )
            values[f"by{i}"] = report.reporter_name
            values[f"about{i}"] = report.subject_name
            values[f"note{i}"] = shorten(report.note, 120) if report.note else ctx.t("(none)")
        counts = await self.reports.counts_by_reporter(platform, cid, since, excluding=ctx.actor.id)
        parts = []
        for i, (name, count) in enumerate(counts):
            parts.append(f"{{count_name{i}}} {ctx.tr.number(count)}")
            values[f"count_name{i}"] = name
        lines.append(ctx.t("Reports per member: {counts}", counts=", ".join(parts)))
        alert_lines, alert_values = await self.alert_lines(ctx, since)
        if alert_lines:
            lines.append(ctx.t(ALERTS_HEADING))
            lines.extend(alert_lines)
            values.update(alert_values)
        window = int(REPORT_WINDOW.total_seconds() // 3600)
        lines.append(
            ctx.t(
                "Each member can send {limit} per {hours} h; the person named is never told.",
                limit=ctx.tr.number(self.bot.config.limits.concern_reports_per_day),
                hours=ctx.tr.number(window),
            )
        )
        await ctx.reply("\n".join(lines), **values)


def _danger_to_them(note: str) -> bool:
    """Whether a note says someone else is in danger now (not the reporter themselves)."""
    detection = detect(note)
    return detection.level == "urgent" and all(
        rule.startswith("others.") for rule in detection.matched
    )
