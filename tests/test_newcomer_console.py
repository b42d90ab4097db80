"""What a newcomer found running the console, each shown as the person would notice it."""

from __future__ import annotations

import re
from pathlib import Path

from bot.spec import Permission
from tests.harness import posted_in, private_to
from tests.test_crisis_private_text import mod  # noqa: F401 (a fixture)
from tests.test_partners import paired
from tests.test_redteam_sharing_meetings import open_vent
from tests.test_support import desk  # noqa: F401 (a fixture)


async def test_an_urgent_sos_reply_does_not_promise_the_words_stay_private(mod):  # noqa: F811
    """The partner receives the words of an SOS note: the crisis reply must not say "What you
    wrote stays private"."""
    await paired(mod, "bob", "carol")
    await mod.say(":as bob")
    out = await mod.text('/partner sos note:"I want to kill myself tonight"')
    reply = private_to(out, "bob")
    assert "Emergency:" in reply
    assert "stays private" not in reply
    assert "Your partner has what you wrote" in reply


async def test_an_urgent_support_request_can_be_claimed_and_closed_as_alert_1(desk):  # noqa: F811
    """The newcomer's "/alert claim 1" answered "There is no alert #1 here"."""
    out = await desk.text('/support request kind:listen note:"I want to kill myself tonight"')
    assert "kill" not in posted_in(out, "#alerts")
    assert "stays private" not in private_to(out, "alice")
    claimed = await desk.text(":as mod", "/alert claim 1")
    assert "There is no alert" not in claimed
    assert "mod" in claimed
    assert "There is no alert" not in await desk.text("/alerts")


async def test_duty_list_says_what_an_alert_does_and_shows_supporters_on_duty(desk):  # noqa: F811
    """/duty list said "urgent alerts ping nobody at first" while the alert mentioned every
    moderator at once, and left out the supporters on duty."""
    listing = await desk.text(":as mod", "/duty list")
    assert "ping nobody" not in listing
    assert "mention every moderator at once" in listing
    assert "bob" in listing and "support requests" in listing
    out = await desk.text(":as alice", '/support request note:"I want to kill myself tonight"')
    assert "@mod" in posted_in(out, "#alerts")


async def test_a_member_holding_the_facilitators_role_facilitates_on_the_console(community):
    """As on Discord: /community facilitators role:Facilitators + :role fran +Facilitators."""
    await community.say(
        ":role mod moderator",
        ":as mod",
        "/community facilitators role:Facilitators",
        ":role fran +Facilitators",
        ":as fran",
    )
    out = await community.text(
        '/meeting add title:"Sunday circle" when:"weekly sun 19:00" length:60 '
        "where:https://meet.example.org/c"
    )
    assert "Only facilitators" not in out and "Meeting #1" in out
    out = await community.text(
        ":as mod", ":role fran -Facilitators", ":as fran", "/meeting cancel 1"
    )
    assert "Only facilitators" in out


async def test_meeting_replies_count_members_in_words_not_member_s(community):
    await community.say(":role fran facilitator", ":as fran")
    await community.say(
        '/meeting add title:"Sunday circle" when:"weekly sun 19:00" length:60 '
        "where:https://meet.example.org/c"
    )
    out = await community.text("/meeting remove 1")
    assert "member(s)" not in out and "0 member" not in out
    assert "Meeting #1 is removed." in out


async def test_the_audit_log_says_what_a_moderator_did_to_a_vent_post(community):
    """The log read "vent.remove post 1 → not set"."""
    await open_vent(community)
    await community.say("/vent a hard day", ":as mod", "/vent remove post:1")
    log = await community.text("/community audit")
    assert "post 1 → not set" not in log
    assert "post 1 → taken down" in log


async def test_revealing_an_author_needs_a_real_reason(community):
    """ "/vent reveal 1 curious" named the author; they are told the reason, so it must be
    one a person can understand."""
    await open_vent(community)
    await community.say("/vent a hard day", ":as mod")
    out = await community.text("/vent reveal 1 curious")
    assert "alice" not in out
    assert "a few words" in private_to(out, "mod")
    assert "vent.reveal" not in await community.text("/community audit")
    out = await community.text("/vent reveal 1 threats against a member in #general")
    assert "written by alice" in out


async def test_the_meetings_guide_examples_work_on_the_console(community):
    """docs/meetings.md's first example used where:#voice, which the console has no way to be."""
    guide = (Path(__file__).parent.parent / "docs" / "meetings.md").read_text()
    block = guide.split("## Planning a meeting", 1)[1].split("```", 2)[1]
    lines = [line for line in block.splitlines() if line.startswith("/meeting add")]
    await community.say(":role fran facilitator", ":as fran")
    for number, line in enumerate(lines, start=1):
        assert f"Meeting #{number} is planned" in await community.text(line), line


async def test_vent_without_text_says_at_once_that_anonymous_posting_is_not_open(community):
    """/vent alone asked for the text ("type !vent"), then refused only after it was written."""
    out = await community.text("/vent")
    assert "Anonymous posting isn't open in this community" in private_to(out, "alice")
    assert "Write it" not in out


async def test_community_set_lists_only_what_it_changes_and_points_to_the_rest(community):
    """Its help listed timezone, region, welcome … which it then refused to change."""
    out = await community.text(":role alice moderator", "/help community set")
    listed = out.split("one of", 1)[1].splitlines()[0]
    assert "timezone" not in listed and "welcome" not in listed and "crisis.concern_dm" in listed
    out = await community.text("/community set timezone Europe/Paris")
    assert "has a command of its own" in out and "community timezone" in out


async def test_a_skipped_date_is_not_listed_as_the_next_post(community):
    """After /prompt skip, /prompt list and /prompt resume still gave the skipped date as the
    next post (which was then, rightly, not posted)."""
    await community.say(
        ":role alice facilitator",
        '/prompt add text:"What helped you today?" schedule:"daily 20:00" channel:#general',
    )
    assert "won't post on Mon 02 Nov 2026" in await community.text("/prompt skip 1 2026-11-02")
    assert "won't post on Tue 03 Nov 2026" in await community.text("/prompt skip 1 2026-11-03")
    listing = await community.text("/prompt list")
    assert "next Wed 04 Nov 2026, 20:00" in listing and "next Mon" not in listing
    await community.say("/prompt pause 1")
    assert "Next post: Wed 04 Nov 2026, 20:00." in await community.text("/prompt resume 1")
    out = await community.text(":clock 2026-11-04T21:00")
    assert posted_in(out, "#general") == "What helped you today?"  # the 4th only
    assert "next Thu 05 Nov 2026, 20:00" in await community.text("/prompt list")


async def test_help_says_how_to_write_a_schedule(community):
    """/help prompt add said only "text (up to 200 characters)" for schedule; the accepted
    forms (daily 09:00, weekly mon,thu 19:30…) were in the error alone."""
    out = await community.text(":role alice moderator", "/help prompt add")
    schedule = next(line for line in out.splitlines() if line.strip().startswith("schedule:"))
    assert "daily 09:00" in schedule and "weekly mon,thu 19:30" in schedule, schedule


_EXAMPLE = re.compile(r"[\w#@][\w/:.+-]*")


def _examples(text: str) -> set[str]:
    """The words of a help line that are examples: with a digit, a capital after the first
    letter, or one of # @ / : (GB, Europe/London, 09:00, #general, @alex)."""
    return {
        w.rstrip(".:")
        for w in _EXAMPLE.findall(text)
        if re.search(r"[\d#@/:]|^.+[A-Z]|^[A-Z]{2}", w.rstrip(".:"))
    }


async def test_help_says_each_option_once(community):
    """/help crisis said "region: A two-letter country code, like GB or US; a two-letter country
    code like GB or US"; /help timezone set and /help meeting outside add the same for zone."""
    await community.say(":role alice moderator")
    out = await community.text("/help crisis")
    assert "region: A two-letter country code, like GB or US (optional)" in out
    for group in sorted({s.path[0] for s in community.bot.visible_commands(Permission.MODERATOR)}):
        await community.say(":clock +1m")  # well within the commands-per-minute limit
        out = await community.text(f"/help {group}")
        assert out.startswith(f"(private) alice: !{group}"), out
        for line in out.splitlines():
            if ": " not in line or " — " in line:
                continue
            option, text = line.strip().split(": ", 1)
            if "; " not in text:
                continue
            said, shown = text.split("; ", 1)
            assert said.lower() != option, line
            assert not _examples(said) & _examples(shown), line
    # in German, where a translation gives examples of its own
    await community.say(":clock +1m", "/language set de")
    out = await community.text("/help crisis")
    assert "region: Ein Ländercode aus zwei Buchstaben, z. B. DE oder AT (optional)" in out


async def test_milestone_share_takes_share_like_milestone_set(community):
    """/milestone set … share:public worked, but /milestone share name:alcohol share:public
    answered "There is no option called 'share' (options: name, visibility)"."""
    await community.say("/milestone set 2026-10-01 name:alcohol share:private")
    out = await community.text("/milestone share name:alcohol share:public")
    assert "Your alcohol counter is public" in out
    assert "is private" in await community.text("/milestone share alcohol private")
    assert "share: public" in await community.text("/help milestone share")


async def test_support_request_alone_does_not_point_back_to_itself(desk):  # noqa: F811
    """/support request with no options gave an example, then "→ Ask for support: type
    !support request": the command just typed."""
    out = private_to(await desk.text("/support request"), "alice")
    assert "For example: !support request kind:listen" in out
    assert "type !support request" not in out
