"""Findings of a second red-team pass on the crisis path (an outside session that had not read
the code), each a test that failed before its fix: answers to a moderator's direct question
under a quote, agreement in other words and languages, plain crises missed, stories of a parent
rated urgent, an alert about a moderator pinging that moderator, and a graver message the
moderator already with the member did not hear of."""

from __future__ import annotations

import pytest

from cogs.crisis.watch import detect
from tests.harness import posted_in, private_to


def quoted(question: str, answer: str) -> str:
    """A Matrix reply: the quoted words (someone else's), a blank line, the answer."""
    return f"> <@alice:example.org> {question}\n\n{answer}"


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("are you thinking about killing yourself?", "yes"),
        ("are you having thoughts of ending your life?", "yes"),
        ("did you take the pills?", "yes all of them"),
        ("are you safe tonight?", "no"),
        ("bob are you going to hurt yourself?", "yes"),
        ("i want to kill myself tonight", "i feel the same way"),
        ("je veux me tuer ce soir", "moi aussi"),
        ("i want to kill myself tonight", "mir auch"),
        ("anyone else want to end it all?", "yes. tonight"),
    ],
)
def test_an_answer_that_says_it_of_the_writer_is_urgent(question, answer):
    assert detect(quoted(question, answer)).level == "urgent"


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("do you have a plan for thanksgiving?", "yes"),
        ("do you have a plan for the holidays so you don't drink?", "yes"),
        ("has anyone here ever relapsed?", "yes"),
        ("are you safe?", "yes"),
        ("are you coming to the meeting?", "yes"),
        ("this exam is killing me", "same lol"),
        ("i want to kill myself tonight", "please call someone, we're here"),
    ],
)
def test_an_answer_that_does_not_say_it_of_the_writer_stays_ordinary(question, answer):
    assert detect(quoted(question, answer)).level == "none"


@pytest.mark.parametrize(
    "message",
    [
        "i want to end it",
        "ready to end it",
        "mi voglio uccidere",
        "я наглоталась таблеток",
        "не хочу більше жити",
        "это моё прощальное письмо",
        "це мій прощальний лист",
        "questa è la mia lettera d'addio",
        "esta es mi despedida, los quiero",
    ],
)
def test_plain_crises_are_heard(message):
    assert detect(message).level != "none"


@pytest.mark.parametrize(
    "message",
    [
        "mio padre si è suicidato quando ero piccolo",
        "mi padre se suicidó cuando yo era niño, hoy lo recuerdo con cariño",
        "i have a plan for thanksgiving",
    ],
)
def test_everyday_talk_is_not_an_alert(message):
    assert detect(message).level == "none"


async def test_an_overdose_typed_in_ukrainian_pieces_is_flagged_as_an_overdose(alerts_team):
    out = await alerts_team.text(":as bob", "я наковталася", "таблеток")
    assert "It may be about an overdose." in posted_in(out, "#alerts")


async def test_an_alert_about_a_moderator_never_pings_or_asks_that_moderator(alerts_team):
    out = await alerts_team.text(
        ":role dave moderator",
        ":as alice",
        "i want to kill myself tonight",
        ":clock +11m",
        ":clock +30m",
    )
    reposts = [line for line in out.split("\n") if "Still unclaimed" in line]
    assert reposts and all("@alice" not in line for line in reposts)
    assert "@dave" in reposts[0]
    assert "Nobody has taken urgent alert" not in private_to(out, "alice")
    assert "Nobody has taken urgent alert" in private_to(out, "dave")


async def test_the_moderator_with_a_member_hears_privately_of_a_graver_message(alerts_team):
    await alerts_team.say(":as bob", "i want to kill myself tonight", ":as alice")
    await alerts_team.say("/alert claim 1", ":clock +5m", ":as bob")
    out = await alerts_team.text("i took all my pills")
    told = private_to(out, "alice")
    assert "Alert #1: bob wrote another message" in told and "new alert" in told
    assert "pills" not in told  # never the member's words
    assert "Alert #2" in posted_in(out, "#alerts")  # graver: alerted anew for everyone
