"""What a short answer under a quoted message says of the one who answers.

On Matrix a reply carries the words it answers (``> <@user> …``); those are someone else's and
are not the writer's risk. But "me too" under "i want to end it tonight", or "yes" under a
moderator's "are you thinking about killing yourself?", says it of the writer. This turns such
an answer into the sentence the writer means ("i am thinking about killing myself"), for the
detector to read like any other. Everything here works on folded text (lower case, doubled
letters squeezed: "too" is "to").
"""

from __future__ import annotations

import re

_AGREE = (
    r"me\s*(?:to|2|as wel)|meto|same(?: here| way)?|i fel the same(?: way)?|fel the same(?: way)?|"
    r"thats me(?: to)?|felt that|relatable|mood|\+1|dito|exactly|this|fr|"
    r"yo tambien|yo igual|eu tambem|moi ausi|moi pareil|ich auch|mir auch|anche io|anchio|"
    r"я тоже|я теж|і я|и я"
)
_YES = r"yes|yeah|yep|yup|ya|i am|i do|i did|i have|si|sim|oui|ja|да|так|every day|always|me"
_NO = r"no|nope|nah|not really|non|nein|нет|ні"
_TAIL = r"(?P<rest>(?:\W+\w+){0,6})\W*$"
AGREES = re.compile(rf"\W*(?:{_AGREE})\b{_TAIL}")
YES = re.compile(rf"\W*(?:{_YES})\b{_TAIL}")
NO = re.compile(rf"\W*(?:{_NO})\b{_TAIL}")

# A question put to the writer ("are you …", "did you …") or to everyone ("does anyone else
# …"), and the same said by the writer of themselves.
_ASKED = [
    (re.compile(r"\b(?:are|r) (?:you|u)\b(?P<what>[^?]*)\?"), "i am"),
    (re.compile(r"\bwere (?:you|u)\b(?P<what>[^?]*)\?"), "i was"),
    (re.compile(r"\b(?:do|did) (?:you|u)\b(?P<what>[^?]*)\?"), "i"),
    (re.compile(r"\b(?:have|had) (?:you|u)\b(?P<what>[^?]*)\?"), "i have"),
    (re.compile(r"\b(?:will|wil|would|could|can) (?:you|u)\b(?P<what>[^?]*)\?"), "i wil"),
    (re.compile(r"\b(?:does|do) any(?:one|body)(?: else)?(?: here)?\b(?P<what>[^?]*)\?"), "i"),
    (re.compile(r"\b(?:is|are) any(?:one|body)(?: else)?(?: here)?\b(?P<what>[^?]*)\?"), "i am"),
    (
        re.compile(r"\b(?:has|have) any(?:one|body)(?: else)?(?: here)?\b(?P<what>[^?]*)\?"),
        "i have",
    ),
    (re.compile(r"\bany(?:one|body) else\b(?P<what>[^?]*)\?"), "i"),
]
_SECOND_PERSON = [
    (re.compile(r"\b(?:yourself|urself)\b"), "myself"),
    (re.compile(r"\b(?:your|ur)\b"), "my"),
    (re.compile(r"\b(?:you|u)\b"), "me"),
]
_SAFE = re.compile(r"\b(?:safe|ok|okay|alright|al right)\b")


def said_of_self(quoted: str, answer: str) -> str | None:
    """The sentence a short ``answer`` under ``quoted`` means of its writer, else None."""
    question = _question(quoted)
    if question is not None:
        asked, what = question
        yes = YES.match(answer) or AGREES.match(answer)
        if yes:
            return f"{asked}{_first_person(what)} {yes.group('rest')}".strip()
        no = NO.match(answer)
        if no and asked == "i am" and _SAFE.search(what):
            return f"i am not{_first_person(what)} {no.group('rest')}".strip()
        return None
    agrees = AGREES.match(answer)
    if agrees:
        return f"{quoted} {agrees.group('rest')}".strip()
    return None


def _question(quoted: str) -> tuple[str, str] | None:
    """The last question in the quote put to the writer or to everyone: (how the writer says
    it of themselves, what it asks)."""
    found = None
    for pattern, asked in _ASKED:
        for m in pattern.finditer(quoted):
            if found is None or m.start() > found[0]:
                found = (m.start(), asked, m.group("what"))
    return None if found is None else (found[1], found[2])


def _first_person(words: str) -> str:
    for pattern, mine in _SECOND_PERSON:
        words = pattern.sub(mine, words)
    return words
