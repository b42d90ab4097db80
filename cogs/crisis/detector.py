"""Crisis detector: classifies one chat message as ``none``, ``concern`` or ``urgent``.

Three steps, each linear in the length of the message (and the message is capped, see
:func:`cogs.crisis.lexicon.cap`):

1. A gate. The message is folded (case, accents, apostrophes, stretched letters) and split
   into words; if none of them can start a risk phrase of the lexicon, no rule can fire and
   only the learned model's screen looks at the words (step 4). Almost all chat ends here.
2. Tagging: the lexicon (``lexicon.toml``) marks every concept the message contains: an act,
   a means, a place, a farewell, a time, a negation, a past-story marker, an idiom ...
3. Judging (:mod:`cogs.crisis.judge`): the combination decides, the way a moderator would read
   it (a method at hand with intent, a dangerous place together with being there now, an
   overdose said with a number or by its symptoms after using, and so on). The learned model
   (:mod:`cogs.crisis.model`) may raise what the rules found, never lower it.
4. A message with no risk concept at all is read by the model alone, when a cheap screen over
   its words lets it through (about 2 % of ordinary chat).

``Detection.matched`` holds rule ids, never text from the message, so it can be logged or
shown to moderators without quoting a member.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from cogs.crisis.facts import CONCERN, URGENT, Facts, about_other, first_person, gather, joke_signs
from cogs.crisis.judge import judge
from cogs.crisis.lexicon import (
    LEXICON_PATH,
    Lexicon,
    Tokens,
    cap,
    fold,
    quoted_words,
    strip_ignored,
    tokenize,
)
from cogs.crisis.model import (
    ALL_KINDS,
    MODEL_PATH,
    LinearModel,
    Read,
    quiet_features,
    read,
    screen_words,
)
from cogs.crisis.replies import said_of_self

__all__ = ["Detection", "Detector", "LEXICON_PATH", "classify", "default_detector", "strip_ignored"]

Level = Literal["none", "concern", "urgent"]

# Concepts that can make a message matter on their own or as the core of a combination; the
# gate lets a message through only when one of their words is in it.
_CORE = (
    "self_kill", "suicide_word", "suicidal_self", "want_die", "drug", "overdose_word",
    "od_symptom", "self_harm", "self_harm_urge", "means", "means_strong", "place", "farewell_strong",
    "poison", "suicidal_thoughts", "injury_now", "self_hate", "decision", "dont_stop_me",
    "arrangements", "other_weak", "distress_strong",
    "farewell_weak", "unsafe", "other_danger", "hopeless", "burden", "method_question",
    "aimed_at_others", "worry", "wound_bad", "counted_out", "enough_now", "no_return", "keep_going",
    "unharnessed",
)  # fmt: skip
_CORE_SET = frozenset(_CORE)
_ASCII_WORD = re.compile(r"[a-z]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")
_DIGIT = re.compile(r"\d")
_NUMBER_UNIT = re.compile(r"\b\d+[a-z]{0,3}\b")  # 7pm, 30mg, 2nd: numbers, not leetspeak
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\u034f"
# Leetspeak, censoring, tripled letters, spelt-out or run-together words: not for the fast path.
_LEET_CHARS = re.compile(r"[0-9@$*]")
_LEET = re.compile(r"[0-9@$*][a-z]|[a-z][0-9@$*]")
_BANG = re.compile(r"[a-z]![a-z]")
# Each costly pattern is tried only where a cheap one that any match of it contains is found.
_ANY_TRIPLED = re.compile(r"([^ ])\1\1")
_TRIPLED = re.compile(r"([a-z])\1\1")
_THREE_SPELT = re.compile(r" [a-z] [a-z] [a-z] ")
# letters between dots or dashes ("k.m.s", "s-u-i-c-i-d-e"): read as the word they spell
_DOTTED_SEEN = re.compile(r"[.\-][a-z][.\-][a-z]")
_DOTTED = re.compile(r"(?<![^\W\d_])(?:[^\W\d_][.\-]){2,}[^\W\d_](?![^\W\d_])")
_SPELT = re.compile(r"\b[a-z] [a-z] [a-z] [a-z] ")
_RUN_LENGTH = 14
_HEAD = operator.itemgetter(slice(0, 4))  # a word's first four letters, without a Python loop


@cache
def _doublings(word: str) -> frozenset[str]:
    """The word with up to two of its letters doubled: "godbye" -> "goodbye", ..."""
    once = {word} | {word[:i] + word[i] + word[i:] for i in range(len(word)) if word[i].isalpha()}
    twice = {w[:i] + w[i] + w[i:] for w in once for i in range(len(w)) if w[i].isalpha()}
    return frozenset(once | twice)


_RANK = {"none": 0, "concern": 1, "urgent": 2}
_BETWEEN_WORDS = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACED = re.compile(r"(?:(?<![^\W\d_])[^\W\d_] {1,2}){4,}")  # "k i l l  m y"
_RUN_TOGETHER = re.compile(r"[^\W\d_]{14,}")  # "iwanttokillmyself"
_NOT_LETTER = re.compile(r"[\W\d_]+")
_SQUEEZE_LETTERS = re.compile(r"([^\W\d_])\1+")
_GLUED_CONCEPTS: dict[str, Level] = {
    "self_kill": "urgent",
    "suicidal_self": "urgent",
    "want_die": "concern",
}
# Words too common to let a message through the gate by themselves, the most common first.
_COMMON = tuple(
    "i im ive me my myself to the a an and is it its of in on so be am are was just want going "
    "gonna wanna this that do feel have not no dont can cant like get got will one you he she "
    "they we for with at what if now today about again more all all my out up off over every "
    "de la el que en y mi ya lo se con por es un una ich du er sie das der und nicht mehr mich "
    "mir bin ist je tu il ele le les des pas plus ce ca suis et est mon ma io non di che per "
    "sono ho mi ti eu nao um uma o os as me te da do na no ne take took too so much many lot "
    "help please sorry last end time everyone anyone today tonight went god long check how doing "
    "making support want this going tired used finished new day good know really still back think "
    "need love people life thing make well work first night week month year years days again got "
    "said say told tell call here there then than when where who why way just very some any other "
    "our your his her their them him us been being had has did does done would could should might "
    "must may into from after before down off being only also even ever never always sometimes "
    "home house room car school job friend friends family mom dad guys group server chat meeting "
    "sponsor cat dog game play watch movie show song music read book food eat sleep bed morning "
    "planned plan ready hope wish okay ok fine yeah yes lol haha omg idk tbh ngl fr rn im ive".split()
)
_TRICK = re.compile(r"[^\W\d_][\d@$!]|[\d@$!][^\W\d_]")  # leetspeak: su1cide, k!ll


@dataclass(frozen=True)
class Detection:
    """The detector's answer for one message.

    ``matched`` lists the ids of the rules that fired (most severe first). ``overdose`` is
    true when an overdose or poisoning is involved, so resources can put the emergency number
    and the poison/overdose line first. ``aimed_at_others`` is true when the message tells
    someone else to harm themselves ("kys"): that is not self-risk and never raises the level;
    a moderation feature may use it.
    """

    level: Level
    matched: tuple[str, ...] = ()
    overdose: bool = False
    aimed_at_others: bool = False


NONE = Detection("none")
_LEVEL_NAMES: dict[int, Level] = {URGENT: "urgent", CONCERN: "concern"}


# The longest answer under a quote that is read as saying the quote of its writer.
_ANSWER_CHARS = 80


def _letters_only(found: re.Match[str]) -> str:
    return _NOT_LETTER.sub("", found.group())


# The fewest words a message without any risk concept needs for the model alone to raise it.
_QUIET_WORDS = {"concern": 2, "urgent": 4}


class Detector:
    """A loaded lexicon. Load once, then call :meth:`classify` for every message."""

    def __init__(self, path: Path | str | None = None, model_path: Path | None = None) -> None:
        self.lexicon = Lexicon(path)
        weights = Path(model_path or MODEL_PATH)
        self.model: LinearModel | None = LinearModel(weights) if weights.exists() else None
        core_words: set[str] = set()
        partners: dict[str, set[str | None]] = {}
        stems: list[str] = []
        keyed_phrases: list[tuple[str, list[str]]] = []
        rank: dict[str, int] = {}
        for i, word in enumerate(_COMMON):
            rank.setdefault(fold(word), i)
        for pattern, concept in self.lexicon.patterns():
            if concept not in _CORE:
                continue
            # Every word of a phrase is in every message it matches, so one is enough to find
            # it: the least common one (not in _COMMON, else the latest there), then the longest.
            words = [w for w in pattern if w != "_"]
            # A word of letters above all: the fast path reads only letters ("took 40 of").
            key = max(
                words,
                key=lambda w: (
                    w.rstrip("*").isalpha(),
                    w not in rank,
                    not w.endswith("*"),
                    rank.get(w, 0),
                    len(w),
                ),
            )
            if key.endswith("*"):
                stems.append(key[:-1])
                continue
            core_words.add(key)
            keyed_phrases.append((key, words))
            # A second word of the phrase, when it has one: a message must hold both to be
            # looked at closely ("walk" alone is chat; "walk into the river" is not).
            others = [w for w in words if w != key and w.isalpha()]
            partner = max(
                others, key=lambda w: (w not in rank, rank.get(w, 0), len(w)), default=None
            )
            partners.setdefault(key, set()).add(partner)
        self._gate_words = frozenset(core_words)
        self._partners = {k: frozenset(v) for k, v in partners.items()}
        # The fast path compares the words as typed (not squeezed) for plain ASCII chat: every
        # key and partner is also spelt with up to two of its letters doubled ("goodbye").
        self._fast_keys: dict[str, str] = {}
        for key in core_words:
            if not key.isascii():
                continue  # the fast path reads plain ASCII chat only
            for variant in _doublings(key):
                self._fast_keys.setdefault(variant, key)
        self._fast_key_set = frozenset(self._fast_keys)
        self._fast_partners = {
            key: frozenset(v for p in ps for v in (_doublings(p) if p else (None,)))
            for key, ps in self._partners.items()
            if key.isascii()
        }
        # Every plain word of each phrase a key starts, for a closer look once key and partner
        # are both there ("anyone else?" holds the two words of a phrase about being a burden
        # "on anyone else", and nothing more of it): compared with the typed words squeezed.
        needs: dict[str, set[frozenset[str]]] = {}
        for key, words in keyed_phrases:
            needs.setdefault(key, set()).add(
                frozenset(w for w in words if w != key and w.isascii() and w.isalpha())
            )
        self._fast_needs = {key: tuple(sets) for key, sets in needs.items()}
        self._glued_levels: dict[str, Level] = {}
        for pattern, concept in self.lexicon.patterns():
            level = _GLUED_CONCEPTS.get(concept)
            joined = _SQUEEZE_LETTERS.sub(r"\1", "".join(pattern))
            whole = len(pattern) >= 2  # run-together words, not one long word of the lexicon
            if level and whole and "_" not in pattern and "*" not in joined and len(joined) >= 8:
                self._glued_levels.setdefault(joined, level)
        self._glued_phrases = re.compile(
            "|".join(sorted(map(re.escape, self._glued_levels), key=len, reverse=True))
        )
        self._symbols = frozenset(
            c
            for pattern, concept in self.lexicon.patterns()
            if concept in _CORE_SET
            for w in pattern
            for c in w
            if not c.isascii() and c != "\ufe0f"  # a variation selector, removed when folding
        ) | frozenset(_ZERO_WIDTH_CHARS)
        self._symbols_found = re.compile(
            "[" + "".join(re.escape(c) for c in sorted(self._symbols)) + "]"
        ).search
        self._stems = tuple(sorted(set(stems)))
        self._stem_heads = frozenset(stem[:4] for stem in self._stems)
        self._gate_stems = (
            re.compile("|".join(sorted({re.escape(s) for s in stems}, key=len, reverse=True)))
            if stems
            else None
        )

    def classify(self, text: str) -> Detection:
        """Classify one message. Never raises for a ``str``; only quoted replies (Matrix fallbacks) are skipped."""
        return self._classify(text, use_model=True)

    def classify_rules(self, text: str) -> Detection:
        """The rules alone, without the learned second opinion (for training and tests)."""
        return self._classify(text, use_model=False)

    def _classify(self, text: str, use_model: bool) -> Detection:
        if not text:
            return NONE
        whole = cap(text)
        own = strip_ignored(whole)
        found = self._classify_own(own, use_model)
        if found.level != "urgent" and own != whole and len(own) <= _ANSWER_CHARS:
            # "me too" under a quoted "i want to end it tonight", "yes" under "are you
            # thinking about killing yourself?": the writer says it of themselves
            meant = said_of_self(fold(quoted_words(whole)), fold(own))
            answered = self._classify_own(meant, use_model) if meant else NONE
            ruled = any(not rule.startswith("model.") for rule in answered.matched)
            if ruled and _RANK[answered.level] > _RANK[found.level]:
                # (the rules must see it: the model never learnt such made-up sentences)
                return Detection(
                    answered.level,
                    matched=("answers.quoted", *answered.matched),
                    overdose=answered.overdose,
                )
        return found

    def _classify_own(self, text: str, use_model: bool) -> Detection:
        if not text:
            return NONE
        if not text.isascii() and _BETWEEN_WORDS.search(text):
            # A zero-width character may join two words ("kill\u200bmyself") or hide inside
            # one ("sui\u200bcidal"): read it both ways and keep the graver answer.
            joined = self._classify_text(text, use_model)
            spaced = self._classify_text(_BETWEEN_WORDS.sub(" ", text), use_model)
            return max(joined, spaced, key=lambda d: _RANK[d.level])
        return self._classify_text(text, use_model)

    def _classify_text(self, text: str, use_model: bool) -> Detection:
        model = self.model if use_model else None
        plain = self._plain_words(text)
        if plain is not None:
            # most chat ends here: the screen is asked without another call
            if model is not None and model.reads_quiet and model.screen_passes(plain):
                return self._model_alone(text, None)
            return NONE
        folded = fold(text)
        if _DOTTED_SEEN.search(folded):
            folded = _DOTTED.sub(_letters_only, folded)
        glued = self._glued(folded)
        if glued is not None:
            return glued
        if not self._passes_gate(folded):
            screened = model is not None and self._screened(text)
            return self._model_alone(text, None) if screened else NONE
        return self._judge(text, tokenize(folded), "*" in folded, model is not None)

    def _screened(self, text: str) -> bool:
        """Whether the model's screen lets a message without any risk concept through."""
        model = self.model
        return model is not None and model.reads_quiet and model.screen_passes(screen_words(text))

    def _model_alone(self, text: str, tokens: Tokens | None) -> Detection:
        """A message without any risk concept that the screen let through: the model alone
        reads it.

        People write distress in words no lexicon lists ("honestly what's even the point of
        me"). The screen over the message's words lets through the few that look like any
        risk; the model's "quiet" thresholds were chosen for exactly such messages
        (scripts/train_crisis_model.py).
        """
        model = self.model
        assert model is not None
        if tokens is None:
            folded = fold(text)
            tokens = self._resolved(tokenize(folded), "*" in folded)
        if len(tokens.words) < _QUIET_WORDS["concern"]:
            return NONE  # one word ("myself") is too little to read anything into
        level = model.quiet_level(quiet_features(tokens.words, model.kinds))
        if level == "none" or self._held_back(tokens):
            return NONE
        if level == "urgent" and len(tokens.words) < _QUIET_WORDS["urgent"]:
            # "i can't" may be anything; a moderator woken at 3 a.m. needs more than that
            level = "concern"
        return Detection(level, matched=(f"model.{level}",))

    def _held_back(self, tokens: Tokens) -> bool:
        """What the model never raises on its word alone: a story of the past, words aimed at
        someone else, an everyday injury (as for messages the rules read), and a figure of
        speech or talk about a film or song ("dead tired after the shift")."""
        facts = gather(tokens, self.lexicon.tag(tokens.words))
        raw = facts.raw
        return bool(facts.past_sentences) or any(
            raw.get(concept) for concept in ("aimed_at_others", "benign_injury", "idiom", "media")
        )

    def held_back(self, text: str) -> bool:
        """:meth:`_held_back` of a message (for the trainer, which leaves these out)."""
        folded = fold(strip_ignored(cap(text)))
        return self._held_back(self._resolved(tokenize(folded), "*" in folded))

    def _read(self, text: str) -> tuple[Tokens, list, Facts] | None:  # noqa: ANN001
        """Tokens, concepts and judged facts of a message with a risk concept, else None."""
        if self._plainly_nothing(text):
            return None
        folded = fold(text)
        if self._glued(folded) is not None or not self._passes_gate(folded):
            return None
        tokens = self._resolved(tokenize(folded), "*" in folded)
        matches = self.lexicon.tag(tokens.words)
        if not any(m.concept in _CORE_SET for m in matches):
            return None
        return tokens, matches, judge(gather(tokens, matches))

    def _resolved(self, tokens: Tokens, censored: bool) -> Tokens:
        if not censored:
            return tokens
        words = tuple(self.lexicon.resolve_stars(list(tokens.words)))
        return Tokens(words, tokens.sentence, tokens.clause)

    def _glued(self, folded: str) -> Detection | None:
        """Words written letter by letter ("k i l l myself") or run together ("IWANTTODIE")."""
        pieces = [m.group() for m in _RUN_TOGETHER.finditer(folded)]
        for m in _SPACED.finditer(folded):
            # the spelt-out letters and the two words around them: "to k i l l myself"
            before = folded[max(0, m.start() - 24) : m.start()].split()[-2:]
            after = folded[m.end() : m.end() + 24].split()[:2]
            pieces.append(" ".join([*before, m.group(), *after]))
        if not pieces:
            return None
        for piece in pieces:
            letters = _SQUEEZE_LETTERS.sub(r"\1", _NOT_LETTER.sub("", piece))
            found = self._glued_phrases.search(letters)
            if found is not None:
                level = self._glued_levels[found.group()]
                kind = "intent" if level == "urgent" else "passive"
                return Detection(level, matched=(f"{kind}.spelt-out",))
        return None

    def _passes_gate(self, folded: str) -> bool:
        words = set(folded.split())
        if self._keyed(words):
            return True
        if "*" in folded or _TRICK.search(folded):
            return True  # censored or leetspeak words: look closer
        words = {w.strip(".,!?;:()\"'[]{}-_~") for w in words} | set(re.findall(r"[^\W_]+", folded))
        if self._keyed(words):
            return True
        return self._gate_stems is not None and self._gate_stems.search(folded) is not None

    def _plainly_nothing(self, text: str) -> bool:
        """Plain ASCII chat with no key word of any risk phrase (see :meth:`_plain_words`)."""
        return self._plain_words(text) is not None

    def _plain_words(self, text: str) -> set[str] | None:
        """The words of plain ASCII chat with no key word of any risk phrase, else None: most
        messages end here, and the model's screen reads these words.

        Anything unusual (non-ASCII, leetspeak, stars, tripled letters, letters spelt out or run
        together, a stem) goes the full way instead.
        """
        if not text.isascii():
            # Emoji and punctuation from outside ASCII do not matter, unless the lexicon knows
            # them (🔪, 🌉, 💀); letters from outside ASCII (accents, Cyrillic) take the full way.
            # Elsewhere they part words as a space would.
            if _NON_ASCII_LETTER.search(text) or self._symbols_found(text):
                return None
            text = _NON_ASCII.sub(" ", text)
        low = text.lower()
        # Each trick is looked for only where the characters it needs are: the searches are
        # most of the cost of this path.
        checked = low
        if _LEET_CHARS.search(low):  # digits, @, $ or *: most chat has none
            if _DIGIT.search(low):
                checked = _NUMBER_UNIT.sub(" ", low)
            if _LEET_CHARS.search(checked) and _LEET.search(checked):
                return None
        if "!" in checked and _BANG.search(checked):
            return None
        if _ANY_TRIPLED.search(checked) and _TRIPLED.search(checked):
            return None
        if _THREE_SPELT.search(checked) and _SPELT.search(checked):
            return None
        if _DOTTED_SEEN.search(checked):
            return None
        if "'" in low:
            low = low.replace("'", "")
        words = set(_ASCII_WORD.findall(low))
        if not words:
            return words
        if max(map(len, words)) >= _RUN_LENGTH:
            return None  # words run together ("iwanttodie")
        squeezed: set[str] | None = None
        for word in self._fast_key_set.intersection(words):
            key = self._fast_keys[word]
            partners = self._fast_partners[key]
            if None in partners or not partners.isdisjoint(words):
                if squeezed is None:
                    squeezed = set(_ASCII_WORD.findall(_SQUEEZE_LETTERS.sub(r"\1", low)))
                if any(need <= squeezed for need in self._fast_needs[key]):
                    return None
        heads = self._stem_heads
        if not heads.isdisjoint(map(_HEAD, words)):
            for word in words:
                if word[:4] in heads and any(word.startswith(s) for s in self._stems):
                    return None
        return words

    def _keyed(self, words: set[str]) -> bool:
        """A phrase's key word is here, and so is its partner word (or it has none)."""
        for key in self._gate_words.intersection(words):
            partners = self._partners[key]
            if None in partners or not partners.isdisjoint(words):
                return True
        return False

    def _second_opinion(self, facts: Facts, feats: Read) -> None:
        """The learned model may raise what the rules found, never lower it."""
        assert self.model is not None
        if facts.past_sentences or facts.disowned:
            return  # a story of the past or a disowned thought: never raised on the model's word
        current = max((level for level, _ in facts.fired), default=0)
        # Each head only where its threshold was chosen: "risk" lifts none -> concern, "urgent"
        # lifts concern -> urgent, and none -> urgent (after "risk") at a threshold chosen for
        # exactly those messages ("the rope is up in the loft, nobody here til monday").
        if current < CONCERN and self.model.passes(feats, "risk"):
            # an everyday injury ("my nose won't stop bleeding") is never urgent on words alone
            benign = "benign_injury" in facts.raw
            if not benign and self.model.passes(feats, "urgent", self.model.urgent_from_none):
                facts.fire(URGENT, "model.urgent")
            else:
                facts.fire(CONCERN, "model.concern")
        elif current == CONCERN and self.model.passes(feats, "urgent"):
            facts.fire(URGENT, "model.urgent")

    def _model_features(self, facts: Facts, kinds: frozenset[str] = ALL_KINDS) -> Read:
        """What the model reads of judged facts: words, n-grams, concepts, rules, flags."""
        live = set(facts.live)
        flags = tuple(
            name
            for name, on in (
                ("past", bool(facts.past_sentences)),
                ("story", bool(facts.story_sentences)),
                ("other", about_other(facts)),
                ("first", first_person(facts)),
                ("joke", joke_signs(facts) > 0),
                ("none", not facts.fired),
            )
            if on
        )
        return read(
            facts.tokens.words,
            live,
            set(facts.raw) - live,
            tuple(rule for _, rule in facts.fired),
            flags,
            kinds,
        )

    def features(self, text: str, kinds: frozenset[str] = ALL_KINDS) -> set[str] | None:
        """The model's features of a message (with ``x:quiet`` for one without any risk
        concept), or None when the model never reads it (empty, or aimed at others)."""
        text = strip_ignored(cap(text))
        if not text:
            return None
        judged = self._read(text)
        if judged is None:
            folded = fold(text)
            words = self._resolved(tokenize(folded), "*" in folded).words
            return quiet_features(words, kinds).as_names()
        if judged[2].raw.get("aimed_at_others"):
            return None
        return self._model_features(judged[2], kinds).as_names()

    def _judge(self, text: str, tokens: Tokens, censored: bool, use_model: bool) -> Detection:
        tokens = self._resolved(tokens, censored)
        matches = self.lexicon.tag(tokens.words)
        if not any(m.concept in _CORE_SET for m in matches):
            # only context words (times, pronouns, habits): nothing for the rules to judge
            return self._model_alone(text, tokens) if use_model and self._screened(text) else NONE
        facts = judge(gather(tokens, matches))
        others = bool(facts.raw.get("aimed_at_others"))
        if use_model and not others and self.model is not None:
            self._second_opinion(facts, self._model_features(facts, self.model.kinds))
        if not facts.fired:
            return Detection("none", aimed_at_others=others) if others else NONE
        level = max(level for level, _ in facts.fired)
        ordered = sorted(facts.fired, key=lambda item: -item[0])
        return Detection(
            level=_LEVEL_NAMES[level],
            matched=tuple(dict.fromkeys(rule for _, rule in ordered)),
            overdose=facts.overdose,
            aimed_at_others=others,
        )


_default: Detector | None = None


def default_detector() -> Detector:
    """The shared detector built from the packaged ``lexicon.toml`` (loaded on first use)."""
    global _default
    if _default is None:
        _default = Detector()
    return _default


def classify(text: str) -> Detection:
    """Classify one message with the default detector."""
    return default_detector().classify(text)
