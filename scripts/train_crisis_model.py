"""Train the crisis detector's learned second opinion, and measure it round by round.

    python scripts/train_crisis_model.py [--out cogs/crisis/model.json]
    python scripts/train_crisis_model.py --leave-one-round-out [--dry-run]

Features come from the detector itself (:meth:`cogs.crisis.detector.Detector.features`): for a
message with a risk concept, its words, n-grams, concepts, rules and facts; for a "quiet" one
(no risk concept), its words and n-grams only. Two logistic regressions (urgent vs the rest;
urgent or concern vs none) are fitted on both with L2 regularisation (numpy only, sparse rows,
full-batch Adam). Thresholds are chosen out of round: every message of the training data is
scored by heads trained without its round, and each head's threshold is the lowest score that
keeps the messages it raises within a false-alarm budget on messages labelled ``none`` and never
raises a past story to urgent. Quiet messages get thresholds of their own (``--quiet-budget``)
and a screen: a third logistic score over their words alone, cheap enough to run on every
message, whose threshold lets through all but ``--screen-loss`` of the quiet messages the heads
lift out of round.

``--leave-one-round-out`` is the honest proxy for a blind figure: for each round (the blind set
letters a, b, c ... and the development sets as one round) the model is trained, thresholds
included, on the other rounds only, and the whole detector (rules + that model) is measured on
the held-out round. The rules were written having seen every round, so this measures how the
learned part generalises, not the rules.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cogs.crisis.detector import Detector  # noqa: E402
from cogs.crisis.lexicon import cap, strip_ignored  # noqa: E402
from cogs.crisis.model import ALL_KINDS, QUIET, LinearModel, screen_words  # noqa: E402
from scripts.crisis_eval import figures  # noqa: E402


def load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def rounds() -> dict[str, list[Path]]:
    """The development data by round: ``dev`` and one per blind round letter."""
    tests = ROOT / "tests"
    out: dict[str, list[Path]] = {
        "dev": [tests / "crisis_eval.tsv", *sorted((tests / "crisis_dev").glob("*.tsv"))]
    }
    for path in sorted((tests / "crisis_blind").glob("*.tsv")):
        out.setdefault(path.name[0], []).append(path)
    return out


class Data:
    """Every development message with its round, label, rules' level and model features."""

    def __init__(self, detector: Detector, kinds: frozenset[str]) -> None:
        self.rows: list[dict[str, str]] = []
        self.round: list[str] = []
        for name, paths in rounds().items():
            for path in paths:
                for row in load(path):
                    self.rows.append(row)
                    self.round.append(name)
        self.labels = np.array([r["label"] for r in self.rows])
        self.rounds = np.array(self.round)
        self.rules = np.array([detector.classify_rules(r["text"]).level for r in self.rows])
        self.past = np.array([r["category"] in ("past_story", "past") for r in self.rows])
        self.feats = [detector.features(r["text"], kinds) for r in self.rows]
        self.seen = np.array([f is not None for f in self.feats])  # the model runs on these
        # ... and these are read by the model alone (no risk concept), past the screen
        self.quiet = np.array([f is not None and f"x:{QUIET}" in f for f in self.feats])
        # quiet messages the model never raises (stories of the past, words aimed at others)
        self.held = np.array(
            [
                q and detector.held_back(r["text"])
                for q, r in zip(self.quiet, self.rows, strict=True)
            ]
        )
        self.screen = [screen_words(strip_ignored(cap(r["text"]))) for r in self.rows]


class Sparse:
    """0/1 rows over a vocabulary, as (row, column) index pairs, plus a bias column."""

    def __init__(self, feats: list[set[str]], index: dict[str, int]) -> None:
        rows, cols = [], []
        for r, fs in enumerate(feats):
            for f in fs:
                c = index.get(f)
                if c is not None:
                    rows.append(r)
                    cols.append(c)
            rows.append(r)
            cols.append(len(index))  # bias
        self.rows = np.array(rows, dtype=np.int64)
        self.cols = np.array(cols, dtype=np.int64)
        self.n, self.d = len(feats), len(index) + 1

    def dot(self, w: np.ndarray) -> np.ndarray:
        return np.bincount(self.rows, weights=w[self.cols], minlength=self.n)

    def tdot(self, r: np.ndarray) -> np.ndarray:
        return np.bincount(self.cols, weights=r[self.rows], minlength=self.d)


def vocabulary(feats: list[set[str]], min_count: int) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for fs in feats:
        for f in fs:
            counts[f] += 1
    return {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= min_count))}


def fit(x: Sparse, y: np.ndarray, l2: float, steps: int = 160, lr: float = 0.05) -> np.ndarray:
    """L2-regularised logistic regression, full-batch Adam; the last weight is the bias."""
    w = np.zeros(x.d)
    m = np.zeros(x.d)
    v = np.zeros(x.d)
    mask = np.ones(x.d)
    mask[-1] = 0.0
    pos = y.mean()
    w[-1] = np.log(pos / (1 - pos))
    for t in range(1, steps + 1):
        p = 1 / (1 + np.exp(-np.clip(x.dot(w), -30, 30)))
        g = x.tdot(p - y) / x.n + l2 * mask * w / x.n
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


HEADS = (("urgent", lambda labels: labels == "urgent"), ("risk", lambda labels: labels != "none"))


def train_heads(data: Data, idx: np.ndarray, args) -> dict[str, tuple[dict[str, int], np.ndarray]]:  # noqa: ANN001
    """Both heads fitted on the messages ``idx`` (only those the model sees)."""
    idx = idx[data.seen[idx]]
    feats = [data.feats[i] for i in idx]
    vocab = vocabulary(feats, args.min_count)
    x = Sparse(feats, vocab)
    return {
        name: (vocab, fit(x, target(data.labels[idx]).astype(float), args.l2))
        for name, target in HEADS
    }


def score(heads, data: Data, idx: np.ndarray) -> dict[str, np.ndarray]:  # noqa: ANN001
    out = {}
    for name, (vocab, w) in heads.items():
        s = np.zeros(len(idx))
        seen = data.seen[idx]
        x = Sparse([data.feats[i] for i in idx[seen]], vocab)
        s[seen] = 1 / (1 + np.exp(-np.clip(x.dot(w), -30, 30)))
        out[name] = s
    return out


def out_of_round(data: Data, idx: np.ndarray, args) -> dict[str, np.ndarray]:  # noqa: ANN001
    """Each message of ``idx`` scored by heads trained without its round."""
    scores = {name: np.zeros(len(data.rows)) for name, _ in HEADS}
    names = sorted(set(data.rounds[idx]))
    for k in range(args.inner_folds):
        group = names[k :: args.inner_folds]  # whole rounds, so thresholds are out of round
        inside = np.isin(data.rounds[idx], group)
        test, train = idx[inside], idx[~inside]
        for head, s in score(train_heads(data, train, args), data, test).items():
            scores[head][test] = s
    return scores


def thresholds(data: Data, idx: np.ndarray, scores, args) -> dict:  # noqa: ANN001
    """The lowest thresholds whose out-of-round raises stay within the budgets."""
    labels, rules, none = data.labels[idx], data.rules[idx], data.labels[idx] == "none"
    past = data.past[idx]
    out = {}
    for name, _ in HEADS:
        s = scores[name][idx]
        below = (rules == "none" if name == "risk" else rules == "concern") & ~data.quiet[idx]
        best = 1.0
        for t in np.linspace(0.99, 0.2, 80):
            raised = (s >= t) & below & ~past_words(data, idx)
            alarms = (raised & none).sum() / none.sum()
            if alarms > args.budget or (name == "urgent" and (raised & past).any()):
                break
            if (
                name == "urgent"
                and (raised & (labels == "concern")).sum() > (raised & (labels == "urgent")).sum()
            ):
                break  # most messages it makes urgent must be urgent
            best = float(t)
        gained = ((s >= best) & below & (labels != "none")).sum()
        print(f"  {name}: threshold {best:.3f}, out of round it raises {gained} risky messages")
        out[name] = best
    out["urgent_from_none"] = _two_levels(data, idx, scores, out, args)
    out.update(_quiet_thresholds(data, idx, scores, args))
    return out


def _quiet_thresholds(data: Data, idx: np.ndarray, scores, args) -> dict:  # noqa: ANN001
    """Thresholds for messages without any risk concept, out of round.

    ``quiet_risk`` lifts none -> concern while at most ``args.quiet_budget`` of the messages
    labelled none are lifted; ``quiet_urgent`` lifts further to urgent while at most
    ``args.two_level_alarms`` of them are, no past story is, and most messages it makes urgent
    are urgent."""
    labels, none = data.labels[idx], data.labels[idx] == "none"
    quiet = data.quiet[idx] & ~data.held[idx]
    past = data.past[idx]
    risk, urgent = scores["risk"][idx], scores["urgent"][idx]
    t_risk = 1.0
    for t in np.linspace(0.99, 0.05, 95):
        if ((risk >= t) & quiet & none).sum() / none.sum() > args.quiet_budget:
            break
        t_risk = float(t)
    lifted = (risk >= t_risk) & quiet
    t_urgent = 1.0
    for t in np.linspace(0.99, 0.05, 95):
        raised = (urgent >= t) & lifted
        hits = (raised & (labels == "urgent")).sum()
        if (raised & none).sum() / none.sum() > args.two_level_alarms or (raised & past).any():
            break
        if hits < 3 * (raised.sum() - hits):
            break
        t_urgent = float(t)
    gained = (lifted & ~none).sum()
    made_urgent = ((urgent >= t_urgent) & lifted & (labels == "urgent")).sum()
    print(
        f"  quiet: risk {t_risk:.3f}, urgent {t_urgent:.3f}; out of round it lifts {gained} of "
        f"{(quiet & ~none).sum()} risky quiet messages ({made_urgent} to urgent), "
        f"{(lifted & none).sum()} of {none.sum()} labelled none"
    )
    return {"quiet_risk": t_risk, "quiet_urgent": t_urgent, "quiet_lifted": lifted}


def train_screen(data: Data, idx: np.ndarray, lifted: np.ndarray, args) -> dict:  # noqa: ANN001
    """The screen: a logistic score over words alone (risk vs none), on every message of
    ``idx``; its threshold lets through all but ``args.screen_loss`` of the quiet messages the
    heads lift out of round (``lifted``)."""
    feats = [data.screen[i] for i in idx]
    vocab = vocabulary(feats, args.min_count)
    w = fit(Sparse(feats, vocab), (data.labels[idx] != "none").astype(float), args.screen_l2)
    z = Sparse(feats, vocab).dot(w)
    p = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
    kept = p[lifted & data.quiet[idx]]
    threshold = float(np.quantile(kept, args.screen_loss)) if len(kept) else 1.0
    quiet_none = data.quiet[idx] & (data.labels[idx] == "none")
    print(
        f"  screen: threshold {threshold:.3f}, lets through {(p[quiet_none] >= threshold).mean():.1%}"
        " of quiet messages labelled none"
    )
    names = list(vocab)
    weights = {names[i]: round(float(w[i]), 3) for i in range(len(names)) if abs(w[i]) >= args.keep}
    return {"bias": round(float(w[-1]), 4), "weights": weights, "threshold": threshold}


def _two_levels(data: Data, idx: np.ndarray, scores, chosen: dict[str, float], args) -> float:  # noqa: ANN001
    """The threshold at which the urgent head may lift none -> urgent (risk head passed too).

    Chosen for exactly that population (messages the rules rate none and the risk head lifts),
    out of round: at most ``args.two_level_alarms`` of the messages labelled none are made
    urgent, no past story, and at least three in four of the messages it lifts are urgent.
    """
    labels, rules = data.labels[idx], data.rules[idx]
    lifted = (
        (rules == "none")
        & (scores["risk"][idx] >= chosen["risk"])
        & ~past_words(data, idx)
        & ~data.quiet[idx]
    )
    s, none = scores["urgent"][idx], labels == "none"
    best = 1.0
    for t in np.linspace(0.99, 0.3, 70):
        raised = (s >= t) & lifted
        urgent = (raised & (labels == "urgent")).sum()
        if (raised & none).sum() / none.sum() > args.two_level_alarms or (
            raised & data.past[idx]
        ).any():
            break
        if urgent < 3 * (raised.sum() - urgent):
            break
        best = float(t)
    gained = ((s >= best) & lifted & (labels == "urgent")).sum()
    print(
        f"  urgent from none: threshold {best:.3f}, out of round it lifts {gained} urgent messages"
    )
    return best


def past_words(data: Data, idx: np.ndarray) -> np.ndarray:
    """Messages the detector reads as a story of the past: the model never raises them."""
    return np.array([bool(data.feats[i]) and "x:past" in data.feats[i] for i in idx])


def build(data: Data, idx: np.ndarray, args) -> dict:  # noqa: ANN001
    """A model file's content, trained on ``idx`` with thresholds chosen out of round."""
    th = thresholds(data, idx, out_of_round(data, idx, args), args)
    heads = {}
    for name, (vocab, w) in train_heads(data, idx, args).items():
        names = list(vocab)
        weights = {
            names[i]: round(float(w[i]), 3) for i in range(len(names)) if abs(w[i]) >= args.keep
        }
        heads[name] = {"bias": round(float(w[-1]), 4), "weights": weights, "threshold": th[name]}
    heads["urgent"]["threshold_from_none"] = th["urgent_from_none"]
    quiet = {
        "risk": th["quiet_risk"],
        "urgent": th["quiet_urgent"],
        "screen": train_screen(data, idx, th["quiet_lifted"], args),
    }
    return {"heads": heads, "quiet": quiet, "kinds": sorted(args.kinds)}


def leave_one_round_out(detector: Detector, data: Data, args) -> int:  # noqa: ANN001
    """Train on all rounds but one, measure the whole detector on that one; mean and worst."""
    everything = np.arange(len(data.rows))
    table = []
    for name in rounds():
        held = everything[data.rounds == name]
        print(f"round {name} held out ({len(held)} messages)")
        detector.model = (
            None
            if args.rules_only
            else LinearModel.from_dict(build(data, everything[data.rounds != name], args))
        )
        rows = [data.rows[i] for i in held]
        result = figures(rows, [detector.classify(r["text"]).level for r in rows])
        table.append((name, result))
    keys = (
        "urgent_recall",
        "urgent_or_concern_recall",
        "false_alarms_none",
        "false_alarms_ordinary",
    )
    print("\nround   urgent  urg|con  alarms  ordinary  past-urgent  per-language urgent recall")
    for name, r in table:
        langs = " ".join(f"{k}:{v:.2f}" for k, (v, _) in r["urgent_recall_by_language"].items())
        pu, pt = r["past_rated_urgent"]
        print(f"{name:>5}  " + "  ".join(f"{r[k]:.3f}" for k in keys) + f"   {pu}/{pt}  {langs}")
    mean = {k: float(np.nanmean([r[k] for _, r in table])) for k in keys}
    worst = {
        k: (max if k.startswith("false") else min)(r[k] for _, r in table if r[k] == r[k])
        for k in keys
    }
    print(" mean  " + "  ".join(f"{mean[k]:.3f}" for k in keys))
    print("worst  " + "  ".join(f"{worst[k]:.3f}" for k in keys))
    print(f"past stories rated urgent: {sum(r['past_rated_urgent'][0] for _, r in table)}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "cogs" / "crisis" / "model.json"))
    parser.add_argument("--leave-one-round-out", action="store_true")
    parser.add_argument("--rules-only", action="store_true", help="LORO baseline: no model")
    parser.add_argument("--kinds", default="".join(sorted(ALL_KINDS)), help="feature kinds")
    parser.add_argument("--inner-folds", type=int, default=3)
    parser.add_argument("--min-count", type=int, default=3)
    parser.add_argument("--l2", type=float, default=3.0)
    parser.add_argument("--keep", type=float, default=0.02, help="smallest weight kept")
    parser.add_argument("--budget", type=float, default=0.004, help="added false alarms")
    parser.add_argument(
        "--two-level-alarms",
        type=float,
        default=0.001,
        help="messages labelled none the model may lift none -> urgent (share, out of round)",
    )
    parser.add_argument(
        "--quiet-budget",
        type=float,
        default=0.008,
        help="messages labelled none the model may lift when no risk concept is in them",
    )
    parser.add_argument(
        "--screen-loss",
        type=float,
        default=0.08,
        help="share of the quiet messages the model would lift that the screen may stop",
    )
    parser.add_argument(
        "--screen-l2",
        type=float,
        default=10.0,
        help="the screen's regularisation (stronger: fewer chat words let through)",
    )
    args = parser.parse_args(argv)
    args.kinds = frozenset(args.kinds)
    started = time.time()
    detector = Detector()
    data = Data(detector, args.kinds)
    print(
        f"{len(data.rows)} messages, {data.seen.sum()} seen by the model ({time.time() - started:.0f}s)"
    )
    if args.leave_one_round_out:
        return leave_one_round_out(detector, data, args)
    model = build(data, np.arange(len(data.rows)), args)
    Path(args.out).write_text(json.dumps(model, sort_keys=True) + "\n", encoding="utf-8")
    sizes = ", ".join(f"{k} {len(h['weights'])} weights" for k, h in model["heads"].items())
    print(f"wrote {args.out} ({sizes}) in {time.time() - started:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
