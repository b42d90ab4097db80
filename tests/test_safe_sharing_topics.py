"""Content-warning reminders read topics through the crisis detector (the `crisis.topics`
service): in every language it reads, and precisely (no reminder for a haircut)."""

from __future__ import annotations

import pytest

from cogs.contentwarnings.topics import TOPICS as CW_TOPICS
from cogs.crisis.topics import TOPICS, topics_in


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Ich war gestern Abend so betrunken", "alcohol"),
        ("I was so drunk last weekend", "alcohol"),
        ("estaba muy borracha anoche", "alcohol"),
        ("j'étais bourrée hier soir", "alcohol"),
        ("fiquei bêbado ontem", "alcohol"),
        ("ero ubriaca ieri sera", "alcohol"),
        ("Я вчора був п’яний", "alcohol"),  # a typographic apostrophe
        ("I cut myself again last night", "self-harm"),
        ("ich habe mich wieder geritzt", "self-harm"),
        ("I relapsed and used heroin", "drugs"),
        ("volví a consumir cocaína", "drugs"),
        ("the funeral was today", "grief"),
        ("ma mère est décédée", "grief"),
        ("he hit me again", "abuse"),
        ("anorexia is winning today", "eating"),
        ("DRUNK AGAIN", "alcohol"),
        ("so drrrunk", "alcohol"),  # doubled letters
    ],
)
def test_topics_in_every_language(text, topic):
    found = topics_in(text)
    if topic is None:
        assert found == []
    else:
        assert topic in found, (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "I cut my hair today",
        "we should crack on",
        "I cut my finger chopping onions",
        "my phone died",
        "hit me up later",
        "binge watching netflix",
        "I love my cat",
        "",
        "   ",
        "||",
        "<b>x</b> @everyone ' OR 1=1 --",
        "é" * 20_000,
    ],
)
def test_ordinary_chat_and_bad_values_name_no_topic(text):
    assert topics_in(text) == []


def test_the_reminder_and_the_detector_name_the_same_topics():
    assert CW_TOPICS == TOPICS


async def test_no_self_harm_reminder_for_a_haircut(community):
    await community.say(":role mod moderator", ":as mod")
    await community.say("/tw channel channel:#general topics:self-harm,drugs")
    out = await community.text(":as alice", "I cut my hair today, we should crack on")
    assert "Thank you for sharing" not in out


async def test_a_german_member_gets_the_reminder_too(community):
    """The issue asks for "the detector's topic lexicon" (multilingual); topics.py was English."""
    await community.say(":role mod moderator", ":as mod")
    await community.say("/tw channel channel:#general topics:alcohol")
    await community.say(":as alice", "/language set de")
    out = await community.text("Ich war gestern Abend so betrunken")
    assert "(private) alice" in out and "!tw topic:alcohol" in out
    assert "#general:" not in out


async def test_a_topic_the_channel_does_not_expect_brings_no_reminder(community):
    await community.say(":role mod moderator", ":as mod")
    await community.say("/tw channel channel:#general topics:grief")
    out = await community.text(":as alice", "Ich war gestern Abend so betrunken")
    assert "(private) alice" not in out
