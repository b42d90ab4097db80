"""Long replies cut into platform-sized messages by the one splitter both renderers use
(bot/platforms/text_split.py), checked through the real Discord and Matrix renderers."""

from __future__ import annotations

import json
import re

import pytest

from bot.message import Message
from bot.platforms.discord import render as discord_render
from bot.platforms.matrix import render as matrix_render
from bot.platforms.text_split import split_message

DISCORD_MAX = discord_render.CONTENT_MAX
FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # one emoji of five code points
FLAG = "\U0001f1e9\U0001f1ea"  # one flag of two code points
E_ACUTE = "e\u0301"  # e and a combining accent


def discord_parts(message: Message) -> list[str]:
    parts = [out.content for out in discord_render.render(message)]
    assert all(0 < len(part) <= DISCORD_MAX for part in parts)
    return parts


def matrix_bodies(message: Message) -> list[str]:
    contents = matrix_render.notice_contents(message, "!")
    for content in contents:
        assert len(json.dumps(content, ensure_ascii=False).encode()) < 64 * 1024
        assert len(content["body"].encode()) <= matrix_render.MAX_BODY
    return [content["body"] for content in contents]


def same_text(parts: list[str], text: str) -> bool:
    """Nothing lost or added but the line breaks at the cuts."""
    return "".join(parts).replace("\n", "") == text.replace("\n", "")


def test_a_60_kb_message_arrives_whole_in_parts_each_platform_accepts():
    text = "\n".join(f"day {i}: " + "felt okay, walked the dog " * 4 for i in range(540))
    assert len(text.encode()) > 60_000
    discord = discord_parts(Message(text))
    assert len(discord) >= 30 and same_text(discord, text)
    assert all(not part.startswith("\n") for part in discord), "parts start at a line"
    matrix = matrix_bodies(Message(text))
    assert len(matrix) >= 12 and same_text(matrix, text)


def test_a_code_block_over_the_limit_is_closed_and_reopened_in_the_next_part():
    code = "\n".join(f"row {i:04d} | 2026-11-{i % 28 + 1:02d} | checked in" for i in range(120))
    text = f"Your export:\n```text\n{code}\n```\nThat is everything."
    parts = discord_parts(Message(text))
    assert len(parts) >= 3
    for index, part in enumerate(parts):
        fences = re.findall(r"(?m)^```", part)
        assert len(fences) % 2 == 0, f"part {index} leaves its code block open"
        if index > 0:
            assert part.startswith("```text\n"), "the block goes on with its language"
    rejoined = [
        part.removeprefix("```text\n" if i else "").removesuffix(
            "\n```" if i < len(parts) - 1 else ""
        )
        for i, part in enumerate(parts)
    ]
    assert same_text(rejoined, text)

    long_code = "\n".join(f"row {i:05d} | checked in, slept well" for i in range(1500))
    bodies = matrix_bodies(Message(f"```\n{long_code}\n```"))
    assert len(bodies) >= 6
    assert all(len(re.findall(r"(?m)^```", body)) % 2 == 0 for body in bodies)


def test_a_single_word_longer_than_the_limit_is_cut_and_kept_whole():
    word = "https://example.org/" + "a1b2c3" * 900
    parts = discord_parts(Message(f"Link: {word} (that is all)"))
    assert same_text(parts, f"Link: {word} (that is all)")
    assert len(parts) == 3
    bodies = matrix_bodies(Message("x" * 40_000))
    assert same_text(bodies, "x" * 40_000)


@pytest.mark.parametrize(("unit", "count"), [(FAMILY, 900), (FLAG, 1501), (E_ACUTE, 2500)])
def test_characters_of_several_code_points_are_never_cut_apart(unit, count):
    text = "!" + unit * count  # one long word: only a hard cut can split it
    parts = discord_parts(Message(text))
    assert len(parts) >= 2 and same_text(parts, text)
    for part in parts:
        assert re.fullmatch(f"!?(?:{unit})+", part), "a cut fell inside a character"
    # A Matrix event holds 64 KiB: 40,000 code points of four-byte emoji go out in several.
    bodies = matrix_bodies(Message(unit * (40_000 // len(unit))))
    assert len(bodies) >= 2
    for body in bodies:
        assert body == unit * (len(body) // len(unit))


def test_markup_is_never_cut_mid_tag():
    stamp = "<t:1700000000:R>"
    text = "w" * (DISCORD_MAX - 8) + stamp + "w" * 100
    parts = discord_parts(Message(text))
    assert sum(stamp in part for part in parts) == 1, "the timestamp tag stays in one piece"
    assert same_text(parts, text)

    # Member text is escaped (\_ per underscore): a cut between a backslash and its character
    # would turn the rest into markup.
    parts = discord_parts(Message("Notes: {t}", {"t": "_" * 3000}))
    for part in parts:
        assert re.fullmatch(r"(Notes: )?(\\_)+", part), "an escape was cut in two"

    text = "v" * (DISCORD_MAX - 1) + "**bold**" + "v" * 50
    parts = discord_parts(Message(text))
    assert not any(part.endswith("*") and not part.endswith("**") for part in parts)
    assert same_text(parts, text)


def test_the_splitter_refuses_a_limit_too_small_for_a_reopened_code_block():
    with pytest.raises(ValueError):
        split_message("text", 10)
    assert split_message("", 2000) == [""]
    assert discord_render.split_text("  \n ") == ["\u200b"]
