"""/community: moderators' settings, the audit log, the private welcome, and privacy of the log."""

from __future__ import annotations

import pytest

from bot.platforms.console import COMMUNITY
from tests.harness import ConsoleCommunity


async def settings(c: ConsoleCommunity) -> dict[str, str]:
    return await c.bot.community_settings.all("console", "console")


async def audit_rows(c: ConsoleCommunity) -> list[tuple]:
    rows = await c.bot.db.fetchall(
        "SELECT user_id, actor_name, action, old_value, new_value FROM community_audit ORDER BY id"
    )
    return [tuple(r) for r in rows]


@pytest.fixture
async def mod(community):
    """The community with alice as a moderator."""
    await community.say(":role alice moderator")
    return community


async def test_channels_are_set_shown_and_switched_off(mod):
    out = await mod.text("/community channel purpose:alerts channel:#alerts")
    assert "(private) alice: Done. Moderator alerts now go to #alerts (before: not set)." in out
    show = await mod.text("/community show")
    assert "Moderator alerts channel: #alerts" in show
    assert "Timezone: UTC (the default)" in show
    assert (await settings(mod))["channel.alerts"] == "alerts"
    out = await mod.text("/community channel alerts off")
    assert "Moderator alerts are off now (they went to #alerts)" in out
    assert "channel.alerts" not in await settings(mod)
    assert "were already off" in await mod.text("/community channel alerts off")


async def test_an_alerts_channel_makes_moderator_alerts_arrive(mod):
    await mod.say("/community channel purpose:alerts channel:#alerts")
    ctx = mod.bot.context(COMMUNITY)
    assert await ctx.alert("test alert")
    assert mod.transcript[-1] == "#alerts: test alert"


async def test_every_change_is_audited_with_old_and_new(mod):
    await mod.say(
        "/community timezone zone:Europe/London",
        "/community timezone zone:America/New_York",
        "/community region code:gb",
        "/community channel purpose:prompts channel:#prompts",
    )
    out = await mod.text("/community audit")
    lines = out.splitlines()
    assert "newest first (America/New_York)" in lines[0]
    assert lines[1].endswith("alice: scheduled prompts channel not set → #prompts")
    assert lines[2].endswith("alice: region not set → GB")
    assert lines[3].endswith("alice: timezone Europe/London → America/New_York")
    assert lines[4].endswith("alice: timezone not set → Europe/London")
    # the time of the change, in the community's zone (the clock starts 2026-11-02 12:00 UTC)
    assert lines[1].strip().startswith("Mon 02 Nov 2026, 07:00")
    before = await audit_rows(mod)
    assert "Nothing changed" in await mod.text("/community region code:GB")
    assert await audit_rows(mod) == before


async def test_audit_shows_only_the_days_asked_for(mod):
    await mod.say("/community region code:GB", ":clock +10d", "/community region code:IE")
    out = await mod.text("/community audit 5")
    assert "GB → IE" in out and "not set → GB" not in out
    assert "not set → GB" in await mod.text("/community audit days:30")
    out = await mod.text(":clock +60d", "/community audit 7")
    assert "No changes in the last 7 days." in out


@pytest.mark.parametrize(
    "line",
    [
        "/community timezone zone:Mars/Olympus",
        "/community timezone zone:Europe/Lndon",
        "/community timezone zone:+02:00",
        "/community timezone",
        "/community channel purpose:gossip channel:#general",
        "/community channel purpose:alerts channel:#nowhere",
        "/community channel purpose:alerts channel:@everyone",
        "/community channel purpose:alerts",
        "/community region code:XX",
        "/community region code:GBR",
        "/community region code:12",
        '/community region code:"\'; DROP TABLE community_settings;--"',
        "/community facilitators power:101",
        "/community facilitators power:-1",
        "/community facilitators power:lots",
        "/community facilitators",
        "/community facilitators role:@Helpers power:30",
        '/community welcome text:""',
        "/community welcome text:" + "x" * 10_000,
        "/community audit days:0",
        "/community audit days:366",
        "/community audit days:week",
    ],
)
async def test_bad_values_get_a_kind_answer_and_change_nothing(mod, line):
    await mod.say("/community region code:GB")
    before_settings, before_audit = await settings(mod), await audit_rows(mod)
    out = await mod.text(line)
    assert out.startswith("(private) alice: ")
    assert "went wrong" not in out and "Traceback" not in out
    assert "Done." not in out
    assert await settings(mod) == before_settings
    assert await audit_rows(mod) == before_audit
    assert (await mod.bot.db.fetchone("SELECT COUNT(*) FROM community_settings"))[0] == 1


async def test_an_unknown_timezone_suggests_the_right_one(mod):
    out = await mod.text("/community timezone zone:Europe/Lndon")
    assert "Did you mean Europe/London" in out


async def test_members_and_facilitators_are_refused_moderator_commands(mod):
    await mod.say(":role fran facilitator", ":as fran")
    for line in ("/community timezone Europe/London", "/community show", "/community audit"):
        assert "Only moderators can use !community" in await mod.text(line)
    await mod.say(":as bob")
    out = await mod.text("/community channel purpose:alerts channel:#general")
    assert "(private) bob: Only moderators can use !community channel" in out
    assert await settings(mod) == {} and await audit_rows(mod) == []


async def test_facilitators_role_and_power_are_stored_and_audited(mod):
    out = await mod.text("/community facilitators role:@Helpers")
    assert "Facilitators: @Helpers" in out and ":role NAME facilitator" in out
    out = await mod.text("/community facilitators power:25")
    assert "power level 25 and up" in out
    assert (await settings(mod))["facilitator_role"] == "Helpers"
    assert (await settings(mod))["facilitator_power"] == "25"
    await mod.say("/community facilitators role:off")
    assert "facilitator_role" not in await settings(mod)
    actions = [r[2] for r in await audit_rows(mod)]
    assert actions == ["facilitator_role", "facilitator_power", "facilitator_role"]


async def test_welcome_is_sent_privately_to_new_members_with_what_the_bot_can_do(mod):
    text = "Welcome **friend** <b>hi</b> @everyone; we're glad you're here"
    out = await mod.text(f'/community welcome text:"{text}"')
    assert "New members will get this privately" in out
    out = await mod.say(":as bob")
    private = [line for line in out if line.startswith("(private) bob: ")]
    assert private == [f"(private) bob: {text}"]
    joined = "\n".join(out)
    assert "!help" in joined and "!mydata export" in joined
    assert not any(line.startswith("#") for line in out)
    # members who were already here get nothing new; no welcome once it is switched off
    await mod.say(":as alice", "/community welcome text:off")
    assert "welcome" not in await settings(mod)
    out = await mod.say(":as carol")
    assert not any(line.startswith("(private) carol") for line in out)


async def test_the_welcome_guide_is_in_the_newcomers_language(mod):
    """A German-speaking community's newcomer got the welcome with an English guide, then
    every reply after it in German (a newcomer's report)."""
    await mod.say("/community language de", '/community welcome text:"Willkommen!"')
    out = "\n".join(await mod.say(":as newbie"))
    assert "Willkommen!" in out
    assert "Here's what I can do" not in out
    assert "!mydata export" in out  # the guide itself is still there


async def test_show_lists_the_welcome_channel_and_the_welcome_text_apart(mod):
    await mod.say(
        "/community channel purpose:welcome channel:#welcome",
        '/community welcome text:"Glad you are here"',
    )
    show = await mod.text("/community show")
    assert "Welcome posts channel: #welcome" in show
    assert "Welcome message: Glad you are here" in show


async def test_a_public_welcome_is_posted_only_when_the_new_member_asks(mod):
    await mod.say(
        "/community channel purpose:welcome channel:#welcome",
        '/community welcome text:"Glad you are here"',
    )
    out = await mod.text(":as bob")
    assert not any(line.startswith("#") for line in out.split("\n"))  # nothing public unasked
    assert "a short hello from me in #welcome, type !hello" in out
    out = await mod.text("/hello")
    assert "#welcome: 🌱 Please welcome bob, who just joined us." in out
    assert "(private) bob: Done" in out
    out = await mod.text("/hello")
    assert "#welcome" not in out and "already" in out
    # no welcome channel: nothing is posted, and the private welcome doesn't offer it
    await mod.say(":as alice", "/community channel purpose:welcome channel:off")
    out = await mod.text(":as carol")
    assert "a short hello from me" not in out
    out = await mod.text("/hello")
    assert "no welcome channel" in out and "#" not in out.split("no welcome channel")[0]


async def test_the_settings_survive_a_restart(mod):
    await mod.say("/community timezone Asia/Tokyo", "/community channel checkins #checkins")
    await mod.restart()
    show = await mod.text("/community show")
    assert "Timezone: Asia/Tokyo" in show and "Shared check-ins channel: #checkins" in show


async def test_export_includes_my_audit_rows_and_delete_pseudonymises_them(mod):
    await mod.say(":role dana moderator", ":as dana", "/community region code:IE", ":as alice")
    await mod.say("/community region code:GB", "/community timezone Europe/Dublin")
    data = await mod.export()
    mine = data["community_audit"]
    assert [(r["action"], r["new_value"]) for r in mine] == [
        ("region", "GB"),
        ("timezone", "Europe/Dublin"),
    ]
    assert all(r["user_id"] == "alice" for r in mine)
    out = await mod.text("/mydata delete confirm:yes")
    assert "community_audit (2)" in out
    rows = await audit_rows(mod)
    assert rows == [
        ("dana", "dana", "region", None, "IE"),
        ("", "deleted member", "region", "IE", "GB"),
        ("", "deleted member", "timezone", None, "Europe/Dublin"),
    ]
    assert "community_audit" not in await mod.export()
    await mod.say(":as dana")
    out = await mod.text("/community audit")
    assert "deleted member: region IE → GB" in out and "alice" not in out


async def test_show_warns_when_crisis_alerts_have_nowhere_to_go(community):
    await community.say(":role alice moderator")
    out = await community.text("/community show")
    assert "No moderator alerts channel is set" in out
    await community.say("/community channel purpose:alerts channel:#alerts")
    assert "No moderator alerts channel is set" not in await community.text("/community show")
