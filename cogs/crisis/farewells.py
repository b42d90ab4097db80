"""Goodbyes: when a farewell, an arrangement or "my last message" makes a message urgent.

A goodbye said to a habit ("goodbye nicotine"), an everyday sign-off ("night all") or a
goodbye in a message that celebrates ("last day of school, goodbye forever 🎓") is said to
what is over; a goodbye with finality, burden or other danger is a farewell.
"""

from __future__ import annotations

from cogs.crisis.facts import URGENT, Facts, about_other, holds, in_past, risk
from cogs.crisis.lexicon import Match

__all__ = ["farewell"]


def _habit_goodbye(facts: Facts, m: Match) -> bool:
    """A goodbye said to a habit or to something left behind ("goodbye nicotine", "cigarettes,
    goodbye forever", "goodbye forever organic chemistry")."""
    sentence = facts.tokens.sentence
    # Across a full stop only in a message that celebrates: "2 years clean off heroin. Last
    # message from me today" is a milestone; "my last message. tell my sponsor" is not.
    anywhere = facts.has("positive") or facts.raw_has("sober_count")
    habit = any(
        (m.end <= h.start <= m.end + 4 or 0 <= m.start - h.end <= 4)
        and (anywhere or sentence[h.start] == sentence[m.start])
        for c in ("habit", "drug")
        for h in facts.raw.get(c, ())
    ) or any(
        m.end <= h.start <= m.end + 4 and sentence[h.start] == sentence[m.start]
        for h in facts.raw.get("goodbye_object", ())
        if m.concept != "arrangements"  # "an envelope for my landlord" is an arrangement
    )  # a thing left behind is named after the goodbye, not before ("... my landlord, I won't
    # need them after tonight")
    benign = any(
        not (b.start < m.end and m.start < b.end) or holds(b, m) for b in _benign_goodbyes(facts)
    )  # elsewhere, or a longer everyday phrase holding it ("after my last post")
    return habit or benign or _celebrating(facts) or _greets_what_comes(facts, m)


_HELLO = frozenset("hello helo hi ciao hola bonjour salut halo ola oi привет привіт".split())


def _greets_what_comes(facts: Facts, m: Match) -> bool:
    """ "goodbye corporate world, hello allotment", "addio spritz, ciao mocktail": a goodbye
    followed by a greeting to what comes next is a change, not a farewell."""
    words, sentence = facts.tokens.words, facts.tokens.sentence
    after = range(m.end, min(len(words), m.end + 8))
    return any(words[i] in _HELLO and sentence[i] == sentence[m.start] for i in after)


_PARTY = frozenset((e,) for e in "🎉 🥳 🎓 💐 🎊 🥂 😄 😁".split())  # one-word matches


def _celebrating(facts: Facts) -> bool:
    """The message celebrates with a party emoji ("last day of school, goodbye forever 🎓",
    "addio pannolini!! 🎉"): a goodbye in it is said to what is over."""
    return any(facts.tokens.words[m.start : m.end] in _PARTY for m in facts.raw.get("positive", ()))


_TO_ALL = frozenset("al you everyone everybody yal u ya".split())  # folded: "all" -> "al"


def _to_everyone(words: tuple[str, ...], b: Match) -> bool:
    """A goodbye said to everyone ("my last goodbye to all of you"), not a sign-off ("see u
    all in january") or a goodbye to someone named ("last goodbye to grandma")."""
    said = not _GOODBYE.isdisjoint(words[b.start : b.end])
    return said and b.end < len(words) and words[b.end] in _TO_ALL


_GOODBYE = frozenset("godbye bye farewel".split())  # folded


def _benign_goodbyes(facts: Facts) -> list[Match]:
    """Everyday sign-offs ("logging off", "night all"), unless made final right after or
    right before them.

    "logging off for the last time" and "my final log off" are goodbyes, not sign-offs.
    """
    if facts.raw_has("retraction"):
        return []  # "told her I'm going away for a bit. I'm not going away"
    finals = facts.raw.get("finality", ())
    sentence, words = facts.tokens.sentence, facts.tokens.words
    return [
        b
        for b in facts.raw.get("benign_goodbye", ())
        if not _to_everyone(words, b)
        and not any(
            (b.end <= f.start <= b.end + 3 or f.end == b.start)
            and sentence[f.start] == sentence[b.start]
            for f in finals
        )
    ]  # "... before I retire. addio per sempre, registro!": the finality is the next sentence's


def farewell(facts: Facts) -> None:
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
            or any(
                not _habit_goodbye(facts, m)
                for c in ("farewell_weak", "farewell_strong")
                for m in facts.get(c)
            )  # "goodbye overdraft!!! paid off the last £312": the goodbye is the debt's
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
