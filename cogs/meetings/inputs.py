"""What facilitators and members type for meetings: when, where and reminder options."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any

from bot.i18n import _
from bot.param_types import Phrase
from bot.recurrence import Recurrence, ScheduleError, parse_schedule
from bot.spec import ArgumentError, Range, Resolver, StrType

TITLE_MAX = 100  # a Discord scheduled event's name holds 100 characters
DESCRIPTION_MAX = 1000  # and its description 1000
LINK_MAX = 500
LENGTH_MIN, LENGTH_MAX = 10, 480
CAP_MAX = 1000

# Shown as nothing at all: format characters (zero-width spaces and joiners), spaces, controls,
# combining marks without a letter, and the blank "letters" (Hangul fillers, the braille blank).
_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Zs", "Zl", "Zp", "Mn", "Me"}
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def _visible(text: str) -> bool:
    return any(
        ch not in _BLANK_LETTERS and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
        for ch in text
    )


class VisibleStrType(StrType):
    """Free text that shows something: only invisible characters are refused like empty text."""

    async def convert(self, raw: Any, resolver: Resolver | None) -> str:
        text = await super().convert(raw, resolver)
        if not _visible(text):
            raise ArgumentError(_("this can't be empty"))
        return text


MeetingId = Annotated[int, Range(1, 999_999_999), _("The meeting's number (see /meetings)")]
Title = Annotated[str, VisibleStrType(max_len=TITLE_MAX), _("The meeting's name")]
Description = Annotated[
    str, VisibleStrType(max_len=DESCRIPTION_MAX), _("What the meeting is, for members")
]
Length = Annotated[int, Range(LENGTH_MIN, LENGTH_MAX), _("How long it lasts, in minutes")]
Cap = Annotated[int, Range(1, CAP_MAX), _("The most members who can RSVP to one meeting")]

_KINDS = ("weekly", "monthly", "once")
_LINK = re.compile(r"https://[^\s<>\"]+", re.IGNORECASE)  # https only, as the help says
_MATRIX_ROOM = re.compile(r"[!#][^\s:]+:[A-Za-z0-9.\-]+(:\d+)?")


class WhenType(StrType):
    """A meeting's schedule: ``weekly sun 19:00``, ``once 2027-01-10 18:00``, ``first mon 20:00``."""

    def describe(self) -> str:
        return _("when: weekly sun 19:00, first mon 20:00 (monthly) or once 2027-01-10 18:00")

    async def convert(self, raw: Any, resolver: Resolver | None) -> Recurrence:
        text = await super().convert(raw, resolver)
        try:
            schedule = parse_schedule(text)
        except ScheduleError as err:
            problem = err  # the except clause unbinds ``err``; the phrase reads it later
            said = Phrase(lambda tr: problem.translated(tr).rstrip("."))
            raise ArgumentError("{problem}", problem=said) from None
        if schedule.kind not in _KINDS:
            raise ArgumentError(
                _(
                    "meetings are weekly, monthly or once, like 'weekly sun 19:00', "
                    "'first mon 20:00' or 'once 2027-01-10 18:00'"
                )
            )
        return schedule


@dataclass(frozen=True)
class Where:
    """Where a meeting happens: a channel or room of this community, or a link."""

    channel_id: str | None
    link: str | None


class WhereType(StrType):
    """``#voice`` (a channel or room here), ``https://…`` or a Matrix room address."""

    def describe(self) -> str:
        return _("where: a channel like #voice, a link like https://…, or a Matrix room")

    async def convert(self, raw: Any, resolver: Resolver | None) -> Where:
        if hasattr(raw, "id") and hasattr(raw, "name"):  # a native channel pick
            return Where(str(raw.id), None)
        text = await super().convert(raw, resolver)
        if _LINK.fullmatch(text):
            return Where(None, text)
        if resolver is not None and (found := await resolver.resolve_channel(text)):
            return Where(found.id, None)
        if _MATRIX_ROOM.fullmatch(text):
            return Where(None, "https://matrix.to/#/" + text)
        raise ArgumentError(
            _(
                "I can't find that channel here; give a channel like #voice or a link starting "
                "with https://"
            )
        )


class RemindType(StrType):
    """``15m``, ``1h`` or ``off``: how long before the start a member is reminded."""

    CHOICES = {"15m": 15, "1h": 60, "off": 0}

    def describe(self) -> str:
        return _("15m, 1h or off")

    async def convert(self, raw: Any, resolver: Resolver | None) -> int:
        text = (await super().convert(raw, resolver)).lower()
        if text not in self.CHOICES:
            raise ArgumentError(_("remind can be 15m, 1h or off"))
        return self.CHOICES[text]


When = Annotated[Recurrence, WhenType(max_len=100), _("When, in the community's timezone")]
WhereArg = Annotated[Where, WhereType(max_len=LINK_MAX), _("A channel, a link or a Matrix room")]
Remind = Annotated[int, RemindType(max_len=10), _("A private reminder before: 15m, 1h or off")]
