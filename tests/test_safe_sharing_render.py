"""Hidden text (content warnings) as each platform renders it: a closed Discord spoiler that
member text can't break out of, a Matrix spoiler kept out of the plain body that notifications
preview, and [hidden] wherever a platform does not wrap it."""

from __future__ import annotations

from bot.message import HIDDEN, Hidden, Message
from bot.platforms.discord.render import render as discord_render
from bot.platforms.matrix.render import notice_contents

POST = "⚠️ CW: {topic} · from {name}\n{text}"


def message(text: str) -> Message:
    return Message(POST, {"topic": "drugs", "name": "sam", "text": Hidden(text)})


def test_discord_spoiler_cannot_be_broken_by_the_text():
    out = discord_render(message("a||b||c @everyone **x** \\"))
    (part,) = [o.content for o in out]
    body = part.split("\n", 1)[1]
    assert body.startswith("||") and body.endswith("||")
    inner = body[2:-2]
    assert "||" not in inner.replace("\\|", "")  # every | inside is escaped
    assert "@everyone" not in part.replace("@\u200beveryone", "")


def test_discord_long_hidden_text_stays_hidden_in_every_part():
    out = discord_render(message("word " * 2000 + "\n" + "|" * 3000))
    assert len(out) > 1
    for part in out:
        assert len(part.content) <= 2000
        for line in part.content.split("\n"):
            if line and not line.startswith("⚠️"):
                assert line.startswith("||") and line.endswith("||"), line[:40]


def test_matrix_body_keeps_the_text_out_of_previews_and_html_has_a_spoiler():
    (content,) = notice_contents(message("I relapsed <b>hard</b> @room"), "!")
    assert "relapsed" not in content["body"] and HIDDEN in content["body"]
    html = content["formatted_body"]
    assert "<span data-mx-spoiler>I relapsed &lt;b&gt;hard&lt;/b&gt;" in html
    assert "<b>" not in html


def test_without_a_hide_function_hidden_text_is_never_shown():
    assert message("secret").render() == "⚠️ CW: drugs · from sam\n" + HIDDEN
