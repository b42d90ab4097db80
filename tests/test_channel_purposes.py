"""Features own their channel purposes: a feature loaded only in this test declares its own
channel, and /community channel, /community show, ctx.post and the console pick it up without
any existing file knowing about it; the alerts channel keeps its rules."""

from __future__ import annotations

import pytest

from bot.channels import ChannelPurpose, ChannelPurposes
from bot.cog import Cog
from bot.context import Context
from bot.spec import command


class Garden(Cog):
    """A stand-in feature that posts garden photos in a channel of its own."""

    name = "garden"
    channel_purposes = (ChannelPurpose("garden", "Garden photos"),)

    @command("garden share", "Share a photo of the garden")
    async def share(self, ctx: Context) -> None:
        posted = await ctx.post("garden", "🌻 A new photo of the garden.")
        await ctx.reply("Shared." if posted else "There's no garden channel yet.")


@pytest.fixture
async def garden(community_with):
    """A console community whose bot also loads the Garden feature, alice a moderator."""
    community = await community_with(Garden)
    await community.say(":role alice moderator")
    return community


async def test_a_new_feature_channel_is_chosen_shown_and_posted_to(garden):
    assert "There's no garden channel yet." in await garden.text("/garden share")
    await garden.say(":channel x", ":channel general")
    out = await garden.text("/community channel purpose:garden channel:#x")
    assert "(private) alice: Done. Garden photos now go to #x (before: not set)." in out
    show = await garden.text("/community show")
    assert "Garden photos channel: #x" in show
    assert "Moderator alerts channel: not set" in show
    out = await garden.text("/garden share")
    assert "#x: 🌻 A new photo of the garden." in out
    assert "Shared." in out
    audit = await garden.text("/community audit")
    assert "garden photos channel not set → #x" in audit


async def test_a_new_purpose_is_offered_and_its_channel_opened_in_the_console(garden):
    out = await garden.text("/community channel purpose:orchard channel:#general")
    assert "garden" in out and "alerts" in out and "welcome" in out
    assert "#garden" in await garden.text(":help")
    assert "Done. Garden photos now go to #garden" in await garden.text(
        "/community channel garden #garden"
    )


async def test_the_alerts_channel_stays_private_and_alone_with_a_new_purpose(garden):
    await garden.say("/community channel purpose:alerts channel:#alerts")
    out = await garden.text("/community channel purpose:garden channel:#alerts")
    assert "stays for alerts only" in out
    assert "Garden photos channel: not set" in await garden.text("/community show")
    await garden.say("/community channel purpose:alerts channel:off")
    await garden.say("/community channel purpose:garden channel:#garden")
    out = await garden.text("/community channel purpose:alerts channel:#garden")
    assert "already used for garden photos" in out
    assert "need a channel of their own that only moderators can read" in out
    assert "#general" in await garden.text(":help")
    out = await garden.text("/community channel purpose:alerts channel:#general")
    assert "members can read #general" in out


def test_a_purpose_has_one_owner():
    purposes = ChannelPurposes()
    purposes.declare(ChannelPurpose("garden", "Garden photos"), by="garden")
    with pytest.raises(ValueError, match="declared twice"):
        purposes.declare(ChannelPurpose("garden", "Garden photos"), by="copy")
    with pytest.raises(ValueError, match="bad channel purpose"):
        purposes.declare(ChannelPurpose("Garden Photos", "Garden photos"), by="garden")
