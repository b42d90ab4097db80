"""Milestones (issue 7): counters, compassionate resets, celebrations, exactly once, privacy."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.timeutil import local_date
from cogs.milestones.ladder import DEFAULT_LADDER, LadderError, parse_ladder
from cogs.milestones.timing import completed_days, run_start, span_text, years_months_days
from storage.db import MemberKey
from tests.harness import ConsoleCommunity

TABLES = ("milestone_counters", "milestone_runs", "milestone_celebrations")
LADDER = "SELECT value FROM community_settings WHERE key = 'milestones.ladder'"
ALICE = MemberKey("console", "console", "alice")


async def community_at(tmp_path, start: datetime, tz: str = "UTC") -> ConsoleCommunity:
    """A console community whose default zone is `tz`, with a milestones channel."""
    c = await ConsoleCommunity.create(tmp_path, start=start, config={"bot": {"timezone": tz}})
    await c.bot.community_settings.set(
        "console", "console", "channel.milestones", "milestones", start
    )
    return c


@pytest.fixture
async def stamped(tmp_path):
    """Factory: a community whose output lines are recorded with the clock time they appeared."""
    made: list[ConsoleCommunity] = []

    async def make(start: datetime, tz: str = "UTC") -> tuple[ConsoleCommunity, list]:
        c = await community_at(tmp_path, start, tz)
        lines: list[tuple[datetime, str]] = []
        stamp(c, lines)
        made.append(c)
        return c, lines

    yield make
    for c in made:
        await c.stop()


def stamp(c: ConsoleCommunity, lines: list[tuple[datetime, str]]) -> None:
    """Also record each output line with the clock time it appeared (again after a restart)."""

    def out(line: str) -> None:
        c.transcript.append(line)
        lines.append((c.clock.now(), line))

    c.console._out = out


def celebrations(lines: list[tuple[datetime, str]], tz: str) -> list[tuple[str, str]]:
    """(local date, line) of every private celebration."""
    return [
        (local_date(at, tz).isoformat(), text)
        for at, text in lines
        if text.startswith("(private) alice: 🎉")
    ]


# --- the ladder and calendar arithmetic (pure) ---------------------------------------------


def test_month_milestones_clamp_to_month_end_and_leap_day():
    ladder = parse_ladder("1mo,2mo,3mo,4mo,13mo")
    start = run_start(date(2027, 10, 31), None, "UTC")
    dues = [s.due(start, "UTC").date().isoformat() for s in ladder.steps]
    assert dues == ["2027-11-30", "2027-12-31", "2028-01-31", "2028-02-29", "2028-11-30"]


def test_leap_day_anniversaries_fall_on_28_february():
    start = run_start(date(2024, 2, 29), None, "UTC")
    ladder = parse_ladder("1y,...")
    found = ladder.reached(start, "UTC", start.started_at, datetime(2028, 3, 1, tzinfo=UTC))
    assert [(s.label, at.date().isoformat()) for s, at in found] == [
        ("1 year", "2025-02-28"),
        ("2 years", "2026-02-28"),
        ("3 years", "2027-02-28"),
        ("4 years", "2028-02-29"),
    ]


def test_day_milestones_start_at_local_midnight_but_never_before_24_hours_a_day():
    # Europe/London springs forward on 2027-03-28: that local day starts at 00:00 GMT, the next
    # one at 00:00 BST (23:00 UTC the evening before), only 23 hours later: day 8 completes at
    # 01:00 BST, when 8 × 24 hours have passed. In autumn the 25-hour day ends at local midnight.
    start = run_start(date(2027, 3, 21), None, "Europe/London")
    ladder = parse_ladder("7d,8d")
    dues = [s.due(start, "Europe/London") for s in ladder.steps]
    assert dues == [
        datetime(2027, 3, 28, 0, 0, tzinfo=UTC),
        datetime(2027, 3, 29, 0, 0, tzinfo=UTC),
    ]
    autumn = run_start(date(2027, 10, 24), None, "Europe/London")
    assert ladder.steps[1].due(autumn, "Europe/London") == datetime(2027, 11, 1, 0, 0, tzinfo=UTC)


def test_midnight_that_does_not_exist_starts_the_day_after_the_gap():
    # Chile springs forward at midnight: 2026-09-06 begins at 01:00 local.
    start = run_start(date(2026, 8, 30), None, "America/Santiago")
    due = parse_ladder("7d").steps[0].due(start, "America/Santiago")
    assert due is not None
    local = due.astimezone(ZoneInfo("America/Santiago"))
    assert (local.date(), local.hour) == (date(2026, 9, 6), 1)


def test_hour_milestones_are_exact_instants_across_dst():
    start = run_start(date(2027, 3, 27), time(12, 0), "Europe/London")
    step = parse_ladder("24h").steps[0]
    assert step.due(start, "Europe/London") == start.started_at + timedelta(hours=24)


def test_default_ladder_then_every_year():
    assert DEFAULT_LADDER.describe() == (
        "24 hours, 7 days, 14 days, 30 days, 60 days, 90 days, 6 months, 9 months, 1 year, "
        "18 months, then every year"
    )
    start = run_start(date(2020, 1, 1), None, "UTC")
    after_18mo = datetime(2021, 7, 2, tzinfo=UTC)
    step, at = DEFAULT_LADDER.next_after(start, "UTC", after_18mo)
    assert (step.label, at.date()) == ("2 years", date(2022, 1, 1))


@pytest.mark.parametrize(
    "text",
    ["", ",,", "30d,7d", "7d,1w", "5m", "0d", "99999d", "@everyone", "**1d**", "<b>1d</b>",
     "1d'; DROP TABLE milestone_counters;--", "..."],
)  # fmt: skip
def test_bad_ladders_are_refused(text):
    with pytest.raises(LadderError):
        parse_ladder(text)


def test_spans_count_calendar_days_and_months():
    assert years_months_days(date(2026, 1, 31), date(2026, 2, 28)) == (0, 1, 0)
    assert years_months_days(date(2024, 2, 29), date(2025, 2, 28)) == (1, 0, 0)
    start = run_start(date(2027, 3, 27), None, "Europe/London")
    # only 47 hours pass over the spring-forward night: the second day completes an hour later
    assert completed_days(start, datetime(2027, 3, 28, 23, 0, tzinfo=UTC), "Europe/London") == 1
    assert completed_days(start, datetime(2027, 3, 29, 0, 0, tzinfo=UTC), "Europe/London") == 2
    assert span_text(start, datetime(2027, 3, 27, 5, 0, tzinfo=UTC), "Europe/London") == "5 hours"


# --- members' commands ---------------------------------------------------------------------


async def test_set_show_and_kind_defaults(community):
    out = await community.text("/milestone set 2026-08-02")
    assert "(private) alice: Your recovery counter is set: it began on 2026-08-02." in out
    assert "92 days (3 months)" in out
    assert "Next milestone: 6 months on 2027-02-02" in out
    assert "#" not in out  # nothing public
    shown = await community.text("/milestone show")
    assert "recovery: 92 days (3 months) since 2026-08-02." in shown
    assert "Longest run: 92 days. Total across all your runs: 92 days." in shown
    assert "It's private" in shown


async def test_today_and_yesterday_are_the_members_local_days(tmp_path):
    # 2026-11-02 12:00 UTC is already 3 November in Auckland
    c = await community_at(tmp_path, datetime(2026, 11, 2, 12, 0, tzinfo=UTC), "Pacific/Auckland")
    try:
        out = await c.text("/milestone set date:today", "/milestone set yesterday name:nicotine")
        assert "began today." in out
        assert "Your nicotine counter is set: it began on 2026-11-02." in out
        rows = await c.bot.db.fetchall("SELECT start_date FROM milestone_runs ORDER BY id")
        assert [r[0] for r in rows] == ["2026-11-03", "2026-11-02"]
    finally:
        await c.stop()


BAD_INPUTS = [
    ("/milestone set date:2031-01-01", "hasn't come yet"),
    ("/milestone set date:2026-11-03", "hasn't come yet"),
    ("/milestone set date:2023-02-30", "is not a date on the calendar"),
    ("/milestone set date:1900-01-01", "more than 100 years ago"),
    ("/milestone set date:soon", "is not a date"),
    ("/milestone set date:''", "is not a date"),
    ("/milestone set date:2026-11-02 time:24:61", "is not a time of day"),
    ("/milestone set date:today time:23:30", "hasn't come yet today"),
    ("/milestone set date:today time:noon", "is not a time of day"),
    ("/milestone set 2026-01-01 name:" + "a" * 41, "41 characters"),
    ('/milestone set 2026-01-01 name:"@everyone"', "can never mention anyone"),
    ('/milestone set 2026-01-01 name:"**bold**"', "can never mention anyone"),
    ('/milestone set 2026-01-01 name:"<b>x</b>"', "can never mention anyone"),
    ('/milestone set 2026-01-01 name:"x\'; DROP TABLE milestone_runs;--"', "can never mention"),
    ('/milestone set 2026-01-01 name:"   "', "can't be empty"),
    ("/milestone set 2026-01-01 name:" + "b" * 10_000, "10,000 characters"),
    ("/milestone set 2026-01-01 share:loud", "not an option here"),
    ("/milestone share name:recovery share:loud", "not an option here"),
    ("/milestone reset name:alcohol", "don't have a counter called alcohol"),
    ("/milestone reset note:" + "n" * 10_000, "10,000 characters; the limit is 500"),
    ("/milestone reset date:2031-01-01", "hasn't come yet"),
    ("/milestone reset date:2026-01-01", "before this run began"),
    ("/milestone reset date:yesterday time:25:00", "is not a time of day"),
    ("/milestone remove name:alcohol confirm:yes", "don't have a counter called alcohol"),
    ("/milestone remove name:recovery", "To go ahead"),
    ("/milestone remove name:recovery confirm:maybe", "not an option here"),
    ("/milestone show @everyone", "can never mention anyone"),
    ("/milestone history nope", "don't have a counter called nope"),
    ("/community milestones 1d,30d", "Only moderators"),
]


@pytest.mark.parametrize(("line", "expected"), BAD_INPUTS)
async def test_bad_input_gets_a_kind_message_and_changes_nothing(community, line, expected):
    await community.text("/milestone set 2026-10-01")
    before = await community.snapshot(*TABLES, LADDER)
    out = await community.text(line)
    assert expected in out
    assert out.startswith("(private) alice:")
    assert "went wrong" not in out
    assert await community.snapshot(*TABLES, LADDER) == before


async def test_at_most_ten_counters(community):
    for i in range(10):
        await community.text(f"/milestone set 2026-10-01 name:c{i}")
    before = await community.snapshot(*TABLES, LADDER)
    out = await community.text("/milestone set 2026-10-01 name:eleventh")
    assert "You already have 10 counters" in out
    assert await community.snapshot(*TABLES, LADDER) == before
    # correcting an existing counter is still fine
    assert "I've corrected your c3 counter" in await community.text(
        "/milestone set 2026-10-02 name:C3"
    )


async def test_names_are_case_insensitive_and_shown_escaped_only_in_values(community):
    await community.text("/milestone set 2026-10-01 name:\"Mom's & Dad's\"")
    out = await community.text("/milestone show \"mom's & dad's\"")
    assert "Mom's & Dad's: 32 days" in out


async def test_reset_keeps_history_and_is_encouraging(community):
    await community.text("/milestone set 2026-03-01")
    out = await community.text('/milestone reset date:2026-07-22 note:"rough **week**, @everyone"')
    assert "Thank you for telling me." in out
    assert "The run before lasted 143 days, and every one of those days counts." in out
    assert "That's your longest run so far." in out
    out = await community.text("/milestone reset")
    assert "The run before lasted 103 days" in out
    assert "Your longest run is still 143 days." in out
    history = await community.text("/milestone history")
    lines = history.splitlines()
    assert "since 2026-11-02" in lines[1] and "(current)" in lines[1]
    assert "2026-07-22 to 2026-11-02: 103 days" in lines[2]
    assert "2026-03-01 to 2026-07-22: 143 days (your note: rough **week**, @everyone)" in lines[3]
    shown = await community.text("/milestone show")
    assert "Longest run: 143 days. Total across all your runs: 246 days." in shown


async def test_correcting_the_start_remeasures_the_run_before(community):
    await community.text("/milestone set 2026-03-01", "/milestone reset date:2026-07-22")
    out = await community.text("/milestone set 2026-07-25")
    assert "I've corrected your recovery counter: it began on 2026-07-25." in out
    assert "2026-03-01 to 2026-07-25: 146 days" in await community.text("/milestone history")
    before = await community.snapshot(*TABLES, LADDER)
    out = await community.text("/milestone set 2026-02-01")
    assert "before your previous recovery run began (2026-03-01)" in out
    assert await community.snapshot(*TABLES, LADDER) == before


async def test_which_counter_when_there_are_several(community):
    await community.text(
        "/milestone set 2026-10-01 name:alcohol", "/milestone set 2026-10-05 name:nicotine"
    )
    before = await community.snapshot(*TABLES, LADDER)
    out = await community.text("/milestone reset")
    assert "Which counter? You have: alcohol, nicotine." in out
    assert await community.snapshot(*TABLES, LADDER) == before


async def test_share_and_remove(community):
    await community.text("/milestone set 2026-10-01 name:gambling")
    out = await community.text("/milestone share gambling public")
    assert "is public" in out and "No milestones channel is set yet" in out
    assert "It's public" in await community.text("/milestone show gambling")
    assert "is private" in await community.text("/milestone share gambling private")
    out = await community.text("/milestone remove name:gambling confirm:yes")
    assert "deleted" in out
    assert all(not rows for rows in list((await community.snapshot(*TABLES, LADDER)).values())[:3])


# --- celebrations ----------------------------------------------------------------------------


async def test_public_celebration_at_local_midnight_names_only_member_and_milestone(stamped):
    c, lines = await stamped(datetime(2026, 11, 2, 12, 0, tzinfo=UTC), "America/New_York")
    await c.text('/milestone set 2026-10-27 name:"gambling" share:public')
    await c.text('/milestone reset date:2026-10-27 note:"private thing"')  # same start, a note
    await c.say(":clock 2026-11-03T04:59")
    assert not celebrations(lines, "America/New_York")
    out = await c.text(":clock 2026-11-03T05:00")  # midnight in New York (EST)
    assert "#milestones: 🎉 alice reached 7 days!" in out
    assert "(private) alice: 🎉 You've reached 7 days on your gambling counter!" in out
    assert "shared it in the milestones channel" in out
    public = [t for _, t in lines if t.startswith("#")]
    assert public == ["#milestones: 🎉 alice reached 7 days!"]


async def test_mentions_in_display_names_are_values_not_template(stamped):
    c, lines = await stamped(datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
    await c.text(":as Bob", "/milestone set 2026-10-27 share:public")
    await c.bot.members.seen(
        MemberKey("console", "console", "Bob"), "@everyone {milestone}", c.clock.now()
    )
    out = await c.text(":clock 2026-11-03T00:00")
    assert "#milestones: 🎉 @everyone {milestone} reached 7 days!" in out


async def test_moving_the_clock_across_months_celebrates_on_the_right_local_days(stamped):
    tz = "Australia/Sydney"
    c, lines = await stamped(datetime(2026, 11, 2, 12, 0, tzinfo=UTC), tz)
    await c.text(":role mod moderator", ":as mod", "/community milestones 1mo,2mo,3mo,4mo,1y,...")
    await c.text(":as alice", "/milestone set 2026-10-31")
    await c.text(":clock 2027-03-15T00:00")
    got = [
        (day, text.split("reached ")[1].split(" on your")[0])
        for day, text in celebrations(lines, tz)
    ]
    assert got == [
        ("2026-11-30", "1 month"),
        ("2026-12-31", "2 months"),
        ("2027-01-31", "3 months"),
        ("2027-02-28", "4 months"),
    ]
    # each arrived at the very start of the local day
    stamps = [at.astimezone(ZoneInfo(tz)) for at, t in lines if "🎉" in t]
    assert all((s.hour, s.minute) == (0, 0) for s in stamps)


async def test_leap_day_start_celebrates_on_28_february(stamped):
    c, lines = await stamped(datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
    out = await c.text("/milestone set 2024-02-29")
    assert "Next milestone: 3 years on 2027-02-28" in out
    await c.text(":clock 2027-03-02T00:00")
    assert celebrations(lines, "UTC") == [
        ("2027-02-28", "(private) alice: 🎉 You've reached 3 years on your recovery counter! "
         "Every one of those days counts, and I'm really glad you're here.")
    ]  # fmt: skip


async def test_dst_hour_milestone_is_exact_and_day_milestone_is_the_local_start_time(stamped):
    tz = "Europe/London"
    c, lines = await stamped(datetime(2027, 3, 27, 13, 0, tzinfo=UTC), tz)
    out = await c.text("/milestone set date:today time:12:00")
    # 24 hours after 12:00 GMT is 13:00 BST on the day the clocks change
    assert "Next milestone: 24 hours on 2027-03-28 at 13:00" in out
    await c.text(":clock 2027-03-28T11:59")
    assert not celebrations(lines, tz)
    await c.text(":clock 2027-03-28T12:00")
    assert len(celebrations(lines, tz)) == 1
    # 7 days: 12:00 BST on 2027-04-03 is only 167 hours after 12:00 GMT, so 13:00 BST
    await c.text(":clock 2027-04-03T22:59")
    stamps = [at for at, t in lines if "reached 7 days" in t]
    assert stamps == [datetime(2027, 4, 3, 12, 0, tzinfo=UTC)]


async def test_a_day_is_celebrated_when_show_counts_it_and_not_before(stamped):
    c, lines = await stamped(datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
    await c.text("/milestone set date:today time:10:00")
    out = await c.text(":clock 2026-11-09T00:01", "/milestone show")
    assert "You've reached 7 days" not in out
    assert "recovery: 6 days since 2026-11-02" in out
    out = await c.text(":clock 2026-11-09T10:00", "/milestone show")
    assert "You've reached 7 days" in out
    assert "recovery: 7 days since 2026-11-02" in out


async def test_a_day_never_counts_before_24_hours_across_spring_dst(stamped):
    tz = "Europe/London"
    c, lines = await stamped(datetime(2027, 3, 27, 13, 0, tzinfo=UTC), tz)
    await c.text("/milestone set date:today time:12:00")
    # 12:59 BST on the day the clocks change: only 23 hours and 59 minutes have passed
    out = await c.text(":clock 2027-03-28T11:59", "/milestone show")
    assert "1 day" not in out and "23 hours" in out
    out = await c.text(":clock 2027-03-28T12:00", "/milestone show")
    assert "You've reached 24 hours" in out and "recovery: 1 day since" in out


async def test_each_milestone_is_celebrated_exactly_once_across_restarts(stamped):
    c, lines = await stamped(datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
    await c.text("/milestone set 2026-10-27")
    await c.text(":clock 2026-11-03T00:00")
    await c.restart()
    stamp(c, lines)
    await c.restart()
    stamp(c, lines)
    await c.text(":clock 2026-11-04T00:00")
    assert len(celebrations(lines, "UTC")) == 1


async def test_milestone_reached_while_away_is_celebrated_once_when_back(stamped):
    c, lines = await stamped(datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
    await c.text("/milestone set 2026-10-27 share:public")
    await c.stop()
    c.clock.set(datetime(2026, 11, 3, 20, 0, tzinfo=UTC))  # 20 hours late
    await c.start()
    public = "#milestones: 🎉 alice reached 7 days!"
    assert c.transcript.count(public) == 1
    assert sum("You've reached 7 days" in t for t in c.transcript) == 1
    await c.restart()
    await c.text(":clock +1h")
    assert c.transcript.count(public) == 1
    assert sum("You've reached 7 days" in t for t in c.transcript) == 1


async def test_milestone_more_than_a_day_late_is_noted_privately(community):
    await community.text("/milestone set 2026-10-27 share:public")
    await community.stop()
    community.clock.set(datetime(2026, 11, 5, 9, 0, tzinfo=UTC))
    await community.start()
    assert not any("🎉" in t for t in community.transcript)
    out = await community.text("/milestone show")
    assert "You reached 7 days on 2026-11-03 while I was away. Belated congratulations!" in out


async def claim_only(community, at: datetime) -> None:
    """Time reaches `at` and only the milestone claim runs (the scheduler's "milestones" source),
    as when the process dies or a member acts right after that claim commits."""
    community.clock.set(at)
    await community.bot.scheduler.source("milestones").run_due(at)


async def test_restart_between_claim_and_delivery_delivers_once(community):
    await community.text("/milestone set 2026-10-27 share:public")
    await claim_only(community, datetime(2026, 11, 3, tzinfo=UTC))
    await community.stop()  # the process dies before anything is told
    assert not any("🎉" in t for t in community.transcript)
    await community.start()  # the restart catches up: told once
    assert sum("You've reached 7 days" in t for t in community.transcript) == 1
    await community.restart()
    await community.text(":clock +2d")
    assert sum("You've reached 7 days" in t for t in community.transcript) == 1
    out = await community.text("/milestone show")
    assert "while I was away" not in out  # it was celebrated, not noted as missed


async def test_reset_before_delivery_cancels_the_celebration(community):
    await community.text("/milestone set 2026-10-27")
    await claim_only(community, datetime(2026, 11, 3, tzinfo=UTC))
    # the member resets before the milestone is told: the old run's milestone never is
    await community.text("/milestone reset")
    await community.restart()
    await community.text(":clock +12h")
    assert not any("reached 7 days" in t for t in community.transcript)


async def test_no_celebration_for_a_run_reset_before_it(community):
    await community.text("/milestone set 2026-10-27")
    await community.text(":clock 2026-11-02T23:00", "/milestone reset")
    out = await community.text(":clock 2026-11-05T00:00")
    assert "reached 7 days" not in out
    assert "reached 24 hours" in out  # the new run's first milestone


async def test_timezone_change_moves_the_next_milestone(tmp_path):
    c = await community_at(tmp_path, datetime(2026, 11, 2, 12, 0, tzinfo=UTC), "UTC")
    try:
        await c.text("/milestone set 2026-10-27")
        await c.bot.member_settings.set(ALICE, "timezone", "Asia/Tokyo", c.clock.now())
        out = await c.text("/milestone show")
        # 00:00 JST is only 6 days 15 hours after 00:00 UTC: day 7 completes at 09:00 JST
        assert "Next milestone: 7 days on 2026-11-03 (in 12 hours)" in out
        out = await c.text(":clock 2026-11-02T23:59")
        assert "reached 7 days" not in out
        out = await c.text(":clock 2026-11-03T00:00")
        assert "reached 7 days" in out
    finally:
        await c.stop()


# --- moderators ------------------------------------------------------------------------------


async def test_moderator_sets_ladder_and_bad_ladders_change_nothing(community):
    await community.text("/milestone set 2026-10-01")
    await community.text(":role mod moderator", ":as mod")
    assert "24 hours, 7 days" in await community.text("/community milestones")
    for bad, message in [
        ("30d,7d", "shortest to longest"),
        ("5m", "use mo for months"),
        ('"@everyone"', "can't read @everyone as a milestone"),
        ("x" * 10_000, "10,000 characters"),
        ("99999d", "out of range"),
    ]:
        before = await community.snapshot(*TABLES, LADDER)
        out = await community.text(f"/community milestones {bad}")
        assert message in out, out
        assert await community.snapshot(*TABLES, LADDER) == before
    out = await community.text("/community milestones 1d,40d,100d,...")
    assert "now celebrates: 1 day, 40 days, 100 days, then every year" in out
    await community.text(":as alice")
    assert "Next milestone: 40 days on 2026-11-10" in await community.text("/milestone show")
    await community.text(":as mod", "/community milestones default", ":as alice")
    assert "Next milestone: 60 days on 2026-11-30" in await community.text("/milestone show")


async def test_moderators_cannot_see_private_counters(community):
    await community.text("/milestone set 2026-10-01 name:gambling")
    out = await community.text(":role mod moderator", ":as mod", "/milestone show")
    assert "You don't have a counter yet" in out and "gambling" not in out


# --- privacy -------------------------------------------------------------------------------


async def test_export_and_delete_cover_counters_and_history(community):
    await community.text("/milestone set 2026-03-01 name:alcohol")
    await community.text('/milestone reset alcohol 2026-10-27 note:"only for me"')
    await community.text(":clock 2026-11-03T00:00")
    data = (await community.export())["milestones"]
    assert data[0]["name"] == "alcohol"
    assert [r["note"] for r in data[0]["runs"]] == ["only for me", None]
    assert data[0]["celebrations"]
    out = await community.text("/mydata delete confirm:yes")
    assert "milestones" in out
    assert all(not rows for rows in list((await community.snapshot(*TABLES, LADDER)).values())[:3])
    assert "You don't have a counter yet" in await community.text("/milestone show")


async def test_every_milestone_table_is_registered_with_privacy(community):
    assert set(TABLES) <= community.bot.privacy.tables()


async def test_a_reset_without_a_name_asks_which_counter_when_there_are_several(community):
    """Resetting is heavy: with two counters, the bot asks rather than picking one."""
    await community.text("/milestone set 2026-03-01", "/milestone set 2026-05-01 name:alcohol")
    out = await community.text("/milestone reset")
    assert "Which counter? You have:" in out and "alcohol" in out
    shown = await community.text("/milestone show")
    assert "Thank you for telling me." not in out and "2026-03-01" in shown
    out = await community.text("/milestone reset name:alcohol")
    assert "Thank you for telling me." in out
