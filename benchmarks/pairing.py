"""Benchmark: accountability-partner matching, speed and quality.

- ``pool 10000 seconds``: wall time of :func:`cogs.partners.matching.match` on a pool of
  10,000 members, median of 3 runs (budget: under 2 s).
- ``quality vs optimum (pool 200)``: total compatibility of the proposed pairs divided by the
  optimum (networkx ``max_weight_matching`` on the same weights, every compatible pair
  allowed), averaged over several random pools (budget: at least 0.98).

Run with ``python -m benchmarks.pairing`` from the repository root.
"""

from __future__ import annotations

import random
import statistics
import time

from cogs.partners.matching import (
    FREQUENCIES,
    Candidate,
    compatibility,
    match,
    total_weight,
)

SPEED_POOL = 10_000
SPEED_BUDGET_SECONDS = 2.0
QUALITY_POOL = 200
QUALITY_SEEDS = (1, 2, 3, 4, 5)
QUALITY_BUDGET = 0.98

# Rough shape of an international community: focus, languages and current UTC offsets.
_FOCUS_WEIGHTS = {
    "alcohol": 25,
    "drugs": 12,
    "gambling": 8,
    "nicotine": 10,
    "food": 8,
    "gaming": 7,
    "mental-health": 20,
    "general": 10,
}
_LANGUAGE_WEIGHTS = {"en": 60, "es": 10, "de": 8, "fr": 7, "pt": 6, "nl": 4, "pl": 3, "it": 2}
_OFFSET_HOURS = {
    -10: 1,
    -9: 2,
    -8: 8,
    -7: 5,
    -6: 7,
    -5: 10,
    -4: 6,
    -3: 5,
    0: 8,
    1: 14,
    2: 8,
    3: 4,
    4: 2,
    5.5: 5,
    7: 2,
    8: 4,
    9: 3,
    9.5: 1,
    10: 3,
    12: 1,
}


def random_pool(size: int, seed: int) -> list[Candidate]:
    """A reproducible pool with realistic spreads of focus, language and timezone."""
    rng = random.Random(seed)
    focuses, focus_w = zip(*_FOCUS_WEIGHTS.items(), strict=True)
    languages, language_w = zip(*_LANGUAGE_WEIGHTS.items(), strict=True)
    offsets, offset_w = zip(*_OFFSET_HOURS.items(), strict=True)
    pool = []
    for n in range(size):
        langs = set(rng.choices(languages, language_w))
        roll = rng.random()
        if roll < 0.25:
            langs.add("en")
        elif roll < 0.30:
            langs.clear()  # named no language
        pool.append(
            Candidate(
                member_id=f"m{n}",
                focus=rng.choices(focuses, focus_w)[0],
                utc_offset_minutes=int(rng.choices(offsets, offset_w)[0] * 60),
                languages=frozenset(langs),
                frequency=rng.choice(FREQUENCIES),
                waiting_since=rng.uniform(0, 1e6),
            )
        )
    return pool


def optimum_weight(pool: list[Candidate]) -> float:
    """The best possible total weight (networkx, exact, every compatible pair allowed)."""
    import networkx as nx

    graph = nx.Graph()
    for i, a in enumerate(pool):
        for b in pool[i + 1 :]:
            weight = compatibility(a, b)
            if weight > 0:
                graph.add_edge(a.member_id, b.member_id, weight=weight)
    matching = nx.max_weight_matching(graph)
    return sum(graph[a][b]["weight"] for a, b in matching)


def speed(size: int = SPEED_POOL, seed: int = 0, repeats: int = 3) -> float:
    """Seconds taken to pair a pool of ``size`` members (median of ``repeats`` runs)."""
    pool = random_pool(size, seed)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        match(pool)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def quality(
    size: int = QUALITY_POOL, seeds: tuple[int, ...] = QUALITY_SEEDS
) -> tuple[float, float]:
    """Mean ratio to the optimum and mean optimum weight over ``seeds``."""
    ratios, optima = [], []
    for seed in seeds:
        pool = random_pool(size, seed)
        best = optimum_weight(pool)
        ratios.append(total_weight(pool, match(pool)) / best)
        optima.append(best)
    return sum(ratios) / len(ratios), sum(optima) / len(optima)


def run() -> list[dict]:
    """Measure both figures; one row per figure."""
    seconds = speed()
    ratio, optimum = quality()
    return [
        {
            "case": "pairing",
            "figure": f"pool {SPEED_POOL} seconds",
            "value": round(seconds, 3),
            "unit": "s",
            "reference": None,
            "ratio": None,
            "budget": SPEED_BUDGET_SECONDS,
        },
        {
            "case": "pairing",
            "figure": f"quality vs optimum (pool {QUALITY_POOL})",
            "value": round(ratio, 4),
            "unit": "ratio",
            "reference": round(optimum, 3),
            "ratio": round(ratio, 4),
            "budget": QUALITY_BUDGET,
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
