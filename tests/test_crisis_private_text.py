"""Private text is heard too (issue 17): check-in notes, partner SOS notes and safety-plan edits
pass the detector, and a worrying chat message gets a gentle private message by default."""

from __future__ import annotations

import pytest


@pytest.fixture
async def mod(community):
    """alice moderates with an alerts channel; bob is a member in GB."""
    await community.say(
        ":role alice moderator",
        "/community channel purpose:alerts channel:#alerts",
        ":as bob",
        "/crisis region set:GB",
    )
    return community


async def test_an_urgent_checkin_note_gets_the_crisis_reply_not_the_cheerful_line(mod):
    out = await mod.text('/checkin 5 note:"I want to kill myself tonight"')
    assert "glad to hear it" not in out
    assert out.startswith("(private) bob: I've saved your check-in")
    assert "these people are there for you right now" in out and "999" in out
    assert "Let a moderator know" in out
    assert "#alerts" not in out  # moderators hear only if bob chooses
    row = await mod.bot.db.fetchone("SELECT COUNT(*) FROM checkins WHERE user_id = 'bob'")
    assert row[0] == 1


async def test_an_overdose_note_puts_the_emergency_number_first(mod):
    await mod.say("/checkin 3")
    out = await mod.text('/checkin 3 note:"I took all my pills"')
    assert "added that to today" not in out
    lines = out.splitlines()
    assert "call 999 now" in lines[1]


async def test_a_calm_note_keeps_the_usual_reply(mod):
    out = await mod.text('/checkin 5 note:"good walk today"')
    assert "glad to hear it" in out and "There for you" not in out


async def test_an_urgent_safety_plan_edit_gets_the_crisis_reply(mod):
    out = await mod.text('/safetyplan edit section:reasons text:"none, I want to die tonight"')
    assert 'I saved "My reasons for living"' in out
    assert "these people are there for you right now" in out and "#alerts" not in out


async def test_an_urgent_sos_tells_the_partner_the_emergency_number(mod):
    from tests.test_partners import paired

    await paired(mod, "bob", "carol")
    await mod.say(":as bob")
    out = await mod.text('/partner sos note:"I took all my pills, goodbye"')
    to_carol = "\n".join(line for line in out.splitlines() if "carol" in line[:20])
    assert "I took all my pills, goodbye" in out
    assert "call 999" in out.split("(private) bob")[0] or "call 999" in to_carol
    assert "(private) bob: I've sent your note to your partner privately." in out
    assert "these people are there for you right now" in out


async def test_a_concern_message_gets_a_gentle_private_message_by_default(mod):
    out = await mod.text("I want to die")
    assert "(private) bob: It sounded like things might be heavy today" in out
    assert "Low priority (concern)" in out
    again = await mod.text("I want to die")
    assert "(private) bob" not in again  # once per 24 hours
    await mod.say(":clock +25h", "/crisis auto off")
    assert "(private) bob" not in await mod.text("I want to die")


async def test_moderators_can_switch_concern_messages_off_and_see_it(mod):
    await mod.say(":as alice")
    assert "crisis.concern_dm): on (the default)" in await mod.text("/community show")
    assert "only moderators are told" in await mod.text("/crisis concern-dm off")
    assert "crisis.concern_dm): off" in await mod.text("/community show")
    await mod.say(":as bob")
    out = await mod.text("I want to die")
    assert "(private) bob" not in out and "Low priority (concern)" in out
