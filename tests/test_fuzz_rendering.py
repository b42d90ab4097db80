"""Fuzzing how member text is shown: whatever a member typed, peerbot's messages never ping
anybody and never carry markup the member wrote.

Discord: every payload disables mentions (allowed_mentions none), and @everyone / @here and
user or role mentions are broken in the content itself. Matrix: ``formatted_body`` holds only the
``<br>`` tags peerbot writes, with the member's text as text; ``body`` never holds a raw
``@room``; and ``"m.mentions": {}`` says nobody is mentioned.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.message import Button, Message
from bot.platforms.discord import render as discord_render
from bot.platforms.matrix import render as matrix_render

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
USER_ID = "123456789012345678"
NASTY = [
    "@everyone", "@here", "@room", "@channel", "@Everyone", "@@everyone", "@\u200beveryone",
    f"<@{USER_ID}>", f"<@!{USER_ID}>", f"<@&{USER_ID}>", f"@{USER_ID}", "</checkin:1>",
    "\\", "\\\\", "\\<@", "<", ">", "&", "&amp;", "&lt;b&gt;", "&#60;b&#62;", '"', "'",
    "<b>bold</b>", "<script>alert(1)</script>", '<a href="https://x.example">x</a>',
    "<img src=x onerror=alert(1)>", "<!-- c -->", "<!DOCTYPE html>", "<?php ?>", "<![CDATA[x]]>",
    "<br>", "</br>", "<br/>", "<mx-reply>", '<font color="red">', "<", "@", "room", "every", "one",
    "# heading", "-# small", "**bold**", "`code`", "||spoiler||", "[x](https://x.example)",
    "\n", "\r\n", "\u2028", "\x00", "😀", "x" * 31_000,
]  # fmt: skip
member_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=80),
    st.lists(st.sampled_from(NASTY), min_size=2, max_size=5).map("".join),
)
# Templates as cogs write them: values alone, side by side, inside sentences, on several lines.
TEMPLATES = [
    "{a}",
    "{a}{b}",
    "Saved: {a}",
    "They wrote: {a}\nAnd {b}, <i>{c}</i> & more",
    "{a} @{b}",
    "🎉 {a} reached {b}! {c}",
]
FIELDS = ("a", "b", "c")
BUTTONS = (Button("Accept", command="partner accept", args={"proposal": "1"}),)


@st.composite
def messages(draw: st.DrawFn) -> Message:
    """A peerbot message with member text in every value."""
    template = draw(st.sampled_from(TEMPLATES))
    values = {name: draw(member_text) for name in FIELDS if "{" + name + "}" in template}
    buttons = BUTTONS if draw(st.booleans()) else ()
    return Message(template, values, buttons)


# --- Discord ---------------------------------------------------------------------------------------

MASS_MENTION = re.compile(r"@(everyone|here)")
USER_OR_ROLE_MENTION = re.compile(r"<@[!&]?\d+>")


def live_mentions(content: str) -> list[str]:
    """User and role mentions Discord would turn into pings (not escaped by a backslash)."""
    live = []
    for match in USER_OR_ROLE_MENTION.finditer(content):
        backslashes = len(content[: match.start()]) - len(content[: match.start()].rstrip("\\"))
        if backslashes % 2 == 0:  # an even run of backslashes escapes itself, not the mention
            live.append(match.group())
    return live


def assert_no_ping(payload: dict) -> None:
    mentions = payload["allowed_mentions"]
    assert mentions.everyone is False and mentions.users is False and mentions.roles is False
    assert mentions.to_dict() == {"parse": []}
    content = payload["content"]
    assert not MASS_MENTION.search(content), f"mass mention in {content[:200]!r}"
    assert not live_mentions(content), f"user or role mention in {content[:200]!r}"
    assert 0 < len(content) <= discord_render.CONTENT_MAX


@FUZZ
@given(message=messages())
def test_discord_messages_never_ping(message):
    for outgoing in discord_render.render(message):
        assert_no_ping(outgoing.kwargs())
        assert_no_ping(outgoing.edit_kwargs())


@FUZZ
@given(text=member_text)
def test_discord_escape_shows_member_text_without_mentions_or_markup(text):
    escaped = discord_render.escape(text)
    assert not MASS_MENTION.search(escaped)
    assert not live_mentions(escaped)
    assert "<" not in escaped.replace("\\<", "")  # no <…> markup (mentions, channels, emoji)


MARKDOWN_CHARACTERS = "*_`~|"  # bold, italics, underline, code, strike, spoilers
WEB_ADDRESS = re.compile(r"https?://[^\s<>]+")


def live_markdown(content: str) -> list[str]:
    """Markdown characters Discord would act on: not escaped by an odd run of backslashes,
    and headings, block quotes and lists at the start of a line. Web addresses are links:
    Discord shows them as typed."""
    live, backslashes = [], 0
    for char in WEB_ADDRESS.sub("", content):
        if char == "\\":
            backslashes += 1
            continue
        if char in MARKDOWN_CHARACTERS and backslashes % 2 == 0:
            live.append(char)
        backslashes = 0
    live += re.findall(r"(?m)^\s*(?:#{1,3}\s|-#\s|>\s|[-*]\s|\d+\.\s)", content)
    live += re.findall(r"(?<!\\)\[[^\]]+\]\(<?https?://[^)\s]+\)", content)  # a masked link
    return live


@FUZZ
@given(message=messages())
def test_discord_messages_show_member_markdown_as_typed(message):
    # the templates here carry no markdown, so anything live came from a member
    for outgoing in discord_render.render(message):
        content = outgoing.kwargs()["content"]
        assert not live_markdown(content), f"member markdown live in {content[:200]!r}"


@pytest.mark.parametrize(
    "typed",
    ["**bold**", "__underline__", "_italics_", "`code`", "||spoiler||", "~~strike~~",
     "[x](https://x.example)", "# heading", "-# small", "> quote", "- item", "1. first",
     "[a](**b**)", "[[a](https://x.example)"],
)  # fmt: skip
def test_each_kind_of_discord_markdown_is_escaped(typed):
    (outgoing,) = discord_render.render(Message("They wrote: {a}\n{a}", {"a": typed}))
    assert not live_markdown(outgoing.kwargs()["content"])
    assert live_markdown(typed)  # the check itself sees the markdown when it is not escaped


def test_the_discord_checks_catch_a_ping():
    # the assertions above must fail on a payload that pings; otherwise they prove nothing
    assert MASS_MENTION.search("hi @everyone")
    assert live_mentions(f"\\\\<@{USER_ID}>") and not live_mentions(f"\\<@{USER_ID}>")


# --- Matrix ----------------------------------------------------------------------------------------


class Tags(HTMLParser):
    """Everything in an HTML fragment that is not plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.markup: list[tuple[str, object]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.markup.append(("start", (tag, tuple(attrs))))
        if tag == "br":
            self.text.append("\n")

    def handle_startendtag(self, tag, attrs):
        self.markup.append(("startend", (tag, tuple(attrs))))

    def handle_endtag(self, tag):
        self.markup.append(("end", tag))

    def handle_comment(self, data):
        self.markup.append(("comment", data))

    def handle_decl(self, decl):
        self.markup.append(("decl", decl))

    def handle_pi(self, data):
        self.markup.append(("pi", data))

    def unknown_decl(self, data):
        self.markup.append(("unknown_decl", data))

    def handle_data(self, data):
        self.text.append(data)


def parse(fragment: str) -> Tags:
    parser = Tags()
    parser.feed(fragment)
    parser.close()
    return parser


def assert_safe_notice(content: dict) -> None:
    assert content["m.mentions"] == {}
    assert content["msgtype"] == "m.notice"
    assert content["format"] == "org.matrix.custom.html"
    body, formatted = content["body"], content["formatted_body"]
    assert "@room" not in body, f"raw @room in {body[:200]!r}"
    parsed = parse(formatted)
    # peerbot writes only <br> (line breaks), with no attributes; member text adds nothing
    assert all(m == ("start", ("br", ())) for m in parsed.markup), parsed.markup[:5]
    # every & and < of the member's text is escaped, so the visible text has no markup either
    assert "<" not in formatted.replace("<br>", "")
    assert formatted.count("&") == len(re.findall(r"&(amp|lt|gt|quot|#x27);", formatted))


@FUZZ
@given(message=messages())
def test_matrix_notices_never_ping_and_never_carry_member_markup(message):
    contents = matrix_render.notice_contents(message, "!")
    for content in contents:
        assert_safe_notice(content)
    # what the member typed is shown as typed: the HTML's text is the plain body
    for content in contents:
        shown = "".join(parse(content["formatted_body"]).text)
        assert shown == html.unescape(content["formatted_body"].replace("<br>", "\n"))
        if len(contents) == 1:
            assert shown.replace("\u2060", "") == content["body"].replace("\u2060", "")


def test_the_matrix_checks_catch_member_markup():
    assert parse("<b>x</b>").markup and parse('<br class="x">').markup != [("start", ("br", ()))]
    assert parse("a<br>b &lt;i&gt;").markup == [("start", ("br", ()))]
