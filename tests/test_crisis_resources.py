"""The crisis resource directory: coverage, sources, fallback, suggestions, staleness."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from cogs.crisis.resources import KINDS, Directory, load_directory

REQUIRED = "US CA GB IE AU NZ DE AT CH FR BE NL ES IT PT SE NO DK FI PL IN BR MX ZA".split()


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory()


@pytest.mark.parametrize("code", REQUIRED)
def test_every_listed_country_is_covered(directory: Directory, code: str) -> None:
    region = directory.for_region(code)
    assert directory.known(code) and not region.is_fallback
    assert len(region.services) >= 2
    assert region.emergency and region.emergency.replace(" ", "").isdigit()
    assert len(region.top(3)) >= 2


def test_every_service_has_source_date_and_contact(directory: Directory) -> None:
    services = [s for r in directory.regions.values() for s in r.services] + [directory.fallback]
    for s in services:
        assert s.source.startswith(("https://", "http://")), s.name
        assert isinstance(s.last_verified, dt.date), s.name
        assert s.kind in KINDS, s.name
        assert s.contacts and all(c.value for c in s.contacts), s.name


def test_confirmed_numbers(directory: Directory) -> None:
    us = " | ".join(s.format_line() for s in directory.for_region("US").services)
    assert "988" in us and "1-800-662-4357" in us and "1-800-222-1222" in us
    assert "9-8-8" in directory.for_region("CA").services[0].format_line()
    for code in ("GB", "IE"):
        assert any("116 123" in s.format_line() for s in directory.for_region(code).services)
    assert any("3114" in s.format_line() for s in directory.for_region("FR").services)


def test_format_line(directory: Directory) -> None:
    line = directory.for_region("US").top(1)[0].format_line()
    assert line == "988 Suicide & Crisis Lifeline — call or text 988, chat at 988lifeline.org"


def test_overdose_puts_poison_line_first(directory: Directory) -> None:
    assert directory.for_region("US").top(3, overdose=True)[0].kind == "overdose/poison"
    assert directory.for_region("US").top(3)[0].kind == "suicide"


@pytest.mark.parametrize(
    "code, emergency", [("JP", "119"), ("HR", "112"), (None, None), ("XX", None)]
)
def test_unknown_region_falls_back(directory: Directory, code, emergency) -> None:
    region = directory.for_region(code)
    assert region.is_fallback and not directory.known(code)
    assert "findahelpline.com" in region.top(3)[0].format_line()
    assert region.emergency == emergency
    assert ("112" in region.emergency_line()) == (emergency == "112")
    assert region.emergency_line().startswith("Emergency:")


@pytest.mark.parametrize(
    "text, code",
    [
        ("USA", "US"),
        ("UK", "GB"),
        ("uk", "GB"),
        ("germany", "DE"),
        ("Österreich", "AT"),
        ("us", "US"),
        ("u.s.", "US"),
        ("XX", None),
        ("", None),
        ("narnia", None),
    ],
)
def test_suggestions(directory: Directory, text: str, code: str | None) -> None:
    assert directory.suggest(text) == code


def test_known_is_case_insensitive(directory: Directory) -> None:
    assert directory.known("de") and directory.known("DE") and not directory.known("USA")


def test_stale_entries_are_reported_as_a_warning(directory: Directory) -> None:
    stale = directory.stale(dt.date.today(), months=12)
    pending = directory.pending_review()
    if stale or pending:
        names = sorted({f"{code}: {s.name}" for code, s in stale + pending})
        warnings.warn(
            f"{len(names)} crisis resources need a human check against their source page "
            f"(older than 12 months or review pending): " + "; ".join(names),
            UserWarning,
            stacklevel=1,
        )
    # the computation itself must be right: a far future date makes everything stale
    assert (
        len(directory.stale(dt.date(2100, 1, 1)))
        == sum(len(r.services) for r in directory.regions.values()) + 1
    )


def test_stale_cutoff_is_twelve_months(directory: Directory) -> None:
    confirmed = [s for s in directory.for_region("US").services if s.name.startswith("988")][0]
    assert confirmed.last_verified == dt.date(2026, 11, 1)
    assert confirmed not in [s for _, s in directory.stale(dt.date(2027, 10, 31))]
    assert confirmed in [s for _, s in directory.stale(dt.date(2027, 11, 2))]
