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

from cogs.crisis.facts import (
    CONCERN,
    URGENT,
    Facts,
    about_other,
    big_number,
    first_person,
    holds,
    in_past,
    in_story,
    joke_signs,
    risk,
    says_now,
)
from cogs.crisis.lexicon import Match

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
    if facts.raw_has("laugh") or about_other(facts) or facts.raw_has("denial"):
        return
    decided = [m for m in facts.get("decision") if not in_past(facts, m)]
    firm = facts.has("dont_stop_me")
    timed = facts.raw_has("weekday", "now_strong")
    risky = risk(facts) or facts.has("means", "farewell_weak", "arrangements")
    if decided and (timed or firm or risky):
        facts.fire(URGENT, "intent.decided")
    elif firm and (timed or risky):
        facts.fire(URGENT, "intent.do-not-stop-me")


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
        if in_past(facts, m, told_in_past=facts.raw_has("past_verb")) or joking >= 1:
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
        if facts.near(m, ("take",), 6, 4) and not in_past(facts, m, told_in_past=True):
            facts.fire(URGENT, "overdose.poison", overdose=True)
    for m in facts.get("overdose_word"):
        if (
            in_past(facts, m, told_in_past=True)
            or about_other(facts)
            or _too_much_of_a_thing(facts, m)
        ):
            continue  # a bystander report is judged in _others
        if first_person(facts) or facts.raw_has("now_strong", "just_now") or facts.has("take"):
            facts.fire(URGENT, "overdose.said", overdose=True)
    for m in facts.get("hoard"):
        if facts.near(m, ("drug", "means"), 6, 6) and not in_past(facts, m, told_in_past=True):
            facts.fire(URGENT, "means.saved-up", overdose=facts.has("drug"))
    for m in facts.get("od_symptom"):
        if in_past(facts, m, told_in_past=True) or _joke_about(facts, m) or facts.raw_has("panic"):
            continue
        if facts.raw_has("use_context") or facts.has("drug", "take", "overdose_word"):
            facts.fire(URGENT, "overdose.symptoms-after-use", overdose=True)


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
        if about_other(facts):
            continue
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
    if facts.has("relapse") and facts.has("injury_now") and not facts.has("self_harm"):
        if not any(in_past(facts, m) for m in facts.get("injury_now")):
            facts.fire(URGENT, "self-harm.relapse-injured")


def _means_and_places(facts: Facts) -> None:
    if about_other(facts):
        return
    routine = facts.has("routine_meds")  # "counted out my pills for the week"
    for m in facts.get("means_strong"):
        # "I'm a butcher, knife in hand all day": the writer's work in the same sentence
        if not in_past(facts, m, told_in_past=True) and not routine and not _calm_near(facts, m):
            facts.fire(URGENT, "means.prepared")
    for m in facts.get("means"):
        if in_past(facts, m, told_in_past=True) or routine:
            continue
        near = facts.near(m, ("ready_state",), 8, 12)
        ready = near or (facts.raw_has("ready_state") and first_person(facts))
        more = near or (
            len(facts.get("means")) + len(facts.raw.get("ready_state", ())) >= 3
            or risk(facts)
            or facts.raw_has("danger_cue", "weekday", "now_strong", "dont_stop_me")
        )
        calm = _calm_near(facts, m)
        if ready and more and not calm and not _joke_about(facts, m):
            # "... in the boot. tomorrow everyone's at work": a mundane word in another
            # sentence is no joke about the means
            facts.fire(URGENT, "means.ready")
        elif (
            facts.raw_has("possess")
            and (risk(facts) or facts.raw_has("now_strong"))
            and not facts.has("leisure", "positive")
            and not facts.raw_has("safe_now", "denial")  # "I'm safe, no plans to hurt myself"
        ):
            facts.fire(URGENT, "means.at-hand-with-intent")
    _counted_and_enough(facts)
    for m in facts.get("no_return"):
        if in_past(facts, m, told_in_past=True) or facts.raw_has("media", "benign_goodbye"):
            continue
        if facts.has("place") or facts.raw_has("presence"):
            if joke_signs(facts) < 2:
                facts.fire(URGENT, "place.no-return")
            break
    for m in facts.get("place"):
        if in_past(facts, m, told_in_past=True):
            continue
        there = facts.raw_has("presence")
        jump = facts.has("jump")
        calm = facts.has("leisure", "positive") or facts.raw_has("laugh", "media")
        if there and not calm:
            facts.fire(URGENT, "place.there-now")
        elif (
            jump
            and not calm
            and not joke_signs(facts)
            and (facts.raw_has("intent", "now_strong") or facts.has("want_die", "self_kill"))
        ):
            facts.fire(URGENT, "place.jump-intent")


def _joke_about(facts: Facts, m: Match) -> int:
    """Signs of a joke that touch this match: laughter anywhere, an everyday word in its sentence.

    "the meeting on sunday is at 11" in another sentence makes no joke of "my lips look blue".
    """
    if facts.raw_has("laugh"):
        return joke_signs(facts)
    sentence = facts.tokens.sentence[m.start]
    return joke_signs(facts) if facts.sentence_has(sentence, "mundane", "hyperbole") else 0


def _calm_near(facts: Facts, m: Match) -> bool:
    """Something ordinary (leisure, good news) in the same sentence as the means."""
    sentence = facts.tokens.sentence[m.start]
    return any(
        sentence == facts.tokens.sentence[o.start] and not (o.start < m.end and m.start < o.end)
        for c in ("leisure", "positive")
        for o in facts.get(c)
    )  # a word of the means itself ("a charcoal bbq inside") is not the calm around it


def _counted_and_enough(facts: Facts) -> None:
    """Pills counted out or lined up, or "there are enough now", with a drug or a means."""
    if facts.has("routine_meds", "positive", "leisure") or joke_signs(facts):
        return
    goods = facts.has("drug", "means", "poison", "hoard")
    for m in facts.get("counted_out") + facts.get("enough_now"):
        if in_past(facts, m, told_in_past=True):
            continue
        counted = m.concept == "counted_out"
        if goods or (counted and (big_number(facts, Match("n", max(0, m.start - 6), m.start), 0))):
            facts.fire(
                URGENT,
                "means.counted-out" if counted else "means.enough-now",
                overdose=facts.has("drug", "poison"),
            )
            return


def _habit_goodbye(facts: Facts, m: Match) -> bool:
    """A goodbye said to a habit ("goodbye nicotine", "cigarettes, goodbye forever")."""
    sentence = facts.tokens.sentence
    # Across a full stop only in a message that celebrates: "2 years clean off heroin. Last
    # message from me today" is a milestone; "my last message. tell my sponsor" is not.
    anywhere = facts.has("positive") or facts.raw_has("sober_count")
    habit = any(
        (m.end <= h.start <= m.end + 4 or 0 <= m.start - h.end <= 4)
        and (anywhere or sentence[h.start] == sentence[m.start])
        for c in ("habit", "drug")
        for h in facts.raw.get(c, ())
    )
    benign = any(
        not (b.start < m.end and m.start < b.end) or holds(b, m) for b in _benign_goodbyes(facts)
    )  # elsewhere, or a longer everyday phrase holding it ("after my last post")
    return habit or benign or _celebrating(facts)


_PARTY = frozenset((e,) for e in "🎉 🥳 🎓 💐 🎊 🥂".split())  # one-word matches


def _celebrating(facts: Facts) -> bool:
    """The message celebrates with a party emoji ("last day of school, goodbye forever 🎓",
    "addio pannolini!! 🎉"): a goodbye in it is said to what is over."""
    return any(facts.tokens.words[m.start : m.end] in _PARTY for m in facts.raw.get("positive", ()))


def _benign_goodbyes(facts: Facts) -> list[Match]:
    """Everyday sign-offs ("logging off", "night all"), unless made final right after or
    right before them.

    "logging off for the last time" and "my final log off" are goodbyes, not sign-offs.
    """
    finals = facts.raw.get("finality", ())
    return [
        b
        for b in facts.raw.get("benign_goodbye", ())
        if not any(b.end <= f.start <= b.end + 3 or f.end == b.start for f in finals)
    ]


def _farewell(facts: Facts) -> None:
    if facts.has("positive") and not risk(facts):
        return  # "giving away my wine glasses, 1 year sober 🥂"
    plans = {
        facts.tokens.words[m.start : m.end]
        for m in facts.get("arrangements")
        if not in_past(facts, m) and not _habit_goodbye(facts, m)
    }
    if (
        plans
        and not _benign_goodbyes(facts)
        and (
            len(plans) >= 2
            or facts.has("farewell_weak", "farewell_strong")
            or facts.raw_has("dont_stop_me")
        )
    ):
        facts.fire(URGENT, "others.goodbye" if about_other(facts) else "goodbye.arrangements")
    for m in facts.get("farewell_strong"):
        if in_past(facts, m) or _habit_goodbye(facts, m):
            continue
        if about_other(facts):
            facts.fire(URGENT, "others.goodbye")
        else:
            facts.fire(URGENT, "goodbye.final")
    weak = [
        m
        for m in facts.get("farewell_weak")
        if not in_past(facts, m) and not _habit_goodbye(facts, m)
    ]
    if not weak:
        return
    starts = {facts.tokens.words[m.start : m.end] for m in weak}
    if len(starts) >= 2 or facts.raw_has("finality") or risk(facts) or facts.has("burden"):
        if not _benign_goodbyes(facts):
            facts.fire(URGENT, "goodbye.with-finality")


def _unsafe(facts: Facts) -> None:
    for m in facts.get("unsafe"):
        if in_past(facts, m) or about_other(facts) or joke_signs(facts) or facts.raw_has("denial"):
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
    ]  # "strong urge to cut tonight, I didn't, talk to me please": an urge asks for company
    if facts.has("distress_call", "distress_strong") and acts:
        facts.fire(URGENT, "unsafe.call-for-help")


def _others(facts: Facts) -> None:
    if not facts.raw_has("third"):
        return
    # a sign said of nobody ("this is it. this is what the rest looks like", after "meet
    # someone" in another sentence) is the writer's own, not a report about someone else
    weak = {
        facts.tokens.words[m.start : m.end]
        for m in facts.get("other_weak")
        if not in_past(facts, m, told_in_past=True)
        and facts.sentence_has(facts.tokens.sentence[m.start], "third")
    }
    weak_spans = [m for m in facts.get("other_weak")]
    backed = facts.has(
        "drug", "means", "farewell_strong", "place", "hopeless", "arrangements"
    ) or any(
        not any(w.start < f.end and f.start < w.end for w in weak_spans)
        for f in facts.get("farewell_weak")
    )  # a goodbye of their own ("sorry for everything"), not the "said goodbye" already counted
    if about_other(facts) or facts.raw_has("third") and not facts.has("take", "self_harm"):
        for m in facts.get("od_symptom"):
            if not in_past(facts, m, told_in_past=True) and not facts.raw_has("condition"):
                facts.fire(URGENT, "others.overdose-signs", overdose=True)
                break
    if about_other(facts) and any(
        not in_past(facts, m, told_in_past=True) for m in facts.get("wound_bad")
    ):
        facts.fire(URGENT, "others.injured-now")
    calm = facts.has("positive") or facts.raw_has("laugh")
    if calm and not facts.get("other_danger"):
        pass  # "she said goodbye to her therapist and went quiet, she's doing great"
    elif (len(weak) >= 2 or (weak and backed)) and not facts.get("other_danger"):
        facts.fire(URGENT, "others.in-danger-now", overdose=_looks_like_overdose(facts))
    elif weak and _took_a_number(facts):  # "she said she took 40 of something and went quiet"
        facts.fire(URGENT, "others.in-danger-now", overdose=_looks_like_overdose(facts))
    for m in facts.get("other_danger"):
        if in_past(facts, m, told_in_past=True):
            continue
        worried_only = facts.has("worry") and not (
            facts.raw_has("now_strong", "recent") or facts.has("farewell_strong", "means")
        )
        if worried_only:
            facts.fire(CONCERN, "others.worry")
        else:
            facts.fire(URGENT, "others.in-danger-now", overdose=_looks_like_overdose(facts))
    reassured = not about_other(facts) and all(
        _own_reassurance(facts, facts.tokens.sentence[m.start]) for m in facts.get("worry")
    )
    if facts.has("worry") and not facts.fired and not reassured:
        # "I'm safe, not going to hurt myself, just need to rant about my sister": the
        # writer's own reassurance, not a worry about someone else
        facts.fire(CONCERN, "others.worry")


_OVERDOSE_SIGNS = frozenset(
    "blue purple breathing breathe wake unresponsive nodded narcan naloxone overdose overdosing "
    "overdosed od pills seizure convulse respira respire atmet despierta acorda sveglia".split()
)


def _took_a_number(facts: Facts) -> bool:
    """Someone took a large number of something, said now, not in a story."""
    return any(
        big_number(facts, m, 3) and not in_past(facts, m, told_in_past=True)
        for m in facts.get("take")
    )


def _looks_like_overdose(facts: Facts) -> bool:
    """A bystander report that sounds like an overdose: the poison/overdose line helps."""
    if facts.has("overdose_word", "drug", "od_symptom") or facts.raw_has("use_context"):
        return True
    return not _OVERDOSE_SIGNS.isdisjoint(facts.tokens.words)


_THEY = frozenset("he hes she shes they theyre".split())  # folded
# tiredness, not despair: "just tired of everything", "solo estoy harta", "просто устала"
_TIRED = frozenset(
    "tired exhausted done cansado cansada cansadisima cansadisimo harta harto mude "
    "genervt creve crevee vide fatigue stanco stanca устал устала "
    "втомилась втомився втомилася".split()
)


def _own_reassurance(facts: Facts, sentence: int) -> bool:
    """The sentence says the writer is safe ("I'm safe", "not suicidal or anything"), not that
    someone else is ("he's not in danger or anything but ...")."""
    words = facts.tokens.words
    return any(
        facts.tokens.sentence[m.start] == sentence
        and (m.start == 0 or words[m.start - 1] not in _THEY)
        for c in ("denial", "safe_now")
        for m in facts.raw.get(c, ())
    )


def _reassured_tired(facts: Facts, m: Match) -> bool:
    """ "Not suicidal or anything, just tired of everything": tiredness said beside the
    writer's own reassurance is venting, not despair ("I'm not going to do anything, I just
    don't see any future" stays a concern)."""
    tired = not _TIRED.isdisjoint(facts.tokens.words[m.start : m.end])
    return tired and _own_reassurance(facts, facts.tokens.sentence[m.start])


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
