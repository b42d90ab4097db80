"""The topics a content warning names. Which topics a chat message mentions is the crisis
detector's answer (the ``crisis.topics`` service, in every language it reads), not a word list
of this feature's own.

Only for the gentle reminder in channels where moderators asked for warnings: a miss costs a
reminder, never safety (crisis detection is the crisis cog's and reads every message anyway).
"""

from __future__ import annotations

import re

TOPICS = ("self-harm", "suicide", "alcohol", "drugs", "eating", "abuse", "grief", "other")


def parse_topics(text: str) -> list[str] | None:
    """A moderator's comma- or space-separated topics; None when one is unknown."""
    chosen = [t for t in re.split(r"[,\s]+", text.lower()) if t]
    if not chosen or any(t not in TOPICS for t in chosen):
        return None
    return [t for t in TOPICS if t in chosen]


def has_spoiler(text: str) -> bool:
    """Whether a chat message already hides something (Discord ||…||, Matrix spoiler HTML)."""
    return bool(re.search(r"\|\|.+?\|\|", text, re.DOTALL)) or "data-mx-spoiler" in text
