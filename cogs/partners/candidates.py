"""Each member's most compatible partners, found without scoring every pair (the first step of
a pairing round, :mod:`cogs.partners.matching`)."""

from __future__ import annotations

import heapq
from collections.abc import Callable

from cogs.partners.compatibility import (
    FREQUENCIES,
    WEIGHT_TIMEZONE,
    Candidate,
    static_score,
    timezone_score,
)


class CandidateFinder:
    """Finds each member's k most compatible partners without scoring every pair.

    Members fall into classes (focus, frequency, languages) and, within a class, groups of
    equal UTC offset.  For each (class, offset) profile the groups are visited best weight
    first, and the search stops once the groups kept hold enough members.  Members of one
    profile share that list and take members from it in turn.
    """

    def __init__(self, members: list[Candidate], blocked: Callable[[int, int], bool] | None):
        self.members = members
        self.blocked = blocked
        class_of: dict[tuple[str, int, frozenset[str]], int] = {}
        self.klass: list[int] = []
        for c in members:
            key = (c.focus, FREQUENCIES.index(c.frequency), c.languages)
            self.klass.append(class_of.setdefault(key, len(class_of)))
        self.keys = list(class_of)
        self.by_offset: list[dict[int, list[int]]] = [{} for _ in self.keys]
        for i, c in enumerate(members):
            self.by_offset[self.klass[i]].setdefault(c.utc_offset_minutes, []).append(i)
        self.order = self._class_order()
        self.static = [dict((other, static) for static, other in row) for row in self.order]
        # Every offset in the pool, by timezone score from a given offset.
        self.offsets = sorted({c.utc_offset_minutes for c in members})
        self._offset_ranking: dict[int, list[tuple[float, int]]] = {}
        self._groups: dict[tuple[int, int], list[tuple[float, list[int]]]] = {}
        self._sequences: dict[tuple[int, int, int], tuple] = {}
        self._tz: dict[tuple[int, int], float] = {}
        # ceiling[i]: no member outside i's candidate list suits i better than this.
        self.ceiling = [1.0] * len(members)

    def score(self, i: int, j: int) -> float:
        """``compatibility`` of members i and j, from the per-class tables."""
        static = self.static[self.klass[i]].get(self.klass[j])
        if static is None:
            return 0.0
        a, b = self.members[i].utc_offset_minutes, self.members[j].utc_offset_minutes
        tz = self._tz.get((a, b))
        if tz is None:
            tz = self._tz[(a, b)] = timezone_score(a, b)
        return static + WEIGHT_TIMEZONE * tz

    def fill(self, weights: list[dict[int, float]], k: int) -> None:
        """Record every member's candidates, both ways, in ``weights``."""
        blocked = self.blocked
        one_way: list[list[tuple[int, float]]] = []
        for i, c in enumerate(self.members):
            need = k + 1  # one spare: a member may find itself
            while True:
                head, head_weights, tail, tail_weight, complete = self._sequence(
                    self.klass[i], c.utc_offset_minutes, need
                )
                row = dict(zip(head, head_weights, strict=True))
                if tail:
                    # Only the last group is cut short; twins start it at different places
                    # so that their choices spread over the whole group.
                    size = len(tail)
                    take = min(size, need - len(head))
                    start = i % size
                    picked = tail[start : start + take] + tail[: max(0, start + take - size)]
                    row.update(dict.fromkeys(picked, tail_weight))
                row.pop(i, None)
                if blocked is not None:
                    for j in [j for j in row if blocked(i, j)]:
                        del row[j]
                if len(row) >= k or complete:
                    break
                need *= 2  # blocked pairs ate into the list: look further
            one_way.append(list(row.items()))
            self.ceiling[i] = min(row.values()) if len(row) >= k and not complete else 0.0
        for i, row_items in enumerate(one_way):
            weights[i].update(row_items)
            for j, w in row_items:
                weights[j][i] = w

    def _sequence(
        self, klass: int, offset: int, need: int
    ) -> tuple[list[int], list[float], list[int], float, bool]:
        """The ``need`` best partners for a profile.

        Returns the members of every group taken whole with their weights, the last group
        (from which only part may be needed) with its weight, and whether every compatible
        member was considered.
        """
        key = (klass, offset, need)
        cached = self._sequences.get(key)
        if cached is not None:
            return cached
        kept: list[tuple[float, int, list[int]]] = []  # min-heap: the worst kept group on top
        total = 0
        complete = True
        serial = 0
        for static, other in self.order[klass]:
            if total >= need and static + WEIGHT_TIMEZONE <= kept[0][0]:
                complete = False
                break
            for tz, group in self._offset_groups(other, offset):
                weight = static + WEIGHT_TIMEZONE * tz
                if total >= need and weight <= kept[0][0]:
                    complete = False
                    break
                serial -= 1  # among equal weights, groups found earlier sort first
                heapq.heappush(kept, (weight, serial, group))
                total += len(group)
                while total - len(kept[0][2]) >= need:
                    total -= len(heapq.heappop(kept)[2])
                    complete = False
        ordered = sorted(kept, reverse=True)
        head: list[int] = []
        head_weights: list[float] = []
        for weight, _, group in ordered[:-1]:
            head.extend(group)
            head_weights.extend([weight] * len(group))
        tail_weight, tail = (ordered[-1][0], ordered[-1][2]) if ordered else (0.0, [])
        result = (head, head_weights, tail, tail_weight, complete)
        self._sequences[key] = result
        return result

    def _offset_groups(self, klass: int, offset: int) -> list[tuple[float, list[int]]]:
        """A class's offset groups with their timezone score for ``offset``, best first."""
        groups = self._groups.get((klass, offset))
        if groups is None:
            ranking = self._offset_ranking.get(offset)
            if ranking is None:
                ranking = sorted(
                    ((timezone_score(offset, other), other) for other in self.offsets),
                    key=lambda e: -e[0],
                )
                self._offset_ranking[offset] = ranking
            present = self.by_offset[klass]
            groups = [(tz, present[other]) for tz, other in ranking if other in present]
            self._groups[(klass, offset)] = groups
        return groups

    def _class_order(self) -> list[list[tuple[float, int]]]:
        """For each class, the classes it can pair with, best static score first."""
        keys = self.keys
        by_language: dict[str, list[int]] = {}
        silent: list[int] = []  # classes that named no language talk to everyone
        for c, (_, _, langs) in enumerate(keys):
            for lang in langs:
                by_language.setdefault(lang, []).append(c)
            if not langs:
                silent.append(c)
        order = []
        for focus, freq, langs in keys:
            if langs:
                reachable = set(silent)
                for lang in langs:
                    reachable.update(by_language[lang])
            else:
                reachable = set(range(len(keys)))
            row = []
            for other in reachable:
                o_focus, o_freq, o_langs = keys[other]
                static = static_score(focus, freq, langs, o_focus, o_freq, o_langs)
                if static is not None:
                    row.append((static, other))
            row.sort(key=lambda e: (-e[0], e[1]))
            order.append(row)
        return order
