"""Throughput of the crisis detector on chat-length messages, against a naive baseline.

The corpus is generated deterministically: 96% ordinary community chat (greetings, recovery
talk, gaming, plans), 4% messages that reach the precise phase (distress phrases, idioms,
negations). The baseline is one big regex alternation of every rule phrase, run on the
lowered message, which is what a simple detector would do.

Run from the repository root: ``python -m benchmarks.crisis_detector`` (single-threaded).
"""

from __future__ import annotations

import random
import re
import time
import tomllib

from cogs.crisis.detector import RULES_PATH, Detector, phrase_regex

_SUBJECTS = ["i", "we", "my sponsor", "my cat", "the group", "everyone", "my partner", "you"]
_VERBS = ["went to", "finished", "loved", "skipped", "cooked", "watched", "planned", "cleaned"]
_OBJECTS = [
    "the meeting",
    "a long walk",
    "pasta",
    "the game",
    "my room",
    "a new book",
    "the gym",
    "coffee with a friend",
    "the morning shift",
    "a movie",
    "day 30",
    "the check-in",
]
_TAILS = [
    "",
    " lol",
    " 😂",
    " today",
    " tonight!",
    " and it was great",
    ", feeling good",
    " 💪",
    " ngl",
    " finally",
    " — so proud",
    ", anyone else?",
    " again haha",
]
_CHAT = [
    "good morning everyone ☀️",
    "how is everyone doing today?",
    "day 45 sober 🎉",
    "cravings were rough but i called my sponsor",
    "anyone up for the 7pm meeting?",
    "gg that raid was wild",
    "thanks for the support yesterday",
    "brb making tea",
    "new milestone unlocked lol",
    "what are you all reading?",
]
_CANDIDATES = [
    "this craving is killing me lol",
    "i'm not suicidal, just tired",
    "dying to get coffee",
    "i feel so hopeless today",
    "i want to die 😂 in front of my crush",
    "kms this exam",
    "i used to want to die, now i have 100 days",
    "i'm going to kill myself",
    "my phone is dying",
    "i don't want to be here anymore",
]


def corpus(n: int = 20_000, seed: int = 8, candidate_share: float = 0.04) -> list[str]:
    """``n`` chat-length messages, mostly ordinary chat, the same for every run."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        if rng.random() < candidate_share:
            out.append(rng.choice(_CANDIDATES))
        elif rng.random() < 0.3:
            out.append(rng.choice(_CHAT))
        else:
            out.append(
                f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"
                f"{rng.choice(_TAILS)}"
            )
    return out


def big_alternation() -> re.Pattern[str]:
    """Every rule phrase in one alternation: the naive detector."""
    data = tomllib.loads(RULES_PATH.read_text(encoding="utf-8"))
    phrases = [p for rule in data["rules"] for p in rule["phrases"]]
    return re.compile("|".join(phrase_regex(p) for p in phrases))


def _rate(fn, messages: list[str], repeat: int = 5) -> float:
    """Messages per second of CPU time on this core, best of ``repeat`` passes.

    CPU time rather than wall time, so other work on a shared machine does not count.
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for text in messages:
            fn(text)
        best = min(best, time.process_time() - start)
    return len(messages) / best


def run() -> list[dict]:
    """Measure both detectors on the same corpus in the same run; one row per figure."""
    messages = corpus()
    detector = Detector()
    pattern = big_alternation()
    detector.classify(messages[0])  # warm up

    def baseline(text: str) -> object:
        return pattern.search(text.lower())

    ours = _rate(detector.classify, messages)
    naive = _rate(baseline, messages)
    return [
        {
            "case": "crisis-detector",
            "figure": "messages/s",
            "value": round(ours),
            "unit": "msg/s",
            "reference": round(naive),
            "ratio": round(ours / naive, 1),
            "budget": ">= 50,000 msg/s on one core and >= 5x the big regex",
        }
    ]


if __name__ == "__main__":
    for row in run():
        print(
            f"{row['case']}: {row['value']:,} msg/s; big regex alternation baseline "
            f"{row['reference']:,} msg/s; ratio {row['ratio']}x"
        )
