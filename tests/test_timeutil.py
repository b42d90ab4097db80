"""Tests for bot.timeutil: zones, DST-correct local times, calendar arithmetic, parsing."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.timeutil import (
    UnknownTimezone,
    add_months,
    add_years,
    humanize_delta,
    local_date,
    next_daily,
    parse_date,
    parse_duration,
    parse_hhmm,
    resolve_local,
    start_of_local_day,
    suggest_zones,
    zone,
)

LONDON = "Europe/London"
NEW_YORK = "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def wall(instant: datetime, tz: str) -> tuple[date, time]:
    """The local date and wall time a member in ``tz`` sees for ``instant``."""
    local = instant.astimezone(zone(tz))
    return local.date(), local.time()


# --- zones -------------------------------------------------------------------------------


def test_zone_returns_the_named_zone() -> None:
    assert zone("Europe/London").key == "Europe/London"
    assert zone("UTC").key == "UTC"


@pytest.mark.parametrize(
    "name", ["+02:00", "UTC+2", "", "   ", "../etc", "/etc/passwd", "Mars/Base"]
)
def test_zone_rejects_offsets_paths_and_unknown_names(name: str) -> None:
    with pytest.raises(UnknownTimezone) as caught:
        zone(name)
    assert caught.value.name == name
    assert "Europe/London" in str(caught.value)  # the message shows what a valid name looks like


def test_offset_is_explained_not_matched() -> None:
    with pytest.raises(UnknownTimezone) as caught:
        zone("UTC+2")
    assert caught.value.suggestions == []
    assert "daylight saving" in str(caught.value)


def test_unknown_zone_carries_suggestions() -> None:
    with pytest.raises(UnknownTimezone) as caught:
        zone("Europe/Londn")
    assert caught.value.suggestions[0] == "Europe/London"
    assert "Did you mean Europe/London" in str(caught.value)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Europe/Londn", "Europe/London"),
        ("london", "Europe/London"),
        ("LONDON", "Europe/London"),
        ("new york", "America/New_York"),
        ("europe/london", "Europe/London"),
        ("Tokio", "Asia/Tokyo"),
    ],
)
def test_suggest_zones_finds_close_names(typed: str, expected: str) -> None:
    suggestions = suggest_zones(typed)
    assert suggestions[0] == expected
    assert len(suggestions) <= 3


def test_suggest_zones_respects_n_and_nonsense() -> None:
    assert len(suggest_zones("Europe/Londn", n=1)) == 1
    assert suggest_zones("") == []
    assert suggest_zones("qqqqqqqqqqqq") == []


# --- local dates and wall times ----------------------------------------------------------


def test_local_date_crosses_midnight_by_zone() -> None:
    instant = utc(2026, 1, 1, 3, 0)
    assert local_date(instant, "UTC") == date(2026, 1, 1)
    assert local_date(instant, NEW_YORK) == date(2025, 12, 31)
    assert local_date(instant, "Asia/Tokyo") == date(2026, 1, 1)


def test_local_date_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime(2026, 1, 1), LONDON)


def test_resolve_local_ordinary_time_is_utc_instant() -> None:
    assert resolve_local(date(2026, 1, 15), time(9, 0), LONDON) == utc(2026, 1, 15, 9, 0)
    assert resolve_local(date(2026, 7, 15), time(9, 0), LONDON) == utc(2026, 7, 15, 8, 0)


def test_resolve_local_gap_goes_to_first_instant_after_the_gap() -> None:
    # London jumps 01:00 GMT -> 02:00 BST on 2026-03-29; 01:30 never happens that night.
    instant = resolve_local(date(2026, 3, 29), time(1, 30), LONDON)
    assert instant == utc(2026, 3, 29, 1, 0)
    assert wall(instant, LONDON) == (date(2026, 3, 29), time(2, 0))
    # New York jumps 02:00 EST -> 03:00 EDT on 2026-03-08; 02:30 becomes 03:00 local.
    instant = resolve_local(date(2026, 3, 8), time(2, 30), NEW_YORK)
    assert wall(instant, NEW_YORK) == (date(2026, 3, 8), time(3, 0))
    assert instant == utc(2026, 3, 8, 7, 0)


def test_resolve_local_ambiguous_time_is_first_occurrence() -> None:
    # London repeats 01:00-02:00 on 2026-10-25: first as BST (UTC+1), then as GMT.
    assert resolve_local(date(2026, 10, 25), time(1, 30), LONDON) == utc(2026, 10, 25, 0, 30)
    assert resolve_local(date(2026, 11, 1), time(1, 30), NEW_YORK) == utc(2026, 11, 1, 5, 30)


def test_resolve_local_whole_skipped_day() -> None:
    # Samoa skipped 2011-12-30 entirely; a time on that date lands on the first instant after.
    instant = resolve_local(date(2011, 12, 30), time(12, 0), "Pacific/Apia")
    assert wall(instant, "Pacific/Apia") == (date(2011, 12, 31), time(0, 0))


def test_next_daily_keeps_local_time_across_us_fall_back() -> None:
    first = next_daily(utc(2026, 10, 31, 12, 0), time(20, 0), NEW_YORK)
    second = next_daily(first, time(20, 0), NEW_YORK)
    assert first == utc(2026, 11, 1, 0, 0)  # 20:00 EDT
    assert second == utc(2026, 11, 2, 1, 0)  # 20:00 EST
    assert wall(first, NEW_YORK)[1] == wall(second, NEW_YORK)[1] == time(20, 0)


def test_next_daily_is_strictly_after() -> None:
    at_nine = utc(2026, 1, 15, 9, 0)
    assert next_daily(at_nine, time(9, 0), LONDON) == utc(2026, 1, 16, 9, 0)
    assert next_daily(at_nine - timedelta(seconds=1), time(9, 0), LONDON) == at_nine


def test_next_daily_gap_posts_once() -> None:
    first = next_daily(utc(2026, 3, 28, 12, 0), time(1, 30), LONDON)
    second = next_daily(first, time(1, 30), LONDON)
    assert first == utc(2026, 3, 29, 1, 0)
    assert wall(second, LONDON) == (date(2026, 3, 30), time(1, 30))


def test_start_of_local_day() -> None:
    assert start_of_local_day(date(2026, 7, 1), LONDON) == utc(2026, 6, 30, 23, 0)
    assert start_of_local_day(date(2026, 1, 1), NEW_YORK) == utc(2026, 1, 1, 5, 0)


# --- calendar arithmetic -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 10), -13, date(2024, 12, 10)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_add_years_from_leap_day() -> None:
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2026, 6, 1), -1) == date(2025, 6, 1)


def test_add_months_outside_calendar_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        add_years(date(9999, 1, 1), 1)


# --- parsing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("09:00", time(9, 0)), ("9:05", time(9, 5)), ("21:30", time(21, 30)), (" 00:00 ", time(0))],
)
def test_parse_hhmm_accepts_24_hour_times(text: str, expected: time) -> None:
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize(
    "text", ["25:00", "9", "noon", "24:61", "", "24:00", "9:5", "09:00pm", "٠٩:٠٠"]
)
def test_parse_hhmm_rejects_with_friendly_message(text: str) -> None:
    with pytest.raises(ValueError, match="Use a 24-hour time like 09:00 or 21:30."):
        parse_hhmm(text)


def test_parse_date_strict_iso() -> None:
    assert parse_date("2026-12-24") == date(2026, 12, 24)
    assert parse_date("2024-02-29") == date(2024, 2, 29)


def test_parse_date_relative_words_need_today() -> None:
    today = date(2026, 3, 1)
    assert parse_date("today", today=today) == today
    assert parse_date("Yesterday", today=today) == date(2026, 2, 28)
    with pytest.raises(ValueError, match="2026-12-24"):
        parse_date("today")


def test_parse_date_impossible_date_message() -> None:
    with pytest.raises(ValueError) as caught:
        parse_date("2023-02-30")
    assert str(caught.value) == "2023-02-30 is not a date on the calendar."


@pytest.mark.parametrize("text", ["24/12/2026", "2026-1-5", "", "tomorrow", "2026-12-24T10:00"])
def test_parse_date_rejects_other_formats(text: str) -> None:
    with pytest.raises(ValueError, match="year-month-day"):
        parse_date(text, today=date(2026, 1, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", timedelta(minutes=90)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        ("2d", timedelta(days=2)),
        ("1w", timedelta(weeks=1)),
        ("24h", timedelta(hours=24)),
        ("1W2D", timedelta(days=9)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "abc", "-5m", "0m", "0h0m", "30m1h", "1h1h", "5", "5x", "1.5h", "h", "1h30"]
)
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_parse_duration_rejects_absurd_lengths_without_crashing() -> None:
    with pytest.raises(ValueError, match="too long"):
        parse_duration("99999999999999w")


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(days=3), "3 days"),
        (timedelta(hours=1, minutes=5), "1 hour 5 minutes"),
        (timedelta(days=1, hours=2, minutes=3), "1 day 2 hours"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(seconds=45), "45 seconds"),
        (timedelta(0), "0 seconds"),
        (timedelta(hours=-2), "2 hours"),
    ],
)
def test_humanize_delta(delta: timedelta, expected: str) -> None:
    assert humanize_delta(delta) == expected
