"""Pairing members who asked for an accountability partner.

Pure functions, no I/O: the cog reads the pool and the pairs that must not be proposed
(blocks, current partners, pairs that ended recently) from storage, calls :func:`match`, and
stores the result.

How a round is paired (near-linear in the pool size):

1. Candidates: every member gets about ``k`` of their most compatible partners.  Members are
   grouped into classes of equal focus, frequency and languages, and a class into groups of
   equal UTC offset; the search visits the best classes and nearest offsets first and stops
   once nothing left can beat what it has.  Forbidden pairs never become candidates.
2. Greedy: heaviest pairs first; on equal weight the member who waited longest goes first.
3. Local search until nothing improves (at most ``max_rounds`` passes): free members join
   through augmenting paths, and pairs trade partners along alternating cycles (two-pair
   swaps and longer rotations) whenever that raises the total compatibility.

There is no randomness: the same pool, in any order, gives the same result.  On random pools
of 200 the total compatibility is within about 1% of the exact optimum
(``benchmarks/pairing.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from cogs.partners.candidates import CandidateFinder
from cogs.partners.compatibility import (
    FOCUSES,
    FREQUENCIES,
    Candidate,
    compatibility,
    waking_overlap_minutes,
)

__all__ = [  # the scores live in compatibility.py; callers may take them from here too
    "FOCUSES",
    "FREQUENCIES",
    "Candidate",
    "MatchResult",
    "compatibility",
    "match",
    "total_weight",
    "waking_overlap_minutes",
]

# Candidates per member: 30, fewer in very large pools so that the candidate graph stays
# within CANDIDATE_EDGE_BUDGET edges (on a 10,000 pool, 15 instead of 30 costs < 0.05%).
DEFAULT_CANDIDATES = 30
MIN_CANDIDATES = 15
CANDIDATE_EDGE_BUDGET = 150_000
DEFAULT_ROUNDS = 50
_EPS = 1e-12
# Local search: how many pairs one rotation may involve, and how many partners to try per
# step.  Pools up to DEEP_SEARCH_POOL members get the deeper (slower, better) search.
ROTATION_DEPTH = 3
ROTATION_BREADTH = 5
DEEP_ROTATION_DEPTH = 5
DEEP_ROTATION_BREADTH = 4
DEEP_SEARCH_POOL = 2000


@dataclass
class MatchResult:
    """The proposal for one round; members are named by ``member_id``.

    ``leftover`` lists members who wait for the next round, longest-waiting first.
    """

    pairs: list[tuple[str, str]] = field(default_factory=list)
    trios: list[tuple[str, str, str]] = field(default_factory=list)
    leftover: list[str] = field(default_factory=list)


Forbidden = Callable[[str, str], bool] | set[frozenset[str]] | frozenset[frozenset[str]]


def match(
    pool: Sequence[Candidate],
    *,
    forbidden: Forbidden = frozenset(),
    allow_trio: bool = False,
    candidates_per_member: int | None = None,
    max_rounds: int = DEFAULT_ROUNDS,
) -> MatchResult:
    """Pair the members of ``pool`` for one round.

    ``forbidden`` holds the pairs never to propose (blocks, current partners, pairs that ended
    recently), as a set of two-member frozensets or a predicate ``(id_a, id_b) -> bool``; a
    predicate is asked in both orders.  Incompatible members (no shared language) are never
    paired either.

    Everyone who can be paired is, as far as the search finds.  In an odd pool the newest
    member is the one left over; with ``allow_trio`` each leftover joins the pair that suits
    them best as a trio, otherwise they wait in ``leftover`` (first in line next round).

    ``candidates_per_member`` and ``max_rounds`` tune the search; the defaults suit pools
    from 2 to 10,000+ members.
    """
    members = sorted(pool, key=lambda c: (c.waiting_since, c.member_id))
    ids = [c.member_id for c in members]
    if len(set(ids)) != len(ids):
        raise ValueError("a member appears twice in the pool")
    k = candidates_per_member
    if k is None:
        k = max(MIN_CANDIDATES, min(DEFAULT_CANDIDATES, CANDIDATE_EDGE_BUDGET // max(1, len(ids))))
    matcher = _Matcher(members, _blocked_check(forbidden, ids), max(1, k))
    matcher.run(max_rounds)
    trios = matcher.form_trios() if allow_trio else []
    in_trio = {i for trio in trios for i in trio}
    result = MatchResult()
    for a in range(len(members)):
        b = matcher.mate[a]
        if a < b and a not in in_trio:
            result.pairs.append((ids[a], ids[b]))
        elif b < 0 and a not in in_trio:
            result.leftover.append(ids[a])
    result.trios = [(ids[a], ids[b], ids[c]) for a, b, c in trios]
    return result


def _blocked_check(forbidden: Forbidden, ids: list[str]) -> Callable[[int, int], bool] | None:
    """Turn ``forbidden`` into a check on member indices; None when nothing is forbidden."""
    if callable(forbidden):
        predicate = forbidden
        return lambda i, j: bool(predicate(ids[i], ids[j]) or predicate(ids[j], ids[i]))
    index = {member_id: i for i, member_id in enumerate(ids)}
    blocked: dict[int, set[int]] = {}
    for pair in forbidden:
        if len(pair) != 2:
            continue
        x, y = pair
        if x in index and y in index:
            blocked.setdefault(index[x], set()).add(index[y])
            blocked.setdefault(index[y], set()).add(index[x])
    if not blocked:
        return None
    return lambda i, j: j in blocked.get(i, ())


class _Matcher:
    """Matching state over members indexed by priority (0 waited longest).

    ``ranked[i]`` lists i's candidates as ``(-weight, j)``, best first (a native tuple sort).
    """

    def __init__(
        self,
        members: list[Candidate],
        blocked: Callable[[int, int], bool] | None,
        k: int,
    ) -> None:
        self.members = members
        self.n = len(members)
        self.blocked = blocked
        self.mate = [-1] * self.n
        self.mate_weight = [0.0] * self.n
        # Sidelined members take part only in the final phase (the odd pool's newest).
        self.available = [True] * self.n
        self.weights: list[dict[int, float]] = [{} for _ in range(self.n)]
        self.touched: set[int] = set()  # members re-paired since the last look
        deep = self.n <= DEEP_SEARCH_POOL
        self.depth = DEEP_ROTATION_DEPTH if deep else ROTATION_DEPTH
        self.breadth = DEEP_ROTATION_BREADTH if deep else ROTATION_BREADTH
        self.finder = CandidateFinder(members, blocked)
        self.finder.fill(self.weights, k)
        self.ranked = [sorted([(-w, j) for j, w in row.items()]) for row in self.weights]

    def run(self, max_rounds: int) -> None:
        """Greedy, then local search; an odd pool's newest member joins only at the end."""
        if self.n % 2 == 1:
            self.available[self.n - 1] = False
        self._greedy()
        self._improve(max_rounds)
        if not all(self.available):
            self.available = [True] * self.n
            self._improve(max_rounds)

    def _pair(self, a: int, b: int, weight: float) -> None:
        self.mate[a], self.mate[b] = b, a
        self.mate_weight[a] = self.mate_weight[b] = weight
        self.touched.update((a, b))

    def _is_free(self, i: int) -> bool:
        return self.mate[i] < 0 and self.available[i]

    def _greedy(self) -> None:
        """Greedy matching (heaviest pair first), computed the "suitor" way.

        Each member proposes to the best candidate whose current offer is weaker; a displaced
        suitor proposes again.  The result is the heaviest-first greedy matching, but only the
        top of each candidate list is ever read.  On equal weight the member who waited
        longest (lowest index) wins.
        """
        n = self.n
        available, ranked = self.available, self.ranked
        suitor = [-1] * n
        offer = [0.0] * n
        cursor = [0] * n  # offers only grow, so a candidate passed over stays passed over
        for start in range(n):
            current = start if available[start] else -1
            while current >= 0:
                row = ranked[current]
                position = cursor[current]
                chosen = -1
                while position < len(row):
                    neg_w, v = row[position]
                    w = -neg_w
                    if available[v] and (
                        w > offer[v] or (w == offer[v] and 0 <= current < suitor[v])
                    ):
                        chosen = v
                        break
                    position += 1
                cursor[current] = position
                if chosen < 0:
                    break
                displaced = suitor[chosen]
                suitor[chosen], offer[chosen] = current, w
                current = displaced
        for u in range(n):
            v = suitor[u]
            if v > u and suitor[v] == u:
                self._pair(u, v, offer[u])

    def _improve(self, max_rounds: int) -> None:
        """Local search; after a first full pass only re-paired members are looked at again."""
        todo: Iterable[int] = range(self.n)
        for _ in range(max_rounds):
            self.touched = set()
            self._augment_short()
            self._rotate(todo)
            if not self.touched:
                break
            todo = sorted(self.touched)
        self.touched = set()
        self._augment_long()
        self._pair_free_directly()
        for _ in range(max_rounds):
            if not self.touched:
                break
            todo = sorted(self.touched)
            self.touched = set()
            self._rotate(todo)

    def _augment_short(self) -> None:
        """Join free members: directly, or through u-v, x-y where v-x was a pair."""
        free = [u for u in range(self.n) if self.mate[u] < 0 and self.available[u]]
        # Who has a free member among their candidates, and which ones (best first).
        near_free: dict[int, list[tuple[float, int]]] = {}
        for y in free:
            for neg_w, x in self.ranked[y]:
                near_free.setdefault(x, []).append((neg_w, y))
        for options in near_free.values():
            options.sort()
        for u in free:
            if not self._is_free(u):
                continue
            best: tuple[float, int, int, int] | None = None
            for neg_uv, v in self.ranked[u]:
                if self._is_free(v):
                    self._pair(u, v, -neg_uv)
                    best = None
                    break
                x = self.mate[v]
                if x < 0:
                    continue
                for neg_xy, y in near_free.get(x, ()):
                    if y != u and self._is_free(y):
                        gain = -neg_uv - neg_xy - self.mate_weight[v]
                        if best is None or gain > best[0]:
                            best = (gain, v, x, y)
                        break
            if best is not None:
                _, v, x, y = best
                self._pair(u, v, self.weights[u][v])
                self._pair(x, y, self.weights[x][y])

    def _augment_long(self, limit: int = 2000) -> None:
        """Join free members through longer alternating paths (breadth first, bounded)."""
        free = [u for u in range(self.n) if self.mate[u] < 0 and self.available[u]]
        for u in free:
            if self._is_free(u):
                self._augment_from(u, limit)

    def _augment_from(self, u: int, limit: int) -> bool:
        # parent[z] = (y, x): outer member z was reached as the partner of y, next to x.
        parent: dict[int, tuple[int, int]] = {u: (-1, -1)}
        inner: set[int] = set()
        queue = [u]
        for x in queue:
            for _, y in self.ranked[x]:
                if y in inner or y in parent:
                    continue
                if self._is_free(y):
                    self._flip(parent, x, y)
                    return True
                z = self.mate[y]
                if z < 0:
                    continue  # sidelined
                inner.add(y)
                parent[z] = (y, x)
                queue.append(z)
            if len(queue) > limit:
                return False
        return False

    def _flip(self, parent: dict[int, tuple[int, int]], x: int, y: int) -> None:
        """Swap matched and unmatched edges along the path ending in x-y."""
        while True:
            self._pair(x, y, self.weights[x][y])
            y, x = parent[x]
            if y < 0:
                return

    def _pair_free_directly(self, max_free: int = 400) -> None:
        """Free members compatible with each other but outside each other's candidates."""
        free = [i for i in range(self.n) if self._is_free(i)]
        if len(free) > max_free:
            return
        edges = []
        for pos, a in enumerate(free):
            for b in free[pos + 1 :]:
                w = self._weight(a, b)
                if w is not None:
                    edges.append((-w, a, b))
        for neg_w, a, b in sorted(edges):
            if self.mate[a] < 0 and self.mate[b] < 0:
                self._pair(a, b, -neg_w)

    def _rotate(self, todo: Iterable[int]) -> None:
        """Re-pair members along alternating cycles when that raises the total weight.

        From a pair a-b: b takes a new partner y, y's partner z takes another, ... and the
        last one left pairs with a.  With two pairs this is a partner swap; a rotation
        involves up to ``depth + 1`` pairs and, as in Lin-Kernighan, only follows steps
        whose running gain stays positive (so it starts from partners a member likes better).
        """
        for a in todo:
            b = self.mate[a]
            if b >= 0:
                self._extend(a, b, -self.mate_weight[a], {a, b}, [], self.depth)

    def _extend(
        self,
        a: int,
        x: int,
        gain: float,
        used: set[int],
        new_pairs: list[tuple[int, int, float]],
        depth: int,
    ) -> bool:
        tried = 0
        for neg_xy, y in self.ranked[x]:
            w_xy = -neg_xy
            if gain + w_xy <= _EPS:
                break  # candidates are best first: no later one keeps the gain positive
            z = self.mate[y]
            if z < 0 or y in used or z in used:
                continue
            step = gain + w_xy - self.mate_weight[y]
            w_za = self.weights[a].get(z)
            if w_za is None and step + self.finder.ceiling[a] > _EPS:
                w_za = self._weight(z, a)
            if w_za is not None and step + w_za > _EPS:
                for p, q, w in [*new_pairs, (x, y, w_xy), (z, a, w_za)]:
                    self._pair(p, q, w)
                return True
            if depth > 1:
                used.update((y, z))
                new_pairs.append((x, y, w_xy))
                if self._extend(a, z, step, used, new_pairs, depth - 1):
                    return True
                new_pairs.pop()
                used.difference_update((y, z))
            tried += 1
            if tried == self.breadth:
                break
        return False

    def _weight(self, i: int, j: int) -> float | None:
        """Weight of a pair that may lie outside the candidate lists; None if not allowed."""
        known = self.weights[i].get(j)
        if known is not None:
            return known
        if self.blocked is not None and self.blocked(i, j):
            return None
        weight = self.finder.score(i, j)
        return weight if weight > 0 else None

    def form_trios(self) -> list[tuple[int, int, int]]:
        """Each leftover joins the pair it suits best (both must be allowed); one per pair."""
        trios: list[tuple[int, int, int]] = []
        taken: set[int] = set()
        for u in range(self.n):
            if self.mate[u] >= 0:
                continue
            best: tuple[float, int, int] | None = None
            for a in range(self.n):
                b = self.mate[a]
                if b < a or a in taken:
                    continue
                w_a, w_b = self._weight(u, a), self._weight(u, b)
                if w_a is not None and w_b is not None and (best is None or w_a + w_b > best[0]):
                    best = (w_a + w_b, a, b)
            if best is not None:
                _, a, b = best
                taken.update((a, b))
                trios.append((a, b, u))
        return trios


def total_weight(pool: Iterable[Candidate], result: MatchResult) -> float:
    """Sum of the compatibility of every proposed pair (a trio counts its three pairs)."""
    by_id = {c.member_id: c for c in pool}
    total = sum(compatibility(by_id[a], by_id[b]) for a, b in result.pairs)
    for a, b, c in result.trios:
        total += sum(compatibility(by_id[x], by_id[y]) for x, y in ((a, b), (a, c), (b, c)))
    return total
