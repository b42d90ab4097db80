"""Red team, languages (issue 24): a member who chose a language, attacked as a distressed and as
a mischievous member would on the console community. Every reply she can reach should be in her
language, private when it is about a crisis, with nothing English left and nobody pinged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.harness import ConsoleCommunity, private_to

# 3 a.m. in Poland (UTC+1 in November), nobody on duty.
NIGHT = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)


@pytest.fixture
async def olena(tmp_path):
    """A Ukrainian-speaking member in Poland, at night, in a community that reads English."""
    c = await ConsoleCommunity.create(tmp_path, start=NIGHT, user="olena")
    await c.say("/language set uk", "/crisis region set:PL", "/timezone set Europe/Warsaw")
    yield c
    await c.stop()


async def test_a_missing_value_is_explained_in_the_members_language(
    olena: ConsoleCommunity,
) -> None:
    # The option's description was said in English inside the Ukrainian sentence.
    out = private_to(await olena.text("/language set"), "olena")
    assert "Код мови: en, es, pt_BR, de, fr, uk або off" in out
    assert "A language code" not in out
    out = private_to(await olena.text("/checkin"), "olena")
    assert "How you feel" not in out and "{" not in out


async def test_a_too_long_value_counts_characters_the_readers_way(
    olena: ConsoleCommunity,
) -> None:
    out = private_to(await olena.text("/language set pt", "/language set " + "a" * 10_000), "olena")
    assert "10.000 caracteres" in out  # Brazilian Portuguese groups thousands with a dot
    assert "10,000" not in out


async def test_bad_language_codes_change_nothing_and_ping_nobody(
    olena: ConsoleCommunity,
) -> None:
    for bad in ("xx", "@everyone", "'; DROP TABLE settings;--", "e" * 41, "ptx"):
        out = await olena.text(f"/language set {bad}")
        assert private_to(out, "olena"), bad  # answered privately
        assert all(line.startswith(("(private) olena", "    ")) for line in out.split("\n"))
        assert "Готово" not in out, bad
    settings = await olena.rows(
        "SELECT value FROM member_settings WHERE user_id = ? AND key = 'language'", ("olena",)
    )
    assert settings == [("uk",)]
    # Spellings of a language she can have are understood.
    for typed, reply in (("es-MX", "Tu idioma: Español"), ("PT_br", "Seu idioma: Português")):
        assert reply in private_to(await olena.text(f"/language set {typed}"), "olena")


async def test_deleting_her_data_while_an_alert_is_open_is_explained_in_her_language(
    olena: ConsoleCommunity,
) -> None:
    await olena.say(":role mod moderator", "/crisis notify")
    out = private_to(await olena.text("/mydata delete confirm:yes"), "olena")
    assert "Готово" in out
    assert "The moderators are still looking after" not in out
    assert "модератори" in out.lower()


async def test_her_language_is_exported_and_deleted_with_her_data(
    olena: ConsoleCommunity,
) -> None:
    exported = await olena.export()
    assert "uk" in str(exported["settings"])
    await olena.say("/mydata delete confirm:yes")
    out = private_to(await olena.text("/language"), "olena")
    assert "I write to you in English" in out  # the choice is gone with the rest


async def test_a_moderator_who_sets_the_community_language_is_answered_in_it(
    tmp_path,
) -> None:
    c = await ConsoleCommunity.create(tmp_path, start=NIGHT, user="mod")
    try:
        out = private_to(await c.text(":role mod moderator", "/community language de"), "mod")
        assert "Deutsch" in out and "Done." not in out
    finally:
        await c.stop()


async def test_an_spanish_member_in_a_german_community(tmp_path) -> None:
    c = await ConsoleCommunity.create(tmp_path, start=NIGHT, user="mod")
    try:
        await c.say(
            ":role mod moderator",
            "/community language de",
            "/community channel purpose:alerts channel:#alerts",
            ":as maria",
            "/language set es",
        )
        out = await c.text("quiero morir, esta noche me voy a matar")
        assert "Pienso en ti" in private_to(out, "maria")
        assert "Dringende Meldung: Eine Nachricht von maria" in out  # moderators read German
        assert "me voy a matar" not in out.split("(private) maria")[0]  # never her words
    finally:
        await c.stop()


@pytest.mark.parametrize(
    "text",
    [
        "Я більше не хочу жити, сьогодні вночі покінчу з собою",
        "Я больше не хочу жить, сегодня ночью покончу с собой",
        "ya bilshe ne khochu zhyty, sohodni vnochi pokinchu z soboiu",
    ],
    ids=["ukrainian", "russian", "ukrainian-latin"],
)
async def test_a_crisis_at_night_gets_a_private_ukrainian_reply(
    olena: ConsoleCommunity, text: str
) -> None:
    out = await olena.text(text)
    reply = private_to(out, "olena")
    assert "Ці люди поруч із тобою" in reply
    assert "+48 800 088 141" in reply  # the Ukrainian line for people in Poland
    assert "112" in reply
    assert all(line.startswith(("(private) olena", "    ")) for line in out.split("\n") if line)
    for english in ("If you're in danger", "call", "Emergency", "moderator"):
        assert english not in reply.replace("Telefon", ""), english


async def test_a_crisis_in_a_checkin_note_gets_a_private_ukrainian_reply(
    olena: ConsoleCommunity,
) -> None:
    out = await olena.text('/checkin 1 note:"я не хочу жити, сьогодні вночі покінчу з собою"')
    reply = private_to(out, "olena")
    assert "Твою відмітку збережено" in reply and "Ці люди поруч із тобою" in reply
    assert all(line.startswith(("(private) olena", "    ")) for line in out.split("\n") if line)


async def test_transliterated_ukrainian_without_a_plan_is_still_heard(
    olena: ConsoleCommunity,
) -> None:
    reply = private_to(await olena.text("ne khochu zhyty bilshe, khochu pomerty"), "olena")
    assert "+48 800 088 141" in reply


async def test_her_crisis_region_is_named_in_her_language(olena: ConsoleCommunity) -> None:
    out = private_to(await olena.text("/crisis region set:PL", "/crisis region"), "olena")
    assert "Польща" in out and "Poland" not in out
