"""Languages (issue 24), the crisis part beyond the detector: a member who chose a language
reads the safety plan, /crisis region, the duty rota and the moderators' crisis commands in it,
with placeholders filled and nothing pinged; alerts written privately to a moderator or a
responder, and the reminders they get, arrive in that person's own language."""

from __future__ import annotations

import pytest

from tests.harness import ConsoleCommunity, posted_in, private_to

LANGUAGES = ("es", "pt_BR", "de", "fr", "uk")
URGENT = "I want to end my life tonight, I have the pills ready"

# What each language says; every entry is checked in the transcript below.
SAYS = {
    "es": {
        "no_plan": "Aún no tienes un plan de seguridad.",
        "example": '!safetyplan edit section:reasons text:"mi hermana, mi perro"',
        "saved": "en tu plan de seguridad. !safetyplan muestra el plan completo.",
        "plan": "Tu plan de seguridad (solo tú puedes verlo):",
        "empty": "(vacío; !safetyplan edit section:coping …)",
        "on_duty": "Estás de guardia: las alertas urgentes te mencionarán hasta que escribas !duty off.",
        "list": "- alice: su hora local lun 12:00 UTC, hasta que lo deje",
        "rota": "Turno #1 añadido: cada lun 22:00–06:00 (termina al día siguiente), hora de UTC.",
        "region": "No has elegido una región, así que te muestro líneas que funcionan en todas partes.",
        "resources": "Esta comunidad aún no tiene recursos propios; !crisis muestra",
        "settings": "a los 10 minutos; a los 30 minutos cada moderador recibe un mensaje privado.",
        "concerns": "No hay avisos de preocupación de los últimos 30 días.",
        "cleared": "Hecho. Tu plan de seguridad está borrado.",
    },
    "pt_BR": {
        "no_plan": "Você ainda não tem um plano de segurança.",
        "example": '!safetyplan edit section:reasons text:"minha irmã, meu cachorro"',
        "saved": "no seu plano de segurança. !safetyplan mostra o plano inteiro.",
        "plan": "Seu plano de segurança (só você pode ver):",
        "empty": "(vazio; !safetyplan edit section:coping …)",
        "on_duty": "Você está de plantão: alertas urgentes vão te mencionar até você digitar !duty off.",
        "list": "- alice: horário local seg. 12:00 UTC, até sair do plantão",
        "rota": "Plantão #1 adicionado: toda seg. 22:00–06:00 (termina no dia seguinte), horário de UTC.",
        "region": "Você não escolheu uma região, então mostro linhas que funcionam em qualquer lugar.",
        "resources": "Esta comunidade ainda não tem recursos próprios; !crisis mostra",
        "settings": "depois de 30 minutos cada moderador recebe uma mensagem privada.",
        "concerns": "Nenhum aviso de preocupação nos últimos 30 dias.",
        "cleared": "Pronto. Seu plano de segurança foi apagado.",
    },
    "de": {
        "no_plan": "Du hast noch keinen Sicherheitsplan.",
        "example": '!safetyplan edit section:reasons text:"meine Schwester, mein Hund"',
        "saved": "ist in deinem Sicherheitsplan gespeichert. !safetyplan zeigt den ganzen Plan.",
        "plan": "Dein Sicherheitsplan (nur du kannst ihn sehen):",
        "empty": "(leer; !safetyplan edit section:coping …)",
        "on_duty": "Du hast Bereitschaft: Dringende Meldungen erwähnen dich, bis du !duty off tippst.",
        "list": "- alice: Ortszeit Mo. 12:00 UTC, bis zum Abmelden",
        "rota": "Bereitschaft #1 eingetragen: jeden Mo. 22:00–06:00 (endet am nächsten Tag), Zeitzone UTC.",
        "region": "Du hast keine Region festgelegt, deshalb zeige ich Nummern, die überall funktionieren.",
        "resources": "Diese Community hat noch keine eigenen Anlaufstellen; !crisis zeigt",
        "settings": "nach 30 Minuten bekommt jede*r aus der Moderation eine private Nachricht.",
        "concerns": "Keine Sorgenmeldungen in den letzten 30 Tagen.",
        "cleared": "Erledigt. Dein Sicherheitsplan ist gelöscht.",
    },
    "fr": {
        "no_plan": "Tu n’as pas encore de plan de sécurité.",
        "example": '!safetyplan edit section:reasons text:"ma sœur, mon chien"',
        "saved": "est enregistré dans ton plan de sécurité. !safetyplan affiche le plan entier.",
        "plan": "Ton plan de sécurité (toi seul·e peux le voir) :",
        "empty": "(vide ; !safetyplan edit section:coping …)",
        "on_duty": "Tu es de permanence : les alertes urgentes te mentionneront jusqu’à ce que tu tapes !duty off.",
        "list": "- alice : heure locale lun. 12:00 UTC, jusqu’à ce qu’il ou elle arrête",
        "rota": "Permanence #1 ajoutée : chaque lun. 22:00–06:00 (jusqu’au lendemain), heure de UTC.",
        "region": "Tu n’as pas choisi de région, donc je te montre des lignes qui marchent partout.",
        "resources": "Cette communauté n’a pas encore de ressources à elle ; !crisis affiche",
        "settings": "après 30 minutes, chaque membre de la modération reçoit un message privé.",
        "concerns": "Aucun signalement d’inquiétude au cours des 30 derniers jours.",
        "cleared": "C’est fait. Ton plan de sécurité est supprimé.",
    },
    "uk": {
        "no_plan": "У тебе ще немає плану безпеки.",
        "example": '!safetyplan edit section:reasons text:"моя сестра, мій пес"',
        "saved": "збережено у твоєму плані безпеки. !safetyplan покаже весь план.",
        "plan": "Твій план безпеки (бачиш лише ти):",
        "empty": "(порожньо; !safetyplan edit section:coping …)",
        "on_duty": "Ти на чергуванні: термінові сповіщення згадуватимуть тебе, доки не напишеш !duty off.",
        "list": "- alice: місцевий час пн 12:00 UTC, доки не вимкне чергування",
        "rota": "Чергування #1 додано: щотижня, пн 22:00–06:00 (до наступного дня), час UTC.",
        "region": "Регіон не вказано, тож я показую лінії, що працюють будь-де.",
        "resources": "У цієї спільноти ще немає власних ресурсів; !crisis показує",
        "settings": "через 30 хв кожен модератор отримує особисте повідомлення.",
        "concerns": "Жодного повідомлення про тривогу за останні 30 днів.",
        "cleared": "Готово. План безпеки видалено.",
    },
}


@pytest.mark.parametrize("code", LANGUAGES)
async def test_safety_plan_region_and_duty_in_each_language(
    community: ConsoleCommunity, code: str
) -> None:
    says = SAYS[code]
    await community.say(":role alice moderator", f"/language set {code}")
    out = private_to(await community.text("/safetyplan"), "alice")
    assert says["no_plan"] in out and says["example"] in out
    out = await community.text('/safetyplan edit section:reasons text:"@everyone my dog"')
    assert says["saved"] in private_to(out, "alice")
    out = await community.text("/safetyplan")
    plan = private_to(out, "alice")
    assert says["plan"] in plan and says["empty"] in plan
    assert ": @everyone my dog" in plan  # the member's words, filled in as typed
    assert "#" not in out and "{" not in out  # private, every placeholder filled
    assert says["on_duty"] in private_to(await community.text("/duty on"), "alice")
    assert says["list"] in private_to(await community.text("/duty list"), "alice")
    out = await community.text("/duty rota add day:mon start:22:00 end:06:00")
    assert says["rota"] in private_to(out, "alice")
    assert says["region"] in private_to(await community.text("/crisis region"), "alice")
    assert says["resources"] in private_to(await community.text("/crisis resource list"), "alice")
    assert says["settings"] in private_to(await community.text("/alert settings"), "alice")
    assert says["concerns"] in private_to(await community.text("/crisis concerns"), "alice")
    out = await community.text("/safetyplan clear confirm:yes")
    assert says["cleared"] in private_to(out, "alice")


async def test_alerts_reach_a_german_moderator_and_responder_in_german(
    community: ConsoleCommunity,
) -> None:
    # No alerts channel yet: an urgent request is written to each moderator in their language.
    out = await community.text(
        ":role alice moderator",
        ":role dan moderator",
        ":as dan",
        "/language set de",
        ":as erin",
        "/language set de",
        ":as bob",
        "/crisis notify",
    )
    to_dan = private_to(out, "dan")
    assert "Dringende Meldung #1 (es gibt keinen Meldungskanal" in to_dan
    assert "bob" in to_dan and "tippe !alert claim 1." in to_dan
    assert "Urgent alert #1 (no alerts channel is set" in private_to(out, "alice")  # English
    assert "I've written to the moderators privately" in private_to(out, "bob")
    # erin, a responder who reads German, goes on duty; an urgent message pings only her.
    out = await community.text(
        ":as alice",
        "/community channel purpose:alerts channel:#alerts",
        "/duty responders role:listeners",
        ":role erin +listeners",
        ":as erin",
        "/duty on",
        ":as bob",
        URGENT,
    )
    assert "Du hast Bereitschaft" in private_to(out, "erin")
    # The community reads English; only erin, on duty, is pinged.
    assert "#alerts: @erin Priority alert (urgent): a message from bob" in out
    out = await community.text(":as erin", "/alert claim 2")
    assert "Meldung #2 gehört dir." in private_to(out, "erin")
    assert "erin is on it" in posted_in(out, "#alerts")
    # Unclaimed alert #1 escalates: dan is written to in German, with the alert's own lines.
    out = await community.text(":clock +1d")
    to_dan = private_to(out, "dan")
    assert "Seit 30 Minuten hat niemand die dringende Meldung #1 übernommen." in to_dan
    assert "Priorität: bob" in to_dan and "Ich kümmere mich" in to_dan
    assert "Nobody has taken urgent alert #1 in 30 minutes." in private_to(out, "alice")
    # erin's reminder about the alert she took comes in German too.
    assert "Eine freundliche Erinnerung: Meldung #2" in private_to(out, "erin")


async def test_a_flagged_message_alert_is_written_to_a_german_moderator_line_by_line(
    community: ConsoleCommunity,
) -> None:
    await community.say(
        ":role alice moderator",
        ":role dan moderator",
        "/community channel purpose:alerts channel:#alerts",
        ":as dan",
        "/language set de",
        ":as bob",
    )
    await community.say(URGENT)
    out = await community.text(":clock +31m")
    to_dan = private_to(out, "dan")
    assert "Dringende Meldung: Eine Nachricht von bob kann bedeuten" in to_dan
    assert "Nachricht: #general message" in to_dan
    assert "{" not in to_dan and "Priority alert" not in to_dan


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("uk", "103 (швидка допомога) або 102 (поліція)"),
        ("de", "103 (Rettungsdienst) oder 102 (Polizei)"),
        ("es", "103 (ambulancia) o 102 (policía)"),
    ],
)
async def test_the_emergency_number_names_its_services_in_the_readers_language(
    tmp_path, language: str, says: str
):
    c = await ConsoleCommunity.create(tmp_path)
    try:
        out = await c.text(f"/language set {language}", "/crisis region:UA")
        reply = private_to(out, "alice")
        assert says in reply
        assert "ambulance" not in reply and "police" not in reply
    finally:
        await c.stop()


async def test_the_kind_of_each_alert_in_crisis_concerns_is_in_the_moderators_language(tmp_path):
    c = await ConsoleCommunity.create(tmp_path)
    try:
        await c.say(":role mod moderator", ":as alice", URGENT, ":as mod", "/language set de")
        out = private_to(await c.text("/crisis concerns"), "mod")
        assert "(dringende Nachricht)" in out and "(urgent)" not in out
    finally:
        await c.stop()
