"""Issue 19's acceptance test: a whole new feature is added without touching an existing file.

"Seedlings" exists only in this module. It has its own channel purpose, a community setting
(the hour seedlings are watered), due work (a declared due source: each seedling is watered
once, at that hour) and member data (registered with the privacy registry). It is loaded through
the normal loader by the ``community_with`` fixture, and everything else picks it up:
/community channel and show, /community set, the scheduler on the manual clock, /mydata.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from bot.channels import ChannelPurpose
from bot.cog import Cog
from bot.context import Context
from bot.declared_settings import CommunitySetting
from bot.platforms.console import COMMUNITY
from bot.scheduler import Due
from bot.spec import IntType, MaxLen, command
from storage.data_handlers import member_table
from storage.due import DONE, Claim, DueRow, DueTable, Move
from storage.sql import iso

SEEDLINGS = DueTable("seedlings", at="next_at", key=("user_id", "name"), columns={"name": "t.name"})


class Seedlings(Cog):
    """Members plant seedlings; each is watered once, publicly, at the community's hour."""

    name = "seedlings"
    channel_purposes = (ChannelPurpose("seedlings", "Seedling updates"),)
    community_settings = (
        CommunitySetting(
            "seedlings.water_hour",
            "Hour seedlings are watered (UTC)",
            IntType(0, 23),
            default="15",
        ),
    )

    async def on_load(self) -> None:
        await self.bot.db.write(
            lambda conn: conn.execute(
                "CREATE TABLE IF NOT EXISTS seedlings (platform TEXT NOT NULL, "
                "community_id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL, "
                "next_at TEXT, PRIMARY KEY (platform, community_id, user_id, name))"
            )
        )
        self.bot.privacy.register(member_table("seedlings", "seedlings", order_by="name"))
        self.bot.scheduler.declare(Due("seedlings-water", SEEDLINGS, self.plan, self.water))

    @command("seedling plant", "Plant a seedling", private=True)
    async def plant(self, ctx: Context, name: Annotated[str, MaxLen(40), "Its name"]) -> None:
        hour = int(await ctx.setting_value("seedlings.water_hour") or 15)
        now = ctx.now()
        at = now.replace(hour=hour, minute=0, second=0, microsecond=0)
        if at <= now:
            at += timedelta(days=1)
        key = ctx.member_key()
        await self.bot.db.write(
            lambda conn: conn.execute(
                "INSERT INTO seedlings VALUES (?, ?, ?, ?, ?)",
                (key.platform, key.community_id, key.user_id, name, iso(at)),
            )
        )
        await ctx.reply("Planted {name}; it is watered at {hour}:00 UTC.", name=name, hour=hour)

    @staticmethod
    def plan(row: DueRow, now: datetime) -> Move:
        return DONE  # watered once

    async def water(self, ctx: Context, claimed: Claim, now: datetime) -> None:
        await ctx.post("seedlings", "💧 Watering {name}.", name=claimed.row["name"])


async def test_a_feature_in_a_test_fixture_plugs_into_every_core_mechanism(community_with):
    c = await community_with(Seedlings)
    await c.as_moderator("alice")

    # its channel purpose
    out = await c.text("/community channel purpose:seedlings channel:#seedlings")
    assert "Done. Seedling updates now go to #seedlings (before: not set)." in out
    show = await c.text("/community show")
    assert "Seedling updates channel: #seedlings" in show
    # its setting: listed with its default, set, read back
    assert (
        "Hour seedlings are watered (UTC) (seedlings.water_hour): 15 (the default); "
        "change it with !community set seedlings.water_hour VALUE"
    ) in show
    assert "is not a whole number from 0 to 23" in (
        await c.text("/community set seedlings.water_hour noon")
    )
    out = await c.text("/community set seedlings.water_hour 18")
    assert "Done. Hour seedlings are watered (UTC) is now 18 (before: 15 (the default))." in out
    assert "(seedlings.water_hour): 18;" in await c.text("/community show")

    # its due work, once, at the hour the setting says (the clock starts at 12:00 UTC)
    await c.say(":as bob")
    assert "it is watered at 18:00 UTC" in await c.text("/seedling plant tomato")
    assert "Watering" not in await c.text(":clock +5h50m")  # 17:50
    watered = await c.text(":clock +20m")  # 18:10
    assert watered.count("#seedlings: 💧 Watering tomato.") == 1
    await c.restart()
    assert "Watering" not in await c.text(":clock +2d")

    # its member data, through the privacy registry
    assert [r["name"] for r in (await c.export())["seedlings"]] == ["tomato"]
    assert "seedlings (1)" in await c.text("/mydata delete confirm:yes")
    assert await c.rows("seedlings") == []
    assert "seedlings" not in await c.export()


async def test_a_stand_in_answers_for_a_service(community_with):
    seen = []

    async def partner_name(ctx, user_id):
        seen.append(user_id)
        return "Robin"

    c = await community_with(stand_ins={"partners.partner_name": partner_name})
    ctx = c.bot.context(COMMUNITY)
    assert await c.bot.services.get("partners.partner_name")(ctx, "bob") == "Robin"
    await c.restart()
    assert c.bot.services.get("partners.partner_name") is partner_name
    assert seen == ["bob"]
