"""A sliding-window rate limiter (in memory) for commands and other bursts, and how a wait is said."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable
from datetime import datetime, timedelta

from bot.expiring import ExpiringMap
from bot.i18n import ENGLISH, Translator

# Keys held at most: more members than this sending within one period are not expected; past
# it the least recently counted are forgotten first.
MAX_KEYS = 50_000


class RateLimiter:
    """Allows `limit` events per `period` per key. A refused event is not counted, so the wait
    never grows while someone keeps trying."""

    def __init__(self, limit: int, period: timedelta, max_keys: int = MAX_KEYS) -> None:
        self.limit = limit
        self.period = period
        # A key whose last counted event is a period old has nothing left to limit: it expires.
        self._events: ExpiringMap[deque[datetime]] = ExpiringMap(period, max_keys)

    def hit(self, key: Hashable, now: datetime) -> bool:
        """Whether this event is allowed (and counted)."""
        events = self._events.get(key, now) or deque()
        while events and now - events[0] >= self.period:
            events.popleft()
        if len(events) < self.limit:
            events.append(now)
            self._events.put(key, events, now)
            return True
        return False

    def __len__(self) -> int:
        """How many keys are held (for checking that memory stays bounded)."""
        return len(self._events)

    def retry_after(self, key: Hashable, now: datetime) -> timedelta:
        """How long until the next event would be allowed."""
        events = self._events.get(key, now)
        if not events or len(events) < self.limit:
            return timedelta(0)
        return max(timedelta(0), events[0] + self.period - now)


def say_wait(wait: timedelta, tr: Translator = ENGLISH) -> str:
    """A wait as people say it: "about 40 seconds", "about a minute", "about 2 minutes"."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        if seconds == 1:
            return tr.gettext("about a second")
        return tr.plural("about {count} second", "about {count} seconds", seconds)
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        if minutes == 1:
            return tr.gettext("about a minute")
        return tr.plural("about {count} minute", "about {count} minutes", minutes)
    hours = round(minutes / 60)
    if hours == 1:
        return tr.gettext("about an hour")
    return tr.plural("about {count} hour", "about {count} hours", hours)
