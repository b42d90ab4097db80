"""/community: where the bot speaks, who facilitates, the community's zone, region and welcome,
and every setting a feature declared (``/community show``, ``/community set``).

Only moderators use these commands. Every change is written together with its audit row (who,
what, old → new, when) in one transaction; ``/community audit`` shows the log.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from bot.access import PeopleGroup, PowerOrOff, RoleOrOff, change_people
from bot.channels import ChannelPurpose, ChannelPurposes, PurposeType
from bot.cog import Cog, listener
from bot.context import Context
from bot.core import Bot
from bot.declared_settings import RESET, CommunitySetting, SettingNameType
from bot.help import render_help
from bot.i18n import N_, _
from bot.platforms.base import MemberJoinEvent
from bot.recurrence import parse_schedule
from bot.spec import (
    OFF,
    ArgumentError,
    ChannelRef,
    MaxLen,
    MentionType,
    Off,
    OrOff,
    Permission,
    Range,
    Rest,
    Timezone,
    command,
)
from bot.timeutil import zone
from cogs.values import CountryCode
from storage import community as keys
from storage.community import AuditActor, CommunityConfig, audit_privacy_handler
from storage.prompts import reschedule_community

# Sent as bot.emit(COMMUNITY_ZONE_CHANGED, ctx, new_zone, old_zone) after /community timezone
# saved a new zone (prompts already moved with it); features that schedule on the community's
# wall clock listen with @listener("community_timezone_changed").
COMMUNITY_ZONE_CHANGED = "community_timezone_changed"

WELCOME_MAX = 1500
WELCOMED = "welcome.posted"  # member setting: they asked for a public welcome, and got it
_PRIVATE_HOW = {
    "discord": N_("on Discord: the everyone role and members' roles can't view it"),
    "matrix": N_("on Matrix: an invite-only room whose members are all moderators"),
    "console": N_("in the console: :channel NAME moderators makes one"),
}


def _action_label(ctx: Context, action: str, purposes: ChannelPurposes) -> str:
    """An audit action as moderators read it ("moderator alerts channel")."""
    if action.startswith("channel."):
        name = action.removeprefix("channel.")
        purpose = purposes.get(name)
        shown = _lowered(ctx, purpose.label) if purpose else name
        return ctx.t("{purpose} channel", purpose=shown)
    return action.replace("_", " ")


def _lowered(ctx: Context, label: str) -> str:
    """A purpose's label inside a sentence ("shared check-ins"); German keeps its capitals."""
    text = ctx.t(label)
    return text if ctx.tr.code == "de" else text.lower()


async def _zone_shown(ctx: Context, value: str | None) -> str:
    return value or ctx.t("{value} (the default)", value=ctx.bot.config.bot.timezone)


async def _region_shown(ctx: Context, value: str | None) -> str:
    return value or ctx.bot.config.bot.region or ctx.t("not set")


async def _role_shown(ctx: Context, value: str | None) -> str:
    return await ctx.platform.role_name(ctx.community.id, value) if value else ctx.t("not set")


async def _welcome_shown(ctx: Context, value: str | None) -> str:
    if value is None:
        return ctx.t("not set")
    return value if len(value) <= 80 else value[:79] + "…"


FACILITATORS = PeopleGroup(
    N_("facilitators"),
    "Facilitators",
    keys.FACILITATOR_ROLE,
    keys.FACILITATOR_POWER,
    N_("they plan meetings and prompts that reach the whole community"),
    N_("your facilitators"),
)


def audit_actor(ctx: Context) -> AuditActor:
    """Who is making a change, for the audit log."""
    assert ctx.actor is not None
    return AuditActor(ctx.actor.id, ctx.actor.name)


class Community(Cog):
    """Moderators' configuration of the community, with an audit log and a private welcome."""

    name = "community"
    channel_purposes = (ChannelPurpose("welcome", N_("Welcome posts")),)
    community_settings = (
        CommunitySetting(
            keys.TIMEZONE, N_("Timezone"), command="community timezone", show=_zone_shown
        ),
        CommunitySetting(keys.REGION, N_("Region"), command="community region", show=_region_shown),
        CommunitySetting(
            keys.FACILITATOR_ROLE,
            N_("Facilitator role (Discord)"),
            command="community facilitators",
            show=_role_shown,
        ),
        CommunitySetting(
            keys.FACILITATOR_POWER,
            N_("Facilitator power level (Matrix)"),
            command="community facilitators",
        ),
        CommunitySetting(
            keys.WELCOME, N_("Welcome message"), command="community welcome", show=_welcome_shown
        ),
    )

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot)
        self.config = CommunityConfig(bot.db)

    async def on_load(self) -> None:
        self.bot.privacy.register(audit_privacy_handler())

    # --- helpers ----------------------------------------------------------------------------

    async def _change(self, ctx: Context, key: str, value: str | None, **kw: Any) -> str | None:
        return await self.config.change(
            ctx.community.platform, ctx.community.id, key, value, audit_actor(ctx), ctx.now(), **kw
        )

    async def _shown(self, ctx: Context, key: str, value: str | None) -> str:
        """A setting value as moderators read it."""
        declared = self.bot.declared_settings.get(key)
        if value is None:
            has_default = declared is not None and declared.default is not None
            if not has_default:
                return ctx.t("not set")
            return ctx.t("{value} (the default)", value=declared.default)  # type: ignore[union-attr]
        if key.startswith("channel."):
            return await ctx.platform.channel_name(ctx.community.id, value)
        return await declared.shown(ctx, value) if declared is not None else value

    async def _refusal(self, ctx: Context, purpose: ChannelPurpose, channel_id: str) -> str | None:
        """Why a channel can't serve `purpose` (a template with ``{where}``), or None.

        A moderators-only channel (alerts name members in distress) may be read by moderators
        alone and is never shared with a purpose that posts for everyone."""
        settings = await self.bot.community_settings.all(ctx.community.platform, ctx.community.id)
        others = [
            p
            for p in self.bot.channel_purposes.all()
            if p != purpose and settings.get(keys.channel_key(p.name)) == channel_id
        ]
        # translated here; {where} stays a placeholder for the reply to fill (and escape)
        if purpose.moderators_only and others:
            need = (
                ctx.t("crisis alerts") if purpose.name == "alerts" else _lowered(ctx, purpose.label)
            )
            return ctx.t(
                "I didn't change anything: {where} is already used for {used}, and {need} need a "
                "channel of their own that only moderators can read. Please choose or create "
                "one, then try again.",
                where="{where}",
                used=", ".join(_lowered(ctx, p.label) for p in others),
                need=need,
            )
        private = next((p for p in others if p.moderators_only), None)
        if private is not None:
            return ctx.t(
                "I didn't change anything: {where} is the moderators' {name} channel, and it "
                "stays for {name} only. Please choose another channel.",
                where="{where}",
                name=private.name,
            )
        if purpose.moderators_only and await ctx.members_can_read(channel_id):
            how = _PRIVATE_HOW.get(ctx.community.platform, _PRIVATE_HOW["console"])
            return ctx.t(
                "I didn't change anything: members can read {where}, and alerts name people who "
                "may be in crisis. Please choose a channel only moderators can see ({how}), then "
                "try again.",
                where="{where}",
                how=ctx.t(how),
            )
        if (
            not purpose.moderators_only
            and purpose.thread_note is None
            and await ctx.members_can_read(channel_id) is False
        ):
            # "anonymous" posts, check-ins or welcomes only moderators could read help nobody,
            # and would tell their authors something untrue
            return ctx.t(
                "I didn't change anything: only moderators can read {where}, and {need} are for "
                "members to read. Please choose a channel members can see, then try again.",
                where="{where}",
                need=_lowered(ctx, purpose.label),
            )
        return None

    # --- commands ---------------------------------------------------------------------------

    @command(
        "community show", _("Every community setting"), private=True, level=Permission.MODERATOR
    )
    async def show(self, ctx: Context) -> None:
        settings = await self.bot.community_settings.all(ctx.community.platform, ctx.community.id)
        tr = ctx.tr
        lines = [tr("Community settings:")]
        values: dict[str, str] = {}
        for i, setting in enumerate(self.bot.declared_settings.all()):
            values[f"setting{i}"] = await setting.shown(ctx, settings.get(setting.name))
            label = tr(setting.label)
            if not setting.command:
                label = tr("{label} ({name})", label=label, name=setting.name)
            how = setting.how_to_change(ctx)
            lines.append(tr("{label}: {value}; change it with {how}", label=label,
                            value=f"{{setting{i}}}", how=how))  # fmt: skip
        for purpose in self.bot.channel_purposes.all():
            key = keys.channel_key(purpose.name)
            values[f"channel_{purpose.name}"] = await self._shown(ctx, key, settings.get(key))
            lines.append(tr("{purpose} channel: {where}", purpose=tr(purpose.label),
                            where=f"{{channel_{purpose.name}}}"))  # fmt: skip
        if not settings.get(keys.channel_key("alerts")):
            lines.append(
                tr(
                    "⚠ No moderator alerts channel is set, so crisis alerts and concern reports "
                    "can't reach you. Set one with {hint} purpose:alerts.",
                    hint=ctx.command_hint("community channel"),
                )
            )
        await ctx.reply("\n".join(lines), **values)

    @command(
        "community channel",
        _("Choose the channel for check-ins, milestones, prompts, alerts, welcomes… (or off)"),
        private=True,
        level=Permission.MODERATOR,
        examples=("community channel purpose:alerts channel:#mods", "community channel alerts off"),
    )
    async def channel(
        self,
        ctx: Context,
        purpose: Annotated[str, PurposeType(), _("What the channel is for")],
        channel: Annotated[
            ChannelRef | Off, OrOff(MentionType("channel")), _("The channel, or off")
        ],
    ) -> None:
        key = keys.channel_key(purpose)
        value = None if channel is OFF else channel.id  # type: ignore[union-attr]
        declared = self.bot.channel_purposes.get(purpose)
        assert declared is not None  # PurposeType only accepts declared purposes
        label = _lowered(ctx, declared.label)
        if value is not None:
            refusal = await self._refusal(ctx, declared, value)
            if refusal is not None:
                await ctx.reply(refusal, where=await self._shown(ctx, key, value))
                return
        old = await self._change(ctx, key, value)
        if old == value and value is None:
            await ctx.reply(_("Nothing changed: {what} were already off."), what=label)
            return
        if old == value:
            await ctx.reply(
                _("Nothing changed: {what} already go to {where}."),
                what=label,
                where=await self._shown(ctx, key, value),
            )
            return
        if purpose == "alerts":
            await self.bot.scheduler.run_all()  # alerts kept while there was no channel go now
        if value is None:
            await ctx.reply(
                _("Done. {what} are off now (they went to {old})."),
                what=ctx.t(declared.label),
                old=await self._shown(ctx, key, old),
            )
            return
        done = _("Done. {what} now go to {new} (before: {old}).")
        if declared.thread_note and ctx.platform.capabilities.threads:
            shown = {"what": "{what}", "new": "{new}", "old": "{old}"}  # filled by the reply
            done = ctx.t(done, **shown) + "\n" + ctx.t(declared.thread_note)
        await ctx.reply(
            done,
            what=ctx.t(declared.label),
            new=await self._shown(ctx, key, value),
            old=await self._shown(ctx, key, old),
        )

    @command(
        "community set",
        _("Change a feature's setting (/community show lists them), or back to its default"),
        private=True,
        level=Permission.FACILITATOR,
        examples=("community set crisis.concern_dm off", "community set crisis.concern_dm default"),
    )
    async def set_setting(
        self,
        ctx: Context,
        name: Annotated[str, SettingNameType(), _("Which setting")],
        value: Annotated[str, MaxLen(200), Rest(), _("The new value, or default")],
    ) -> None:
        setting = self.bot.declared_settings.get(name)
        assert setting is not None and ctx.actor is not None  # SettingNameType: declared only
        if ctx.actor.level < setting.level:
            await ctx.reply(
                _("Only {level}s can change this setting; nothing was changed."),
                level=setting.level.label,
            )
            return
        if setting.command is not None:
            await ctx.reply(
                _("{setting} has a command of its own that checks it: {how}. Nothing was changed."),
                setting=ctx.t(setting.label),
                how=setting.how_to_change(ctx),
            )
            return
        new = None
        if value.lower() != RESET:
            try:
                new = str(
                    await setting.type.convert(value, ctx.platform.resolver(ctx.community.id))
                )
            except ArgumentError as err:
                await ctx.reply(
                    _("I didn't change anything: {problem}. Try {how}."),
                    problem=err.translated(ctx.tr),
                    how=setting.how_to_change(ctx),
                )
                return
        old = await self._change(ctx, name, new)
        shown = {"new": await setting.shown(ctx, new), "old": await setting.shown(ctx, old)}
        if old == new:
            await ctx.reply(
                _("Nothing changed: {setting} already is {new}."),
                setting=ctx.t(setting.label),
                **shown,
            )
            return
        await ctx.reply(
            _("Done. {setting} is now {new} (before: {old})."),
            setting=ctx.t(setting.label),
            **shown,
        )

    @command(
        "community timezone",
        _("The community's timezone (schedules follow it)"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def timezone(
        self, ctx: Context, zone: Annotated[Timezone, _("An IANA name like Europe/London")]
    ) -> None:
        now = ctx.now()

        def reschedule(conn: Any) -> None:
            # Prompts follow the community's wall clock: their next posts move with the zone.
            reschedule_community(
                conn,
                ctx.community.platform,
                ctx.community.id,
                lambda spec: parse_schedule(spec).next_after(now, zone),
            )

        old = await self._change(ctx, keys.TIMEZONE, str(zone), also=reschedule)
        if old == zone:
            await ctx.reply(_("Nothing changed: the timezone already is {zone}."), zone=zone)
            return
        # Other schedules (meetings) follow through the event; a failing listener is logged.
        before = old or self.bot.config.bot.timezone
        await self.bot.emit(COMMUNITY_ZONE_CHANGED, ctx, str(zone), before)
        await ctx.reply(
            _(
                "Done. The community's timezone is now {zone} (before: {old}). "
                "Scheduled prompts and meetings keep their local times in the new zone."
            ),
            zone=zone,
            old=old or ctx.t("{value}, the default", value=self.bot.config.bot.timezone),
        )

    @command(
        "community region",
        _("The community's country, for local crisis resources (or off)"),
        private=True,
        level=Permission.MODERATOR,
        autocomplete={"code": "region"},
    )
    async def region(
        self,
        ctx: Context,
        code: Annotated[str | Off, CountryCode(), _("Two letters, like GB or US, or off")],
    ) -> None:
        value = None if code is OFF else str(code)
        old = await self._change(ctx, keys.REGION, value)
        if old == value:
            await ctx.reply(
                _("Nothing changed: the region already is {code}."),
                code=value or ctx.t("not set"),
            )
            return
        await ctx.reply(
            _("Done. The community's region is now {new} (before: {old})."),
            new=value or ctx.t("not set"),
            old=old or ctx.t("not set"),
        )

    @command(
        "community facilitators",
        _("Who facilitates: a role on Discord, a power level on Matrix"),
        private=True,
        level=Permission.MODERATOR,
        examples=("community facilitators role:@Facilitators", "community facilitators power:25"),
    )
    async def facilitators(
        self,
        ctx: Context,
        role: Annotated[RoleOrOff, _("Discord: the facilitators' role, or off")] | None = None,
        power: Annotated[PowerOrOff, _("Matrix: power level from 0 to 100, or off")] | None = None,
    ) -> None:
        platform = ctx.community.platform
        if (role is None) == (power is None):
            await ctx.reply(
                _(
                    "Give one of these: role:@Role (Discord) or power:<0-100> (Matrix). "
                    "Example: {hint}"
                ),
                hint=f"{ctx.prefix}community facilitators power:25",
            )
            return
        change = await change_people(ctx, FACILITATORS, role, power)
        if change is None:
            return
        value, old = change.value, change.old
        if role is not None:
            what = "off" if role is OFF else f"@{role.name}"  # type: ignore[union-attr]
        else:
            what = "off" if power is OFF else ctx.t("power level {level} and up", level=power)
        note = ""
        if platform == "console":
            note = " " + ctx.t("(In the console, :role NAME facilitator decides who facilitates.)")
        if old == value:
            await ctx.reply(
                ctx.t("Nothing changed: facilitators already are {what}.") + note, what=what
            )
            return
        await ctx.reply(
            ctx.t("Done. Facilitators: {what} (before: {old}).") + note,
            what=what,
            old=old or ctx.t("not set"),
        )

    @command(
        "community welcome",
        _("A private welcome for new members (text:off removes it)"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def welcome(
        self,
        ctx: Context,
        text: Annotated[str, MaxLen(WELCOME_MAX), Rest(), _("The welcome, or off")],
    ) -> None:
        value = None if text.lower() in ("off", "none") else text
        old = await self._change(ctx, keys.WELCOME, value)
        if old == value:
            await ctx.reply(_("Nothing changed: that already is the welcome message."))
        elif value is None:
            await ctx.reply(_("Done. New members won't get a welcome message from me."))
        else:
            await ctx.reply(
                _("Done. New members will get this privately, followed by what I can do:\n{text}"),
                text=value,
            )

    @command(
        "community audit",
        _("Every settings change: who, what, old → new, when"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def audit(
        self, ctx: Context, days: Annotated[int, Range(1, 365), _("How many days back")] = 30
    ) -> None:
        entries, total = await self.config.audit(
            ctx.community.platform, ctx.community.id, ctx.now() - timedelta(days=days)
        )
        if not entries:
            await ctx.reply(
                ctx.nt("No changes in the last day.", "No changes in the last {count} days.", days)
            )
            return
        tz = await ctx.community_timezone()
        lines = [
            ctx.nt(
                "Changes in the last day, newest first ({tz}):",
                "Changes in the last {count} days, newest first ({tz}):",
                days,
                tz=tz,
            )
        ]
        values: dict[str, str] = {}
        for i, entry in enumerate(entries):
            lines.append(f"{{when{i}}} {{who{i}}}: {{what{i}}} {{old{i}}} → {{new{i}}}")
            values |= {
                f"when{i}": ctx.tr.datetime(entry.at.astimezone(zone(tz)), "EEE dd MMM y, HH:mm"),
                f"who{i}": entry.actor_name,
                f"what{i}": _action_label(ctx, entry.action, self.bot.channel_purposes),
                f"old{i}": await self._shown(ctx, entry.action, entry.old),
                f"new{i}": await self._shown(ctx, entry.action, entry.new),
            }
        if total > len(entries):
            lines.append(
                ctx.nt(
                    "…and {count} older change. Try fewer days.",
                    "…and {count} older changes. Try fewer days.",
                    total - len(entries),
                )
            )
        await ctx.reply("\n".join(lines), **values)

    # --- events -----------------------------------------------------------------------------

    @listener("member_join")
    async def on_join(self, ctx: Context, event: MemberJoinEvent) -> None:
        """Send the moderators' welcome privately, with what the bot can do."""
        if event.member.is_bot:
            return
        text = await ctx.setting(keys.WELCOME)
        if not text:
            return
        tr = await ctx.translator_for(event.member.id)  # the newcomer's language, as later
        guide = render_help(self.bot, Permission.MEMBER, ctx.prefix, tr=tr)
        template, values = "{welcome}\n\n{guide}", {"welcome": text, "guide": guide.render()}
        channel = await ctx.channel_for("welcome")
        if channel is not None:
            template += "\n\n" + tr(
                "If you'd like a short hello from me in {channel}, type {hint}. Only if you want "
                "one: nothing is posted otherwise.",
                channel="{channel}",
                hint=ctx.command_hint("hello"),
            )
            values["channel"] = await ctx.platform.channel_name(ctx.community.id, channel)
        await ctx.send_private(event.member.id, template, **values)

    @command("hello", _("Ask for a short public welcome in the welcome channel"), private=True)
    async def hello(self, ctx: Context) -> None:
        # Joining a recovery community is the member's to announce: nothing is posted about
        # anyone until they ask, once, and their name is text, never a mention.
        assert ctx.actor is not None
        channel = await ctx.channel_for("welcome")
        if channel is None:
            await ctx.reply(
                _(
                    "This community has no welcome channel, so there's nowhere for me to say "
                    "hello. You're very welcome all the same."
                )
            )
            return
        key = ctx.member_key()
        if await self.bot.member_settings.get(key, WELCOMED) is not None:
            await ctx.reply(_("You've already been welcomed publicly; once is enough. 🌱"))
            return
        posted = await ctx.post(
            "welcome",
            _("🌱 Please welcome {name}, who just joined us."),
            name=await ctx.member_name(ctx.actor.id),
        )
        if posted is None:
            await ctx.reply(_("I couldn't post in the welcome channel just now; please try later."))
            return
        await self.bot.member_settings.set(key, WELCOMED, "yes", ctx.now())
        await ctx.reply(
            _("Done: I've said hello in {channel}."),
            channel=await ctx.platform.channel_name(ctx.community.id, channel),
        )


def setup(bot: Bot) -> Community:
    """Create the cog."""
    return Community(bot)
