"""The crisis detector measured on the labeled evaluation set, plus robustness checks."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.crisis.detector import Detection, Detector, classify, strip_ignored

EVAL_PATH = Path(__file__).with_name("crisis_eval.tsv")
LEVELS = ("urgent", "concern", "none")


def load_eval() -> list[dict[str, str]]:
    """The evaluation rows: label, category, language, text."""
    with EVAL_PATH.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


@pytest.fixture(scope="module")
def results(detector: Detector) -> list[tuple[dict[str, str], Detection]]:
    return [(row, detector.classify(row["text"])) for row in load_eval()]


def confusion_table(results: list[tuple[dict[str, str], Detection]]) -> str:
    counts = Counter((row["label"], det.level) for row, det in results)
    lines = ["crisis detector on tests/crisis_eval.tsv (rows: label, columns: detector)"]
    lines.append(f"{'':>10}" + "".join(f"{p:>10}" for p in LEVELS))
    for label in LEVELS:
        lines.append(f"{label:>10}" + "".join(f"{counts[(label, p)]:>10}" for p in LEVELS))
    misses = [(row, det) for row, det in results if det.level != row["label"]]
    for row, det in misses:
        lines.append(f"  miss: {row['label']} -> {det.level} [{row['category']}/{row['language']}]")
    return "\n".join(lines)


def test_eval_set_is_big_and_balanced_enough() -> None:
    rows = load_eval()
    labels = Counter(r["label"] for r in rows)
    assert len(rows) >= 400
    assert labels["urgent"] >= 120 and labels["concern"] >= 100 and labels["none"] >= 180
    assert {r["language"] for r in rows} >= {"en", "es", "de", "fr"}
    negative_categories = {r["category"] for r in rows if r["label"] == "none"}
    assert negative_categories >= {"idiom", "negation", "past", "harassment", "recovery", "gaming"}


def test_eval_figures(results, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print("\n" + confusion_table(results))
    urgent = [det for row, det in results if row["label"] == "urgent"]
    positives = [det for row, det in results if row["label"] != "none"]
    negatives = [det for row, det in results if row["label"] == "none"]
    urgent_recall = sum(d.level == "urgent" for d in urgent) / len(urgent)
    any_recall = sum(d.level != "none" for d in positives) / len(positives)
    false_positive_rate = sum(d.level != "none" for d in negatives) / len(negatives)
    with capsys.disabled():
        print(
            f"urgent recall {urgent_recall:.3f} | concern-or-urgent recall {any_recall:.3f} | "
            f"false positives on negatives {false_positive_rate:.3f}"
        )
    assert urgent_recall >= 0.95
    assert any_recall >= 0.90
    assert false_positive_rate <= 0.03


def test_no_urgent_on_past_recovery_stories(results) -> None:
    past = [(row["text"], det) for row, det in results if row["category"] == "past"]
    assert past
    assert [text for text, det in past if det.level == "urgent"] == []


def test_overdose_flag_on_overdose_cases(results) -> None:
    for row, det in results:
        if row["label"] == "urgent" and row["category"] in ("overdose", "bystander"):
            assert det.overdose, row["text"]
    assert not classify("i'm going to kill myself tonight").overdose


def test_harassment_is_not_self_risk() -> None:
    for text in ("kys", "go kill yourself", "nobody likes you, kys"):
        det = classify(text)
        assert det.level == "none" and det.aimed_at_others, text
    assert classify("i want to kill myself").aimed_at_others is False


def test_matched_names_rules_not_message_text() -> None:
    det = classify("i'm going to kill myself tonight")
    assert det.level == "urgent"
    assert det.matched and all("." in rule_id for rule_id in det.matched)
    assert "tonight" not in " ".join(det.matched)


@pytest.mark.parametrize(
    "text",
    [
        "> i want to kill myself\nthat line scared me, you ok?",
        "quoting the song: `i want to die`",
        "```\ni want to kill myself\n```\nthis is the test input",
        ">>> i want to kill myself\nand more quoted text",
    ],
)
def test_quotes_and_code_are_ignored(text: str) -> None:
    assert classify(text).level == "none"


def test_strip_ignored_keeps_own_words() -> None:
    stripped = strip_ignored("> someone else\nmy own words `code` here")
    assert "someone else" not in stripped and "code" not in stripped
    assert "my own words" in stripped and "here" in stripped


def test_obfuscations_are_caught() -> None:
    for text in (
        "i'm su1cidal",
        "i want to k1ll myself",
        "i'm s*icidal",
        "i'm sui\u200bcidal",
        "I'M SUICIDAAAL",
        "i wanna kms fr",
    ):
        assert classify(text).level == "urgent", text


def test_rules_fail_loudly_on_a_bad_phrase(tmp_path: Path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text(
        '[[rules]]\nid = "x"\nlang = "en"\nlevel = "urgent"\ncategory = "t"\n'
        'phrases = ["(unclosed group"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError):
        Detector(bad)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    assert classify(text).level in LEVELS


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz *'`>\n1034@$ü\u200b😂"), max_size=300
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
    assert classify(long_text[:9_000] + " i want to kill myself").level == "urgent"
