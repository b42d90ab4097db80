"""The topics a text mentions, as the crisis detector reads them (the ``crisis.topics``
service): content-warning reminders ask it instead of keeping a word list of their own.

Topic words are in ``topics.toml``, read with the detector's own normalisation (accents,
apostrophes, leetspeak, doubled letters) in every language it knows; the detector's own concepts
for self-harm and suicide count as those topics too, so a word the detector learns reaches the
reminders as well. A topic is never a crisis: the crisis level is the detector's other answer.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from cogs.crisis.detector import default_detector
from cogs.crisis.lexicon import Lexicon, cap, fold, strip_ignored, tokenize

TOPICS_PATH = Path(__file__).with_name("topics.toml")
# The topics a content warning names (the same names everywhere; "other" has no words).
TOPICS = ("self-harm", "suicide", "alcohol", "drugs", "eating", "abuse", "grief", "other")
# Concepts of the crisis lexicon that are mentions of a topic.
FROM_CONCEPTS = {
    "self_harm": "self-harm",
    "self_harm_urge": "self-harm",
    "self_kill": "suicide",
    "suicide_word": "suicide",
    "suicidal_self": "suicide",
    "suicidal_thoughts": "suicide",
}


@lru_cache(maxsize=1)
def _topic_words() -> Lexicon:
    lexicon = Lexicon(TOPICS_PATH)
    unknown = lexicon.concepts - set(TOPICS)
    if unknown:
        raise ValueError(f"topics.toml names unknown topics: {sorted(unknown)}")
    return lexicon


def topics_in(text: str) -> list[str]:
    """The topics ``text`` mentions, in the order of :data:`TOPICS` (spoiler text included)."""
    if not text or not text.strip():
        return []
    words = tokenize(fold(cap(strip_ignored(text)))).words
    found = {m.concept for m in _topic_words().tag(words)}
    concepts = default_detector().lexicon
    found.update(
        FROM_CONCEPTS[m.concept] for m in concepts.tag(words) if m.concept in FROM_CONCEPTS
    )
    return [topic for topic in TOPICS if topic in found]
