"""Crisis detector: classifies one chat message as ``none``, ``concern`` or ``urgent``.

The rules are data (``rules.toml`` beside this file); this module only knows how to read and
apply them. Classification runs on every ordinary message, so it has two phases:

1. A gate. The message is lowered, folded (accents, leetspeak, zero-width characters,
   repeated letters) and split into words; if none of the words is a trigger word of any rule,
   the answer is ``none`` after a few microseconds. Almost all chat ends here.
2. The precise phase, only for the few messages that pass the gate: the per-rule phrase
   regexes run on a carefully normalised text, then negation, idiom/hyperbole exclusions,
   past-tense recovery stories and required companions (a time frame) are checked per match.

``Detection.matched`` holds rule ids, never text from the message, so it can be logged or
shown to moderators without quoting a member.
"""

from __future__ import annotations

import bisect
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

Level = Literal["none", "concern", "urgent"]
_RANK: dict[str, int] = {"none": 0, "concern": 1, "urgent": 2}
_LEVELS: tuple[Level, ...] = ("none", "concern", "urgent")

RULES_PATH = Path(__file__).with_name("rules.toml")


@dataclass(frozen=True)
class Detection:
    """The detector's answer for one message.

    ``matched`` lists the ids of the rules that fired (most severe first). ``overdose`` is
    true when a firing rule is about an overdose or poisoning, so resources can put the
    emergency number and the poison/overdose line first. ``aimed_at_others`` is true when
    the message tells someone else to harm themselves ("kys"): that is not self-risk and
    never raises the level; a moderation feature may use it.
    """

    level: Level
    matched: tuple[str, ...] = ()
    overdose: bool = False
    aimed_at_others: bool = False


NONE = Detection("none")

# --- normalisation -------------------------------------------------------------------------

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\u034f"
_APOSTROPHES = "'\u2019\u2018\u02bc\u00b4\u0060"
_FOLDS = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i", "\u00a0": " "}
_BASE_MAP: dict[int, str | None] = {ord(c): None for c in _ZERO_WIDTH + _APOSTROPHES}
_BASE_MAP.update({ord(k): v for k, v in _FOLDS.items()})
_BASE_MAP.update({cp: None for cp in range(0x300, 0x370)})  # combining marks left by NFKD
_BASE = str.maketrans(_BASE_MAP)
_LEET_CHARS = "013457@$"
_LEET_LETTERS = "oieastas"
_LEET = str.maketrans(_LEET_CHARS, _LEET_LETTERS)
# The gate folds leetspeak everywhere (cheap, and only decides who gets a closer look).
_GATE = str.maketrans(
    {**_BASE_MAP, **{ord(a): b for a, b in zip(_LEET_CHARS, _LEET_LETTERS, strict=True)}}
)

_SQUEEZE = re.compile(r"([a-z])\1+")
_WORD = re.compile(r"[a-z]+")
_LEET_WORD = re.compile(r"[a-z0-9@$]*[0-9@$][a-z0-9@$]*")
_NUMBER_WITH_UNIT = re.compile(r"\d+[a-z]{0,3}")  # 3am, 10mg, 1st: not leetspeak
_STAR_WORD = re.compile(r"[a-z*]*(?:[a-z]\*|\*[a-z])[a-z*]*")
_HAS_LETTER = re.compile(r"[a-z]")
# Anything the ASCII fast path cannot judge: leetspeak, censoring stars, stretched letters.
_ASCII_TRICKS = re.compile(r"[a-z][0-9@$*]|[0-9@$*][a-z]|([a-z])\1\1")

_FENCED = re.compile(r"```.*?```", re.S)
_INLINE = re.compile(r"`[^`\n]*`")
_BLOCKQUOTE_REST = re.compile(r"^[ \t]*>>>.*\Z", re.M | re.S)
_QUOTE_LINE = re.compile(r"^[ \t]*>.*$", re.M)

# Separator between two words of a phrase: some non-word characters (not crossing a sentence
# end), or nothing when the next or previous character is already not a letter (emoji).
_SEP = r"(?:[^a-z0-9.!?\n]+|(?<![a-z0-9])|(?![a-z0-9]))"
_CLAUSE_BREAK = re.compile(
    r"[.!?;\n]+|(?<![a-z0-9])(?:but|however|though|pero|sino|aber|doch|mais|sauf)(?![a-z0-9])"
)


def strip_ignored(text: str) -> str:
    """Remove what a member did not say themselves: quoted lines and code.

    Drops fenced code blocks (```...```), inline code (`...`), lines starting with ``>``
    (quotes, including Matrix reply fallbacks) and everything after a ``>>>`` block quote.
    """
    if "`" in text:
        text = _FENCED.sub(" ", text)
        text = _INLINE.sub(" ", text)
    if ">" in text:
        text = _BLOCKQUOTE_REST.sub("", text)
        text = _QUOTE_LINE.sub("", text)
    return text


def _fold(text: str) -> str:
    """Lower-case and fold compatibility forms and accents (cheap for ASCII)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
    return text.lower()


def _fix_leet(match: re.Match[str]) -> str:
    word = match.group()
    if not _HAS_LETTER.search(word) or _NUMBER_WITH_UNIT.fullmatch(word):
        return word
    return word.translate(_LEET)


def normalise(text: str) -> str:
    """Normalise a phrase or message for the precise phase (without the star fix)."""
    text = _fold(text).translate(_BASE)
    text = _LEET_WORD.sub(_fix_leet, text)
    return _SQUEEZE.sub(r"\1", text)


# --- the phrase language --------------------------------------------------------------------
# Documented at the top of rules.toml. A phrase compiles to a regex over normalised text and
# to the set of words of which at least one must be present (the gate's trigger words).

_DSL_TOKEN = re.compile(r"\.\.\.|<end>|[()|?]|[^\s()|?]+")
_GAP = f"(?:{_SEP}[a-z0-9]+){{0,3}}"
_END = r"(?=[^a-z0-9]*(?:[.!?\n]|$))"

# Node shapes: ("w", word) | ("g", [seq, ...]) | ("opt", node) | ("gap",) | ("end",);
# a seq is a list of nodes.
Node = tuple


def _parse(phrase: str) -> list[Node]:
    tokens = _DSL_TOKEN.findall(phrase)
    alts, pos = _parse_alts(tokens, 0, phrase)
    if pos != len(tokens):
        raise ValueError(f"unbalanced ')' in phrase {phrase!r}")
    return alts[0] if len(alts) == 1 else [("g", alts)]


def _parse_alts(tokens: list[str], pos: int, phrase: str) -> tuple[list[list[Node]], int]:
    alts: list[list[Node]] = [[]]
    while pos < len(tokens):
        tok = tokens[pos]
        if tok == ")":
            break
        if tok == "|":
            alts.append([])
            pos += 1
            continue
        if tok == "(":
            inner, pos = _parse_alts(tokens, pos + 1, phrase)
            if pos >= len(tokens) or tokens[pos] != ")":
                raise ValueError(f"missing ')' in phrase {phrase!r}")
            node: Node = ("g", inner)
        elif tok == "?":
            raise ValueError(f"'?' without a word before it in phrase {phrase!r}")
        elif tok == "...":
            node = ("gap",)
        elif tok == "<end>":
            node = ("end",)
        else:
            node = ("w", tok)
        pos += 1
        if pos < len(tokens) and tokens[pos] == "?":
            node = ("opt", node)
            pos += 1
        alts[-1].append(node)
    if any(not seq for seq in alts):
        raise ValueError(f"empty alternative in phrase {phrase!r}")
    return alts, pos


def _word_parts(word: str) -> list[str]:
    norm = normalise(word)
    parts = re.findall(r"[a-z0-9]+", norm)
    return parts or [norm.strip()]


def _word_regex(word: str, lead: bool = False) -> str:
    parts = [re.escape(p) for p in _word_parts(word)]
    if lead:
        return parts[0] + "".join(_SEP + p for p in parts[1:])
    return "".join(_SEP + p for p in parts)


def _seq_regex(seq: list[Node], lead: bool = False) -> str:
    """Regex for a sequence; with ``lead`` the first word carries no separator in front.

    A phrase starts with a literal word, not with the separator group, so the regex engine
    can reject most positions at once (this matters: the sets run on every candidate).
    """
    out = []
    for i, node in enumerate(seq):
        first = lead and i == 0
        kind = node[0]
        if kind == "w":
            out.append(_word_regex(node[1], first))
        elif kind == "g":
            out.append("(?:" + "|".join(_seq_regex(s, first) for s in node[1]) + ")")
        elif kind == "opt":
            out.append("(?:" + _seq_regex([node[1]], first) + ")?")
        elif kind == "end":
            out.append(_END)
        else:
            out.append(_GAP)
    return "".join(out)


def phrase_regex(phrase: str) -> str:
    """The regex source for one phrase, anchored at word boundaries."""
    return "(?<![a-z0-9])(?:" + _seq_regex(_parse(phrase), lead=True) + ")(?![a-z0-9])"


def _triggers(seq: list[Node], common: frozenset[str]) -> frozenset[str] | None:
    """Smallest set of words one of which every match of ``seq`` contains (None if none)."""
    best: frozenset[str] | None = None
    best_key: tuple[int, int] | None = None
    for node in seq:
        cand: frozenset[str] | None = None
        if node[0] == "w":
            parts = [p for p in _word_parts(node[1]) if p.isalpha()]
            if parts:
                cand = frozenset([min(parts, key=lambda p: (p in common, -len(p)))])
        elif node[0] == "g":
            sets = [_triggers(s, common) for s in node[1]]
            if all(s is not None for s in sets):
                cand = frozenset().union(*sets)  # type: ignore[arg-type]
        if cand is None:
            continue
        key = (sum(w in common for w in cand), len(cand))
        if best_key is None or key < best_key:
            best, best_key = cand, key
    return best


def _words(seq: list[Node]) -> Iterable[str]:
    for node in seq:
        if node[0] == "w":
            yield from re.findall(r"[a-z]+", _fold(node[1]).translate(_BASE))
        elif node[0] == "g":
            for s in node[1]:
                yield from _words(s)
        elif node[0] == "opt":
            yield from _words([node[1]])


class PhraseSet:
    """A list of phrases searched as one, skipped when none of its words is in the message.

    ``re:`` entries (raw regexes) and phrases without a usable word are always searched.
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        gated: list[str] = []
        always: list[str] = []
        words: set[str] = set()
        for phrase in phrases:
            if phrase.startswith("re:"):
                always.append(phrase[3:])
                continue
            trig = _triggers(_parse(phrase), frozenset())
            if trig is None:
                always.append(phrase_regex(phrase))
            else:
                gated.append(phrase_regex(phrase))
                words |= trig
        self.words = frozenset(words)
        self._gated = re.compile("|".join(gated)) if gated else None
        self._always = re.compile("|".join(always)) if always else None

    def __bool__(self) -> bool:
        return self._gated is not None or self._always is not None

    def _patterns(self, words: frozenset[str] | set[str]) -> list[re.Pattern[str]]:
        found = []
        if self._gated is not None and not self.words.isdisjoint(words):
            found.append(self._gated)
        if self._always is not None:
            found.append(self._always)
        return found

    def search(self, text: str, words: frozenset[str] | set[str]) -> bool:
        """True if a phrase occurs in ``text`` (``words``: the message's words)."""
        return any(p.search(text) for p in self._patterns(words))

    def spans(self, text: str, words: frozenset[str] | set[str]) -> list[tuple[int, int]]:
        """Where the phrases occur in ``text``."""
        return [m.span() for p in self._patterns(words) for m in p.finditer(text)]


# --- rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One reviewable rule: phrases of one language and category at one level."""

    id: str
    lang: str
    level: Level
    category: str
    regex: re.Pattern[str]
    negatable: bool = True
    tense: Literal["present", "past", "any"] = "present"
    hyperbole: bool = False
    overdose: bool = False
    also: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    aimed_at_others: bool = False


def _flatten(table: dict[str, list[str]] | list[str] | None) -> list[str]:
    if table is None:
        return []
    if isinstance(table, list):
        return list(table)
    return [p for lang in sorted(table) for p in table[lang]]


class Detector:
    """A compiled rule set. Load once, then call :meth:`classify` for every message."""

    def __init__(self, path: Path | str | None = None) -> None:
        data = tomllib.loads(Path(path or RULES_PATH).read_text(encoding="utf-8"))
        common = frozenset(_flatten(data.get("prefilter", {}).get("common_words")))
        self.rules: list[Rule] = []
        self._by_token: dict[str, list[int]] = {}
        vocab: set[str] = set()
        for raw in data["rules"]:
            rule = self._compile_rule(raw)
            index = len(self.rules)
            self.rules.append(rule)
            for phrase in raw["phrases"]:
                seq = _parse(phrase)
                trig = _triggers(seq, common)
                if trig is None:
                    raise ValueError(f"rule {rule.id}: phrase {phrase!r} has no trigger word")
                if trig & common:
                    raise ValueError(
                        f"rule {rule.id}: phrase {phrase!r} can only be found through "
                        f"common words {sorted(trig & common)}; add a rarer word"
                    )
                for word in trig:
                    slot = self._by_token.setdefault(word, [])
                    if index not in slot:
                        slot.append(index)
                vocab.update(w for w in _words(seq) if len(w) >= 4)
        self.triggers: frozenset[str] = frozenset(self._by_token)
        self._gate_words = (
            frozenset(w[:i] + w[i] + w[i:] for w in self.triggers for i in range(len(w)))
            | self.triggers
        )
        self._vocab = sorted(vocab)
        self._sets = {
            name: PhraseSet(_flatten(table)) for name, table in data.get("sets", {}).items()
        }
        for rule in self.rules:
            for name in rule.also + rule.unless:
                if not self._sets.get(name):
                    raise ValueError(f"rule {rule.id}: unknown or empty set {name!r}")
        neg = data.get("negation", {})
        cues = "|".join(_seq_regex(_parse(p)) for p in _flatten(neg.get("cues")))
        fillers = "|".join(_seq_regex(_parse(p)) for p in _flatten(neg.get("fillers")))
        self._negation = re.compile(
            f"(?<![a-z0-9])(?:{cues})(?:{fillers}){{0,4}}[^a-z0-9]*$" if fillers else "(?!)"
        )
        past = data.get("past", {})
        self._past = PhraseSet(_flatten(past.get("markers")))
        self._recent = PhraseSet(_flatten(past.get("recency")))
        self._exclusions = PhraseSet(_flatten(data.get("exclusions")))
        self._laughter = re.compile(data.get("hyperbole", {}).get("laughter_regex", "(?!)"))

    @staticmethod
    def _compile_rule(raw: dict) -> Rule:
        level = raw["level"]
        if level not in _RANK:
            raise ValueError(f"rule {raw.get('id')}: unknown level {level!r}")
        return Rule(
            id=raw["id"],
            lang=raw["lang"],
            level=level,
            category=raw["category"],
            regex=re.compile("|".join(phrase_regex(p) for p in raw["phrases"])),
            negatable=raw.get("negatable", True),
            tense=raw.get("tense", "present"),
            hyperbole=raw.get("hyperbole", False),
            overdose=raw.get("overdose", False),
            also=tuple(raw.get("also", ())),
            unless=tuple(raw.get("unless", ())),
            aimed_at_others=raw.get("aimed_at_others", False),
        )

    # -- classification ------------------------------------------------------------------

    def classify(self, text: str) -> Detection:
        """Classify one message. Never raises for a ``str``; quotes and code are ignored."""
        if not text:
            return NONE
        if "`" in text or ">" in text:
            text = strip_ignored(text)
        low = _fold(text)
        if low.isascii() and not _ASCII_TRICKS.search(low):
            # Plain ASCII without leetspeak or stretched letters: compare the words as
            # typed with every trigger word spelt with at most one letter doubled.
            if self._gate_words.isdisjoint(_WORD.findall(low.replace("'", ""))):
                return NONE
            return self._precise(low)
        gate = _SQUEEZE.sub(r"\1", low.translate(_GATE))
        if self.triggers.isdisjoint(_WORD.findall(gate)) and not (
            "*" in low and _STAR_WORD.search(low)
        ):
            return NONE
        return self._precise(low)

    def _fix_stars(self, match: re.Match[str]) -> str:
        word = match.group()
        core = word.strip("*")
        if "*" not in core:
            return word  # *emphasis*, not a censored word
        pattern = re.compile(r"[a-z]{1,3}".join(re.escape(p) for p in re.split(r"\*+", core)))
        for candidate in self._vocab:
            if pattern.fullmatch(candidate):
                return candidate
        return word

    def _precise(self, low: str) -> Detection:
        text = low.translate(_BASE)
        text = _LEET_WORD.sub(_fix_leet, text)
        if "*" in text:
            text = _STAR_WORD.sub(self._fix_stars, text)
        text = _SQUEEZE.sub(r"\1", text)
        words = self.triggers.intersection(_WORD.findall(text))
        if not words:
            return NONE
        indexes = sorted({i for w in words for i in self._by_token[w]})
        # Most candidates match no rule at all; the context is only built when one does.
        ctx: _Context | None = None
        fired: list[tuple[int, Rule]] = []
        others = False
        for index in indexes:
            rule = self.rules[index]
            first = rule.regex.search(text)
            if first is None:
                continue
            if ctx is None:
                ctx = _Context(self, text)
            rank = self._match_rank(rule, ctx, first)
            if rank is None:
                continue
            if rule.aimed_at_others:
                others = True
            elif rank > 0:
                fired.append((rank, rule))
        if not fired:
            return Detection("none", aimed_at_others=True) if others else NONE
        fired.sort(key=lambda item: -item[0])
        return Detection(
            level=_LEVELS[fired[0][0]],
            matched=tuple(dict.fromkeys(rule.id for _, rule in fired)),
            overdose=any(rule.overdose for _, rule in fired),
            aimed_at_others=others,
        )

    def _match_rank(self, rule: Rule, ctx: _Context, first: re.Match[str]) -> int | None:
        """The rank of the best surviving match of ``rule`` (None: every match dropped)."""
        text = ctx.text
        words = ctx.words
        if rule.also and not any(self._sets[n].search(text, words) for n in rule.also):
            return None
        if any(self._sets[n].search(text, words) for n in rule.unless):
            return None
        best: int | None = None
        pos = first.start()
        m: re.Match[str] | None = first
        while m is not None:
            start, end = m.span()
            pos = max(end, start + 1)
            if not any(a < end and start < b for a, b in ctx.excluded):
                rank = self._survives(rule, ctx, start)
                if rank is not None:
                    best = rank if best is None else max(best, rank)
                    if best == _RANK[rule.level]:
                        break
            m = rule.regex.search(text, pos) if pos <= len(text) else None
        return best

    def _survives(self, rule: Rule, ctx: _Context, start: int) -> int | None:
        """Negation, tense and hyperbole checks for one match starting at ``start``."""
        clause_start, clause = ctx.clause(start)
        if rule.negatable:
            window = ctx.text[max(clause_start, start - 48) : start]
            if self._negation.search(window):
                return None
        if rule.tense == "present" and self._past.search(clause, ctx.words):
            return None
        if (
            rule.tense == "past"
            and ctx.past_anywhere
            and not self._recent.search(clause, ctx.words)
        ):
            return None
        rank = _RANK[rule.level]
        if rule.hyperbole and self._laughter.search(clause):
            rank -= 1
        return rank


class _Context:
    """Per-message facts shared by the rules, computed on first use."""

    def __init__(self, detector: Detector, text: str) -> None:
        self.detector = detector
        self.text = text
        self.words = frozenset(_WORD.findall(text))
        self.starts = [0] + [m.end() for m in _CLAUSE_BREAK.finditer(text)]

    @cached_property
    def excluded(self) -> list[tuple[int, int]]:
        return self.detector._exclusions.spans(self.text, self.words)

    @cached_property
    def past_anywhere(self) -> bool:
        return self.detector._past.search(self.text, self.words)

    def clause(self, pos: int) -> tuple[int, str]:
        """Start and text of the clause that holds ``pos``."""
        i = bisect.bisect_right(self.starts, pos) - 1
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
        return self.starts[i], self.text[self.starts[i] : end]


_default: Detector | None = None


def default_detector() -> Detector:
    """The shared detector built from the packaged ``rules.toml`` (loaded on first use)."""
    global _default
    if _default is None:
        _default = Detector()
    return _default


def classify(text: str) -> Detection:
    """Classify one message with the default detector."""
    return default_detector().classify(text)
