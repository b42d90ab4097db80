"""Text to concept tags: normalisation, tokens, and the lexicon (``lexicon.toml``).

Everything here runs in time linear in the message: one pass of a few simple regexes over the
(capped) text, then one dictionary walk per token. No pattern can backtrack: the only regexes
are character classes and fixed alternations.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path

LEXICON_PATH = Path(__file__).with_name("lexicon.toml")

# At most this much of a message is read: its start and its end. A long vent (Matrix allows
# about 64 kB) can bury the one sentence that matters deep inside, so the start read is long;
# a 60 kB paste must still not hold the event loop (`make bench`: worst message).
HEAD_CHARS = 12_000
TAIL_CHARS = 2_000

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\u034f\ufe0f"
_APOSTROPHES = "'\u2019\u2018\u02bc\u00b4`"
_FOLDS = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i", "\u00a0": " "}
_TABLE: dict[int, str | None] = {ord(c): None for c in _ZERO_WIDTH + _APOSTROPHES}
_TABLE.update({ord(k): v for k, v in _FOLDS.items()})
_TABLE.update({cp: None for cp in range(0x300, 0x370)})  # combining accents left by NFKD
_TRANSLATE = str.maketrans(_TABLE)
# Cyrillic and Greek letters that look Latin ("kіll" with a Cyrillic і) read as Latin inside a
# word that also has Latin letters. A word all in Cyrillic stays Cyrillic: Ukrainian "не" (not)
# must not become English "he".
_CONFUSABLE = "аеорсухіјѕԁһкмтвнαεικνορτυχ"
_AS_LATIN = "aeopcyxijsdhkmtbhaeikvoptux"
_AS_LATIN_TABLE = str.maketrans(dict(zip(_CONFUSABLE, _AS_LATIN, strict=True)))
_CONFUSABLE_SET = frozenset(_CONFUSABLE)
_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[a-z]")

_LEET = str.maketrans("0134579@$!", "oieastgasi")
_EMOJI = "\U0001f300-\U0001faff\u2600-\u27bf"
# A token: letters/digits with leetspeak or censoring inside, or one emoji.
_TOKEN = re.compile(rf"[^\W_](?:[\w@$!*]*[^\W_])?|[{_EMOJI}]")
_SENTENCE_END = re.compile(r"[.?;\n]+|!+(?![^\W\d_])")
_SQUEEZE = re.compile(r"([^\W\d_])\1+")
_UNIT = re.compile(r"\d+[a-z]{0,3}")  # 30mg, 3am, 2nd: numbers, not leetspeak
_SPECIAL = re.compile(r"[\d@$!*]")
_LETTER = re.compile(r"[^\W\d_]")

# A Matrix reply quotes the message it answers as "> <@user:server> ..." lines: those are
# someone else's words. A member's own "> " block quote or code is read like any text: people
# put what is hard to say in them.
_REPLY_FALLBACK = re.compile(r"^> <@[^\n]*(?:\n>[^\n]*)*\n?", re.M)


def strip_ignored(text: str) -> str:
    """Remove the words of other people that a reply quotes (Matrix reply fallbacks).

    Spoiler bars (``||``) are removed but their text is kept.
    """
    if "> <@" in text:
        text = _REPLY_FALLBACK.sub("", text)
    if "|" in text:
        text = text.replace("||", " ")
    return text


_QUOTE_MARKS = re.compile(r"^> ?(?:<@[^>\s]*> ?)?", re.M)


def quoted_words(text: str) -> str:
    """The words of other people a reply quotes (its Matrix reply fallback), without the marks."""
    return "\n".join(_QUOTE_MARKS.sub("", m.group()) for m in _REPLY_FALLBACK.finditer(text))


_STAR_ANSWERS_KEPT = 4096
_STAR_SEARCHES_PER_MESSAGE = 64


def cap(text: str) -> str:
    """The part of a message that is read: all of it, or its start and its end, cut between
    words (a word cut in two could read as another: "...sh" + "*cking")."""
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    head = text[:HEAD_CHARS]
    tail = text[-TAIL_CHARS:]
    head = head[: max(head.rfind(" "), head.rfind("\n"), HEAD_CHARS - 100)]
    cut = min((i for i in (tail.find(" "), tail.find("\n")) if i >= 0), default=0)
    return head + "\n" + tail[min(cut, 100) :]


def fold(text: str) -> str:
    """Lower case, accents and compatibility forms folded, apostrophes and zero-widths gone."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
    text = text.lower().translate(_TRANSLATE)
    if not text.isascii() and not _CONFUSABLE_SET.isdisjoint(text):
        text = _WORD.sub(_as_latin, text)
    return _SQUEEZE.sub(r"\1", text)


def _as_latin(word: re.Match[str]) -> str:
    """A word with Latin letters: its Cyrillic and Greek look-alikes read as Latin too."""
    text = word.group()
    return text.translate(_AS_LATIN_TABLE) if _LATIN.search(text) else text


def _clean_token(raw: str) -> str:
    """Undo leetspeak in one token (``su1cide``); ``*`` is kept for the lexicon to resolve."""
    if not _SPECIAL.search(raw) or not _LETTER.search(raw) or _UNIT.fullmatch(raw):
        return raw
    return _SQUEEZE.sub(r"\1", raw.translate(_LEET))


@dataclass(frozen=True)
class Tokens:
    """A message as words: ``words[i]`` lies in sentence ``sentence[i]`` and clause ``clause[i]``.

    Clauses are the parts of a sentence between commas: a negation reaches no further.
    """

    words: tuple[str, ...]
    sentence: tuple[int, ...]
    clause: tuple[int, ...]


def tokenize(folded: str) -> Tokens:
    """Split folded text into words and number the sentences they belong to."""
    words: list[str] = []
    sentence: list[int] = []
    clause: list[int] = []
    count = 0
    for index, part in enumerate(_SENTENCE_END.split(folded)):
        for piece in part.split(","):
            count += 1
            for raw in _TOKEN.findall(piece):
                words.append(_clean_token(raw))
                sentence.append(index)
                clause.append(count)
    return Tokens(tuple(words), tuple(sentence), tuple(clause))


@dataclass(frozen=True)
class Match:
    """One concept found: tokens ``start`` to ``end`` (exclusive)."""

    concept: str
    start: int
    end: int


_Pattern = tuple[str, ...]  # one token pattern per word: exact, "stem*" or "_"


_NEGATIONS = frozenset("not no never nicht nie kein keine pas non nao jamais mai nunca не".split())


class _Node:
    """One step of the phrase trie: the words that may follow, and the concepts ending here."""

    __slots__ = ("next", "stems", "any", "ends")

    def __init__(self) -> None:
        self.next: dict[str, _Node] = {}
        self.stems: dict[str, _Node] = {}  # "suicid" for "suicid*"
        self.any: _Node | None = None  # "_": any one word
        self.ends: list[str] = []

    def child(self, part: str) -> _Node:
        if part == "_":
            if self.any is None:
                self.any = _Node()
            return self.any
        table = self.stems if part.endswith("*") else self.next
        key = part.rstrip("*")
        node = table.get(key)
        if node is None:
            node = table[key] = _Node()
        return node

    def steps(self, word: str) -> list[_Node]:
        """The nodes reached from here by one word."""
        out = []
        exact = self.next.get(word)
        if exact is not None:
            out.append(exact)
        if self.stems:
            out.extend(node for stem, node in self.stems.items() if word.startswith(stem))
        if self.any is not None and word not in _NEGATIONS:
            out.append(self.any)  # a gap never swallows "not": "mich nicht umbringen"
        return out


class Lexicon:
    """The concepts of ``lexicon.toml`` as a trie of words: tagging is one walk per position."""

    def __init__(self, path: Path | str | None = None) -> None:
        data = tomllib.loads(Path(path or LEXICON_PATH).read_text(encoding="utf-8"))
        concepts = data.get("concepts")
        if not isinstance(concepts, dict) or not concepts:
            raise ValueError("the lexicon has no [concepts.*] tables")
        self.concepts: frozenset[str] = frozenset(concepts)
        self._root = _Node()
        self._patterns: list[tuple[_Pattern, str]] = []
        self.vocabulary: set[str] = set()
        for concept, table in concepts.items():
            if not isinstance(table, dict):
                raise ValueError(f"concept {concept!r}: expected one list per language")
            for lang, phrases in table.items():
                if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
                    raise ValueError(f"concept {concept!r}, {lang}: expected a list of phrases")
                for phrase in phrases:
                    for pattern in _expand(phrase, concept):
                        self._add(pattern, concept)
        # Root stems are looked up by their first four letters, not tried one by one.
        self._root_stems: dict[str, list[tuple[str, _Node]]] = {}
        for stem, node in self._root.stems.items():
            self._root_stems.setdefault(stem[:4], []).append((stem, node))
        # Censored words are looked up among the lexicon words with their first letter, and the
        # answer is kept: a message of a thousand "k*ll" costs one search, not a thousand.
        self._star_vocab: dict[str, list[str]] = {}
        for w in sorted(w for w in self.vocabulary if len(w) >= 3 and w.isalpha()):
            self._star_vocab.setdefault(w[0], []).append(w)
        self._star_answers: dict[str, str] = {}

    def _add(self, pattern: _Pattern, concept: str) -> None:
        node = self._root
        for part in pattern:
            node = node.child(part)
        if concept not in node.ends:
            node.ends.append(concept)
        self._patterns.append((pattern, concept))
        self.vocabulary.update(p for p in pattern if p != "_" and not p.endswith("*"))

    def patterns(self) -> list[tuple[tuple[str, ...], str]]:
        """Every expanded phrase with its concept."""
        return list(self._patterns)

    def resolve_stars(self, words: list[str]) -> list[str]:
        """Censored words (``s*icide``, ``k**l``) become the lexicon word they hide."""
        out = []
        searches = _STAR_SEARCHES_PER_MESSAGE
        for word in words:
            core = word.strip("*")
            # No lexicon word is longer than 30 letters: a longer starred run hides none, and
            # trying it against every word would take a quarter of a second ("s*s*s*...").
            if "*" in core and 3 <= len(core) <= 30 and searches:
                if core not in self._star_answers:
                    searches -= 1  # a flood of made-up censored words is not searched through
                word = self._unstarred(core)
            elif word != core:
                word = core
            out.append(word)
        return out

    def _unstarred(self, core: str) -> str:
        """The lexicon word a censored word hides (``k*ll`` -> ``kill``), else the word itself."""
        known = self._star_answers.get(core)
        if known is not None:
            return known
        parts = re.split(r"\*+", core)
        head, tail = parts[0], parts[-1]
        pattern = re.compile("[a-z]{1,3}".join(map(re.escape, parts)))
        fits = [
            w
            for w in self._star_vocab.get(core[0], ())
            if w.startswith(head) and w.endswith(tail) and pattern.fullmatch(w)
        ]
        # The hidden letters are usually as many as the stars: prefer that length.
        word = min(fits, key=lambda w: (abs(len(w) - len(core)), w)) if fits else core
        if len(self._star_answers) >= _STAR_ANSWERS_KEPT:
            self._star_answers.clear()  # a flood of made-up words must not grow it for ever
        self._star_answers[core] = word
        return word

    def _first(self, word: str) -> list[_Node]:
        out = []
        exact = self._root.next.get(word)
        if exact is not None:
            out.append(exact)
        for stem, node in self._root_stems.get(word[:4], ()):
            if word.startswith(stem):
                out.append(node)
        return out

    def tag(self, words: tuple[str, ...]) -> list[Match]:
        """Every concept occurrence, longest per concept and start position; a phrase also
        matches with words of time or emphasis put inside it ("angst, was ich heute nacht mit
        mir mache" is "angst, was ich mit mir mache"), as people write it."""
        found = self._tag(words)
        kept = [i for i, word in enumerate(words) if word not in _FILLERS]
        if len(kept) == len(words):
            return found
        seen = {(m.concept, m.start, m.end) for m in found}
        for m in self._tag(tuple(words[i] for i in kept)):
            start, end = kept[m.start], kept[m.end - 1] + 1
            if end - start != m.end - m.start and (m.concept, start, end) not in seen:
                seen.add((m.concept, start, end))
                found.append(Match(m.concept, start, end))
        return found

    def _tag(self, words: tuple[str, ...]) -> list[Match]:
        found: list[Match] = []
        count = len(words)
        for i, word in enumerate(words):
            frontier = self._first(word)
            if not frontier:
                continue
            best: dict[str, int] = {}
            j = i + 1
            while frontier:
                for node in frontier:
                    for concept in node.ends:
                        best[concept] = j
                if j >= count:
                    break
                following = words[j]
                frontier = [nxt for node in frontier for nxt in node.steps(following)]
                j += 1
            found.extend(Match(c, i, e) for c, e in best.items())
        return found


# Words of time or emphasis that people put inside a phrase without changing what it says.
_FILLER_WORDS = {
    "en": "really rly realy actually honestly tonight today now rn",
    "de": "echt wirklich gerade grad heute nacht jetzt mal doch halt einfach schon",
    "es": "realmente hoy ahora ya neta",
    "pt": "hoje agora mesmo realmente",
    "fr": "vraiment maintenant aujourdhui grave",
    "it": "oggi adesso ora davvero proprio stasera stanotte",
    "uk": "зараз сьогодні вже справді реально",
    "ru": "сейчас сегодня уже реально правда",
}


def _filler_set() -> frozenset[str]:
    return frozenset(
        _clean_token(fold(word)) for words in _FILLER_WORDS.values() for word in words.split()
    )


@cache
def _folded_option(option: str) -> str:
    """The words of one option of a phrase, folded as messages are ("I'm" -> "im"); the same
    words recur across thousands of phrases, so each is folded once."""
    return " ".join(_clean_token(w) for w in _TOKEN.findall(fold(option)))


def _expand(phrase: str, concept: str) -> list[_Pattern]:
    """``"kill/end my life"`` -> [("kil", "my", "life"), ("end", "my", "life")]."""
    slots: list[list[str]] = []
    for chunk in phrase.split():
        options = []
        for option in chunk.split("/"):
            if option == "_" or option.endswith("*"):
                stem = fold(option[:-1]) + "*" if option != "_" else "_"
                if option != "_" and len(stem) < 5:
                    raise ValueError(f"concept {concept!r}: stem too short in {phrase!r}")
                options.append(stem)
                continue
            folded = _folded_option(option)
            if not folded:
                raise ValueError(f"concept {concept!r}: no word in {phrase!r}")
            options.append(folded)
        slots.append(options)
    if not slots:
        raise ValueError(f"concept {concept!r}: empty phrase")
    patterns = []
    for combo in product(*slots):
        pattern = tuple(" ".join(combo).split())
        if pattern[0] == "_":
            raise ValueError(f"concept {concept!r}: a phrase cannot start with _: {phrase!r}")
        patterns.append(pattern)
    return patterns


_FILLERS = _filler_set()
