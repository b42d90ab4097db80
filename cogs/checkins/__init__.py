"""Daily check-ins: mood and cravings, streaks framed without shame, reminders, history chart."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timedelta
from datetime import time as dtime  # commands have an option called `time`
from typing import TYPE_CHECKING, Annotated, Any, Literal

from babel.dates import format_date
from babel.numbers import format_decimal

from bot.channels import ChannelPurpose
from bot.cog import Cog, listener
from bot.context import Context
from bot.declared_settings import CommunitySetting
from bot.i18n import Translator, _
from bot.message import Attachment, Message
from bot.scheduler import DueSource
from bot.services import service
from bot.spec import ArgumentError, MaxLen, ParamType, Permission, Range, Resolver, Rest, command
from bot.timeutil import local_date, parse_hhmm
from cogs.checkins.daily import first_due
from cogs.checkins.due import daily_sources, zone_or_default
from cogs.checkins.periods import closed_weeks
from cogs.checkins.streaks import current_streak, longest_streak, weekly_averages
from storage.checkins import POST_TIME_SETTING, CheckinStore, DayEntry
from storage.data_handlers import member_table

if TYPE_CHECKING:
    from bot.core import Bot

log = logging.getLogger(__name__)

MOOD_EMOJI = {1: "🌧️", 2: "☁️", 3: "⛅", 4: "🌤️", 5: "☀️"}
DAILY_ROWS_MAX = 31  # longer histories show weekly rows and the chart
MIN_MEMBERS_FOR_STATS = 5
STATS_WEEKS = 4
RECENT_WINDOW = 14  # "N check-ins in the last 14 days": presence, never a lost streak


class TimeOrOff(ParamType):
    """A 24-hour time of day (``20:00``), or ``off``."""

    kind = "str"
    hint = _("a time like 09:00 or 21:30, or off")

    async def convert(self, raw: Any, resolver: Resolver | None) -> dtime | None:
        """A :class:`datetime.time`, or None for ``off``."""
        if isinstance(raw, dtime):
            return raw
        text = str(raw).strip()
        if text.lower() == "off":
            return None
        try:
            return parse_hhmm(text[:40])
        except ValueError:
            raise ArgumentError(
                _("{typed} is not a time of day. Use a 24-hour time like 09:00 or 21:30, or off"),
                typed=repr(text[:40]),
            ) from None


def _num(value: float | None, tr: Translator) -> str:
    """A figure for the history table (one decimal at most, as the reader writes it); a dash
    for cravings that were not given."""
    return "–" if value is None else format_decimal(value, "#,##0.#", locale=tr.locale)


def _one_decimal(value: float, tr: Translator) -> str:
    """A figure with exactly one decimal, as the reader writes it (1.5 · 1,5)."""
    return format_decimal(value, "#,##0.0", locale=tr.locale)


async def _post_time_shown(ctx: Context, value: str | None) -> str:
    return value or "off"


class CheckIns(Cog):
    """/checkin and its subcommands, reminders, the daily post and note retention."""

    name = "checkins"
    channel_purposes = (ChannelPurpose("checkins", _("Shared check-ins")),)
    community_settings = (
        CommunitySetting(
            POST_TIME_SETTING,
            _("Daily check-in post (community time)"),
            command="checkin post",
            show=_post_time_shown,
        ),
    )

    def __init__(self, bot: Bot) -> None:
        super().__init__(bot)
        self.store = CheckinStore(bot.db)
        self._next_retention: datetime | None = None
        self._chart_lock = asyncio.Lock()

    async def on_load(self) -> None:
        """Register member data with the privacy registry and the three due sources."""
        self.bot.privacy.register(member_table("checkins", "checkins", order_by="created_at"))
        self.bot.privacy.register(
            member_table("checkin days", "checkin_days", order_by="local_date")
        )
        self.bot.privacy.register(member_table("checkin reminder", "checkin_reminders"))
        scheduler = self.bot.scheduler
        for due in daily_sources(self._default_zone):
            scheduler.declare(due)
        scheduler.add_source(
            DueSource("checkin-note-retention", self.next_retention, self.run_retention)
        )

    # --- members ---------------------------------------------------------------------------

    @command(
        "checkin",
        _("Log how you are doing today (only you see it)"),
        private=True,
        examples=('checkin 4 cravings:2 note:"rough day, but here"',),
    )
    async def checkin(
        self,
        ctx: Context,
        mood: Annotated[int, Range(1, 5), _("How you feel, 1 (very low) to 5 (good)")],
        cravings: Annotated[int, Range(0, 10), _("Cravings, 0 (none) to 10")] | None = None,
        note: Annotated[str, MaxLen(500), Rest(), _("A private note, only you see it")]
        | None = None,
        share: Annotated[
            Literal["no", "yes", "mood"],
            _("Post that you checked in (mood: with your mood emoji); never your note"),
        ] = "no",
    ) -> None:
        assert ctx.actor is not None
        key = ctx.member_key()
        now = ctx.now()
        channel = await ctx.channel_for("checkins") if share != "no" else None
        recorded = await self.store.record(
            key,
            lambda tz: local_date(now, zone_or_default(tz, self._default_zone())),
            now,
            mood,
            cravings,
            note,
            shared=channel is not None,
            window=RECENT_WINDOW,
        )
        heard = await self._crisis_reply(ctx, note)
        if heard is not None:
            await ctx.reply(heard.template, buttons=heard.buttons, **heard.values)
            return
        recent = recorded.recent_days
        days = ctx.tr.number(RECENT_WINDOW)
        if not recorded.first_today:
            lines = [
                ctx.nt(
                    "Thanks, I've added that to today. Today already counts: {count} check-in "
                    "day in the last {days} days.",
                    "Thanks, I've added that to today. Today already counts: {count} check-in "
                    "days in the last {days} days.",
                    recent,
                    days=days,
                )
            ]
        else:
            streak = recorded.streak or 1
            lines = [ctx.t(self._thanks(mood))]
            if streak >= 2:
                lines.append(
                    ctx.nt(
                        "That's {count} day in a row, and {recent}",
                        "That's {count} days in a row, and {recent}",
                        streak,
                        recent=ctx.nt(
                            "{count} check-in day in the last {days} days.",
                            "{count} check-in days in the last {days} days.",
                            recent,
                            days=days,
                        ),
                    )
                )
            else:
                lines.append(
                    ctx.nt(
                        "{count} check-in day in the last {days} days.",
                        "{count} check-in days in the last {days} days.",
                        recent,
                        days=days,
                    )
                )
        values: dict[str, Any] = {}
        if (cravings or 0) >= 7 or mood == 1:
            lines.append(
                ctx.t(
                    "If things feel heavy right now, you don't have to hold it alone: {crisis} "
                    "shows people you can reach at any hour.",
                    crisis=ctx.command_hint("crisis"),
                )
            )
            partner = await self._partner_name(ctx, ctx.actor.id)
            if partner:
                lines.append(
                    ctx.tr.gettext(_("Your partner {partner} may be glad to hear from you too."))
                )
                values["partner"] = partner
        if share != "no":
            lines.append(await self._share(ctx, channel, recorded.shared_today_before, mood, share))
        text = " ".join(lines[:2]) + ("\n" + "\n".join(lines[2:]) if lines[2:] else "")
        await ctx.reply(text, **values)

    @staticmethod
    def _thanks(mood: int) -> str:
        if mood <= 2:
            return _("Thank you for checking in; it takes something to do that on a hard day. 🌱")
        if mood >= 4:
            return _("Thank you for checking in, glad to hear it. 🌱")
        return _("Thank you for checking in. 🌱")

    async def _crisis_reply(self, ctx: Context, note: str | None) -> Message | None:
        """The crisis cog's private reply when the note is urgent (None without that cog)."""
        hook = self.bot.services.find("crisis.urgent_reply")
        if hook is None or not note:
            return None
        return await hook(ctx, note, ctx.t("I've saved your check-in; only you can see your note."))

    async def _partner_name(self, ctx: Context, user_id: str) -> str | None:
        hook = self.bot.services.find("partners.partner_name")
        if hook is None:
            return None
        try:
            return await hook(ctx, user_id)
        except Exception:  # the check-in is saved; a failing lookup must not spoil the reply
            log.exception("partner lookup failed")
            return None

    async def _share(
        self, ctx: Context, channel: str | None, already: bool, mood: int, share: str
    ) -> str:
        assert ctx.actor is not None
        if channel is None:
            return ctx.t(
                "This community has no check-in channel yet, so I kept your check-in private. "
                "(Moderators can set one.)"
            )
        if already:
            return ctx.t("You've already shared today, so I didn't post again.")
        if share == "mood":
            posted = await ctx.post_to(
                channel,
                _("{name} checked in today 🌱 {emoji}"),
                name=ctx.actor.name,
                emoji=MOOD_EMOJI[mood],
            )
        else:
            posted = await ctx.post_to(
                channel, _("{name} checked in today 🌱"), name=ctx.actor.name
            )
        if posted is None:
            return ctx.t(
                "I couldn't post in the check-in channel just now; your check-in is saved."
            )
        if share == "mood":
            return ctx.t(
                "I let the community know you checked in, with your mood ({emoji}); never your "
                "note.",
                emoji=MOOD_EMOJI[mood],
            )
        return ctx.t(
            "I let the community know that you checked in; never your mood, never your note."
        )

    @command(
        "checkin history",
        _("Your last days: table, streaks, weekly averages, chart"),
        private=True,
        defer=True,
    )
    async def history(
        self,
        ctx: Context,
        days: Annotated[int, Range(7, 365), _("How many days to look back, 7 to 365")] = 14,
    ) -> None:
        key = ctx.member_key()
        today = await ctx.today()
        all_days = await self.store.all_days(key)
        if not all_days:
            await ctx.reply(
                _("You haven't checked in yet. Whenever you're ready: {checkin}. Only you see it."),
                checkin=ctx.t("{command} <mood 1-5>", command=ctx.command_hint("checkin")),
            )
            return
        # A check-in keeps the local date it was made on: after a move west across the date
        # line the newest stored day can be "tomorrow" here, and it is still shown.
        today = max(today, all_days[0])
        first = today - timedelta(days=days - 1)
        entries = await self.store.day_entries(key, first, today)
        text = self._history_text(ctx.tr, entries, all_days, first, today, days)
        attachment = None
        if ctx.platform.capabilities.files and entries:
            attachment = Attachment(
                f"checkins-{today.isoformat()}.png",
                await self._chart(ctx.tr, first, today, entries),
                "image/png",
            )
        await ctx.reply(text, file=attachment)

    def _history_text(
        self,
        tr: Translator,
        entries: list[DayEntry],
        all_days: list[date],
        first: date,
        today: date,
        days: int,
    ) -> str:
        by_day = {e.day: e for e in entries}
        lines = [
            tr(
                "Your check-ins, {first} to {last}:",
                first=first.isoformat(),
                last=today.isoformat(),
            )
        ]
        if days <= DAILY_ROWS_MAX:
            header = (tr("day"), tr("mood"), tr("cravings"))
            width, mood_width = max(11, len(header[0])), max(6, len(header[1]) + 1)
            lines.append(f"{header[0]:<{width}}  {header[1]:<{mood_width}}{header[2]}")
            for i in range(days):
                day = first + timedelta(days=i)
                entry = by_day.get(day)
                label = format_date(day, "EEE MM-dd", locale=tr.locale)
                label = f"{label:<{width - 2}}"
                if entry is None:
                    lines.append(f"{label}    {'·':<{mood_width}}·")
                    continue
                extra = (f"  ({entry.count}×)" if entry.count > 1 else "") + (
                    "  ✎" if entry.notes else ""
                )
                lines.append(
                    f"{label}    {_num(entry.mood, tr):<{mood_width}}{_num(entry.cravings, tr)}{extra}"
                )
        lines.append(
            " ".join(
                (
                    tr.plural(
                        "{count} check-in day in the last {days} days.",
                        "{count} check-in days in the last {days} days.",
                        len(entries),
                        days=tr.number(days),
                    ),
                    tr(
                        "Current streak: {current}; longest: {longest}; check-in days in all: "
                        "{total}.",
                        current=tr.plural(
                            "{count} day", "{count} days", current_streak(all_days, today)
                        ),
                        longest=tr.plural("{count} day", "{count} days", longest_streak(all_days)),
                        total=tr.number(len(all_days)),
                    ),
                )
            )
        )
        weeks = weekly_averages([(e.day, e.mood, e.cravings) for e in entries])
        if weeks:
            lines.append(tr("Weekly averages:"))
            for week in weeks:
                lines.append(
                    "  "
                    + tr(
                        "week of {monday}: mood {mood}, cravings {cravings} ({days})",
                        monday=week.monday.isoformat(),
                        mood=_num(week.mood, tr),
                        cravings=_num(week.cravings, tr),
                        days=tr.plural("{count} day", "{count} days", week.days),
                    )
                )
        return "\n".join(lines)

    async def _chart(
        self, tr: Translator, first: date, last: date, entries: list[DayEntry]
    ) -> bytes:
        from cogs.checkins.chart import ChartWords, history_png

        points = {e.day: (e.mood, e.cravings) for e in entries}
        words = ChartWords(
            mood=tr("mood"),
            cravings=tr("cravings"),
            title=tr(
                "Your check-ins, {first} to {last}", first=first.isoformat(), last=last.isoformat()
            ),
        )
        async with self._chart_lock:  # one chart at a time keeps memory and CPU bounded
            return await asyncio.to_thread(history_png, first, last, points, words)

    @command(
        "checkin remind",
        _("A private reminder each day you haven't checked in (HH:MM, or off)"),
        private=True,
    )
    async def remind(
        self,
        ctx: Context,
        time: Annotated[object, TimeOrOff(), _("Your local time like 20:00, or off")],
    ) -> None:
        key = ctx.member_key()
        if time is None:
            if await self.store.clear_reminder(key):
                await ctx.reply(_("Reminders are off. You can turn them on again any time."))
            else:
                await ctx.reply(_("You don't have a reminder set, so there was nothing to stop."))
            return
        assert isinstance(time, dtime)
        tz = await ctx.member_timezone()
        await self.store.set_reminder(key, time, first_due(ctx.now(), time, tz), ctx.now())
        own = await self.bot.member_settings.get(key, "timezone")
        stop = f"{ctx.command_hint('checkin remind')} off"
        if own:
            await ctx.reply(
                _(
                    "Done: I'll send you a private reminder at {time} ({zone}) on days you "
                    "haven't checked in yet. To stop: {stop}."
                ),
                time=time.strftime("%H:%M"),
                zone=tz,
                stop=stop,
            )
            return
        await ctx.reply(
            _(
                "Done: I'll send you a private reminder at {time} ({zone}) on days you haven't "
                "checked in yet. That's the community's timezone; to use yours: {set}. To stop: "
                "{stop}."
            ),
            time=time.strftime("%H:%M"),
            zone=tz,
            set=f"{ctx.command_hint('timezone set')} zone:Europe/London",
            stop=stop,
        )

    # --- moderators --------------------------------------------------------------------------

    @command(
        "checkin post",
        _("Post a daily invitation to check in (HH:MM community time, or off)"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def post(
        self,
        ctx: Context,
        time: Annotated[object, TimeOrOff(), _("Community time like 09:00, or off")],
    ) -> None:
        platform, cid = ctx.community.platform, ctx.community.id
        if time is None:
            await self.store.set_post_time(platform, cid, None, None, ctx.now())
            await ctx.reply(_("The daily check-in post is off."))
            return
        assert isinstance(time, dtime)
        tz = await ctx.community_timezone()
        await self.store.set_post_time(
            platform, cid, time, first_due(ctx.now(), time, tz), ctx.now()
        )
        channel = await ctx.channel_for("checkins")
        if channel:
            await ctx.reply(
                _("The daily check-in post will go out at {time} ({zone}) in {channel}."),
                time=time.strftime("%H:%M"),
                zone=tz,
                channel=await ctx.platform.channel_name(cid, channel),
            )
            return
        await ctx.reply(
            _(
                "The daily check-in post will go out at {time} ({zone}) once there is a check-in "
                "channel (set one with {command})."
            ),
            time=time.strftime("%H:%M"),
            zone=tz,
            command=f"{ctx.command_hint('community channel')} purpose:checkins channel:#name",
        )

    @command(
        "checkin stats",
        _("Anonymous check-in figures for the last closed weeks"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def stats(self, ctx: Context) -> None:
        # Only closed, fixed weeks are reported, each kept as first shown: a figure that moved
        # with each new check-in (or deletion) would let a moderator subtract one member out.
        today = local_date(ctx.now(), await ctx.community_timezone())
        tr = ctx.tr
        lines = [
            tr(
                "Figures for the last closed weeks (Monday to Sunday, over in every timezone); "
                "they never change once shown, so no one check-in can be traced:"
            )
        ]
        for week_start in closed_weeks(today, STATS_WEEKS):
            figures = await self.store.week_figures(
                ctx.community.platform, ctx.community.id, week_start
            )
            week = week_start.isoformat()
            if figures.members < MIN_MEMBERS_FOR_STATS:
                lines.append(
                    tr(
                        "Week of {week}: fewer than {least} members checked in, so I'm not "
                        "showing figures (that way nobody can be singled out).",
                        week=week,
                        least=tr.number(MIN_MEMBERS_FOR_STATS),
                    )
                )
                continue
            lines.append(
                tr(
                    "Week of {week}: {members} members checked in; {per_day} check-ins per day; "
                    "average mood {mood} of 5.",
                    week=week,
                    members=tr.number(figures.members),
                    per_day=_one_decimal(figures.checkins / 7, tr),
                    mood=_one_decimal(figures.avg_mood, tr),
                )
            )
        await ctx.reply("\n".join(lines))

    # --- what other cogs call and hear ----------------------------------------------------------

    @service("checkins.checked_in_on")
    async def checked_in_on(self, ctx: Context, user_id: str, day: date) -> bool:
        """Whether a member checked in on their local ``day``."""
        return await self.store.checked_in_on(ctx.member_key(user_id), day)

    @listener("member_timezone_changed")
    async def on_member_timezone_changed(self, ctx: Context, user_id: str, tz: str) -> None:
        """Recompute the member's next reminder instant in their new zone."""
        key = ctx.member_key(user_id)
        reminder = await self.store.reminder(key)
        if reminder is not None:
            await self.store.reschedule_reminder(
                key, first_due(ctx.now(), reminder.at, tz), ctx.now()
            )

    # --- due work ------------------------------------------------------------------------------

    def _default_zone(self) -> str:
        return self.bot.config.bot.timezone

    async def next_retention(self) -> datetime | None:
        """When the note-retention sweep runs next (daily; None when notes are kept)."""
        return self._next_retention if self.bot.config.bot.note_retention_days > 0 else None

    async def run_retention(self, now: datetime) -> None:
        """Blank check-in notes older than ``bot.note_retention_days`` (0 keeps them)."""
        keep = self.bot.config.bot.note_retention_days
        if keep <= 0 or (self._next_retention is not None and now < self._next_retention):
            return
        blanked = await self.store.blank_notes_before(now - timedelta(days=keep))
        if blanked:
            log.info("retention: blanked %d check-in notes older than %d days", blanked, keep)
        self._next_retention = now + timedelta(days=1)


def setup(bot: Bot) -> CheckIns:
    """Create the cog."""
    return CheckIns(bot)
