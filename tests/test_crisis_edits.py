"""Edited messages and spoilers reach the crisis listener (console community, `:edit`).

Issue 15/16 repro: a member who edited "see you tomorrow" into an urgent message got nothing and
no moderator was told, because edits were never screened. Now an edit is classified like a new
message, but one message never brings a second alert at the same level.
"""

from __future__ import annotations

import pytest

from tests.harness import posted_in, private_to

URGENT = "i'm going to kill myself tonight"
URGENT_AGAIN = "i'm going to kill myself tonight, i have the pills ready"


@pytest.fixture
def mod(alerts_team):
    """alice moderates; alerts go to #alerts; bob and carol are members (tests/conftest.py)."""
    return alerts_team


async def test_an_edit_into_an_urgent_message_is_heard_once(mod):
    out = await mod.say(":as bob", "see you tomorrow")
    assert posted_in(out, "#alerts") == "" and private_to(out, "bob") == ""
    out = await mod.say(f":edit {URGENT}")
    assert "These people are there for you" in private_to(out, "bob")
    assert posted_in(out, "#alerts").count("Priority alert (urgent)") == 1
    assert "#general message 1" in posted_in(out, "#alerts")  # the link of the edited message
    out = await mod.say(f":edit {URGENT_AGAIN}")
    assert out == ["* you edited your last message in #general"]  # same message, same level
    out = await mod.say(":clock +2h")
    assert "Update (" not in posted_in(out, "#alerts")  # not even counted into a merged follow-up


async def test_an_edit_that_changes_nothing_is_ignored(mod):
    await mod.say(":as bob", URGENT, ":clock +25h")
    out = await mod.say(f":edit {URGENT}")
    assert posted_in(out, "#alerts") == "" and private_to(out, "bob") == ""


async def test_an_edit_from_concern_to_urgent_alerts_at_once_and_back_down_does_not(mod):
    out = await mod.say(":as bob", "i feel so hopeless about everything")
    assert "Low priority (concern)" in posted_in(out, "#alerts")
    out = await mod.say(f":edit {URGENT}")
    assert "Priority alert (urgent)" in posted_in(
        out, "#alerts"
    )  # a higher level is never merged away
    out = await mod.say(":edit i feel so hopeless about everything", ":clock +2h")
    assert "Low priority" not in posted_in(out, "#alerts") and "Update (" not in posted_in(
        out, "#alerts"
    )


async def test_an_edited_message_is_remembered_across_a_restart(mod):
    out = await mod.say(":as bob", "i feel so hopeless about everything")
    assert "Low priority (concern)" in posted_in(out, "#alerts")
    await mod.restart()
    await mod.say(":as bob", ":clock +2h")
    out = await mod.say(":edit i feel so hopeless about everything, like a burden")
    assert (
        posted_in(out, "#alerts") == "" and private_to(out, "bob") == ""
    )  # same level: nothing new
    out = await mod.say(f":edit {URGENT}")
    assert "Priority alert (urgent)" in posted_in(out, "#alerts")  # the edit was heard


async def test_each_message_is_its_own_and_a_like_urgent_message_is_still_merged(mod):
    out = await mod.say(":as bob", URGENT)
    out = await mod.say(URGENT, ":clock +1h")  # a new kind of danger would be alerted at once
    assert "Update (urgent): 1 more message" in posted_in(out, "#alerts")


async def test_a_moderator_editing_in_the_alerts_channel_is_ignored(mod):
    out = await mod.say(":channel alerts", "checking on bob now", f":edit {URGENT}")
    assert posted_in(out, "#alerts") == "" and private_to(out, "alice") == ""


async def test_a_spoiler_hides_nothing_from_the_listener(mod):
    out = await mod.say(":as bob", f"||{URGENT}||")
    assert "These people are there for you" in private_to(out, "bob")
    assert "Priority alert (urgent)" in posted_in(out, "#alerts")


async def test_edit_without_an_earlier_message_explains_itself(mod):
    out = await mod.say(":as carol", ":edit hello")
    assert out[-1] == "* there's no message of yours to edit here in #general"
