"""Languages (issue 24), platform and core texts: what a facilitator who chose a language reads
when a command is refused, when a value is wrong, and how a repeating schedule is described, in
the console community, with placeholders filled and mentions kept off."""

from __future__ import annotations

import pytest

from bot.i18n import translator
from bot.recurrence import ScheduleError, parse_schedule
from tests.harness import ConsoleCommunity, private_to

LANGUAGES = ("es", "pt_BR", "de", "fr", "uk")

# (refusal, bad schedule, usage line, description of "weekly mon,thu 19:30")
SAYS = {
    "es": ("Solo la moderación puede usar !community language",
           "'funday' no es un día de la semana. Usa mon, tue",
           "Uso: !prompt add",
           "está programada Lun y Jue a las 19:30 (Europe/London)"),
    "pt_BR": ("Só a moderação pode usar !community language",
              "'funday' não é um dia da semana. Use mon, tue",
              "Uso: !prompt add",
              "está programada Seg. e Qui. às 19:30 (Europe/London)"),
    "de": ("Nur die Moderation kann !community language nutzen",
           "'funday' ist kein Wochentag. Schreib mon, tue",
           "So geht’s: !prompt add",
           "ist geplant: Mo. und Do. um 19:30 (Europe/London)"),
    "fr": ("Seule la modération peut utiliser !community language",
           "'funday' n'est pas un jour de la semaine. Écris mon, tue",
           "Utilisation : !prompt add",
           "est programmée Lun. et Jeu. à 19:30 (Europe/London)"),
    "uk": ("Лише модератори можуть користуватися !community language",
           "'funday' — не день тижня. Пиши mon, tue",
           "Як користуватися: !prompt add",
           "заплановано: Пн і Чт о 19:30 (Europe/London)"),
}  # fmt: skip


async def _facilitator(community: ConsoleCommunity, code: str) -> None:
    await community.say(
        ":role alice moderator",
        ":role fran facilitator",
        "/community timezone Europe/London",
        "/community channel purpose:prompts channel:#prompts",
        ":as fran",
        f"/language set {code}",
    )


@pytest.mark.parametrize("code", LANGUAGES)
async def test_refusal_usage_error_and_schedule_in_each_language(
    community: ConsoleCommunity, code: str
) -> None:
    refusal, bad_day, usage, described = SAYS[code]
    await _facilitator(community, code)
    out = private_to(await community.text("/community language fr"), "fran")
    assert refusal in out and "{" not in out
    out = private_to(
        await community.text('/prompt add "@everyone hi" schedule:"weekly funday 19:30"'), "fran"
    )
    assert bad_day in out and usage in out and "{" not in out
    out = await community.text('/prompt add "@everyone hi" schedule:"weekly mon,thu 19:30"')
    assert described in private_to(out, "fran") and "{" not in out
    assert "@everyone" not in out.replace("@\u200beveryone", "")  # what fran typed stays inert


async def test_english_stays_the_default(community: ConsoleCommunity) -> None:
    await community.say(
        ":role alice moderator",
        "/community timezone Europe/London",
        "/community channel purpose:prompts channel:#prompts",
    )
    out = await community.text('/prompt add hi schedule:"first mon 20:00"')
    assert "the first Mon of each month at 20:00 (Europe/London)" in out
    out = await community.text('/prompt add hi schedule:"weekly funday 19:30"')
    assert "'funday' is not a day of the week" in out


@pytest.mark.parametrize(
    ("code", "text", "described"),
    [
        ("es", "cron 0 9 1,15 jan,feb *", "los días 1 y 15 del mes en Ene y Feb a las 09:00"),
        ("de", "first mon 20:00", "am ersten Mo. jedes Monats um 20:00"),
        ("fr", "daily 09:00", "tous les jours à 09:00"),
        ("uk", "cron */15 * * * *", "щодня на 00, 15, 30 і 45 хвилині кожної години"),
        ("pt_BR", "last sun 18:00", "na última semana de cada mês, Dom., às 18:00"),
    ],
)
def test_schedules_are_described_in_the_reader_language(
    code: str, text: str, described: str
) -> None:
    assert parse_schedule(text).describe(translator(code)) == described


def test_a_schedule_error_is_said_in_the_reader_language() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("cron 61 * * * *")
    assert str(caught.value) == "61 is out of range for the cron minute field (0-59)."
    assert caught.value.translated(translator("de")) == (
        "61 liegt außerhalb des Bereichs für das cron-Feld minute (0-59)."
    )
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("once 2027-02-30 10:00")
    assert caught.value.translated(translator("uk")) == (
        "2027-02-30 — такої дати немає в календарі."
    )


async def test_the_sections_of_a_members_data_are_named_in_their_language(tmp_path):
    from cogs.mydata import SECTION_NAMES
    from tests.harness import ConsoleCommunity, private_to

    c = await ConsoleCommunity.create(tmp_path)
    try:
        # every section the shipped features register has a name a member can read
        assert set(c.bot.privacy.handlers) <= set(SECTION_NAMES)
        out = await c.text("/language set es", '/checkin 4 note:"hola"', "/mydata export")
        assert "check-ins" in private_to(out, "alice") and "checkin days" not in out
        out = await c.text("/mydata delete confirm:yes")
        assert "días con check-in (1)" in private_to(out, "alice")
    finally:
        await c.stop()
