"""Autocomplete suggestions for options typed in Discord's command box."""

from __future__ import annotations

import functools
import zoneinfo
from typing import TYPE_CHECKING

from bot.spec import ChoiceType, Param

if TYPE_CHECKING:
    from bot.platforms.base import CommunityRef, PlatformHost

LIMIT = 25
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Amsterdam",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Africa/Johannesburg",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/St_Johns",
    "America/Halifax",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Sao_Paulo",
)


def suggestions(
    bot: PlatformHost | None, community: CommunityRef | None, param: Param, typed: str
) -> list[str]:
    """Up to 25 values for what a member has typed so far in `param`."""
    if param.autocomplete == "timezone" or param.type.kind == "timezone":
        return zone_suggestions(typed)
    if param.autocomplete == "region":
        return region_suggestions(bot, typed)
    if isinstance(param.type, ChoiceType):
        low = typed.strip().lower()
        return [c for c in param.type.choices if low in c.lower()][:LIMIT]
    return []


def zone_suggestions(typed: str) -> list[str]:
    """IANA names that start with, then contain, what was typed (spaces count as ``_``)."""
    from bot.timeutil import suggest_zones

    query = "_".join(typed.strip().lower().split())
    if not query:
        return list(COMMON_ZONES[:LIMIT])
    zones = _zones()
    found = [z for z in zones if z.lower().startswith(query)]
    found += [z for z in zones if query in z.lower() and z not in found]
    found += [z for z in suggest_zones(typed, 5) if z not in found]
    return found[:LIMIT]


def region_suggestions(bot: PlatformHost | None, typed: str) -> list[str]:
    """Region codes from the ``crisis.region_codes`` service that start with what was typed;
    without that service, or when none matches, two typed letters are offered back as they are."""
    provider = bot.find_service("crisis.region_codes") if bot is not None else None
    codes: list[str] = list(provider()) if provider is not None else []
    query = typed.strip().upper()
    found = [c for c in codes if c.upper().startswith(query)][:LIMIT]
    if not found and len(query) == 2 and query.isalpha():
        return [query]
    return found


@functools.cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC"))
