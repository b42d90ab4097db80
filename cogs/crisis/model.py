"""A second opinion for the crisis detector: a linear model over what transfers between writers.

The rules (:mod:`cogs.crisis.judge`) read combinations a moderator would name; this model
scores a message with weights learned from the labelled development sets
(``scripts/train_crisis_model.py`` writes ``model.json``). Its features are chosen to carry over
to people who write differently from the development data: character n-grams over the folded
words (typos, inflections and compounds share most of them), words and word pairs, the
lexicon's concepts (those still live and those a negation, an idiom or a film took back), the
rules that fired, and what the facts say about the message (a story of the past, about someone
else, said in the first person). It can raise a message by one level, never lower one and never
a story of the past, so everything the rules catch stays caught. A message's explanation is the
rule id ``model.urgent`` or ``model.concern``; no text of the message leaves it.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).with_name("model.json")

# The kinds of feature a model file was trained with ("w" words, "b" word pairs, "c" live
# concepts, "t" concepts taken back, "r" rules fired, "x" facts, "g" character n-grams).
ALL_KINDS = frozenset("wbctrxg")
_LEGACY_KINDS = frozenset("wbc")
_GRAM_SIZES = (3, 4, 5)
_GRAM_CHARS = 600  # character n-grams from the first 600 characters of the folded words
_SCREEN_WORD = re.compile(r"[^\W\d_]+")
QUIET = "quiet"  # the flag of a message without any risk concept
_NOUGHT = itertools.repeat(0.0)  # endless and stateless: safe to share


def screen_words(text: str) -> set[str]:
    """The words the screen reads: lower case as typed (no folding, so it costs little)."""
    return set(_SCREEN_WORD.findall(text.lower().replace("'", "")))


@dataclass(frozen=True)
class Read:
    """What the model reads of one message: feature names, and the character n-grams apart
    (bare, without their ``g:`` prefix: making a prefixed string per n-gram was most of the
    cost of reading a message)."""

    names: frozenset[str]
    grams: frozenset[str]

    def as_names(self) -> set[str]:
        """Every feature by its name, as the trainer and ``model.json`` know them."""
        return set(self.names) | {f"g:{gram}" for gram in self.grams}


def quiet_features(words: tuple[str, ...] | list[str], kinds: frozenset[str]) -> Read:
    """What the model reads of a message without any risk concept: its words and n-grams, and
    how long it is (a two-word message says too little to be read as risk on a word or two)."""
    return read(words, frozenset(), frozenset(), (), (QUIET, _length(len(words))), kinds)


def _length(n: int) -> str:
    """A bucket of the number of words."""
    for top in (1, 2, 3, 5, 8, 13, 21):
        if n <= top:
            return f"words<={top}"
    return "words>21"


def read(
    words: tuple[str, ...] | list[str],
    live: set[str] | frozenset[str],
    taken_back: set[str] | frozenset[str] = frozenset(),
    rules: tuple[str, ...] = (),
    flags: tuple[str, ...] = (),
    kinds: frozenset[str] = ALL_KINDS,
) -> Read:
    """What the model reads of one message (see :class:`Read`)."""
    words = list(words)
    out: set[str] = set()
    if "w" in kinds:
        out.update(f"w:{w}" for w in words)
    if "b" in kinds:
        out.update(f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False))
    if "c" in kinds:
        out.update(f"c:{c}" for c in live)
    if "t" in kinds:
        out.update(f"t:{c}" for c in taken_back)
    if "r" in kinds:
        out.update(f"r:{r}" for r in rules)
        out.update(f"r:{r.split('.', 1)[0]}" for r in rules)
    if "x" in kinds:
        out.update(f"x:{f}" for f in flags)
    grams: frozenset[str] = frozenset()
    if "g" in kinds:
        text = f" {' '.join(words)[:_GRAM_CHARS]} "
        last = len(text)
        grams = frozenset([text[i : i + n] for n in _GRAM_SIZES for i in range(last - n + 1)])
    return Read(frozenset(out), grams)


class LinearModel:
    """Two logistic scores: ``urgent`` against the rest, and any risk against none.

    Messages without any risk concept ("quiet") are read too, at thresholds of their own and
    only past a screen: a logistic score over their words alone, cheap enough for every message.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self._load(json.loads(Path(path or MODEL_PATH).read_text(encoding="utf-8")))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        """A model from the content of a model file (used by the trainer's evaluations)."""
        model = cls.__new__(cls)
        model._load(data)
        return model

    def _load(self, data: dict[str, Any]) -> None:
        self.kinds = frozenset(data.get("kinds", _LEGACY_KINDS))
        # per head: bias, the weights of named features, threshold; the character n-grams'
        # weights are kept apart, by the bare n-gram (see Read)
        self.heads: dict[str, tuple[float, dict[str, float], float]] = {
            name: (
                head["bias"],
                {f: w for f, w in head["weights"].items() if not f.startswith("g:")},
                head["threshold"],
            )
            for name, head in data["heads"].items()
        }
        self._gram_weights = {
            name: {f[2:]: w for f, w in head["weights"].items() if f.startswith("g:")}
            for name, head in data["heads"].items()
        }
        # The urgent head's threshold for lifting none -> urgent (chosen for that population;
        # absent in older model files: never).
        self.urgent_from_none = float(data["heads"]["urgent"].get("threshold_from_none", 2.0))
        quiet = data.get("quiet")
        self.reads_quiet = quiet is not None
        if quiet is not None:
            self.quiet_risk = float(quiet["risk"])
            self.quiet_urgent = float(quiet["urgent"])
            screen = quiet["screen"]
            self._screen_weights: dict[str, float] = screen["weights"]
            self._screen_bias = float(screen["bias"])
            self._screen_from = _logit(float(screen["threshold"]))

    def screen_passes(self, words: set[str]) -> bool:
        """Whether a quiet message's words look enough like risk to be read whole."""
        # map() with a default for every word: the quickest sum in pure Python
        z = self._screen_bias + sum(map(self._screen_weights.get, words, _NOUGHT))
        return z >= self._screen_from

    def _z(self, feats: Read, head: str) -> float:
        bias, weights, _ = self.heads[head]
        grams = self._gram_weights[head]
        return (
            bias
            + sum(map(weights.get, feats.names, _NOUGHT))
            + sum(map(grams.get, feats.grams, _NOUGHT))
        )

    def quiet_level(self, feats: Read) -> str:
        """``none``, ``concern`` or ``urgent`` for a quiet message, on the model's word alone."""
        if not self.passes(feats, "risk", self.quiet_risk):
            return "none"
        return "urgent" if self.passes(feats, "urgent", self.quiet_urgent) else "concern"

    def scores(self, feats: Read) -> dict[str, float]:
        """Probability-like score per head."""
        return {name: _sigmoid(self._z(feats, name)) for name in self.heads}

    def passes(self, feats: Read, head: str, threshold: float | None = None) -> bool:
        """True when the head's score reaches its threshold (or the one given)."""
        chosen = self.heads[head][2]
        return _sigmoid(self._z(feats, head)) >= (chosen if threshold is None else threshold)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))
