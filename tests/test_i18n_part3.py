"""Languages (issue 24), part 3: what a member who chose a language reads from /milestone (replies,
spans, the ladder and celebrations), /prompt and /community, in the console community, with
placeholders filled and mentions kept off."""

from __future__ import annotations

import pytest

from tests.harness import ConsoleCommunity, private_to

LANGUAGES = ("es", "pt_BR", "de", "fr", "uk")

MILESTONES = {
    "es": {
        "set": "Tu contador recovery está listo: empezó el 2026-08-02. Eso son 92 días (3 meses).",
        "next": "Próximo logro: 6 meses el 2027-02-02 (dentro de",
        "show": "Etapa más larga: 92 días. Total de todas tus etapas: 92 días.",
        "reset": "La etapa anterior duró 92 días, y cada uno de esos días cuenta.",
        "celebrate": "🎉 ¡Has llegado a 24 horas en tu contador recovery!",
        "bad_name": "ese nombre tiene 41 caracteres",
    },
    "pt_BR": {
        "set": "Seu contador recovery está pronto: começou em 2026-08-02. Isso dá 92 dias (3 meses).",
        "next": "Próximo marco: 6 meses em 2027-02-02 (daqui a",
        "show": "Fase mais longa: 92 dias. Total de todas as suas fases: 92 dias.",
        "reset": "A fase anterior durou 92 dias, e cada um desses dias conta.",
        "celebrate": "🎉 Você chegou a 24 horas no seu contador recovery!",
        "bad_name": "esse nome tem 41 caracteres",
    },
    "de": {
        "set": "Dein Zähler recovery steht: Er begann am 2026-08-02. Das sind 92 Tage (3 Monate).",
        "next": "Nächster Meilenstein: 6 Monate am 2027-02-02 (noch",
        "show": "Längster Abschnitt: 92 Tage. Insgesamt über alle Abschnitte: 92 Tage.",
        "reset": "Der Abschnitt davor dauerte 92 Tage, und jeder dieser Tage zählt.",
        "celebrate": "🎉 Du hast 24 Stunden bei deinem Zähler recovery erreicht!",
        "bad_name": "dieser Name hat 41 Zeichen",
    },
    "fr": {
        "set": "Ton compteur recovery est prêt : il a commencé le 2026-08-02. Ça fait 92 jours (3 mois).",
        "next": "Prochaine étape : 6 mois le 2027-02-02 (dans",
        "show": "Plus longue période : 92 jours. Total de toutes tes périodes : 92 jours.",
        "reset": "La période précédente a duré 92 jours, et chacun de ces jours compte.",
        "celebrate": "🎉 Tu as atteint 24 heures sur ton compteur recovery !",
        "bad_name": "ce nom fait 41 caractères",
    },
    "uk": {
        "set": "Лічильник recovery готовий: він почався 2026-08-02. Це вже 92 дні (3 місяці).",
        "next": "Наступна віха: 6 місяців, 2027-02-02 (через",
        "show": "Найдовший відрізок: 92 дні. Разом за всі відрізки: 92 дні.",
        "reset": "Попередній відрізок тривав 92 дні, і кожен із цих днів має значення.",
        "celebrate": "🎉 У лічильнику recovery уже 24 години!",
        "bad_name": "ця назва має 41 символів",
    },
}


@pytest.mark.parametrize("code", LANGUAGES)
async def test_milestones_in_each_language(community: ConsoleCommunity, code: str) -> None:
    says = MILESTONES[code]
    await community.text(f"/language set {code}")
    out = private_to(await community.text("/milestone set 2026-08-02"), "alice")
    assert says["set"] in out and says["next"] in out
    assert "{" not in out
    out = private_to(await community.text("/milestone show"), "alice")
    assert says["show"] in out and "{" not in out
    out = private_to(await community.text('/milestone reset note:"@everyone hard week"'), "alice")
    assert says["reset"] in out and "{" not in out
    out = await community.text("/milestone set date:today name:" + "a" * 41)
    assert says["bad_name"] in out
    out = await community.text(":clock +25h")
    assert says["celebrate"] in private_to(out, "alice")


async def test_milestones_english_stays_the_default(community: ConsoleCommunity) -> None:
    out = await community.text("/milestone set 2026-08-02", ":clock +25h")
    assert "Your recovery counter is set: it began on 2026-08-02. That's 92 days (3 months)." in out


PROMPTS = {
    "es": ("La propuesta #1 está programada", "Próximas publicaciones: mar 03 nov 2026, 09:00",
           "La propuesta #1 no se publicará el jue 05 nov 2026."),
    "pt_BR": ("A proposta #1 está programada", "Próximas publicações: ter. 03 nov. 2026, 09:00",
              "A proposta #1 não será publicada em qui. 05 nov. 2026."),
    "de": ("Impuls #1 ist geplant", "Nächste Posts: Di. 03 Nov. 2026, 09:00",
           "Impuls #1 wird am Do. 05 Nov. 2026 nicht gepostet."),
    "fr": ("La question #1 est programmée", "Prochaines publications : mar. 03 nov. 2026, 09:00",
           "La question #1 ne sera pas publiée le jeu. 05 nov. 2026."),
    "uk": ("Запитання #1 заплановано", "Наступні публікації: вт 03 лист. 2026, 09:00",
           "Запитання #1 не публікуватиметься чт 05 лист. 2026."),
}  # fmt: skip


@pytest.mark.parametrize("code", LANGUAGES)
async def test_prompts_in_each_language(tmp_path, code: str) -> None:
    scheduled, upcoming, skipped = PROMPTS[code]
    c = await ConsoleCommunity.create(tmp_path)
    try:
        await c.say(
            ":role alice moderator",
            ":role fran facilitator",
            "/community timezone Europe/London",
            "/community channel purpose:prompts channel:#prompts",
            ":as fran",
            f"/language set {code}",
        )
        out = await c.text('/prompt add "@everyone how is today?" schedule:daily 09:00')
        assert scheduled in out and upcoming in out and "{" not in out
        out = await c.text("/prompt skip id:1 date:2026-11-05")
        assert skipped in out
        out = await c.text("/prompt list")
        assert "{" not in out and "#1 (" in out
    finally:
        await c.stop()


COMMUNITY = {
    "es": ("Ajustes de la comunidad:", "Zona horaria: Europe/London; cámbialo con",
           "Canal de Logros que se celebran", "Canal de Celebraciones de logros: #milestones"),
    "pt_BR": ("Configurações da comunidade:", "Fuso horário: Europe/London; mude com",
              "", "Canal de Comemorações de marcos: #milestones"),
    "de": ("Einstellungen der Community:", "Zeitzone: Europe/London; ändern mit",
           "", "Kanal für Meilenstein-Feiern: #milestones"),
    "fr": ("Réglages de la communauté :", "Fuseau horaire : Europe/London ; pour changer :",
           "", "Salon « Célébrations des étapes » : #milestones"),
    "uk": ("Налаштування спільноти:", "Часовий пояс: Europe/London; змінити:",
           "", "Канал «Святкування віх»: #milestones"),
}  # fmt: skip


@pytest.mark.parametrize("code", LANGUAGES)
async def test_community_show_in_each_language(community: ConsoleCommunity, code: str) -> None:
    heading, zone, _unused, channel = COMMUNITY[code]
    await community.text(":role alice moderator", f"/language set {code}")
    await community.text("/community timezone Europe/London")
    await community.text("/community channel purpose:milestones channel:#milestones")
    out = private_to(await community.text("/community show"), "alice")
    assert heading in out and zone in out and channel in out
    assert "{" not in out and "(the default)" not in out and "not set" not in out
