"""Features own their community settings: each is declared by the feature that reads it, and
/community show, /community set and /help pick it up (a feature loaded only in a test is in
tests/test_new_feature.py)."""

from __future__ import annotations

import pytest

from bot.declared_settings import CommunitySetting, DeclaredSettings


@pytest.fixture
async def mod(community):
    await community.say(":role alice moderator")
    return community


async def test_show_lists_each_features_settings_with_how_to_change_them(mod):
    show = await mod.text("/community show")
    assert "Timezone: UTC (the default); change it with !community timezone" in show
    assert (
        "Gentle private message after a worrying message (crisis.concern_dm): on (the default); "
        "change it with !community set crisis.concern_dm on|off"
    ) in show
    assert "Crisis responders (may go on duty and take alerts): moderators only" in show
    assert "Trios when a round leaves one member out: off (the default)" in show


async def test_a_setting_is_set_audited_read_back_and_reset(mod):
    out = await mod.text("/community set crisis.concern_dm off")
    assert "Done. Gentle private message after a worrying message is now off" in out
    assert "(before: on (the default))" in out
    assert "crisis.concern_dm): off" in await mod.text("/community show")
    assert "crisis.concern dm on (the default) → off" in await mod.text("/community audit")
    await mod.say(":as bob")
    assert "(private) bob" not in await mod.text("I want to die")  # the crisis cog reads it
    await mod.say(":as alice")
    assert "Nothing changed" in await mod.text("/community set crisis.concern_dm OFF")
    assert "is now on (the default)" in await mod.text("/community set crisis.concern_dm default")


async def test_a_bad_value_or_name_changes_nothing(mod):
    out = await mod.text("/community set crisis.concern_dm maybe")
    assert "I didn't change anything" in out and "on|off" in out
    out = await mod.text("/community set crisis.unknown on")
    assert "crisis.concern_dm" in out  # the choices, from the features
    assert "crisis.concern_dm): on (the default)" in await mod.text("/community show")


async def test_a_setting_with_its_own_command_points_there(mod):
    out = await mod.text("/community set partner.trios on")
    assert "has a command of its own that checks it: !partner trios" in out
    assert "Trios when a round leaves one member out: off (the default)" in (
        await mod.text("/community show")
    )


async def test_only_the_declared_level_may_change_a_setting(mod):
    await mod.say(":role bob facilitator", ":as bob")
    out = await mod.text("/community set crisis.concern_dm off")
    assert "Only moderators can change this setting" in out
    await mod.say(":as carol")
    assert "Done" not in await mod.text("/community set crisis.concern_dm off")


async def test_help_names_the_declared_settings(mod):
    out = await mod.text("/help community set")
    assert "crisis.concern_dm" in out  # declared by the crisis feature
    # partner.trios has a command of its own: not offered here, pointed to when typed
    assert "partner.trios" not in out
    assert "command of its own" in await mod.text("/community set partner.trios on")


def test_a_setting_has_one_owner_and_a_proper_name():
    settings = DeclaredSettings()
    settings.declare(CommunitySetting("garden.size", "Garden size"), by="garden")
    with pytest.raises(ValueError, match="declared twice"):
        settings.declare(CommunitySetting("garden.size", "Garden size"), by="copy")
    for bad in ("Garden Size", "channel.garden"):
        with pytest.raises(ValueError):
            settings.declare(CommunitySetting(bad, "x"), by="garden")


async def test_every_setting_set_by_its_own_command_shows_and_points_there(mod):
    show = await mod.text("/community show")
    for line in (
        "Minutes before an unclaimed urgent alert is re-posted: 10 (the default); "
        "change it with !alert settings",
        "Minutes before every moderator is written to about an unclaimed urgent alert: "
        "30 (the default)",
        "Daily check-in post (community time): off; change it with !checkin post",
        "Milestones celebrated: 24 hours",
        "Peer supporters: nobody yet; change it with !community supporters",
        "Weekly partner matching (community time): off; change it with !partner schedule",
        "Channels that expect content warnings: none; change it with !tw channel",
    ):
        assert line in show
    await mod.say(
        "/alert settings repost:15m",
        "/checkin post 09:30",
        "/community milestones 7d,30d",
        "/community supporters role:@helpers",
        "/partner schedule weekly:mon time:09:00",
        "/tw channel channel:#general topics:self-harm,drugs",
    )
    show = await mod.text("/community show")
    for line in (
        "re-posted: 15; change it with !alert settings",
        "Daily check-in post (community time): 09:30",
        "Milestones celebrated: 7 days, 30 days;",
        "Peer supporters: helpers;",
        "Weekly partner matching (community time): weekly mon 09:00",
        "Channels that expect content warnings: #general (self-harm, drugs)",
    ):
        assert line in show
    out = await mod.text("/community set milestones.ladder 24h")
    assert "has a command of its own that checks it: !community milestones" in out


async def test_the_console_help_lists_the_declared_settings(community):
    out = await community.text(":help")
    assert "community settings" in out
    for name in ("crisis.escalate_repost", "checkin.post_time", "milestones.ladder", "cw.expected"):
        assert name in out
