"""The judgement: which combinations of concepts make a message ``urgent`` or ``concern``.

The lexicon says what a message contains (a means, a place, a farewell, a time); the rules
here say what the combination means, the way a trained moderator reads it: a rope alone is a
rope, a rope with "tonight" and "goodbye" is an emergency. Each rule has an id that appears in
``Detection.matched``; ids name rules, never words of the message.

Every match first passes three checks, each about the words around it:
- negation: "not", "never", "no" ... up to three words before it in the same sentence, unless a
  word like "stop" comes between ("can't stop thinking about ...");
- the past: a story marker ("years ago", "used to", "when I was using") in the same sentence, or
  anywhere in the message for acts told in the past tense unless their sentence says "just" or
  "right now";
- ordinary senses: idioms ("this exam is killing me"), media ("in the film ..."), laughter and
  everyday annoyances ("kms this homework 💀") lower or drop what they touch.
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
        "poison", "hoard", "safe_now",
    }
)  # fmt: skip
_KEEP = 12  # occurrences per concept kept from each end of a message
_YEAR = re.compile(r"(?:19|20)\d\d")
_YEAR_LEAD = frozenset("in since back en im seit em nel dal desde depuis".split())
_TIME_UNITS = frozenset(
    "minutes minute mins min hours hour hrs hr seconds secs sec days day weeks years months "
    "minutos horas minuten stunden tage minuti ore giorni jours heures".split()
)
_SLANG = frozenset({("kms",), ("kms",), ("kil", "me", "now"), ("unalive",), ("ctb",)})  # folded
_AGE_LEAD = frozenset("was were tenia war avais avevo tinha era".split())


@dataclass
class Facts:
    """What one message contains, after negation, past and idioms are taken into account."""

    tokens: Tokens
    live: dict[str, list[Match]] = field(default_factory=dict)
    raw: dict[str, list[Match]] = field(default_factory=dict)
    past_sentences: frozenset[int] = frozenset()
    story_sentences: frozenset[int] = frozenset()
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
    covered = [False] * len(words)
    for concept in ("idiom", "aimed_at_others"):
        for m in raw.get(concept, ()):
            for i in range(m.start, m.end):
                covered[i] = True
    # A story about a film, a song or the news: that sentence and the next one.
    media = {sentence[m.start] + k for m in raw.get("media", ()) for k in (0, 1)}
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
    story = frozenset(sentence[m.start] for m in raw.get("past", ())) | _years(tokens)
    counts = frozenset(sentence[m.start] for m in raw.get("sober_count", ()))
    facts = Facts(tokens=tokens, raw=raw, past_sentences=story | counts, story_sentences=story)
    for concept, found in raw.items():
        if concept not in SUPPRESSIBLE:
            facts.live[concept] = found
            continue
        kept = [
            m
            for m in found
            if not any(covered[m.start : m.end])
            and sentence[m.start] not in media
            and not _negated(m, negation, release, tokens.clause)
        ]
        if kept:
            facts.live[concept] = kept
    return facts


_GERMAN = frozenset(
    "der das und ich ist nicht ein eine mit auf fur zu den dem mich mir sich auch".split()
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
            dated.add(tokens.sentence[i])
        elif (
            i and words[i - 1] in _AGE_LEAD and words[i].isdigit() and 5 <= int(words[i][:3]) <= 99
        ):
            dated.add(tokens.sentence[i])  # "when I was 17", "the last time I was 24"
    return frozenset(dated)


def _negated(m: Match, negation: list[bool], release: list[bool], clause: tuple[int, ...]) -> bool:
    """A negation word up to five words before the match in its clause, no release between.

    A phrase that holds a negation itself ("not safe") is not undone by an earlier one: "not
    ok, not safe" lists two things.
    """
    if any(negation[m.start : m.end]):
        return False
    for i in range(m.start - 1, max(-1, m.start - 6), -1):
        if clause[i] != clause[m.start]:
            return False
        if release[i]:
            return False
        if negation[i]:
            return True
    return False


# --- helpers --------------------------------------------------------------------------------


def _in_past(facts: Facts, m: Match, told_in_past: bool = False) -> bool:
    """The match belongs to a story of the past, not to now.

    A sober count ("90 days sober") dates an act told in the past tense, never an intent:
    "90 days sober and I'm ending my life tonight" is about tonight.
    """
    sentence = facts.tokens.sentence[m.start]
    if sentence in facts.story_sentences or (told_in_past and sentence in facts.past_sentences):
        return not _says_now(facts, sentence)
    if told_in_past and facts.past_sentences:
        return not _says_now(facts, sentence)
    return False


def _in_story(facts: Facts, m: Match) -> bool:
    """The match is in a sentence that tells a story of the past ("years ago", "back then")."""
    sentence = facts.tokens.sentence[m.start]
    return sentence in facts.story_sentences and not _says_now(facts, sentence)


def _says_now(facts: Facts, sentence: int) -> bool:
    """The sentence says the act is happening now or was just done ("just", "right now")."""
    return facts.sentence_has(sentence, "just_now")


def _joking(facts: Facts) -> int:
    """How many signs of a joke: laughter, an everyday annoyance (0, 1 or 2); 0 if serious.

    Despair in the same message ("nobody will even notice 💀") is no joke either.
    """
    if facts.has("burden", "farewell_strong", "arrangements"):
        return 0
    if facts.raw_has("intent") and any(
        facts.tokens.words[m.start : m.end]
        in {("fr",), ("frfr",), ("not", "joking"), ("no", "joke"), ("im", "serious"), ("deadas",)}
        for m in facts.raw.get("intent", ())
    ):
        return 0
    return int(facts.raw_has("laugh")) + int(facts.raw_has("mundane", "hyperbole"))


def _first_person(facts: Facts) -> bool:
    return facts.raw_has("first_person")


def _about_other(facts: Facts) -> bool:
    """Someone else is the subject and the writer is not."""
    return facts.raw_has("third") and not facts.raw_has("first_person")


def _big_number(facts: Facts, m: Match, after: int) -> bool:
    words = facts.tokens.words
    for i in range(m.start, min(len(words), m.end + after)):
        w = words[i]
        later = words[i + 1] if i + 1 < len(words) else ""
        if w.isdigit() and int(w[:6]) >= 6 and later not in _TIME_UNITS:
            return True
    return False


def _risk(facts: Facts) -> bool:
    """Any other sign of danger or despair in the message."""
    return facts.has(
        "self_kill", "suicidal_self", "want_die", "hopeless", "burden", "means_strong", "unsafe",
        "farewell_strong", "die_word", "suicide_word", "self_harm", "overdose_word",
    )  # fmt: skip


def _strongest_time(facts: Facts) -> bool:
    return facts.raw_has("now_strong")


# --- the rules ------------------------------------------------------------------------------


def judge(facts: Facts) -> Facts:
    """Apply every rule; the facts collect what fired."""
    joking = _joking(facts)
    _intent(facts, joking)
    _decision(facts, joking)
    _overdose(facts)
    _self_harm(facts, joking)
    _means_and_places(facts)
    _farewell(facts)
    _unsafe(facts)
    _others(facts)
    _concern(facts, joking)
    if facts.has("safe_now"):
        _cap_said_intent(facts)
    return facts


_SAID = ("intent.", "unsafe.", "goodbye.")


def _cap_said_intent(facts: Facts) -> None:
    """ "I'm safe" said with a wish or a feeling keeps it a concern; acts stay urgent."""
    facts.fired = [
        (CONCERN if level == URGENT and rule.startswith(_SAID) else level, rule)
        for level, rule in facts.fired
    ]


def _decision(facts: Facts, joking: int) -> None:
    """A decision with a time, or "don't try to stop me", said about oneself."""
    if facts.raw_has("laugh") or _about_other(facts) or facts.raw_has("denial"):
        return
    decided = [m for m in facts.get("decision") if not _in_past(facts, m)]
    firm = facts.has("dont_stop_me")
    timed = facts.raw_has("weekday", "now_strong")
    risky = _risk(facts) or facts.has("means", "farewell_weak", "arrangements")
    if decided and (timed or firm or risky):
        facts.fire(URGENT, "intent.decided")
    elif firm and (timed or risky):
        facts.fire(URGENT, "intent.do-not-stop-me")


def _intent(facts: Facts, joking: int) -> None:
    if facts.raw_has("denial"):
        return  # "asked if I'd had thoughts of ending my life; I said no and meant it"
    conditional = facts.raw_has("condition")
    for m in facts.get("self_kill") + facts.get("suicidal_self"):
        if _in_past(facts, m, told_in_past=facts.raw_has("past_verb")):
            continue
        if m.concept == "suicidal_self" and facts.has("leisure", "positive"):
            continue  # "I have a plan for the weekend: hiking"
        slang = facts.tokens.words[m.start : m.end] in _SLANG
        if joking >= 2 or (joking and (slang or conditional)):
            continue
        laughing = joking and facts.raw_has("laugh")  # an everyday topic alone is no joke
        if laughing or conditional:
            facts.fire(CONCERN, "intent.hedged")
        else:
            facts.fire(URGENT, f"intent.{m.concept.replace('_', '-')}")
    for m in facts.get("suicide_word"):
        if _in_past(facts, m, told_in_past=True) or joking >= 2 or facts.has("suicidal_thoughts"):
            continue
        if _about_other(facts):
            if facts.has("worry") or facts.raw_has("now_strong"):
                facts.fire(CONCERN, "others.suicide-mentioned")
            continue
        if not _first_person(facts):
            continue
        if (facts.raw_has("intent", "now_strong") or facts.has("means", "means_strong")) and not (
            joking or conditional
        ):
            facts.fire(URGENT, "intent.suicide-resolved")
        else:
            facts.fire(CONCERN, "intent.suicide-thoughts")
    for m in facts.get("want_die"):
        if _in_past(facts, m, told_in_past=facts.raw_has("past_verb")) or joking >= 1:
            continue  # "leg day and I want to die 😭", "my team lost, I want to die 🤣"
        if facts.has("method_question"):
            continue  # a question, judged in _concern
        resolved = facts.raw_has("now_strong") or facts.has(
            "means_strong", "means", "farewell_strong", "unsafe"
        )
        if resolved and not (joking or conditional):
            facts.fire(URGENT, "intent.wish-with-time-or-means")
        else:
            facts.fire(CONCERN, "passive.wish-to-die")
    for m in facts.get("suicidal_thoughts"):
        if not _in_past(facts, m, told_in_past=True) and joking < 2 and not facts.raw_has("denial"):
            facts.fire(CONCERN, "passive.suicidal-thoughts")


def _overdose(facts: Facts) -> None:
    if facts.has("method_question"):
        return  # "how many would it take": a question, judged in _concern
    if facts.raw_has("safety_talk") and not facts.has("od_symptom"):
        return  # harm-reduction talk: "is it safer to smoke", "tested my batch"
    for m in facts.get("take"):
        if _in_past(facts, m, told_in_past=True):
            continue
        drug = facts.near(m, ("drug",), 8, 8)
        said = facts.near(m, ("overdose_word",), 0, 4)
        amount = _amount(facts, m)
        reason = facts.has(
            "want_die", "self_kill", "suicidal_self", "od_symptom", "farewell_strong", "deliberate"
        )
        if not (drug or said or (amount and reason)):
            continue
        if said or (amount and reason) or (drug and (amount or reason)):
            facts.fire(
                URGENT, "overdose.taken-amount" if amount else "overdose.taken-with-intent", True
            )
    for m in facts.get("poison"):
        if facts.near(m, ("take",), 6, 4) and not _in_past(facts, m, told_in_past=True):
            facts.fire(URGENT, "overdose.poison", overdose=True)
    for m in facts.get("overdose_word"):
        if _in_past(facts, m, told_in_past=True) or _about_other(facts):
            continue  # a bystander report is judged in _others
        if _first_person(facts) or facts.raw_has("now_strong", "just_now") or facts.has("take"):
            facts.fire(URGENT, "overdose.said", overdose=True)
    for m in facts.get("hoard"):
        if facts.near(m, ("drug", "means"), 6, 6) and not _in_past(facts, m, told_in_past=True):
            facts.fire(URGENT, "means.saved-up", overdose=facts.has("drug"))
    for m in facts.get("od_symptom"):
        if _in_past(facts, m, told_in_past=True) or _joking(facts) or facts.raw_has("panic"):
            continue
        if facts.raw_has("use_context") or facts.has("drug", "take", "overdose_word"):
            facts.fire(URGENT, "overdose.symptoms-after-use", overdose=True)


def _amount(facts: Facts, take: Match) -> bool:
    """A number or a word of quantity said with the taking, before the drug it counts."""
    clause = facts.tokens.clause
    drugs = [d for d in facts.get("drug") if abs(d.start - take.start) <= 9]
    for q in facts.get("quantity"):
        if take.start <= q.start <= take.end + 2 and clause[q.start] == clause[take.start]:
            return True  # "took everything", "took all of them"
        if any(0 <= d.start - q.start <= 4 for d in drugs):
            return True  # "a whole bottle of tylenol", "ganze packung paracetamol"
    return _big_number(facts, take, 8) or any(
        _big_number(facts, Match("drug", max(0, d.start - 4), d.start), 0) for d in drugs
    )


def _self_harm(facts: Facts, joking: int) -> None:
    for m in facts.get("self_harm"):
        if _in_past(facts, m, told_in_past=True) or joking >= 2:
            continue
        sentence = facts.tokens.sentence[m.start]
        if _about_other(facts):
            continue
        if facts.near(m, ("self_harm_urge", "urge_word"), 5, 0) or any(
            u.start <= m.start < u.end for u in facts.get("self_harm_urge")
        ):
            facts.fire(CONCERN, "self-harm.urge")
            continue
        if facts.has("injury_now") or _says_now(facts, sentence) or facts.raw_has("now_strong"):
            facts.fire(URGENT, "self-harm.now")
        else:
            facts.fire(CONCERN, "self-harm.recent")
    if facts.get("self_harm_urge"):
        facts.fire(CONCERN, "self-harm.urge")  # an urge is now, whatever the story around it
    if (
        facts.has("injury_now")
        and facts.raw_has("body_part")
        and _first_person(facts)
        and not _about_other(facts)
        and not facts.has("self_harm")
        and not any(_in_past(facts, m, told_in_past=True) for m in facts.get("injury_now"))
    ):
        facts.fire(URGENT, "self-harm.injury")
    if facts.has("relapse") and facts.has("injury_now") and not facts.has("self_harm"):
        if not any(_in_past(facts, m) for m in facts.get("injury_now")):
            facts.fire(URGENT, "self-harm.relapse-injured")


def _means_and_places(facts: Facts) -> None:
    if _about_other(facts):
        return
    for m in facts.get("means_strong"):
        if not _in_past(facts, m, told_in_past=True):
            facts.fire(URGENT, "means.prepared")
    for m in facts.get("means"):
        if _in_past(facts, m, told_in_past=True):
            continue
        near = facts.near(m, ("ready_state",), 8, 12)
        ready = near or (facts.raw_has("ready_state") and _first_person(facts))
        more = near or (
            len(facts.get("means")) + len(facts.raw.get("ready_state", ())) >= 3
            or _risk(facts)
            or facts.raw_has("danger_cue", "weekday", "now_strong", "dont_stop_me")
        )
        if ready and more and not facts.has("leisure", "positive") and not _joking(facts):
            facts.fire(URGENT, "means.ready")
        elif (
            facts.raw_has("possess")
            and (_risk(facts) or facts.raw_has("now_strong"))
            and not facts.has("leisure", "positive")
        ):
            facts.fire(URGENT, "means.at-hand-with-intent")
    for m in facts.get("place"):
        if _in_past(facts, m, told_in_past=True):
            continue
        there = facts.raw_has("presence")
        jump = facts.has("jump")
        calm = facts.has("leisure", "positive") or facts.raw_has("laugh", "media")
        if there and not calm:
            facts.fire(URGENT, "place.there-now")
        elif (
            jump
            and not calm
            and not _joking(facts)
            and (facts.raw_has("intent", "now_strong") or facts.has("want_die", "self_kill"))
        ):
            facts.fire(URGENT, "place.jump-intent")


def _habit_goodbye(facts: Facts, m: Match) -> bool:
    habit = any(
        m.end <= h.start <= m.end + 4 or 0 <= m.start - h.end <= 4
        for c in ("habit", "drug")
        for h in facts.raw.get(c, ())
    )
    benign = any(
        not (b.start < m.end and m.start < b.end) for b in facts.raw.get("benign_goodbye", ())
    )
    return habit or benign


def _farewell(facts: Facts) -> None:
    if facts.has("positive") and not _risk(facts):
        return  # "giving away my wine glasses, 1 year sober 🥂"
    plans = {
        facts.tokens.words[m.start : m.end]
        for m in facts.get("arrangements")
        if not _in_past(facts, m) and not _habit_goodbye(facts, m)
    }
    if (
        plans
        and not facts.raw_has("benign_goodbye")
        and (
            len(plans) >= 2
            or facts.has("farewell_weak", "farewell_strong")
            or facts.raw_has("dont_stop_me")
        )
    ):
        facts.fire(URGENT, "others.goodbye" if _about_other(facts) else "goodbye.arrangements")
    for m in facts.get("farewell_strong"):
        if _in_past(facts, m) or _habit_goodbye(facts, m):
            continue
        if _about_other(facts):
            facts.fire(URGENT, "others.goodbye")
        else:
            facts.fire(URGENT, "goodbye.final")
    weak = [
        m
        for m in facts.get("farewell_weak")
        if not _in_past(facts, m) and not _habit_goodbye(facts, m)
    ]
    if not weak:
        return
    starts = {facts.tokens.words[m.start : m.end] for m in weak}
    if len(starts) >= 2 or facts.raw_has("finality") or _risk(facts) or facts.has("burden"):
        if not facts.raw_has("benign_goodbye"):
            facts.fire(URGENT, "goodbye.with-finality")


def _unsafe(facts: Facts) -> None:
    for m in facts.get("unsafe"):
        if _in_past(facts, m) or _about_other(facts) or _joking(facts) or facts.raw_has("denial"):
            continue
        if m.end - m.start == 1 and facts.raw_has("panic"):
            continue  # "a panic attack, heart racing": a crisis of another kind
        facts.fire(URGENT, "unsafe.said")
    if len({facts.tokens.words[m.start : m.end] for m in facts.get("distress_strong")}) >= 2:
        facts.fire(URGENT, "unsafe.call-for-help")
    if facts.has("distress_call", "distress_strong") and facts.has(
        "self_kill", "suicidal_self", "want_die", "self_harm", "od_symptom"
    ):
        facts.fire(URGENT, "unsafe.call-for-help")


def _others(facts: Facts) -> None:
    if not facts.raw_has("third"):
        return
    weak = {
        facts.tokens.words[m.start : m.end]
        for m in facts.get("other_weak")
        if not _in_past(facts, m, told_in_past=True)
    }
    backed = facts.has("drug", "means", "farewell_strong", "place", "hopeless", "arrangements")
    if _about_other(facts) or facts.raw_has("third") and not facts.has("take", "self_harm"):
        for m in facts.get("od_symptom"):
            if not _in_past(facts, m, told_in_past=True) and not facts.raw_has("condition"):
                facts.fire(URGENT, "others.overdose-signs", overdose=True)
                break
    if (len(weak) >= 2 or (weak and backed)) and not facts.get("other_danger"):
        facts.fire(URGENT, "others.in-danger-now", overdose=_looks_like_overdose(facts))
    for m in facts.get("other_danger"):
        if _in_past(facts, m, told_in_past=True):
            continue
        worried_only = facts.has("worry") and not (
            facts.raw_has("now_strong", "recent") or facts.has("farewell_strong", "means")
        )
        if worried_only:
            facts.fire(CONCERN, "others.worry")
        else:
            facts.fire(URGENT, "others.in-danger-now", overdose=_looks_like_overdose(facts))
    if facts.has("worry") and not facts.fired:
        facts.fire(CONCERN, "others.worry")


_OVERDOSE_SIGNS = frozenset(
    "blue purple breathing breathe wake unresponsive nodded narcan naloxone overdose overdosing "
    "overdosed od pills seizure convulse respira respire atmet despierta acorda sveglia".split()
)


def _looks_like_overdose(facts: Facts) -> bool:
    """A bystander report that sounds like an overdose: the poison/overdose line helps."""
    if facts.has("overdose_word", "drug", "od_symptom") or facts.raw_has("use_context"):
        return True
    return not _OVERDOSE_SIGNS.isdisjoint(facts.tokens.words)


def _concern(facts: Facts, joking: int) -> None:
    for concept, rule in (
        ("hopeless", "concern.hopeless"),
        ("burden", "concern.burden"),
        ("method_question", "concern.method-question"),
    ):
        for m in facts.get(concept):
            if concept != "method_question" and _in_story(facts, m):
                continue
            if joking >= 2 or (joking and concept == "hopeless"):
                continue
            if concept != "method_question" and _about_other(facts):
                continue
            facts.fire(CONCERN, rule)
    if facts.has("relapse") and (facts.has("self_hate", "hopeless", "burden")):
        if not any(_in_story(facts, m) for m in facts.get("relapse")):
            facts.fire(CONCERN, "concern.relapse-self-hatred")
    if facts.has("self_hate") and facts.has("want_die", "hopeless", "burden", "self_harm_urge"):
        facts.fire(CONCERN, "concern.self-hatred")
