"""The spec → parser → dispatcher path, permissions and bad input, through the console."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Literal

import pytest

from bot.cog import Cog
from bot.context import Context
from bot.spec import (
    ChannelRef,
    Duration,
    MaxLen,
    MemberRef,
    Permission,
    Range,
    Rest,
    Timezone,
    command,
)


class Probe(Cog):
    """A cog added by the test: shows what the handler received."""

    name = "probe"

    def __init__(self, bot) -> None:
        super().__init__(bot)
        self.calls: list[dict] = []

    @command("probe", "Echo typed values", private=True)
    async def probe(
        self,
        ctx: Context,
        level: Annotated[int, Range(1, 5), "A level"],
        ratio: Annotated[float, Range(0, 1), "A ratio"] = 0.5,
        note: Annotated[str, MaxLen(200), Rest(), "A note"] | None = None,
        flag: bool = False,
        kind: Literal["red", "blue"] = "red",
    ) -> None:
        self.calls.append(dict(level=level, ratio=ratio, note=note, flag=flag, kind=kind))
        await ctx.reply(
            "got {level} {ratio} {note} {flag} {kind}",
            level=level,
            ratio=ratio,
            note=note,
            flag=flag,
            kind=kind,
        )

    @command("probe when", "Typed dates and times", private=True)
    async def when(
        self,
        ctx: Context,
        day: date,
        at: time | None = None,
        zone: Timezone | None = None,
        span: Duration | None = None,
        where: ChannelRef | None = None,
        who: MemberRef | None = None,
    ) -> None:
        await ctx.reply(
            "when {v}", v=f"{day} {at} {zone} {span} {where and where.name} {who and who.name}"
        )

    @command("probe admin", "Moderators only", level=Permission.MODERATOR)
    async def admin(self, ctx: Context) -> None:
        await ctx.reply("admin ok")

    @command("probe boom", "Always fails")
    async def boom(self, ctx: Context) -> None:
        raise RuntimeError("kaboom")


@pytest.fixture
async def probe(community):
    cog = Probe(community.bot)
    await community.bot.add_cog(cog)
    return cog


async def test_values_reach_the_handler_typed(community, probe):
    out = await community.text('!probe 3 ratio:0.25 note:"two words" flag:yes kind:BLUE')
    assert "(private) alice: got 3 0.25 two words True blue" in out
    out = await community.text("/probe 4 0.75 hello")
    assert "got 4 0.75 hello False red" in out


async def test_trailing_words_join_the_last_text_option(community, probe):
    out = await community.text("!probe 2 0.1 feeling ok today")
    assert "got 2 0.1 feeling ok today" in out


async def test_only_a_marked_option_takes_the_rest_and_a_quoted_one_takes_no_more(community, probe):
    out = await community.text('!probe 2 0.1 "feeling ok" yes')
    assert "couldn't place 'yes' after note" in out and "flag:yes" in out
    out = await community.text('!probe 2 note:"feeling ok" yes')
    assert "couldn't place 'yes' after note" in out
    assert probe.calls == []


async def test_typed_dates_zones_channels_members(community, probe):
    await community.say(":as bob", ":as alice")
    out = await community.text(
        "!probe when 2024-02-29 at:21:30 zone:Europe/London span:1h30m where:#checkins who:@bob"
    )
    assert "when 2024-02-29 21:30:00 Europe/London 1:30:00 checkins bob" in out


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("!probe", "Level is missing"),
        ("!probe 0", "0 is out of range"),
        ("!probe 6", "6 is out of range"),
        ("!probe -1", "out of range"),
        ("!probe abc", "'abc' is not a whole number from 1 to 5"),
        ("!probe 3.5", "not a whole number"),
        ("!probe 3 ratio:1.5", "out of range"),
        ("!probe 3 ratio:nan", "expected a number"),
        ("!probe 3 flag:maybe", "not yes or no"),
        ("!probe 3 kind:green", "not an option here"),
        ("!probe 3 level:4", "given twice"),
        ("!probe 3 colour:red", "no option called 'colour'"),
        ("!probe 3 note:" + "x" * 10_000, "the limit is 200"),
        ('!probe 3 note:"unclosed', "quote is not closed"),
        ("!probe 3 note:", "needs a value"),
        ("!probe 3 0.5 a flag:yes kind:red extra words here", "got 3"),
        ("!probe when 2023-02-30", "not a date on the calendar"),
        ("!probe when tomorrow", "not a date"),
        ("!probe when 2024-01-01 at:25:00", "not a time of day"),
        ("!probe when 2024-01-01 at:noon", "not a time of day"),
        ("!probe when 2024-01-01 zone:Europe/Londn", "Did you mean Europe/London"),
        ("!probe when 2024-01-01 zone:+02:00", "don't know the timezone"),
        ("!probe when 2024-01-01 span:forever", "not a span of time"),
        ("!probe when 2024-01-01 where:#nowhere", "can't find a channel"),
        ("!probe when 2024-01-01 who:@nobody", "can't find a member"),
        ("!nosuchcommand", "I don't know the command nosuchcommand"),
        ("!prob 3", "Did you mean !probe"),
    ],
)
async def test_bad_input_gets_a_clear_private_message(community, probe, line, expected):
    out = await community.text(line)
    assert expected in out
    assert out.startswith("(private) alice:")
    if expected != "got 3":
        assert probe.calls == []


async def test_usage_line_follows_a_bad_value(community, probe):
    out = await community.text("!probe 9")
    assert "Usage: !probe <level> [ratio] [note] [flag] [kind]" in out


async def test_permissions(community, probe):
    out = await community.text("!probe admin")
    assert "Only moderators can use !probe admin" in out
    await community.say(":role alice facilitator")
    assert "Only moderators" in await community.text("!probe admin")
    await community.say(":role alice moderator")
    assert "admin ok" in await community.text("!probe admin")


async def test_help_shows_only_what_the_caller_may_use(community, probe):
    member_help = await community.text("/help")
    assert "!probe when" in member_help and "!probe admin" not in member_help
    await community.say(":role alice moderator")
    assert "!probe admin" in await community.text("/help")
    detail = await community.text("/help probe when")
    assert "day: a date like 2026-03-14" in detail  # declared without a description


async def test_a_failing_handler_gets_an_apology_with_an_error_id(community, probe, caplog):
    out = await community.text("!probe boom")
    assert "something went wrong on my side" in out and "error id" in out
    error_id = out.rsplit("error id ", 1)[1].rstrip(")")
    logged = [r.getMessage() for r in caplog.records if error_id in r.getMessage()]
    assert logged and 'File "' in logged[0]  # with the code's stack, for whoever fixes it
    assert "got 2" in await community.text("!probe 2")  # the bot keeps running


async def test_mentions_and_markup_are_stored_and_echoed_verbatim_not_interpreted(community, probe):
    out = await community.text('!probe 2 note:"@everyone <b>x</b>"')
    assert "@everyone <b>x</b>" in out  # the console shows text as typed; adapters escape


async def test_command_rate_limit_answers_every_refused_command(tmp_path):
    from tests.harness import ConsoleCommunity

    c = await ConsoleCommunity.create(tmp_path, config={"limits": {"commands_per_minute": 3}})
    try:
        outs = [await c.text("/about") for _ in range(6)]
        assert all("peerbot" in o for o in outs[:3])
        assert all("faster than I can keep up" in o for o in outs[3:])
        await c.say(":clock +2m")
        assert "peerbot" in await c.text("/about")
    finally:
        await c.stop()
