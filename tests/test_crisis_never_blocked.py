"""Crisis help is never rate limited, and no command is ever dropped without a reply.

Issue 17 repro: after 20 commands in a minute, ``/crisis`` answered "please wait about 2
minute(s)", then ``/crisis notify`` and ``/checkin 2 note:"hard day"`` got no reply at all and
the check-in was not stored.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.ratelimit import say_wait
from tests.harness import ConsoleCommunity

FAST = ["/about"] * 20  # the default limit is 20 commands a minute


async def checkins_of(c: ConsoleCommunity, user: str) -> int:
    row = await c.bot.db.fetchone("SELECT COUNT(*) FROM checkins WHERE user_id = ?", (user,))
    return row[0]


async def test_the_issue_repro_answers_crisis_and_never_drops_the_checkin(community):
    await community.say(
        ":role mod moderator", ":as mod", "/community channel alerts #alerts", ":as alice"
    )
    await community.say(*FAST)
    crisis = await community.text("/crisis")
    assert "These people are there for you right now" in crisis
    assert "faster than I can keep up" not in crisis
    notify = await community.text("/crisis notify")
    assert "I've let the moderators know privately" in notify
    assert "#alerts: @mod Priority: alice asked for a moderator" in notify  # nobody on duty
    checkin = await community.text('/checkin 2 note:"hard day"')
    stored = await checkins_of(community, "alice")
    # either stored or refused with the wait, never silence
    assert checkin.startswith("(private) alice: ")
    if stored == 0:
        assert "I didn't run !checkin" in checkin
        assert re.search(r"try again in about (\d+ seconds|a minute)", checkin)


async def test_every_command_over_the_limit_is_answered_with_its_wait(community):
    await community.say(*FAST)
    for _ in range(5):
        out = await community.text('/checkin 2 note:"hard day"')
        assert "I didn't run !checkin:" in out
        assert "try again in about a minute" in out
        assert "!crisis always answers" in out
    assert await checkins_of(community, "alice") == 0
    await community.say(":clock +50s")
    out = await community.text("/checkin 2")
    assert "try again in about 10 seconds" in out
    await community.say(":clock +10s")
    out = await community.text('/checkin 2 note:"hard day"')
    assert "nothing was saved" not in out
    assert await checkins_of(community, "alice") == 1


@pytest.mark.parametrize(
    "line, shows",
    [
        ("/crisis", "These people are there for you right now"),
        ("/crisis region", "I show lines that work everywhere"),
        ("/safetyplan show", "You don't have a safety plan yet"),
        ("/safetyplan", "You don't have a safety plan yet"),
        ("/crisis auto off", "I won't send you automatic messages"),
    ],
)
async def test_crisis_help_is_never_rate_limited(community, line, shows):
    await community.say(*FAST, *FAST)
    for _ in range(3):
        assert shows in await community.text(line)


async def test_crisis_commands_do_not_use_up_the_limit(community):
    await community.say(*(["/crisis"] * 30))
    assert "peerbot" in await community.text("/about")


async def test_unknown_and_unreadable_lines_over_the_limit_are_answered(community):
    await community.say(*FAST)
    assert "I didn't run that" in await community.text("/nosuchcommand")
    assert "I didn't run that" in await community.text('/checkin note:"unclosed')


@pytest.mark.parametrize(
    "seconds, said",
    [
        (0.2, "about a second"),
        (1, "about a second"),
        (40, "about 40 seconds"),
        (60, "about a minute"),
        (89, "about a minute"),
        (91, "about 2 minutes"),
        (600, "about 10 minutes"),
        (3600, "about an hour"),
        (7200, "about 2 hours"),
    ],
)
def test_waits_are_said_in_the_right_unit(seconds, said):
    assert say_wait(timedelta(seconds=seconds)) == said


def test_issue_repro_never_says_minute_s():
    assert "(s)" not in say_wait(timedelta(minutes=2))
