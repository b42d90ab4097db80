"""What peerbot says in a crisis, written to safe-messaging guidance.

Short, warm and private: two or three resources plus the emergency number, at most four short
sentences around them, no statistics, no method details, no lecture, and never "committed
suicide". peerbot never contacts emergency services itself; it tells people how to.

Every builder returns ``(template, values)``: anything that is not fixed text here (service
lines, moderators' resources, the member's own plan) travels in ``values`` so each platform
escapes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.words import plural
from cogs.crisis.resources import RegionResources, Service
from storage.crisis import CommunityResource

Occasion = Literal["asked", "urgent", "concern", "note"]

# Fixed sentences. tests/test_crisis_cog.py checks each message against the rules above.
OPENING: dict[Occasion, str] = {
    "asked": "I'm really glad you reached out. These people are there for you right now:",
    "urgent": "I'm thinking of you after your message. These people are there for you right now:",
    "concern": "It sounded like things might be heavy today. If you'd like to talk, these people listen:",
    "note": "After what you wrote, I'm thinking of you; these people are there for you right now:",
}
NOTE_PRIVATE = (
    'What you wrote stays private: moderators hear only if you choose "Let a moderator know".'
)
OVERDOSE_FIRST = "If someone may have taken too much, call {emergency} now and stay with them."
IN_DANGER = "If you're in danger right now, please call {emergency}."
AUTO_OFF_OVERDOSE = "If you may have taken too much, call {emergency} now."
AUTO_FOOTER = "To stop messages like this, type {auto_off}."
FALLBACK_TIP = "For lines in your country, type {region_set}."
UNKNOWN_EMERGENCY = "your local emergency number"
PLAN_SHOWN_CHARS = 200

SECTION_LABELS: dict[str, str] = {
    "warning-signs": "Warning signs",
    "coping": "Things I can do on my own",
    "distraction": "People and places that take my mind off things",
    "people": "People I can ask for help",
    "professionals": "Professionals and services",
    "environment": "Making my surroundings safer",
    "reasons": "My reasons for living",
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


def emergency_number(region: RegionResources) -> str:
    """The number to call in an emergency, or a plain reminder when it is not known."""
    return region.emergency or UNKNOWN_EMERGENCY


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
) -> list[str]:
    """Two or three lines: the community's own first (at most two), then the directory's.

    For an overdose the directory's poison/overdose line leads. At least one directory line is
    always kept, so an official service is never pushed out by local ones.
    """
    own = [community_line(r) for r in community[:2]]
    room = max(1, total - len(own))
    services: list[Service] = region.top(room, overdose=overdose)
    official = [s.format_line() for s in services]
    return official + own if overdose else own + official


def resource_message(
    occasion: Occasion,
    region: RegionResources,
    community: Sequence[CommunityResource],
    *,
    prefix: str,
    overdose: bool = False,
    plan: dict[str, str] | None = None,
    note: tuple[str, str] | None = None,
) -> tuple[str, dict[str, str]]:
    """The private message with resources: for /crisis ("asked") or an automatic one.

    ``note`` is an optional (template, value) line shown first, e.g. about a region the member
    typed. ``plan`` holds the member's safety-plan sections (shown shortened, for /crisis).
    """
    b = _Builder([], {"emergency": emergency_number(region)})
    if note is not None:
        b.add(note[0], asked=note[1])
    if overdose:
        b.add(OVERDOSE_FIRST)
    b.add(OPENING[occasion])
    for i, line in enumerate(pick_resources(region, community, overdose=overdose)):
        b.value_line("• ", f"r{i}", line)
    b.add("Emergency: {emergency}")
    if plan:
        b.add("Your safety plan:")
        for section in SECTIONS:
            if section in plan:
                text = plan[section]
                if len(text) > PLAN_SHOWN_CHARS:
                    text = text[: PLAN_SHOWN_CHARS - 1] + "…"
                b.value_line(f"  {SECTION_LABELS[section]}: ", f"plan_{section}", text)
    if not overdose:
        b.add(IN_DANGER)
    if occasion == "asked" and region.is_fallback and note is None:
        b.add(FALLBACK_TIP, region_set=f"{prefix}crisis region set:XX")
    if occasion == "note":
        b.add(NOTE_PRIVATE)
    elif occasion != "asked":
        b.add(AUTO_FOOTER, auto_off=f"{prefix}crisis auto off")
    return b.result()


def alert_message(
    level: str, name: str, link: str, *, delivery: str, overdose: bool, merged_before: int
) -> tuple[str, dict[str, str]]:
    """The moderators' alert about a flagged message: who, where, how serious. Never the text."""
    if level == "urgent":
        head = "Priority alert (urgent): a message from {name} may mean they are in danger now."
        if overdose:
            head += " It may be about an overdose."
        ask = "Please reach out to them privately soon."
    else:
        head = "Low priority (concern): a message from {name} suggests they may be struggling."
        ask = "A gentle private check-in may help."
    lines = [head, "Message: {link}", delivery]
    if merged_before:
        more = plural(merged_before, "more flagged message")
        lines.append(f"{more} from them since the previous alert.")
    lines.append(ask)
    return "\n".join(lines), {"name": name, "link": link or "(no link)"}


DELIVERY = {
    "sent": "I sent them crisis resources privately.",
    "undelivered": "I could not reach them privately (their direct messages may be closed).",
    "auto_off": "They turned automatic messages off, so I sent them nothing.",
    "auto_off_overdose": (
        "They turned automatic messages off; as it may be an overdose, I sent them one line "
        "with the emergency number."
    ),
    "cooldown": "They already received resources from me in the last 24 hours.",
    "none": "I sent them nothing; this community only tells moderators about concerns.",
}
