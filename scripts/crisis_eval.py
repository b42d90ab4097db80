"""Measure the crisis detector on labelled sets (``label category language text`` TSV files).

    python scripts/crisis_eval.py tests/crisis_blind/a1_recovery.tsv [...] [--misses]

Prints, per set: a confusion table, urgent recall (overall and per language), urgent-or-concern
recall, false alarms on messages labelled ``none`` (and on ``ordinary`` chat alone), and past
stories rated urgent. ``--misses`` also lists the messages judged wrongly: use it on
development data only, never on a blind set before its figure is taken.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cogs.crisis.detector import Detector  # noqa: E402

LEVELS = ("urgent", "concern", "none")
WIDTH = 150


def load(path: Path) -> list[dict[str, str]]:
    """The rows of one set."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def figures(rows: list[dict[str, str]], predicted: list[str]) -> dict[str, object]:
    """The figures the issue asks for, from labels and predictions."""
    pairs = list(zip(rows, predicted, strict=True))
    urgent = [(r, p) for r, p in pairs if r["label"] == "urgent"]
    risky = [(r, p) for r, p in pairs if r["label"] in ("urgent", "concern")]
    none = [(r, p) for r, p in pairs if r["label"] == "none"]
    ordinary = [(r, p) for r, p in none if r["category"] == "ordinary"]
    past = [(r, p) for r, p in none if r["category"] in ("past_story", "past")]
    by_lang: dict[str, list[str]] = defaultdict(list)
    for r, p in urgent:
        by_lang[r["language"]].append(p)

    def share(items: list, ok) -> float:  # noqa: ANN001
        return sum(1 for item in items if ok(item)) / len(items) if items else float("nan")

    return {
        "n": len(rows),
        "confusion": Counter((r["label"], p) for r, p in pairs),
        "urgent_recall": share(urgent, lambda x: x[1] == "urgent"),
        "urgent_recall_by_language": {
            lang: (sum(p == "urgent" for p in ps) / len(ps), len(ps))
            for lang, ps in sorted(by_lang.items())
        },
        "urgent_or_concern_recall": share(risky, lambda x: x[1] != "none"),
        "false_alarms_none": share(none, lambda x: x[1] != "none"),
        "false_alarms_ordinary": share(ordinary, lambda x: x[1] != "none"),
        "past_rated_urgent": (sum(p == "urgent" for _, p in past), len(past)),
    }


def report(name: str, result: dict[str, object]) -> str:
    """Figures as text."""
    conf = result["confusion"]
    lines = [f"== {name} ({result['n']} messages)", "label \\ detector   urgent  concern     none"]
    for label in LEVELS:
        lines.append(f"{label:>16}" + "".join(f"{conf[(label, p)]:>9}" for p in LEVELS))
    langs = ", ".join(
        f"{lang} {value:.2f} ({count})"
        for lang, (value, count) in result["urgent_recall_by_language"].items()
    )
    past_urgent, past_total = result["past_rated_urgent"]
    lines += [
        f"urgent recall {result['urgent_recall']:.3f}  [{langs}]",
        f"urgent-or-concern recall {result['urgent_or_concern_recall']:.3f}",
        f"false alarms: on 'none' {result['false_alarms_none']:.3f}, on ordinary chat "
        f"{result['false_alarms_ordinary']:.3f}",
        f"past stories rated urgent: {past_urgent} of {past_total}",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    show = "--misses" in argv
    paths = [Path(a) for a in argv if not a.startswith("--")]
    detector = Detector()
    for path in paths:
        rows = load(path)
        dets = [detector.classify(r["text"]) for r in rows]
        print(report(path.name, figures(rows, [d.level for d in dets])))
        if show:
            for r, d in zip(rows, dets, strict=True):
                if d.level != r["label"]:
                    print(
                        f"  {r['label']:>7} -> {d.level:<7} {r['category']:<15} {r['language']} {r['text'][:WIDTH]}  {list(d.matched)}"
                    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
