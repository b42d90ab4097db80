"""Accountability-partner matching: who gets paired with whom, and who waits."""

from __future__ import annotations

import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.partners.matching import (
    FOCUSES,
    FREQUENCIES,
    Candidate,
    MatchResult,
    compatibility,
    match,
    total_weight,
    waking_overlap_minutes,
)

FOCUS_LIST = sorted(FOCUSES)


def member(
    member_id: str,
    *,
    focus: str = "alcohol",
    offset_hours: float = 0,
    languages: tuple[str, ...] = ("en",),
    frequency: str = "daily",
    waiting_since: float = 0.0,
) -> Candidate:
    return Candidate(
        member_id=member_id,
        focus=focus,
        utc_offset_minutes=int(offset_hours * 60),
        languages=frozenset(languages),
        frequency=frequency,
        waiting_since=waiting_since,
    )


def random_pool(size: int, seed: int, languages: tuple[str, ...] = ("en", "es", "de")) -> list:
    rng = random.Random(seed)
    pool = []
    for n in range(size):
        langs = {rng.choice(languages)}
        if rng.random() < 0.3:
            langs.add("en")
        pool.append(
            member(
                f"m{n}",
                focus=rng.choice(FOCUS_LIST),
                offset_hours=rng.choice([-8, -5, -3, 0, 1, 2, 5.5, 8, 10]),
                languages=tuple(langs),
                frequency=rng.choice(FREQUENCIES),
                waiting_since=rng.uniform(0, 1000),
            )
        )
    return pool


def groups(result: MatchResult) -> list[frozenset[str]]:
    return [frozenset(p) for p in result.pairs] + [frozenset(t) for t in result.trios]


def assert_valid(pool: list[Candidate], result: MatchResult, forbidden=frozenset()) -> None:
    """Everyone appears exactly once; no group holds a forbidden or incompatible pair."""
    by_id = {c.member_id: c for c in pool}
    seen = [m for g in result.pairs + result.trios for m in g] + result.leftover
    assert sorted(seen) == sorted(by_id)
    for group in groups(result):
        for a in group:
            for b in group:
                if a < b:
                    assert frozenset((a, b)) not in forbidden
                    assert compatibility(by_id[a], by_id[b]) > 0


# -- compatibility ---------------------------------------------------------------------------


def test_an_ideal_pair_scores_one_and_no_shared_language_scores_zero():
    assert compatibility(member("a"), member("b")) == pytest.approx(1.0)
    assert compatibility(member("a", languages=("en",)), member("b", languages=("fr",))) == 0.0
    # Naming no language is not a mismatch, only less certain.
    assert 0 < compatibility(member("a", languages=()), member("b", languages=("fr",))) < 1


def test_compatibility_is_symmetric_and_each_factor_counts():
    base = member("a")
    for other in (
        member("b", focus="gambling"),
        member("b", focus="general"),
        member("b", frequency="weekly"),
        member("b", offset_hours=9),
        member("b", languages=("en", "de")),
    ):
        assert compatibility(base, other) == pytest.approx(compatibility(other, base))
    assert compatibility(base, member("b", focus="general")) > compatibility(
        base, member("b", focus="gambling")
    )
    assert compatibility(base, member("b", frequency="few-times-a-week")) > compatibility(
        base, member("b", frequency="weekly")
    )
    assert compatibility(base, member("b", offset_hours=2)) > compatibility(
        base, member("b", offset_hours=9)
    )


def test_waking_hours_overlap_across_timezones():
    assert waking_overlap_minutes(0, 0) == 14 * 60
    assert waking_overlap_minutes(0, 60) == 13 * 60
    assert waking_overlap_minutes(0, 5 * 60 + 30) == 8 * 60 + 30
    # Half a world apart, 08-10 and 20-22 are still shared.
    assert waking_overlap_minutes(0, 12 * 60) == 4 * 60
    # UTC-10 and UTC+14 are the same wall clock, a day apart.
    assert waking_overlap_minutes(-10 * 60, 14 * 60) == 14 * 60


def test_unknown_focus_or_frequency_is_refused():
    with pytest.raises(ValueError):
        member("a", focus="sports")
    with pytest.raises(ValueError):
        member("a", frequency="hourly")


# -- small pools -----------------------------------------------------------------------------


def test_empty_and_single_member_pools():
    assert match([]) == MatchResult()
    assert match([member("a")]) == MatchResult(leftover=["a"])
    assert match([member("a")], allow_trio=True) == MatchResult(leftover=["a"])


def test_two_members_are_paired_unless_they_cannot_be():
    a, b = member("a"), member("b")
    assert len(match([a, b]).pairs) == 1
    assert match([a, b], forbidden={frozenset(("a", "b"))}).leftover == ["a", "b"]
    french = member("b", languages=("fr",), waiting_since=-1)
    assert match([a, french]).leftover == ["b", "a"]  # longest-waiting first


def test_a_member_cannot_be_in_the_pool_twice():
    with pytest.raises(ValueError):
        match([member("a"), member("a")])


# -- preferences -----------------------------------------------------------------------------


def test_same_focus_is_preferred():
    pool = [
        member("ann", focus="alcohol"),
        member("bob", focus="gambling"),
        member("cat", focus="alcohol"),
        member("dan", focus="gambling"),
    ]
    assert set(groups(match(pool))) == {frozenset({"ann", "cat"}), frozenset({"bob", "dan"})}


def test_timezone_overlap_matters():
    pool = [
        member("berlin", offset_hours=1),
        member("seattle", offset_hours=-8),
        member("paris", offset_hours=1),
        member("denver", offset_hours=-7),
    ]
    result = match(pool)
    assert set(groups(result)) == {
        frozenset({"berlin", "paris"}),
        frozenset({"seattle", "denver"}),
    }


def test_shared_language_is_required():
    pool = [
        member("a", languages=("es",)),
        member("b", languages=("en",)),
        member("c", languages=("en", "es")),
        member("d", languages=("de",)),
    ]
    result = match(pool)
    assert_valid(pool, result)
    assert "d" in result.leftover


# -- forbidden pairs -------------------------------------------------------------------------


def test_forbidden_pairs_are_never_proposed_even_when_best():
    pool = [member("a"), member("b"), member("c", focus="food"), member("d", focus="food")]
    forbidden = {frozenset(("a", "b")), frozenset(("c", "d"))}
    result = match(pool, forbidden=forbidden)
    assert_valid(pool, result, forbidden)
    assert len(result.pairs) == 2


def test_forbidden_can_be_a_one_way_predicate():
    pool = [member("a"), member("b"), member("c", focus="food"), member("d", focus="food")]
    blocks = {("b", "a")}  # b blocked a; a did not block b

    result = match(pool, forbidden=lambda x, y: (x, y) in blocks)
    assert frozenset(("a", "b")) not in groups(result)
    assert not result.leftover


def test_a_member_blocked_from_all_their_best_matches_still_gets_a_partner():
    # Everyone but "outsider" would suit "picky" better; all of those pairs are forbidden.
    pool = [member("picky")] + [member(f"twin{n}") for n in range(60)]
    pool.append(member("outsider", focus="food", offset_hours=9, frequency="weekly"))
    forbidden = {frozenset(("picky", f"twin{n}")) for n in range(60)}
    result = match(pool, forbidden=forbidden, candidates_per_member=10)
    assert_valid(pool, result, forbidden)
    assert frozenset(("picky", "outsider")) in groups(result)


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(0, 40),
    seed=st.integers(0, 10_000),
    blocked_share=st.floats(0, 0.5),
    allow_trio=st.booleans(),
)
def test_random_pools_respect_every_rule(size, seed, blocked_share, allow_trio):
    pool = random_pool(size, seed)
    rng = random.Random(seed)
    ids = [c.member_id for c in pool]
    forbidden = {
        frozenset((a, b))
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
        if rng.random() < blocked_share
    }
    result = match(pool, forbidden=forbidden, allow_trio=allow_trio, candidates_per_member=8)
    assert_valid(pool, result, forbidden)
    if not allow_trio:
        assert not result.trios


# -- everyone matched, leftovers and trios ---------------------------------------------------


@pytest.mark.parametrize("size", [2, 10, 64, 500])
def test_everyone_is_matched_in_an_even_compatible_pool(size):
    pool = random_pool(size, seed=size, languages=("en",))
    result = match(pool)
    assert_valid(pool, result)
    assert len(result.pairs) == size // 2
    assert not result.leftover


def test_many_identical_members_all_find_partners():
    pool = [member(f"m{n}", waiting_since=n) for n in range(400)]
    result = match(pool)
    assert len(result.pairs) == 200 and not result.leftover


@pytest.mark.parametrize("seed", range(6))
def test_odd_pool_leaves_the_newest_member_waiting(seed):
    pool = random_pool(41, seed, languages=("en",))
    newest = max(pool, key=lambda c: c.waiting_since)
    oldest = min(pool, key=lambda c: c.waiting_since)
    result = match(pool)
    assert result.leftover == [newest.member_id]
    assert oldest.member_id not in result.leftover
    assert not result.trios


@pytest.mark.parametrize("seed", range(6))
def test_odd_pool_with_trios_leaves_nobody_waiting(seed):
    pool = random_pool(41, seed, languages=("en",))
    newest = max(pool, key=lambda c: c.waiting_since)
    result = match(pool, allow_trio=True)
    assert_valid(pool, result)
    assert not result.leftover
    assert len(result.trios) == 1 and len(result.pairs) == 19
    assert newest.member_id in result.trios[0]


def test_three_members_form_a_trio_only_when_allowed():
    pool = [member("a", waiting_since=1), member("b", waiting_since=2), member("c")]
    assert match(pool, allow_trio=True).trios and not match(pool, allow_trio=True).leftover
    waiting = match(pool)
    assert waiting.leftover == ["b"]  # the newest waits; "c" waited longest
    assert len(waiting.pairs) == 1


def test_a_trio_never_joins_a_forbidden_pair():
    pool = [member("a", waiting_since=1), member("b", waiting_since=2), member("c")]
    forbidden = {frozenset(("b", "c"))}
    result = match(pool, allow_trio=True, forbidden=forbidden)
    assert result.trios == []
    assert result.leftover == ["b"]


def test_the_longest_waiting_member_is_paired_when_only_one_partner_fits():
    # Only "bridge" speaks both languages; the member who waited longest gets them.
    pool = [
        member("veteran", languages=("es",), waiting_since=0),
        member("bridge", languages=("es", "de"), waiting_since=5),
        member("newcomer", languages=("de",), waiting_since=9),
    ]
    result = match(pool)
    assert result.pairs == [("veteran", "bridge")]
    assert result.leftover == ["newcomer"]


def test_on_equal_compatibility_the_longest_waiting_member_wins():
    pool = [
        member("newcomer", languages=("de",), waiting_since=9),
        member("bridge", languages=("es", "de"), waiting_since=5),
        member("veteran", languages=("es",), waiting_since=0),
        member("visitor", languages=("fr",), waiting_since=3),
    ]
    result = match(pool)
    assert result.pairs == [("veteran", "bridge")]
    assert result.leftover == ["visitor", "newcomer"]


# -- determinism and quality -----------------------------------------------------------------


def test_result_does_not_depend_on_the_order_of_the_pool():
    pool = random_pool(300, seed=7)
    first = match(pool)
    shuffled = pool[:]
    random.Random(1).shuffle(shuffled)
    assert match(shuffled) == first
    assert match(pool) == first


def optimum(pool: list[Candidate]) -> float:
    graph = nx.Graph()
    for i, a in enumerate(pool):
        for b in pool[i + 1 :]:
            weight = compatibility(a, b)
            if weight > 0:
                graph.add_edge(a.member_id, b.member_id, weight=weight)
    return sum(graph[a][b]["weight"] for a, b in nx.max_weight_matching(graph))


@pytest.mark.parametrize("seed", range(4))
def test_total_compatibility_is_near_the_optimum(seed):
    pool = random_pool(60, seed)
    result = match(pool)
    assert total_weight(pool, result) >= 0.98 * optimum(pool)
