"""Reports about someone else: a friend's overdose signs, goodbye or injury, or a worry.

"She said goodbye and locked herself in" is urgent; "he's been so quiet, how do I bring it
up" is a concern; the writer's own reassurance ("I'm safe, just ranting about my sister") is
neither.
"""

from __future__ import annotations

from cogs.crisis.facts import (
    CONCERN,
    URGENT,
    Facts,
    about_other,
    big_number,
    in_past,
    own_reassurance,
)

__all__ = ["others"]


def others(facts: Facts) -> None:
    if not facts.raw_has("third"):
        if facts.has("worry") and facts.raw_has("check_on_you") and not facts.fired:
            facts.fire(CONCERN, "others.worry")  # "@kai u ok? you've been so quiet"
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
            if not about_other(facts) and not facts.sentence_has(
                facts.tokens.sentence[m.start], "third"
            ):
                continue  # "chest pain again. ... they (the ECGs) were all fine": the writer's own
            if not in_past(facts, m, told_in_past=True) and not facts.raw_has(
                "condition", "laugh"
            ):  # "the passenger who threw up in my car, hope he dies lol" mocks, not reports
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
        own_reassurance(facts, facts.tokens.sentence[m.start]) for m in facts.get("worry")
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
