"""/timezone (show) and /timezone set: the member's own zone ("today" and reminders follow it),
or off to follow the community's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from bot.cog import Cog
from bot.context import Context
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
        "Set your timezone, like Europe/London (off: use the community's)",
        private=True,
        autocomplete={"zone": "timezone"},
    )
    async def set_zone(
        self,
        ctx: Context,
        zone: Annotated[
            Timezone | Off,
            OrOff(TimezoneType()),
            "Your timezone: an IANA name like Europe/London or America/New_York, or off",
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
                f"Done. You now follow the community's timezone, {community} (it's "
                f"{_local_clock(ctx, community)} there). Your day and your reminders follow it."
            )
            return
        await self.bot.member_settings.set(key, "timezone", str(zone), ctx.now())
        if previous != zone:
            await self._tell_cogs(ctx, ctx.actor.id, str(zone))
        await ctx.reply(
            f"Your timezone is now {zone} (it's {_local_clock(ctx, str(zone))} there). "
            "Your day and your reminders follow it."
        )

    @command("timezone", "Your timezone, and the time there now", private=True)
    async def bare(self, ctx: Context) -> None:
        await self.show(ctx)

    @command("timezone show", "Your timezone, and the time there now", private=True)
    async def show(self, ctx: Context) -> None:
        own = await self.bot.member_settings.get(ctx.member_key(), "timezone")
        if own:
            await ctx.reply(
                f"Your timezone is {own}; it's {_local_clock(ctx, own)} there. "
                f"{ctx.command_hint('timezone set')} zone:off follows the community's instead."
            )
            return
        community = await ctx.community_timezone()
        await ctx.reply(
            f"You haven't set a timezone, so I use the community's: {community} "
            f"(it's {_local_clock(ctx, community)} there). "
            f"To set yours: {ctx.command_hint('timezone set')} zone:Europe/London"
        )

    async def _tell_cogs(self, ctx: Context, user_id: str, tz: str) -> None:
        # the zone is saved; a failing listener is logged and its own due check corrects it
        await self.bot.emit(ZONE_CHANGED, ctx, user_id, tz)


def _local_clock(ctx: Context, tz: str) -> str:
    return ctx.now().astimezone(zone(tz)).strftime("%H:%M on %a %d %b")


def setup(bot: Bot) -> TimezoneCog:
    """Create the cog."""
    return TimezoneCog(bot)
