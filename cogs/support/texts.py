"""What the support feature says, and the words a member chooses from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.i18n import ENGLISH, N_, Translator
from bot.param_types import Phrase
from bot.spec import ArgumentError, DurationType, IntType, ParamType, Resolver

KINDS = {
    "listen": N_("someone to listen"),
    "advice": N_("advice"),
    "practical": N_("practical help"),
}
TOPICS = ("self-harm", "suicide", "substance-use", "relapse", "abuse", "grief", "other")
# Topics after which a supporter gets a gentle "take a break if you need one".
HEAVY = frozenset({"self-harm", "suicide", "abuse", "relapse", "grief"})
OUTCOMES = ("supported", "referred", "member-left", "no-reply", "other")

SETTING = "support.supporters"  # Discord role id, console role name, Matrix power level
DAILY_LIMIT = 3  # requests a member may make in 24 hours
DUTY_HOURS = 4  # on duty longer than this: a private nudge to rest (the default)
DUTY_HOURS_SETTING = "support.duty_hours"  # community setting: a whole number of hours
DUTY_HOURS_RANGE = (2, 12)  # "more than {hours} hours": never 1, never a whole day
RESOURCES_SETTING = "support.own_resources"  # community setting: text shown to supporters
RESOURCES_MAX = 200
DEFAULT_WAIT_MIN = 15  # a first guess at a wait before there are recent waits to go by
MAX_NOTE = 1000

# Typed in a shared room (Matrix), a command carries words meant for a supporter only (a
# request's note and topics, a handoff's note): it is taken back where the bot may, and the
# one who typed it told privately.
WITHDRAWN = N_("I've removed your message from that room.")
STILL_SHOWS = N_(
    "What you wrote for the supporter still shows in the room where you typed it: I'm not "
    "allowed to remove messages there. You may want to delete it yourself, and next time write "
    "to me in our direct room."
)

WELLBEING = N_(
    "Thank you for that session. It touched on heavy things, so please take a break if you "
    "need one: {off} any time, a word with a fellow supporter or a moderator, and {crisis} "
    "lists people you can talk to as well."
)
WELLBEING_RESOURCES = N_(
    "Thank you for that session. It touched on heavy things, so please take a break if you "
    "need one: {off} any time, a word with a fellow supporter or a moderator, and {crisis} "
    "lists people you can talk to as well.\nFor supporters here: {resources}"
)
DUTY_NUDGE = N_(
    "You've been on duty for more than {hours} hours. Thank you. Please think about a break: "
    "{off} takes you off until you're ready again."
)
FEEDBACK_ASK = N_(
    "Your support session has ended. Thank you for reaching out. How was this? If you'd like to "
    "say (optional and anonymous): {feedback}"
)
SPACE_CLOSED = N_(
    "Session #{id} has ended. Thank you both. This space is closed now; nothing more can be "
    "written here. If things get hard, {crisis} lists people you can talk to any time."
)
SPACE_HANDED = N_(
    "{supporter} handed session #{id} on to {to}, who will continue with {member} in a new "
    "private space. This one is closed now."
)
SPACE_REQUEUED = N_(
    "Session #{id}: the supporter had to step away, so this space is closed. {member}, you're "
    "back in the queue ahead of newer requests."
)
UNREACHABLE = N_(
    "I couldn't reach the member of request #{id}: they may have left the community or closed "
    "their private messages. I've closed the session kindly, so you're free for the next one. "
    "Thank you for answering. {queue} shows who else is waiting."
)
MEMBER_LEFT = N_(
    "The member of session #{id} has left the community, so I've closed the session kindly and "
    "you're free for the next one. Thank you for being there. {queue} shows who else is waiting."
)
CALL_ME = N_(
    "Someone is waiting for support and nobody is on duty right now. If you can, {on} and "
    "{queue} shows the request (no names until you claim it). No pressure if you can't."
)

CALL_ME_BUSY = N_(
    "Someone is waiting for support and every supporter on duty is already with someone. If you "
    "can, {on} and {queue} shows the request (no names until you claim it). No pressure if you "
    "can't."
)


class TopicsType(ParamType):
    """Content warnings for the supporter: words from :data:`TOPICS`, separated by commas or
    spaces, or ``none``."""

    kind = "str"
    hint = N_(
        "topics separated by commas: self-harm, suicide, substance-use, relapse, abuse, grief, "
        "other (or none)"
    )
    checklist = TOPICS  # the request form ticks them (Discord)

    async def convert(self, raw: Any, resolver: Resolver | None) -> tuple[str, ...]:
        words = [w for w in str(raw).lower().replace(",", " ").split() if w]
        if len(str(raw)) > 200:
            raise ArgumentError(
                N_("that's longer than the list of topics; choose from {topics}"),
                topics=", ".join(TOPICS) + " / none",
            )
        if words == ["none"] or not words:
            return ()
        if "none" in words:
            raise ArgumentError(
                N_("none goes on its own (it means no topics); or choose from {topics}"),
                topics=", ".join(TOPICS),
            )
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
                raise ArgumentError(
                    N_("{typed} is not one of the topics; choose from {topics}"),
                    typed=repr(shown),
                    topics=", ".join(TOPICS) + " / none",
                )
            if word not in chosen:
                chosen.append(word)
        return tuple(chosen)


def topics_text(topics: tuple[str, ...], tr: Translator = ENGLISH) -> str:
    """Topics as a supporter reads them (the topic words are typed names, kept as they are)."""
    return ", ".join(topics) if topics else tr.gettext(N_("none given"))


def kind_text(kind: str, tr: Translator = ENGLISH) -> str:
    """What kind of support was asked for, in the reader's language."""
    return tr.gettext(KINDS[kind])


def minutes_text(minutes: int, tr: Translator = ENGLISH) -> str:
    """A span like "about 45 minutes" or "about 2 hours", in the reader's language."""
    if minutes < 1:
        return tr.gettext(N_("under a minute"))
    if minutes < 60:
        return tr.plural("about {count} minute", "about {count} minutes", minutes)
    hours = round(minutes / 60)
    return tr.plural("about {count} hour", "about {count} hours", hours)


def waited(since: datetime, now: datetime, tr: Translator = ENGLISH) -> str:
    """How long ago, in whole minutes or hours."""
    return minutes_text(int((now - since).total_seconds() // 60), tr)


class TimeHadType(DurationType):
    """How long the member has: 5 minutes to 8 hours (``30m``, ``1h``, ``2 hours``)."""

    hint = N_("a time between 5 minutes and 8 hours, like 30m or 1h")

    async def convert(self, raw: Any, resolver: Resolver | None) -> Any:
        try:
            span = await super().convert(raw, resolver)
        except ArgumentError as err:
            if "{typed}" in err.template:  # not a span of time: says so, with this hint
                raise
            span = None  # a span out of any range (0m, 10000d): the clear words below
        if span is None or not 5 * 60 <= span.total_seconds() <= 8 * 3600:
            raise ArgumentError(
                N_("{typed} is not {expected}"),
                typed=repr(str(raw)[:40]),
                expected=Phrase(self.describe_in),
            )
        return span

    def describe_in(self, tr: Translator) -> str:
        return tr.gettext(self.hint)


class RequestNumber(IntType):
    """A request's or session's number, as the support queue shows it."""

    def __init__(self) -> None:
        super().__init__(1, 2**62)

    def describe_in(self, tr: Translator) -> str:
        return tr.gettext(N_("a request number, like 3 (the support queue shows them)"))
