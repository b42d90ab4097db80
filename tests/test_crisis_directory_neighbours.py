"""Ukraine and the neighbouring countries hosting many displaced Ukrainians in the crisis
directory: lines in the member's own language come first.

End to end in the console community: a Ukrainian-speaking member in Poland, a member in Moldova
who reads Russian (peerbot has no Russian catalog, so the directory's Russian-speaking lines
must lead there anyway), and what a Polish-reading member sees for contrast.
"""

from __future__ import annotations

import pytest

from cogs.crisis.resources import Directory, Service, load_directory
from tests.harness import ConsoleCommunity, private_to

NEIGHBOURS = ("UA", "PL", "RO", "MD", "SK", "CZ", "HU")


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory()


def shown_lines(reply: str) -> list[str]:
    """The resource lines of a /crisis reply ("• Name — call …"), in the order shown."""
    return [line.strip()[2:] for line in reply.splitlines() if line.strip().startswith("• ")]


def service_of(line: str, services: tuple[Service, ...]) -> Service:
    """The directory service a shown line is about (its line starts with the name)."""
    matches = [s for s in services if line.startswith(s.name)]
    assert matches, f"not a directory line: {line}"
    return max(matches, key=lambda s: len(s.name))


async def test_a_ukrainian_speaking_member_in_poland_sees_ukrainian_lines_first(
    community: ConsoleCommunity, directory: Directory
) -> None:
    await community.say("/language set uk", "/crisis region set:PL")
    reply = private_to(await community.text("/crisis"), "alice")
    assert "Добре, що ти тут" in reply  # the reply itself is in Ukrainian
    lines = shown_lines(reply)
    services = [service_of(line, directory.for_region("PL").services) for line in lines]
    speaks = [s.speaks("uk") for s in services]
    assert len(lines) == 3 and speaks[:2] == [True, True], lines
    assert speaks == sorted(speaks, reverse=True), lines
    assert "+48 800 088 141" in reply  # the psychologists' line for Ukrainians in Poland
    assert "116 111" in reply  # the children's line, with its Ukrainian hours
    assert "112" in reply


async def test_a_member_reading_english_in_poland_keeps_the_national_order(
    community: ConsoleCommunity,
) -> None:
    await community.say("/crisis region set:PL")
    lines = shown_lines(private_to(await community.text("/crisis"), "alice"))
    assert lines[0].startswith("Centrum Wsparcia"), lines
    assert not any("800 088 141" in line for line in lines)  # a group line comes last


async def test_a_russian_reading_member_in_moldova_sees_russian_speaking_lines_first(
    community: ConsoleCommunity, directory: Directory
) -> None:
    # peerbot itself cannot write Russian yet; it says so and stays in English
    refused = private_to(await community.text("/language set ru"), "alice")
    assert "I don't have ru yet" in refused
    await community.say("/crisis region set:MD")
    reply = private_to(await community.text("/crisis"), "alice")
    assert "I'm really glad you reached out" in reply
    assert "Emergency: 112" in reply or "112" in reply
    lines = shown_lines(reply)
    services = [service_of(line, directory.for_region("MD").services) for line in lines]
    assert len(lines) >= 2 and all(s.speaks("ru") for s in services[:2]), lines
    assert "116 111" in reply


def test_every_neighbour_has_two_or_three_lines_with_sources_and_honest_review(
    directory: Directory,
) -> None:
    for code in NEIGHBOURS:
        region = directory.for_region(code)
        assert directory.known(code) and not region.is_fallback, code
        assert len(region.services) >= 2, code
        for s in region.services:
            assert s.source.startswith("https://") or s.source.startswith("http://"), s.id
            assert s.languages, s.id
            # nobody opened the live pages: every new line waits for a human check
            assert s.pending and s.review.startswith("pending: "), s.id
            assert s.hours, s.id


@pytest.mark.parametrize("code", NEIGHBOURS)
def test_each_neighbour_has_a_line_for_children_or_young_people(
    directory: Directory, code: str
) -> None:
    assert any(s.kind == "youth" for s in directory.for_region(code).services), code


@pytest.mark.parametrize(
    "code, language",
    [("UA", "uk"), ("PL", "uk"), ("CZ", "uk"), ("SK", "uk"), ("HU", "uk"), ("RO", "uk"),
     ("MD", "ru"), ("CZ", "ru"), ("HU", "ru"), ("PL", "ru")],
)  # fmt: skip
def test_ukrainian_and_russian_lines_lead_for_their_readers(
    directory: Directory, code: str, language: str
) -> None:
    shown = directory.for_region(code).top(3, language=language)
    assert shown[0].speaks(language), (code, language, [s.id for s in shown])


async def test_the_opening_hours_are_in_the_ukrainian_readers_language(tmp_path):
    from tests.harness import ConsoleCommunity, private_to

    c = await ConsoleCommunity.create(tmp_path)
    try:
        out = private_to(await c.text("/language set uk", "/crisis region:PL"), "alice")
        assert "українською та російською пн-пт 14:00-18:00" in out
        assert "source" not in out and "Mon-Fri" not in out
    finally:
        await c.stop()
