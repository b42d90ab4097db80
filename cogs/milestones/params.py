"""Option types of /milestone: a counter name, and a date that may be "today" or "yesterday"."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from bot.i18n import N_, _
from bot.param_types import Phrase
from bot.spec import ArgumentError, DateType, ParamType, Resolver

NAME_MAX = 40
# Letters (any script), digits, spaces and a little punctuation: nothing that can mention,
# link or format (no @ # < > * _ ` ~ | [ ] etc.), so a name is safe wherever it is shown.
_NAME_PUNCTUATION = frozenset(" '’.&+-")
_SPACES = re.compile(r"\s+")


class RelativeDay(str):
    """ "today" or "yesterday": resolved against the member's local date by the command."""

    def resolve(self, today: date) -> date:
        """The local date this word means."""
        return today if self == "today" else today - timedelta(days=1)


class DayType(ParamType):
    """A date ``YYYY-MM-DD``, or the words today / yesterday (the member's local today)."""

    kind = "date"
    hint = N_("a date like 2026-03-14, or today / yesterday")

    async def convert(self, raw: Any, resolver: Resolver | None) -> date | RelativeDay:
        if isinstance(raw, date):
            return raw
        word = str(raw).strip().lower()
        if word in ("today", "yesterday"):
            return RelativeDay(word)
        try:
            return await DateType().convert(raw, resolver)
        except ArgumentError as err:
            raise ArgumentError(_("{problem} (or type today or yesterday)"), problem=err) from None


class CounterNameType(ParamType):
    """A counter's name: up to 40 letters, digits, spaces and - ' . & +."""

    kind = "str"
    hint = N_("a short name (up to 40 characters) like alcohol or nicotine")

    async def convert(self, raw: Any, resolver: Resolver | None) -> str:
        text = _SPACES.sub(" ", str(raw)).strip()
        if not text:
            raise ArgumentError(_("the name can't be empty"))
        if len(text) > NAME_MAX:
            raise ArgumentError(
                _("that name is {length} characters; please keep it to {most} or fewer"),
                length=Phrase(lambda tr: tr.number(len(text))),
                most=NAME_MAX,
            )
        if not _is_safe_name(text):
            raise ArgumentError(
                _(
                    "a counter name can use letters, numbers, spaces and - ' . & + only "
                    "(so it can never mention anyone or change formatting)"
                )
            )
        return text


def _is_safe_name(text: str) -> bool:
    if not text[0].isalnum():
        return False
    return all(ch.isalnum() or ch in _NAME_PUNCTUATION for ch in text)
