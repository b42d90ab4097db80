"""Never public (issue 17): the alerts channel is moderators-only and dedicated, every member
message is screened, and a concern about a moderator never reaches that moderator.

The console's model: #alerts (and any ``:channel NAME moderators``) only moderators read; every
other channel is public.
"""

from __future__ import annotations

import logging

import pytest

from storage.alerts import Alerts

URGENT = "I want to kill myself tonight"


@pytest.fixture
async def mod(community):
    """alice moderates; bob and carol are members."""
    await community.say(":role alice moderator", ":as bob", ":as carol", ":as alice")
    return community


async def alerts_setting(c) -> str | None:
    return await c.bot.community_settings.get("console", "console", "channel.alerts")


async def test_the_issue_repro_an_alerts_channel_members_read_is_refused(mod):
    out = await mod.text("/community channel purpose:alerts channel:#general")
    assert "I didn't change anything: members can read #general" in out
    assert ":channel NAME moderators" in out
    assert await alerts_setting(mod) is None
    await mod.say(":as bob", URGENT)  # an urgent message: nothing is posted in #general
    assert not any(line.startswith("#general") for line in mod.transcript)


async def test_a_moderators_only_channel_is_accepted(mod):
    await mod.say(":channel mods moderators", ":channel general")
    out = await mod.text("/community channel purpose:alerts channel:#mods")
    assert "Done. Moderator alerts now go to #mods" in out
    assert "Priority alert" in await mod.text(":as bob", URGENT)


async def test_a_channel_used_for_another_purpose_is_refused_both_ways(mod):
    await mod.say(":channel mods moderators", ":channel general")
    # set before a members' purpose was refused a moderators-only channel (an older setting)
    await mod.bot.community_settings.set(
        "console", "console", "channel.welcome", "mods", mod.bot.clock.now()
    )
    out = await mod.text("/community channel purpose:alerts channel:#mods")
    assert "already used for welcome posts" in out
    assert await alerts_setting(mod) is None
    await mod.say("/community channel purpose:alerts channel:#alerts")
    for purpose in ("checkins", "prompts", "welcome", "milestones"):
        out = await mod.text(f"/community channel purpose:{purpose} channel:#alerts")
        assert "#alerts is the moderators' alerts channel" in out
    settings = await mod.bot.community_settings.all("console", "console")
    assert [k for k, v in settings.items() if v == "alerts"] == ["channel.alerts"]


async def test_a_member_in_the_alerts_channel_is_screened_a_moderator_is_not(mod):
    await mod.say("/community channel purpose:alerts channel:#alerts")
    out = await mod.say(":as bob", ":channel alerts", URGENT)
    assert any(line.startswith("(private) bob:") for line in out)
    assert any("Priority alert (urgent)" in line for line in out)
    await mod.say(":as alice")
    assert await mod.say("he said he wants to kill himself, checking in now") == []


async def test_alerts_stop_when_the_channel_becomes_readable_by_members(mod, caplog):
    await mod.say("/community channel purpose:alerts channel:#alerts")
    mod.console.moderator_channels.discard("alerts")  # someone opened the channel up
    with caplog.at_level(logging.ERROR):
        out = await mod.say(":as bob", URGENT)
    assert not any(line.startswith("#alerts") for line in out)
    assert any(line.startswith("(private) bob:") for line in out)
    assert "members can read the alerts channel" in caplog.text


async def test_a_concern_about_a_moderator_goes_to_the_other_moderators_privately(mod):
    await mod.say(":role dave moderator", "/community channel purpose:alerts channel:#alerts")
    await mod.say(":as carol")
    out = await mod.say('/crisis concern member:alice note:"she seems exhausted"')
    assert not any(line.startswith("#alerts") for line in out)
    assert not any(line.startswith("(private) alice") for line in out)
    to_dave = "\n".join(line for line in out if not line.startswith("(private) carol"))
    assert to_dave.startswith("(private) dave: Concern report: carol is worried about alice.")
    assert "she seems exhausted" in to_dave
    said = "\n".join(line for line in out if line.startswith("(private) carol"))
    assert "I've told each of the other moderators privately" in said


async def test_a_concern_about_the_only_moderator_is_not_sent_and_the_reporter_is_told(mod):
    await mod.say("/community channel purpose:alerts channel:#alerts")
    await mod.say(":as carol")
    out = await mod.say('/crisis concern member:alice note:"worried"')
    assert len(out) == 1 and out[0].startswith("(private) carol: I haven't sent this.")
    assert "alice is a moderator here" in out[0]
    rows = await mod.bot.db.fetchall("SELECT * FROM crisis_concern_reports")
    assert rows == []


async def test_a_concern_about_a_member_still_goes_to_the_alerts_channel(mod):
    await mod.say("/community channel purpose:alerts channel:#alerts")
    out = await mod.text(":as carol", "/crisis concern member:bob")
    assert "#alerts: Concern report: carol is worried about bob." in out


async def test_an_alert_posted_while_the_delivery_tick_read_it_as_waiting_is_posted_once(
    mod, monkeypatch
):
    """CI repro: the tick read the alert as waiting, the live path posted it meanwhile, then
    the tick posted it again from its stale list; moderators saw the same alert twice."""
    await mod.say("/community channel purpose:alerts channel:#alerts")
    created = []
    real_create = Alerts.create

    async def remember(self, *args, **kwargs):
        created.append(await real_create(self, *args, **kwargs))
        return created[-1]

    monkeypatch.setattr(Alerts, "create", remember)
    out = await mod.say(":as bob", URGENT)
    assert sum("Priority alert (urgent)" in line for line in out) == 1
    stale = list(created)  # as the tick read them, before the live post was recorded
    assert stale and stale[0].delivered_at is None

    async def read_before_the_post(self, platform, only=None):
        return stale

    monkeypatch.setattr(Alerts, "waiting", read_before_the_post)
    before = len(mod.transcript)
    await mod.bot.cogs["crisis"].deliver_waiting("console", mod.bot.clock.now())
    assert not any("Priority alert" in line for line in mod.transcript[before:])


async def test_a_purpose_for_members_is_refused_a_channel_only_moderators_read(mod):
    """New-user finding: /community channel purpose:vent channel:#alerts said "Done", and
    members' "anonymous" posts would have gone where only moderators read them."""
    await mod.say(":channel mods moderators", ":channel general")
    for purpose in ("vent", "checkins", "welcome"):
        out = await mod.text(f"/community channel purpose:{purpose} channel:#mods")
        assert "only moderators can read #mods" in out, out
        assert (
            await mod.bot.community_settings.get("console", "console", f"channel.{purpose}") is None
        )
    out = await mod.text("/community channel purpose:vent channel:#general")
    assert "Done" in out
