"""Languages (issue 24): choosing, catalogs complete, plurals, and what members read in each
language in the console community."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, SUPPORTED, normalize, translator
from bot.languages import choose
from tests.harness import ConsoleCommunity, private_to

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = [code for code in SUPPORTED if code != "en"]
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": None,
    "t": None,
    "tr": None,
    "ngettext": (1, 2),
    "nt": (1, 2),
    "plural": (1, 2),
}


def extracted() -> dict[str | tuple[str, str], str]:
    """Every marked message in bot/ and cogs/ now (what `make i18n-extract` would write)."""
    found: dict[str | tuple[str, str], str] = {}
    for folder in ("bot", "cogs"):
        for filename, _, message, _, _ in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            key = tuple(message) if isinstance(message, tuple) else message
            if key:
                found.setdefault(key, f"{folder}/{filename}")
    return found


def catalog(code: str):
    with open(LOCALES_DIR / code / "LC_MESSAGES" / "peerbot.po", "rb") as f:
        return read_po(f, locale=code)


def _key(value: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    return value if isinstance(value, str) else tuple(value)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


# --- catalogs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_marked_message_is_translated_with_the_same_placeholders(code: str) -> None:
    po = catalog(code)
    problems = []
    for key, where in extracted().items():
        entry = po.get(key if isinstance(key, str) else key[0])
        string = entry.string if entry is not None else ""
        forms = [string] if isinstance(string, str) else list(string)
        if entry is None or entry.fuzzy or not forms or not all(forms):
            problems.append(f"missing ({where}): {key!r}")
            continue
        english = key if isinstance(key, str) else key[1]
        for form in forms:
            expected = placeholders(english) - ({"count"} if not isinstance(key, str) else set())
            got = placeholders(form) - ({"count"} if not isinstance(key, str) else set())
            if got != expected:
                problems.append(f"placeholders {got} != {expected} ({where}): {form!r}")
            try:
                form.format(**{name: "x" for name in placeholders(form)})
            except (ValueError, IndexError, KeyError) as err:
                problems.append(f"does not format ({err}): {form!r}")
    assert not problems, (
        f"{code}: run make i18n-update, translate, make i18n-compile\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_compiled_catalog_matches_its_po_file(code: str) -> None:
    po = catalog(code)
    with open(LOCALES_DIR / code / "LC_MESSAGES" / "peerbot.mo", "rb") as f:
        mo = read_mo(f)
    wanted = {_key(m.id): _key(m.string) for m in po if m.id and not m.fuzzy}
    shipped = {_key(m.id): _key(m.string) for m in mo if m.id}
    assert shipped == wanted, "run make i18n-compile"


def test_plural_forms_follow_each_language() -> None:
    uk = translator("uk")
    forms = [uk.plural("about {count} minute", "about {count} minutes", n) for n in (1, 3, 5, 21)]
    assert forms == [
        "приблизно 1 хвилину",
        "приблизно 3 хвилини",
        "приблизно 5 хвилин",
        "приблизно 21 хвилину",
    ]
    fr = translator("fr")
    assert fr.plural("about {count} hour", "about {count} hours", 0) == "environ 0 heure"
    assert translator("en").plural("about {count} hour", "about {count} hours", 2) == (
        "about 2 hours"
    )


def test_numbers_and_dates_are_written_as_each_language_writes_them() -> None:
    assert translator("de").number(12345.5) == "12.345,5"
    assert translator("en").number(12345.5) == "12,345.5"
    assert translator("es").date(date(2026, 3, 3)) == "3 de marzo de 2026"
    assert translator("uk").date(date(2026, 3, 3)).replace("\u202f", " ") == "3 березня 2026 р."


def test_the_make_targets_extract_the_same_messages(tmp_path: Path) -> None:
    pot = tmp_path / "peerbot.pot"
    make = subprocess.run(
        ["make", "-n", "i18n-extract"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    command = next(line for line in make.stdout.splitlines() if "pybabel extract" in line)
    assert all(
        f"-k {k}" in command.replace("\\\n", " ") or k in ("_", "gettext", "ngettext")
        for k in ("N_", "t", "tr")
    )
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "N_", "-k", "t", "-k", "tr", "-k", "nt:1,2", "-k", "plural:1,2",
         "-o", str(pot), "bot", "cogs"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with open(pot, "rb") as f:
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert ids == {k if isinstance(k, str) else k[0] for k in extracted()}


# --- choosing -----------------------------------------------------------------------------------


def test_member_beats_community_beats_client_beats_english() -> None:
    assert choose("fr", "de", "es-ES") == "fr"
    assert choose(None, "de", "es-ES") == "de"
    assert choose(None, None, "es-ES") == "es"
    assert choose(None, None, "pt-BR") == "pt_BR"
    assert choose(None, None, "ja") == "en"
    assert choose(None, None, None) == "en"
    assert choose("xx", None, "uk") == "uk"  # a value we no longer ship is skipped


@pytest.mark.parametrize(
    ("typed", "code"),
    [("es", "es"), ("PT-br", "pt_BR"), ("pt", "pt_BR"), ("uk", "uk"), ("es-419", "es"),
     ("klingon", None), ("", None), ("x" * 10_000, None)],
)  # fmt: skip
def test_language_codes_are_read_kindly(typed: str, code: str | None) -> None:
    assert normalize(typed) == code


async def test_member_choice_then_community_then_off(community: ConsoleCommunity) -> None:
    await community.as_moderator("mod")
    out = await community.text("/community language de", ":as alice", "/crisis")
    assert "Ich bin wirklich froh, dass du dich meldest" in private_to(out, "alice")
    out = await community.text("/language set fr", "/crisis")
    assert "Je suis vraiment content que tu aies écrit" in private_to(out, "alice")
    out = await community.text("/language set off", "/crisis")
    assert "Ich bin wirklich froh" in private_to(out, "alice")
    await community.text(":as mod", "/community language off", ":as alice")
    out = await community.text("/crisis")
    assert "I'm really glad you reached out" in private_to(out, "alice")


async def test_the_caller_language_does_not_leak_to_others(community: ConsoleCommunity) -> None:
    """Bob reads Spanish; the moderators' alert about him is in the community's language."""
    await community.as_moderator("mod")
    await community.text(
        "/community channel purpose:alerts channel:#alerts", "/community language fr", ":as bob"
    )
    out = await community.text("/language set es", "/crisis notify")
    assert "He avisado a la moderación" in private_to(out, "bob")
    assert "Priorité : bob a demandé" in out


async def test_the_member_language_goes_to_export_and_delete(community: ConsoleCommunity) -> None:
    await community.text("/language set uk")
    exported = str(await community.export("alice"))
    assert "language" in exported and "uk" in exported
    await community.text("/mydata delete confirm:yes")
    out = await community.text("/crisis")
    assert "I'm really glad you reached out" in private_to(out, "alice")


@pytest.mark.parametrize(
    "typed",
    ["klingon", "x" * 10_000, "'; DROP TABLE member_settings; --", "@everyone", "es' OR '1'='1"],
)
async def test_bad_language_codes_change_nothing(community: ConsoleCommunity, typed: str) -> None:
    before = await community.snapshot("member_settings")
    out = await community.text(f'/language set code:"{typed}"')
    reply = private_to(out, "alice")
    assert before == await community.snapshot("member_settings")
    assert len(out) < 600
    assert "I can write in: en, es, pt_BR, de, fr, uk" in reply or "limit is 40" in reply


# --- what a member reads, per language -------------------------------------------------------

TRANSCRIPTS = {
    "es": ("Me alegra mucho que hayas escrito", "Uso: !checkin", "No conozco el comando"),
    "pt_BR": ("Que bom que você procurou ajuda", "Uso: !checkin", "Não conheço o comando"),
    "de": ("Ich bin wirklich froh, dass du dich meldest", "So geht’s: !checkin", "kenne ich nicht"),
    "fr": ("Je suis vraiment content que tu aies écrit", "Utilisation : !checkin", "Je ne connais"),
    "uk": ("Добре, що ти тут", "Як користуватися: !checkin", "Я не знаю команди"),
}


@pytest.mark.parametrize("code", LANGUAGES)
async def test_crisis_and_usage_errors_in_each_language(
    community: ConsoleCommunity, code: str
) -> None:
    crisis, usage, unknown = TRANSCRIPTS[code]
    out = await community.text(f"/language set {code}", "/crisis region:UA")
    reply = private_to(out, "alice")
    assert crisis in reply
    assert "7333" in reply  # the directory's line is there, whatever the language
    assert "Let a moderator know" not in reply and "If you're in danger" not in reply
    out = await community.text("/checkin", "/frobnicate")
    assert usage in out and unknown in out


def test_resources_in_the_member_language_come_first() -> None:
    from cogs.crisis.resources import load_directory

    directory = load_directory()
    moved = 0
    for code, region in directory.regions.items():
        for language in LANGUAGES:
            shown = region.top(3, language=language)
            flags = [s.speaks(language) for s in shown]
            assert flags == sorted(flags, reverse=True), (code, language)
            if any(s.speaks(language) for s in region.services):
                assert flags[0], (code, language)
            moved += shown != region.top(3)
    assert moved, "some region has lines in several languages"
