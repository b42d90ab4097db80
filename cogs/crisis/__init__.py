"""Crisis support: private resources on request and when chat shows risk, moderator alerts,
concern reports and safety plans.

Everything a member sees here is private; the only public place peerbot writes to is the
moderators' alerts channel (``ctx.alert``), and alerts never quote a member's message.
tests/test_crisis_never_public.py checks both by reading this package's code and by running it.

Parts: ``detector``, ``lexicon`` (``lexicon.toml``) and ``judge`` (what is risk), ``resources`` and ``resources.toml``
(helplines by country), ``texts`` (what peerbot says), ``watch`` (the chat listener),
``concern``, ``localres`` and ``safetyplan`` (commands), ``cli`` (``peerbot crisis classify``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from bot.context import Context
from bot.core import Bot
from bot.declared_settings import ON_OFF, CommunitySetting
from bot.i18n import N_, _
from bot.spec import Permission, command
from cogs.crisis.alerts import DM_AFTER, DM_SETTING, REPOST_AFTER, REPOST_SETTING, AlertDesk
from cogs.crisis.base import (
    AUTO_SETTING,
    CONCERN_DM_SETTING,
    NOTIFY_BUTTON,
    REGION_SETTING,
    RegionText,
    log,
    shorten,
)
from cogs.crisis.concern import ConcernCommands
from cogs.crisis.detector import default_detector
from cogs.crisis.localres import ResourceCommands
from cogs.crisis.safetyplan import SafetyPlanCommands
from cogs.crisis.texts import emergency_number, resource_message
from cogs.crisis.watch import Watch
from storage.alerts import privacy_handlers as alert_privacy_handlers
from storage.crisis import privacy_handlers
from storage.db import StorageError
from storage.directory_checks import directory_privacy_handlers

# Said (in the member's language) by /mydata delete while an alert about them is open.
STILL_OPEN_ON_DELETE = N_(
    "The moderators are still looking after a crisis alert about you, so it keeps your "
    "name until they close it; then I remove it."
)
NOTIFY_ALERT = N_(
    "Priority: {name} asked for a moderator to reach out to them privately (crisis support). "
    "Please contact them soon."
)


async def _responders_shown(ctx: Context, value: str | None) -> str:
    return await ctx.bot.services.get("crisis.responders_shown")(ctx, value)


class Crisis(Watch, ConcernCommands, ResourceCommands, SafetyPlanCommands, AlertDesk):
    """The crisis cog: /crisis and its settings, plus the listener, reports and safety plans."""

    name = "crisis"
    community_settings = (
        CommunitySetting(
            CONCERN_DM_SETTING, N_("Gentle private message after a worrying message"), ON_OFF, "on"
        ),
        CommunitySetting(
            REPOST_SETTING,
            N_("Minutes before an unclaimed urgent alert is re-posted"),
            default=str(int(REPOST_AFTER.total_seconds() // 60)),
            command="alert settings",
        ),
        CommunitySetting(
            DM_SETTING,
            N_("Minutes before every moderator is written to about an unclaimed urgent alert"),
            default=str(int(DM_AFTER.total_seconds() // 60)),
            command="alert settings",
        ),
        CommunitySetting(
            "crisis.responders",
            N_("Crisis responders (may go on duty and take alerts)"),
            command="duty responders",
            show=_responders_shown,
        ),
    )

    async def on_load(self) -> None:
        """Register member data with the privacy registry and the merged-alert due source."""
        alert_handlers = alert_privacy_handlers(STILL_OPEN_ON_DELETE)
        for handler in directory_privacy_handlers() + privacy_handlers() + alert_handlers:
            self.bot.privacy.register(handler)
        self.bot.scheduler.declare(self.due_source())
        self.bot.text_screen = self.screen_typed_text
        for source in self.alert_sources():
            self.bot.scheduler.declare(source)
        # built now, before the bot answers, not inside the loop on the first chat message
        default_detector()

    @command(
        "crisis",
        _("People to talk to right now, for your region (only you see this)"),
        private=True,
        unlimited=True,
        autocomplete={"region": "region"},
        examples=("crisis", "crisis region:GB"),
    )
    async def crisis(
        self,
        ctx: Context,
        region: Annotated[str, RegionText(), _("A two-letter country code, like GB or US")]
        | None = None,
    ) -> None:
        """Resources for the member's region, their safety plan, and "let a moderator know"."""
        key = ctx.member_key()
        code = await self.region_code(ctx)
        note: tuple[str, dict[str, str]] | None = None
        if region:
            if self.directory.known(region):
                code = region.upper()
            else:
                guess = self.directory.suggest(region)
                if guess is not None:
                    code = guess
                    asked = {"asked": shorten(region, 20), "guess": guess}
                    note = (N_("(I took {asked} to mean {guess}.)"), asked)
                else:
                    code = None
                    note = (
                        N_("(I don't have a list for {asked}, so here is what works everywhere.)"),
                        {"asked": shorten(region, 20)},
                    )
        template, values = resource_message(
            "asked",
            await self.checked_region(ctx, code),
            await self.community_resources(ctx),
            prefix=ctx.prefix,
            plan=await self.quietly(self.plans.get(key), {}),
            note=note,
            tr=ctx.tr,
        )
        ctx.crisis_answered = True
        await ctx.reply(template, buttons=[NOTIFY_BUTTON], **values)

    @command(
        "crisis region",
        _("Your country for crisis lines (two letters, like GB), or off"),
        private=True,
        unlimited=True,
        autocomplete={"set": "region"},
        examples=("crisis region set:GB", "crisis region set:off"),
    )
    async def crisis_region(
        self,
        ctx: Context,
        set: Annotated[str, RegionText(), _("Two letters, like GB or US, or off")]  # noqa: A002
        | None = None,
    ) -> None:
        """Show, set or clear the member's own region."""
        key = ctx.member_key()
        if set is None or not set:
            own = await self.bot.member_settings.get(key, REGION_SETTING)
            code = await self.region_code(ctx)
            shown = self.directory.for_region(code)
            where = f"{shown.name_in(ctx.tr)} ({code})" if code and not shown.is_fallback else code
            if not code:
                text = ctx.t("You haven't set a region, so I show lines that work everywhere.")
            elif own:
                text = ctx.t(
                    "I show you crisis lines for {where}, from your own setting.", where=where
                )
            else:
                text = ctx.t(
                    "I show you crisis lines for {where}, from the community's default.",
                    where=where,
                )
            change = ctx.t(
                "Change it with {set} (or set:off).", set=f"{ctx.prefix}crisis region set:GB"
            )
            await ctx.reply(text + " " + change)
            return
        if set.lower() in ("off", "none"):
            await self.bot.member_settings.set(key, REGION_SETTING, None, ctx.now())
            await ctx.reply(_("Done. I'll use the community's region for your crisis lines."))
            return
        code = set.upper()
        if self.directory.known(code):
            await self.bot.member_settings.set(key, REGION_SETTING, code, ctx.now())
            region = self.directory.for_region(code)
            await ctx.reply(
                _("Done. {crisis} now shows lines for {region} ({code})."),
                crisis=f"{ctx.prefix}crisis",
                region=region.name_in(ctx.tr),
                code=code,
            )
            return
        if len(code) == 2 and code in self.directory.emergency_numbers:
            await self.bot.member_settings.set(key, REGION_SETTING, code, ctx.now())
            await ctx.reply(
                _(
                    "Done. I don't have a full list for {code} yet, so {crisis} shows the "
                    "emergency number there ({emergency}) and a directory of helplines worldwide."
                ),
                code=code,
                crisis=f"{ctx.prefix}crisis",
                emergency=self.directory.emergency_numbers[code],
            )
            return
        guess = self.directory.suggest(set)
        if guess:
            await ctx.reply(
                _(
                    "I don't know {asked} as a country code, so nothing changed. Did you mean "
                    "{guess}? Type {set}."
                ),
                asked=shorten(set, 20),
                guess=guess,
                set=f"{ctx.prefix}crisis region set:{guess}",
            )
            return
        await ctx.reply(
            _(
                "I don't know {asked} as a country code, so nothing changed. Use two letters, "
                "like GB or US."
            ),
            asked=shorten(set, 20),
        )

    @command(
        "crisis auto",
        _("Turn automatic crisis messages to you off or on (/crisis always works)"),
        private=True,
        unlimited=True,
    )
    async def crisis_auto(
        self,
        ctx: Context,
        mode: Annotated[Literal["on", "off"], _("off stops them, on brings them back")],
    ) -> None:
        """Stop or allow automatic private messages after a worrying message."""
        key = ctx.member_key()
        await self.bot.member_settings.set(
            key, AUTO_SETTING, "off" if mode == "off" else None, ctx.now()
        )
        if mode == "off":
            await ctx.reply(
                _(
                    "Done. I won't send you automatic messages. Moderators may still be told if "
                    "a message of yours worries me, and {crisis} works any time."
                ),
                crisis=f"{ctx.prefix}crisis",
            )
        else:
            await ctx.reply(
                _(
                    "Done. If a message of yours worries me, I'll send you crisis lines "
                    "privately, at most once a day."
                )
            )

    @command(
        "crisis concern-dm",
        _("Send members a gentle private message after a worrying message (moderators)"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def crisis_concern_dm(
        self,
        ctx: Context,
        mode: Annotated[
            Literal["on", "off"], _("on (the default) or off: only moderators are told")
        ],
    ) -> None:
        """Set the community's ``crisis.concern_dm``."""
        await self.bot.community_settings.set(
            ctx.community.platform, ctx.community.id, CONCERN_DM_SETTING, mode, ctx.now()
        )
        if mode == "on":
            await ctx.reply(
                _(
                    "Done. A member whose message sounds heavy gets a gentle private message "
                    "with people to talk to (at most once a day; they can stop it with {off})."
                ),
                off=f"{ctx.prefix}crisis auto off",
            )
        else:
            await ctx.reply(
                _(
                    "Done. After a worrying (not urgent) message only moderators are told; "
                    "urgent messages still get crisis lines privately."
                )
            )

    @command(
        "crisis notify",
        _("Ask a moderator to reach out to you privately"),
        private=True,
        unlimited=True,
    )
    async def crisis_notify(self, ctx: Context) -> None:
        """Alert the moderators with the member's name (never any message content)."""
        assert ctx.actor is not None
        key = ctx.member_key()
        emergency = emergency_number(await self.region_resources(ctx), ctx.tr)
        earlier = await self.quietly(self.state.claim_notify(key, ctx.actor.name, ctx.now()), None)
        if earlier is not None and await self.quietly(
            self.alerts.is_waiting(ctx.community.platform, ctx.community.id, "notify", key.user_id),
            False,
        ):
            await ctx.reply(
                await self._kept_request(ctx, again=True)
                + " "
                + ctx.tr.gettext("If you're in danger right now, please call {emergency}."),
                emergency=emergency,
            )
            return
        if earlier is not None:
            await ctx.reply(
                _(
                    "I let the moderators know within the last hour, and someone should reach "
                    "out privately. If you're in danger right now, please call {emergency}."
                ),
                emergency=emergency,
            )
            return
        try:
            delivered = await self.raise_alert(
                ctx, "notify", (NOTIFY_ALERT, {"name": ctx.actor.name}), subject=ctx.actor.id
            )
        except StorageError:
            # Not even kept: try the channel directly, and let the member ask again.
            delivered = await ctx.alert(NOTIFY_ALERT, name=ctx.actor.name)
            if not delivered:
                await self.quietly(self.state.release_notify(key), None)
        if delivered:
            await ctx.reply(
                _(
                    "I've let the moderators know privately that you'd like someone to reach "
                    "out. If you're in danger right now, please call {emergency}."
                ),
                emergency=emergency,
            )
            return
        log.warning(
            "crisis notify in community %s kept for later: no moderators' alerts channel yet",
            ctx.community.id,
        )
        await ctx.reply(
            await self._kept_request(ctx, again=False)
            + " "
            + ctx.tr.gettext(
                "If you're in danger right now, please call {emergency}; {crisis} lists people "
                "you can talk to any time."
            ),
            emergency=emergency,
            crisis=f"{ctx.prefix}crisis",
        )

    async def _kept_request(self, ctx: Context, *, again: bool) -> str:
        """What a member hears while their request waits for the alerts channel: whether the
        moderators were written to privately, the same the first time and when asking again."""
        assert ctx.actor is not None
        if await self.quietly(self.moderators_written_to(ctx, ctx.actor.id), []):
            if again:
                return ctx.t(
                    "I've already written to the moderators privately (their alerts channel "
                    "isn't set up yet), and your request is kept: I'll post it there once, as "
                    "soon as it is."
                )
            return ctx.t(
                "I've written to the moderators privately (their alerts channel isn't set up "
                "yet), and I'll post your request there too once it is."
            )
        if again:
            return ctx.t(
                "I couldn't reach the moderators yet, and your request is kept: I'll pass it on "
                "once, as soon as I can."
            )
        return ctx.t(
            "I couldn't reach the moderators just now, so I've kept your request and will "
            "pass it on as soon as I can."
        )


def setup(bot: Bot) -> Crisis:
    """Create the cog."""
    return Crisis(bot)
