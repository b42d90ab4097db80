"""The alert life cycle: posted → pinged → claimed → closed, with escalations.

Every alert is stored first, then posted in the alerts channel with an "I'm on it" button.
Urgent alerts (a message that may mean danger now, a member asking for a moderator) mention
the responders on duty, and only them. An urgent alert nobody claims is posted again with
every moderator mentioned, then written to each moderator privately; a claimed alert left open
for a day brings its claimer a private reminder. An alert that could not be posted (no alerts
channel yet, the platform away) waits and is delivered once, as soon as it can be.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cached_property
from typing import Annotated, Any, Literal

from bot.context import Context
from bot.i18n import ENGLISH, N_, Translator, _
from bot.message import Button, Ping
from bot.platforms.base import CommunityRef
from bot.scheduler import Due, PerPlatform
from bot.services import service
from bot.spec import Range, command
from cogs.crisis.alert_reports import (
    DM_SETTING,
    REPOST_SETTING,
    AlertReports,
    outcome_label,
)
from cogs.crisis.base import log
from cogs.crisis.texts import say_lines
from storage.alerts import (
    CLAIMED,
    MESSAGED,
    POSTED,
    REMINDED,
    REPOSTED,
    Alert,
    Alerts,
    escalation_rows,
)
from storage.db import StorageError
from storage.due import Claim, DueRow, Move

REPOST_AFTER = timedelta(minutes=10)
DM_AFTER = timedelta(minutes=30)
REMIND_AFTER = timedelta(days=1)
URGENT_KINDS = ("urgent", "notify")
Outcome = Literal["reached-them", "resources-sent", "no-contact", "false-alarm"]
NOBODY_ON_DUTY = N_("Nobody is on duty right now, so I mentioned every moderator.")
CLAIM_LABEL = N_("I'm on it")
OUTCOME_CHOICES = "outcome:reached-them|resources-sent|no-contact|false-alarm"


def _utc(instant: datetime) -> str:
    return instant.strftime("%H:%M UTC")


def escalation_times(repost: str | None, dm: str | None) -> tuple[timedelta, timedelta]:
    """When an unclaimed alert is re-posted, and when every moderator is written to, from the
    community's settings (minutes; None: the defaults)."""
    first = timedelta(minutes=int(repost)) if repost else REPOST_AFTER
    second = timedelta(minutes=int(dm)) if dm else DM_AFTER
    return first, max(second, first)


def _action_row(button: Button) -> dict[str, Any]:
    return {
        "label": button.label,
        "command": button.command,
        "args": dict(button.args),
        "form": button.form,
        "style": button.style,
    }


def _actions(alert: Alert) -> list[Button]:
    """The alert's extra button (another feature's command), if it has one."""
    return [] if alert.action is None else [Button(**alert.action)]


NO_ALERT = N_("There is no alert #{id} here.")
ABOUT_YOU = N_(
    "Alert #{id} is about you, so another moderator or responder will take it. If you're "
    "struggling, {crisis} lists people to talk to right now."
)


class AlertDesk(AlertReports):
    """Raising, delivering, claiming, closing and escalating alerts."""

    @property
    def alerts(self) -> Alerts:
        """The alerts store."""
        return Alerts(self.bot.db)

    def alert_sources(self) -> list[Due | PerPlatform]:
        """Escalations and reminders when due; waiting alerts on every tick."""
        return [
            Due(
                "crisis-alert-escalation",
                escalation_rows(REPOST_SETTING, DM_SETTING),
                self._plan_escalation,
                self._escalate,
            ),
            PerPlatform("crisis-alert-delivery", self._never_due, self.deliver_waiting),
        ]

    # --- raising and delivering ----------------------------------------------------------

    async def raise_alert(
        self,
        ctx: Context,
        kind: str,
        message: tuple[str, dict[str, str]],
        *,
        subject: str | None = None,
        reporter: str | None = None,
        report_id: int | None = None,
        urgent: bool | None = None,
        action: Button | None = None,
        keep_out: str | None = None,
    ) -> bool:
        """Store an alert and post it; False when it waits for delivery (it is kept).
        ``urgent`` overrides the kind's priority (a report saying someone is in danger now);
        ``action`` is one more button, kept with the alert (another feature's command);
        ``keep_out``: someone never pinged, asked or let take it, though it names nobody."""
        now = ctx.now()
        urgent = kind in URGENT_KINDS if urgent is None else urgent
        repost, _dm = await self._escalation_times(ctx)
        alert = await self.alerts.create(
            (ctx.community.platform, ctx.community.id),
            kind,
            urgent=urgent,
            subject=subject,
            message=message,
            now=now,
            next_at=now + repost if urgent else None,
            reporter=reporter,
            report_id=report_id,
            action=None if action is None else _action_row(action),
            keep_out=keep_out,
        )
        if await self._deliver(ctx, alert):
            return True
        if urgent:  # no alerts channel: moderators hear now, not at the first escalation
            await self._write_moderators(ctx, alert)
        return False

    @service("crisis.notify_for")
    async def notify_for(self, ctx: Context, message: tuple[str, dict[str, str]]) -> bool:
        """Another feature tells the moderators the member acting may need someone now (their
        name only), as if they had pressed "Let a moderator know": an urgent alert with its
        pings and escalations, one an hour however often it is asked. False when nothing could
        be kept (then the member may be asked again)."""
        assert ctx.actor is not None
        key = ctx.member_key()
        if await self.quietly(self.state.claim_notify(key, ctx.actor.name, ctx.now()), None):
            return True  # told within the hour: that alert runs its course
        try:
            await self.raise_alert(ctx, "notify", message, subject=ctx.actor.id)
        except StorageError:
            if await ctx.alert(message[0], **message[1]):
                return True
            await self.quietly(self.state.release_notify(key), None)
            return False
        return True

    @service("crisis.alert_anonymous")
    async def alert_anonymous(
        self,
        ctx: Context,
        level: str,
        message: tuple[str, dict[str, str]],
        action: Button,
        author: str | None = None,
    ) -> bool:
        """Another feature tells the moderators about something nobody may be named for (an
        anonymous post): an alert about no member, kept and followed up like any other of its
        ``level`` ("urgent": pings, "I'm on it", re-post, private ask; "concern": low priority,
        claimable and closable), with the feature's ``action`` button on it. ``author`` (who
        wrote it, perhaps a moderator) is never pinged or asked and may not take it; the alert
        keeps only a salted hash of them. False when it waits for an alerts channel (an urgent
        one was then written to each moderator)."""
        try:
            return await self.raise_alert(ctx, level, message, action=action, keep_out=author)
        except StorageError as err:
            log.error("anonymous alert could not be kept (%s); posting it directly", err)
            return await ctx.alert(message[0], buttons=[action], **message[1])

    async def moderators_written_to(self, ctx: Context, about: Alert | str | None) -> list[str]:
        """Who an urgent alert (or one about the member ``about``) is written to privately
        while it can't be posted: every moderator but the one it is about."""
        return [uid for uid in await ctx.moderators() if not _is_about(about, uid)]

    async def _write_moderators(self, ctx: Context, alert: Alert) -> None:
        claim = f"{ctx.command_hint('alert claim')} {alert.id}"
        for uid in await self.moderators_written_to(ctx, alert):
            tr = await ctx.translator_for(uid)  # each moderator reads their own language
            head = tr(
                "Urgent alert #{id} (no alerts channel is set, so I'm writing to you directly):",
                id=alert.id,
            )
            await ctx.send_private(
                uid,
                f"{head} {say_lines(tr, alert.template)}\n"
                + tr("If you can, take it: type {claim}.", claim=claim),
                buttons=_actions(alert),
                **alert.values,
            )

    async def _deliver(self, ctx: Context, alert: Alert, *, everyone: bool = False) -> bool:
        """Post an alert (with its pings when urgent); record the one delivery. An alert whose
        post is under way (a slow homeserver) is not posted again by the tick meanwhile, nor
        one posted since the caller read it (the tick's list of waiting alerts goes stale)."""
        if alert.id in self._delivering:
            return True
        self._delivering.add(alert.id)
        try:
            if not await self.alerts.still_waiting(alert.id):
                return True
            return await self._post_alert(ctx, alert, everyone)
        finally:
            self._delivering.discard(alert.id)

    @cached_property
    def _delivering(self) -> set[int]:
        return set()

    async def _post_alert(self, ctx: Context, alert: Alert, everyone: bool) -> bool:
        pings: list[Ping] = []
        note = ""
        if everyone:
            pings = [p for p in await self._moderator_pings(ctx) if not alert.concerns(p.id)]
        elif alert.urgent and alert.claimed_by is None:
            pings, note = await self._duty_pings(ctx, alert)
        tr = await ctx.community_translator()  # moderators read the community's language
        late = ""
        if alert.created_at is not None and ctx.now() - alert.created_at > timedelta(minutes=1):
            late = "\n" + tr(
                "(Raised at {time}; I could not post it until now.)", time=_utc(alert.created_at)
            )
        if note:
            note = "\n" + tr.gettext(note)
        taken = ""
        if alert.claimed_by is not None:  # taken while it waited for a channel
            taken = "\n" + tr("{name} has taken it.", name=alert.claimed_name or alert.claimed_by)
        posted = await ctx.alert_post(
            self._text(ctx, alert, tr) + late + note + taken,
            buttons=_actions(alert) if taken else [self._claim_button(alert), *_actions(alert)],
            pings=pings,
            **alert.values,
        )
        if posted is None:
            return False
        if not await self.alerts.delivered(alert, posted[0], posted[1], ctx.now()):
            log.info("alert %s was already delivered; the repost stays", alert.id)
        return True

    def _text(self, ctx: Context, alert: Alert, tr: Translator = ENGLISH) -> str:
        close = ctx.command_hint("alert close")
        handled = tr(
            "Alert #{id}. When it's handled: {command}",
            id=alert.id,
            command=f"{close} {alert.id} {OUTCOME_CHOICES}",
        )
        return f"{say_lines(tr, alert.template)}\n{handled}"

    def _claim_button(self, alert: Alert) -> Button:
        return Button(
            CLAIM_LABEL, command="alert claim", args={"number": str(alert.id)}, style="success"
        )

    async def _duty_pings(self, ctx: Context, alert: Alert) -> tuple[list[Ping], str]:
        """The responders on duty but the one the alert is about; nobody: the responders
        role where it can be mentioned."""
        current = [d for d in await self.responders_on_duty(ctx) if not alert.concerns(d.user_id)]
        if current:
            return [Ping("user", d.user_id, d.name) for d in current], ""
        # Nobody on duty (a night, a holiday): waiting ten minutes would be ten minutes lost.
        pings = [p for p in await self._moderator_pings(ctx) if not alert.concerns(p.id)]
        note = NOBODY_ON_DUTY
        role = await self.quietly(ctx.setting("crisis.responders"), None)
        if role and ctx.community.platform != "matrix":  # Matrix has power levels, not roles
            name = (await ctx.role_name(role)).lstrip("@")
            pings.append(Ping("role", role, name))
        return pings, note

    async def _moderator_pings(self, ctx: Context) -> list[Ping]:
        return [Ping("user", uid, await ctx.member_name(uid)) for uid in await ctx.moderators()]

    async def _never_due(self, platform: str) -> datetime | None:
        """Waiting alerts have no instant: they are tried on every tick and when a channel is
        set, and are never a reason to stop while time is walked forward."""
        return None

    async def deliver_waiting(self, platform: str, now: datetime) -> None:
        """Post every alert of a platform still waiting, where a channel is set."""
        channels: dict[str, str | None] = {}
        for alert in await self.alerts.waiting(platform, self.bot.scheduler.owned(platform)):
            ctx = self.bot.context(CommunityRef(platform, alert.community_id))
            if ctx is None:
                break  # the platform is away: the next tick tries again
            if alert.community_id not in channels:
                channels[alert.community_id] = await self.quietly(ctx.channel_for("alerts"), None)
            if channels[alert.community_id] is None:
                continue
            if not await self._deliver(ctx, alert):
                channels[alert.community_id] = None  # no use trying its others now

    async def _escalation_times(self, ctx: Context) -> tuple[timedelta, timedelta]:
        repost = await self.quietly(ctx.setting(REPOST_SETTING), None)
        dm = await self.quietly(ctx.setting(DM_SETTING), None)
        return escalation_times(repost, dm)

    # --- claim and close -----------------------------------------------------------------

    @command(
        "alert claim",
        _('Take a crisis alert: "I\'m on it" (moderators and responders)'),
        private=True,
        unlimited=True,
        examples=("alert claim 12",),
    )
    async def alert_claim(
        self, ctx: Context, number: Annotated[int, Range(1, 2**62), _("The alert's number")]
    ) -> None:
        """Claim an alert; the alert then shows who has it."""
        assert ctx.actor is not None
        if not await self.is_responder(ctx, ctx.actor.id, ctx.actor.level):
            await ctx.reply(_("Only moderators and responders can take alerts."))
            return
        now = ctx.now()
        result = await self.alerts.claim(
            (ctx.community.platform, ctx.community.id),
            number,
            (ctx.actor.id, ctx.actor.name),
            now,
            now + REMIND_AFTER,
        )
        alert = result.alert
        if alert is None:
            await ctx.reply(NO_ALERT, id=str(number))
            return
        if result.own:
            await ctx.reply(ABOUT_YOU, id=str(number), crisis=ctx.command_hint("crisis"))
            return
        if not result.taken:
            if alert.closed_at is not None:
                await ctx.reply(
                    _("Alert #{id} is already closed ({outcome})."),
                    id=str(number),
                    outcome=outcome_label(ctx.tr, alert.outcome),
                )
            elif alert.claimed_by == ctx.actor.id:
                await ctx.reply(_("Alert #{id} is already yours."), id=str(number))
            else:
                await ctx.reply(
                    _(
                        "{name} already has alert #{id} (since {time}). Talk to them before you "
                        "reach out too."
                    ),
                    name=alert.claimed_name or ctx.t("someone"),
                    id=str(number),
                    time=_utc(alert.claimed_at or now),
                )
            return
        tr = await ctx.community_translator()
        line = tr("✋ {claimer} is on it (since {time}).", claimer="{claimer}", time=_utc(now))
        await self._show_status(ctx, alert, line, claimer=ctx.actor.name)
        await ctx.reply(
            _(
                "Alert #{id} is yours. Please reach out privately soon, and close it with {close} "
                "when it's handled. I'll remind you in a day if it's still open."
            ),
            buttons=_actions(alert),
            id=str(number),
            close=f"{ctx.command_hint('alert close')} {number} outcome:…",
        )

    @command(
        "alert close",
        _("Close a crisis alert with what happened (moderators and responders)"),
        private=True,
        unlimited=True,
        examples=("alert close 12 outcome:reached-them",),
    )
    async def alert_close(
        self,
        ctx: Context,
        number: Annotated[int, Range(1, 2**62), _("The alert's number")],
        # Optional only so that someone who may not close alerts hears that first.
        outcome: Annotated[Outcome, _("What happened")] | None = None,
    ) -> None:
        """Close an alert and keep its outcome."""
        assert ctx.actor is not None
        if not await self.is_responder(ctx, ctx.actor.id, ctx.actor.level):
            await ctx.reply(_("Only moderators and responders can close alerts."))
            return
        if outcome is None:
            await ctx.reply(
                _("Please say what happened, so alert #{id} is closed with it: {close}"),
                id=str(number),
                close=f"{ctx.command_hint('alert close')} {number} {OUTCOME_CHOICES}",
            )
            return
        result = await self.alerts.close(
            (ctx.community.platform, ctx.community.id),
            number,
            outcome,
            (ctx.actor.id, ctx.actor.name),
            ctx.now(),
        )
        alert = result.alert
        if alert is None:
            await ctx.reply(NO_ALERT, id=str(number))
            return
        if result.own:
            await ctx.reply(ABOUT_YOU, id=str(number), crisis=ctx.command_hint("crisis"))
            return
        if not result.taken:
            await ctx.reply(_("Alert #{id} was already closed."), id=str(number))
            return
        tr = await ctx.community_translator()
        line = tr(
            "✅ Closed by {closer} at {time}: {outcome}.",
            closer="{closer}",
            time=_utc(ctx.now()),
            outcome=outcome_label(tr, outcome),
        )
        await self._show_status(ctx, alert, line, closer=ctx.actor.name)
        await ctx.reply(
            _("Closed alert #{id}: {outcome}. Thank you for looking after them."),
            id=str(number),
            outcome=outcome_label(ctx.tr, outcome),
        )

    async def _show_status(self, ctx: Context, alert: Alert, line: str, **names: str) -> None:
        """Edit the alert to show who has it (or its outcome); else a follow-up line. ``line``
        is already in the community's language."""
        tr = await ctx.community_translator()
        if alert.channel_id and alert.message_id:
            edited = await ctx.edit_post(
                alert.channel_id,
                alert.message_id,
                self._text(ctx, alert, tr) + "\n" + line,
                **alert.values,
                **names,
            )
            if edited:
                return
        await ctx.alert(tr("Alert #{id}:", id=alert.id) + " " + line, **names)

    # --- escalation ------------------------------------------------------------------------

    @staticmethod
    def _plan_escalation(row: DueRow, now: datetime) -> Move:
        """The next stage, moved in the claim, so a restart never repeats a step."""
        stage = row["stage"]
        if stage == POSTED:
            _repost, dm_after = escalation_times(row[REPOST_SETTING], row[DM_SETTING])
            created = datetime.fromisoformat(row["created_at"]) if row["created_at"] else now
            return Move(created + dm_after, {"stage": REPOSTED})
        if stage in (REPOSTED, CLAIMED):
            return Move(None, {"stage": MESSAGED if stage == REPOSTED else REMINDED})
        return Move(None, act=False)

    async def _escalate(self, ctx: Context, claimed: Claim, now: datetime) -> None:
        """One step of an alert: re-post it, write to every moderator, or remind its claimer."""
        alert = await self.alerts.get(ctx.community.platform, ctx.community.id, claimed.row["id"])
        if alert is None:
            return
        step = {POSTED: self._repost, REPOSTED: self._message_moderators, CLAIMED: self._remind}
        await step[claimed.row["stage"]](ctx, alert)

    async def _repost(self, ctx: Context, alert: Alert) -> None:
        minutes = int((ctx.now() - (alert.created_at or ctx.now())).total_seconds() // 60)
        if alert.delivered_at is None:  # never posted: this is its one delivery
            if await self._deliver(ctx, alert, everyone=True):
                return
            log.warning("unclaimed alert %s could not be re-posted: no alerts channel", alert.id)
            return
        tr = await ctx.community_translator()
        head = tr.plural(
            "Still unclaimed after {count} minute: alert #{id}, re-posted for every moderator.",
            "Still unclaimed after {count} minutes: alert #{id}, re-posted for every moderator.",
            minutes,
            id=alert.id,
        )
        posted = await ctx.alert_post(
            head + "\n" + say_lines(tr, alert.template),
            buttons=[self._claim_button(alert), *_actions(alert)],
            pings=[p for p in await self._moderator_pings(ctx) if not alert.concerns(p.id)],
            **alert.values,
        )
        if posted is None:
            log.warning("unclaimed alert %s could not be re-posted", alert.id)

    async def _message_moderators(self, ctx: Context, alert: Alert) -> None:
        minutes = int((ctx.now() - (alert.created_at or ctx.now())).total_seconds() // 60)
        claim = f"{ctx.command_hint('alert claim')} {alert.id}"
        # never the moderator the alert is about: they may not take it, and it is theirs
        for uid in await self.moderators_written_to(ctx, alert):
            tr = await ctx.translator_for(uid)  # each moderator reads their own language
            head = tr.plural(
                "Nobody has taken urgent alert #{id} in {count} minute.",
                "Nobody has taken urgent alert #{id} in {count} minutes.",
                minutes,
                id=alert.id,
            )
            ask = tr(
                "If you can, take it: type {claim} (or press {button} in the alerts channel).",
                claim=claim,
                button=tr.gettext(CLAIM_LABEL),
            )
            await ctx.send_private(
                uid,
                f"{head} {say_lines(tr, alert.template)}\n{ask}",
                buttons=_actions(alert),
                **alert.values,
            )

    async def _remind(self, ctx: Context, alert: Alert) -> None:
        if alert.claimed_by is None:
            return
        await ctx.send_private(
            alert.claimed_by,
            _(
                "A gentle reminder: alert #{id}, which you took a day ago, is still open. When "
                "it's handled, close it with {close}. If you can't follow it up, tell the other "
                "moderators."
            ),
            id=str(alert.id),
            close=f"{ctx.command_hint('alert close')} {alert.id} {OUTCOME_CHOICES}",
        )


def _is_about(about: Alert | str | None, user_id: str) -> bool:
    return about.concerns(user_id) if isinstance(about, Alert) else user_id == about
