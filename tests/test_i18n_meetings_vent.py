"""Languages (issue 24), meetings, anonymous posts and content warnings: what a member, a
facilitator and a moderator who chose a language read, in the console community, with
placeholders filled and mentions kept off; reminders and meeting updates reach each member in
their own language while channel posts stay in the community's."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import translator
from bot.recurrence import parse_schedule
from tests.harness import ConsoleCommunity, posted_in, private_to

LANGUAGES = ("es", "pt_BR", "de", "fr", "uk")
START = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)  # a Monday; London is on GMT (UTC+0)
LINK = "https://meet.example.org/circle"
ADD = f'/meeting add title:"Sunday circle" when:"weekly sun 19:00" length:60 where:{LINK}'
SUNDAY = datetime(2026, 11, 8, 19, 0, tzinfo=ZoneInfo("Europe/London"))
LIMITS = {"limits": {"commands_per_minute": 1000}}


def filled(text: str) -> bool:
    """No placeholder left unfilled."""
    return "{" not in text and "}" not in text


def nobody_pinged(out: str) -> bool:
    """The console shows a ping as "@name" right after where a message went."""
    return not re.search(r"^(\(private\) \w+|#[\w-]+): @", out, re.MULTILINE)


def when(code: str, instant: datetime = SUNDAY) -> str:
    return translator(code).datetime(instant, "EEE dd MMM y, HH:mm")


@pytest.fixture
async def c(tmp_path):
    """London community: mod moderates, fran facilitates; #meetings, #vent and a moderators-only
    #alerts; the community itself has no language (English); typing as alice."""
    community = await ConsoleCommunity.create(tmp_path, start=START, config=LIMITS)
    await community.say(
        ":role mod moderator",
        ":role fran facilitator",
        ":as mod",
        ":channel alerts moderators",
        ":channel general",
        "/community timezone Europe/London",
        "/community channel purpose:meetings channel:#meetings",
        "/community channel purpose:vent channel:#vent",
        "/community channel purpose:alerts channel:#alerts",
        ":as alice",
    )
    yield community
    await community.stop()


@pytest.mark.parametrize("code", LANGUAGES)
async def test_a_member_uses_meetings_in_their_language(c: ConsoleCommunity, code: str) -> None:
    tr = translator(code)
    await c.say(":as fran", ADD, ":as alice", f"/language set {code}")
    out = private_to(await c.text("/meetings"), "alice")
    assert tr("Meetings in the next seven days, in your time ({tz}):", tz="Europe/London") in out
    line = tr.plural(
        "#{id} {title}: {when}, {count} min, {where}",
        "#{id} {title}: {when}, {count} min, {where}",
        60,
        id=1,
        title="Sunday circle",
        when=when(code),
        where=LINK,
    )
    assert line in out and tr("RSVP #{id}", id=1) in out and filled(out)
    assert "in your time" not in out and "RSVP for the next one" not in out  # no English left

    out = private_to(await c.text("/meeting rsvp 1 remind:1h"), "alice")
    going = tr(
        "You're going to {title} on {when} (your time, {tz}). {reminder} Changed your mind? "
        "{leave} {id}",
        title="Sunday circle",
        when=when(code),
        tz="Europe/London",
        reminder=tr("I'll remind you privately an hour before, and again when it starts."),
        leave="!meeting leave",
        id=1,
    )
    assert going in out and "You're going" not in out and filled(out)

    out = await c.text(":clock 2026-11-08T18:00")
    reminder = tr(
        "Reminder: {title} starts in an hour, at {when} your time ({tz}). Join: {where}",
        title="Sunday circle",
        when=when(code),
        tz="Europe/London",
        where=LINK,
    )
    assert reminder in private_to(out, "alice")
    out = await c.text(":clock 2026-11-08T19:00")
    assert "#meetings: The room is open: Sunday circle starts now (60 minutes)" in out  # community
    assert tr("{title} is starting now ({when} your time, {tz}). Join: {where} — glad you're coming.", title="Sunday circle", when=when(code), tz="Europe/London", where=LINK) in private_to(out, "alice")  # fmt: skip

    out = private_to(await c.text("/meeting leave 1", "/meeting rsvp 99"), "alice")
    assert tr("You had no RSVP to meeting #{id}, so nothing changed.", id=1) in out
    assert tr("I can't find meeting #{id} here. {hint} shows the coming ones.", id=99, hint="!meetings") in out  # fmt: skip
    assert filled(out)


@pytest.mark.parametrize("code", LANGUAGES)
async def test_a_facilitator_plans_and_cancels_in_their_language(
    c: ConsoleCommunity, code: str
) -> None:
    """fran reads ``code``; bob (English) and carol (Ukrainian) RSVPed: each is told in theirs."""
    tr, uk = translator(code), translator("uk")
    await c.say(":as bob", ":as carol", "/language set uk", ":as fran", f"/language set {code}")
    out = private_to(await c.text(ADD), "fran")
    planned = tr.plural(
        "Meeting #{id} is planned: {title}, {when} ({tz}), {count} minute, in {where}.",
        "Meeting #{id} is planned: {title}, {when} ({tz}), {count} minutes, in {where}.",
        60,
        id=1,
        title="Sunday circle",
        when=parse_schedule("weekly sun 19:00").describe(tr),
        tz="Europe/London",
        where=LINK,
    )
    assert planned in out and "is planned" not in out and filled(out)
    await c.say(":as bob", "/meeting rsvp 1", ":as carol", "/meeting rsvp 1")
    out = await c.text(":as fran", "/meeting cancel 1 date:2026-11-08")
    day = tr.date(SUNDAY.date(), "EEE dd MMM y")
    assert tr("Meeting #{id} on {day} is cancelled.", id=1, day=day) in private_to(out, "fran")
    assert tr.plural("I told the {count} member with an RSVP privately.", "I told the {count} members with an RSVP privately.", 2) in private_to(out, "fran")  # fmt: skip
    update = "Meeting update: {title} on {when} ({tz}, your time) is cancelled. Your RSVP for it is removed; take care."  # fmt: skip
    values = {"title": "Sunday circle", "tz": "Europe/London"}
    assert update.format(when=when("en"), **values) in private_to(out, "bob")
    assert uk(update, when=when("uk"), **values) in private_to(out, "carol")
    assert "#meetings: Cancelled: Sunday circle on" in out  # the community's language
    assert filled(out) and nobody_pinged(out)


async def test_a_meeting_reminder_reaches_a_ukrainian_member_in_ukrainian(
    c: ConsoleCommunity,
) -> None:
    """bob reads Ukrainian, alice English; one reminder each, in their own words, same meeting."""
    uk = translator("uk")
    await c.say(":as fran", ADD, ":as bob", "/language set uk", "/meeting rsvp 1 remind:15m")
    await c.say(":as alice", "/meeting rsvp 1 remind:15m")
    out = await c.text(":clock 2026-11-08T18:45")
    slots = {"title": "Sunday circle", "tz": "Europe/London", "where": LINK}
    ukrainian = uk.plural(
        "Reminder: {title} starts in {count} minute, at {when} your time ({tz}). Join: {where}",
        "Reminder: {title} starts in {count} minutes, at {when} your time ({tz}). Join: {where}",
        15,
        when=when("uk"),
        **slots,
    )
    assert ukrainian in private_to(out, "bob") and "хвилин" in ukrainian
    assert "Reminder: Sunday circle starts in 15 minutes, at Sun 08 Nov 2026, 19:00" in private_to(
        out, "alice"
    )
    assert "Reminder" not in private_to(out, "bob") and filled(out) and nobody_pinged(out)


@pytest.mark.parametrize("code", LANGUAGES)
async def test_anonymous_posts_in_each_language(c: ConsoleCommunity, code: str) -> None:
    tr = translator(code)
    await c.say(f"/language set {code}")
    out = await c.text("/vent a hard week @everyone, but still here")
    mine = private_to(out, "alice")
    posted = tr(
        "Posted anonymously as Anonymous member #{alias} (post {number}). Only I know it was you.",
        alias="ALIAS",
        number=1,
    )
    assert re.search(re.escape(posted).replace("ALIAS", r"\d+"), mine)
    assert "Only I know" not in mine
    assert "🕊️ Anonymous member #" in posted_in(out, "#vent")  # the community's language
    assert "@everyone" in posted_in(out, "#vent") and nobody_pinged(out) and filled(mine)

    out = private_to(await c.text("/vent"), "alice")
    ask = "What would you like to post anonymously? Type it after the command: {usage}"
    assert tr.gettext(ask).split("{usage}")[0] in out and tr("Write it") not in out
    assert filled(out)

    out = private_to(await c.text("/vent reply post:1 text:thanks", "/vent reply post:9 text:x"), "alice")  # fmt: skip
    assert tr("There's no anonymous post {number} here.", number=9) in out
    out = private_to(
        await c.text(":as bob", f"/language set {code}", "/vent reply post:1 text:x", ":as alice"),
        "bob",
    )
    assert tr("You can answer as your alias only on a post you wrote while it is still yours.") in out  # fmt: skip
    out = private_to(await c.text("/vent forget posts:remove"), "alice")
    assert tr.plural("Done: {count} anonymous post no longer linked to you and taken down.", "Done: {count} anonymous posts no longer linked to you and taken down.", 2) in out  # fmt: skip
    assert filled(out)


@pytest.mark.parametrize("code", LANGUAGES)
async def test_a_moderator_reaches_an_author_each_in_their_language(
    c: ConsoleCommunity, code: str
) -> None:
    """mod reads ``code``, alice (the author) Ukrainian: the relay speaks to each in theirs."""
    tr, uk = translator(code), translator("uk")
    await c.say("/language set uk", ":as mod", f"/language set {code}", ":as alice")
    await c.say("/vent a hard week")
    out = await c.text(":as mod", "/vent reach post:1 text:We're here if you need us @everyone")
    assert tr("Sent to the author of post {number}. You won't learn who they are; if they answer, I'll pass it to you privately.", number=1) in private_to(out, "mod")  # fmt: skip
    reached = private_to(out, "alice")
    text = "We're here if you need us @everyone"
    assert uk("A moderator is reaching out about your anonymous post {number}. They don't know who you are, and I won't tell them.\n\n{text}\n\nYou can answer through me: {hint} post:{number} text:…", number=1, text=text, hint="!vent answer").split("\n")[0] in reached  # fmt: skip
    assert text in reached and nobody_pinged(out)
    out = await c.text(":as alice", "/vent answer post:1 text:thank you")
    assert tr("The author of anonymous post {number} answered you:\n\n{text}", number=1, text="thank you").split("\n")[0] in private_to(out, "mod")  # fmt: skip
    assert uk("I've passed your answer on. The moderator still doesn't know who you are.") in private_to(out, "alice")  # fmt: skip
    out = private_to(await c.text(":as mod", "/vent block post:1"), "mod")
    assert tr("The author of post {number} can't post anonymously here any more. I haven't told you who it is. {hint} post:{number} lifts it.", number=1, hint="!vent unblock") in out  # fmt: skip
    assert filled(out)


@pytest.mark.parametrize("code", LANGUAGES)
async def test_content_warnings_in_each_language(c: ConsoleCommunity, code: str) -> None:
    tr = translator(code)
    await c.say(f"/language set {code}")
    out = await c.text(":channel general", "/tw topic:drugs text:I used again @everyone")
    assert tr("Posted behind a content warning ({topic}). Thank you for looking out for others.", topic=tr("drugs")) in private_to(out, "alice")  # fmt: skip
    assert "#general: ⚠️ CW: drugs · from alice" in out  # the community's language
    assert "I used again" not in out and "Thank you for looking" not in private_to(out, "alice")
    assert nobody_pinged(out)

    out = private_to(await c.text(":as mod", f"/language set {code}", "/tw channel channel:#general topics:drugs,alcohol"), "mod")  # fmt: skip
    assert tr("Done. In {channel}, members are asked for content warnings on: {topics}.", channel="#general", topics=f"{tr('alcohol')}, {tr('drugs')}") in out  # fmt: skip
    out = await c.text(":as alice", ":channel general", "I drank a lot of vodka last night")
    reminder = private_to(out, "alice")
    said = tr(
        "Thank you for sharing in {channel}. Members there asked for content warnings on posts "
        "about {topic}, because details can be hard to read for someone early in recovery. Next "
        "time you could use {hint} topic:{value} text:… and I'll post your words behind a "
        "warning. Nothing was removed; this is just a gentle reminder, and I won't send another "
        "today.",
        channel="#general",
        topic=tr("alcohol"),
        hint="!tw",
        value="alcohol",
    )
    assert said.split("\n")[0] in reminder and filled(reminder) and nobody_pinged(out)
