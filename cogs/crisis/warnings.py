"""A content warning is not part of what a member says: "CW: suicide ||…||" must be read as the
words behind it. The detector reads the text with the warning's label and spoiler bars taken
off too (see ``watch.detect``), so a warning never makes a crisis message look calmer."""

from __future__ import annotations

import re

_SPOILER = re.compile(r"\|\|")
_LABEL = re.compile(
    r"^\W*(?:cw|tw|c/w|t/w|content\s+warning|trigger\s+warning)\b[\s:;,.\-–—/()\[\]]*",
    re.IGNORECASE,
)
_TOPIC = re.compile(
    r"^(?:self[- ]?harm|sh|suicid\w*|alcohol|drugs?|eating(?:\s+disorders?)?|ed|abuse|grief|"
    r"death|relapse|other)\b[\s:;,.\-–—/&+()\[\]]*",
    re.IGNORECASE,
)


def without_warning(text: str) -> str:
    """`text` without spoiler bars and a leading content-warning label with its topics."""
    bare = _SPOILER.sub(" ", text)
    label = _LABEL.match(bare)
    if label is not None:
        bare = bare[label.end() :]
        while (topic := _TOPIC.match(bare)) is not None and topic.end() > 0:
            bare = bare[topic.end() :]
    return bare.strip()
