"""Who answers alerts now: moderators and the responders role, by their own switch
(``/duty on|off``) or a weekly rota in each responder's own timezone.

A rota slot is a wall-clock time in the responder's zone, turned into instants with
``bot.timeutil`` on the day it applies, so it follows daylight saving time. ``/duty off``
during a rota slot stops that slot only; the next one brings them back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Annotated, Literal

from bot.access import PeopleGroup, PowerOrOff, RoleOrOff, change_people
from bot.context import Context
from bot.i18n import DEFAULT, N_, Translator, _
from bot.services import service
from bot.spec import Permission, Range, command
from bot.timeutil import local_date, resolve_local, zone
from cogs.crisis.base import CrisisBase
from storage.alerts import Duty, DutySwitch, RotaSlot

RESPONDERS_SETTING = "crisis.responders"  # Discord role id, console role name, Matrix power
RESPONDERS = PeopleGroup(
    N_("responders"),
    "Listeners",
    RESPONDERS_SETTING,
    RESPONDERS_SETTING,
    N_("they take crisis alerts, which name members who may be in danger"),
    N_("trusted responders"),
)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@dataclass(frozen=True)
class OnDuty:
    """A responder on duty now, since when, and until when (None: until they switch off)."""

    user_id: str
    name: str
    until: datetime | None
    since: datetime | None = None


def slot_window(slot: RotaSlot, now: datetime) -> tuple[datetime, datetime] | None:
    """The instants of the slot's occurrence that contains `now`, if one does."""
    today = local_date(now, slot.zone)
    start_t = time(slot.start_min // 60, slot.start_min % 60)
    end_t = time(slot.end_min // 60, slot.end_min % 60)
    for day in (today - timedelta(days=1), today):
        if day.weekday() != slot.weekday:
            continue
        start = resolve_local(day, start_t, slot.zone)
        end_day = day + timedelta(days=1) if slot.end_min <= slot.start_min else day
        end = resolve_local(end_day, end_t, slot.zone)
        if start <= now < end:
            return start, end
    return None


def next_start(slot: RotaSlot, now: datetime) -> datetime:
    """The next instant the slot begins, after `now` (within eight days)."""
    today = local_date(now, slot.zone)
    start_t = time(slot.start_min // 60, slot.start_min % 60)
    for ahead in range(8):
        day = today + timedelta(days=ahead)
        if day.weekday() == slot.weekday:
            start = resolve_local(day, start_t, slot.zone)
            if start > now:
                return start
    return resolve_local(today + timedelta(days=7), start_t, slot.zone)


def on_duty(switches: list[DutySwitch], slots: list[RotaSlot], now: datetime) -> list[OnDuty]:
    """Everyone on duty at `now`: switched on, or in a rota slot they did not switch off."""
    found: dict[str, OnDuty] = {}
    own = {s.user_id: s for s in switches}
    for switch in switches:
        if switch.on_since is not None:
            found[switch.user_id] = OnDuty(
                switch.user_id, switch.display_name, None, switch.on_since
            )
    for slot in slots:
        if slot.user_id in found:
            continue
        window = slot_window(slot, now)
        if window is None:
            continue
        switch = own.get(slot.user_id)
        if switch is not None and switch.off_until is not None and now < switch.off_until:
            continue
        found[slot.user_id] = OnDuty(slot.user_id, slot.display_name, window[1], window[0])
    return sorted(found.values(), key=lambda d: d.name.lower())


class DutyCommands(CrisisBase):
    """/duty and the responders role."""

    @property
    def duty(self) -> Duty:
        """The duty store."""
        return Duty(self.bot.db)

    async def is_responder(
        self, ctx: Context, user_id: str, level: Permission | None = None
    ) -> bool:
        """Moderators, and members with the responders role, may take alerts."""
        if level is not None and level >= Permission.MODERATOR:
            return True
        if user_id in await ctx.moderators():
            return True
        role = await self.quietly(ctx.setting(RESPONDERS_SETTING), None)
        return bool(role) and await ctx.has_role(user_id, role)

    async def responders_on_duty(self, ctx: Context) -> list[OnDuty]:
        """Responders on duty now (people who lost their role are left out)."""
        platform, cid = ctx.community.platform, ctx.community.id
        switches = await self.quietly(self.duty.switches(platform, cid), [])
        slots = await self.quietly(self.duty.slots(platform, cid), [])
        return [
            d
            for d in on_duty(switches, slots, ctx.now())
            if await self.is_responder(ctx, d.user_id)
        ]

    @service("crisis.duty_now")
    async def duty_now(self, ctx: Context) -> list[OnDuty]:
        """Everyone on duty now by their switch or the rota, whatever their role: a feature
        sharing ``/duty`` (support sessions) checks its own role."""
        platform, cid = ctx.community.platform, ctx.community.id
        switches = await self.quietly(self.duty.switches(platform, cid), [])
        slots = await self.quietly(self.duty.slots(platform, cid), [])
        return on_duty(switches, slots, ctx.now())

    @service("crisis.rota_starts")
    async def rota_starts(self, ctx: Context) -> list[tuple[str, datetime]]:
        """When each weekly rota slot next begins: (user id, instant), soonest first."""
        slots = await self.quietly(self.duty.slots(ctx.community.platform, ctx.community.id), [])
        return sorted(((s.user_id, next_start(s, ctx.now())) for s in slots), key=lambda p: p[1])

    async def _also_on_duty(self, ctx: Context, user_id: str) -> bool:
        """Whether another feature that shares /duty counts this member (peer supporters)."""
        shares = self.bot.services.find("support.is_supporter")
        return shares is not None and bool(await shares(ctx, user_id))

    async def _refuse_non_responder(self, ctx: Context) -> bool:
        assert ctx.actor is not None
        if await self.is_responder(ctx, ctx.actor.id, ctx.actor.level):
            return False
        if await self._also_on_duty(ctx, ctx.actor.id):
            return False
        await ctx.reply(
            _(
                "Only moderators and the responders a moderator chose can go on duty for "
                "alerts. A moderator can set the responders with {command}."
            ),
            command=ctx.command_hint("duty responders"),
        )
        return True

    @command(
        "duty",
        _("Go on or off duty for crisis alerts (moderators and responders)"),
        private=True,
        examples=("duty on", "duty off"),
    )
    async def duty_switch(
        self, ctx: Context, mode: Annotated[Literal["on", "off"], _("on or off")]
    ) -> None:
        """Switch oneself on or off duty."""
        assert ctx.actor is not None
        if await self._refuse_non_responder(ctx):
            return
        key, now = ctx.member_key(), ctx.now()
        if mode == "on":
            await self.duty.switch(key, ctx.actor.name, now, None)
            await self.bot.emit("duty_started", ctx, key.user_id, now)
            alerts = await self.is_responder(ctx, ctx.actor.id, ctx.actor.level)
            await ctx.reply(
                _(
                    "You're on duty: urgent alerts will mention you until you type {off}. Thank "
                    "you for being there."
                )
                if alerts
                else _("You're on duty until you type {off}. Thank you for being there."),
                off=ctx.command_hint("duty") + " off",
            )
            if alerts and await self.quietly(ctx.channel_for("alerts"), None) is None:
                await ctx.reply(
                    _(
                        "No alerts channel is set yet, so urgent alerts come to moderators as "
                        "private messages. A moderator can set one with {command}."
                    ),
                    command=ctx.command_hint("community channel") + " purpose:alerts",
                )
            return
        slots = await self.duty.slots(key.platform, key.community_id)
        current = [
            w for s in slots if s.user_id == key.user_id and (w := slot_window(s, now)) is not None
        ]
        off_until = max((w[1] for w in current), default=None)
        await self.duty.switch(key, ctx.actor.name, None, off_until)
        if off_until is not None:
            own_zone = await ctx.member_timezone()
            await ctx.reply(
                _(
                    "You're off duty. Your rota slot would have lasted until {until}; your next "
                    "slot brings you back on."
                ),
                until=_local(ctx.tr, off_until, own_zone),
            )
            return
        await ctx.reply(_("You're off duty. Thank you for the time you gave."))

    @command("duty list", _("Who is on duty for crisis alerts now, and the rota"), private=True)
    async def duty_list(self, ctx: Context) -> None:
        """The responders on duty now with their local time, then the weekly rota."""
        assert ctx.actor is not None
        if await self._refuse_non_responder(ctx):
            return
        now = ctx.now()
        lines: list[str] = []
        values: dict[str, str] = {}
        current = await self.responders_on_duty(ctx)
        if not current:
            lines.append(
                ctx.t(
                    "Nobody is on duty right now, so an urgent alert would mention every "
                    "moderator at once (and the responders role, if there is one)."
                )
            )
        else:
            lines.append(ctx.t("On duty now:"))
        for i, person in enumerate(current):
            their_zone = await ctx.member_timezone(person.user_id)
            values[f"n{i}"] = person.name
            values[f"t{i}"] = f"{_local(ctx.tr, now, their_zone, 'EEE HH:mm')} {their_zone}"
            if person.until:
                line = ctx.t(
                    "- {name}: their local time {time}, until {until}",
                    name=f"{{n{i}}}",
                    time=f"{{t{i}}}",
                    until=_local(ctx.tr, person.until, their_zone),
                )
            else:
                line = ctx.t(
                    "- {name}: their local time {time}, until they stop",
                    name=f"{{n{i}}}",
                    time=f"{{t{i}}}",
                )
            lines.append(line)
        responders = {person.user_id for person in current}
        supporters = [d for d in await self.duty_now(ctx) if d.user_id not in responders]
        if supporters:
            lines.append(ctx.t("On duty for support requests only (not crisis alerts):"))
        for i, person in enumerate(supporters):
            values[f"s{i}"] = person.name
            lines.append(f"- {{s{i}}}")
        slots = await self.duty.slots(ctx.community.platform, ctx.community.id)
        if slots:
            lines.append(ctx.t("Weekly rota (each in the responder's own time):"))
        for i, slot in enumerate(slots):
            values[f"r{i}"] = slot.display_name
            lines.append(
                f"#{slot.id} {{r{i}}}: {_day(ctx.tr, slot.weekday)} {_hhmm(slot.start_min)}–"
                f"{_hhmm(slot.end_min)} {slot.zone}"
            )
        await ctx.reply("\n".join(lines), **values)

    @command(
        "duty rota add",
        _("Add a weekly duty slot in your own timezone (ends the next day if end is earlier)"),
        private=True,
        examples=("duty rota add day:mon start:22:00 end:06:00",),
    )
    async def rota_add(
        self,
        ctx: Context,
        day: Annotated[Day, _("The weekday the slot starts")],
        start: Annotated[time, _("Start, your local time (HH:MM)")],
        end: Annotated[time, _("End, your local time (HH:MM)")],
    ) -> None:
        """Add a slot for oneself."""
        assert ctx.actor is not None
        if await self._refuse_non_responder(ctx):
            return
        own_zone = await ctx.member_timezone()
        start_min, end_min = start.hour * 60 + start.minute, end.hour * 60 + end.minute
        slot_id = await self.duty.add_slot(
            ctx.member_key(),
            ctx.actor.name,
            (DAYS.index(day), start_min, end_min, own_zone),
            ctx.now(),
        )
        if slot_id is None:
            await ctx.reply(_("You already have as many rota slots as I keep. Remove one first."))
            return
        await self.bot.emit("duty_rota_changed", ctx, ctx.actor.id)
        await ctx.reply(
            _(
                "Added rota slot #{id}: every {day} {start}–{end} (ending the next day), {zone} "
                "time. Change your zone with {timezone}; remove the slot with {remove}."
            )
            if end_min <= start_min
            else _(
                "Added rota slot #{id}: every {day} {start}–{end}, {zone} time. Change your zone "
                "with {timezone}; remove the slot with {remove}."
            ),
            id=str(slot_id),
            day=_day(ctx.tr, DAYS.index(day)),
            start=_hhmm(start_min),
            end=_hhmm(end_min),
            zone=own_zone,
            timezone=ctx.command_hint("timezone set"),
            remove=f"{ctx.command_hint('duty rota remove')} {slot_id}",
        )

    @command("duty rota remove", _("Remove one of your weekly duty slots"), private=True)
    async def rota_remove(
        self, ctx: Context, slot: Annotated[int, Range(1, 2**62), _("The slot number")]
    ) -> None:
        """Remove one of one's own slots."""
        if await self.duty.remove_slot(ctx.member_key(), slot):
            await self.bot.emit("duty_rota_changed", ctx, ctx.member_key().user_id)
            await ctx.reply(_("Removed rota slot #{id}."), id=str(slot))
        else:
            await ctx.reply(
                _("You have no rota slot #{id}. {list} shows them."),
                id=str(slot),
                list=ctx.command_hint("duty list"),
            )

    @command(
        "duty responders",
        _(
            "Who besides moderators may take crisis alerts: a role (Discord), a power level (Matrix)"
        ),
        private=True,
        level=Permission.MODERATOR,
        examples=("duty responders role:@Listeners", "duty responders power:25"),
    )
    async def duty_responders(
        self,
        ctx: Context,
        role: Annotated[RoleOrOff, _("The responders' role, or off")] | None = None,
        power: Annotated[PowerOrOff, _("Matrix: power level, or off")] | None = None,
    ) -> None:
        """Set the community's responders."""
        if (role is None) == (power is None):
            current = await ctx.setting(RESPONDERS_SETTING)
            shown = await self.responders_shown(ctx, current)
            await ctx.reply(
                _(
                    "Responders now: {shown}. Set them with role:@Role (Discord and console) or "
                    "power:25 (Matrix), or off."
                ),
                shown=shown,
            )
            return
        change = await change_people(ctx, RESPONDERS, role, power)
        if change is None:
            return
        value = change.value
        await ctx.reply(
            _(
                "Done. Responders: {shown}. They (and every moderator) can go on duty with {on} "
                "and take alerts."
            ),
            shown=await self.responders_shown(ctx, value),
            on=ctx.command_hint("duty") + " on",
        )

    @service("crisis.responders_shown")
    async def responders_shown(self, ctx: Context, value: str | None) -> str:
        """The responders setting as moderators read it."""
        if not value:
            return ctx.t("moderators only")
        if ctx.community.platform == "matrix":
            return ctx.t("moderators and power level {level} and up", level=value)
        return ctx.t("moderators and {role}", role=await ctx.role_name(value))


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _local(tr: Translator, instant: datetime, zone_name: str, pattern: str = "") -> str:
    """An instant in a zone as ``tr``'s language writes it ("Mon 02 Nov 2026, 09:00")."""
    return tr.datetime(instant.astimezone(zone(zone_name)), pattern or "EEE dd MMM y, HH:mm")


def _day(tr: Translator, weekday: int) -> str:
    """A weekday as the reader reads it: the command's own word (mon) in English."""
    if tr.code == DEFAULT:
        return DAYS[weekday]
    return tr.locale.days["format"]["abbreviated"][weekday]
