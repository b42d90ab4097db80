"""What peerbot says in a crisis, written to safe-messaging guidance.

Short, warm and private: two or three resources plus the emergency number, at most four short
sentences around them, no statistics, no method details, no lecture, and never "committed
suicide". peerbot never contacts emergency services itself; it tells people how to.

Every builder returns ``(template, values)``: anything that is not fixed text here (service
lines, moderators' resources, the member's own plan) travels in ``values`` so each platform
escapes it. Builders take the reader's :class:`~bot.i18n.Translator`: the member's for what they
read, the community's for alerts. Each language's catalog says the same things with the same
care, written for that language (docs/translating.md), not word for word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.i18n import ENGLISH, N_, Translator
from cogs.crisis.resources import RegionResources, Service
from storage.crisis import CommunityResource

Occasion = Literal["asked", "urgent", "concern", "note"]

# Fixed sentences. tests/test_crisis_cog.py checks each message against the rules above.
OPENING: dict[Occasion, str] = {
    "asked": N_("I'm really glad you reached out. These people are there for you right now:"),
    "urgent": N_(
        "I'm thinking of you after your message. These people are there for you right now:"
    ),
    "concern": N_(
        "It sounded like things might be heavy today. If you'd like to talk, these people listen:"
    ),
    "note": N_(
        "After what you wrote, I'm thinking of you; these people are there for you right now:"
    ),
}
NOTE_PRIVATE = N_(
    'What you wrote stays private: moderators hear only if you choose "Let a moderator know".'
)
# Who hears about urgent typed text: the member chooses (the default), or the feature tells the
# moderators itself and the reply must say so, never promise otherwise.
WhoHears = Literal["choice", "anonymous", "named", "partner", "relayed"]
WHO_HEARS: dict[WhoHears, str] = {
    "choice": NOTE_PRIVATE,
    "anonymous": N_(
        "The moderators are told that an anonymous post may mean someone is in danger, never "
        "who wrote it."
    ),
    "named": N_(
        "I've let the moderators know you may need someone, without what you wrote; one of them "
        "may reach out to you privately."
    ),
    "partner": N_(
        'Your partner has what you wrote; the moderators hear only if you choose "Let a '
        'moderator know".'
    ),
    # An anonymous author's answer, passed to the moderator who wrote to them (/vent answer).
    "relayed": N_(
        'The moderator you answered has what you wrote; the others hear only if you choose "Let '
        'a moderator know".'
    ),
}
OVERDOSE_FIRST = N_("If someone may have taken too much, call {emergency} now and stay with them.")
IN_DANGER = N_("If you're in danger right now, please call {emergency}.")
AUTO_OFF_OVERDOSE = N_("If you may have taken too much, call {emergency} now.")
AUTO_FOOTER = N_("To stop messages like this, type {auto_off}.")
FALLBACK_TIP = N_("For lines in your country, type {region_set}.")
UNKNOWN_EMERGENCY = N_("your local emergency number")
EMERGENCY = N_("Emergency: {emergency}")
PLAN_HEADING = N_("Your safety plan:")
PLAN_SHOWN_CHARS = 200

SECTION_LABELS: dict[str, str] = {
    "warning-signs": N_("Warning signs"),
    "coping": N_("Things I can do on my own"),
    "distraction": N_("People and places that take my mind off things"),
    "people": N_("People I can ask for help"),
    "professionals": N_("Professionals and services"),
    "environment": N_("Making my surroundings safer"),
    "reasons": N_("My reasons for living"),
}
SECTIONS: tuple[str, ...] = tuple(SECTION_LABELS)


@dataclass
class _Builder:
    """Collects template lines and their values."""

    lines: list[str]
    values: dict[str, str]

    def add(self, template: str, **values: str) -> None:
        self.lines.append(template)
        self.values.update(values)

    def value_line(self, prefix: str, name: str, value: str) -> None:
        self.lines.append(prefix + "{" + name + "}")
        self.values[name] = value

    def result(self) -> tuple[str, dict[str, str]]:
        return "\n".join(self.lines), self.values


# The directory names services in English beside their numbers ("103 (ambulance) or 102
# (police)"): the words, and "or" between numbers, are said in the reader's language.
EMERGENCY_WORDS = {
    "ambulance": N_("ambulance"),
    "police": N_("police"),
    "ambulance, fire": N_("ambulance, fire"),
    "firefighters and ambulance": N_("firefighters and ambulance"),
}
EITHER = N_("{first} or {second}")
_SERVICE = re.compile(r"\(([a-z ,]+)\)")


def emergency_number(region: RegionResources, tr: Translator = ENGLISH) -> str:
    """The number to call in an emergency, or a plain reminder when it is not known."""
    if not region.emergency:
        return tr.gettext(UNKNOWN_EMERGENCY)

    def service(match: re.Match[str]) -> str:
        word = EMERGENCY_WORDS.get(match.group(1))
        return f"({tr.gettext(word)})" if word else match.group(0)

    parts = [_SERVICE.sub(service, part) for part in region.emergency.split(" or ")]
    text = parts[0]
    for part in parts[1:]:
        text = tr.gettext(EITHER).format(first=text, second=part)
    return text


def community_line(resource: CommunityResource) -> str:
    """One line for a moderator-added resource."""
    parts = [resource.name, resource.contact]
    if resource.hours:
        parts.append(resource.hours)
    line = " — ".join(parts[:2]) + (f" ({parts[2]})" if len(parts) > 2 else "")
    return f"{line}, {resource.url}" if resource.url else line


def pick_resources(
    region: RegionResources,
    community: Sequence[CommunityResource],
    *,
    overdose: bool = False,
    total: int = 3,
    tr: Translator = ENGLISH,
) -> list[str]:
    """Two or three lines: the community's own first (at most two), then the directory's, the
    services that answer in the reader's language first.

    For an overdose the directory's poison/overdose line leads. At least one directory line is
    always kept, so an official service is never pushed out by local ones.
    """
    own = [community_line(r) for r in community[:2]]
    room = max(1, total - len(own))
    services: list[Service] = region.top(room, overdose=overdose, language=tr.code)
    official = [s.format_line(tr) for s in services]
    return official + own if overdose else own + official


def resource_message(
    occasion: Occasion,
    region: RegionResources,
    community: Sequence[CommunityResource],
    *,
    prefix: str,
    overdose: bool = False,
    plan: dict[str, str] | None = None,
    note: tuple[str, dict[str, str]] | None = None,
    who_hears: WhoHears = "choice",
    tr: Translator = ENGLISH,
) -> tuple[str, dict[str, str]]:
    """The private message with resources: for /crisis ("asked") or an automatic one.

    ``note`` is an optional (template, values) line shown first, e.g. about a region the member
    typed (its template marked with ``N_``). ``plan`` holds the member's safety-plan sections
    (shown shortened, for /crisis). ``who_hears`` says, for typed text ("note"), whether the
    moderators hear only if the member chooses or were told by the feature (anonymously or by
    name). Everything fixed is said in ``tr``'s language.
    """
    b = _Builder([], {"emergency": emergency_number(region, tr)})
    if note is not None:
        b.add(tr.gettext(note[0]), **note[1])
    if overdose:
        b.add(tr.gettext(OVERDOSE_FIRST))
    b.add(tr.gettext(OPENING[occasion]))
    for i, line in enumerate(pick_resources(region, community, overdose=overdose, tr=tr)):
        b.value_line("• ", f"r{i}", line)
    b.add(tr.gettext(EMERGENCY))
    if plan:
        b.add(tr.gettext(PLAN_HEADING))
        for section in SECTIONS:
            if section in plan:
                text = plan[section]
                if len(text) > PLAN_SHOWN_CHARS:
                    text = text[: PLAN_SHOWN_CHARS - 1] + "…"
                label = tr.gettext(SECTION_LABELS[section])
                b.value_line(f"  {label}: ", f"plan_{section}", text)
    if not overdose:
        b.add(tr.gettext(IN_DANGER))
    if occasion == "asked" and region.is_fallback and note is None:
        b.add(tr.gettext(FALLBACK_TIP), region_set=f"{prefix}crisis region set:XX")
    if occasion == "note":
        b.add(tr.gettext(WHO_HEARS[who_hears]))
    elif occasion != "asked":
        b.add(tr.gettext(AUTO_FOOTER), auto_off=f"{prefix}crisis auto off")
    return b.result()


def say_lines(tr: Translator, template: str) -> str:
    """An alert's stored template in ``tr``'s language, line by line (an alert is kept as
    marked English lines, so each moderator can read it in their own language)."""
    whole = tr.gettext(template)  # one marked message (it may have several lines)
    if whole != template:
        return whole
    return "\n".join(tr.gettext(line) for line in template.split("\n"))


def alert_message(
    level: str,
    name: str,
    link: str,
    *,
    delivery: str,
    overdose: bool,
    merged_before: int,
    tr: Translator = ENGLISH,
) -> tuple[str, dict[str, str]]:
    """The moderators' alert about a flagged message: who, where, how serious. Never the text.
    One marked sentence per line, so with ``tr`` English the stored alert is said line by line
    in each reader's language when it is delivered (:func:`say_lines`); ``delivery`` is a
    :data:`DELIVERY` message."""
    if level == "urgent":
        head = tr.gettext(
            "Priority alert (urgent): a message from {name} may mean they are in danger now."
        )
        ask = tr.gettext("Please reach out to them privately soon.")
    else:
        head = tr.gettext(
            "Low priority (concern): a message from {name} suggests they may be struggling."
        )
        ask = tr.gettext("A gentle private check-in may help.")
    lines = [head]
    if level == "urgent" and overdose:
        lines.append(tr.gettext("It may be about an overdose."))
    lines += [tr.gettext("Message: {link}"), tr.gettext(DELIVERY.get(delivery, delivery))]
    values = {"name": name, "link": link or tr.gettext("(no link)")}
    if merged_before:
        lines.append(
            tr.gettext("More flagged messages from them since the previous alert: {merged}")
        )
        values["merged"] = str(merged_before)
    lines.append(ask)
    return "\n".join(lines), values


DELIVERY = {
    "sent": N_("I sent them crisis resources privately."),
    "undelivered": N_("I could not reach them privately (their direct messages may be closed)."),
    "auto_off": N_("They turned automatic messages off, so I sent them nothing."),
    "auto_off_overdose": N_(
        "They turned automatic messages off; as it may be an overdose, I sent them one line "
        "with the emergency number."
    ),
    "cooldown": N_("They already received resources from me in the last 24 hours."),
    "none": N_("I sent them nothing; this community only tells moderators about concerns."),
}
