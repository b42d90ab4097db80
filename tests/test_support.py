"""Support sessions on the console (issue 21): a member asks to talk, an on-duty peer supporter
claims the request, and they talk in a private group; hand over, close, feedback, history,
nobody on duty, urgent requests, bad input and the attacks a red-teamer would try."""

from __future__ import annotations

import pytest

from tests.harness import ConsoleCommunity

LIMITS = {"limits": {"commands_per_minute": 1000}}
REQUEST = '/support request kind:listen topics:grief,relapse time:45m note:"rough week at work"'


@pytest.fixture
async def desk(tmp_path):
    """mod moderates (alerts channel set); bob and sam are supporters, bob on duty; as alice."""
    c = await ConsoleCommunity.create(tmp_path, config=LIMITS)
    await c.with_supporters(("bob", "sam"), on_duty=("bob",))
    yield c
    await c.stop()


def lines_for(out: str, who: str) -> str:
    """What one person (or a private group) was shown, joined."""
    keep, current = [], None
    for line in out.splitlines():
        if not line.startswith("    "):
            current = line
        if current and current.startswith(who):
            keep.append(line)
    return "\n".join(keep)


async def test_request_queue_claim_private_group_and_close(desk):
    out = await desk.text(REQUEST)
    assert "(private) alice: Thank you for asking. You're number 1 in the queue" in out
    assert "!crisis" in out
    told_bob = lines_for(out, "(private) bob")
    assert "A support request is waiting" in told_bob and "alice" not in told_bob

    out = await desk.text(":as bob", "/support queue")
    assert "#1: waiting" in out and "someone to listen" in out and "grief, relapse" in out
    assert "alice" not in out and "rough week" not in out  # no name, no words before a claim

    out = await desk.text("/support claim")
    group = lines_for(out, "(private group: alice, bob)")
    assert "Support session #1" in group and "rough week at work" in group
    assert "grief, relapse" in group and "about 45 minutes" in group
    assert "rough week" not in out.replace(group, "")  # the words are in the group only
    assert "bob is here for you" in lines_for(out, "(private) alice")

    out = await desk.text("/support close outcome:supported")
    assert "Closed #1" in out
    assert "How was this?" in lines_for(out, "(private) alice")
    assert "take a break if you need one" in lines_for(out, "(private) bob")  # grief is heavy
    out = await desk.text(":as alice", "/support feedback rating:5 word:kind", "/support history")
    assert "counted without your name" in out
    assert "someone to listen, session ended" in out and "rough week" not in out


async def test_handoff_gives_the_note_to_the_next_supporter_only(desk):
    await desk.say(REQUEST, ":as sam", "/duty on", ":as bob", "/support claim")
    out = await desk.text('/support handoff member:sam note:"talked about work, wants a call back"')
    assert "Handed over to sam" in out
    assert "wants a call back" in lines_for(out, "(private) sam")
    assert "wants a call back" not in out.replace(lines_for(out, "(private) sam"), "")
    assert "Support session #1" in lines_for(out, "(private group: alice, sam)")
    out = await desk.text("/support close outcome:supported")
    assert "You hold no such session" in out  # bob is free again
    out = await desk.text(":as sam", "/support close outcome:referred")
    assert "Closed #1" in out


async def test_handoff_refuses_non_supporters_and_off_duty_supporters(desk):
    await desk.say(":as carol", ":as alice", REQUEST, ":as bob", "/support claim")
    out = await desk.text('/support handoff member:carol note:"hi"')
    assert "another peer supporter" in out and "Nothing changed" in out
    out = await desk.text('/support handoff member:sam note:"hi"')
    assert "aren't on duty" in out
    out = await desk.text("/support close outcome:supported")
    assert "Closed #1" in out


async def test_nobody_on_duty_is_told_honestly_with_the_next_rota_time(desk):
    await desk.say(
        ":as bob",
        "/duty off",
        "/timezone set Europe/London",
        "/duty rota add day:tue start:18:00 end:22:00",
        ":as sam",
        "/support settings callme:on",
        ":as alice",
    )
    out = await desk.text(REQUEST)
    alice = lines_for(out, "(private) alice")
    assert "No peer supporter is on duty right now" in alice
    assert "Tue 03 Nov 2026, 18:00" in alice and "!crisis" in alice
    sam = lines_for(out, "(private) sam")
    assert "nobody is on duty" in sam and "alice" not in sam and "rough week" not in sam


async def test_an_urgent_request_gets_crisis_lines_and_no_queue_place(desk):
    out = await desk.text('/support request kind:listen note:"I want to kill myself tonight"')
    alice = lines_for(out, "(private) alice")
    assert "Let a moderator know" in alice and "number 1" not in alice
    assert "not put in the queue" in alice  # and told so
    alerts = lines_for(out, "#alerts")
    assert "alice" in alerts and "kill" not in alerts  # the moderators hear the name, not the words
    out = await desk.text(":as bob", "/support queue")
    assert "Nobody is waiting" in out


async def test_cancel_moves_the_next_member_up(desk):
    await desk.say(REQUEST, ":as carol")
    out = await desk.text(REQUEST)
    assert "number 2" in out
    out = await desk.text(":as alice", "/support cancel")
    assert "request is cancelled" in out
    assert "you're now number 1" in lines_for(out, "(private) carol")


async def test_half_hourly_updates_while_waiting(desk):
    await desk.say(REQUEST)
    out = await desk.text(":clock +31m")
    assert "Still here for you: you're number 1" in lines_for(out, "(private) alice")
    out = await desk.text(":clock +30m")
    assert "Still here for you" in out


async def test_the_member_can_end_a_session_any_time(desk):
    await desk.say(REQUEST, ":as bob", "/support claim", ":as alice")
    out = await desk.text("/support end")
    assert "Your session has ended" in out
    assert "the member closed it" in lines_for(out, "(private) bob")
    out = await desk.text(":as bob", "/support close outcome:supported")
    assert "You hold no such session" in out


async def test_max_concurrent_sessions(desk):
    await desk.say(REQUEST, ":as carol", REQUEST, ":as bob", "/support claim")
    out = await desk.text("/support claim")
    assert "your limit" in out
    out = await desk.text("/support settings max:2", "/support claim")
    assert "up to 2 sessions" in out and "You claimed #2" in out


async def test_stats_for_moderators_have_no_names_or_content(desk):
    await desk.say(REQUEST, ":as bob", "/support claim", "/support close outcome:supported")
    out = await desk.text(":as mod", "/support stats")
    assert "1 request, 1 answered" in out and "Sessions per supporter: 1" in out
    assert "alice" not in out and "bob" not in out and "rough" not in out
    out = await desk.text(":as alice", "/support stats")
    assert "Last 7 days" not in out


async def test_the_duty_hours_nudge(desk):
    await desk.say(REQUEST, ":clock +5h", ":as carol", REQUEST)
    out = await desk.text(":as bob", "/support claim")
    assert "more than 4 hours" not in out  # already nudged at 4 hours, once per stretch
    out = await desk.text("/support settings max:2", "/support claim")
    assert "more than 4 hours" not in out


async def test_the_duty_hours_nudge_comes_with_nobody_waiting(desk):
    """bob went on duty at 12:00 and nobody asks for support all afternoon."""
    out = await desk.text(":clock +3h59m")
    assert "more than 4 hours" not in out
    out = await desk.text(":clock +2m")
    assert "on duty for more than 4 hours" in lines_for(out, "(private) bob")
    assert "!duty off" in out
    out = await desk.text(":clock +8h")
    assert "more than 4 hours" not in out  # once per stretch
    out = await desk.text(":as bob", "/duty off", "/duty on", ":clock +3h")
    assert "more than 4 hours" not in out
    out = await desk.text(":clock +1h1m")  # a new stretch earns its own nudge
    assert "on duty for more than 4 hours" in lines_for(out, "(private) bob")


async def test_the_duty_hours_nudge_survives_a_restart_and_skips_who_went_off(desk):
    await desk.say(":as sam", "/duty on", ":clock +2h", ":as bob", "/duty off")
    await desk.restart()
    out = await desk.text(":clock +2h1m")
    assert "more than 4 hours" in lines_for(out, "(private) sam")
    assert "more than 4 hours" not in lines_for(out, "(private) bob")


# --- the private space ----------------------------------------------------------------------


async def test_closing_a_session_closes_its_private_space(desk):
    await desk.say(REQUEST, ":as bob", "/support claim")
    out = await desk.text("/support close outcome:supported")
    group = lines_for(out, "(private group: alice, bob)")
    assert "Session #1 has ended" in group and "!crisis" in group
    assert "(private group closed: alice, bob)" in out
    assert "rough week" not in out


async def test_the_member_ending_closes_the_space_too(desk):
    await desk.say(REQUEST, ":as bob", "/support claim", ":as alice")
    out = await desk.text("/support end")
    assert "(private group closed: alice, bob)" in out


async def test_a_handoff_closes_the_first_space_and_opens_a_new_one(desk):
    await desk.say(REQUEST, ":as sam", "/duty on", ":as bob", "/support claim")
    out = await desk.text('/support handoff member:sam note:"call back"')
    assert "bob handed session #1 on to sam" in lines_for(out, "(private group: alice, bob)")
    assert "(private group closed: alice, bob)" in out
    assert "Support session #1" in lines_for(out, "(private group: alice, sam)")
    out = await desk.text(":as sam", "/support close outcome:supported")
    assert "(private group closed: alice, sam)" in out


async def test_a_supporter_who_loses_the_role_has_the_space_closed(desk):
    await desk.say(REQUEST, ":as bob", "/support claim", ":role bob -Supporters")
    out = await desk.text(":clock +31m")
    assert "the supporter had to step away" in lines_for(out, "(private group: alice, bob)")
    assert "(private group closed: alice, bob)" in out


async def test_a_crash_between_claim_and_space_opens_it_after_the_restart(desk):
    """The claim was saved, then the bot stopped before opening the space."""
    from storage.support import SupportStore

    await desk.say(REQUEST)
    claimed = await SupportStore(desk.bot.db).claim(
        "console", "console", None, "bob", desk.clock.now()
    )
    assert claimed is not None and claimed.space is None
    await desk.restart()
    out = await desk.text(":clock +6m")
    assert "Sorry for the delay" in lines_for(out, "(private) bob")
    assert "rough week at work" in lines_for(out, "(private group: alice, bob)")
    assert "bob is here for you" in lines_for(out, "(private) alice")
    out = await desk.text(":clock +31m")
    assert "private group: alice, bob" not in out  # opened once, not again
    out = await desk.text(":as bob", "/support close outcome:supported")
    assert "(private group closed: alice, bob)" in out


async def test_a_crash_before_the_space_with_the_supporter_gone_requeues_kindly(desk):
    from storage.support import SupportStore

    await desk.say(REQUEST)
    await SupportStore(desk.bot.db).claim("console", "console", None, "bob", desk.clock.now())
    await desk.restart()
    out = await desk.text(":role bob -Supporters", ":clock +6m")
    assert "back in the queue as number 1" in lines_for(out, "(private) alice")
    assert "private group" not in out
    out = await desk.text(":as sam", "/duty on", "/support claim")
    assert "You claimed #1" in out


async def test_a_member_who_left_before_the_claim_is_closed_kindly(desk):
    await desk.say(REQUEST, ":as carol", REQUEST, ":leave alice")
    out = await desk.text(":as bob", "/support claim")
    assert "couldn't reach the member of request #1" in out and "free for the next one" in out
    assert "private group" not in out and "rough week" not in out
    assert "You claimed" not in out
    out = await desk.text("/support claim")  # bob is free: the next request
    assert "You claimed #2" in out
    row = await desk.bot.db.fetchone("SELECT status, outcome FROM support_requests WHERE id = 1")
    assert tuple(row) == ("closed", "member-left")


# --- member data ----------------------------------------------------------------------------


async def test_mydata_export_and_delete_include_support(desk):
    await desk.say(REQUEST, ":as bob", "/support claim", ":as alice")
    data = await desk.export()
    assert data["support requests"]["requests"][0]["note"] == "rough week at work"
    out = await desk.text("/mydata delete confirm:yes")
    assert "Done" in out
    assert "deleted their data" in lines_for(out, "(private) bob")
    rows = await desk.bot.db.fetchall("SELECT * FROM support_requests")
    assert rows == []
    out = await desk.text(":as bob", "/support claim")
    assert "Nobody is waiting" in out


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ("/support request kind:hug", "not an option"),
        ("/support request kind:listen topics:weather", "not one of the topics"),
        ("/support request kind:listen time:2d", "between 5 minutes and 8 hours"),
        ("/support request kind:listen time:1m", "between 5 minutes and 8 hours"),
        ("/support request kind:listen time:soon", "between 5 minutes and 8 hours"),
        ("/support request kind:listen note:" + "x" * 10_000, "limit is 1,000"),
        ("/support feedback rating:9", "1"),
        ("/support feedback rating:abc", "whole number"),
    ],
)
async def test_bad_input_is_refused_kindly_and_nothing_is_queued(desk, line, expected):
    out = await desk.text(line)
    assert expected in out
    assert "Traceback" not in out and "went wrong" not in out
    assert await desk.bot.db.fetchall("SELECT id FROM support_requests") == []


async def test_markup_mentions_and_sql_in_the_note_are_kept_verbatim(desk):
    note = "<b>@everyone</b> **hi** '; DROP TABLE support_requests; --"
    await desk.say(f'/support request kind:advice topics:none note:"{note}"')
    out = await desk.text(":as bob", "/support claim")
    assert note in lines_for(out, "(private group: alice, bob)")


# --- what a red-teamer tries ----------------------------------------------------------------


async def test_a_non_supporter_can_neither_see_the_queue_nor_claim(desk):
    await desk.say(REQUEST, ":as carol")
    for line in ("/support queue", "/support claim", "/support claim id:1", "/duty on"):
        out = await desk.text(line)
        assert "rough week" not in out and "grief" not in out
    out = await desk.text("/support claim id:1")
    assert "Only the peer supporters" in out
    out = await desk.text(":as mod", "/support claim id:1")  # moderators are not supporters
    assert "Only the peer supporters" in out
    out = await desk.text(":as bob", "/support claim id:1")
    assert "You claimed #1" in out


async def test_a_member_cannot_see_or_end_another_members_request(desk):
    await desk.say(REQUEST, ":as carol")
    out = await desk.text("/support history", "/support cancel", "/support end")
    assert (
        "rough week" not in out
        and "no support requests here" in out
        and "no support request" in out
    )
    out = await desk.text(":as alice", "/support history")
    assert "waiting" in out


async def test_a_supporter_cannot_claim_their_own_request(desk):
    out = await desk.text(":as bob", REQUEST, "/support claim")
    assert "Nobody is waiting" in out


async def test_one_member_cannot_flood_the_queue(desk):
    out = await desk.text(REQUEST, REQUEST)
    assert "already have a support request open" in out
    for _ in range(2):  # taken back after a while: they count
        await desk.say(":clock +11m", "/support cancel", REQUEST)
    out = await desk.text(":clock +11m", "/support cancel", REQUEST)
    assert "3 times in the last day" in out and "!crisis" in out
    rows = await desk.bot.db.fetchall("SELECT id FROM support_requests")
    assert len(rows) == 3


async def test_a_60_kb_request_is_refused_kindly(desk):
    out = await desk.text("/support request kind:listen note:" + "a" * 60_000)
    assert "too long" in out and len(out) < 2_000
    assert await desk.bot.db.fetchall("SELECT id FROM support_requests") == []


async def test_a_60_kb_urgent_request_still_gets_crisis_lines(desk):
    out = await desk.text(
        "/support request kind:listen note:I want to kill myself tonight " + "a" * 60_000
    )
    assert "Let a moderator know" in out


async def test_a_supporter_who_leaves_mid_session_hands_the_member_back_to_the_queue(desk):
    await desk.say(REQUEST, ":as bob", "/support claim", ":role bob -Supporters")
    out = await desk.text(":clock +31m")
    alice = lines_for(out, "(private) alice")
    assert "had to step away" in alice and "number 1" in alice
    out = await desk.text(":as sam", "/duty on", "/support claim")
    assert "You claimed #1" in out
    assert "rough week at work" in lines_for(out, "(private group: alice, sam)")


async def test_deleting_everywhere_mid_session_still_tells_the_supporter(desk):
    await desk.say(REQUEST, ":as bob", "/support claim", ":as alice")
    out = await desk.text("/mydata delete confirm:yes scope:everywhere")
    assert "deleted their data" in lines_for(out, "(private) bob")


async def test_everyone_cannot_be_made_a_supporter(desk):
    out = await desk.text(":as mod", "/community supporters power:0")
    assert "everyone" in out and "Nothing changed" in out
    out = await desk.text("/community supporters")
    assert "Supporters" in out


async def test_a_restart_mid_session_loses_nothing(desk):
    await desk.say(REQUEST, ":as carol", REQUEST, ":as bob", "/support claim")
    await desk.restart()
    out = await desk.text("/support queue")
    assert "#2: waiting" in out
    out = await desk.text("/support close outcome:supported")
    assert "Closed #1" in out
    out = await desk.text(":clock +31m")
    assert "Still here for you" in lines_for(out, "(private) carol")


async def test_a_session_is_not_passed_back_and_forth_without_end(desk):
    """Each handoff gives the member a new space and a new face: after three, it stays put."""
    await desk.say(REQUEST, ":as sam", "/duty on", ":as bob", "/support claim")
    for giver, taker in (("bob", "sam"), ("sam", "bob"), ("bob", "sam")):
        out = await desk.text(f":as {giver}", f'/support handoff member:{taker} note:"over to you"')
        assert f"Handed over to {taker}" in out
    out = await desk.text(":as sam", '/support handoff member:bob note:"again"')
    assert "handed over 3 times already" in out and "Nothing changed" in out
    assert "(private group: alice, bob)" not in out  # alice gets no fourth new space
    out = await desk.text("/support close outcome:supported")
    assert "Closed #1" in out
