"""Means and places: a rope, pills saved up or a bridge, and whether the writer has them ready
or is there now.

A means alone is a word; with "ready", "tonight", another risk or a second means it is urgent.
A place alone is a place; with presence in its sentence ("standing on the bridge") it is urgent,
unless the message is a story, a joke, or leisure ("meet at the bridge spot").
"""

from __future__ import annotations

from cogs.crisis.facts import (
    NOT,
    URGENT,
    Facts,
    about_other,
    big_number,
    first_person,
    in_past,
    joke_about,
    joke_signs,
    only_someone_unnamed,
    overlaps,
    risk,
)
from cogs.crisis.lexicon import Match

__all__ = ["means_and_places"]


def means_and_places(facts: Facts) -> None:
    if about_other(facts) and (not only_someone_unnamed(facts) or facts.has("method_question")):
        return  # "would it kill someone": a question, judged in _concern
    routine = facts.has("routine_meds")  # "counted out my pills for the week"
    for m in facts.get("means_strong"):
        # "I'm a butcher, knife in hand all day": the writer's work in the same sentence
        if not in_past(facts, m, told_in_past=True) and not routine and not _calm_near(facts, m):
            facts.fire(URGENT, "means.prepared")
    for m in facts.get("means"):
        if in_past(facts, m, told_in_past=True) or routine:
            continue
        near = facts.near(m, ("ready_state",), 8, 12)
        # "купила мотузку. сховала в шафі": a verb of buying or hiding holds its own "I"
        readied = [r for r in facts.raw.get("ready_state", ()) if not in_past(facts, r, True)]
        ready = near or (
            bool(readied) and (first_person(facts) or facts.raw_has("possess"))
        )  # "ten years ago i sat in the garage ...": readied then, not now
        more = near or (
            len(facts.get("means")) + len(facts.raw.get("ready_state", ())) >= 3
            or risk(facts)
            or facts.raw_has("danger_cue", "weekday", "now_strong", "dont_stop_me")
        )
        calm = _calm_near(facts, m)
        if ready and more and not calm and not joke_about(facts, m):
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
        if in_past(facts, m, told_in_past=True) or facts.raw_has("media") or _signed_off(facts):
            continue
        if facts.has("place") or facts.raw_has("presence"):
            if joke_signs(facts) < 2:
                facts.fire(URGENT, "place.no-return")
            break
    _unharnessed_at_height(facts)
    for m in facts.get("place"):
        if in_past(facts, m, told_in_past=True) and not _place_described(facts, m):
            continue
        there = _there(facts, m)
        jump = facts.has("jump")
        calm = _calm(facts, m) or facts.raw_has("media") or bool(facts.around(m, "laugh"))
        if there and not calm:
            facts.fire(URGENT, "place.there-now")
        elif (
            jump
            and not calm
            and not joke_signs(facts)
            and (facts.raw_has("intent", "now_strong") or facts.has("want_die", "self_kill"))
        ):
            facts.fire(URGENT, "place.jump-intent")


def _unharnessed_at_height(facts: Facts) -> None:
    """Up on a height the writer works at ("lo alto del andamio", "aufm Gerüst") with the harness
    off: builders talk about scaffolds all day, never about standing on one unclipped."""
    if not facts.raw_has("work_height") or joke_signs(facts):
        return
    for m in facts.get("unharnessed"):
        if not in_past(facts, m, told_in_past=True) and (
            first_person(facts) or facts.raw_has("presence")
        ):
            facts.fire(URGENT, "place.unharnessed-at-height")
            return


_WHERE = frozenset("where donde dove ou wo где де onde".split())


def _signed_off(facts: Facts) -> bool:
    """An everyday sign-off said as one ("off to the pub, not coming back till late"), not as
    the time before ("on the bridge after the pub, not going home")."""
    words = facts.tokens.words
    return any(
        not (b.start and words[b.start - 1] in _WHEN_DONE)
        for b in facts.raw.get("benign_goodbye", ())
    )


_WHEN_DONE = frozenset("after since".split())


def _place_described(facts: Facts, place: Match) -> bool:
    """The past belongs to a clause describing the place, not to being there: "at the quarry
    edge where the kid drowned last summer", "al puente donde ..."."""
    words, sentence = facts.tokens.words, facts.tokens.sentence
    return any(
        sentence[p.start] == sentence[place.start]
        and p.start > place.end
        and not _WHERE.isdisjoint(words[place.end : p.start])
        for p in facts.raw.get("past", ())
    )


_TERSE = 16  # words: a message this short is one scene, told in fragments


def _calm(facts: Facts, place: Match) -> bool:
    """Leisure or good news that is not denied ("not fishing today" is no outing), bearing on
    the place (:meth:`Facts.around`)."""
    words = facts.tokens.words
    goes = _going_to(facts, place)
    into = [p for p in facts.raw.get("presence", ()) if facts.tokens.words[p.end - 1] in _INTO]
    habits = facts.raw.get("habitual_place", ())
    return any(
        not (m.start and (words[m.start - 1] in NOT or words[m.start - 1] in _BESIDE))
        and not overlaps(m, goes)
        and not overlaps(m, into)  # "walking in now, the water's freezing": no stroll
        and not any(0 <= m.start - h.end <= 3 for h in habits)  # "where i used to walk the pram"
        for m in facts.around(place, "leisure", "positive", live=True)
    )


# "at the canal lock by the pub": a landmark that says where, not an outing; "after the pub"
# says when
_BESIDE = frozenset("by near behind beside outside opposite after".split())
_INTO = frozenset(("in", "into", "further"))


def _going_to(facts: Facts, place: Match) -> list[Match]:
    """ "walking to", "walking towards" just before the place, or a walk into the water: a
    way there, no outing."""
    return [
        p
        for p in facts.raw.get("presence", ())
        if 0 <= place.start - p.end <= 2 and facts.tokens.words[p.end - 1] in ("to", "towards")
    ] + list(facts.raw.get("jump", ()))


def _there(facts: Facts, place: Match) -> bool:
    """Being at the place: "on the", "standing at" in its sentence or the next (two away in a
    terse message: "balcony. 9th floor. one leg over"), and not
    denied ("nah im not on the roof"); "on the screen" three sentences before a "building" a
    box is no presence."""
    sentence, words = facts.tokens.sentence, facts.tokens.words
    denials = [n for n in facts.raw.get("negation", ()) if n.end - n.start <= 2]
    return any(
        abs(sentence[p.start] - sentence[place.start]) <= (2 if len(words) <= _TERSE else 1)
        and not any(
            0 <= p.start - n.end <= 1 and sentence[n.start] == sentence[p.start] for n in denials
        )
        and not (p.start > 0 and words[p.start - 1] in ("not", "never"))
        for p in facts.raw.get("presence", ())
    )


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
