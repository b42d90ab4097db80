"""Option types and small wording helpers for accountability partners."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.i18n import ENGLISH, N_, Translator
from bot.spec import ArgumentError, Resolver, StrType
from bot.timeutil import zone

MASS_MENTIONS = re.compile(r"@(everyone|here|room|channel)\b", re.IGNORECASE)


class PersonalText(StrType):
    """Text one member writes for another (an intro, an SOS note): no mass mentions."""

    # StrType is an unhashable dataclass; ``Annotated[...] | None`` needs to hash its metadata.
    __hash__ = object.__hash__

    async def convert(self, raw: Any, resolver: Resolver | None) -> str:
        text = await super().convert(raw, resolver)
        if MASS_MENTIONS.search(text):
            raise ArgumentError(
                N_(
                    "please leave out @everyone, @here and similar mentions; "
                    "this text only ever goes to your partner"
                )
            )
        return text


def utc_offset_minutes(tz: str, now: datetime) -> int:
    """The zone's offset from UTC at ``now``, in minutes (daylight saving included)."""
    offset = now.astimezone(zone(tz)).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def time_difference(mine: int, theirs: int, tr: Translator = ENGLISH) -> str:
    """ "They're 5 hours ahead of you." from two UTC offsets in minutes, in ``tr``'s words."""
    diff = theirs - mine
    if diff == 0:
        return tr.gettext(N_("Your clocks show the same time."))
    hours, minutes = divmod(abs(diff), 60)
    parts = []
    if hours:
        parts.append(tr.plural("{count} hour", "{count} hours", hours))
    if minutes:
        parts.append(tr.plural("{count} minute", "{count} minutes", minutes))
    span = " ".join(parts)
    if diff > 0:
        return tr("They're {span} ahead of you.", span=span)
    return tr("They're {span} behind you.", span=span)


def name_slots(
    names: Sequence[str], prefix: str = "name", tr: Translator = ENGLISH
) -> tuple[str, dict[str, str]]:
    """A template fragment "{name0} and {name1}" (in ``tr``'s words) with its values (names
    stay escaped values)."""
    keys = [f"{prefix}{i}" for i in range(len(names))]
    values = dict(zip(keys, names, strict=True))
    slots = ["{" + k + "}" for k in keys]
    if len(slots) <= 1:
        return "".join(slots), values
    return tr("{first} and {last}", first=", ".join(slots[:-1]), last=slots[-1]), values
