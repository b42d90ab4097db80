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

from cogs.crisis.bystanders import others
from cogs.crisis.facts import (
    CONCERN,
    NOT,
    RISK_CONCEPTS,
    SINCERE,
    THEY,
    URGENT,
    Facts,
    about_other,
    big_number,
    first_person,
    holds,
    in_past,
    in_story,
    joke_about,
    joke_signs,
    overlaps,
    own_reassurance,
    risk,
    says_now,
)
from cogs.crisis.farewells import farewell
from cogs.crisis.lexicon import Match
from cogs.crisis.means import means_and_places

__all__ = ["CONCERN", "URGENT", "Facts", "judge"]

_SLANG = frozenset({("kms",), ("kms",), ("kil", "me", "now"), ("unalive",), ("ctb",)})  # folded


# --- the rules ------------------------------------------------------------------------------


def judge(facts: Facts) -> Facts:
    """Apply every rule; the facts collect what fired."""
    joking = joke_signs(facts)
    _intent(facts, joking)
    _decision(facts, joking)
    _overdose(facts)
    _self_harm(facts, joking)
    means_and_places(facts)
    farewell(facts)
    _unsafe(facts)
    others(facts)
    _concern(facts, joking)
    if facts.has("safe_now"):
        _cap_said_intent(facts)
    _disown_intrusive(facts)
    return facts


# What an intrusive thought says; acts done (an overdose, a wound) stay what they are.
_THOUGHT_OF = ("intent.", "place.", "passive.", "means.", "unsafe.", "self-harm.urge")


def _disown_intrusive(facts: Facts) -> None:
    """ "a 'what if I jump' thought on the balcony again. I don't want to, it's the OCD": a
    thought named as intrusive and not wanted is the illness talking, not a plan; "the
    intrusive thoughts used to be ones I didn't want. this one I want" is not disowned."""
    words, sentence = facts.tokens.words, facts.tokens.sentence
    named = [
        m for m in facts.raw.get("intrusive", ()) if not (m.start and words[m.start - 1] in NOT)
    ]  # "it's not the ocd kind of looking" names it to say it is not
    unwanted = [
        m
        for m in facts.raw.get("unwanted", ())
        if words[m.start : m.end] != ("i", "dont")
        or m.end == len(words)
        or sentence[m.end] != sentence[m.start]
    ]  # a bare "i don't." ends its sentence; "i don't know who else to tell" is no refusal
    if named and unwanted:
        facts.disowned = True
        facts.fired = [(lvl, rule) for lvl, rule in facts.fired if not rule.startswith(_THOUGHT_OF)]


_SAID = ("intent.", "unsafe.", "goodbye.")


def _cap_said_intent(facts: Facts) -> None:
    """ "I'm safe" said with a wish or a feeling keeps it a concern; acts stay urgent."""
    facts.fired = [
        (CONCERN if level == URGENT and rule.startswith(_SAID) else level, rule)
        for level, rule in facts.fired
    ]


def _decision(facts: Facts, joking: int) -> None:
    """A decision with a time, or "don't try to stop me", said about oneself."""
    if about_other(facts) or facts.raw_has("denial"):
        return
    sentence = facts.tokens.sentence
    laughs = {sentence[m.start] for m in facts.raw.get("laugh", ())}
    decided = [
        m
        for m in facts.get("decision")
        if not in_past(facts, m)
        and _the_writers(facts, m)
        and not laughs & {sentence[m.start] - 1, sentence[m.start], sentence[m.start] + 1}
    ]  # "my manager has decided cameras on is mandatory" is someone else's decision; a "lol"
    # three sentences on ("anyway how's everyone's week going lol") makes no joke of it
    if facts.raw_has("laugh") and not decided:
        return
    firm = facts.has("dont_stop_me")
    timed = facts.raw_has("weekday", "now_strong")
    risky = risk(facts) or facts.has("means", "farewell_weak", "arrangements")
    if decided and (timed or firm or risky):
        facts.fire(URGENT, "intent.decided")
    elif firm and (timed or risky):
        facts.fire(URGENT, "intent.do-not-stop-me")


def _the_writers(facts: Facts, decision: Match) -> bool:
    """A decision the writer made: "I've decided", "decidí" (one word holding its own subject is
    the writer's), not "our new area manager decided" or "he has decided"."""
    if decision.end - decision.start > 1:
        return True
    own = facts.raw.get("first_person", ())
    return decision.start == 0 or any(0 <= decision.start - p.end <= 2 for p in own)


def _intent(facts: Facts, joking: int) -> None:
    if facts.raw_has("denial"):
        # "asked if I'd had thoughts of ending my life; I said no and meant it"; a wish said
        # beside the denial stays a wish: "not going to do anything daft, but I hope I just
        # don't wake up one of these days"
        if any(not in_past(facts, m) for m in facts.get("want_die")) and not joking:
            facts.fire(CONCERN, "passive.wish-to-die")
        return
    conditional = facts.raw_has("condition")
    for m in facts.get("self_kill") + facts.get("suicidal_self"):
        if in_past(facts, m, told_in_past=facts.raw_has("past_verb")):
            continue
        # "gonna end it after court tomorrow. if he gets the kids...": the "if" of another
        # sentence does not make the intent conditional
        conditional = facts.sentence_has(facts.tokens.sentence[m.start], "condition")
        if m.concept == "suicidal_self" and facts.sentence_has(
            facts.tokens.sentence[m.start], "leisure", "positive"
        ):
            # "I have a plan for the weekend: hiking"; a sober count in another sentence
            # ("tonight's the night. 41 days sober and it doesn't matter") cancels nothing
            continue
        if m.concept == "suicidal_self" and _alone_in_sentence(facts, m) and _outing(facts):
            continue  # "tonight's the night!!! opening night, break a leg": said of the outing
        slang = facts.tokens.words[m.start : m.end] in _SLANG
        if joking >= 2 or (joking and (slang or conditional)):
            continue
        if slang and _said_of_a_thing(facts, m):
            continue  # "kms the vending machine ate my last dollar", "kms if fl crashes again"
        laughing = joking and facts.raw_has("laugh")  # an everyday topic alone is no joke
        if laughing or conditional:
            facts.fire(CONCERN, "intent.hedged")
        else:
            facts.fire(URGENT, f"intent.{m.concept.replace('_', '-')}")
    conditional = facts.raw_has("condition")
    for m in facts.get("suicide_word"):
        if in_past(facts, m, told_in_past=True) or joking >= 2 or facts.has("suicidal_thoughts"):
            continue
        if about_other(facts):
            if facts.has("worry") or facts.raw_has("now_strong"):
                facts.fire(CONCERN, "others.suicide-mentioned")
            continue
        if not first_person(facts):
            continue
        if (facts.raw_has("intent", "now_strong") or facts.has("means", "means_strong")) and not (
            joking or conditional
        ):
            facts.fire(URGENT, "intent.suicide-resolved")
        else:
            facts.fire(CONCERN, "intent.suicide-thoughts")
    for m in facts.get("want_die"):
        dated = in_past(facts, m, told_in_past=facts.raw_has("past_verb"))
        if (dated and not _wished_now(facts, m)) or joking >= 1:
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
        if not in_past(facts, m, told_in_past=True) and joking < 2 and not facts.raw_has("denial"):
            facts.fire(CONCERN, "passive.suicidal-thoughts")


_OF_A_THING = frozenset("if this the these those that".split())


def _said_of_a_thing(facts: Facts, m: Match) -> bool:
    """Slang ("kms") followed by the thing that annoys ("kms this lag", "kms if it crashes"),
    with nothing that makes it sincere: no "fr"/"not joking", no time, no other risk."""
    words, sentence = facts.tokens.words, facts.tokens.sentence
    if m.end >= len(words) or sentence[m.end] != sentence[m.start]:
        return False
    sincere = (
        any(words[i.start : i.end] in SINCERE for i in facts.raw.get("intent", ()))
        or facts.raw_has("now_strong", "weekday")
        or any(o is not m for c in RISK_CONCEPTS for o in facts.get(c))
    )  # "i'm gonna kms if this render crashes": "gonna" alone is no sincerity
    return words[m.end] in _OF_A_THING and not sincere


_WISHING_NOW = frozenset("i kinda sometimes still honestly just really".split())


def _wished_now(facts: Facts, m: Match) -> bool:
    """A wish said now about a night in the past: "sometimes I wish they had shot me that
    night" (not "I used to wish I was dead")."""
    words = facts.tokens.words
    at = m.start if words[m.start] == "wish" else m.start - 1
    return at >= 0 and words[at] == "wish" and (at == 0 or words[at - 1] in _WISHING_NOW)


def _outing(facts: Facts) -> bool:
    """Something to go out to, not a time ("since christmas" only says when)."""
    times = facts.raw.get("weekday", ())
    return any(
        not any(t.start < o.end and o.start < t.end for t in times) for o in facts.get("leisure")
    )


def _alone_in_sentence(facts: Facts, m: Match) -> bool:
    """The match is the whole of its sentence ("tonight's the night!!!")."""
    sentence = facts.tokens.sentence
    before = m.start == 0 or sentence[m.start - 1] != sentence[m.start]
    after = m.end == len(sentence) or sentence[m.end] != sentence[m.start]
    return before and after


def _overdose(facts: Facts) -> None:
    if facts.has("method_question"):
        return  # "how many would it take": a question, judged in _concern
    if facts.raw_has("safety_talk") and not facts.has("od_symptom"):
        return  # harm-reduction talk: "is it safer to smoke", "tested my batch"
    for m in facts.get("take"):
        if in_past(facts, m, told_in_past=True):
            continue
        if any(d.start <= m.start and m.end <= d.end for d in facts.get("drug")):
            continue  # the word is part of the drug's own name ("take-homes")
        drug = facts.near(m, ("drug",), 8, 10)  # "necked half a bottle of vodka with all my pills"
        said = any(  # "took too many shifts" is too many of a thing
            m.start <= o.start < m.end + 4
            and facts.tokens.sentence[o.start] == facts.tokens.sentence[m.start]
            and not _too_much_of_a_thing(facts, o)
            for o in facts.get("overdose_word")
            if o is not m
        )
        amount = _amount(facts, m)
        # "took everything in my cabin. the sleeping pills, the painkillers": the list follows
        drug = drug or (amount and _drug_listed_next(facts, m))
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
        if facts.near(m, ("take",), 6, 4) and not in_past(facts, m, told_in_past=True):
            facts.fire(URGENT, "overdose.poison", overdose=True)
    for m in facts.get("overdose_word"):
        if (
            in_past(facts, m, told_in_past=True)
            or about_other(facts)
            or _too_much_of_a_thing(facts, m)
        ):
            continue  # a bystander report is judged in _others
        if (
            first_person(facts)
            or facts.raw_has("now_strong", "just_now", "help_request")
            or facts.has("take", "distress_call")
        ):  # "kaz overdosed pls help": a name and a call for help
            facts.fire(URGENT, "overdose.said", overdose=True)
    errand = facts.raw_has("routine_meds") and not (  # "collecting 2 months of meds tomorrow"
        risk(facts) or facts.raw_has("ready_state", "intent", "now_strong", "danger_cue")
    )
    for m in facts.get("hoard"):
        if errand:
            break
        if facts.near(m, ("drug", "means"), 6, 6) and not in_past(facts, m, told_in_past=True):
            facts.fire(URGENT, "means.saved-up", overdose=facts.has("drug"))
    for m in facts.get("od_symptom"):
        if in_past(facts, m, told_in_past=True) or joke_about(facts, m) or facts.raw_has("panic"):
            continue
        if facts.raw_has("use_context") or facts.has("drug", "take", "overdose_word"):
            facts.fire(URGENT, "overdose.symptoms-after-use", overdose=True)


def _drug_listed_next(facts: Facts, take: Match) -> bool:
    """A drug named at the start of the sentence right after the taking (at most six words in)."""
    sentence = facts.tokens.sentence
    following = sentence[take.start] + 1
    starts = [i for i, s in enumerate(sentence) if s == following]
    return bool(starts) and any(
        sentence[d.start] == following and d.start - starts[0] < 6 for d in facts.get("drug")
    )


_AFTER_TOO_MUCH = frozenset(
    "of and again i im ive tonight today now this the he she my so already last just and "
    "idk lol it its".split()
)


def _too_much_of_a_thing(facts: Facts, m: Match) -> bool:
    """ "used too much salt", "took too much time": too much of something that is not a drug."""
    words, sentence = facts.tokens.words, facts.tokens.sentence
    if words[m.end - 1] not in ("much", "many") or m.end >= len(words):
        return False
    following = words[m.end]
    if sentence[m.end] != sentence[m.start] or following in _AFTER_TOO_MUCH:
        return False
    return not any(d.start == m.end for d in facts.get("drug"))


def _amount(facts: Facts, take: Match) -> bool:
    """A number or a word of quantity said with the taking, before the drug it counts."""
    clause = facts.tokens.clause
    drugs = [d for d in facts.get("drug") if abs(d.start - take.start) <= 9]
    for q in facts.get("quantity"):
        if take.start <= q.start <= take.end + 2 and clause[q.start] == clause[take.start]:
            return True  # "took everything", "took all of them"
        if any(0 <= d.start - q.start <= 4 for d in drugs):
            return True  # "a whole bottle of tylenol", "ganze packung paracetamol"
        if any(
            take.start < d.start and 0 < q.start - d.end <= 5 and clause[q.start] == clause[d.start]
            for d in drugs
        ):
            return True  # "me tomé las pastillas de mi abuela, todas" (not "propranolol do you all take")
    return big_number(facts, take, 8) or any(
        big_number(facts, Match("drug", max(0, d.start - 4), d.start), 0, anchor=d.start)
        for d in drugs
    )


def _self_harm(facts: Facts, joking: int) -> None:
    for m in facts.get("self_harm"):
        if in_past(facts, m, told_in_past=True) or (joking >= 2 and not facts.has("injury_now")):
            continue  # "currently cutting in the school bathroom lol whatever" is no joke
        sentence = facts.tokens.sentence[m.start]
        if about_other(facts) or _whose_harm(facts, m):
            continue
        if facts.sentence_has(sentence, "aimed_at_others") and not facts.has("injury_now"):
            continue  # "the guy who cut me up on the A1 should throw himself under a train"
        if facts.sentence_has(sentence, "benign_injury") and not facts.has("injury_now"):
            continue  # "cut myself chopping onions": an accident told with how it happened
        if facts.near(m, ("condition",), 6, 0) and not facts.has("injury_now"):
            # "people keep asking if I'm going to hurt myself. I'm not": asked, not done
            if not facts.raw_has("denial"):
                facts.fire(CONCERN, "self-harm.recent")
            continue
        if facts.near(m, ("self_harm_urge", "urge_word"), 5, 0) or any(
            u.start <= m.start < u.end for u in facts.get("self_harm_urge")
        ):
            facts.fire(CONCERN, "self-harm.urge")
            continue
        if facts.has("injury_now") or says_now(facts, sentence) or facts.raw_has("now_strong"):
            facts.fire(URGENT, "self-harm.now")
        else:
            facts.fire(CONCERN, "self-harm.recent")
    if facts.get("self_harm_urge"):
        facts.fire(CONCERN, "self-harm.urge")  # an urge is now, whatever the story around it
    if (
        facts.has("injury_now")
        and facts.raw_has("body_part")
        and first_person(facts)
        and not about_other(facts)
        and not facts.has("self_harm")
        and not facts.raw_has("benign_injury")  # "day 4 of withdrawal and my legs won't stop"
        and not any(in_past(facts, m, told_in_past=True) for m in facts.get("injury_now"))
    ):
        facts.fire(URGENT, "self-harm.injury")
    # A blade in hand and "I can't stop" / "already several": self-harm happening now.
    if (
        facts.has("keep_going")
        and (facts.has("blade") or facts.has("self_harm"))
        and not about_other(facts)
        and not joking
        and not any(in_past(facts, m, told_in_past=True) for m in facts.get("keep_going"))
    ):
        facts.fire(URGENT, "self-harm.cannot-stop")
    wounds = [m for m in facts.get("wound_bad") if not in_past(facts, m, told_in_past=True)]
    if wounds and not about_other(facts) and not joking and not facts.has("benign_injury"):
        facts.fire(URGENT, "self-harm.wound")
    accidents = facts.raw.get("benign_injury", ())
    slips = [r for r in facts.get("relapse") if not overlaps(r, accidents)]
    if slips and facts.has("injury_now") and not facts.has("self_harm"):
        # "a knife slip at work": the slip of the knife, not a relapse
        if not any(in_past(facts, m) for m in facts.get("injury_now")):
            facts.fire(URGENT, "self-harm.relapse-injured")


_WHO = frozenset("who whos whove".split())  # folded


def _whose_harm(facts: Facts, m: Match) -> bool:
    """ "a friend who's been self harming", "he's been cutting again": someone else's."""
    before = facts.tokens.words[max(0, m.start - 3) : m.start]
    return not _WHO.isdisjoint(before) or (bool(before) and before[0] in THEY)


_SAYING = frozenset("saying said says kept told tells wrote writes texted messaged".split())


def _said_of_someone_else(facts: Facts, m: Match) -> bool:
    """Someone else's state or words: "he's about to do something", "he kept saying i don't
    know how much longer i can do this" (a quote), not the writer's own."""
    words = facts.tokens.words
    before = words[max(0, m.start - 5) : m.start]
    if not before or THEY.isdisjoint(before):
        return False
    return before[-1] in THEY or not _SAYING.isdisjoint(before)


def _unsafe(facts: Facts) -> None:
    for m in facts.get("unsafe"):
        if in_past(facts, m) or about_other(facts) or joke_about(facts, m):
            continue  # "school called again" in another sentence is no joke about being unsafe
        if facts.around(m, "denial") or _said_of_someone_else(facts, m):
            continue
        if m.end - m.start == 1 and facts.raw_has("panic"):
            continue  # "a panic attack, heart racing": a crisis of another kind
        facts.fire(URGENT, "unsafe.said")
    if len({facts.tokens.words[m.start : m.end] for m in facts.get("distress_strong")}) >= 2:
        facts.fire(URGENT, "unsafe.call-for-help")
    urges = facts.get("self_harm_urge") + facts.get("urge_word")
    acts = [
        m
        for c in ("self_kill", "suicidal_self", "want_die", "self_harm", "od_symptom")
        for m in facts.get(c)
        if not any(u.start <= m.start and 0 <= m.start - u.end <= 5 for u in urges)
        and not any(holds(u, m) for u in urges)
        and not in_past(facts, m)  # a story: "my first year I thought of it. I asked for help"
    ]  # "strong urge to cut tonight, I didn't, talk to me please": an urge asks for company
    if facts.has("distress_call", "distress_strong") and acts:
        facts.fire(URGENT, "unsafe.call-for-help")


_TIRED = frozenset(
    "tired exhausted done cansado cansada cansadisima cansadisimo harta harto mude "
    "genervt creve crevee vide fatigue stanco stanca устал устала "
    "втомилась втомився втомилася".split()
)


def _reassured_tired(facts: Facts, m: Match) -> bool:
    """ "Not suicidal or anything, just tired of everything": tiredness said beside the
    writer's own reassurance is venting, not despair ("I'm not going to do anything, I just
    don't see any future" stays a concern)."""
    tired = not _TIRED.isdisjoint(facts.tokens.words[m.start : m.end])
    return tired and own_reassurance(facts, facts.tokens.sentence[m.start])


def _concern(facts: Facts, joking: int) -> None:
    for concept, rule in (
        ("hopeless", "concern.hopeless"),
        ("burden", "concern.burden"),
        ("method_question", "concern.method-question"),
    ):
        for m in facts.get(concept):
            if in_story(facts, m):
                continue  # "years ago I asked a forum how many pills it would take"
            if joking >= 2 or (joking and concept == "hopeless"):
                continue
            if concept == "hopeless" and _reassured_tired(facts, m):
                continue
            if concept != "method_question" and about_other(facts):
                continue
            facts.fire(CONCERN, rule)
    if facts.has("relapse") and (facts.has("self_hate", "hopeless", "burden")):
        if not all(in_story(facts, m) for m in facts.get("relapse")):
            facts.fire(CONCERN, "concern.relapse-self-hatred")
    if facts.has("self_hate") and facts.has("want_die", "hopeless", "burden", "self_harm_urge"):
        facts.fire(CONCERN, "concern.self-hatred")
