"""A member's last few short messages, so a crisis typed fast in pieces is read whole.

People in distress often type in bursts: "i took" / "all my pills". Each piece alone says
nothing; together they are an overdose. This keeps, in memory only and for a minute and a half,
the last short messages of each member in each channel, and gives the text they make together.
Nothing is stored: a restart forgets it, and so does time.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

# A piece typed fast is short; a longer message stands on its own.
PIECE_CHARS = 60
# How long after the previous piece the next one still continues it.
GAP = timedelta(seconds=90)
# How many earlier pieces are read with the newest one.
EARLIER_PIECES = 4
# How many member-and-channel threads are kept at most (the oldest are forgotten first).
THREADS_KEPT = 5_000

Where = tuple[str, str, str, str]  # platform, community, channel, member


class Fragments:
    """Recent short messages per member and channel, forgotten after :data:`GAP`."""

    def __init__(self) -> None:
        self._pieces: OrderedDict[Where, list[tuple[datetime, str]]] = OrderedDict()

    def joined(self, where: Where, text: str, now: datetime) -> str | None:
        """Remember ``text`` (if short) and return it joined to the pieces just before it, or
        None when there are none (or ``text`` is not a short piece)."""
        if len(text) > PIECE_CHARS or not text.strip():
            self._pieces.pop(where, None)  # a long message ends a burst
            return None
        earlier = [
            (at, piece)
            for at, piece in self._pieces.pop(where, [])
            if timedelta(0) <= now - at <= GAP * EARLIER_PIECES
        ]
        # only the run of pieces each within GAP of the next one counts
        run: list[tuple[datetime, str]] = []
        last = now
        for at, piece in reversed(earlier):
            if last - at > GAP:
                break
            run.insert(0, (at, piece))
            last = at
        run = run[-EARLIER_PIECES:]
        self._pieces[where] = [*run, (now, text)]
        if len(self._pieces) > THREADS_KEPT:
            self._pieces.popitem(last=False)
        if not run:
            return None
        return " ".join(piece for _, piece in run) + " " + text

    def forget(self, where: Where) -> None:
        """Drop a thread's pieces (once they have been acted on)."""
        self._pieces.pop(where, None)
