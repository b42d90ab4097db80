"""The topics a content warning names, and a small word list that recognises them in chat.

Only for the gentle reminder in channels where moderators asked for warnings: a miss costs a
reminder, never safety (crisis detection is the crisis cog's and reads every message anyway).
"""

from __future__ import annotations

import re

TOPICS = ("self-harm", "suicide", "alcohol", "drugs", "eating", "abuse", "grief", "other")

_WORDS: dict[str, tuple[str, ...]] = {
    "self-harm": (
        r"self[- ]?harm\w*",
        r"cutting",
        r"cut (?:my|myself)\w*",
        r"scars?",
        r"burn(?:ed|ing)? myself",
    ),
    "suicide": (r"suicid\w*", r"kill(?:ing)? myself", r"overdos\w*", r"end(?:ing)? my life"),
    "alcohol": (
        r"drunk",
        r"drinking",
        r"drank",
        r"vodka",
        r"whiske?y",
        r"beers?",
        r"wine",
        r"booze",
        r"relapsed? on (?:drink|alcohol)\w*",
        r"hangover",
    ),
    "drugs": (
        r"heroin",
        r"cocaine",
        r"coke",
        r"meth",
        r"crack",
        r"fentanyl",
        r"opioids?",
        r"pills?",
        r"high on",
        r"using again",
        r"needles?",
        r"snort\w*",
        r"inject\w*",
    ),
    "eating": (
        r"purg\w*",
        r"binge?\w*",
        r"starv\w*",
        r"calories",
        r"anorexi\w*",
        r"bulimi\w*",
        r"threw up (?:after|my)",
    ),
    "abuse": (r"abus\w*", r"assault\w*", r"rap(?:e|ed)", r"molest\w*", r"beat me", r"hit me"),
    "grief": (r"funeral", r"passed away", r"died", r"grief", r"griev\w*", r"mourn\w*"),
}
_PATTERNS = {
    topic: re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)
    for topic, words in _WORDS.items()
}


def topics_in(text: str) -> list[str]:
    """The topics `text` touches, in the order of :data:`TOPICS`."""
    return [topic for topic, pattern in _PATTERNS.items() if pattern.search(text)]


def parse_topics(text: str) -> list[str] | None:
    """A moderator's comma- or space-separated topics; None when one is unknown."""
    chosen = [t for t in re.split(r"[,\s]+", text.lower()) if t]
    if not chosen or any(t not in TOPICS for t in chosen):
        return None
    return [t for t in TOPICS if t in chosen]


def has_spoiler(text: str) -> bool:
    """Whether a chat message already hides something (Discord ||…||, Matrix spoiler HTML)."""
    return bool(re.search(r"\|\|.+?\|\|", text, re.DOTALL)) or "data-mx-spoiler" in text
