"""Which edits changed a message's text: shared by the platform adapters.

Platforms send "message updated" for more than edits (a link preview, a pin, a repeated edit
replayed after a reconnect). Only a new text is worth delivering, so adapters remember a short
digest of the last text seen for recent messages (never the text itself), a bounded number of
them: an edit of a message older than that is delivered, and the crisis listener's own memory
of what it already flagged keeps that from repeating an alert.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

REMEMBERED = 4096  # recent messages whose last text digest is kept (about 0.75 MB at most)


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()


class EditMemory:
    """The digest of the last text of recent messages, by message id (least recent go first)."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self.size = size
        self._last: OrderedDict[str, bytes] = OrderedDict()

    def seen(self, message_id: str, text: str) -> None:
        """A message (or an edit of it) was delivered with this text."""
        self._last[message_id] = _digest(text)
        self._last.move_to_end(message_id)
        while len(self._last) > self.size:
            self._last.popitem(last=False)

    def changed(self, message_id: str, text: str) -> bool:
        """Whether an edit brings a text other than the last one seen (True when the message is
        not remembered); remembers the new text."""
        if self._last.get(message_id) == _digest(text):
            return False
        self.seen(message_id, text)
        return True
