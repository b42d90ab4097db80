"""What one message contains, read the way a moderator reads it before judging.

:func:`gather` sorts the lexicon's matches by concept and takes back those that a negation
("not", "never" up to five words before, unless "stop"/"help" comes between), an idiom, a film or
the news, or a German article ("die") cancels. The helpers answer the questions every rule asks:
is this a story of the past (:func:`in_past`), a joke (:func:`joking`), about someone else
(:func:`about_other`), said with any other sign of danger (:func:`risk`)?
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from cogs.crisis.lexicon import Match, Tokens

URGENT = 2
CONCERN = 1

# Concepts dropped where an idiom or a media reference covers them.
SUPPRESSIBLE = frozenset(
    {
        "self_kill", "suicide_word", "suicidal_self", "suicidal_thoughts", "want_die", "take", "drug", "overdose_word",
        "od_symptom", "self_harm", "injury_now", "self_harm_urge", "means", "means_strong",
        "place", "jump", "farewell_strong", "farewell_weak", "unsafe", "distress_call",
        "other_danger", "hopeless", "burden", "relapse", "self_hate", "method_question",
        "die_word", "decision", "dont_stop_me", "arrangements", "other_weak", "distress_strong",
        "poison", "hoard", "safe_now", "wound_bad", "counted_out", "enough_now", "no_return", "keep_going", "blade",
        "unharnessed",
    }
)  # fmt: skip
_KEEP = 12  # occurrences per concept kept from each end of a message
_YEAR = re.compile(r"(?:19|20)\d\d")
_YEAR_LEAD = frozenset("in since back en im seit em nel dal desde depuis".split())
_TIME_UNITS = frozenset(
    "minutes minute mins min hours hour hrs hr seconds secs sec days day weeks years months "
    "minutos horas minuten stunden tage minuti ore giorni jours heures".split()
)
_AGE_LEAD = frozenset("was were tenia war avais avevo tinha era".split())


@dataclass
class Facts:
    """What one message contains, after negation, past and idioms are taken into account."""

    tokens: Tokens
    live: dict[str, list[Match]] = field(default_factory=dict)
    raw: dict[str, list[Match]] = field(default_factory=dict)
    past_sentences: frozenset[int] = frozenset()
    # the writer disowns the thought (an intrusive thought, named so, "I don't want to")
    disowned: bool = False
    story_sentences: frozenset[int] = frozenset()
    # sentences told as an anniversary ("four years ago tonight I'm sitting in the car"): their
    # "now" and "tonight" belong to the story, not to today
    anniversary_sentences: frozenset[int] = frozenset()
    # sentences that date acts told in the past tense elsewhere in the message: stories, and
    # sober counts of years ("5 years clean"); a count of days or months dates only its own
    # sentence ("I'm 4 months sober. ... but I took like 15 of my sertraline")
    dating_sentences: frozenset[int] = frozenset()
    fired: list[tuple[int, str]] = field(default_factory=list)
    overdose: bool = False

    def has(self, *concepts: str) -> bool:
        """True if any of the concepts is present (and not taken back)."""
        return any(self.live.get(c) for c in concepts)

    def raw_has(self, *concepts: str) -> bool:
        """True if any of the concepts occurs at all (context words: time, laughter ...)."""
        return any(self.raw.get(c) for c in concepts)

    def get(self, concept: str) -> list[Match]:
        return self.live.get(concept, [])

    def sentence_has(self, sentence: int, *concepts: str) -> bool:
        """True if a concept occurs in the given sentence."""
        s = self.tokens.sentence
        return any(s[m.start] == sentence for c in concepts for m in self.raw.get(c, ()))

    def around(self, match: Match, *concepts: str, live: bool = False) -> list[Match]:
        """The concepts' matches that bear on ``match``: anywhere in a message of a few
        sentences, but only in the match's own sentence in a long post, where a laugh, a
        coffee or a "said no" four sentences earlier belongs to another part of the day.
        ``live`` leaves out matches taken back (negated, past); otherwise all occurrences."""
        s = self.tokens.sentence
        found = self.live if live else self.raw
        # a story told to others ("I remember the night ...") is one piece, however long
        long_post = bool(s) and s[-1] + 1 >= LONG_POST_SENTENCES and "story_frame" not in self.raw
        return [
            o
            for c in concepts
            for o in found.get(c, ())
            if not long_post or s[o.start] == s[match.start]
        ]

    def near(self, match: Match, concepts: Iterable[str], before: int, after: int) -> bool:
        """True if a live concept starts within the window around ``match`` (same sentence)."""
        s = self.tokens.sentence
        lo, hi = match.start - before, match.end + after
        for c in concepts:
            for other in self.live.get(c, ()):
                if (
                    other is not match
                    and lo <= other.start < hi
                    and s[other.start] == s[match.start]
                ):
                    return True
        return False

    def fire(self, level: int, rule: str, overdose: bool = False) -> None:
        """Record a rule that fired."""
        self.fired.append((level, rule))
        self.overdose = self.overdose or overdose


# From this many sentences on a message is a long post: context words count in their sentence.
LONG_POST_SENTENCES = 5

_AMOUNTS = frozenset({"much", "many", "far", "hard", "fast"})


def _too_much(words: tuple[str, ...], m: Match) -> bool:
    """ "used too much" folds to "used to much": an amount, not a habit of the past."""
    return words[m.end - 1] == "to" and m.end < len(words) and words[m.end] in _AMOUNTS


_PRETEND = frozenset(
    "pretending pretend pretended faking fake act acting fingir fingiendo fingindo finjo "
    "semblant vortauschen притворяться притворяюсь вдавати вдаю".split()
)


def holds(outer: Match, inner: Match) -> bool:
    """`outer` is a longer phrase that contains `inner`."""
    return (
        outer.start <= inner.start
        and inner.end <= outer.end
        and outer.end - outer.start > inner.end - inner.start
    )


def _pretended(words: tuple[str, ...], m: Match) -> bool:
    """ "done pretending I'm fine", "fingiendo que estoy bien": a denial only acted out."""
    return any(w in _PRETEND for w in words[max(0, m.start - 3) : m.start])


_FRAMED_WORDS = 4  # "telling everyone to go od and die"


def gather(tokens: Tokens, matches: list[Match]) -> Facts:
    """Sort matches by concept and take back the ones negation, the past or idioms cancel."""
    raw: dict[str, list[Match]] = {}
    for m in matches:
        raw.setdefault(m.concept, []).append(m)
    for concept, found in raw.items():
        if len(found) > 2 * _KEEP:
            # A message that repeats a word a thousand times must not make the judge slow:
            # the first and last occurrences are the ones that tell.
            raw[concept] = found[:_KEEP] + found[-_KEEP:]
    words = tokens.words
    sentence = tokens.sentence
    if "sober_count" in raw:  # "5 días sin dormir" counts sleepless days, not sober ones
        raw["sober_count"] = [
            m for m in raw["sober_count"] if m.end >= len(words) or words[m.end] not in _UNSLEPT
        ]
    for concept in ("past", "past_verb"):
        if concept in raw:
            raw[concept] = [m for m in raw[concept] if not _too_much(words, m)]
    for concept in ("denial", "safe_now"):
        if concept in raw:  # "done pretending I'm fine" says the opposite
            raw[concept] = [m for m in raw[concept] if not _pretended(words, m)]
    covered = [False] * len(words)
    held = ("want_die", "self_kill", "method_question", "unsafe", "farewell_strong", "burden")
    wishes = [m for c in held for m in raw.get(c, ())]
    for concept in ("idiom", "aimed_at_others"):
        for m in raw.get(concept, ()):
            if any(holds(w, m) for w in wishes):
                continue  # "if I died tomorrow" holds the idiom "I died": the longer phrase tells
            for i in range(m.start, m.end):
                covered[i] = True
    # an act someone told others to do, or a hyperbole's punchline: the next few words
    for m in raw.get("framed_act", ()):
        clause = tokens.clause
        for i in range(m.end, min(m.end + _FRAMED_WORDS, len(words))):
            if clause[i] == clause[m.start]:
                covered[i] = True
    # A denial that holds the act it denies, the negation after the verb: "ich ritz mich nicht
    # mehr" (German puts "nicht" after "ritz mich", where a negation before it cannot reach)
    for d in raw.get("denial", ()):
        for concept in ("self_harm", "self_kill", "want_die"):
            for m in raw.get(concept, ()):
                if holds(d, m):
                    for i in range(m.start, m.end):
                        covered[i] = True
    # A story about a film, a song or the news: that sentence and the next one.
    # ... but not a game, a show or a match that only says when ("after the game on friday")
    times = raw.get("weekday", ())
    # ... nor a sentence after it that says what the writer is doing now ("we watched the
    # football. ... I've been cutting for the last half hour")
    now = {
        sentence[m.start]
        for m in raw.get("just_now", ())
        if words[m.start : m.end] not in _NOW_ALONE  # "adesso" alone is any "now"
    }
    # ... nor one where the writer says what they will do and when ("watched the match. I'm
    # going to end it this weekend")
    timed = {sentence[m.start] for c in ("now_strong", "weekday") for m in raw.get(c, ())}
    planned = {sentence[m.start] for m in raw.get("intent", ())} & timed
    media = {
        sentence[m.start] + k
        for m in raw.get("media", ())
        if not overlaps(m, times)
        for k in (0, 1)
        if k == 0 or not {sentence[m.start] + 1} & (now | planned)
    }
    if _looks_german(words):
        for concept in ("die_word", "want_die"):
            raw[concept] = [m for m in raw.get(concept, ()) if words[m.start : m.end] != ("die",)]
    negation = [False] * len(words)
    release = [False] * len(words)
    inside_place = {
        i for c in ("presence", "place") for m in raw.get(c, ()) for i in range(m.start, m.end)
    }
    for m in raw.get("negation", ()):
        if m.end - 1 not in inside_place:  # Portuguese "no telhado" is "on the roof"
            negation[m.end - 1] = True
    for m in raw.get("negation_release", ()):
        release[m.start] = True
    # A sober count ("40 days sober") dates acts told in the past, never an intent said now, and
    # a count that was just broken ("used after 8 months clean") dates nothing.
    sober = raw.get("sober_count", ())
    # "the cliffs where we used to party" describes a place, it does not date the sentence
    habitual = raw.get("habitual_place", ())
    # "for the first time in months" says now
    habitual = (*habitual, *raw.get("present_frame", ()))
    story = frozenset(
        sentence[m.start]
        for m in raw.get("past", ())
        if not overlaps(m, sober) and not overlaps(m, habitual)
    ) | _years(tokens)
    # "... That was 3 years ago": a later sentence dates everything told before it; a writer
    # who gives their age now ("I'm 34 now") is telling a story of a younger self.
    back = [sentence[m.start] for m in raw.get("dated_back", ())]
    if back:
        story |= frozenset(range(max(back) + 1))
    if raw.get("story_frame"):
        # a message that opens as a story ("story time for the new folks", "vou contar uma
        # coisa"): every sentence of it belongs to the story
        story |= frozenset(sentence)
    aged = _age_now(tokens)
    if aged is not None:
        # the writer's age now ("... now I'm 47"): what comes before it is a younger self's
        # story; what follows ("this is it, this is what the rest looks like") is today
        story |= frozenset(range(aged + 1))
    broken = frozenset(sentence[m.start] for m in raw.get("relapse", ()))
    # "shot up after 3 months clean": a count said as the time before using is broken too
    frames = raw.get("present_frame", ())
    counted = [m for m in sober if not overlaps(m, frames)]
    counts = frozenset(sentence[m.start] for m in counted) - broken
    years = frozenset(
        sentence[m.start]
        for m in counted
        if not _YEARS.isdisjoint(words[max(0, m.start - 2) : m.end])  # "4 years self harm free"
    )
    anniversary = frozenset(sentence[m.start] for m in raw.get("anniversary", ()))
    story |= anniversary
    facts = Facts(
        tokens=tokens,
        raw=raw,
        past_sentences=story | counts,
        story_sentences=story,
        anniversary_sentences=anniversary,
        dating_sentences=story | (years - broken),
    )
    for concept, found in raw.items():
        if concept not in SUPPRESSIBLE:
            facts.live[concept] = found
            continue
        kept = [
            m
            for m in found
            if not any(covered[m.start : m.end])
            and sentence[m.start] not in media
            and not _negated(m, negation, release, tokens.clause, words)
        ]
        if kept:
            facts.live[concept] = kept
    return facts


_UNSLEPT = frozenset(
    "dormir comer sleep sleeping eating dormire mangiare schlaf schlafen essen manger dormi".split()
)
_AGE_NOW_LEAD = frozenset("im am ai bin tengo tenho ho мені мне".split())
_YEARS = frozenset("year years ano anos jahr jahre an ans anno anni год года лет рік років".split())
_NOW = frozenset(
    "now maintenant ahora agora jetzt ora adeso зараз сеичас теперь тепер".split()
)  # folded
_NOW_ALONE = frozenset((w,) for w in _NOW)


def _age_now(tokens: Tokens) -> int | None:
    """The sentence that gives the writer's age as today's, if any: "I'm 34 now", "now I'm 29",
    "j'en ai 30 maintenant", "ich bin jetzt 40", "зараз мені 29"."""
    words, sentence = tokens.words, tokens.sentence
    for i in range(1, len(words)):
        if words[i].isdigit() and 12 <= int(words[i][:3]) <= 99:
            lead, after = words[i - 1], words[i + 1] if i + 1 < len(words) else ""
            if (
                lead in _AGE_NOW_LEAD
                and i >= 2
                and words[i - 2] in _NOW
                and sentence[i - 2] == sentence[i]  # "...help me on the toilet now. i'm 29"
            ):
                return sentence[i]
            if (lead in _AGE_NOW_LEAD or lead in _NOW) and (after in _NOW or lead in _NOW):
                if lead in _NOW and (i < 2 or words[i - 2] not in _AGE_NOW_LEAD):
                    continue
                return sentence[i]
    return None


def overlaps(m: Match, others: Iterable[Match]) -> bool:
    """True if ``m`` shares a word with any of ``others``."""
    return any(o.start < m.end and m.start < o.end for o in others)


_GERMAN = frozenset(
    "der das und ich ist nicht ein eine mit auf fur zu den dem mich mir sich auch ohne nochmal "
    "noch wie wir heute nach bei von habe hab wenn aber oder".split()
)


def _looks_german(words: tuple[str, ...]) -> bool:
    """German "die" is "the": it must not count as the English verb."""
    return len(_GERMAN.intersection(words)) >= 2


def _years(tokens: Tokens) -> frozenset[int]:
    """Sentences that date a story: "in 2019", "since 2015"."""
    words = tokens.words
    dated = set()
    for i in range(len(words)):
        if _YEAR.fullmatch(words[i]):
            if words[max(0, i - 2) : i] != ("like", "its"):  # "like it's 2008": a comparison
                dated.add(tokens.sentence[i])
        elif (
            i
            and words[i - 1] in _AGE_LEAD
            and words[i].isdigit()
            and 5 <= int(words[i][:3]) <= 99
            and not (i + 1 < len(words) and words[i + 1].isdigit())  # "weigh in was 88.4"
        ):
            dated.add(tokens.sentence[i])  # "when I was 17", "the last time I was 24"
    return frozenset(dated)


def _negated(
    m: Match,
    negation: list[bool],
    release: list[bool],
    clause: tuple[int, ...],
    words: tuple[str, ...],
) -> bool:
    """A negation word up to five words before the match in its clause, no release between.

    A phrase that holds a negation itself ("not safe") is not undone by an earlier one: "not
    ok, not safe" lists two things.
    """
    if any(negation[m.start : m.end]):
        return False
    subject = False  # "I have no self control I hate myself": a new "I" starts a new thought
    for i in range(m.start - 1, max(-1, m.start - 6), -1):
        if clause[i] != clause[m.start]:
            return False
        if release[i]:
            return False
        if negation[i]:
            return not (subject and words[i] == "no")  # "no" before a noun negates the noun
        subject = subject or words[i] in _SUBJECT_I
    return False


_SUBJECT_I = frozenset("i im ive id".split())


# --- helpers --------------------------------------------------------------------------------


def in_past(facts: Facts, m: Match, told_in_past: bool = False) -> bool:
    """The match belongs to a story of the past, not to now.

    A sober count ("90 days sober") dates an act told in the past tense, never an intent:
    "90 days sober and I'm ending my life tonight" is about tonight.
    """
    sentence = facts.tokens.sentence[m.start]
    if sentence in facts.story_sentences or (told_in_past and sentence in facts.past_sentences):
        return not says_now(facts, sentence)
    if told_in_past and facts.dating_sentences:
        # A story told in another sentence ("same bridge as last year") does not date a
        # sentence that places the writer here and now ("I'm on the bridge again").
        if facts.sentence_has(sentence, "now_strong", "held_now"):
            return False
        return not says_now(facts, sentence)
    return False


def in_story(facts: Facts, m: Match) -> bool:
    """The match is in a sentence that tells a story of the past ("years ago", "back then")."""
    sentence = facts.tokens.sentence[m.start]
    return sentence in facts.story_sentences and not says_now(facts, sentence)


def says_now(facts: Facts, sentence: int) -> bool:
    """The sentence says the act is happening now or was just done ("just", "right now")."""
    if sentence in facts.anniversary_sentences:
        return False
    # "now 7 months clean", "сейчас уже год чистый": a "now" that dates the story back
    dating = (*facts.raw.get("dated_back", ()), *facts.raw.get("sober_count", ()))
    words = facts.tokens.words
    return any(
        facts.tokens.sentence[m.start] == sentence
        and not overlaps(m, dating)
        and not any(0 <= d.start - m.end <= 3 for d in dating)  # "зараз вже 2 роки чиста"
        and not (m.start and words[m.start - 1] in _WHEN)  # "cuando recién me recibí"
        for m in facts.raw.get("just_now", ())
    )


_WHEN = frozenset("when cuando quand quando als когда коли".split())


# Words that say a message means it ("fr", "not joking"), folded.
SINCERE = frozenset(
    {("fr",), ("frfr",), ("not", "joking"), ("no", "joke"), ("im", "serious"), ("deadas",)}
)


def joke_signs(facts: Facts) -> int:
    """How many signs of a joke: laughter, an everyday annoyance (0, 1 or 2); 0 if serious.

    Despair in the same message ("nobody will even notice 💀") is no joke either.
    """
    if facts.has("burden", "farewell_strong", "arrangements"):
        return 0
    sincere = any(
        facts.tokens.words[m.start : m.end] in SINCERE for m in facts.raw.get("intent", ())
    )
    if sincere and not facts.raw_has("hyperbole"):
        return 0  # "fr if i hear one more song im jumping" stays the hyperbole it is
    # a mundane word that only says when ("after my shift", "nach dem Spiel morgen") is a time
    times = [
        m
        for m in (*facts.raw.get("weekday", ()), *facts.raw.get("now_strong", ()))
        if m.end - m.start > 1  # "monday" alone is still the mundane word it is
    ]
    mundane = any(not overlaps(m, times) for m in facts.raw.get("mundane", ()))
    return int(facts.raw_has("laugh")) + int(mundane or facts.raw_has("hyperbole"))


def first_person(facts: Facts) -> bool:
    return facts.raw_has("first_person")


def about_other(facts: Facts) -> bool:
    """Someone else is the subject and the writer is not.

    "Someone" in a call for help ("need someone", "please someone") is no subject.
    """
    if facts.raw_has("first_person"):
        return False
    asks = facts.raw.get("help_request", ())
    return any(not overlaps(m, asks) for m in _people(facts))


def only_someone_unnamed(facts: Facts) -> bool:
    """Every other person in the message is "someone" unnamed ("volevo solo dirlo a
    qualcuno"): in a language that drops "I", the writer is still the one at the place."""
    words = facts.tokens.words
    return all(words[m.start : m.end] in _ANYONE for m in _people(facts))


def _people(facts: Facts) -> list[Match]:
    """The third persons of the message, without a pronoun standing for a thing just named:
    "la corde est prête, elle est accrochée" (French "elle" is the rope)."""
    things = [m for c in ("means", "means_strong", "drug") for m in facts.raw.get(c, ())]
    words, sentence = facts.tokens.words, facts.tokens.sentence
    return [
        m
        for m in facts.raw.get("third", ())
        if not (
            words[m.start : m.end] in _THING_PRONOUNS
            and any(
                0 <= m.start - t.end <= 3 and sentence[t.start] == sentence[m.start] for t in things
            )
        )
    ]


# Pronouns that may stand for a thing (the rope, the gun) in languages with grammatical gender.
_THING_PRONOUNS = frozenset(
    (w,) for w in "il elle ils elles er sie es ella el ela ele lei lui она он вона він".split()
)


# Someone unnamed is no subject of a report ("volevo dirlo a qualcuno", "just tell someone").
_ANYONE = frozenset(
    tuple(w.split())
    for w in (
        "someone", "somebody", "anyone", "anybody", "qualcuno", "alguien", "alguem", "jemand",
        "quelquun", "кто то", "кто нибудь", "хтось", "хто небудь",
    )
)  # fmt: skip


def big_number(facts: Facts, m: Match, after: int, anchor: int | None = None) -> bool:
    """A number of six or more in the window, in the clause of ``anchor`` (a word index) when
    given: "mood today: 6/10, slept ok, meds taken" counts nothing taken."""
    words, clause = facts.tokens.words, facts.tokens.clause
    for i in range(m.start, min(len(words), m.end + after)):
        w = words[i]
        later = words[i + 1] if i + 1 < len(words) else ""
        if anchor is not None and clause[i] != clause[anchor]:
            continue
        if w.isdigit() and int(w[:6]) >= 6 and later not in _TIME_UNITS:
            return True
    return False


# The concepts that are a sign of danger or despair wherever they stand in a message.
RISK_CONCEPTS = (
    "self_kill", "suicidal_self", "want_die", "hopeless", "burden", "means_strong", "unsafe",
    "farewell_strong", "die_word", "suicide_word", "self_harm", "overdose_word",
)  # fmt: skip


def risk(facts: Facts) -> bool:
    """Any other sign of danger or despair in the message."""
    return facts.has(*RISK_CONCEPTS)


def strongest_time(facts: Facts) -> bool:
    return facts.raw_has("now_strong")


THEY = frozenset("he hes she shes they theyre".split())  # folded
# tiredness, not despair: "just tired of everything", "solo estoy harta", "просто устала"


def own_reassurance(facts: Facts, sentence: int) -> bool:
    """The sentence says the writer is safe ("I'm safe", "not suicidal or anything"), not that
    someone else is ("he's not in danger or anything but ...")."""
    words = facts.tokens.words
    return any(
        facts.tokens.sentence[m.start] == sentence
        and (m.start == 0 or words[m.start - 1] not in THEY)
        for c in ("denial", "safe_now")
        for m in facts.raw.get(c, ())
    )


# Words that deny what follows them ("not the OCD kind", "not fishing today"), folded.
NOT = frozenset("not isnt arent nicht kein pas no non не".split())


def joke_about(facts: Facts, m: Match) -> int:
    """Signs of a joke that touch this match: laughter anywhere, an everyday word in its sentence.

    "the meeting on sunday is at 11" in another sentence makes no joke of "my lips look blue".
    """
    if facts.raw_has("laugh"):
        return joke_signs(facts)
    sentence = facts.tokens.sentence[m.start]
    return joke_signs(facts) if facts.sentence_has(sentence, "mundane", "hyperbole") else 0
