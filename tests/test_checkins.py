"""Daily check-ins through the console community: what members and moderators see."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.checkins.daily import plan_daily
from cogs.checkins.streaks import current_streak, longest_streak, weekly_averages
from tests.harness import ConsoleCommunity, saved_file

NOTE_INJECTION = (
    "@everyone <script>alert(1)</script> [click](http://x.example) '); DROP TABLE checkins;--"
)

STORED = (  # everything this feature (and the member settings) stores
    "SELECT * FROM checkins ORDER BY id",
    "SELECT * FROM checkin_reminders ORDER BY user_id",
    "SELECT * FROM checkin_posts ORDER BY community_id",
    "SELECT platform, community_id, user_id, key, value FROM member_settings "
    "WHERE key != 'undelivered' ORDER BY user_id, key",
    "SELECT key, value FROM community_settings ORDER BY key",
)


async def rows_of(community) -> list[tuple]:
    """Each check-in's note and whether it was shared."""
    return await community.rows("SELECT note, shared FROM checkins ORDER BY id")


async def set_checkin_channel(community, channel: str = "checkins") -> None:
    """What /community channel purpose:checkins does (that cog belongs to another feature)."""
    bot = community.bot
    await bot.community_settings.set(
        "console", "console", "channel.checkins", channel, bot.clock.now()
    )


async def start_at(tmp_path, when: datetime, **config) -> ConsoleCommunity:
    return await ConsoleCommunity.create(
        tmp_path, start=when, config={"bot": config} if config else None
    )


# --- checking in ---------------------------------------------------------------------------------


async def test_checkin_is_private_warm_and_counts_the_day(community):
    out = await community.text("/checkin 4 cravings:2")
    assert out.startswith("(private) alice: Thank you for checking in")
    assert "1 check-in day in the last 14 days" in out
    assert "#" not in out.split(":")[0]


async def _history(community, days_ago: list[int]) -> None:
    """Check-in days of the console member, `days_ago` before the clock's local date (UTC)."""
    today = community.bot.clock.now().date()

    def write(conn):
        conn.executemany(
            "INSERT INTO checkin_days VALUES ('console', 'console', 'alice', ?, 0)",
            [((today - timedelta(days=n)).isoformat(),) for n in days_ago],
        )

    await community.bot.db.write(write)


@pytest.mark.parametrize(
    ("days_ago", "streak", "recent"),
    [
        (list(range(1, 101)), 101, 14),  # a long unbroken run, across months; the window holds 14
        ([1, 2, 4, 13, 14, 20], 3, 5),  # the run stops at the first gap; only the window counts
        ([2, 3, 4], 1, 4),  # yesterday missed: the run starts again, nothing is called lost
    ],
)
async def test_streak_and_window_for_members_with_a_long_history(
    community, days_ago, streak, recent
):
    await _history(community, days_ago)
    out = await community.text("/checkin 4")
    if streak > 1:
        assert (
            f"That's {streak} days in a row, and {recent} check-in days in the last 14 days." in out
        )
    else:
        assert "in a row" not in out and f"{recent} check-in days in the last 14 days." in out
    assert "lost" not in out.lower()
    again = await community.text("/checkin 3")
    assert f"Today already counts: {recent} check-in days in the last 14 days." in again


async def test_several_checkins_a_day_count_once(community):
    await community.text("/checkin 4")
    out = await community.text('/checkin 2 note:"later that day"')
    assert "(private) alice: Thanks, I've added that to today" in out
    assert "1 check-in day in the last 14 days" in out
    assert len(await community.rows("SELECT * FROM checkins")) == 2


async def test_streak_grows_and_a_missed_day_erases_nothing(community):
    await community.say("/checkin 3", ":clock +1d")
    out = await community.text("/checkin 4")
    assert "2 days in a row" in out and "2 check-in days in the last 14 days" in out
    await community.say(":clock +2d")  # a missed day
    out = await community.text("/checkin 4")
    assert "3 check-in days in the last 14 days" in out
    assert "lost" not in out.lower() and "broke" not in out.lower()


async def test_checkin_day_is_the_members_local_day(community):
    # 2026-11-02 12:00 UTC is already 2026-11-03 in Auckland.
    await community.say("/timezone set zone:Pacific/Auckland", "/checkin 4")
    assert await community.rows("SELECT local_date FROM checkins") == [("2026-11-03",)]


@pytest.mark.parametrize("line", ["/checkin 3 cravings:8", "/checkin 1", "/checkin 1 cravings:10"])
async def test_gentle_line_points_at_crisis(community, line):
    out = await community.text(line)
    assert "!crisis" in out
    assert out.count("(private) alice") == 1


async def test_no_gentle_line_on_an_ordinary_day(community):
    out = await community.text("/checkin 3 cravings:6")
    assert "crisis" not in out


async def test_gentle_line_names_the_partner_when_there_is_one(community):
    async def partner_name(ctx, user_id):
        return "bob_<b>" if user_id == "alice" else None

    community.bot.services.stand_in("partners.partner_name", partner_name)
    out = await community.text("/checkin 2 cravings:9")
    assert "!crisis" in out and "Your partner bob_<b> may be glad to hear from you" in out
    out = await community.text("/checkin 4")
    assert "partner" not in out


async def test_a_failing_partner_lookup_still_saves_and_replies(community):
    async def broken(ctx, user_id):
        raise RuntimeError("boom")

    community.bot.services.stand_in("partners.partner_name", broken)
    out = await community.text("/checkin 1")
    assert "Thank you for checking in" in out and "!crisis" in out
    assert len(await community.rows("SELECT * FROM checkins")) == 1


# --- sharing -------------------------------------------------------------------------------------


async def test_share_posts_a_short_line_never_the_note(community):
    await set_checkin_channel(community)
    out = await community.say('/checkin 4 note:"my secret words" share:yes')
    posts = [line for line in out if line.startswith("#checkins")]
    assert posts == ["#checkins: alice checked in today 🌱"]
    assert not any("secret" in line for line in out if not line.startswith("(private)"))
    assert "never your note" in "\n".join(out)


async def test_share_with_mood_shows_the_emoji_only_when_asked(community):
    await set_checkin_channel(community)
    out = await community.say(":as bob", "/checkin 5 share:mood")
    assert "#checkins: bob checked in today 🌱 ☀️" in out
    private = "\n".join(line for line in out if not line.startswith("#"))
    assert "you checked in, with your mood (☀️); never your note" in private
    assert "just that" not in private
    out = await community.text(":as carol", "/checkin 2 share:yes")
    assert "that you checked in; never your mood, never your note" in out


async def test_share_posts_once_a_day(community):
    await set_checkin_channel(community)
    await community.say("/checkin 4 share:yes")
    out = await community.text("/checkin 3 share:yes")
    assert "#checkins" not in out and "already shared today" in out


async def test_share_without_a_checkin_channel_stays_private(community):
    out = await community.say("/checkin 4 share:yes")
    assert all(line.startswith(("(private) alice", "    ")) for line in out)
    assert "no check-in channel yet" in "\n".join(out)
    assert await community.rows("SELECT shared FROM checkins") == [(0,)]


async def test_shared_name_is_escaped_text_not_a_mention(community):
    await set_checkin_channel(community)
    out = await community.say(":as everyone", "/checkin 4 share:yes")
    assert "#checkins: everyone checked in today 🌱" in out


# --- bad input -------------------------------------------------------------------------------------


BAD = [
    ("/checkin 0", "out of range"),
    ("/checkin 6", "out of range"),
    ("/checkin -1", "out of range"),
    ("/checkin 3.5", "not a whole number"),
    ("/checkin great", "not a whole number"),
    ("/checkin", "Mood is missing"),
    ("/checkin 3 cravings:11", "out of range"),
    ("/checkin 3 cravings:-1", "out of range"),
    ("/checkin 3 cravings:lots", "not a whole number"),
    ("/checkin 3 note:" + "x" * 501, "the limit is 500"),
    ("/checkin 3 note:" + "y" * 10_000, "the limit is 500"),
    ('/checkin 3 note:"   "', "can't be empty"),
    ("/checkin 3 share:maybe", "not an option"),
    ("/checkin 3 mood:4", "given twice"),
    ("/checkin history days:0", "out of range"),
    ("/checkin history days:6", "out of range"),
    ("/checkin history days:10000", "out of range"),
    ("/checkin history days:week", "not a whole number"),
    ("/checkin remind time:25:00", "not a time of day"),
    ("/checkin remind time:9", "not a time of day"),
    ("/checkin remind time:noon", "not a time of day"),
    ("/checkin remind 12:60", "not a time of day"),
    ("/checkin remind", "Time is missing"),
    ('/checkin remind "\'); DROP TABLE checkin_reminders;--"', "not a time of day"),
]


@pytest.mark.parametrize(("line", "message"), BAD, ids=[b[0][:40] for b in BAD])
async def test_bad_input_is_answered_kindly_and_changes_nothing(community, line, message):
    await community.say('/checkin 3 note:"first"', "/checkin remind 20:00")
    before = await community.snapshot(*STORED)
    out = await community.text(line)
    assert out.startswith("(private) alice: ")
    assert message in out
    assert "error id" not in out
    assert await community.snapshot(*STORED) == before


async def test_moderator_commands_are_refused_to_members(community):
    before = await community.snapshot(*STORED)
    out = await community.text("/checkin post 09:00", "/checkin stats")
    assert out.count("Only moderators can use") == 2
    assert await community.snapshot(*STORED) == before


@pytest.mark.parametrize("line", ["/checkin post 24:00", "/checkin post 9", "/checkin post noon"])
async def test_bad_post_times_change_nothing(community, line):
    await community.say(":role alice moderator")
    before = await community.snapshot(*STORED)
    out = await community.text(line)
    assert "not a time of day" in out
    assert await community.snapshot(*STORED) == before


async def test_injection_in_a_note_is_stored_verbatim_and_never_shown(community):
    await set_checkin_channel(community)
    out = await community.text(f'/checkin 4 note:"{NOTE_INJECTION}" share:yes')
    assert "DROP" not in out and "<script>" not in out and "@everyone" not in out
    assert await community.rows("SELECT note FROM checkins") == [(NOTE_INJECTION,)]
    assert "checkins" in await community.bot.db.tables()


# --- history -------------------------------------------------------------------------------------


async def test_history_without_checkins_is_kind(community):
    out = await community.text("/checkin history")
    assert "haven't checked in yet" in out and "file saved" not in out


async def test_history_table_streaks_averages_and_chart(community, tmp_path):
    await community.say(
        "/checkin 2 cravings:6", ":clock +1d", "/checkin 4 cravings:2", "/checkin 5 cravings:0"
    )
    await community.say(":clock +2d", '/checkin 3 cravings:3 note:"ok"')
    out = await community.text("/checkin history days:7")
    assert "(private) alice: Your check-ins, 2026-10-30 to 2026-11-05:" in out
    assert "Mon 11-02    2     6" in out
    assert "Tue 11-03    4.5   1  (2×)" in out
    assert "Wed 11-04    ·     ·" in out  # a missed day is shown as a gap
    assert "Thu 11-05    3     3  ✎" in out
    assert "3 check-in days in the last 7 days" in out
    assert "Current streak: 1 day; longest: 2 days; check-in days in all: 3." in out
    assert "week of 2026-11-02: mood 3.2, cravings 3.3 (3 days)" in out
    assert saved_file(out).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


async def test_cravings_not_given_are_not_counted_as_zero(community, monkeypatch):
    from cogs.checkins import chart

    drawn = []
    real = chart.history_png
    monkeypatch.setattr(chart, "history_png", lambda *a: drawn.append(a[2]) or real(*a))
    await community.say("/checkin 2", ":clock +1d", "/checkin 4 cravings:6", "/checkin 5")
    await community.say(":clock +1d", "/checkin 3 cravings:0")
    stored_cravings = await community.rows("SELECT cravings FROM checkins ORDER BY id")
    assert stored_cravings == [(None,), (6,), (None,), (0,)]
    out = await community.text("/checkin history days:7")
    assert "Mon 11-02    2     –" in out  # not given: a dash, not 0
    assert "Tue 11-03    4.5   6  (2×)" in out  # the day's one answer, not (6 + 0) / 2
    assert "Wed 11-04    3     0" in out  # a real 0 stays 0
    assert "week of 2026-11-02: mood 3.2, cravings 3 (3 days)" in out
    [points] = drawn
    assert points[date(2026, 11, 2)][1] is None  # a gap in the chart, not a 0


async def test_long_history_shows_weeks_not_every_day(community):
    await community.say("/checkin 3")
    out = await community.text("/checkin history days:365")
    assert "day          mood" not in out
    assert "week of 2026-11-02: mood 3" in out and "file saved" in out


# --- reminders -------------------------------------------------------------------------------------


def nudges(lines: list[str], who: str = "alice") -> int:
    return sum(1 for line in lines if line.startswith(f"(private) {who}: A gentle nudge"))


async def test_dst_reminder_at_20_local_on_both_sides_of_the_change(tmp_path):
    c = await start_at(tmp_path, datetime(2026, 10, 30, 12, 0, tzinfo=UTC))
    try:
        out = await c.text("/timezone set zone:America/New_York", "/checkin remind time:20:00")
        assert "20:00 (America/New_York)" in out
        # 20:00 EDT = 00:00 UTC (before 2026-11-01); 20:00 EST = 01:00 UTC (after).
        for local_day, utc_reminder in [
            (date(2026, 10, 30), datetime(2026, 10, 31, 0, 0, tzinfo=UTC)),
            (date(2026, 10, 31), datetime(2026, 11, 1, 0, 0, tzinfo=UTC)),
            (date(2026, 11, 1), datetime(2026, 11, 2, 1, 0, tzinfo=UTC)),
            (date(2026, 11, 2), datetime(2026, 11, 3, 1, 0, tzinfo=UTC)),
        ]:
            before = utc_reminder - timedelta(minutes=1)
            assert nudges(await c.say(f":clock {before.isoformat()}")) == 0, local_day
            lines = await c.say(f":clock {utc_reminder.isoformat()}")
            assert nudges(lines) == 1, local_day
            assert (
                nudges(await c.say(f":clock {(utc_reminder + timedelta(hours=23)).isoformat()}"))
                == 0
            )
    finally:
        await c.stop()


async def test_reminder_skips_days_already_checked_in_and_never_doubles(tmp_path):
    c = await start_at(tmp_path, datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
    try:
        await c.say("/checkin remind 20:00", "/checkin 4")
        assert nudges(await c.say(":clock 2026-11-02T21:00")) == 0  # checked in today
        assert nudges(await c.say(":clock +3d")) == 3  # once a day for three days
        await c.restart()
        assert nudges(await c.say(":clock +10m")) == 0  # a restart sends nothing twice
        assert nudges(await c.say("/checkin remind off", ":clock +2d")) == 0
    finally:
        await c.stop()


async def test_reminder_message_is_private_and_offers_the_checkin(community):
    await community.say("/checkin remind 13:00")
    lines = await community.say(":as bob", ":clock +2h")
    text = "\n".join(lines)
    assert "(private) alice: A gentle nudge" in text
    assert "→ Check in: type !checkin" in text
    assert "#" not in "".join(line[:2] for line in lines if "nudge" in line)


async def test_changing_timezone_moves_the_next_reminder(community):
    # 2026-11-02 12:00 UTC; a 20:00 reminder in UTC is due at 20:00 UTC.
    await community.say("/checkin remind 20:00", "/timezone set zone:Asia/Tokyo")
    # 20:00 in Tokyo is 11:00 UTC, so the next one is 2026-11-03 11:00 UTC, not 20:00 today.
    assert nudges(await community.say(":clock 2026-11-02T20:30")) == 0
    assert nudges(await community.say(":clock 2026-11-03T10:59")) == 0
    assert nudges(await community.say(":clock 2026-11-03T11:00")) == 1


async def test_reminder_follows_the_community_timezone_until_the_member_sets_one(tmp_path):
    c = await ConsoleCommunity.create(tmp_path, config={"bot": {"timezone": "Europe/Berlin"}})
    try:
        out = await c.text("/checkin remind 18:00")
        assert "(Europe/Berlin)" in out and "!timezone set" in out
        assert nudges(await c.say(":clock 2026-11-02T16:59")) == 0
        assert nudges(await c.say(":clock 2026-11-02T17:00")) == 1
    finally:
        await c.stop()


async def test_reminder_off_without_a_reminder(community):
    out = await community.text("/checkin remind off")
    assert "nothing to stop" in out


# --- the daily post -------------------------------------------------------------------------------


async def test_daily_post_once_a_day_with_the_checkin_button(community):
    await set_checkin_channel(community)
    await community.say(":role alice moderator")
    out = await community.text("/checkin post time:09:00")
    assert "09:00 (UTC) in #checkins" in out
    assert (
        await community.bot.community_settings.get("console", "console", "checkin.post_time")
        == "09:00"
    )
    lines = await community.say(":clock 2026-11-05T12:00")
    posts = [line for line in lines if line.startswith("#checkins: Daily check-in")]
    assert len(posts) == 3
    assert "    → Check in: type !checkin" in lines
    await community.restart()
    assert not [line for line in await community.say(":clock +1h") if line.startswith("#checkins")]
    await community.say("/checkin post off")
    assert not [line for line in await community.say(":clock +3d") if line.startswith("#checkins")]
    assert (
        await community.bot.community_settings.get("console", "console", "checkin.post_time")
        is None
    )


async def test_daily_post_follows_the_community_timezone(tmp_path):
    c = await ConsoleCommunity.create(tmp_path, config={"bot": {"timezone": "America/New_York"}})
    try:
        await set_checkin_channel(c)
        await c.say(":role alice moderator", "/checkin post 09:00")
        # 2026-11-02 12:00 UTC is 07:00 in New York; 09:00 there is 14:00 UTC.
        assert not [x for x in await c.say(":clock 2026-11-02T13:59") if x.startswith("#checkins")]
        assert (
            len([x for x in await c.say(":clock 2026-11-02T14:00") if x.startswith("#checkins")])
            == 1
        )
    finally:
        await c.stop()


async def test_daily_post_without_a_channel_tells_the_moderator(community):
    await community.say(":role alice moderator")
    out = await community.text("/checkin post 09:00")
    assert "once there is a check-in channel" in out and "!community channel" in out
    assert not [line for line in await community.say(":clock +1d") if line.startswith("#")]


@pytest.mark.parametrize(
    "line",
    [
        '/checkin 4 5 "long day" yes',
        '/checkin 4 note:"long day" yes',
        '/checkin 4 5 "long day" "no"',
    ],
)
async def test_a_word_that_cannot_be_placed_is_an_error_not_note_text(community, line):
    before = await community.snapshot(*STORED)
    out = await community.text(line)
    assert "couldn't place" in out or "there are more values" in out or "is not a whole" in out
    assert "#" not in out  # nothing shared
    assert await community.snapshot(*STORED) == before


async def test_the_note_takes_the_rest_of_unquoted_words_and_named_options_still_work(community):
    await community.say(":channel checkins", ":role alice moderator")
    await community.say("/community channel checkins #checkins", ":role alice member")
    out = await community.text("/checkin 4 5 long day at work", '/checkin 3 5 "long day" share:yes')
    assert "#checkins" in out  # share:yes still reached its option
    assert await rows_of(community) == [("long day at work", 0), ("long day", 1)]


# --- moderator figures -------------------------------------------------------------------------------


async def test_stats_hidden_below_five_members(community):
    for name in ("alice", "bob", "cat", "dan"):
        await community.say(f":as {name}", "/checkin 3")
    out = await community.text(":role dan moderator", "/checkin stats")
    assert "fewer than 5 members checked in" in out
    assert "average mood" not in out


async def test_stats_shown_from_five_members_for_closed_weeks_only(community):
    # 2026-11-02 is a Monday: the week is still open, so no figure yet
    for name, mood in (("alice", 1), ("bob", 2), ("cat", 3), ("dan", 4), ("eve", 5)):
        await community.say(f":as {name}", f"/checkin {mood}", f"/checkin {mood}")
    out = await community.text(":role eve moderator", "/checkin stats")
    assert "average mood" not in out and "closed" in out
    await community.say(":clock +9d")  # Wednesday 11 November: the week of 2 November is closed
    out = await community.text("/checkin stats")
    assert (
        "Week of 2026-11-02: 5 members checked in; 1.4 check-ins per day; "
        "average mood 3.0 of 5." in out
    )
    assert "alice" not in out


async def test_stats_cannot_be_subtracted_to_reveal_one_members_mood(community):
    for name in ("alice", "bob", "cat", "dan", "eve"):
        await community.say(f":as {name}", "/checkin 3")
    await community.say(":role mod moderator", ":as mod", ":clock +2d")
    before = await community.text("/checkin stats")
    # frank checks in with mood 1 and says so publicly; the figures must not move
    await community.say(":as frank", "/checkin 1 share:yes")
    await community.say(":as mod")
    assert await community.text("/checkin stats") == before
    await community.say(":clock +9d")
    shown = await community.text("/checkin stats")
    assert "Week of 2026-11-02: 6 members" in shown
    # a member leaving must not move a figure already shown either
    await community.say(":as alice", "/mydata delete confirm:yes", ":as mod")
    assert await community.text("/checkin stats") == shown


# --- privacy and retention -------------------------------------------------------------------------------


async def test_mydata_export_and_delete_cover_checkins_reminders_and_timezone(community, tmp_path):
    await community.say(
        '/checkin 4 note:"only mine"', "/checkin remind 20:00", "/timezone set zone:Europe/Paris"
    )
    await community.say(":as bob", "/checkin 2", ":as alice")
    data = await community.export()
    assert data["checkins"][0]["note"] == "only mine" and data["checkins"][0]["mood"] == 4
    assert data["checkin reminder"][0]["remind_time"] == "20:00"
    assert {"key": "timezone", "value": "Europe/Paris"}.items() <= data["settings"][0].items()
    out = await community.text("/mydata delete confirm:yes")
    assert "checkins (1)" in out and "checkin reminder (1)" in out
    assert await community.rows("SELECT user_id FROM checkins") == [("bob",)]
    assert await community.rows("SELECT * FROM checkin_reminders") == []
    assert nudges(await community.say(":clock +2d")) == 0


async def test_checkin_member_tables_are_registered_with_privacy(community):
    for table in ("checkins", "checkin_reminders", "checkin_posts"):
        columns = set(await community.bot.db.columns(table))
        assert ("user_id" in columns) == (table in community.bot.privacy.tables())


async def test_note_retention_blanks_old_notes_only(tmp_path):
    c = await start_at(tmp_path, datetime(2026, 11, 2, 12, 0, tzinfo=UTC), note_retention_days=30)
    try:
        await c.say('/checkin 4 note:"old words"', ":clock +20d", '/checkin 3 note:"newer words"')
        await c.say(":clock +11d")  # the first note is now 31 days old, the second 11
        notes = await c.rows("SELECT mood, note FROM checkins ORDER BY id")
        assert notes == [(4, None), (3, "newer words")]
    finally:
        await c.stop()


async def test_notes_are_kept_when_retention_is_off(community):
    await community.say('/checkin 4 note:"keep me"', ":clock +400d")
    assert await community.rows("SELECT note FROM checkins") == [("keep me",)]


# --- pure parts --------------------------------------------------------------------------------------------


days_sets = st.sets(st.dates(date(2026, 1, 1), date(2026, 3, 1)), max_size=40)


@given(days_sets, st.dates(date(2026, 1, 1), date(2026, 3, 1)))
def test_streak_properties(days, today):
    current = current_streak(days, today)
    assert 0 <= current <= longest_streak(days)
    if today in days:
        assert current >= 1
    if today not in days and today - timedelta(days=1) not in days:
        assert current == 0


def test_weekly_averages_group_by_monday():
    weeks = weekly_averages(
        [(date(2026, 11, 1), 2, 4), (date(2026, 11, 2), 4, 2), (date(2026, 11, 8), 5, 0)]
    )
    assert [(w.monday, w.days, w.mood, w.cravings) for w in weeks] == [
        (date(2026, 10, 26), 1, 2, 4),
        (date(2026, 11, 2), 2, 4.5, 1),
    ]


def test_plan_daily_never_fires_twice_a_day_even_after_a_zone_change():
    at = datetime(2026, 11, 2, 20, 0, tzinfo=UTC).time()
    now = datetime(2026, 11, 2, 20, 0, tzinfo=UTC)
    first = plan_daily(now, at, "UTC", None)
    assert first.fire and first.next_at == datetime(2026, 11, 3, 20, 0, tzinfo=UTC)
    # moved to a zone where 20:00 of the same local date has also passed: no second reminder
    again = plan_daily(now + timedelta(hours=1), at, "Europe/Lisbon", first.day)
    assert not again.fire


async def test_moving_across_the_date_line_keeps_every_checkin_in_history(tmp_path):
    start = datetime(2026, 11, 2, 23, 59, tzinfo=UTC)  # 23:59 in London
    c = await ConsoleCommunity.create(tmp_path, start=start)
    try:
        await c.say("/timezone set zone:Europe/London", "/checkin 3")
        await c.say("/timezone set zone:Pacific/Kiritimati", "/checkin 4", "/checkin 4")  # 3 Nov
        out = await c.text("/timezone set zone:Pacific/Pago_Pago", "/checkin 2", "/checkin 5")
        assert "2 check-in days in the last 14 days" in out  # 2 and 3 November: both days count
        stored_days = await c.rows("SELECT local_date FROM checkins ORDER BY id")
        assert [d for (d,) in stored_days] == ["2026-11-02", "2026-11-03", "2026-11-03",
                                               "2026-11-02", "2026-11-02"]  # fmt: skip
        out = await c.text("/checkin history days:7")
        assert "Tue 11-03    4     –  (2×)" in out
        assert "Mon 11-02    3.3   –  (3×)" in out
        assert "2 check-in days in the last 7 days" in out
    finally:
        await c.stop()
