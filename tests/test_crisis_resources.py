"""The crisis resource directory: coverage, sources, fallback, suggestions, staleness."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from cogs.crisis.resources import KINDS, RESOURCES_PATH, Directory, load_directory

REQUIRED = "US CA GB IE AU NZ DE AT CH FR BE NL ES IT PT SE NO DK FI PL IN BR MX ZA CL RO MD SK CZ HU".split()


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
        assert s.review == "verified" or s.review.startswith("pending: "), s.name
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
    "code, emergency", [("KR", "119"), ("HR", "112"), (None, None), ("XX", None)]
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
        == sum(1 for c, r in directory.regions.items() for s in r.services if s.region == c) + 1
    )


def test_stale_cutoff_is_twelve_months(directory: Directory) -> None:
    confirmed = [s for s in directory.for_region("US").services if s.name.startswith("988")][0]
    assert confirmed.last_verified == dt.date(2026, 11, 1)
    assert confirmed not in [s for _, s in directory.stale(dt.date(2027, 10, 31))]
    assert confirmed in [s for _, s in directory.stale(dt.date(2027, 11, 2))]


# --- the 2026-11-30 check (../shared/notes/crisis-directory-check.md) ---------------------------

# The general emergency number of every country the note names, as the note's sources give it.
# The 8 that were a regional or single service, the handset-only 112s the note resolves to one
# number, and the countries the note says were missing.
EMERGENCY_FROM_NOTE = {
    "ET": "991",
    "GT": "122 or 123 (firefighters and ambulance), 110 (police)",
    "IQ": "130",
    "JM": "112 (or 911)",
    "LB": "112",
    "LK": "110 (ambulance, fire) or 119 (police)",
    "PK": "115 (ambulance) or 15 (police)",
    "ZW": "999 (ambulance) or 995 (police)",
    "AM": "911",
    "UA": "103 (ambulance) or 102 (police)",
    "CL": "131",
    "JP": "119",
}
# Values the note says are NOT a country's general number (regional or single services).
NOT_GENERAL = {
    "ET": "907",
    "GT": "128",
    "IQ": "122",
    "JM": "119",
    "LB": "140",
    "LK": "1990",
    "PK": "1122",
    "ZW": "994",
}
# Countries with their own entry: the number the note confirms.
COUNTRY_EMERGENCY = {
    "US": "911",
    "CA": "911",
    "GB": "999",
    "IE": "112",
    "AU": "000",
    "NZ": "111",
    "DE": "112",
    "AT": "112",
    "CH": "112",
    "FR": "112",
    "BE": "112",
    "NL": "112",
    "ES": "112",
    "IT": "112",
    "PT": "112",
    "SE": "112",
    "NO": "113",
    "DK": "112",
    "FI": "112",
    "PL": "112",
    "IN": "112",
    "BR": "192",
    "MX": "911",
    "ZA": "112",
    "UA": "103 (ambulance) or 102 (police)",
    "CL": "131",
    "JP": "119",
    "AR": "107",
    # neighbours of Ukraine hosting many displaced people (issue 24)
    "RO": "112",
    "MD": "112",
    "SK": "112",
    "CZ": "112",
    "HU": "112",
}


def test_every_entry_has_source_last_verified_and_an_honest_review() -> None:
    directory = load_directory()
    entries = list(directory.by_id.values())
    assert len(entries) >= 95
    for s in entries:
        assert s.source.startswith(("https://", "http://")), s.id
        assert isinstance(s.last_verified, dt.date), s.id
        assert s.review == "verified" or s.review.startswith("pending: "), s.id
        # only a live check may say verified, and none was made on 2026-11-30
        assert not (s.review == "verified" and s.last_verified == dt.date(2026, 11, 30)), s.id


@pytest.mark.parametrize(
    "code, number", sorted({**COUNTRY_EMERGENCY, **EMERGENCY_FROM_NOTE}.items())
)
def test_every_emergency_number_matches_the_note(
    directory: Directory, code: str, number: str
) -> None:
    assert directory.for_region(code).emergency == number
    assert directory.emergency_numbers[code] == number


@pytest.mark.parametrize("code, wrong", sorted(NOT_GENERAL.items()))
def test_no_regional_number_stands_in_for_the_general_one(
    directory: Directory, code, wrong
) -> None:
    assert wrong not in directory.for_region(code).emergency.replace(",", " ").split()


def test_every_country_entry_names_its_emergency_number(directory: Directory) -> None:
    for code, region in directory.regions.items():
        assert region.emergency == COUNTRY_EMERGENCY[code], code


@pytest.mark.parametrize(
    "entry, text",
    [
        ("pt-1411", "call 1411"),
        ("ie-poisons", "01 809 2166"),
        ("us-never-use-alone", "1-800-484-3731"),
        ("ua-lifeline", "call 7333"),
        ("cl-4141", "call *4141"),
        ("cl-1412", "call 1412"),
        ("jp-tell", "03-5774-0992"),
        ("au-family-drug-support", "1300 368 186"),
        ("au-beyond-blue", "1300 22 4636"),
        ("gb-calm", "0800 58 58 58"),
        ("za-cipla", "0800 456 789"),
        ("fi-mieli-ukrainian", "09 2525 0114"),
        ("fi-mieli-russian", "09 2525 0115"),
        ("in-aasra", "022 2754 6669"),
        ("pt-sns-24", "808 24 24 24 (option 4)"),
    ],
)
def test_services_the_note_found_are_listed(directory: Directory, entry: str, text: str) -> None:
    service = directory.entry(entry)
    assert service is not None and text in service.format_line()
    assert service.pending


def test_corrections_a_member_sees(directory: Directory) -> None:
    lines = {s.id: s.format_line() for s in directory.by_id.values()}
    # an unreliable or non-urgent line: the emergency number first
    assert lines["br-disque-intoxicacao-anvisa"].startswith(
        "Disque-Intoxicação (Anvisa) — in an emergency call 192 first; otherwise call 0800"
    )
    assert "call 112 first and ask for Giftinformation" in lines["se-giftinformationscentralen"]
    # limited hours and cost are said, 24/7 is not
    assert "(10:00-24:00)" in lines["it-telefono-amico-italia"]
    assert "(20 cents per call)" in lines["de-sucht-drogen-hotline"]
    assert "(10:00-22:00" in lines["nz-alcohol-drug-helpline"]
    assert "24/7" not in lines["us-988-suicide-crisis"]
    # no keyword insisted on where the sources disagree; old AASRA number gone
    assert lines["ie-text-50808"] == "Text 50808 — text 50808"
    assert "98204" not in lines["in-aasra"]
    # a group-specific line is not offered as the general one
    assert directory.entry("ca-hope-for-wellness").kind == "group"
    assert "Hope" not in " ".join(s.name for s in directory.for_region("CA").top(3))
    # the new national suicide line leads in Portugal
    assert directory.for_region("PT").top(1)[0].id == "pt-1411"


def test_countries_with_one_local_line_keep_the_worldwide_directory(directory: Directory) -> None:
    for code in ("JP", "AR"):
        ids = [s.id for s in directory.for_region(code).top(3)]
        assert "find-a-helpline" in ids and len(ids) == 2, code
    assert [c for c, s in directory.pending_review() if s.id == "find-a-helpline"] == ["*"]


def test_ids_are_unique_stable_and_case_insensitive(directory: Directory) -> None:
    assert directory.entry("GB-Samaritans") is directory.entry("gb-samaritans")
    assert directory.entry("gb-samaritans").name == "Samaritans"
    assert directory.entry("nope") is None and directory.entry("") is None


def test_a_bad_review_value_is_refused(tmp_path) -> None:
    text = RESOURCES_PATH.read_text(encoding="utf-8").replace(
        '\nreview = "verified"\n', '\nreview = "looks fine"\n', 1
    )
    (tmp_path / "r.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="review"):
        load_directory(tmp_path / "r.toml")


def test_every_worded_opening_time_can_be_read_in_each_language(directory: Directory) -> None:
    """Hours and costs are shown to members: each wording beyond times is in the catalogs."""
    from cogs.crisis.hours import WORDED, needs_words

    services = [s for r in directory.regions.values() for s in r.services] + [directory.fallback]
    worded = {
        text
        for s in services
        for text in (s.hours, s.cost)
        if text not in ("", "24/7", "see website", "directory") and needs_words(text)
    }
    assert worded <= set(WORDED), sorted(worded - set(WORDED))
    assert not any("source" in s.hours for s in services)  # a review note, not an opening time
