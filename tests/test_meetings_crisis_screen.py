"""Red team: a crisis typed into a meeting's title or description brought the facilitator a
private crisis reply, and then the text was shown to every member (/meetings, the platform's
event listing) while no moderator heard. Meeting text now passes the crisis screen before it is
saved: urgent → the private crisis reply, the moderators alerted, and nothing published."""

from __future__ import annotations

from tests.harness import posted_in, private_to

URGENT = "I'm going to kill myself tonight, I have the pills ready"


async def facilitating(community) -> None:
    """mod moderates (#alerts), fran facilitates, #meetings takes the meeting posts."""
    await community.say(
        ":role mod moderator",
        ":role fran facilitator",
        ":as mod",
        ":channel alerts moderators",
        "/community channel purpose:alerts channel:#alerts",
        "/community channel purpose:meetings channel:#meetings",
        ":as fran",
    )


async def test_an_urgent_meeting_description_is_not_published_and_moderators_hear(community):
    await facilitating(community)
    out = await community.text(
        '/meeting add title:"Sunday circle" when:"weekly sun 19:00" length:60 '
        f'where:https://meet.example.org/c description:"{URGENT}"'
    )
    reply = private_to(out, "fran")
    assert "Emergency:" in reply  # the crisis reply, privately
    assert "Meeting #1 is planned" not in out and "didn't publish" in reply
    assert "stays private" not in reply and "let the moderators know" in reply  # no false promise
    assert "[event" not in out and "pills" not in out.replace(reply, "")
    alert = posted_in(out, "#alerts")
    assert "fran" in alert and "pills" not in alert  # who, never the text
    assert await community.rows("meetings") == []
    listing = await community.text(":as bob", "/meetings")
    assert "pills" not in listing


async def test_an_urgent_title_in_an_edit_leaves_the_meeting_as_it_was(community):
    await facilitating(community)
    await community.say(
        '/meeting add title:"Sunday circle" when:"weekly sun 19:00" length:60 '
        "where:https://meet.example.org/c"
    )
    out = await community.text(f'/meeting edit 1 title:"{URGENT}"')
    reply = private_to(out, "fran")
    assert "Emergency:" in reply and "is updated" not in out and "didn't publish" in reply
    assert "fran" in posted_in(out, "#alerts")
    assert "[event" not in out
    assert await community.rows("SELECT title, description FROM meetings") == [
        ("Sunday circle", None)
    ]
    assert "kill" not in await community.text(":as bob", "/meetings")


async def test_a_hard_but_safe_meeting_title_is_published(community):
    """Meetings about hard things are what the feature is for: only urgent text is held."""
    await facilitating(community)
    out = await community.text(
        '/meeting add title:"Grief and loss circle" when:"weekly sun 19:00" length:60 '
        'where:https://meet.example.org/c description:"For anyone missing someone"'
    )
    assert "Meeting #1 is planned" in out and "#alerts:" not in out
