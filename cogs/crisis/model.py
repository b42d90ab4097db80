"""A second opinion for the crisis detector: a linear model over words and concepts.

The rules (:mod:`cogs.crisis.judge`) read combinations a moderator would name; this model
scores the words and concepts of a message with weights learned from the labelled development
sets (``scripts/train_crisis_model.py`` writes ``model.json``). It can raise a message the rules
left at ``none`` or ``concern``, never lower one, so everything the rules catch stays caught.
Its features are whole words, word pairs and concept names: no text leaves the message, and a
message's explanation is the rule id ``model.urgent`` or ``model.concern``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("model.json")


def features(words: Iterable[str], concepts: Iterable[str]) -> set[str]:
    """The features of one message: words, neighbouring word pairs, concepts."""
    words = list(words)
    out = {f"w:{w}" for w in words}
    out.update(f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False))
    out.update(f"c:{c}" for c in concepts)
    return out


class LinearModel:
    """Two logistic scores: ``urgent`` against the rest, and any risk against none."""

    def __init__(self, path: Path | str | None = None) -> None:
        data = json.loads(Path(path or MODEL_PATH).read_text(encoding="utf-8"))
        self.heads: dict[str, tuple[float, dict[str, float], float]] = {
            name: (head["bias"], head["weights"], head["threshold"])
            for name, head in data["heads"].items()
        }

    def scores(self, feats: set[str]) -> dict[str, float]:
        """Probability-like score per head."""
        out = {}
        for name, (bias, weights, _) in self.heads.items():
            z = bias + sum(weights.get(f, 0.0) for f in feats)
            out[name] = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        return out

    def verdict(self, feats: set[str]) -> str | None:
        """``"urgent"``, ``"concern"`` or None when neither head passes its threshold."""
        scores = self.scores(feats)
        if scores.get("urgent", 0.0) >= self.heads["urgent"][2]:
            return "urgent"
        if scores.get("risk", 0.0) >= self.heads["risk"][2]:
            return "concern"
        return None
