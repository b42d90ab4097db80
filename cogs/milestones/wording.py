"""What /milestone says: replies built line by line, kind refusals, and the wording helpers."""

from __future__ import annotations

import datetime as dt
import re

from bot.context import Context
from bot.i18n import ENGLISH, Translator, _
from bot.timeutil import add_years, humanize_delta, local_date
from cogs.milestones.ladder import Ladder, step_label
from cogs.milestones.params import RelativeDay
from cogs.milestones.timing import run_start
from storage.milestones import RunStart

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Refusal(Exception):
    """A kind refusal: the reply's template and values. Nothing has been changed."""

    def __init__(self, template: str, **values: object) -> None:
        super().__init__(template)
        self.template = template
        self.values = values


class Lines:
    """A reply built line by line in the reader's language; every changing piece goes into
    values, never the template."""

    def __init__(self, tr: Translator = ENGLISH) -> None:
        self.tr = tr
        self.parts: list[str] = []
        self.values: dict[str, object] = {}

    def add(self, template: str, *, more: bool = False, tag: str = "", **values: object) -> None:
        """Append a translated line (``more``: continue the last one). ``tag`` tells apart the
        placeholders of several blocks in one reply ({name} becomes {name_0})."""
        text = self.tr.gettext(template)
        if tag:
            text = _PLACEHOLDER.sub(lambda m: "{" + m[1] + tag + "}", text)
            values = {key + tag: value for key, value in values.items()}
        if more and self.parts:
            self.parts[-1] += " " + text
        else:
            self.parts.append(text)
        self.values.update(values)

    async def send(self, ctx: Context) -> None:
        """Reply privately."""
        await ctx.reply("\n".join(self.parts), private=True, **self.values)


def _checked_start(day: dt.date, at: dt.time | None, tz: str, now: dt.datetime) -> RunStart:
    """The start a member asked for, or a :class:`Refusal` saying kindly what's wrong."""
    today = local_date(now, tz)
    if isinstance(day, RelativeDay):
        day = day.resolve(today)
    if day > today:
        raise Refusal(
            _(
                "{day} hasn't come yet (today is {today} where you are). A counter can begin "
                "today or on an earlier day."
            ),
            day=day.isoformat(),
            today=today.isoformat(),
        )
    if day < add_years(today, -100):
        raise Refusal(
            _("{day} is more than 100 years ago. Could you check the year?"), day=day.isoformat()
        )
    start = run_start(day, at, tz)
    if start.started_at > now:
        raise Refusal(
            _(
                "{at} hasn't come yet today where you are (it's {clock} now). "
                "Pick an earlier time, or leave the time out."
            ),
            at=at.strftime("%H:%M") if at else "",
            clock=now.astimezone(_tzinfo(tz)).strftime("%H:%M"),
        )
    return start


def _tzinfo(tz: str) -> dt.tzinfo:
    from bot.timeutil import zone

    return zone(tz)


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def _when(start: RunStart, today: dt.date, tz: str, tr: Translator) -> str:
    """When a run began, in the reader's words ("today at 09:00", "on 2026-01-15")."""
    asked = start.start_time.strftime("%H:%M") if start.start_time is not None else ""
    counted = start.started_at.astimezone(_tzinfo(tz)).strftime("%H:%M")
    is_today = start.start_date == today
    if start.start_time is None:
        return tr("today") if is_today else tr("on {day}", day=start.start_date.isoformat())
    if counted != asked:  # a wall time the clocks skipped (spring forward)
        skipped = tr(
            "(the clocks skipped {asked} that day in {zone}, so I count from {counted})",
            asked=asked,
            zone=tz,
            counted=counted,
        )
    else:
        skipped = ""
    if is_today:
        day = tr("today at {time}", time=asked)
    else:
        day = tr("on {day} at {time}", day=start.start_date.isoformat(), time=asked)
    return f"{day} {skipped}" if skipped else day


def _none_yet(ctx: Context) -> str:
    return ctx.t(
        "You don't have a counter yet. Start one with {hint} (today and yesterday work too).",
        hint=f"{ctx.prefix}milestone set date:YYYY-MM-DD",
    )


def _reached_today(
    ladder: Ladder, start: RunStart, tz: str, now: dt.datetime, tr: Translator
) -> str | None:
    """The milestone a backdated start reached earlier today, if any."""
    reached = ladder.reached(start, tz, start.started_at, now, limit=500)
    if reached and local_date(reached[-1][1], tz) == local_date(now, tz):
        return reached[-1][0].label_in(tr)
    return None


def _add_next(
    out: Lines, at: dt.datetime | None, step: str | None, tz: str, now: dt.datetime, tag: str = ""
) -> None:
    if at is None or step is None:
        return
    local = at.astimezone(_tzinfo(tz))
    when = local.date().isoformat()
    if step.endswith("h"):
        when = out.tr("{day} at {time}", day=when, time=local.strftime("%H:%M"))
    out.add(
        _("Next milestone: {next} on {next_on} (in {until})."),
        tag=tag, next=step_label(step, out.tr), next_on=when,
        until=humanize_delta(at - now, out.tr),
    )  # fmt: skip


def _add_visibility(out: Lines, visibility: str) -> None:
    if visibility == "public":
        out.add(
            _("It's public: milestones are celebrated in the milestones channel with your name.")
        )
    else:
        out.add(_("It's private: only you can see it."))
