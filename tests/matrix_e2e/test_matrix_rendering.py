"""Matrix rendering and rules without a homeserver: every command has a Matrix rendering,
member text is escaped, quick answers and invites follow the documented rules."""

from __future__ import annotations

import gc

import pytest

from bot.app import build_bot
from bot.config import Config, MatrixSection
from bot.help import render_help
from bot.message import Button, Message
from bot.platforms.matrix import MatrixPlatform
from bot.platforms.matrix.render import (
    BUTTONS_KEY,
    TEXT_KINDS,
    buttons_from_content,
    keycap_digit,
    notice_contents,
)
from bot.platforms.matrix.rules import (
    SpaceMap,
    creators_privileged,
    invite_allowed,
    level_for_power,
    parse_power,
    strip_reply_fallback,
)
from bot.spec import Permission


@pytest.fixture
async def bot(tmp_path):
    b = await build_bot(Config(), database=str(tmp_path / "render.db"))
    yield b
    await b.db.close()


async def test_every_command_of_every_cog_renders_on_matrix(bot):
    specs = bot.registry.all()
    assert specs, "no command loaded"
    for spec in specs:
        for param in spec.params:
            assert param.type.kind in TEXT_KINDS, f"!{spec.name} {param.name}: no Matrix rendering"
        help_text = render_help(bot, Permission.MODERATOR, "!", spec.name)
        [content] = notice_contents(help_text, "!")
        assert content["body"].startswith(spec.usage("!")), spec.name
        assert spec.usage("!").split()[0] in content["formatted_body"]


def test_member_text_is_escaped_and_pings_nobody():
    message = Message("Saved: {note}", {"note": '<b>x</b> <a href="y">@room</a> & {z} @everyone'})
    [content] = notice_contents(message, "!")
    assert content["msgtype"] == "m.notice" and content["m.mentions"] == {}
    assert "&lt;b&gt;x&lt;/b&gt;" in content["formatted_body"]
    assert "<a " not in content["formatted_body"] and "<b>" not in content["formatted_body"]
    for text in (content["body"], content["formatted_body"]):
        assert "@room" not in text and "@everyone" not in text
    assert "{z}" in content["body"], "braces in member text are shown as typed"


def test_peerbots_own_text_and_newlines_become_html():
    [content] = notice_contents(Message("line one <3\nline two"), "!")
    assert content["formatted_body"] == "line one &lt;3<br>line two"
    assert content["body"] == "line one <3\nline two"


def test_buttons_become_commands_to_type_and_are_kept_for_reactions():
    message = Message("How are you?", buttons=(Button("Check in", command="checkin", form=True),))
    [content] = notice_contents(message, "!")
    assert content["body"].endswith("→ Check in: type !checkin")
    assert buttons_from_content(content) == [Button("Check in", "checkin", {}, True)]


def test_a_huge_message_is_split_below_the_event_limit():
    contents = notice_contents(Message("{body}", {"body": "<x>\n" * 40_000}), "!")
    assert len(contents) > 1
    assert all(len(c["formatted_body"]) <= 30_000 and len(c["body"]) <= 30_000 for c in contents)
    assert "".join(c["body"] for c in contents).count("<x>") == 40_000


@pytest.mark.parametrize(
    ("key", "digit"),
    [
        ("1\ufe0f\u20e3", 1),
        ("5\u20e3", 5),
        ("\U0001f51f", 10),
        ("👍", None),
        ("", None),
        ("11", None),
        ("1", None),
        ("<b>1</b>", None),
        ("x" * 10_000, None),
    ],
)
def test_only_keycap_reactions_are_quick_answers(key, digit):
    assert keycap_digit(key) == digit


@pytest.mark.parametrize(
    "raw",
    [None, "buttons", [1, "x", None], [{"command": 3}], [{"label": "x"}]],
)
def test_malformed_buttons_in_a_post_are_ignored(raw):
    assert buttons_from_content({BUTTONS_KEY: raw}) == []


def test_invites_follow_the_configured_rule():
    bot_id = "@peerbot:example.org"
    assert invite_allowed("@mod:example.org", [], bot_id)
    assert not invite_allowed("@someone:elsewhere.net", [], bot_id)
    assert not invite_allowed("garbage", [], bot_id)
    allowed = ["@alice:elsewhere.net", ":trusted.org"]
    assert invite_allowed("@alice:elsewhere.net", allowed, bot_id)
    assert invite_allowed("@bob:trusted.org", allowed, bot_id)
    assert not invite_allowed("@mod:example.org", allowed, bot_id)
    assert not invite_allowed("@bob:nottrusted.org", allowed, bot_id)


def test_power_levels_give_levels():
    assert level_for_power(100, 50, 25) == Permission.MODERATOR
    assert level_for_power(50, 50, 25) == Permission.MODERATOR
    assert level_for_power(30, 50, 25) == Permission.FACILITATOR
    assert level_for_power(0, 50, 25) == Permission.MEMBER
    for bad in ("abc", "-1", "101", "", "1; DROP TABLE x"):
        assert parse_power(bad, 25) == 25
    assert parse_power("40", 25) == 40
    assert creators_privileged("12") and not creators_privileged("10")


def test_a_room_belongs_to_a_space_only_when_moderators_of_both_agree():
    mods = {("!space", "@mod"), ("!room", "@mod"), ("!other", "@eve"), ("!eves", "@eve")}

    def is_moderator(room: str, user: str) -> bool:
        return (room, user) in mods

    def community(room: str, excluded: tuple[str, ...] = ()) -> str:
        return spaces.community_of(room, is_moderator, excluded)

    via = {"via": ["example.org"]}
    spaces = SpaceMap()
    assert community("!lone") == "!lone"
    spaces.set_child("!space", "!room", via, "@mod")
    assert community("!room") == "!room", "a space alone does not claim a room"
    spaces.set_parent("!room", "!space", via, "@mod")
    assert community("!room") == "!space"
    assert community("!room", excluded=("!room",)) == "!room", "never in a direct room"
    # a member's own room naming the space, and a member's space listing the room: ignored
    spaces.set_parent("!eves", "!space", {**via, "canonical": True}, "@eve")
    assert community("!eves") == "!eves"
    spaces.set_child("!other", "!room", via, "@eve")
    spaces.set_parent("!room", "!other", {**via, "canonical": True}, "@eve")
    assert community("!room") == "!space", "the room's parent link was not sent by its moderator"
    spaces.set_parent("!room", "!space", {}, "@mod")
    assert community("!room") == "!room"
    # the operator's list wins over links
    spaces = SpaceMap({"!main": ["!room"]})
    spaces.set_child("!space", "!room", via, "@mod")
    spaces.set_parent("!room", "!space", via, "@mod")
    assert community("!room") == "!main" and community("!main") == "!main"


def test_a_reply_is_read_without_its_quote():
    assert strip_reply_fallback("> <@a:x> hello\n> more\n\n!checkin 4") == "!checkin 4"
    assert strip_reply_fallback("!checkin 4") == "!checkin 4"


async def test_direct_room_locks_are_kept_only_while_in_use():
    platform = MatrixPlatform(MatrixSection(homeserver="https://m", user_id="@bot:m"))
    held = platform._user_lock("@sam:m")
    async with held:
        assert platform._user_lock("@sam:m") is held, "one lock per member while it is in use"
    for number in range(1000):
        async with platform._user_lock(f"@u{number}:m"):
            pass
    del held
    gc.collect()
    assert len(platform._room_locks) == 0, "locks of members no longer busy are forgotten"
