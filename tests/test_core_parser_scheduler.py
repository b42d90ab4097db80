"""The text parser never raises anything but its own error; moving the clock runs due work in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.parser import ParseError, parse, strip_prefix
from bot.scheduler import DueSource


@given(st.text(max_size=300))
@settings(max_examples=500, deadline=None)
def test_the_parser_raises_only_parse_errors(text):
    try:
        tokens = parse(text)
    except ParseError:
        return
    assert all(isinstance(t.text, str) for t in tokens)


@given(
    st.lists(
        st.sampled_from(["a", " ", '"', ":", "x:", '\\"', "“", "”", "é", "\u200b", "9:30"]),
        max_size=40,
    )
)
@settings(max_examples=500, deadline=None)
def test_the_parser_survives_quote_and_colon_soup(parts):
    try:
        tokens = parse("".join(parts))
    except ParseError as err:
        assert str(err)  # a message a person can read
        return
    assert all(t.name is None or t.name == t.name.lower() for t in tokens)


def test_parser_examples():
    tokens = parse('checkin 4 cravings:2 note:"rough day, but here"')
    assert [(t.name, t.text) for t in tokens] == [
        (None, "checkin"),
        (None, "4"),
        ("cravings", "2"),
        ("note", "rough day, but here"),
    ]
    assert [t.text for t in parse("prompt add schedule:daily 09:00")][-1] == "09:00"
    # escaped quotes inside quotes, quotes inside a word, and a long quoted note
    assert parse(r'checkin 3 note:"she said \"hi\" to me"')[-1].text == 'she said "hi" to me'
    assert parse(r'say a"b c"d')[-1].text == "ab cd"
    long_note = "word " * 100 + r"\"end\""
    assert parse('checkin 3 note:"' + long_note + '"')[-1].text == "word " * 100 + '"end"'
    with pytest.raises(ParseError, match="quote is not closed"):
        parse(r'checkin 3 note:"never \" closed')
    assert strip_prefix("!checkin", ("!",)) == "checkin"
    assert strip_prefix("! checkin", ("!",)) is None
    assert strip_prefix("!!!", ("!",)) is None


async def test_moving_time_runs_every_due_item_in_order(community):
    ran: list[tuple[str, datetime]] = []
    dues = {
        "a": [datetime(2026, 11, 2, 13, 0, tzinfo=UTC), datetime(2026, 11, 3, 13, 0, tzinfo=UTC)],
        "b": [datetime(2026, 11, 2, 18, 30, tzinfo=UTC)],
    }

    def source(name):
        async def next_due():
            return dues[name][0] if dues[name] else None

        async def run_due(now):
            while dues[name] and dues[name][0] <= now:
                ran.append((name, now))
                dues[name].pop(0)

        return DueSource(name, next_due, run_due)

    community.bot.scheduler.add_source(source("a"))
    community.bot.scheduler.add_source(source("b"))
    await community.say(":clock +2d")
    assert ran == [
        ("a", datetime(2026, 11, 2, 13, 0, tzinfo=UTC)),
        ("b", datetime(2026, 11, 2, 18, 30, tzinfo=UTC)),
        ("a", datetime(2026, 11, 3, 13, 0, tzinfo=UTC)),
    ]
    assert community.clock.now() == datetime(2026, 11, 4, 12, 0, tzinfo=UTC)


async def test_the_clock_never_moves_backwards(community):
    before = community.clock.now()
    out = await community.text(":clock 2020-01-01T00:00")
    assert "time only moves forward" in out and community.clock.now() == before
    await community.say(":clock +90m")
    assert community.clock.now() == before + timedelta(minutes=90)


async def test_a_failing_due_source_does_not_stop_the_others(community):
    ran = []
    when = community.clock.now() + timedelta(hours=1)

    async def broken_due():
        return when

    async def broken_run(now):
        raise RuntimeError("broken")

    async def ok_due():
        return None if ran else when

    async def ok_run(now):
        ran.append(now)

    community.bot.scheduler.add_source(DueSource("broken", broken_due, broken_run))
    community.bot.scheduler.add_source(DueSource("ok", ok_due, ok_run))
    await community.say(":clock +2h")
    assert ran
