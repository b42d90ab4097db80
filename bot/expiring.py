"""A bounded in-memory map whose entries expire: per-member state that must not grow with every
member who ever wrote (throwaway accounts are free to make)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

V = TypeVar("V")


class ExpiringMap(Generic[V]):
    """Entries live `ttl` after they were last put, and at most `max_items` are kept (the least
    recently put go first). Puts keep the entries in the order of their time, so dropping the
    expired ones only looks at the oldest: each put costs O(1) amortised."""

    def __init__(self, ttl: timedelta, max_items: int) -> None:
        self.ttl = ttl
        self.max_items = max_items
        self._items: OrderedDict[Hashable, tuple[datetime, V]] = OrderedDict()

    def get(self, key: Hashable, now: datetime) -> V | None:
        """The value put for `key` less than `ttl` ago, else None."""
        item = self._items.get(key)
        if item is None or now - item[0] >= self.ttl:
            return None
        return item[1]

    def put(self, key: Hashable, value: V, now: datetime) -> None:
        """Store `value` for `key` as of `now`, dropping what expired or overflows."""
        self._items[key] = (now, value)
        self._items.move_to_end(key)
        while self._items:
            stamp, _ = next(iter(self._items.values()))
            if now - stamp < self.ttl and len(self._items) <= self.max_items:
                break
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
