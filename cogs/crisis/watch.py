"""Listening to chat: every ordinary message, and every edit that changed one, is classified.

``urgent``: a private message with resources to the member (unless they turned automatic
messages off, or got one as serious in the last 24 hours: going up, concern → urgent →
overdose, is answered at once) and a priority alert to the moderators.
``concern``: a gentle private message (unless the community set ``crisis.concern_dm`` to off)
and a low-priority alert. Alerts never quote the message: who, a link, the level.
Alerts about one member within an hour are merged into one follow-up when the hour ends,
unless a message is more serious or adds a kind of danger not yet alerted (an overdose, a place,
means at hand): that one is alerted at once.
A message is acted on once per level: an edit that keeps (or lowers) the level it was flagged at
brings neither a second alert nor a second private message.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property, lru_cache

from bot.cog import listener
from bot.context import Context
from bot.i18n import ENGLISH, N_
from bot.message import Message
from bot.platforms.base import MessageEvent
from bot.scheduler import Due
from bot.services import service
from bot.spec import Permission
from cogs.crisis.base import (
    AUTO_SETTING,
    CONCERN_DM_SETTING,
    NOTIFY_BUTTON,
    CrisisBase,
    log,
)
from cogs.crisis.detector import Detection, classify
from cogs.crisis.fragments import Fragments
from cogs.crisis.texts import (
    AUTO_OFF_OVERDOSE,
    DELIVERY,
    alert_message,
    emergency_number,
    resource_message,
    say_lines,
)
from cogs.crisis.warnings import without_warning
from storage.crisis import SUMMARIES, SUMMARY_TAKEN, AlertDecision
from storage.crisis_flags import FlaggedMessages
from storage.db import MemberKey, StorageError
from storage.due import Claim, Move

_RANK = {"none": 0, "concern": 1, "urgent": 2}
LEVELS = {"urgent": N_("urgent"), "concern": N_("concern")}


def detect(text: str) -> Detection:
    """The one entry point to the detector, shared by the bot and ``peerbot crisis classify``.
    Text behind a content warning is read without the warning as well; the graver reading wins."""
    if len(text) > _REMEMBERED_LENGTH:
        return _detect(text)
    return _detect_remembered(text)


# One command's text is read more than once (the screen of every typed text, then the feature
# that stores it); the detector is deterministic, so short texts are answered from memory.
_REMEMBERED_LENGTH = 2_000


@lru_cache(maxsize=256)
def _detect_remembered(text: str) -> Detection:
    return _detect(text)


def _detect(text: str) -> Detection:
    found = classify(text)
    if found.level == "urgent":
        return found
    bare = without_warning(text)
    if bare == text or not bare:
        return found
    other = classify(bare)
    return other if _RANK[other.level] > _RANK[found.level] else found


def severity(detection: Detection) -> int:
    """How serious a detection is for the private message: 1 concern, 2 urgent, 3 overdose."""
    if detection.level != "urgent":
        return 1
    return 3 if detection.overdose else 2


def danger_signs(detection: Detection) -> frozenset[str]:
    """The kinds of danger an urgent detection names (rule families, and overdose)."""
    if detection.level != "urgent":
        return frozenset()
    signs = {rule.split(".", 1)[0] for rule in detection.matched}
    return frozenset(signs | ({"overdose"} if detection.overdose else set()))


class Watch(CrisisBase):
    """The message listener and the merged follow-up alerts."""

    @cached_property
    def flagged(self) -> FlaggedMessages:
        """The messages already acted on, and at which level."""
        return FlaggedMessages(self.bot.db)

    def due_source(self) -> Due:
        """Merged alerts are posted when their hour is over."""
        return Due(
            "crisis-alert-summaries",
            SUMMARIES,
            lambda row, now: Move(None, SUMMARY_TAKEN),
            self._post_summary,
        )

    @cached_property
    def fragments(self) -> Fragments:
        """Members' last short messages, read together with the next one."""
        return Fragments()

    @listener("message")
    async def on_message(self, ctx: Context, event: MessageEvent) -> None:
        """Classify one chat message (or its edited text) and act on ``concern`` and
        ``urgent``, once per message and level. A short message is also read with the
        member's short messages just before it ("i took" / "all my pills")."""
        detection = detect(event.text)
        if not event.edited and detection.level != "urgent":
            where = (ctx.community.platform, ctx.community.id, event.channel.id, event.author.id)
            joined = self.fragments.joined(where, event.text, ctx.now())
            if joined is not None:
                together = detect(joined)
                if _RANK[together.level] > _RANK[detection.level]:
                    detection = together
        if detection.level == "none":
            return
        if event.author.level >= Permission.MODERATOR and event.channel.id == await self.quietly(
            ctx.channel_for("alerts"), None
        ):
            return  # moderators talking about a flagged message are not at risk themselves
        key = ctx.member_key(event.author.id)
        if event.message_id and not await self._first_time(ctx, event, detection, key):
            return
        delivery = await self._message_member(ctx, event, detection, key)
        await self._alert(ctx, event, detection, key, delivery)

    async def _first_time(
        self, ctx: Context, event: MessageEvent, detection: Detection, key: MemberKey
    ) -> bool:
        """Whether this message was not yet acted on at this level (edits, replays)."""
        try:
            return await self.flagged.claim(key, event.message_id, detection.level, ctx.now())
        except StorageError as err:
            # Better a repeated alert than a missed one.
            log.error("crisis flagged-message memory unavailable (%s); acting anyway", err)
            return True

    async def _message_member(
        self, ctx: Context, event: MessageEvent, detection: Detection, key: MemberKey
    ) -> str:
        """Send resources privately when due; returns what happened (a key of DELIVERY)."""
        concern_dm = await self.quietly(ctx.setting(CONCERN_DM_SETTING), None)
        if detection.level != "urgent" and concern_dm == "off":
            return "none"
        if await self.quietly(self.bot.member_settings.get(key, AUTO_SETTING), None) == "off":
            if not detection.overdose:
                return "auto_off"
            # An overdose can't wait for a choice made on a calmer day: one line, no list.
            reader = await ctx.translator_for(event.author.id)
            sent = await ctx.send_private(
                event.author.id,
                AUTO_OFF_OVERDOSE,
                emergency=emergency_number(await self.region_resources(ctx, key), reader),
            )
            return "auto_off_overdose" if sent else "undelivered"
        now = ctx.now()
        try:
            allowed, previous = await self.state.claim_auto_message(key, now, severity(detection))
        except StorageError as err:
            # Better a second message than none: without the cooldown record, send anyway.
            log.error("crisis cooldown unavailable (%s); sending resources anyway", err)
            allowed, previous = True, (None, None)
        if not allowed:
            return "cooldown"
        occasion = "urgent" if detection.level == "urgent" else "concern"
        template, values = resource_message(
            occasion,
            await self.region_resources(ctx, key),
            await self.community_resources(ctx),
            prefix=ctx.prefix,
            overdose=detection.overdose,
            tr=await ctx.translator_for(event.author.id),
        )
        if await ctx.send_private(event.author.id, template, buttons=[NOTIFY_BUTTON], **values):
            return "sent"
        await self.quietly(self.state.release_auto_message(key, previous), None)
        return "undelivered"

    @service("crisis.concern_reply")
    async def concern_reply(self, ctx: Context) -> Message | None:
        """The private reply chat brings after a worrying (not urgent) message, for the member
        acting, when chat would send it now: the community sends them (``crisis.concern_dm``),
        the member did not turn automatic messages off, and had none today. None otherwise.
        For features that screen text chat never sees (an anonymous post) and reply with it."""
        assert ctx.actor is not None
        key = ctx.member_key()
        if await self.quietly(ctx.setting(CONCERN_DM_SETTING), None) == "off":
            return None
        if await self.quietly(self.bot.member_settings.get(key, AUTO_SETTING), None) == "off":
            return None
        try:
            allowed, _previous = await self.state.claim_auto_message(key, ctx.now(), 1)
        except StorageError as err:
            log.error("crisis cooldown unavailable (%s); sending resources anyway", err)
            allowed = True
        if not allowed:
            return None
        template, values = resource_message(
            "concern",
            await self.region_resources(ctx, key),
            await self.community_resources(ctx),
            prefix=ctx.prefix,
            tr=await ctx.translator_for(ctx.actor.id),
        )
        return Message(template, values, (NOTIFY_BUTTON,))

    async def _alert(
        self,
        ctx: Context,
        event: MessageEvent,
        detection: Detection,
        key: MemberKey,
        delivery: str,
    ) -> None:
        now = ctx.now()
        force = delivery == "undelivered"  # moderators must hear at once when we can't reach them
        try:
            decision = await self.state.record_flag(
                key,
                event.author.name,
                detection.level,
                event.link,
                now,
                force=force,
                signs=danger_signs(detection),
            )
        except StorageError as err:
            log.error("crisis alert state unavailable (%s); alerting without merging", err)
            decision = AlertDecision(post_now=True)
        if detection.level == "urgent":
            # the moderator already with this member hears of it first, privately
            await self._tell_who_has_it(ctx, event, key, merged=not decision.post_now)
        if not decision.post_now:
            return
        template, values = alert_message(
            detection.level,
            event.author.name,
            event.link,
            delivery=DELIVERY[delivery],
            overdose=detection.overdose,
            merged_before=decision.merged_before,
            tr=ENGLISH,  # kept as marked lines: each reader gets them in their language
        )
        try:
            if await self.raise_alert(
                ctx, detection.level, (template, values), subject=event.author.id
            ):
                return
        except StorageError as err:
            log.error("crisis alert could not be kept (%s); posting it directly", err)
            if await ctx.alert(say_lines(await ctx.community_translator(), template), **values):
                return
            await self.quietly(self.state.alert_failed(key, decision), None)
        log.warning(
            "crisis alert (%s) in community %s kept for later: no moderators' alerts "
            "channel is set (/community channel alerts #channel)",
            detection.level,
            ctx.community.id,
        )

    async def _tell_who_has_it(
        self, ctx: Context, event: MessageEvent, key: MemberKey, *, merged: bool
    ) -> None:
        """An urgent message about a member whose alert someone took: they hear of it now,
        privately, whether it is merged into the alert's hour (not when the hour's follow-up is
        posted) or alerted anew (graver, or after the hour; they are already with the member)."""
        alert = await self.quietly(
            self.alerts.open_about(key.platform, key.community_id, key.user_id), None
        )
        if alert is None or alert.claimed_by is None or alert.claimed_by == key.user_id:
            return
        await ctx.send_private(
            alert.claimed_by,
            N_(
                "Alert #{id}: {name} wrote another message that may mean they are in danger "
                "now: {link}\nNo new alert was raised; this one is still yours."
            )
            if merged
            else N_(
                "Alert #{id}: {name} wrote another message that may mean they are in danger "
                "now: {link}\nIt also went out as a new alert, for every moderator."
            ),
            id=str(alert.id),
            name=event.author.name,
            link=event.link or "-",
        )

    # --- merged follow-ups -------------------------------------------------------------------

    async def _post_summary(self, ctx: Context, claimed: Claim, now: datetime) -> None:
        """Report the messages merged into a window (already taken off the member's state)."""
        row = claimed.row
        level = row["pending_level"] or "concern"
        count = row["pending_count"]
        tr = await ctx.community_translator()  # moderators read the community's language
        posted = await ctx.alert(
            tr.ngettext(
                "Update ({level}): {count} more message from {name} was flagged in the hour "
                "after the last alert. Latest: {link}\nPlease check in with them privately if "
                "nobody has yet.",
                "Update ({level}): {count} more messages from {name} were flagged in the hour "
                "after the last alert. Latest: {link}\nPlease check in with them privately if "
                "nobody has yet.",
                count,
            ),
            level=tr.gettext(LEVELS.get(level, level)),
            count=tr.number(count),
            name=row["display_name"] or row["user_id"],
            link=row["pending_link"] or tr.gettext("(no link)"),
        )
        if posted:
            await self.state.summary_opened(ctx.member_key(row["user_id"]), level, now)
        else:
            log.warning(
                "merged crisis alert in community %s could not be posted: no alerts channel",
                row.community_id,
            )
