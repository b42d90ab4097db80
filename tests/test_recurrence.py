"""Tests for bot.recurrence: when facilitators' prompts post, in local wall-clock time."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.recurrence import Recurrence, ScheduleError, parse_schedule
from bot.timeutil import UnknownTimezone, zone

LONDON = "Europe/London"
NEW_YORK = "America/New_York"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def walls(instants: list[datetime], tz: str) -> list[str]:
    """What members in ``tz`` see on their clocks, as "YYYY-MM-DD HH:MM"."""
    return [i.astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M") for i in instants]


# --- DST: local wall-clock times ---------------------------------------------------------


def test_daily_stays_at_nine_local_across_london_spring_forward() -> None:
    posts = parse_schedule("daily 09:00").upcoming(utc(2026, 3, 27), LONDON, n=4)
    assert walls(posts, LONDON) == [
        "2026-03-27 09:00",
        "2026-03-28 09:00",
        "2026-03-29 09:00",
        "2026-03-30 09:00",
    ]
    assert posts[1] == utc(2026, 3, 28, 9, 0)  # GMT
    assert posts[2] == utc(2026, 3, 29, 8, 0)  # BST


def test_daily_stays_at_nine_local_across_london_fall_back() -> None:
    posts = parse_schedule("daily 09:00").upcoming(utc(2026, 10, 24), LONDON, n=2)
    assert posts == [utc(2026, 10, 24, 8, 0), utc(2026, 10, 25, 9, 0)]


def test_time_missing_on_spring_forward_night_posts_once_after_the_gap() -> None:
    # London skips 01:00-02:00 on 2026-03-29: the 01:30 post goes out once, at 02:00 BST.
    posts = parse_schedule("daily 01:30").upcoming(utc(2026, 3, 28, 12, 0), LONDON, n=2)
    assert posts == [utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30)]
    assert walls(posts, LONDON) == ["2026-03-29 02:00", "2026-03-30 01:30"]


def test_new_york_0230_on_spring_forward_posts_at_0300() -> None:
    posts = parse_schedule("daily 02:30").upcoming(utc(2026, 3, 7, 12, 0), NEW_YORK, n=2)
    assert walls(posts, NEW_YORK) == ["2026-03-08 03:00", "2026-03-09 02:30"]
    assert posts[0] == utc(2026, 3, 8, 7, 0)


def test_repeated_time_on_fall_back_night_posts_once_first_occurrence() -> None:
    # London runs 01:00-02:00 twice on 2026-10-25; the prompt posts in the first one only.
    posts = parse_schedule("daily 01:30").upcoming(utc(2026, 10, 24, 12, 0), LONDON, n=2)
    assert posts == [utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]


def test_new_york_2000_across_fall_back() -> None:
    posts = parse_schedule("daily 20:00").upcoming(utc(2026, 10, 31, 12, 0), NEW_YORK, n=2)
    assert posts == [utc(2026, 11, 1, 0, 0), utc(2026, 11, 2, 1, 0)]
    assert walls(posts, NEW_YORK) == ["2026-10-31 20:00", "2026-11-01 20:00"]


def test_cron_every_15_minutes_skips_nothing_and_doubles_nothing_over_dst() -> None:
    schedule = parse_schedule("cron */15 * * * *")
    spring = schedule.upcoming(utc(2026, 3, 29, 0, 30), LONDON, n=4)
    # 00:45 GMT, then the whole missing hour collapses into one post at 02:00 BST.
    assert walls(spring, LONDON) == [
        "2026-03-29 00:45",
        "2026-03-29 02:00",
        "2026-03-29 02:15",
        "2026-03-29 02:30",
    ]
    autumn = schedule.upcoming(utc(2026, 10, 25, 0, 30), LONDON, n=3)
    # 01:45 BST is followed by 02:00 GMT: the repeated hour is not posted a second time.
    assert autumn == [utc(2026, 10, 25, 0, 45), utc(2026, 10, 25, 2, 0), utc(2026, 10, 25, 2, 15)]


# --- kinds -------------------------------------------------------------------------------


def test_weekdays_skip_the_weekend() -> None:
    # 2026-01-02 is a Friday.
    posts = parse_schedule("weekdays 08:30").upcoming(utc(2026, 1, 2, 9, 0), LONDON, n=2)
    assert walls(posts, LONDON) == ["2026-01-05 08:30", "2026-01-06 08:30"]


def test_weekly_across_year_end() -> None:
    schedule = parse_schedule("weekly mon,thu 19:30")
    posts = schedule.upcoming(utc(2026, 12, 28, 20, 0), LONDON, n=3)
    assert walls(posts, LONDON) == ["2026-12-31 19:30", "2027-01-04 19:30", "2027-01-07 19:30"]


def test_weekly_accepts_full_names_any_case_and_canonicalises() -> None:
    schedule = parse_schedule("WEEKLY Thursday,Monday 7:30")
    assert schedule.kind == "weekly"
    assert schedule.spec == "weekly mon,thu 07:30"
    assert schedule == parse_schedule("weekly mon,thu 07:30")


def test_once_posts_once_then_finishes() -> None:
    schedule = parse_schedule("once 2026-12-24 18:00", now_utc=NOW, tz=NEW_YORK)
    assert schedule.upcoming(NOW, NEW_YORK, n=3) == [utc(2026, 12, 24, 23, 0)]
    assert schedule.next_after(utc(2026, 12, 24, 23, 0), NEW_YORK) is None


def test_once_in_the_past_is_rejected() -> None:
    with pytest.raises(ScheduleError, match="^That time has already passed.$"):
        parse_schedule("once 2025-12-31 18:00", now_utc=NOW, tz=LONDON)


def test_once_judged_in_the_community_zone() -> None:
    # 2026-01-01 00:00 UTC is still 2025-12-31 19:00 in New York: 20:00 there is ahead.
    schedule = parse_schedule("once 2025-12-31 20:00", now_utc=NOW, tz=NEW_YORK)
    assert schedule.next_after(NOW, NEW_YORK) == utc(2026, 1, 1, 1, 0)
    with pytest.raises(ScheduleError, match="already passed"):
        parse_schedule("once 2025-12-31 20:00", now_utc=NOW, tz=LONDON)


def test_cron_weekdays_at_nine() -> None:
    # 2026-01-02 is a Friday.
    posts = parse_schedule("cron 0 9 * * 1-5").upcoming(utc(2026, 1, 2, 10, 0), LONDON, n=2)
    assert walls(posts, LONDON) == ["2026-01-05 09:00", "2026-01-06 09:00"]


def test_cron_sunday_is_0_or_7_or_sun() -> None:
    expected = parse_schedule("cron 0 10 * * 0").upcoming(NOW, LONDON, n=3)
    assert walls(expected, LONDON) == ["2026-01-04 10:00", "2026-01-11 10:00", "2026-01-18 10:00"]
    assert parse_schedule("cron 0 10 * * 7").upcoming(NOW, LONDON, n=3) == expected
    assert parse_schedule("cron 0 10 * * SUN").upcoming(NOW, LONDON, n=3) == expected


def test_cron_day_of_month_or_day_of_week_when_both_restricted() -> None:
    # Classic cron: "13 * fri" means the 13th of every month AND every Friday.
    posts = parse_schedule("cron 0 9 13 * fri").upcoming(utc(2026, 2, 1), "UTC", n=4)
    assert walls(posts, "UTC") == [
        "2026-02-06 09:00",
        "2026-02-13 09:00",
        "2026-02-20 09:00",
        "2026-02-27 09:00",
    ]
    posts = parse_schedule("cron 0 9 13 * thu").upcoming(utc(2026, 2, 10), "UTC", n=3)
    assert walls(posts, "UTC") == ["2026-02-12 09:00", "2026-02-13 09:00", "2026-02-19 09:00"]


def test_cron_day_of_month_alone() -> None:
    posts = parse_schedule("cron 0 9 13 * *").upcoming(utc(2026, 2, 1), "UTC", n=2)
    assert walls(posts, "UTC") == ["2026-02-13 09:00", "2026-03-13 09:00"]


def test_cron_lists_ranges_steps_and_month_names() -> None:
    schedule = parse_schedule("cron 0,30 8-12/2 1 jan,jul *")
    posts = schedule.upcoming(utc(2026, 1, 1), "UTC", n=7)
    assert walls(posts, "UTC") == [
        "2026-01-01 08:00",
        "2026-01-01 08:30",
        "2026-01-01 10:00",
        "2026-01-01 10:30",
        "2026-01-01 12:00",
        "2026-01-01 12:30",
        "2026-07-01 08:00",
    ]


def test_cron_leap_day_only_is_found_years_ahead() -> None:
    schedule = parse_schedule("cron 0 12 29 2 *")
    assert schedule.next_after(utc(2026, 1, 1), "UTC") == utc(2028, 2, 29, 12, 0)
    # 2100 is not a leap year: the next Feb 29 after 2096 is eight years away.
    assert schedule.next_after(utc(2096, 3, 1), "UTC") == utc(2104, 2, 29, 12, 0)


def test_next_after_is_strictly_after() -> None:
    schedule = parse_schedule("daily 09:00")
    assert schedule.next_after(utc(2026, 1, 5, 9, 0), "UTC") == utc(2026, 1, 6, 9, 0)


def test_next_after_unknown_zone() -> None:
    with pytest.raises(UnknownTimezone):
        parse_schedule("daily 09:00").next_after(NOW, "Mars/Base")


def test_parse_schedule_unknown_zone_is_a_schedule_error() -> None:
    with pytest.raises(ScheduleError, match="Europe/London"):
        parse_schedule("daily 09:00", tz="Europe/Londn")


# --- descriptions and the stored form ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("daily 09:00", "every day at 09:00"),
        ("weekdays 08:30", "weekdays at 08:30"),
        ("weekly mon,thu 19:30", "Mon and Thu at 19:30"),
        ("weekly fri,mon,wed 19:30", "Mon, Wed and Fri at 19:30"),
        ("weekly sunday 10:00", "every Sun at 10:00"),
        ("once 2026-12-24 18:00", "once on 2026-12-24 at 18:00"),
        ("cron 0 9 * * 1-5", "on weekdays at 09:00"),
        ("cron 0 9 1,15 * *", "on days 1 and 15 of the month at 09:00"),
        ("cron */15 * * * *", "every day at minute 00, 15, 30 and 45 of every hour"),
    ],
)
def test_describe(text: str, description: str) -> None:
    assert parse_schedule(text).describe() == description


@pytest.mark.parametrize(
    "text",
    [
        "daily 9:00",
        "  weekdays   08:30 ",
        "weekly Mon Thu 19:30",
        "once 2026-12-24 18:00",
        "CRON 0 9 * * MON-FRI",
    ],
)
def test_spec_round_trips_through_storage(text: str) -> None:
    schedule = parse_schedule(text)
    again = Recurrence(schedule.kind, schedule.spec)
    assert again == schedule
    assert again.upcoming(NOW, LONDON) == schedule.upcoming(NOW, LONDON)


def test_schedule_refuses_a_spec_of_another_kind() -> None:
    with pytest.raises(ScheduleError):
        Recurrence("daily", "weekdays 08:30")


# --- rejections --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("daily 25:00", "25:00 is not a time of day. Use 24-hour HH:MM."),
        ("weekdays noon", "noon is not a time of day. Use 24-hour HH:MM."),
        ("cron 61 * * * *", "61 is out of range for the cron minute field (0-59)."),
        ("cron 0 24 * * *", "24 is out of range for the cron hour field (0-23)."),
        ("cron 0 9 * * 8", "8 is out of range for the cron day-of-week field (0-7)."),
        ("cron * * * * *", "Prompts can post at most once every 15 minutes."),
        ("cron */10 * * * *", "Prompts can post at most once every 15 minutes."),
        ("cron 0,5 9 * * *", "Prompts can post at most once every 15 minutes."),
        ("cron 0,50 0,23 * * *", "Prompts can post at most once every 15 minutes."),
        ("cron 0 0 30 2 *", "That cron schedule never matches a date on the calendar."),
        ("once 2023-02-30 10:00", "2023-02-30 is not a date on the calendar."),
    ],
)
def test_bad_schedules_are_refused_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(text, now_utc=NOW, tz=LONDON)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("weekly funday 10:00", "'funday' is not a day of the week"),
        ("", "Give a schedule, like 'daily 09:00'"),
        ("   ", "Give a schedule"),
        ("hourly 10:00", "I don't know the schedule kind 'hourly'"),
        ("daily", "Use 'daily HH:MM'"),
        ("daily 09:00 21:00", "Use 'daily HH:MM'"),
        ("weekly 19:30", "Use 'weekly DAYS HH:MM'"),
        ("once 2026-12-24", "Use 'once YYYY-MM-DD HH:MM'"),
        ("cron 0 9 * *", "5 fields"),
        ("cron 0 9 * * 5-1", "from low to high"),
        ("cron */0 9 * * *", "step"),
        ("cron 0 9 * foo *", "'foo' is not a value for the cron month field"),
    ],
)
def test_more_bad_schedules(text: str, fragment: str) -> None:
    with pytest.raises(ScheduleError, match=fragment):
        parse_schedule(text)


# --- properties --------------------------------------------------------------------------

_SCHEDULE_WORDS = st.sampled_from(
    ["daily", "weekdays", "weekly", "once", "cron", "mon,thu", "funday", "*", "*/15", "1-5",
     "1-5/2", "0", "7", "61", "09:00", "25:00", "2026-12-24", "2023-02-30", "jan", "sun", ",",
     "-", "/", "9999-12-31", "0001-01-01", "23:59", "mon-fri"]
)  # fmt: skip
_ALMOST_SCHEDULES = st.lists(st.one_of(_SCHEDULE_WORDS, st.text(max_size=6)), max_size=7).map(
    " ".join
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(), _ALMOST_SCHEDULES))
def test_parse_schedule_raises_only_schedule_error(text: str) -> None:
    try:
        schedule = parse_schedule(text, now_utc=NOW, tz=LONDON)
    except ScheduleError as error:
        assert str(error)
        return
    assert parse_schedule(schedule.spec) == schedule
    assert schedule.describe()


_ZONES = st.sampled_from([LONDON, NEW_YORK, "Australia/Lord_Howe", "Pacific/Apia", "UTC"])
_TIMES = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))
_DAYS = st.lists(
    st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), min_size=1, unique=True
)
_CRONS = st.sampled_from(
    ["cron */15 * * * *", "cron 0 9 * * 1-5", "cron 30 1,2 * * *", "cron 0 12 29 2 *",
     "cron 0,30 0-3 * * *", "cron 15 2 13 * fri", "cron 0 */6 1-7 * sun"]
)  # fmt: skip
_VALID = st.one_of(
    _TIMES.map(lambda t: f"daily {t}"),
    _TIMES.map(lambda t: f"weekdays {t}"),
    st.builds(lambda d, t: f"weekly {','.join(d)} {t}", _DAYS, _TIMES),
    _CRONS,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=_VALID,
    tz=_ZONES,
    start=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
)
def test_next_after_strictly_increases_over_500_posts(text: str, tz: str, start: datetime) -> None:
    schedule = parse_schedule(text)
    current = start.replace(tzinfo=UTC)
    for _ in range(500):
        following = schedule.next_after(current, tz)
        assert following is not None
        assert following > current
        assert following.utcoffset() == timedelta(0)
        current = following


@settings(max_examples=60, deadline=None)
@given(day=st.dates(date(2000, 1, 1), date(2090, 12, 31)), t=st.times(), tz=_ZONES)
def test_daily_post_on_an_ordinary_day_shows_its_own_wall_time(day: date, t: time, tz: str) -> None:
    t = t.replace(second=0, microsecond=0)
    schedule = parse_schedule(f"daily {t:%H:%M}")
    posted = schedule.next_after(datetime.combine(day, time(0), UTC) - timedelta(days=2), tz)
    assert posted is not None
    local = posted.astimezone(zone(tz))
    # Either the wall time exists (posted at exactly that time) or it fell in a DST gap.
    naive = datetime.combine(local.date(), t)
    exists = naive.replace(tzinfo=zone(tz)).astimezone(UTC).astimezone(zone(tz)).time() == t
    if exists:
        assert local.time() == t
    else:
        assert local.time() > t or local.date() > naive.date()
