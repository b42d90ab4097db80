"""What the support feature says, and the words a member chooses from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.spec import ArgumentError, ParamType, Resolver

KINDS = {
    "listen": "someone to listen",
    "advice": "advice",
    "practical": "practical help",
}
TOPICS = ("self-harm", "suicide", "substance-use", "relapse", "abuse", "grief", "other")
# Topics after which a supporter gets a gentle "take a break if you need one".
HEAVY = frozenset({"self-harm", "suicide", "abuse", "relapse", "grief"})
OUTCOMES = ("supported", "referred", "member-left", "no-reply", "other")

SETTING = "support.supporters"  # Discord role id, console role name, Matrix power level
DAILY_LIMIT = 3  # requests a member may make in 24 hours
DUTY_HOURS = 4  # on duty longer than this: a private nudge to rest
DEFAULT_WAIT_MIN = 15  # a first guess at a wait before there are recent waits to go by
MAX_NOTE = 1000

WELLBEING = (
    "Thank you for that session. It touched on heavy things, so please take a break if you "
    "need one: {off} any time, a word with a fellow supporter or a moderator, and {crisis} "
    "lists people you can talk to as well."
)
DUTY_NUDGE = (
    "You've been on duty for more than {hours} hours. Thank you. Please think about a break: "
    "{off} takes you off until you're ready again."
)
FEEDBACK_ASK = (
    "Your support session has ended. Thank you for reaching out. How was this? If you'd like to "
    "say (optional and anonymous): {feedback}"
)
SPACE_CLOSED = (
    "Session #{id} has ended. Thank you both. This space is closed now; nothing more can be "
    "written here. If things get hard, {crisis} lists people you can talk to any time."
)
SPACE_HANDED = (
    "{supporter} handed session #{id} on to {to}, who will continue with {member} in a new "
    "private space. This one is closed now."
)
SPACE_REQUEUED = (
    "Session #{id}: the supporter had to step away, so this space is closed. {member}, you're "
    "back in the queue ahead of newer requests."
)
UNREACHABLE = (
    "I couldn't reach the member of request #{id}: they may have left the community or closed "
    "their private messages. I've closed the session kindly, so you're free for the next one. "
    "Thank you for answering. {queue} shows who else is waiting."
)
CALL_ME = (
    "Someone is waiting for support and nobody is on duty right now. If you can, {on} and "
    "{queue} shows the request (no names until you claim it). No pressure if you can't."
)


class TopicsType(ParamType):
    """Content warnings for the supporter: words from :data:`TOPICS`, separated by commas or
    spaces, or ``none``."""

    kind = "str"
    hint = "topics separated by commas: " + ", ".join(TOPICS) + " (or none)"

    async def convert(self, raw: Any, resolver: Resolver | None) -> tuple[str, ...]:
        words = [w for w in str(raw).lower().replace(",", " ").split() if w]
        if len(str(raw)) > 200:
            raise ArgumentError("that's longer than the list of topics; choose from " + self.hint)
        if words == ["none"] or not words:
            return ()
        aliases = {
            "selfharm": "self-harm",
            "substance": "substance-use",
            "substances": "substance-use",
        }
        chosen: list[str] = []
        for word in words:
            word = aliases.get(word, word)
            if word not in TOPICS:
                shown = word if len(word) <= 20 else word[:19] + "…"
                raise ArgumentError(f"{shown!r} is not one of the topics; choose from {self.hint}")
            if word not in chosen:
                chosen.append(word)
        return tuple(chosen)


def topics_text(topics: tuple[str, ...]) -> str:
    """Topics as a supporter reads them."""
    return ", ".join(topics) if topics else "none given"


def minutes_text(minutes: int) -> str:
    """A span like "about 45 minutes" or "about 2 hours"."""
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    return f"about {hours} hour{'s' if hours != 1 else ''}"


def waited(since: datetime, now: datetime) -> str:
    """How long ago, in whole minutes or hours."""
    return minutes_text(int((now - since).total_seconds() // 60))
