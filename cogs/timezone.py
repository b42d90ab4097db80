"""/timezone (show) and /timezone set: the member's own zone ("today" and reminders follow it),
or off to follow the community's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from babel.dates import format_date

from bot.cog import Cog
from bot.context import Context
from bot.i18n import _
from bot.spec import OFF, Off, OrOff, Timezone, TimezoneType, command
from bot.timeutil import zone

if TYPE_CHECKING:
    from bot.core import Bot

# Sent as bot.emit(ZONE_CHANGED, ctx, user_id, zone) after a member's zone really changed;
# cogs that schedule per member listen with @listener("member_timezone_changed").
ZONE_CHANGED = "member_timezone_changed"


class TimezoneCog(Cog):
    """A member's timezone, stored as the member setting ``timezone``."""

    name = "timezone"

    @command(
        "timezone set",
        _("Set your timezone, like Europe/London (off: use the community's)"),
        private=True,
        autocomplete={"zone": "timezone"},
    )
    async def set_zone(
        self,
        ctx: Context,
        zone: Annotated[
            Timezone | Off,
            OrOff(TimezoneType()),
            _("Your timezone: an IANA name like Europe/London or America/New_York, or off"),
        ],
    ) -> None:
        assert ctx.actor is not None
        key = ctx.member_key()
        previous = await self.bot.member_settings.get(key, "timezone")
        if zone is OFF:
            await self.bot.member_settings.set(key, "timezone", None, ctx.now())
            community = await ctx.community_timezone()
            if previous is not None and previous != community:
                await self._tell_cogs(ctx, ctx.actor.id, community)
            await ctx.reply(
                _(
                    "Done. You now follow the community's timezone, {zone} (it's {clock} there). "
                    "Your day and your reminders follow it."
                ),
                zone=community,
                clock=_local_clock(ctx, community),
            )
            return
        await self.bot.member_settings.set(key, "timezone", str(zone), ctx.now())
        if previous != zone:
            await self._tell_cogs(ctx, ctx.actor.id, str(zone))
        await ctx.reply(
            _(
                "Your timezone is now {zone} (it's {clock} there). Your day and your reminders "
                "follow it."
            ),
            zone=str(zone),
            clock=_local_clock(ctx, str(zone)),
        )

    @command("timezone", _("Your timezone, and the time there now"), private=True)
    async def bare(self, ctx: Context) -> None:
        await self.show(ctx)

    @command("timezone show", _("Your timezone, and the time there now"), private=True)
    async def show(self, ctx: Context) -> None:
        own = await self.bot.member_settings.get(ctx.member_key(), "timezone")
        if own:
            await ctx.reply(
                _(
                    "Your timezone is {zone}; it's {clock} there. {off} follows the community's instead."
                ),
                zone=own,
                clock=_local_clock(ctx, own),
                off=f"{ctx.command_hint('timezone set')} zone:off",
            )
            return
        community = await ctx.community_timezone()
        await ctx.reply(
            _(
                "You haven't set a timezone, so I use the community's: {zone} (it's {clock} "
                "there). To set yours: {set}"
            ),
            zone=community,
            clock=_local_clock(ctx, community),
            set=f"{ctx.command_hint('timezone set')} zone:Europe/London",
        )

    async def _tell_cogs(self, ctx: Context, user_id: str, tz: str) -> None:
        # the zone is saved; a failing listener is logged and its own due check corrects it
        await self.bot.emit(ZONE_CHANGED, ctx, user_id, tz)


def _local_clock(ctx: Context, tz: str) -> str:
    """The time and day in ``tz`` now, as the reader writes them ("07:00 on Mon 02 Nov")."""
    local = ctx.now().astimezone(zone(tz))
    tr = ctx.tr
    return tr(
        "{time} on {day}",
        time=tr.time(local, "HH:mm"),
        day=format_date(local, "EEE dd MMM", locale=tr.locale),
    )


def setup(bot: Bot) -> TimezoneCog:
    """Create the cog."""
    return TimezoneCog(bot)
