"""Languages (issue 24), part 1: what a member who chose a language reads from value errors,
the "type …" lines under buttons, /timezone, /mydata, check-ins, milestones, prompts and
/community, in the console community, with placeholders filled and mentions kept off."""

from __future__ import annotations

import pytest

from bot.i18n import translator
from tests.harness import ConsoleCommunity, private_to

LANGUAGES = ("es", "pt_BR", "de", "fr", "uk")

# What each language says; every entry is checked in a transcript below.
SAYS = {
    "es": {
        "zone": "Tu zona horaria ahora es Europe/Kyiv (allí son las 14:00 del lun 02 nov",
        "range": "9 está fuera de rango: se esperaba un número entero del 1 al 5",
        "zone_typo": "No conozco la zona horaria 'Europe/Londn'. ¿Querías decir Europe/London o Europe/Lisbon",
        "button": "escribe !crisis notify",
        "delete": "Esto borra todo lo que guardo sobre ti en esta comunidad",
        "quote": "No pude leer eso: unas comillas no están cerradas",
    },
    "pt_BR": {
        "zone": "Seu fuso horário agora é Europe/Kyiv (lá são 14:00 de seg. 02 nov.)",
        "range": "9 está fora do intervalo: era esperado um número inteiro de 1 a 5",
        "zone_typo": "Não conheço o fuso horário 'Europe/Londn'. Você quis dizer Europe/London ou Europe/Lisbon",
        "button": "digite !crisis notify",
        "delete": "Isso apaga tudo o que guardo sobre você nesta comunidade",
        "quote": "uma aspa não foi fechada",
    },
    "de": {
        "zone": "Deine Zeitzone ist jetzt Europe/Kyiv (dort ist es 14:00 am Mo. 02 Nov.",
        "range": "9 liegt außerhalb des Bereichs: erwartet wird eine ganze Zahl von 1 bis 5",
        "zone_typo": "Die Zeitzone 'Europe/Londn' kenne ich nicht. Meintest du Europe/London oder Europe/Lisbon",
        "button": "tippe !crisis notify",
        "delete": "Damit löschst du alles, was ich in dieser Community über dich speichere",
        "quote": "ein Anführungszeichen ist nicht geschlossen",
    },
    "fr": {
        "zone": "Ton fuseau horaire est maintenant Europe/Kyiv (il est 14:00, lun. 02 nov.",
        "range": "9 est hors limites : il faut un nombre entier de 1 à 5",
        "zone_typo": "Je ne connais pas le fuseau horaire 'Europe/Londn'. Tu voulais dire",
        "button": "tape !crisis notify",
        "delete": "Cela efface tout ce que j’enregistre sur toi dans cette communauté",
        "quote": "un guillemet n’est pas fermé",
    },
    "uk": {
        "zone": "Твій часовий пояс тепер Europe/Kyiv (там зараз 14:00, пн 02 лист.",
        "range": "9 поза межами: очікується ціле число від 1 до 5",
        "zone_typo": "Я не знаю часового поясу 'Europe/Londn'. Можливо, Europe/London або Europe/Lisbon",
        "button": "напиши !crisis notify",
        "delete": "Це видалить усе, що я зберігаю про тебе в цій спільноті",
        "quote": "лапки не закрито",
    },
}


@pytest.mark.parametrize("code", LANGUAGES)
async def test_values_zones_buttons_and_mydata_in_each_language(
    community: ConsoleCommunity, code: str
) -> None:
    says = SAYS[code]
    await community.text(f"/language set {code}")
    out = await community.text("/timezone set Europe/Kyiv")
    assert says["zone"] in private_to(out, "alice").replace("\u202f", " ")
    out = await community.text("/checkin 9")
    assert says["range"] in out
    out = await community.text("/timezone set zone:Europe/Londn")
    assert says["zone_typo"] in out
    out = await community.text("/crisis")
    assert says["button"] in private_to(out, "alice")
    assert ": type " not in out
    out = await community.text("/mydata delete")
    assert says["delete"] in private_to(out, "alice")
    assert "!mydata delete confirm:yes" in out
    out = await community.text('/checkin 3 note:"@everyone open')
    assert says["quote"] in out


@pytest.mark.parametrize("code", LANGUAGES)
async def test_typed_text_in_errors_stays_inert(community: ConsoleCommunity, code: str) -> None:
    await community.text(f"/language set {code}")
    out = await community.text("/timezone set zone:@everyone")
    assert "'@everyone'" in out  # quoted as typed, and the console pings nobody
    assert "{" not in out and "}" not in out


async def test_english_stays_the_default(community: ConsoleCommunity) -> None:
    out = await community.text("/timezone set Europe/Kyiv", "/crisis")
    assert "(it's 14:00 on Mon 02 Nov there)" in out
    assert "Let a moderator know: type !crisis notify" in out


@pytest.mark.parametrize("code", LANGUAGES)
async def test_checkins_in_each_language(community: ConsoleCommunity, code: str) -> None:
    tr = translator(code)
    await community.text(f"/language set {code}")
    out = private_to(await community.text("/checkin 1 cravings:8"), "alice")
    assert tr("Thank you for checking in; it takes something to do that on a hard day. 🌱") in out
    assert (
        tr.plural(
            "{count} check-in day in the last {days} days.",
            "{count} check-in days in the last {days} days.",
            1,
            days=14,
        )
        in out
    )
    assert "!crisis" in out and "{" not in out
    out = private_to(await community.text("/checkin history"), "alice")
    assert tr("Your check-ins, {first} to {last}:", first="2026-10-20", last="2026-11-02") in out
    assert tr("Weekly averages:") in out and "{" not in out
    out = private_to(await community.text("/checkin remind 20:00"), "alice")
    assert "20:00 (UTC)" in out and "!checkin remind off" in out and "{" not in out
    assert "I'll send you" not in out


async def test_the_reminder_and_its_button_come_in_the_member_language(
    community: ConsoleCommunity,
) -> None:
    await community.text("/language set de", "/checkin remind 20:00")
    out = await community.text(":clock +9h")
    reminder = private_to(out, "alice")
    assert "Ein sanfter Stups" in reminder and "!checkin <Stimmung 1-5>" in reminder
    assert "→ Einchecken: tippe !checkin" in reminder
