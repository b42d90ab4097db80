"""The crisis detector: development figures as a regression floor, blind sets kept honest,
and robustness (obfuscation, quotes, spoilers, pathological and huge input).

The figures that say how good the detector is come from blind sets (tests/crisis_blind/),
measured once each before they joined the development data; see docs/crisis.md. The floors
here only stop a change from undoing what the development data already shows.
"""

from __future__ import annotations

import csv
import hashlib
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.crisis.detector import Detection, Detector, classify, strip_ignored

TESTS = Path(__file__).parent
BLIND = TESTS / "crisis_blind"
LEVELS = ("urgent", "concern", "none")


def load(path: Path) -> list[dict[str, str]]:
    """Rows of a labelled set: label, category, language, text."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def development_sets() -> list[Path]:
    """Every set the detector may be tuned on: the old set, crisis_dev/, measured blind sets."""
    return [
        TESTS / "crisis_eval.tsv",
        *sorted((TESTS / "crisis_dev").glob("*.tsv")),
        *sorted(BLIND.glob("*.tsv")),
    ]


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


@pytest.fixture(scope="module")
def development(detector: Detector) -> list[tuple[dict[str, str], Detection]]:
    rows = [row for path in development_sets() for row in load(path)]
    return [(row, detector.classify(row["text"])) for row in rows]


def test_the_development_data_is_big_and_in_many_languages() -> None:
    rows = [row for path in development_sets() for row in load(path)]
    labels = Counter(r["label"] for r in rows)
    assert len(rows) >= 2_000
    assert labels["urgent"] >= 500 and labels["concern"] >= 400 and labels["none"] >= 700
    assert {r["language"] for r in rows} >= {"en", "es", "de", "fr", "pt", "it", "uk"}


def test_development_figures_stay_above_their_floor(development, capsys) -> None:
    urgent = [d.level for r, d in development if r["label"] == "urgent"]
    risky = [d.level for r, d in development if r["label"] in ("urgent", "concern")]
    none = [d.level for r, d in development if r["label"] == "none"]
    recall = urgent.count("urgent") / len(urgent)
    either = sum(level != "none" for level in risky) / len(risky)
    alarms = sum(level != "none" for level in none) / len(none)
    with capsys.disabled():
        print(f"\ndevelopment data: urgent recall {recall:.3f}, urgent-or-concern {either:.3f}, "
              f"false alarms {alarms:.3f} ({len(development)} messages)")  # fmt: skip
    # Floors a little under today's development figures (0.94, 0.92, 0.015 on 10,818 messages
    # with round 8's sets, which brought harder concern messages): a change that undoes what
    # the development data shows fails here. How good the detector is on messages nobody tuned
    # on is the blind figure in docs/crisis.md, not this.
    assert recall >= 0.945
    assert either >= 0.94
    # 0.020 since blind round 23 joined the development data with its sets' false alarms
    # (4.8-8.8 %, measured before any tuning); 0.022 since round 27 (1.9-8.0 %) joined, 0.023
    # since round 28 (3.9-7.5 %), 0.024 since round 29 (3.3-10.6 %); round 30 (1.9-6.8 %) joined
    # and was tuned on: 0.022; round 36 (3.2-7.1 %) joined untuned: 0.0225, then was tuned on:
    # 0.0202; round 37 (2.5-8.0 %) joined untuned: 0.0210, then was tuned on: 0.0200;
    # tiredness beside the writer's own reassurance read as venting: 0.0186; round 38
    # (5.6-7.8 %) joined untuned: 0.0198, then was tuned on: 0.0192; round 39 (4.2-7.0 %)
    # joined untuned: 0.0200, then was tuned on: 0.0192; round 40 (4.3-6.3 %) joined untuned:
    # 0.0200; rounds 46 and 47 tuned on: 0.0197; rounds 48 and 49 (2.9-10.0 % on ordinary
    # chat) joined untuned: 0.0205; round 51 tuned on: 0.0196; round 52 (4.5-9.5 % on
    # ordinary chat) joined untuned: 0.0204; round 52 tuned on: 0.0199; round 53 (0.0 % on
    # ordinary chat, 1.9-4.3 % on all none) joined untuned: 0.0201; round 53 tuned on: 0.0199;
    # round 54 (0.0-7.4 % on ordinary chat) joined untuned: 0.0202; round 54 tuned on: 0.0200;
    # round 55 (0.0 % on ordinary chat, 3.2-5.1 % on all none) joined untuned: 0.0204; round
    # 55 tuned on: 0.0200; round 56 (3.1-5.0 % on ordinary chat) joined untuned: 0.0207;
    # round 56 tuned on: 0.0203; round 57 (4.0-9.5 % on ordinary chat) joined untuned: 0.0208;
    # round 57 tuned on: 0.0202; round 58 (0.0-6.2 % on ordinary chat) joined untuned: 0.0206;
    # round 58 tuned on: 0.0202; round 59 (0.0-7.1 % on ordinary chat) joined untuned: 0.0205;
    # round 59 tuned on: 0.0201; round 60 (0.0-4.8 % on ordinary chat) joined untuned: 0.0203;
    # round 60 tuned on: 0.0197; round 61 (0.0-4.3 % on ordinary chat) joined untuned: 0.0199;
    # round 61 tuned on: 0.0196; round 62 (0.0-14.3 % on ordinary chat) joined untuned: 0.0200;
    # round 62 tuned on: 0.0197; round 63 (0.0-4.5 % on ordinary chat) joined untuned: 0.0200;
    # round 63 tuned on: 0.0199; round 64 (0.0-8.7 % on ordinary chat) joined untuned: 0.0203;
    # round 64 tuned on: 0.0201; round 65 (0.0-5.0 % on ordinary chat) joined untuned: 0.0204;
    # round 65 tuned on: 0.0200; round 66 (0.0-10.0 % on ordinary chat) joined untuned: 0.0202;
    # round 66 tuned on: 0.0200; round 67 (0.0 % on ordinary chat) joined untuned: 0.0203;
    # round 67 tuned on: 0.0199; round 68 (0.0-5.6 % on ordinary chat) joined untuned: 0.0201
    assert alarms <= 0.021


def test_the_fast_path_for_plain_chat_never_changes_a_decision(detector: Detector) -> None:
    # Plain ASCII chat is dismissed before folding when none of its words can start a risk
    # phrase and the model's screen sees nothing in its words; the full path must agree on
    # every development message.
    rows = [row for path in development_sets() for row in load(path)]
    rows += [
        {"text": t}
        for t in (
            "i want to dieeee", "suicidaaaal tonight", "took 30mg of my meds at 7pm",
            "i wanna k1ll myself at 3am", "good morning everyone ☀️", "i'm on the bridge 🌉",
            "have the 🔪 in my hand", "kill\u200bmyself", "i took 40 of those",
            "i loved the game, anyone else?", "is anyone else awake, i dont want to be a burden",
        )
    ]  # fmt: skip
    full = Detector()
    full._plain_words = lambda text: None  # type: ignore[method-assign]
    differ = [
        r["text"]
        for r in rows
        if detector.classify(r["text"]).level != full.classify(r["text"]).level
    ]
    assert differ == []
    assert detector._plainly_nothing("good morning everyone, day 30 today!")  # it does skip
    assert detector._plainly_nothing("anyone up for the 7pm meeting? ☀️")
    # two words of a long phrase are not that phrase: "anyone else" is asked all day
    assert detector._plainly_nothing("my sponsor went to the morning shift, anyone else?")


def test_an_overdose_counted_in_digits_is_read_by_the_rules(detector: Detector) -> None:
    # the fast path reads letters only: a phrase whose rarest word is a number ("took 40
    # of") must still be looked at closely, not left to the model's guess
    found = detector.classify("i took 40 of those")
    assert found.level == "urgent" and found.overdose
    assert "overdose.taken-amount" in found.matched


def test_distress_in_words_no_rule_lists_is_read_by_the_model(detector: Detector) -> None:
    # No phrase of the lexicon is in it, so the rules alone see nothing; the model reads
    # every message its screen lets through, and explains itself by rule id only.
    text = "idk why i even bother waking up tbh"
    assert detector.classify_rules(text).level == "none"
    assert detector.classify(text) == Detection("concern", matched=("model.concern",))
    assert detector.classify("IDK why I even bother waking up tbh!!").level == "concern"


def test_the_model_never_raises_a_story_of_the_past_on_its_own(detector: Detector) -> None:
    now = "idk why i even bother waking up tbh"
    assert detector.classify(now).level == "concern"
    assert detector.classify(f"five years ago: {now}").level == "none"


def test_plain_chat_past_the_models_screen_stays_quiet(detector: Detector) -> None:
    # words the screen lets through ("again") in ordinary chat: read whole, and nothing
    for text in ("i cleaned my room again haha", "i loved the gym again haha"):
        assert detector.model is not None
        assert detector.model.screen_passes(detector._plain_words(text) or set())
        assert detector.classify(text).level == "none"


def test_no_past_story_is_rated_urgent(development) -> None:
    stories = [(r, d) for r, d in development if r["category"] in ("past", "past_story")]
    assert len(stories) >= 100
    urgent = [r["text"] for r, d in stories if d.level == "urgent"]
    # 1 of 891 development stories before blind round 9 joined the development data; round 9
    # (I1, I2) brought 6 more stories rated urgent, round 10 (J1, J2) 5 and round 11 (K1, K2)
    # 3 more (measured blind, see tests/crisis_blind/results/round9-*.txt to round11-*.txt):
    # 15 then; rounds 12 and 13 (L and M sets) brought 5 more, and stories dated by what came
    # after ("now I'm 4 years stable", "I'm 34") are read as stories since: 7 of 1,389; the
    # development sets n1 and n2 brought 2 more (9 of 1,475), blind round 14 (O sets) 3 more,
    # of which 2 are read as stories since (10 of 1,579); round 16 (Q sets) 7 more, of which 4
    # are read as stories since (anniversaries told in the present tense): 13 of 1,766; round
    # 17 (R sets) 2 more, both read as stories since (school years, a rescuer told in the
    # present tense): 13 of 1,874; round 18 (S sets) 7 more, of which 6 are read as stories
    # since (messages that open as a story, "one year since", "il y a pile 2 ans"): 14 of 1,981;
    # round 19 (T sets) 6 more, of which 3 are read as stories since ("two winters ago",
    # "remember when i posted"): 17 of 2,103; round 20 (U sets) 6 more, and stories dated by
    # a month, a past age or "my using days" are read as stories since: 19 of 2,234; round 21
    # (V sets, measured on the shipped detector, not tuned on) 7 more: 26 of 2,367; round 22
    # (W sets, after a red-team pass, not tuned on) 3 more: 29 of 2,497; an age said as now
    # in the same sentence ("зараз мені 29", "сейчас мне 33", "now I'm 29") dates a story: 25;
    # round 23 (X sets, not tuned on) 4 more: 29 of 2,629; round 24 (Y sets) 1 more: 30 of 2,762;
    # round 25 (Z sets) 2 more: 32 of 2,895; round 26 (AA sets) 1 more, and 1 read as a story
    # since: 32 of 3,028; round 27 (AB sets, not tuned on) 4 more: 36 of 3,159, of which 2
    # are read as stories since ("at 19 I", "a 15 anni"): 34; round 28 (AC sets) 4 more: 38 of
    # 3,291; round 29 (AD sets) 6 more: 44 of 3,423; round 30 (AE sets, not tuned on) 4 more,
    # then read as stories ("in the 90s", "during my worst year", "I was suicidal"): 43 of 3,558;
    # round 31 (AF sets, not tuned on) 5 more, 4 of them read as stories since: 44 of 3,696;
    # round 32 (AG sets, not tuned on) 4 more, then an apology for a long post is no goodbye
    # and "gave my dog away once" a story: 42 of 3,827; round 33 (AH sets, not tuned on) 6 more,
    # then stories "last winter", "торік", "at my lowest": 43 of 3,958; round 34 (AI sets, not
    # tuned on) 2 more, then ages and birthdays of a story: 42 of 4,091; round 35 (AJ sets, not
    # tuned on) 4 more, 2 read as stories since: 44 of 4,223; round 36 (AK sets, measured on the
    # shipped detector and not tuned on yet) 6 more: 50 of 4,359; after tuning on round 36
    # (ages like "in my 20s", "on my worst night", a count in another sentence): 44; round 37
    # (AL sets, measured on da6a95e, not tuned on yet) 6 more: 50 of 4,492; tuned on round 37
    # (school years and first times as stories, a count of years dates other sentences, a
    # count of days or months only its own): 43; round 38 (AM sets, measured on 60cc04b, not
    # tuned on yet) 7 more: 50 of 4,625; tuned on round 38: 50; round 39 (AN sets, measured on
    # the shipped detector of bbf9287, not tuned on) 5 more: 55 of 4,757; tuned on round 39
    # ("at 17 my ...", "antes de" is no story marker): 51; round 40 (AO sets, measured on the
    # shipped detector of f5c9c8c, not tuned on) 5 more: 56 of 4,887; tuned on round 40: 55;
    # round 41 (AP sets, measured on 16a9fae, not tuned on yet) 6 more: 61 of 5,018; tuned on
    # round 41 (decades and "the week before we came in" as stories): 56; round 42 (AQ sets,
    # measured on c07ea41, not tuned on) 8 more: 64 of 5,151; tuned on round 42 ("I once",
    # "as a rookie", "years out of that headspace", "he came round"): 59; round 43 (AR sets,
    # measured on 0cf6b3b, not tuned on) 2 more: 61 of 5,283; tuned on round 43: 58; round 44
    # (AS sets, measured on the detector of 8a0a5ca, not tuned on) 2 more: 60 of 5,414; tuned
    # on round 44 (months "back in March", "when I first got clean", "during the pandemic"): 59;
    # round 45 (AT sets, measured on 65c332c, not tuned on) 3 more: 62 of 5,546; tuned on round
    # 45 ("quando ero", "l'hiver dernier", "at 16 in"): 59; round 46 (AU sets, measured on the
    # shipped detector of 08010bd, not tuned on) 2 more: 61 of 5,676; round 47 (AV sets, the same
    # detector, not tuned on) 6 more: 67 of 5,808; tuned on rounds 46 and 47: 67; rounds 48
    # and 49 (AW and AX sets, measured on 2c0d79d, not tuned on) 6 more: 73 of 6,093; tuned
    # on rounds 48 and 49 ("my 19 year old self"): 72; round 50 (AY sets, measured on the
    # detector of ee73848, not tuned on) 3 more: 75 of 6,236; tuned on round 50: 74; round
    # 51 (AZ sets, measured on the shipped detector of b1340ee, not tuned on) 1 more: 75 of
    # 6,377; tuned on round 51 ("для новеньких", "одного разу"): 72; round 52 (BA sets,
    # measured on 6990fd9, not tuned on) 7 more: 79 of 6,519; tuned on round 52 ("christmases
    # ago", "em 2020", "pendant des années"): 75; round 53 (BB sets, measured on 6cdaa44, not
    # tuned on) 7 more: 82 of 6,660; tuned on round 53 ("the first year after", "в 9 класі"):
    # 77; round 54 (BC sets, measured on 7af61a1, not tuned on) 3 more: 80 of 6,802; tuned on
    # round 54 (a call for help told inside a story): 76; round 55 (BD sets, measured on
    # 85bb13f, not tuned on) 11 more: 87 of 6,945; tuned on round 55 (a first winter, "when
    # i worked at", someone's last words): 76; round 56 (BE sets, measured on c8979e6, not
    # tuned on) 9 more: 85 of 7,087; tuned on round 56 ("cuando recién", "зараз вже 2 роки
    # чиста", "now im in year"): 79; round 57 (BF sets, measured on afcc4ee, not tuned on) 4
    # more: 83 of 7,229; tuned on round 57 ("vent'anni fa", "years on and"): 80; round 58 (BG
    # sets, measured on ad3ef9b, not tuned on) 3 more: 83 of 7,367; tuned on round 58 ("jetzt ist
    # sie 19", "à 16 ans je", "those last months"): 80; round 59 (BH sets, measured on bcfe435, not
    # tuned on) 4 more: 84 of 7,509; tuned on round 59 ("il primo anno da", "na adolescência",
    # "en première année"): 81; round 60 (BI sets, measured on 5fd737c, not tuned on) 5 more: 86
    # of 7,652; tuned on round 60 ("the first winter after", "the week he got out"): 79; round
    # 61 (BJ sets, measured on 81070b0, not tuned on) 8 more: 87 of 7,798; tuned on round 61
    # ("en la carrera", "al primo anno", "на первом году", "now i do my"): 80; round 62 (BK
    # sets, measured on 4b245f6, not tuned on) 3 more: 83 of 7,937; tuned on round 62 ("back in
    # sixth form", "freshers week"): 81; round 63 (BL sets, measured on 66570f8, not tuned on) 4
    # more: 85 of 8,078; tuned on round 63 ("в 9 классе", "сейчас всё хорошо"): 84; round 64
    # (BM sets, measured on 37509c1, not tuned on) 3 more: 87 of 8,221; tuned on round 64 (a
    # readying told in a past sentence): 85; round 65 (BN sets, measured on cfa9fee, not tuned
    # on) 5 more: 90 of 8,362; tuned on round 65 ("quando ela foi embora", "à 16 ans j'avais"):
    # 86; round 66 (BO sets, measured on ce105b3, not tuned on) 2 more: 88 of 8,506; tuned on
    # round 66 ("підлітком я", "in vet school", "6 years on"): 85; round 67 (BP sets, measured on
    # 98b54db, not tuned on) 4 more: 89 of 8,647; tuned on round 67 ("als teenie", "c'est loin
    # maintenant", "nine months on"): 86; round 68 (BQ sets, measured on 91c6859, not tuned on)
    # 4 more: 90 of 8,787.
    # The floor stops a change from making it worse; the aim is none.
    assert len(urgent) <= 90, urgent


def test_overdoses_are_flagged_so_the_emergency_number_comes_first(development) -> None:
    overdoses = [
        (r, d) for r, d in development if r["label"] == "urgent" and r["category"] == "overdose"
    ]
    flagged = sum(d.overdose for _, d in overdoses if d.level == "urgent")
    urgent = sum(d.level == "urgent" for _, d in overdoses)
    assert flagged / urgent >= 0.9
    assert not classify("i'm going to kill myself tonight").overdose


def test_every_blind_set_in_the_repository_matches_the_hash_frozen_before_it_was_measured() -> None:
    frozen = dict(
        reversed(line.split()) for line in (BLIND / "SHA256SUMS").read_text().splitlines() if line
    )
    present = sorted(p.name for p in BLIND.glob("*.tsv"))
    assert present, "the measured blind sets are kept in tests/crisis_blind"
    for name in present:
        assert name in frozen, f"{name} was never frozen before it was measured"
        digest = hashlib.sha256((BLIND / name).read_bytes()).hexdigest()
        assert digest == frozen[name], f"{name} changed after it was frozen"
        assert (BLIND / name).with_suffix(".md").exists(), (
            f"{name} has no note of how it was written"
        )


def test_harassment_is_not_self_risk() -> None:
    for text in ("kys", "go kill yourself", "nobody likes you, kys", "go jump off a bridge"):
        det = classify(text)
        assert det.level == "none" and det.aimed_at_others, text
    assert classify("i want to kill myself").aimed_at_others is False


def test_matched_names_rules_not_message_text() -> None:
    det = classify("i'm going to kill myself tonight with the pills")
    assert det.level == "urgent"
    assert det.matched and all("." in rule_id for rule_id in det.matched)
    joined = " ".join(det.matched)
    assert "tonight" not in joined and "pills" not in joined and "with" not in joined


def test_a_reply_quoting_someone_else_is_not_the_members_own_words() -> None:
    # A Matrix reply carries the message it answers as "> <@user:server> ..." lines.
    reply = "> <@bob:example.org> i want to kill myself tonight\n\nwhat happened? are you ok?"
    assert classify(reply).level == "none"


@pytest.mark.parametrize(
    "text",
    [
        "> i want to kill myself tonight",
        "`i want to kill myself tonight`",
        "```\ni want to kill myself tonight\n```",
        "> ok here goes\n> i took all my pills",
    ],
)
def test_a_members_own_quote_or_code_block_is_read(text: str) -> None:
    # People put what is hard to say in formatting; only a quoted reply is someone else's.
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "i want to kill\u200bmyself tonight",  # zero-width space between words
        "i want to k\u0456ll myself tonight",  # Cyrillic i
        "i want to k i l l myself",  # spelt out
        "IWANTTOKILLMYSELF",  # run together
        "i want to kill\u00admyself tonight",  # soft hyphen between words
    ],
)
def test_character_tricks_do_not_hide_a_message(text: str) -> None:
    assert classify(text).level == "urgent"


def test_text_in_spoiler_bars_is_read() -> None:
    assert classify("||i took all my pills||").level == "urgent"
    assert classify("ok so ||i want to kill myself tonight||").level == "urgent"


def test_strip_ignored_keeps_own_words() -> None:
    stripped = strip_ignored("> <@bob:example.org> someone else\nmy own words `code` here")
    assert "someone else" not in stripped
    assert "my own words" in stripped and "code" in stripped


def test_obfuscations_are_caught() -> None:
    for text in (
        "i'm su1cidal",
        "i want to k1ll myself",
        "i'm s*icidal",
        "gonna k*ll myself tonight",
        "i'm sui\u200bcidal",
        "I'M SUICIDAAAL",
        "i wanna kms fr",
        "c*tting rn and it won't stop bleeding",
    ):
        assert classify(text).level == "urgent", text


def test_a_bad_lexicon_fails_loudly(tmp_path: Path) -> None:
    for body in (
        "",  # no concepts
        '[concepts.x]\nen = ["ab*"]\n',  # a stem too short to be safe
        '[concepts.x]\nen = ["_ starts with a gap"]\n',
        '[concepts.x]\nen = "not a list"\n',
    ):
        bad = tmp_path / "lexicon.toml"
        bad.write_text(body, encoding="utf-8")
        with pytest.raises(ValueError):
            Detector(bad)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    assert classify(text).level in LEVELS


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz *'`>|\n1034@$!ü\u200b😂"), max_size=300
    )
)
def test_never_raises_on_chat_like_text(text: str) -> None:
    assert classify(text).level in LEVELS


def test_edge_inputs() -> None:
    assert classify("").level == "none"
    assert classify("😂" * 500).level == "none"
    assert classify("\u200b\u200c\u200d\ufeff" * 100).level == "none"
    long_text = ("just an ordinary day at the meeting, " * 300)[:10_000]
    assert classify(long_text).level == "none"
    assert classify(long_text[:9_000] + ". i want to kill myself").level == "urgent"
    assert classify("i want to kill myself. " + long_text).level == "urgent"


PATHOLOGICAL = {
    "letters": "a" * 60_000,
    "accented letters": "é" * 60_000,
    "leetspeak run": "k1" * 30_000,
    "stars": "s*" * 30_000,
    "separators": "-" * 60_000,
    "words and separators": "kill - " * 9_000,
    "one long censored word": "k" + "*" * 59_999,
    "backticks": "`" * 60_000,
    "quotes": "> " * 30_000,
    "reply fallbacks": "> <@a:b>\n" * 6_000,
    "repeated risk pairs": "took pills " * 6_000,
    "spoilers": "|" * 60_000,
    "risk words": "pills bridge rope goodbye die " * 2_000,
    "emoji": "💀🌉" * 20_000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_no_message_holds_the_bot(name: str) -> None:
    # The target (50 ms) and the worst case are measured by `make bench`; this bound is ten
    # times looser so a slow CI machine cannot make it flaky, and still far from the 37 s a
    # backtracking pattern took.
    text = PATHOLOGICAL[name]
    classify("warm up")
    start = time.perf_counter()
    classify(text)
    assert time.perf_counter() - start < 0.5


# --- families of messages (each with paraphrases written for this test, never a set's text) ---


@pytest.mark.parametrize(
    "text",
    [
        "мене ріже всередині, порізалася глибше ніж хотіла, кров не зупиняється",
        "я на даху, вниз не піду",
        "він не відповідає і губи сині, не прокидається",
    ],
)
def test_ukrainian_not_is_not_english_he(text: str) -> None:
    # "не" (not) once read as English "he": Ukrainian messages looked like reports about
    # someone else, and English "he" negated what followed it.
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "60 days sober and it changes nothing, i'm killing myself on friday",
        "3 months clean and I still decided, I'm ending my life this weekend",
        "10 meses limpio y da igual, me voy a matar este finde",
    ],
)
def test_a_sober_count_does_not_make_an_intent_a_story(text: str) -> None:
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "the towel is soaked through and it won't stop bleeding",
        "went way deeper than usual, i can see something white",
        "bleeding through my second bandage, do i need stitches",
        "no para de sangrar, creo que necesito puntos",
        "ça arrête pas de saigner, il y a du sang partout",
        "hört nicht auf zu bluten, viel zu tief diesmal",
        "кров не зупиняється вже пів години",
        "my friend says she's cutting and it won't stop bleeding",
    ],
)
def test_a_wound_bleeding_now_is_urgent(text: str) -> None:
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "my nose won't stop bleeding lol, dry air",
        "cut my finger chopping onions, bleeding a lot 🙄",
    ],
)
def test_an_ordinary_bleed_is_not_urgent(text: str) -> None:
    assert classify(text).level != "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "all 45 of them are counted out on my nightstand",
        "the pills are lined up on the desk, there's enough now",
        "guardé las pastillas de mi abuela, ya son suficientes",
        "j'ai mis de côté mes cachets, il y en a assez maintenant",
        "hab die tabletten gesammelt, es sind jetzt genug",
    ],
)
def test_pills_counted_out_or_enough_now_are_urgent(text: str) -> None:
    assert classify(text).level == "urgent", text


def test_a_weekly_pill_organiser_is_ordinary() -> None:
    assert classify("counted out my pills for the week into the pill organiser").level == "none"


@pytest.mark.parametrize(
    "text",
    [
        "walked out onto the pier, i'm not walking back",
        "sitting on the roof of my building, not climbing back down this time",
        "estoy en el puente y no pienso volver",
        "tô no viaduto, não vou voltar pra casa",
        "je suis sur le pont, je rentrerai pas",
        "sono sul ponte, non torno",
    ],
)
def test_a_dangerous_place_with_no_way_back_is_urgent(text: str) -> None:
    assert classify(text).level == "urgent", text


def test_a_place_with_an_ordinary_return_is_not_urgent() -> None:
    assert classify("on the roof fixing the gutters, back down for lunch").level == "none"


@pytest.mark.parametrize(
    "text", ["not safe. need someone", "not safe rn, someone please talk to me"]
)
def test_asking_someone_for_help_is_not_about_someone_else(text: str) -> None:
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "i stood on that bridge in 2015. that was 9 years ago and i'm so glad i called someone",
        "at 17 i swallowed a whole box of pills. i'm 38 now and i run a support group",
        "la noche que escribí mi carta de despedida llamé a la línea. de eso hace dos años",
        "vor 6 jahren hab ich eine ganze packung geschluckt. heute geht es mir gut",
    ],
)
def test_a_story_dated_later_in_the_message_is_not_urgent(text: str) -> None:
    assert classify(text).level != "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "in the bathroom with a razor, done a few already and i can't stop",
        "estoy con la navaja en el baño y no puedo parar",
        "je suis avec le cutter, j'arrive pas à m'arrêter",
        "tô com a gilete, não consigo parar",
        "сиджу з лезом, не можу зупинитись",
    ],
)
def test_a_blade_in_hand_and_cannot_stop_is_urgent(text: str) -> None:
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "vypyla vsi tabletky, des 40 shtuk",
        "kupyla verevku, vse hotovo, nikoho doma",
        "stoyu na dakhu, proshchavaite",
    ],
)
def test_ukrainian_in_latin_letters_is_read(text: str) -> None:
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "planned it all out, it's happening on saturday",
        "the plan's sorted, just picking the day now",
        "i think i took too many of the white ones, everything feels slow",
    ],
)
def test_a_plan_with_a_day_or_too_many_pills_is_urgent(text: str) -> None:
    assert classify(text).level == "urgent", text


def test_too_many_shifts_is_not_an_overdose() -> None:
    assert classify("took too many shifts this week, so tired").level == "none"


# Families of messages the lexicon now covers, in paraphrases written for these tests (not taken
# from any set): rules only, so the learned second opinion cannot hide a gap in the lexicon.
@pytest.mark.parametrize(
    "text",
    [
        "i keep telling myself one more day but tonight its no more days",
        "i have made my peace with it. weirdly calm tonight",
        "this time there isnt a next time, i'm sure of it",
        "giving my switch to my cousin, i won't need it where i'm going",
        "мене вже не буде після суботи, дякую вам усім",
        "ya no voy a estar aca el lunes, gracias por todo chicos",
        "stasera la faccio finita, scusate",
    ],
)
def test_intent_that_never_names_the_act_is_urgent(detector: Detector, text: str) -> None:
    assert detector.classify_rules(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "found a good home for my rabbit and paid off the debts, that's everything",
        "rehomed my cat this morning and cancelled my lease. you guys were the best part of my life",
        "написав заповіт і віддав кота сусідці. бережіть себе",
        "deixei o gato com a minha irmã, está tudo tratado. cuidem-se",
        "ho scritto il testamento e lasciato le chiavi a mio fratello. non preoccupatevi per me",
    ],
)
def test_goodbyes_said_as_arrangements_are_urgent(detector: Detector, text: str) -> None:
    assert detector.classify_rules(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "honestly i've lost all hope that this gets any better",
        "my family would be fine if i were gone, i'm only ever in the way",
        "i'm so done with life, everything just gets worse",
        "every morning i'm disappointed that i woke up again",
        "не бачу майбутнього, все марно",
        "я тягар для всіх, без мене буде краще",
        "набридло жити, хочу просто заснути і не прокинутись",
        "my brother stays in bed all day since the breakup, how do i help him",
        "переживаю за неї, вона перестала їсти",
        "perdi la esperanza, nada va a cambiar",
    ],
)
def test_hopelessness_burden_passive_wishes_and_worry_are_concern(
    detector: Detector, text: str
) -> None:
    assert detector.classify_rules(text).level == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "no more days off until the release, crunch time",
        "found a good home for my old bike, the kid loved it",
        "paid off the debts last year and it feels amazing, 2 years sober",
        "tonight is my last night shift ever, goodbye night shift!",
        "don't worry about me, just tired after the gym lol",
    ],
)
def test_ordinary_chat_near_those_families_stays_none(detector: Detector, text: str) -> None:
    assert detector.classify_rules(text).level == "none"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("я всё решил. сегодня ночью. не отговаривайте меня", "urgent"),
        ("наглоталась таблеток, целую пачку, глаза закрываются", "urgent"),
        ("стою на мосту и назад не пойду", "urgent"),
        ("петля готова, дома никого", "urgent"),
        ("отдала собаку соседке, написала письма. простите меня", "urgent"),
        ("сосед передознулся, не дышит, губы синие", "urgent"),
        ("иногда хочется уснуть и не проснуться", "concern"),
        ("я только обуза для семьи", "concern"),
        ("опять сорвался, ненавижу себя", "concern"),
        ("крышу сносит от этого сериала", "none"),
        ("порезался когда резал лук, ерунда", "none"),
        ("я на балконе курю, тут тихо", "none"),
        ("прощай, водка! год трезвый", "none"),
        ("смертельно устал после смены", "none"),
        ("помогите советом, как выбрать ноутбук", "none"),
    ],
)
def test_russian_is_read_like_the_other_languages(text: str, level: str) -> None:
    """Russian is widely written in Ukrainian communities: danger is heard, chat stays chat."""
    assert classify(text).level == level, text


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("logging off for the last time, thank you for everything", "urgent"),
        ("logging off forever. thanks for everything", "urgent"),
        ("logging off for tonight, see you all tomorrow", "none"),
        ("this is my last post before my holiday, see you in two weeks!", "none"),
        ("poured it down the sink. goodbye forever, whisky", "none"),
    ],
)
def test_a_sign_off_made_final_is_a_goodbye(text: str, level: str) -> None:
    assert classify(text).level == level, text


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("a girl in another server just said she took 40 of something and went quiet", "urgent"),
        ("my roommate said sorry for everything and now his door is locked", "urgent"),
        ("my partner is unresponsive after using. I think he used too much.", "urgent"),
        ("I think I used too much, everything is spinning", "urgent"),
        ("someone just posted a photo of a noose and said see you never", "urgent"),
        ("my sister took 12 selfies at the party and then went quiet lol", "none"),
        ("she said goodbye to her therapist and went quiet, she's doing great", "none"),
        ("my dad used too much salt again", "none"),
    ],
)
def test_a_bystander_report_of_danger_now_is_urgent(text: str, level: str) -> None:
    assert classify(text).level == level, text


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("I read the crisis docs today", "none"),
        ("crisis", "none"),
        ("help crisis", "none"),
        ("the economic crisis is making rent hard", "none"),
        ("im in crisis and i dont feel safe", "urgent"),
        ("bin in ner krise, kann heut nacht nicht allein sein", "urgent"),
        ("estou em crise, não aguento mais", "urgent"),
    ],
)
def test_the_word_crisis_alone_is_not_an_emergency(text: str, level: str) -> None:
    """Reading the docs or the news is not danger; being in crisis is."""
    assert classify(text).level == level, text


@pytest.mark.parametrize(
    "text",
    [
        # a phrase with a word of time or emphasis put inside it, as people write it
        "hab echt angst was ich heute nacht mit mir mache",
        # symptoms after using again "the same amount as before": now, not a story
        "hab nach 4 Monaten wieder gedrückt, gleiche Menge wie früher, krieg kaum Luft",
        "вколовся після трьох місяців перерви, стільки ж як раніше. важко дихати",
        # a goodbye with a sign-off made final
        "bye everyone. this is my final log off, not just from discord",
        # a means tested for what it is for
        "got the belt and found a spot in the wardrobe that takes my weight",
    ],
)
def test_urgent_messages_written_around_the_usual_phrases_are_heard(text: str) -> None:
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "final log off for tonight, see you all tomorrow",
        "my last log off before the exam, wish me luck",
        "en la película él salta del puente y lloré como nunca",
    ],
)
def test_ordinary_sign_offs_and_stories_stay_quiet(text: str) -> None:
    assert classify(text).level != "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "this is the last day of my life. goodbye everyone",
        "final day at home, goodbye everyone, thank you for everything",
        "bye everyone. this is my final log off, not just from discord",
    ],
)
def test_a_goodbye_that_reads_like_a_milestone_is_still_heard(text: str) -> None:
    """Milestone goodbyes ('last day of my outpatient program, goodbye group') are quiet; the
    words they share with a last goodbye must not quiet that one."""
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "last day of my outpatient program today!! goodbye group, i'll miss u",
        "final day at the job i hated. goodbye to that place forever",
        "last payment on the payday loan done. goodbye forever 👋",
    ],
)
def test_milestone_goodbyes_are_not_alarms(text: str) -> None:
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    [
        "done pretending im fine. tonight im ending it",
        "charcoal bbq is lit in the bedroom and the windows are taped",
        "i have a bag of my meds saved up, 2 months worth. i stopped taking them in june",
        "je suis sur le pont au-dessus de l'autoroute. c'est fini pour moi",
    ],
)
def test_a_crisis_said_beside_a_denial_a_treat_or_an_old_story_is_urgent(text: str) -> None:
    # (new wordings, not copied from a set: pretending, a barbecue that is a means, a supply
    # kept now while the story is of when it started, a French 'fini' that is about now)
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "people were worried after my last post. to be clear, i'm not suicidal, just tired",
        "slow lunch, i hate porridge but im finishing it because my dietitian said so",
        "my uncle overdosed back in the 80s, we still don't talk about it",
        "bbq on the balcony tonight with tea and a stream on, bliss",
    ],
)
def test_everyday_words_around_crisis_vocabulary_stay_quiet(text: str) -> None:
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    [
        "my glock is loaded and on the bed next to me",
        "been saving up my olanzapine for a month. got plenty now",
        "my teammate said goodbye in vc and locked himself in his room, now he wont answer",
        "this is the last time you'll hear from me. look after each other",
        "взял ружьё из сейфа, зарядил. просто хотел чтоб кто-то знал",
    ],
)
def test_a_means_a_supply_or_a_goodbye_said_in_other_words_is_urgent(text: str) -> None:
    # (new wordings of round 31's families: a handgun by name, a medicine by name, a gaming
    # partner as the subject, "this is the last" that is no idiom, a Russian message without a
    # pronoun whose "someone" is who should know, not who is in danger)
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "how do take-homes work when you go on holiday?",
        "took the boat out with my new rope, peaceful morning on the lake",
        "overdosed on anime this weekend, zero regrets",
        "coffee, dog walk, laundry. that's the day",
    ],
)
def test_a_drug_name_a_boat_trip_and_a_plain_day_stay_quiet(text: str) -> None:
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    [
        "going to end it after the hearing on friday. if she keeps the house i have nothing",
        "can't stay safe today",
        "just took everything in the medicine cabinet. don't want to be found",
        "je crois que j'ai pris trop de G, j'arrive plus à garder les yeux ouverts",
        "estoy en la azotea. hace mucho frío y no siento nada",
    ],
)
def test_an_intent_beside_an_if_a_safety_idiom_or_weather_is_still_urgent(text: str) -> None:
    # (new wordings of round 32's families: an "if" in another sentence, "stay safe" inside
    # "can't stay safe", a cabinet of medicines, GHB called "G", "hace mucho" that is weather)
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "my sister texted me telling me to kill myself lol, blocked",
        "new song 'goodbye forever' just dropped and it slaps",
        "quick q, can i take paracetamol with my meds before the game? asking before i do it",
    ],
)
def test_words_aimed_at_the_writer_songs_and_a_dosing_question_stay_quiet(text: str) -> None:
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    [
        "left the cat with my mum and wrote down who gets what. thanks for the years everyone",
        "sitting on the ledge. i'm not climbing back in this time",
        "currently cutting in the work toilets lol whatever",
        "сиджу в гаражі з увімкненим двигуном",
        "das seil liegt unter meinem bett. wenn alle schlafen, dann mach ichs",
    ],
)
def test_goodbyes_a_ledge_cutting_now_and_an_engine_running_are_urgent(text: str) -> None:
    # (new wordings of round 33's families: a will said as "who gets what", "climbing back in"
    # that is no story, self-harm now told with "lol", the engine running (uk), "dann mach ichs")
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "what dose of sertraline do you all take? mine is 50mg",
        "goodbye forever tinder, 6 months single and thriving",
        "keine sorge, ich ritz mich nicht mehr, das ist nur vom hund",
    ],
)
def test_a_dose_question_an_app_goodbye_and_a_pet_scratch_stay_quiet(text: str) -> None:
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    [
        "20 jours sans boire. mais je pense sérieusement à me tuer",
        "it's all planned for sunday after the match. by then it's done",
        "used alone again, can't get a full breath",
        "mon frère a pris des trucs, il ronfle super fort et je peux pas le réveiller",
        "la corda ce l'ho già in camera",
    ],
)
def test_an_intent_after_a_sober_count_a_game_or_an_overdose_seen_is_urgent(text: str) -> None:
    # (new wordings of round 34's families: French "je pense" is not the Spanish past "pensé",
    # a match that only says when is no film, breath after using alone, a brother who can't
    # be woken, a rope already in the room)
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "coach made us run suicides again, i'm deceased",
        "adieu la bouteille, 6 mois aujourd'hui",
        "i'm not going to overdose, i carry narcan and test everything",
    ],
)
def test_drills_a_bottle_said_goodbye_and_harm_reduction_stay_quiet(text: str) -> None:
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    [
        "walking out to the end of the jetty. not coming back in",
        "gn forever",
        "my friend took pills HELP",
        "j'ai acheté une corde, elle est dans mon sac",
        "мені страшно що я щось собі зроблю",
    ],
)
def test_short_goodbyes_a_friend_in_danger_and_a_rope_in_a_bag_are_urgent(text: str) -> None:
    # (new wordings of round 35's families)
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "one month without cutting today 💪",
        "totally shot myself in the foot forgetting to save",
        "finished my apprenticeship!! its over, goodbye college 🎉",
    ],
)
def test_a_self_harm_free_month_an_idiom_and_a_graduation_stay_quiet(text: str) -> None:
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    [
        "used after 4 months clean and my chest feels tight, can barely breathe",
        "после укола трудно дышать",
        "14 days sober today. been cutting for the last half hour and it won't stop",
        "my mates and i watched the match at the pub. i've been cutting for the last hour and it's bad",
    ],
)
def test_a_count_broken_a_shot_and_cutting_for_the_last_half_hour_are_urgent(text: str) -> None:
    # (new wordings of round 36's families: "after N months clean" is no sober count, a
    # symptom after a dose in Russian, a sober count in another sentence dates no cutting
    # that is going on now)
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "envie de me scarifier là, j'ai rien fait. quelqu'un peut me parler svp",
        "does anyone know if you can die from taking too many of my sleeping tablets",
        "honestly i'm dead weight to my whole family",
    ],
)
def test_an_urge_a_question_and_feeling_a_burden_are_concerns(text: str) -> None:
    assert classify(text).level == "concern", text


@pytest.mark.parametrize(
    "text",
    [
        "my cousin said i should go kill myself over a group chat meme. blocked her",
        "whoever parked across my drive can go jump off a cliff",
        "tonight's the night!! the premiere, see you all there",
        "people keep asking if i'm going to hurt myself after the funeral. i'm not, i'm just sad",
        "раньше резался, сейчас уже год чистый",
        "years ago i asked a stranger online how many pills it would take. now i volunteer on a helpline",
        "overdosed in my late 20s. my kid starts school next week and i'll be there",
    ],
)
def test_insults_a_premiere_a_question_asked_and_stories_of_the_past_stay_quiet(text: str) -> None:
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    [
        "ending it tmrw night",
        "tengo claro que mañana temprano lo hago. no quiero que nadie me convenza",
        "je mets mes cachets de côté depuis des semaines",
        "sto sui binari dietro la stazione",
    ],
)
def test_tomorrow_in_slang_a_decision_pills_put_aside_and_the_tracks_are_urgent(text: str) -> None:
    # (new wordings of round 37's families)
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "he told me to go hang myself in voice chat. muted and reported",
        "id rather jump off a cliff than sit through another one of his lectures",
        "i've been through the hopeless phase, it lifted",
    ],
)
def test_an_insult_passed_on_a_cliff_idiom_and_a_phase_that_lifted_stay_quiet(text: str) -> None:
    assert classify(text).level == "none", text


def test_wishing_never_to_have_been_born_is_a_concern() -> None:
    assert classify("a veces me gustaría no haber nacido").level == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "not suicidal, just tired of everything lately",
        "no quiero morirme, solo estoy cansada de todo",
        "я не хочу умирать, просто устала от всего на работе",
        "to be clear i'm safe, not going to hurt myself, just struggling with my sister moving out",
    ],
)
def test_tiredness_or_a_struggle_beside_the_writers_own_reassurance_stays_quiet(text: str) -> None:
    assert classify(text).level == "none", text


def test_no_future_beside_a_reassurance_is_still_a_concern() -> None:
    text = "I'm not going to do anything, I just don't see any future worth being in"
    assert classify(text).level == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "exagerei no G e to com falta de ar",
        "ковтнула пів пачки снодійного",
        "j'ai mis le charbon de bois dans le coffre. demain tout le monde est au boulot",
        "on the ledge outside my flat and i don't want to go back in",
    ],
)
def test_too_much_g_half_a_pack_charcoal_in_the_boot_and_a_ledge_are_urgent(text: str) -> None:
    # (new wordings of round 38's families: GHB as "G", Ukrainian swallowing, a work word in
    # another sentence is no joke about the means, "go back in" is no story)
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "last day of sixth form!! goodbye forever 🎓",
        "adieu les couches!! 🥳",
        "3 months crypto-free, goodbye forever binance",
    ],
)
def test_goodbyes_said_to_what_is_over_with_a_celebration_stay_quiet(text: str) -> None:
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    ["this is my goodbye 🖤", "tonight's the night. been putting it off since christmas"],
)
def test_a_bare_goodbye_and_a_night_put_off_since_christmas_are_urgent(text: str) -> None:
    # (new wordings of round 39's families: "since christmas" says when, it is no outing)
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "at 16 my cousin overdosed at a party. he's a paramedic now",
        "this guy should just kill himself, worst support main ever",
    ],
)
def test_a_cousins_story_at_sixteen_and_an_insult_about_a_player_stay_quiet(text: str) -> None:
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    [
        "kms the bus driver just closed the doors in my face",
        "kms if this render fails again 😤",
        "we're meeting at the bridge spot after practice?",
        "nah i'm not on the roof lol, ROOF as in the bar called The Roof",
        "new pedals came! the old ones were on the floor for months. i'm building a board for them this weekend",
        "chemist is shut on monday so i'm collecting three months of my meds today, someone remind me",
        "last shift before retirement. addio per sempre timbratrice!!!",
        "вперше за рік без милиць! прощавайте, милиці 😁",
        "watching a film about saying goodbye to the dead with my mum, very gentle",
        "i have zero desire to hurt myself, i just miss my kids",
    ],
)
def test_slang_about_a_thing_meetings_pedals_errands_and_goodbyes_to_things_stay_quiet(
    text: str,
) -> None:
    # (new wordings of round 40's false alarms: "kms" followed by what annoys, a place with
    # "on the" three sentences away or denied, a prescription errand, a goodbye said to a
    # thing after another sentence's benign "retirement", a film about goodbyes)
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    [
        "я порезала себя бритвой в ванной, всё в крови, не могу остановить",
        "ключ от сейфа я взял, ружьё тут. сижу с ним в машине",
        "мне очень плохо, я в кризисе, посидите со мной",
        "я всё решил. это не крик о помощи, просто хочу чтобы кто-то знал",
        "I swallowed the rest of my nan's morphine and my own zopiclone about 30 mins ago, I can't keep my eyes open",
        "my last day at the school is friday and that's my last day full stop. I've thought it all through",
        "a boy in my form just told me he's got pills and he's doing it after school. he isn't in the building",
        "rehomed my cat with my brother this morning. she'll be happier there. goodbye all",
    ],
)
def test_round_40_families_in_new_words_are_urgent(text: str) -> None:
    # (Russian self-harm with blood everywhere, a gun out of the safe, "я в кризисе", a decision
    # that is "not a cry for help"; an overdose "30 mins ago"; a last day "full stop"; a pupil's
    # pills and plan; pets rehomed with a goodbye)
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "зачем я вообще родилась",
        "сыну лучше без такой матери",
        "снова хочется себя ударить, пока держусь",
        "three years clean and it's the same grey nothing. this is it forever i guess",
        "nothing is ever going to change for me, 6 years of trying",
        "really wanting to cut tonight, holding on",
        "burnt my arm with a lighter last night, first time in a year",
        "@sol you ok? you've been quiet since the funeral",
        "is it true that stuff can kill you if you take a lot? how much is a lot",
    ],
)
def test_round_40_concern_families_in_new_words_are_a_concern(text: str) -> None:
    assert classify(text).level == "concern", text


@pytest.mark.parametrize(
    "text",
    [
        "got the 'what if i jump' thought on the bridge this morning. i don't want to, it's the ocd talking",
        "pensamiento intrusivo de tirarme a las vías otra vez. no quiero, es el toc",
        "опять навязчивая мысль выпрыгнуть из окна. я этого не хочу, это окр",
        "our team lead decided fridays are now 'camera on' days. great",
        "my sister got her 1 year chip tonight, we cried in the car park",
        "heart racing again. not an attack, the last three tests were all fine",
        "day 3 off kratom, restless legs won't stop",
        "the episode where she stands on the roof wrecked me",
    ],
)
def test_disowned_intrusive_thoughts_others_decisions_and_everyday_symptoms_stay_quiet(
    text: str,
) -> None:
    # (new wordings of round 41's false alarms: an intrusive thought named and not wanted, in
    # three languages; someone else's decision; a car park; symptoms with "they" in another
    # sentence; restless legs in withdrawal; an episode of a drama)
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    [
        "the intrusive thoughts used to scare me. not this one. i'm going to do it tonight",
        "it's not the ocd this time. i keep looking at the pills and i'm scared of myself",
        "been banging my head against the wall for ten minutes, can't stop",
        "i'm scared i'm going to do something tonight, my parents are asleep",
        "day 5 off oxy, everything hurts. i've decided, all of what's left tonight so i don't wake up. anyway how's everyone lol",
        "mi hermano se encerró en el baño y antes me mandó un audio despidiéndose, no abre",
    ],
)
def test_round_41_urgent_families_in_new_words_are_urgent(text: str) -> None:
    # (an intrusive thought accepted or said not to be OCD stays urgent; head banging that
    # cannot stop; "scared I'm going to do something tonight"; a decision with a "lol" three
    # sentences later; "antes me mandó" is no story)
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "there's no way out of this debt, every door is a dead end",
        "broke my sobriety at the work party. what kind of person am i",
        "the urge hasn't gone away since friday",
        "which meds are the most dangerous if you take a lot of them",
        "how do i help a friend who self harms",
    ],
)
def test_round_41_concern_families_in_new_words_are_a_concern(text: str) -> None:
    assert classify(text).level == "concern", text


@pytest.mark.parametrize(
    "text",
    [
        "табельный пистолет лежит на столе. смотрю на него уже час",
        "купив мотузку. сховав у гаражі. в суботу, коли всі поїдуть",
        "me las he tomado todas, las del cajón",
        "wrote a letter for my brother for after. it's on a timer. bye everyone",
        "hab mein board und meine ganze ausrüstung verschenkt. ich brauch die nicht mehr",
        "at the harbor wall again. nobody here knows my name",
        "roof. 12th floor. one leg over",
        "thinking about ending it all week and now it feels like an actual decision",
    ],
)
def test_round_42_urgent_families_in_new_words_are_urgent(text: str) -> None:
    # (a gun lying on the table in Russian, a rope hidden in Ukrainian with no pronoun, "me las
    # he tomado todas", something recorded "for after", gear given away "I won't need it", a
    # harbour wall, a terse scene in three fragments, a thought that became a decision)
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "i'm gonna kms if this upload fails again, 3 hours of work",
        "as a rookie nurse i kept a stash of pills for all the wrong reasons. 9 years out of that headspace",
        "i once took 15 paracetamol after a row with my ex. that was the wake-up call",
        "last night of my residency. goodbye studio hello real job",
        "sorry, i know my last post was a lot, i'm not in danger",
        "just ate a whole pizza after my shift, no regrets",
    ],
)
def test_round_42_false_alarm_families_in_new_words_stay_quiet(text: str) -> None:
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    [
        "не хочу существовать больше",
        "nada mais vale a pena",
        "used again after work. 3 months clean gone. i'm a waste of space",
        "is hanging painful or quick",
        "alguém sabe do Rafa? ele sumiu do grupo faz uma semana",
    ],
)
def test_round_42_concern_families_in_new_words_are_a_concern(text: str) -> None:
    assert classify(text).level == "concern", text


@pytest.mark.parametrize(
    "text",
    [
        "swallowed the whole bottle",
        "jamie overdosed please help",
        "my cousin just called me crying from the bridge, how do i keep him there",
        "мені небезпечно зараз",
        "j'ai fumé tout le caillou, j'ai des spasmes et mon coeur va lâcher",
        "sealed the door and lit the charcoal bbq in the bathroom",
        "mon ex a pris plein de cachets et ne se réveille pas, il respire bizarrement",
        "у мене вдома батькова рушниця, набої знайшла",
        "bought rope and tape today. you all know what for",
        "been out here on the roof an hour thinking about jumping",
    ],
)
def test_round_43_urgent_families_in_new_words_are_urgent(text: str) -> None:
    # (a bottle swallowed, a name and a call for help, a friend crying from a bridge, Ukrainian
    # "unsafe now", crack smoked with a failing heart, a charcoal barbecue and a sealed door,
    # an ex who will not wake, cartridges found for a gun, means bought "you know what for",
    # out on a roof for an hour)
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "this cold is suicide for my reeds, can't keep the sax in tune",
        "les mecs de l'autre équipe peuvent kms idc",
        "those refs can kms idc",
        "fin de la probation ! adieu le contrôle judiciaire 👋",
        "the creepypasta where the narrator's last message is from the ghost. chills",
        "bought a new rope for top roping this weekend, physio said ok",
        "my dog's rope toy lasted two days lol",
        "oggi in ferramenta ho tagliato corde per due ore",
    ],
)
def test_round_43_false_alarm_families_in_new_words_stay_quiet(text: str) -> None:
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    [
        "sometimes i wish they had shot me that night",
        "what's the quickest way to go",
        "qualcuno ha sentito marco? non scrive da una settimana",
        "sono un fallito, ho bevuto dopo il concerto",
        "you'd all have more fun without me around",
    ],
)
def test_round_43_concern_families_in_new_words_are_a_concern(text: str) -> None:
    assert classify(text).level == "concern", text


@pytest.mark.parametrize(
    "text",
    [
        "seduta sul davanzale al quinto piano. volevo solo dirlo a qualcuno",
        "this is my last goodbye to everyone here. sorry i couldn't stay",
        "at the bridge where we used to fish last summer. not fishing today",
        "left a letter for my dad under his pillow. he'll find it in the morning. love you guys",
        "mila just went live called 'last stream ever' and there's a rope behind her. is anyone near her??",
        "closed the garage from the inside and started dad's car. sitting in it",
        "завела батину машину в гаражі і зачинила ворота зсередини. нікому не дзвоніть",
    ],
)
def test_round_44_urgent_families_in_new_words_are_urgent(text: str) -> None:
    # (a ledge in Italian told to "someone", a goodbye to everyone, the past of a place's own
    # story, a letter left to be found, a live stream with a rope, a car in a closed garage)
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "last shift at the warehouse. goodbye forklift, hello university",
        "60 giorni! addio aperitivo del sabato, ciao analcolico",
        "the news said a guy from the next town overdosed last weekend. so sad",
        "need a utility knife for cutting straps at work, any recs?",
        "the new boss is cutting 40 jobs, grim",
        "sono andata al poligono con mia zia, prima volta con una pistola",
        "final message of the year here: see u all in january 🎆",
    ],
)
def test_round_44_false_alarm_families_in_new_words_stay_quiet(text: str) -> None:
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    [
        "nach der line kribbeln meine lippen und mein herz stolpert",
        "had about 40 of my sleeping tablets with the vodka. lips feel weird and tingly",
        "left the cat with my sister and told her i'm going away for a bit. i'm not going away. love you all",
        "doing it right now, it's all going into my arm",
        "i need help. please. now",
        "lo hice otra vez, hay sangre en el lavabo y me siento mareado",
        "tem sangue no chão todo, fui longe demais",
        "hoje eu vou embora dessa vida",
    ],
)
def test_round_45_urgent_families_in_new_words_are_urgent(text: str) -> None:
    # (tingling lips and a stumbling heart after a line, a number of tablets "had" with drink,
    # a pet left with "I'm not going away", self-harm "going into my arm", a bare call for
    # help, blood and dizziness in Spanish and Portuguese, leaving "this life")
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "все нормально, никакого суицида, просто устал",
        "goodbye overdraft!! finally in the black after 4 years",
        "l'été dernier je voulais plus vivre. cette année je fais du yoga",
    ],
)
def test_round_45_false_alarm_families_in_new_words_stay_quiet(text: str) -> None:
    assert classify(text).level == "none", text


@pytest.mark.parametrize(
    "text",
    [
        "just took all my hydroxyzine",
        "mi hermana dice que se va a tirar del balcón, alguien??",
        "друг написал что сейчас прыгнет с крыши",
        "honestly can't promise i'll stay safe tonight",
        "we watched the derby at the pub. i'm going to end it this weekend, it's all planned",
        "necked the lot an hour ago",
    ],
)
def test_rounds_46_47_urgent_families_in_new_words_are_urgent(text: str) -> None:
    # (a medicine the lexicon did not name, a relative about to jump told in Spanish and
    # Russian, no promise of safety, a plan in the sentence after talk of a match, "the lot")
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "some account keeps telling newbies to kms, mods pls ban",
        "if my sister borrows my charger one more time im gonna kms",
        "sliced my finger on a tin can, all good now",
    ],
)
def test_rounds_46_47_false_alarm_families_in_new_words_stay_quiet(text: str) -> None:
    # (an instruction someone gave others, a hyperbole's punchline, an everyday cut)
    assert classify(text).level == "none", text


def test_a_question_of_how_many_it_would_take_is_a_concern_not_an_overdose() -> None:
    found = classify("how many tramadol would it take to not wake up")
    assert found.level == "concern" and not found.overdose


def test_a_framed_act_reaches_no_further_than_its_own_clause() -> None:
    assert (
        classify("i keep telling people to leave me alone, im going to kill myself tonight").level
        == "urgent"
    )


@pytest.mark.parametrize(
    "text",
    [
        "way too much k again, cant breathe properly",
        "troppa keta stasera, non sento le gambe",
        "ich werd es am sonntag beenden",
    ],
)
def test_rounds_48_49_urgent_families_in_new_words_are_urgent(text: str) -> None:
    # (too much ketamine with breathing or legs gone, German "werd es … beenden" with a day)
    assert classify(text).level == "urgent", text


@pytest.mark.parametrize(
    "text",
    [
        "my 19 year old self kept a rope in the garage. now i coach under-12s",
        "my teenage self had a rope in the wardrobe. now i have two kids and a mortgage",
        "switching phones tmrw so last message from this number, new number in dms",
    ],
)
def test_rounds_48_49_false_alarm_families_in_new_words_stay_quiet(text: str) -> None:
    # (a past self, a number changed)
    assert classify(text).level == "none", text


def test_round_50_a_blade_kept_not_for_its_use_is_urgent() -> None:
    # a means carried with the writer's own word that it is not for what it is for
    found = classify("there's a blade from the kitchen in my coat pocket and it's not for cooking")
    assert found.level == "urgent"


def test_round_50_a_cord_round_the_neck_is_urgent_by_the_rules() -> None:
    found = classify("got the cable round my neck already, sitting on the stairs")
    assert found.level == "urgent" and not found.matched[0].startswith("model.")


def test_round_50_once_in_italian_tells_a_story() -> None:
    assert classify("una volta ho pensato di farla finita, oggi festeggio due anni").level == "none"


# Round 51 (AZ1-AZ3) joined the development data; these are new words for the families its
# misses belong to. Each failed before the change that made it pass.
@pytest.mark.parametrize(
    "text",
    [
        "knot is done. tested it on the beam in the shed",
        "took a blade from the workshop to my room. no one will find me before morning",
        "в шкафу ампулы с работы. я знаю сколько нужно",
        "standing at the rail on the aft deck, the water's so dark. want it over",
        "sur le toit de l'immeuble. j'ai pas envie de redescendre",
        "This is the last you'll hear from me. Left the keys and a note for my sister.",
        "mi hermano dijo que se iba a tirar del puente y no lo encontramos",
        "meine schwester hat gesagt sie springt vom dach und ist weggerannt",
    ],
)
def test_round_51_means_ready_places_goodbyes_and_reports_are_urgent(text: str) -> None:
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "6 meses sin beber, me despido del vino para siempre 🍷",
        "два месяца без сигарет, прощай никотин навсегда",
        "on the bridge till midnight tonight if anyone wants to chat, quiet watch",
    ],
)
def test_round_51_goodbyes_to_a_habit_and_a_ships_watch_are_not_alarms(text: str) -> None:
    assert classify(text).level == "none"


def test_round_51_loud_self_harm_urges_are_a_concern() -> None:
    found = classify("six weeks clean from cutting but the urges have been really loud tonight")
    assert found.level == "concern"


# Round 52 (BA1-BA3) joined the development data; new words for its misses' families. Each
# failed before the change that made it pass.
@pytest.mark.parametrize(
    "text",
    [
        "i'm in crisis, the therapist is on leave until monday",
        "sitz im bad und schneid mich",
        "нашла мамино ружьё. сижу с ним на кухне, никого нет дома",
        "whoever wants my gear can have it, the amp to Sam. goodbye x",
        # a laugh four sentences before the edge belongs to another part of the day
        "ok today was good at first lol, bowling with the lads. then they went off without me. "
        "i walked up the car park. sitting on the wall at the edge now. long way down. anyway "
        "whats everyone watching",
    ],
)
def test_round_52_crisis_said_in_passing_and_long_posts_are_urgent(text: str) -> None:
    assert classify(text).level == "urgent"


def test_round_52_not_safe_with_a_call_to_anyone_is_urgent_by_the_rules() -> None:
    found = classify("not safe. somebody talk")
    assert found.level == "urgent" and not found.matched[0].startswith("model.")


@pytest.mark.parametrize(
    "text",
    [
        "last exam done. goodbye forever physics",
        "new track is called 'goodbye forever', drops monday",
        "on top of that the van broke down, so we sat on the hard shoulder for two hours",
    ],
)
def test_round_52_goodbyes_to_a_subject_song_titles_and_idioms_are_not_alarms(text: str) -> None:
    assert classify(text).level == "none"


# Round 53 (BB1-BB3) joined the development data; new words for its misses' families. Each
# failed before the change that made it pass (the model alone, before, for the first two).
@pytest.mark.parametrize(
    "text",
    [
        "court gave her the house and the kids. i won't be alive by the hearing in may",
        "i'm not safe to be on my own after the shift tonight",
    ],
)
def test_round_53_not_alive_by_a_date_and_not_safe_alone_are_urgent_by_the_rules(
    text: str,
) -> None:
    found = classify(text)
    assert found.level == "urgent" and not found.matched[0].startswith("model.")


@pytest.mark.parametrize(
    "text",
    [
        "she'd be free without me and the debts",
        "3 weeks clean but my brain keeps yelling at me to do it",
        "my eldest said she hates herself after school today, how do i talk to her about that",
    ],
)
def test_round_53_burden_urges_and_worry_about_a_child_are_a_concern(text: str) -> None:
    assert classify(text).level == "concern"


def test_round_53_heat_on_a_roof_at_work_is_no_alarm() -> None:
    assert classify("heat on the roof today is murder, 36 degrees").level == "none"


# Round 54 (BC1-BC3) joined the development data; new words for its misses' families. Each
# failed before the change that made it pass.
@pytest.mark.parametrize(
    "text",
    [
        "reopened my old scars tonight, it's deep and won't stop",
        "bought blades and a bottle of whisky, checked into a hotel, phone off after this",
        "if anyone reads this tomorrow, i loved you all",
        "вколов більше ніж зазвичай, важко дихати",
    ],
)
def test_round_54_old_scars_opened_a_hotel_room_and_last_words_are_urgent(text: str) -> None:
    assert classify(text).level == "urgent"


def test_round_54_a_drug_ten_words_after_the_drink_it_was_taken_with_is_an_overdose() -> None:
    found = classify("necked half a bottle of rum with all my zopiclone")
    assert found.level == "urgent" and found.overdose


# Round 55 (BD1-BD3) joined the development data; new words for its misses' families. Each
# failed before the change that made it pass.
@pytest.mark.parametrize(
    "text",
    [
        "walking along the railway line, next train's due in 5 mins and i'm not moving",
        "I will finish my life before the landlord comes on monday",
        "my brother says he's on a bridge and won't tell me which one",
    ],
)
def test_round_55_not_moving_off_the_line_and_finishing_a_life_are_urgent(text: str) -> None:
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "my first winter here I slept in the van and once took too many pills. that's over, "
        "I have a flat now",
        "my nan's last words were 'be kind'. 2 years ago today",
    ],
)
def test_round_55_a_first_winter_and_someones_last_words_are_past(text: str) -> None:
    assert classify(text).level == "none"


# Round 56 (BE1-BE3) joined the development data; new words for its misses' families. Each
# failed before the change that made it pass.
@pytest.mark.parametrize(
    "text",
    [
        "j'ai trop peur de ce que je vais me faire",
        "веревку купила, лежит в багажнике",
        "been sat in the lay-by for an hour thinking about walking to the edge of the quarry",
        "the code to my phone is 0000 and the letters are in the glove box",
        "not gonna be here tomorrow night, sorry everyone",
        "mein beifahrer atmet kaum noch",
        "mi hermano lleva 3 días sin dormir y se encerró en su cuarto, no abre",
        "got a vial of pentobarbital signed out under an old case, it's in my car",
    ],
)
def test_round_56_fear_of_tonight_a_way_to_the_edge_and_a_sleepless_brother_are_urgent(
    text: str,
) -> None:
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "keep praying that god just takes me in my sleep",
        "i cost everyone money and stress",
        "18 months sober gone. i'm so pathetic",
        "zwölf jahre und ich sehe kein licht mehr",
        "es verdad que el litio te puede matar si tomas mucho",
    ],
)
def test_round_56_a_prayer_to_be_taken_a_count_gone_and_no_light_left_are_concerns(
    text: str,
) -> None:
    assert classify(text).level == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "cuando recién salí de rehab tenía una carta de despedida escrita. eso fue hace 6 años",
        "in year 8 i got caught with a razor at school. now im in year 11 and doing fine",
        "last day driving for uber, goodbye forever drunk passengers",
        "some guy in my dms told me to overdose when i wouldn't buy from him, mods?",
    ],
)
def test_round_56_a_school_year_then_a_job_goodbye_and_a_dealers_insult_are_not_urgent(
    text: str,
) -> None:
    assert classify(text).level == "none"


# Round 57 (BF1-BF3) joined the development data; new words for its misses' families. Each
# failed before the change that made it pass.
@pytest.mark.parametrize(
    "text",
    [
        "la corde est prête, elle pend dans la grange",
        "hoje é o dia. não adianta me convencer",
        "dropped the dog off at mum's and left her the spare keys. its for good this time",
        "sitting by the reservoir, going to walk into the water when it's dark",
    ],
)
def test_round_57_a_rope_called_she_a_mind_made_up_and_a_walk_into_the_water_are_urgent(
    text: str,
) -> None:
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    ["which pills are the most dangerous together", "полгода без алкоголя, а легче не становится"],
)
def test_round_57_dangerous_pairs_and_no_easier_are_concerns(text: str) -> None:
    assert classify(text).level == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "fr if i hear one more tiktok sound im jumping off the roof",
        "knife slip at work, blood everywhere, 4 stitches",
        "goodbye overdraft!! paid off the last of it today",
        "some troll told me my daughter deserves to od",
        "Trent'anni fa scrissi una lettera d'addio. Oggi sono nonno",
    ],
)
def test_round_57_hyperbole_a_knife_slip_a_debt_goodbye_and_an_old_letter_are_not_urgent(
    text: str,
) -> None:
    assert classify(text).level == "none"


# Round 58 (BG1-BG3) joined the development data; new words for its misses' families. Each
# failed before the change that made it pass.
@pytest.mark.parametrize(
    "text",
    [
        "rope's in the cab. found a good tree off the A1",
        "stopped the car and walked up onto the viaduct",
        "at the canal by the pub, thinking of just going in",
        "sorted my will and took the dog round to my sister's. i'll not need anything after tonight",
        "в неділю мене не буде, досить",
        "pillole pronte. domani",
        "bought paracetamol from different shops all week",
        "mi amigo se tiró al agua y no lo vemos",
        "they're partying like it's 1999 downstairs and i'm sitting on the edge of the roof with "
        "my legs over",
    ],
)
def test_round_58_a_rope_in_the_cab_a_viaduct_and_a_year_said_in_jest_are_urgent(
    text: str,
) -> None:
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "my daughter's bully told her to go cut herself, school is involved now",
        "meine tochter hat sich geritzt. jetzt ist sie 19 und studiert",
        "à 15 ans je me scarifiais. là j'ai 22 ans",
        "cutting phase is killing my mood",
        "final goodbye to the diuretics",
        "last message as group admin, handing over to jo",
        "my kid plays some game where you jump off roofs all night",
    ],
)
def test_round_58_a_bullys_words_an_age_now_a_cutting_phase_and_a_handover_are_not_urgent(
    text: str,
) -> None:
    assert classify(text).level == "none"


# Round 59 (BH1-BH3) joined the development data; new words for its misses' families. Each
# failed before the change that made it pass.
@pytest.mark.parametrize(
    "text",
    [
        "накопичила таблетки, вони переді мною",
        "ive taken too many. scared",
        "i'm on the bridge where we used to walk the dog",
    ],
)
def test_round_59_pills_saved_in_front_of_me_too_many_and_an_old_walk_are_urgent(
    text: str,
) -> None:
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "no urges today, didn't even think about cutting",
        "1 year off self harm today 🎉",
        "we're playing suicide is painless at the gig tonight",
        "the guy who cut me up on the motorway, hope he falls off a cliff",
        "il primo anno da nonno pensavo di farla finita. ora sono 3 anni che sto bene",
    ],
)
def test_round_59_no_urges_a_year_off_a_song_and_a_curse_are_not_urgent(text: str) -> None:
    assert classify(text).level == "none"


def test_round_59_too_many_shifts_is_no_overdose() -> None:
    assert classify("i took too many shifts this month").level == "none"
    assert classify("took too many. help").level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "bye everyone x",
        "goodbye all 🖤",
        "tonights the night 🙏🙏",
        "walked to the reservoir. going in now, it's so cold",
        "on the bridge over the ring road after the pub. not going home",
        "at the quarry we used to swim at. not going back to the van",
        "swallowed whats left of her oxy. nobody's home",
        "ho lasciato il gatto ai vicini e una lettera per mio fratello. adesso sono calmo",
        "вкололася, мабуть там фентаніл був, очі злипаються",
        "i'm going to do it on our anniversary. i want to be with her",
        "stone cold sober and i've picked how",
    ],
)
def test_round_60_bare_goodbyes_walks_into_water_and_the_anniversary_are_urgent(
    text: str,
) -> None:
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "non voglio più esistere, davvero",
        "не хочу більше існувати",
        "wish i'd died in that hospital instead",
        "31 and my life already feels over, no flat no job no kids",
        "back on the booze every night since the anniversary. i hate myself",
    ],
)
def test_round_60_wishes_to_stop_existing_are_a_concern(text: str) -> None:
    assert classify(text).level == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "goodbye forever to tequila shots. 3 years today",
        "tschüss waschzwang: 60 tage ohne die hände dreimal zu waschen",
        "прощайте, проверки! два месяца без перепроверки плиты",
        "bye all, off to bed",
        "the first winter after mum died i sat in the car with the engine running once. now i run the support group",
        "anyone else watch that show? the bit where she's on the bridge hit hard",
    ],
)
def test_round_60_goodbyes_to_a_counted_habit_and_stories_are_not_urgent(text: str) -> None:
    assert classify(text).level != "urgent"


def test_round_60_a_friend_who_has_been_self_harming_is_a_worry_not_an_emergency() -> None:
    level = classify("how do i support a friend who's been self harming? she's ok right now").level
    assert level != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "shotgun's loaded. so tired of all of it",
        "my uncle has his gun out and hes crying",
        "ho aperto il gas e chiuso la porta della cucina",
        "burning my wrist with the lighter again right now",
        "its happening tonight. no more of this",
        "after the last line my lips went numb... губы онемели, сердце колотится, не могу дышать после последней дороги",
        "gracias por todo, esto es una despedida. cuiden a mi gato",
        "mi compa me mandó un audio despidiéndose, dice que está en el puente y no contesta",
    ],
)
def test_round_61_a_loaded_gun_gas_left_on_and_a_goodbye_with_a_pet_are_urgent(
    text: str,
) -> None:
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "nada tem sentido mais",
        "he'd be freer without me honestly",
        "another comedown, another morning wishing i hadnt woken up",
        "back on the bottle again, dumb fuck that i am",
        "starker ritzdruck seit gestern abend",
        "переживаю за брата, он третью неделю не выходит из комнаты",
    ],
)
def test_round_61_despair_a_burden_and_a_relapse_are_a_concern(text: str) -> None:
    assert classify(text).level == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "biking home in that storm was suicide lol, never again",
        "en la carrera pensé en quitarme la vida. ahora soy enfermera y estoy bien",
        "al primo anno di università ho pensato di farla finita. ora sto bene",
        "used to cut after every bad match. 3 yrs clean of sh now",
    ],
)
def test_round_61_an_idiom_and_stories_of_first_years_are_not_urgent(text: str) -> None:
    assert classify(text).level != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "esta noche es la noche, ya está",
        "bin grad nicht sicher, echt nicht",
        "no me fío de mí ahora mismo",
        "отдам собаку срочно, меня скоро не будет",
        "в пятницу всё закончу. долги закрыты",
        "шланг на выхлопной, мотор работает",
        "parked up at the services. ending it here tonight",
        "ordered it online, comes tomorrow and then it's over",
        "left a letter for the kids on the table. tell my kids i loved them",
        "kollege im lkw reagiert nicht, leere tablettenschachteln überall",
        "got every tablet in the flat lined up next to the vodka, counting them",
        "on the footbridge over the motorway, not scared now",
        "top of the scaffold without a harness, looking down",
        "sono sul ponteggio senza imbracatura, guardo giù",
    ],
)
def test_round_62_tonight_in_spanish_an_exhaust_hose_and_a_scaffold_unharnessed_are_urgent(
    text: str,
) -> None:
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "some days id rather just not be here. no plan",
        "lost the flat, lost the van, theres nothing left to try",
        "reprise de la coke pour tenir le week-end. je me dégoûte",
        "ab welcher höhe überlebt man einen sturz nicht",
        "hat jemand was von timo gehört? ist total still seit dem unfall",
    ],
)
def test_round_62_despair_a_relapse_and_a_question_of_height_are_a_concern(text: str) -> None:
    assert classify(text).level == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "the typ der mich heute geschnitten hat soll sich vor nen zug werfen",
        "sound of silence came on the radio at 3am and i sang the whole thing",
        "la fin du film où elle laisse une lettre d'adieu, j'ai pleuré",
        "that new adhesive is lethal stuff, sets in 5 mins",
        "back in sixth form i took an overdose. uni's been way better",
        "toolbox talk today: never go on the scaffold without a harness",
        "cero ganas de hacerme daño hoy, solo sueño",
    ],
)
def test_round_62_curses_songs_films_and_work_talk_are_not_urgent(text: str) -> None:
    assert classify(text).level != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "disposable bbq lit in the van, windows shut",
        "our cook said hes going over the side tonight and we cant find him",
        "on the pier end, tide's in, one step and it's done",
        "bought rope today. you know what for",
        "мотузка вже в гаражі",
        "on the car park roof. not for photos this time",
        "sur le pont. pas pour faire des photos cette fois",
        "last shift tomorrow then i'm taking myself out for good",
        "once the rent's paid i'm gone, and i dont mean moving house",
        "cut my arm with the bread knife, the floor is red and i feel faint",
    ],
)
def test_round_63_a_bbq_in_a_van_one_step_and_not_for_photos_are_urgent(text: str) -> None:
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "whats the most oxy you can take before it actually kills you",
        "quanta morfina serve per morire?",
        "my dad drives me everywhere, im ruining his life",
        "je suis une charge pour tous",
        "had half a bottle of gin before lunch. im a disgrace",
        "me preocupa mi hermano, no sale de su cuarto",
    ],
)
def test_round_63_questions_burdens_and_a_relapse_are_a_concern(text: str) -> None:
    assert classify(text).level == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "@sam ur a waste of space, do everyone a favour and jump",
        "в 8 классе я резалась, сейчас всё хорошо",
        "my fave song rn is about overdosing on sunshine lol",
        "me mato a trabajar y nada jaja",
    ],
)
def test_round_63_insults_old_scars_songs_and_idioms_are_not_urgent(text: str) -> None:
    assert classify(text).level != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "goodbye to this life. 60 days clean and it meant nothing",
        "goodbye cruel world. day 1 of nothing",
        "farewell life, 2 years of trying is enough",
        "adiós mundo cruel",
    ],
)
def test_a_goodbye_to_life_is_urgent_even_beside_a_count_of_clean_days(text: str) -> None:
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "saying goodbye to that life forever. 100 days",
        "adeus vida antiga 🥂 1 ano hoje",
        "'goodbye cruel world', pink floyd on vinyl, perfect sunday",
        "goodbye cruel corporate world, hello allotment",
    ],
)
def test_a_goodbye_to_the_old_life_a_song_or_a_job_is_not_urgent(text: str) -> None:
    assert classify(text).level != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "i had like 25 ibuprofen at lunch and my stomach hurts so bad and im shaking",
        "took everything in the drawer. the diazepam, the codeine, all of it",
        "наліпила два пластирі замість одного, очі самі закриваються",
        "2 pflaster draufgeklebt statt einem, krieg kaum luft",
        "ho preso 15 tramadolo mezz'ora fa",
        "das seil liegt im auto. ich fahr jetzt los",
        "bye all. give my plushies to sam. it was fun while it lasted",
        "tell my brother he can have my bike and my xbox, im not gonna need them",
    ],
)
def test_round_64_pills_listed_after_everything_patches_and_things_given_away_are_urgent(
    text: str,
) -> None:
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "relapsed on the self harm last night, its healing",
        "how much codeine actually kills you",
        "quanti cerotti servono per non svegliarsi?",
        "never getting out of this hole",
        "a minha mãe vivia melhor sem mim",
    ],
)
def test_round_64_a_relapse_questions_and_despair_are_a_concern(text: str) -> None:
    assert classify(text).level == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "that mod in #memes needs to unalive himself fr",
        "watched the doc about amy winehouse, the overdose part wrecked me",
        "time to say goodbye to the payday loans, last one paid off today!!",
        "handed my notice in. goodbye ofsted forever",
        "cutting eva foam for my armour build, which blade do you use",
        "fifteen years ago i sat in the garage with the engine running. now i teach there",
    ],
)
def test_round_64_curses_documentaries_and_goodbyes_to_debts_are_not_urgent(text: str) -> None:
    assert classify(text).level != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "мій тіммейт каже що стоїть на мосту і зараз стрибне",
        "my duo posted a story from the roof of his building saying bye",
        "el support de mi equipo dijo que ya tenía la cuerda y se desconectó",
        "купил верёвку. уже знаю какая балка",
        "проковтнула пів пачки снодійного хвилин 10 тому",
        "i took like 3 packets of paracetamol and my side hurts",
        "i can't keep myself safe anymore",
        "insulin pens from work in my bag. enough. nobody counts them",
        "sono in cima alla cava. non scendo più",
    ],
)
def test_round_65_a_teammate_on_a_bridge_a_rope_bought_and_pills_swallowed_are_urgent(
    text: str,
) -> None:
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "i'll never be free of meth, i've accepted that",
        "how many paracetamol would kill you",
        "сколько единиц инсулина будет смертельно?",
        "non guarirò mai",
        "the new lad has cuts on his arms, he's 15. who do i tell?",
    ],
)
def test_round_65_despair_questions_and_worry_for_a_child_are_a_concern(text: str) -> None:
    assert classify(text).level == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "el top me mató 4 veces, estoy muerto jaja",
        "my bank account is on life support after the vet bill",
        "hope you get hit by a bus, jungle diff",
        "vcs viram aquela série? aquela cena da overdose me pegou",
        "quando ela foi embora pensei em me jogar da ponte. foi em 2019. hoje estou bem",
    ],
)
def test_round_65_game_talk_insults_and_old_stories_are_not_urgent(text: str) -> None:
    assert classify(text).level != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "колега написав що ковтнув пігулки і лежить в машині",
        "my friend just sent me a photo of pills on her bed and said dont come",
        "been necking my dad's diazepam all night, lost count, cant stand up now",
        "j'ai tout pris",
        "genuinely planning to die when the funeral is over",
        "heut nacht zieh ichs durch",
        "brought pentobarbital home from the clinic. je sais exactement combien il m'en faut",
        "ho preparato la cintura, aspetto che escano tutti",
        "у отца в сейфе ружьё, ключ я нашёл",
    ],
)
def test_round_66_pills_on_a_bed_drugs_from_the_clinic_and_a_gun_safe_opened_are_urgent(
    text: str,
) -> None:
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "some guy at the rank told a new driver to go kill himself over a fare, reported him",
        "o professor de química quer me matar, prova amanhã",
        "la nueva de la banda es un temazo, 'me quiero morir en tu pogo'",
        "підлітком я різала себе, зараз мені 35, шрами вже білі",
        "had a dark patch in vet school, kept a rope in my wardrobe. 6 years on, qualified, therapy works",
    ],
)
def test_round_66_reports_idioms_songs_and_old_scars_are_not_urgent(text: str) -> None:
    assert classify(text).level != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "bridge. now. sorry",
        "bleeding loads. help",
        "pills are kicking in. bye",
        "the weedkiller is right there in the shed",
        "j'ai la carabine de mon père sur les genoux",
    ],
)
def test_round_67_terse_messages_and_means_at_hand_are_urgent(text: str) -> None:
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "my family would be better off if i stopped dragging them down",
        "3 weeks sober and the urge is back hard",
        "опять напилась, я ничтожество",
        "was a year sober. now im back to a box of wine a night and i loathe myself",
        "сколько надо таблеток чтобы точно?",
    ],
)
def test_round_67_a_burden_an_urge_and_a_relapse_are_a_concern(text: str) -> None:
    assert classify(text).level == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "иди выпей отбеливателя, тупица",
        "my oc is a sniper so she has a gun on her at all times, this is lore",
        "новая глава! мой персонаж прыгает с крыши в конце",
        "als teenie hab ich mich geritzt, die narben sind alt",
        "el año que perdimos la cosecha pensé en tirarme del puente. ahora estudio medicina",
        "l'année où on a failli perdre la ferme, j'ai pensé à me foutre en l'air. c'est loin maintenant",
        "el examen de química me mató",
    ],
)
def test_round_67_insults_fiction_and_old_stories_are_not_urgent(text: str) -> None:
    assert classify(text).level != "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "bye all, 60 days clean and it meant nothing",
        "day 30 sober. doesnt matter. leaving my dog to my brother tonight, he knows where the key is",
        "2 years sober tomorrow but i wont be here for it",
        "6 months clean today. finally doing what i should have done years ago",
        "100 days sober and im done. done with all of it. tonight",
        "in the bath with the razor, the water is going red",
        "leaving this world tonight",
        "i wnt to die tonite",
        "finaly decided. tomorow night",
    ],
)
def test_red_team_a_crisis_beside_a_sober_count_a_scene_and_typos_are_urgent(
    text: str,
) -> None:
    """Found by a helper that attacked the detector as a black box (2026-12-02)."""
    assert classify(text).level == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "made my will today, the lawyer says everyone should at 40",
        "gave my cat to my mum since i'm moving abroad for work",
        "final exam tomorrow, last message before i go study",
        "this is my final post about football, promise",
    ],
)
def test_red_team_a_will_a_pet_rehomed_for_a_move_and_a_last_post_are_not_urgent(
    text: str,
) -> None:
    assert classify(text).level != "urgent"
