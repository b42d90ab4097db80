"""What every part of the crisis cog shares: stores, the directory, region and resources."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

from bot.cog import Cog
from bot.context import Context
from bot.core import Bot
from bot.i18n import N_
from bot.message import Button
from bot.services import service
from bot.spec import ParamType, Resolver
from bot.timeutil import zone_country
from cogs.crisis.resources import Directory, RegionResources, Service, load_directory
from cogs.crisis.texts import emergency_number
from storage.crisis import (
    CommunityResource,
    CommunityResources,
    ConcernReports,
    CrisisState,
    SafetyPlans,
)
from storage.db import MemberKey, StorageError
from storage.directory_checks import DirectoryChecks

log = logging.getLogger("cogs.crisis")
T = TypeVar("T")

NOTIFY_BUTTON = Button(N_("Let a moderator know"), command="crisis notify")
AUTO_SETTING = "crisis.auto"  # member setting: "off" stops automatic messages
REGION_SETTING = "region"  # member and community setting: ISO 3166-1 alpha-2
CONCERN_DM_SETTING = "crisis.concern_dm"  # community setting: "off" stops messages on concern


class RegionText(ParamType):
    """Whatever a member typed as a region. Never refused by the core: /crisis must always
    answer with resources, so the handler judges the value and explains kindly."""

    kind = "str"
    hint = N_("a two-letter country code like GB or US")

    async def convert(self, raw: Any, resolver: Resolver | None) -> str:
        return str(raw).strip()


def fingerprint(service: Service) -> str:
    """The contact details a moderator's check of a directory line vouches for."""
    return " | ".join(f"{c.method}:{c.value}:{c.keyword or ''}" for c in service.contacts)


def shorten(text: str, limit: int = 40) -> str:
    """Member text cut down for quoting back in a sentence."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class CrisisBase(Cog):
    """State and helpers shared by the crisis commands, the listener and the safety plan."""

    name = "crisis"

    def __init__(self, bot: Bot, directory: Directory | None = None) -> None:
        super().__init__(bot)
        self.directory = directory or load_directory()
        self.plans = SafetyPlans(bot.db)
        self.state = CrisisState(bot.db)
        self.reports = ConcernReports(bot.db)
        self.local = CommunityResources(bot.db)
        self.checks = DirectoryChecks(bot.db)

    async def quietly(self, work: Awaitable[T], default: T) -> T:
        """Run a read whose failure must not stop crisis resources from going out."""
        try:
            return await work
        except StorageError as err:
            log.error("crisis support went on without stored data: %s", err)
            return default

    async def region_code(self, ctx: Context, key: MemberKey | None = None) -> str | None:
        """Member setting, else community setting, else config ``bot.region``, else the country
        of the member's (or the community's) timezone, else None."""
        key = key or ctx.member_key()
        own = await self.quietly(self.bot.member_settings.get(key, REGION_SETTING), None)
        community = await self.quietly(ctx.setting(REGION_SETTING), None)
        chosen = own or community or self.bot.config.bot.region
        if chosen:
            return chosen
        zone = await self.quietly(ctx.member_timezone(key.user_id), None)
        return zone_country(zone) if zone else None

    @service("crisis.region_codes")
    def region_codes(self) -> list[str]:
        """The countries with their own crisis lines (ISO 3166-1 alpha-2), sorted: what the
        platforms offer while a region is typed."""
        return sorted(self.directory.regions)

    async def region_resources(self, ctx: Context, key: MemberKey | None = None) -> RegionResources:
        """The resources for a member's region (possibly the fallback), this community's
        checked lines first: what every crisis reply, asked for or automatic, lists."""
        return await self.checked_region(ctx, await self.region_code(ctx, key))

    async def checked_region(self, ctx: Context, code: str | None) -> RegionResources:
        """The directory's lines for ``code``, marked where this community's moderators
        checked them (and the entry has not changed since)."""
        region = self.directory.for_region(code)
        stored = await self.quietly(
            self.checks.checked(ctx.community.platform, ctx.community.id), {}
        )
        current = {}
        for line in region.services:
            found = stored.get(line.id)
            if found is not None and found[0] == fingerprint(line):
                current[line.id] = found[1]
        return region.with_checks(current)

    async def community_resources(self, ctx: Context) -> list[CommunityResource]:
        """Resources this community's moderators added (empty when the store fails)."""
        return await self.quietly(self.local.list(ctx.community.platform, ctx.community.id), [])

    async def emergency(self, ctx: Context) -> str:
        """The caller's emergency number, or a reminder to call the local one."""
        return emergency_number(await self.region_resources(ctx), await ctx.translator_for())
