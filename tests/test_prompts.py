"""/prompt: facilitators' scheduled prompts, exactly once and on time, across DST and restarts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.harness import ConsoleCommunity

SPRING = datetime(2026, 3, 26, 12, 0, tzinfo=UTC)  # London springs forward on Sun 29 March
AUTUMN = datetime(2026, 10, 22, 12, 0, tzinfo=UTC)  # and falls back on Sun 25 October


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def make(
    tmp_path, start: datetime | None = None, config: dict | None = None
) -> ConsoleCommunity:
    """A London community with a prompts and an alerts channel; fran facilitates, alice moderates."""
    kwargs = {"start": start} if start else {}
    c = await ConsoleCommunity.create(tmp_path, config=config, **kwargs)
    await c.say(
        ":role alice moderator",
        ":role fran facilitator",
        "/community timezone Europe/London",
        "/community channel purpose:prompts channel:#prompts",
        "/community channel purpose:alerts channel:#alerts",
        ":as fran",
    )
    return c


@pytest.fixture
async def fac(tmp_path):
    c = await make(tmp_path)
    yield c
    await c.stop()


def posts(lines: list[str], channel: str = "prompts") -> list[str]:
    return [line for line in lines if line.startswith(f"#{channel}: ")]


async def clock(c: ConsoleCommunity, when: str) -> list[str]:
    return await c.say(f":clock {when}")


async def prompt_count(c: ConsoleCommunity) -> int:
    return (await c.bot.db.fetchone("SELECT COUNT(*) FROM prompts"))[0]


# --- scheduling ------------------------------------------------------------------------------


async def test_add_shows_the_next_three_posts_and_posts_every_day_for_weeks(fac):
    out = await fac.text('/prompt add "How is today going?" schedule:daily 09:00')
    assert (
        "Prompt #1 is scheduled every day at 09:00 (Europe/London) in the prompts channel, #prompts."
        in out
    )
    assert (
        "Next posts: Tue 03 Nov 2026, 09:00; Wed 04 Nov 2026, 09:00; Thu 05 Nov 2026, 09:00." in out
    )
    out = await fac.say(":clock +3w")
    assert posts(out) == ["#prompts: How is today going?"] * 21


async def test_weekly_and_cron_schedules_post_on_their_days_only(fac):
    await fac.say(
        '/prompt add "Monday intention" schedule:weekly mon 09:00',
        '/prompt add "Weekday wins" schedule:"cron 0 17 * * 1-5"',
    )
    out = await fac.say(":clock +2w")
    assert posts(out).count("#prompts: Monday intention") == 2
    assert posts(out).count("#prompts: Weekday wins") == 10


async def test_daily_0900_stays_at_0900_london_across_the_spring_change(tmp_path):
    c = await make(tmp_path, SPRING)
    try:
        await c.say('/prompt add "Good morning" schedule:daily 09:00', ":clock 2026-03-27T12:00")
        assert posts(await clock(c, "2026-03-28T08:59")) == []
        assert posts(await clock(c, "2026-03-28T09:00")) == ["#prompts: Good morning"]  # GMT
        assert posts(await clock(c, "2026-03-29T07:59")) == []
        assert posts(await clock(c, "2026-03-29T08:00")) == ["#prompts: Good morning"]  # BST
        assert posts(await clock(c, "2026-03-30T07:59")) == []
        assert posts(await clock(c, "2026-03-30T08:00")) == ["#prompts: Good morning"]
    finally:
        await c.stop()


async def test_daily_0900_stays_at_0900_london_across_the_autumn_change(tmp_path):
    c = await make(tmp_path, AUTUMN)
    try:
        await c.say('/prompt add "Good morning" schedule:daily 09:00', ":clock 2026-10-23T12:00")
        assert posts(await clock(c, "2026-10-24T07:59")) == []
        assert posts(await clock(c, "2026-10-24T08:00")) == ["#prompts: Good morning"]  # BST
        assert posts(await clock(c, "2026-10-25T08:59")) == []
        assert posts(await clock(c, "2026-10-25T09:00")) == ["#prompts: Good morning"]  # GMT
    finally:
        await c.stop()


async def test_a_time_that_does_not_exist_posts_once_at_the_next_valid_time(tmp_path):
    # 01:30 does not exist in London on 29 March: clocks go from 01:00 GMT to 02:00 BST.
    c = await make(tmp_path, SPRING)
    try:
        await c.say('/prompt add "Night owls" schedule:daily 01:30', ":clock 2026-03-28T12:00")
        assert posts(await clock(c, "2026-03-29T00:59")) == []
        assert posts(await clock(c, "2026-03-29T01:00")) == ["#prompts: Night owls"]  # 02:00 BST
        assert posts(await clock(c, "2026-03-29T23:59")) == []
        assert posts(await clock(c, "2026-03-30T00:30")) == ["#prompts: Night owls"]  # 01:30 BST
    finally:
        await c.stop()


async def test_a_time_that_happens_twice_posts_once(tmp_path):
    # 01:30 happens twice in London on 25 October (BST, then GMT): one post, at the first.
    c = await make(tmp_path, AUTUMN)
    try:
        await c.say('/prompt add "Night owls" schedule:daily 01:30')
        await clock(c, "2026-10-25T00:00")
        assert posts(await clock(c, "2026-10-25T00:30")) == ["#prompts: Night owls"]
        assert posts(await clock(c, "2026-10-26T01:29")) == []
        assert posts(await clock(c, "2026-10-26T01:30")) == ["#prompts: Night owls"]
    finally:
        await c.stop()


async def test_a_once_prompt_posts_once_and_then_is_finished(fac):
    out = await fac.text('/prompt add "Holiday check-in" schedule:"once 2026-12-24 18:00"')
    assert "Next posts: Thu 24 Dec 2026, 18:00." in out
    out = await fac.say(":clock 2027-01-10T00:00")
    assert posts(out) == ["#prompts: Holiday check-in"]
    assert "#1 (finished)" in await fac.text("/prompt list")


async def test_changing_the_community_timezone_moves_the_next_posts(fac):
    await fac.say('/prompt add "Good morning" schedule:daily 09:00', ":as alice")
    await fac.say("/community timezone America/New_York")
    # 09:00 in New York is 14:00 UTC; nothing posts at 09:00 London any more
    assert posts(await clock(fac, "2026-11-02T13:59")) == []
    assert posts(await clock(fac, "2026-11-02T14:00")) == ["#prompts: Good morning"]
    assert posts(await clock(fac, "2026-11-03T13:59")) == []
    assert posts(await clock(fac, "2026-11-03T14:00")) == ["#prompts: Good morning"]


# --- exactly once across restarts --------------------------------------------------------------


async def test_a_restart_inside_the_grace_time_posts_once_late(fac):
    await fac.say('/prompt add "Morning" schedule:daily 09:00', ":clock 2026-11-03T08:00")
    await fac.stop()
    fac.clock.set(utc("2026-11-03T09:40"))  # due at 09:00 while the bot was down
    await fac.start()
    assert posts(fac.transcript) == ["#prompts: Morning"]
    await fac.restart()
    await fac.say(":clock 2026-11-03T12:00")
    await fac.restart()
    assert posts(fac.transcript) == ["#prompts: Morning"]
    await fac.say(":clock 2026-11-04T09:00")
    assert posts(fac.transcript) == ["#prompts: Morning"] * 2


async def test_a_restart_after_the_grace_time_skips_and_records_it_once(fac):
    await fac.say('/prompt add "Morning" schedule:daily 09:00', ":clock 2026-11-03T08:00")
    await fac.stop()
    fac.clock.set(utc("2026-11-03T10:01"))  # 61 minutes late: more than the default hour
    await fac.start()
    await fac.restart()
    assert posts(fac.transcript) == []
    out = await fac.text("/prompt list")
    assert (
        "not posted: Tue 03 Nov 2026, 09:00: skipped (I was offline for more than 60 minutes)"
        in out
    )
    runs = await fac.bot.db.fetchall("SELECT outcome FROM prompt_runs")
    assert [r[0] for r in runs] == ["missed"]
    assert posts(await fac.say(":clock 2026-11-04T09:00")) == ["#prompts: Morning"]


async def test_several_missed_posts_are_recorded_as_one_skip(fac):
    await fac.say('/prompt add "Morning" schedule:daily 09:00', ":clock 2026-11-03T08:00")
    await fac.stop()
    fac.clock.set(utc("2026-11-06T09:30"))
    await fac.start()
    assert posts(fac.transcript) == ["#prompts: Morning"]  # the 6th, 30 minutes late
    out = await fac.text("/prompt list")
    assert "I was offline for more than 60 minutes; 3 posts were missed" in out


async def test_the_grace_time_comes_from_the_config(tmp_path):
    c = await make(tmp_path, config={"bot": {"prompt_grace_minutes": 10}})
    try:
        await c.say('/prompt add "Morning" schedule:daily 09:00', ":clock 2026-11-03T08:00")
        await c.stop()
        c.clock.set(utc("2026-11-03T09:20"))
        await c.start()
        assert posts(c.transcript) == []
        assert "more than 10 minutes" in await c.text("/prompt list")
    finally:
        await c.stop()


# --- what is posted ---------------------------------------------------------------------------


async def test_posts_show_the_text_only_never_ping_and_can_open_a_thread(fac):
    text = "What's one win? @everyone @here <b>bold</b> **md** <@123>"
    sent = []
    real_post = fac.console.post

    async def spy(community_id, channel_id, message, *, thread_title=None):
        sent.append((channel_id, message, thread_title))
        return await real_post(community_id, channel_id, message, thread_title=thread_title)

    fac.console.post = spy
    await fac.say(f'/prompt add "{text}" schedule:daily 09:00 thread:yes')
    out = await fac.say(":clock 2026-11-03T09:00")
    assert out[:2] == [
        f"#prompts: {text}",
        "    (thread opened: What's one win? @\u2060everyone @\u2060here <b>bold</b> **md** <@123>)",
    ]
    ((channel_id, message, title),) = sent
    # the text travels only as a value, which every platform escapes with mentions disabled
    assert (
        channel_id == "prompts"
        and message.template == "{text}"
        and message.values == {"text": text}
    )
    assert "@everyone" not in title


async def test_a_prompt_can_go_to_another_channel(fac):
    await fac.say('/prompt add "Evening" schedule:"daily 20:00" channel:#general')
    assert posts(await fac.say(":clock +1d"), "general") == ["#general: Evening"]


async def test_the_bank_rotates_without_repeats_until_all_were_used(fac):
    await fac.say(*(f'/prompt bank add "Bank {n}"' for n in "ABC"))
    out = await fac.text("/prompt add bank schedule:daily 09:00")
    assert "Prompt #1 is scheduled every day at 09:00" in out
    first = posts(await clock(fac, "2026-11-03T09:00"))
    await fac.say('/prompt bank add "Bank D"')  # joins the current round
    rest = posts(await clock(fac, "2026-11-09T09:00"))
    shown = [line.removeprefix("#prompts: ") for line in first + rest]
    assert shown == ["Bank A", "Bank B", "Bank C", "Bank D", "Bank A", "Bank B", "Bank C"]


async def test_the_same_prompt_is_kept_once_in_the_bank(fac):
    out = await fac.text('/prompt bank add "Bank A"', '/prompt bank add "Bank A"')
    assert "Added to the prompt bank as #1 (1 in the bank)" in out
    assert "That prompt is already in the prompt bank as #1." in out
    assert "#2" not in await fac.text("/prompt bank list")


async def test_an_empty_bank_tells_the_moderators(fac):
    out = await fac.text("/prompt add bank schedule:daily 09:00")
    assert "The prompt bank is empty" in out
    out = await clock(fac, "2026-11-03T09:00")
    assert posts(out) == [] and any("the bank is empty" in line for line in posts(out, "alerts"))
    # told once: the next days' empty occurrences do not fill the alerts channel
    out = await clock(fac, "2026-11-04T09:00") + await clock(fac, "2026-11-05T09:00")
    assert not any("the bank is empty" in line for line in posts(out, "alerts"))
    await fac.text('/prompt bank add "Bank A"')
    out = await clock(fac, "2026-11-06T09:00")
    assert any("Bank A" in line for line in posts(out))


async def test_preview_is_private(fac):
    await fac.say('/prompt add "Friday wins: share one" schedule:"weekly fri 17:00" thread:yes')
    out = await fac.say("/prompt preview id:1")
    assert out[0].startswith(
        "(private) fran: Preview of prompt #1, every Fri at 17:00 (Europe/London)"
    )
    assert out[1] == "    Friday wins: share one"
    assert not any(line.startswith("#") for line in out)


# --- facilitators' controls -----------------------------------------------------------------------


async def test_pause_resume_and_delete(fac):
    await fac.say('/prompt add "Morning" schedule:daily 09:00')
    assert "is paused" in await fac.text("/prompt pause id:1")
    assert posts(await fac.say(":clock +3d")) == []
    out = await fac.text("/prompt resume id:1")
    assert "active again. Next post: Fri 06 Nov 2026, 09:00" in out
    assert posts(await fac.say(":clock +1d")) == ["#prompts: Morning"]
    assert "is deleted" in await fac.text("/prompt delete id:1")
    assert posts(await fac.say(":clock +3d")) == []
    assert await prompt_count(fac) == 0


async def test_skip_one_date(fac):
    await fac.say('/prompt add "Morning" schedule:daily 09:00')
    assert "won't post on Thu 05 Nov 2026" in await fac.text("/prompt skip id:1 date:2026-11-05")
    assert "already skipped" in await fac.text("/prompt skip 1 2026-11-05")
    out = await fac.say(":clock 2026-11-06T10:00")
    assert len(posts(out)) == 3  # the 3rd, 4th and 6th
    assert "Thu 05 Nov 2026, 09:00: skipped by a facilitator" in await fac.text("/prompt list")


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        ("/prompt skip id:1 date:2026-11-01", "nothing to skip"),
        ("/prompt skip id:1 date:2026-02-30", "not a date on the calendar"),
        ("/prompt skip id:1 date:tomorrow", "not a date"),
        ("/prompt pause id:0", "out of range"),
        ("/prompt pause id:abc", "not a whole number"),
        ("/prompt pause id:99", "can't find prompt #99"),
        ("/prompt resume id:1", "already active"),
        ('/prompt delete id:"1 OR 1=1"', "not a whole number"),
        ("/prompt bank delete id:7", "no bank prompt #7"),
    ],
)
async def test_bad_ids_and_dates_change_nothing(fac, line, answer):
    await fac.say('/prompt add "Morning" schedule:"weekly mon 09:00"')
    before = await fac.bot.db.fetchall("SELECT * FROM prompts")
    out = await fac.text(line)
    assert answer in out and out.startswith("(private) fran: ")
    assert await fac.bot.db.fetchall("SELECT * FROM prompts") == before
    assert (await fac.bot.db.fetchone("SELECT COUNT(*) FROM prompt_skips"))[0] == 0


async def test_a_skip_on_a_day_without_a_post_is_explained(fac):
    await fac.say('/prompt add "Morning" schedule:"weekly mon 09:00"')
    assert "doesn't post on Tue 10 Nov 2026 anyway" in await fac.text("/prompt skip 1 2026-11-10")


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        ('/prompt add "Hi" schedule:daily 25:00', "25:00 is not a time of day"),
        (
            '/prompt add "Hi" schedule:"cron 61 * * * *"',
            "61 is out of range for the cron minute field",
        ),
        ('/prompt add "Hi" schedule:"weekly funday 10:00"', "'funday' is not a day of the week"),
        ('/prompt add "Hi" schedule:"once 2026-01-01 10:00"', "That time has already passed"),
        ('/prompt add "Hi" schedule:"once 2026-13-01 10:00"', "not a date"),
        ('/prompt add "Hi" schedule:"every day"', "I don't know the schedule kind"),
        ('/prompt add "Hi" schedule:"cron */5 * * * *"', "at most once every 15 minutes"),
        ('/prompt add "Hi"', "Schedule is missing"),
        ('/prompt add "" schedule:daily 09:00', "can't be empty"),
        ('/prompt add "' + "x" * 1801 + '" schedule:daily 09:00', "the limit is 1,800"),
        ('/prompt add "' + "x" * 10_000 + '" schedule:daily 09:00', "the limit is 1,800"),
        ('/prompt add "Hi" schedule:daily 09:00 channel:#nowhere', "can't find a channel"),
        ('/prompt add "Hi" schedule:daily 09:00 channel:@everyone', "can't find a channel"),
        ('/prompt add "Hi" schedule:daily 09:00 thread:maybe', "not yes or no"),
        ('/prompt bank add ""', "can't be empty"),
        ('/prompt bank add "' + "y" * 1801 + '"', "the limit is 1,800"),
    ],
)
async def test_bad_prompts_are_refused_kindly_and_nothing_is_stored(fac, line, answer):
    out = await fac.text(line)
    assert answer in out and out.startswith("(private) fran: ")
    assert "went wrong" not in out
    assert await prompt_count(fac) == 0
    assert (await fac.bot.db.fetchone("SELECT COUNT(*) FROM prompt_bank"))[0] == 0
    assert posts(await fac.say(":clock +2d")) == []


async def test_markup_and_sql_in_a_prompt_are_stored_and_posted_verbatim(fac):
    text = "Robert'); DROP TABLE prompts;-- <script>x</script> [link](http://x) @room"
    await fac.say(f'/prompt add "{text}" schedule:daily 09:00')
    assert posts(await fac.say(":clock +1d")) == [f"#prompts: {text}"]
    assert await prompt_count(fac) == 1


async def test_without_a_prompts_channel_nothing_is_scheduled(tmp_path):
    c = await ConsoleCommunity.create(tmp_path)
    try:
        await c.say(":role fran facilitator", ":as fran")
        out = await c.text('/prompt add "Hi" schedule:daily 09:00')
        assert "There's no prompts channel yet, so nothing was scheduled" in out
        assert await prompt_count(c) == 0
    finally:
        await c.stop()


async def test_members_cannot_schedule_and_facilitators_cannot_configure(fac):
    await fac.say(":as bob")
    out = await fac.text(
        '/prompt add "Hi" schedule:daily 09:00', '/prompt bank add "Hi"', "/prompt list"
    )
    assert out.count("Only facilitators can use !prompt") == 3
    await fac.say(":as fran")
    assert "Only moderators can use !community channel" in await fac.text(
        "/community channel purpose:prompts channel:off"
    )
    assert await prompt_count(fac) == 0


# --- delivery problems and limits ------------------------------------------------------------------


async def test_undeliverable_posts_alert_moderators_and_pause_after_three(fac):
    await fac.say(":channel circle", ":channel general")
    await fac.say('/prompt add "Circle time" schedule:daily 09:00 channel:#circle')
    del fac.console.channels["circle"]  # the channel was deleted
    out = await fac.say(":clock 2026-11-06T12:00")
    alerts = posts(out, "alerts")
    assert len(alerts) == 3
    assert "couldn't be posted in #circle" in alerts[0] and "After 3 failures" in alerts[0]
    assert "3 times in a row, so I paused it" in alerts[2] and "!prompt resume id:1" in alerts[2]
    assert posts(await fac.say(":clock +3d"), "alerts") == []
    assert "#1 (paused after 3 failed deliveries)" in await fac.text("/prompt list")
    fac.console.channels["circle"] = "circle"
    await fac.say("/prompt resume id:1")
    assert posts(await fac.say(":clock +1d"), "circle") == ["#circle: Circle time"]


async def test_the_hourly_limit_skips_and_records_extra_posts(tmp_path):
    c = await make(tmp_path, config={"limits": {"prompt_posts_per_hour": 2}})
    try:
        for n in range(3):
            await c.say(f'/prompt add "Prompt {n}" schedule:daily 09:00')
        out = await c.say(":clock 2026-11-03T09:30")
        assert posts(out) == ["#prompts: Prompt 0", "#prompts: Prompt 1"]
        assert "hourly limit of prompt posts" in await c.text("/prompt list")
    finally:
        await c.stop()


# --- privacy ------------------------------------------------------------------------------------------


async def test_export_lists_my_prompts_and_delete_keeps_them_without_my_name(fac):
    await fac.say('/prompt add "Morning" schedule:daily 09:00', '/prompt bank add "From the bank"')
    data = await fac.export()
    assert data["prompts"]["prompts"][0]["text"] == "Morning"
    assert data["prompts"]["prompt_bank"][0]["text"] == "From the bank"
    assert data["community_audit"][0]["action"] == "prompt #1"
    await fac.say("/mydata delete confirm:yes")
    owners = await fac.bot.db.fetchall(
        "SELECT created_by FROM prompts UNION ALL SELECT created_by FROM prompt_bank"
    )
    assert [r[0] for r in owners] == [None, None]
    assert (
        await fac.bot.db.fetchone("SELECT COUNT(*) FROM community_audit WHERE user_id = 'fran'")
    )[0] == 0
    assert posts(await fac.say(":clock +1d")) == ["#prompts: Morning"]
