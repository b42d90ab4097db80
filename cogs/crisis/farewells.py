"""Goodbyes: when a farewell, an arrangement or "my last message" makes a message urgent.

A goodbye said to a habit ("goodbye nicotine"), an everyday sign-off ("night all") or a
goodbye in a message that celebrates ("last day of school, goodbye forever 🎓") is said to
what is over; a goodbye with finality, burden or other danger is a farewell.
"""

from __future__ import annotations

from cogs.crisis.facts import RISK_CONCEPTS, URGENT, Facts, about_other, holds, in_past, risk
from cogs.crisis.lexicon import Match

__all__ = ["farewell"]


def _habit_goodbye(facts: Facts, m: Match) -> bool:
    """A goodbye said to a habit or to something left behind ("goodbye nicotine", "cigarettes,
    goodbye forever", "goodbye forever organic chemistry")."""
    if _celebrating(facts) or _greets_what_comes(facts, m):
        return True
    if _said_to_life(facts, m):
        return False  # "goodbye cruel world. day 1 of nothing"
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
    return (
        habit
        or benign
        or _celebrating(facts)
        or _greets_what_comes(facts, m)
        or _said_to_a_counted_habit(facts, m)
    )


_UNITS = frozenset(
    "day days week weeks month months year years yrs tag tage woche wochen monat monate jahr "
    "jahre jour jours semaine semaines mois an ans dia dias semana semanas mes meses ano anos "
    "giorno giorni settimana settimane mese mesi anno anni день дня дней неделя недели месяц "
    "месяца месяцев год года лет день дні днів тиждень тижні місяць місяці місяців рік роки "
    "років".split()
)  # folded
_TO_ALL = frozenset("al you everyone everybody yal u ya".split())  # folded: "all" -> "al"
# who a goodbye may be said to: everyone, or the people of one's life
_PEOPLE = _TO_ALL | frozenset(
    "guys gc friends fam family mom mum dad tutti todos tous alle todo vsem всем всім друзья "
    "друзі".split()
)


_GOODBYE = frozenset("godbye bye farewel".split())  # folded
_BYE = _GOODBYE | frozenset(
    "tschus tschau adieu addio adios adeus tchau прощаите прощаи прощавайте прощавай".split()
)  # the goodbye words of every language
# a goodbye said to these is said to living, never to a habit
_LIFE = frozenset(
    "life world cruel everything vida mundo vie monde leben welt vita mondo жизнь мир життя "
    "світ".split()
)
_OLD = frozenset(
    "that old former antiga antigua ancienne alte alten vecchia старая старе".split()
)  # "goodbye to that life": the one left behind
_SKIP = frozenset("forever to for good a the my mi mis meine mes mio".split())


def _said_to_life(facts: Facts, m: Match) -> bool:
    """ "goodbye cruel world", "goodbye to this life", "adiós mundo": said to living itself (not
    "goodbye to that life", the one left behind)."""
    words, sentence = facts.tokens.words, facts.tokens.sentence
    said_to = [
        i
        for i in range(m.start + 1, min(len(words), m.end + 3))
        if sentence[i] == sentence[m.start]
    ]
    return any(
        words[i] in _LIFE
        and words[i - 1] not in _OLD
        and (i + 1 == len(words) or words[i + 1] not in _OLD)  # "adeus vida antiga"
        for i in said_to
    )


def _said_to_a_counted_habit(facts: Facts, m: Match) -> bool:
    """ "tschüss kontrollzwang: 30 tage ohne", "goodbye forever to jägerbombs. 2 years today": a
    goodbye said to something (not to everyone) in a message that counts clean days or years,
    with no other sign of danger, is a milestone."""
    words, sentence = facts.tokens.words, facts.tokens.sentence
    if m.concept not in ("farewell_weak", "farewell_strong") or _BYE.isdisjoint(
        words[m.start : m.end]
    ):
        return False
    after = [
        i for i in range(m.end, min(len(words), m.end + 4))
        if sentence[i] == sentence[m.start] and words[i] not in _SKIP and words[i].isalpha()
    ]  # fmt: skip
    if not after or words[after[0]] in _PEOPLE or not _PEOPLE.isdisjoint(words[m.start : m.end]):
        return False  # "... you were my family. goodbye", "goodbye forever guys"
    counted = facts.raw_has("sober_count") or any(
        words[i] in _UNITS
        and (words[i - 1].isdigit() or (i + 1 < len(words) and words[i + 1] == "1"))
        for i in range(1, len(words))
    )
    # the goodbye's own "forever" and a German "die" are no other sign
    others = [c for c in RISK_CONCEPTS if c not in ("farewell_strong", "die_word")]
    return counted and not facts.has(*others, "arrangements")


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


def _to_everyone(words: tuple[str, ...], b: Match) -> bool:
    """A goodbye said to everyone ("my last goodbye to all of you"), not a sign-off ("see u
    all in january") or a goodbye to someone named ("last goodbye to grandma")."""
    said = not _GOODBYE.isdisjoint(words[b.start : b.end])
    return said and b.end < len(words) and words[b.end] in _TO_ALL


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
    hearts_only = all(
        facts.tokens.words[p.start : p.end] in _HEARTS for p in facts.get("positive")
    )  # "goodbye everyone ❤️": a heart is love said with the goodbye, not a celebration
    if facts.has("positive") and not risk(facts):
        if hearts_only and _bare_goodbye_to_all(facts, facts.get("farewell_weak")):
            facts.fire(URGENT, "goodbye.to-everyone")
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
        if facts.sentence_has(facts.tokens.sentence[m.start], "media"):
            continue  # "'goodbye cruel world', pink floyd on vinyl": a song's words
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
    elif _bare_goodbye_to_all(facts, weak) and not _benign_goodbyes(facts):
        facts.fire(URGENT, "goodbye.to-everyone")


_FILLER = frozenset("x xx xxx ❤ 🖤 💙 💜 🤍 💔 ✌".split())
_HEARTS = frozenset((w,) for w in _FILLER if not w.isascii())


def _bare_goodbye_to_all(facts: Facts, weak: list[Match]) -> bool:
    """ "goodbye everyone x", "bye all": a goodbye to everyone and nothing else. In a support
    community nobody signs off for the night like that; a sign-off says where to ("bye all, off
    to bed") and is another message."""
    words = facts.tokens.words
    if len(words) > 5 or about_other(facts):
        return False
    said = {i for m in weak for i in range(m.start, m.end)}
    rest = [w for i, w in enumerate(words) if i not in said and w not in _FILLER]
    to_all = not _PEOPLE.isdisjoint(words)
    return to_all and all(w in _PEOPLE for w in rest)
