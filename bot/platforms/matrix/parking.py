"""Encrypted Matrix events the bot cannot read yet, parked until their room key arrives.

A room key often arrives a sync or two after the message it opens, and a forged
``m.room.encrypted`` event never gets one. Waiting for each in turn would let anyone stall every
community (one fake event every few seconds), so unreadable events are set aside here, retried
after each sync, and never hold up the events behind them. Caps per sender and per room keep a
flood from growing the store: the oldest parked event makes room and is logged.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

PER_SENDER = 20
PER_ROOM = 50
TOTAL = 2000
KEEP_S = 3600.0  # a key later than this is not waited for


@dataclass
class Parked:
    """One unreadable event, where it was seen and since when."""

    room_id: str
    event: Any
    since: float
    told: bool = False


class ParkedEvents:
    """Unreadable events, oldest first, bounded per sender, per room and in all."""

    def __init__(
        self, *, per_sender: int = PER_SENDER, per_room: int = PER_ROOM, total: int = TOTAL
    ) -> None:
        self.per_sender = per_sender
        self.per_room = per_room
        self.total = total
        self._events: collections.OrderedDict[str, Parked] = collections.OrderedDict()

    def __len__(self) -> int:
        return len(self._events)

    def park(self, room_id: str, event: Any, now: float) -> None:
        """Set `event` aside; drop (and log) the oldest one over a cap."""
        self._events[event.event_id] = Parked(room_id, event, now)
        sender = event.sender
        caps: tuple[tuple[str, int, Callable[[Parked], bool]], ...] = (
            ("sender", self.per_sender, lambda p: p.event.sender == sender),
            ("room", self.per_room, lambda p: p.room_id == room_id),
            ("total", self.total, lambda p: True),
        )
        for what, cap, same in caps:
            matching = [key for key, p in self._events.items() if same(p)]
            for key in matching[: max(0, len(matching) - cap)]:
                dropped = self._events.pop(key)
                log.warning(
                    "matrix: dropped unreadable event %s from %s in %s (over the %s cap of %d)",
                    key,
                    dropped.event.sender,
                    dropped.room_id,
                    what,
                    cap,
                )

    def retry(self, decrypt: Callable[[Any], Any | None], now: float) -> list[tuple[str, Any]]:
        """The events that `decrypt` can read now (in the order they were parked), removed from
        the park; events parked longer than ``KEEP_S`` are given up."""
        ready: list[tuple[str, Any]] = []
        for key, parked in list(self._events.items()):
            readable = decrypt(parked.event)
            if readable is not None:
                ready.append((parked.room_id, readable))
                del self._events[key]
            elif now - parked.since > KEEP_S:
                del self._events[key]
                log.info("matrix: gave up on unreadable event %s (no key in time)", key)
        return ready

    def overdue(self, now: float, grace: float) -> list[Parked]:
        """Events still unreadable after `grace` seconds that nobody was told about yet (each is
        returned once)."""
        late = [p for p in self._events.values() if not p.told and now - p.since >= grace]
        for parked in late:
            parked.told = True
        return late
