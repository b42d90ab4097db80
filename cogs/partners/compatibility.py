"""How well two members who asked for an accountability partner would suit each other.

Pure functions, no I/O. :mod:`cogs.partners.matching` pairs a whole pool with these scores.
"""

from __future__ import annotations

from dataclasses import dataclass

FOCUSES = frozenset(
    {"alcohol", "drugs", "gambling", "nicotine", "food", "gaming", "mental-health", "general"}
)
FREQUENCIES = ("daily", "few-times-a-week", "weekly")

# Compatibility weights; they add up to 1.0, the score of an ideal pair.
WEIGHT_TIMEZONE = 0.35  # share of waking hours (08:00-22:00 local) the two have in common
WEIGHT_FOCUS = 0.30  # same focus 1, one of them "general" 0.5, otherwise 0
WEIGHT_LANGUAGE = 0.20  # a shared language 1, someone named none 0.5 (none shared: incompatible)
WEIGHT_FREQUENCY = 0.15  # same 1, neighbouring (daily / few-times-a-week) 0.5, daily/weekly 0

WAKING_START_MINUTES = 8 * 60
WAKING_END_MINUTES = 22 * 60
_WAKING = WAKING_END_MINUTES - WAKING_START_MINUTES
_DAY = 24 * 60


@dataclass(frozen=True)
class Candidate:
    """A member waiting for an accountability partner.

    ``utc_offset_minutes`` is the member's current offset, computed by the caller from their
    IANA zone.  An empty ``languages`` means the member named none.  ``waiting_since`` orders
    members by priority: earlier means waited longer (last round's leftover goes first).
    """

    member_id: str
    focus: str
    utc_offset_minutes: int
    languages: frozenset[str]
    frequency: str
    waiting_since: float

    def __post_init__(self) -> None:
        if self.focus not in FOCUSES:
            raise ValueError(f"unknown focus {self.focus!r}; expected one of {sorted(FOCUSES)}")
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"unknown frequency {self.frequency!r}; expected {FREQUENCIES}")
        if not isinstance(self.languages, frozenset):
            object.__setattr__(self, "languages", frozenset(self.languages))


def waking_overlap_minutes(offset_a: int, offset_b: int) -> int:
    """Minutes per day that both members are between 08:00 and 22:00 local time."""
    shift = abs(offset_a - offset_b) % _DAY
    shift = min(shift, _DAY - shift)
    # Two arcs of equal length on the 24-hour circle overlap on both sides once far apart.
    return max(0, _WAKING - shift) + max(0, _WAKING - (_DAY - shift))


def timezone_score(offset_a: int, offset_b: int) -> float:
    """The timezone part of the score: the share of waking hours the two have in common."""
    return waking_overlap_minutes(offset_a, offset_b) / _WAKING


def static_score(
    focus_a: str,
    freq_a: int,
    langs_a: frozenset[str],
    focus_b: str,
    freq_b: int,
    langs_b: frozenset[str],
) -> float | None:
    """Everything but the timezone part of the score; None when the two cannot talk."""
    if langs_a and langs_b:
        if langs_a.isdisjoint(langs_b):
            return None
        language = 1.0
    else:
        language = 0.5
    if focus_a == focus_b:
        focus = 1.0
    elif focus_a == "general" or focus_b == "general":
        focus = 0.5
    else:
        focus = 0.0
    frequency = 1.0 - abs(freq_a - freq_b) / 2
    return WEIGHT_FOCUS * focus + WEIGHT_LANGUAGE * language + WEIGHT_FREQUENCY * frequency


def compatibility(a: Candidate, b: Candidate) -> float:
    """How well two members would suit each other as partners, from 0.0 to 1.0.

    The score is a weighted sum (see the ``WEIGHT_*`` constants): shared waking hours
    (0.35), focus (0.30), language (0.20) and check-in frequency (0.15).  0.0 means "not
    compatible at all": both named languages and they share none.  Any other pair scores at
    least 0.1, because two 14-hour waking windows always share 4 hours.
    """
    static = static_score(
        a.focus,
        FREQUENCIES.index(a.frequency),
        a.languages,
        b.focus,
        FREQUENCIES.index(b.frequency),
        b.languages,
    )
    if static is None:
        return 0.0
    return static + WEIGHT_TIMEZONE * timezone_score(a.utc_offset_minutes, b.utc_offset_minutes)
