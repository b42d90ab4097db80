"""Channel purposes: the public places a feature posts to, declared by the feature itself.

A cog lists its purposes in ``channel_purposes`` (``ChannelPurpose("checkins", "Shared
check-ins")``); the core collects them when the cog is added. ``/community channel`` offers every
declared purpose, ``/community show`` lists them, ``ctx.post(purpose, …)`` refuses an undeclared
one and the console opens a channel for each. The core declares ``alerts`` itself, because
``ctx.alert`` posts there whichever features are loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.i18n import N_
from bot.spec import ChoiceType


@dataclass(frozen=True)
class ChannelPurpose:
    """One thing a community may give a channel to."""

    name: str  # the word moderators type: purpose:checkins
    label: str  # plural, as moderators read it: "Shared check-ins"
    # Only moderators may read it, and it serves no other purpose (it names people in distress).
    moderators_only: bool = False
    # Told to moderators choosing it on a platform where it holds private threads (Discord):
    # who else can read those threads.
    thread_note: str | None = None


ALERTS = ChannelPurpose("alerts", N_("Moderator alerts"), moderators_only=True)


class ChannelPurposes:
    """Every declared purpose, in the order declared, with the cog that declared it."""

    def __init__(self) -> None:
        self._purposes: dict[str, tuple[str, ChannelPurpose]] = {}

    def declare(self, purpose: ChannelPurpose, *, by: str) -> None:
        """Add ``purpose`` for cog ``by``; a name has one owner."""
        if not purpose.name.isidentifier() or purpose.name != purpose.name.lower():
            raise ValueError(f"bad channel purpose name {purpose.name!r}")
        if purpose.name in self._purposes:
            owner = self._purposes[purpose.name][0]
            raise ValueError(f"channel purpose {purpose.name!r} declared twice ({owner!r}, {by!r})")
        self._purposes[purpose.name] = (by, purpose)

    def get(self, name: str) -> ChannelPurpose | None:
        """The purpose called ``name``, or None."""
        found = self._purposes.get(name)
        return found[1] if found else None

    def all(self) -> list[ChannelPurpose]:
        """Every purpose, in the order declared."""
        return [purpose for _, purpose in self._purposes.values()]

    def names(self) -> tuple[str, ...]:
        """Every purpose name, in the order declared."""
        return tuple(self._purposes)


class PurposeType(ChoiceType):
    """One of the purposes declared when the value is typed (features load after the command
    that offers them is declared)."""

    def __init__(self, purposes: ChannelPurposes | None = None) -> None:
        self.purposes = purposes

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        return self.purposes.names() if self.purposes is not None else ()

    def bind(self, cog: Any) -> PurposeType:
        return PurposeType(cog.bot.channel_purposes)


def labels(purposes: Iterable[ChannelPurpose]) -> str:
    """ "shared check-ins, welcome posts": purposes as moderators read them in a sentence."""
    return ", ".join(p.label.lower() for p in purposes)
