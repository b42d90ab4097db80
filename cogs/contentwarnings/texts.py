"""What the content-warning feature says (marked here, translated for whoever reads it)."""

from __future__ import annotations

from bot.i18n import N_, Said, Translator

POST = N_("⚠️ CW: {topic} · from {name}\n{text}")
ASK_TEXT = N_(
    "What would you like to post behind a content warning? Press the button, or type {usage}"
)
ASK_TYPED = N_(
    "What would you like to post behind a content warning? Type it after the command: {usage}"
)
WRITE_IT = N_("Write it")
NO_CHANNEL = N_("I can post behind a content warning only in a channel. Try it there.")
POSTED = N_("Posted behind a content warning ({topic}). Thank you for looking out for others.")
NOT_POSTED = N_(
    "I couldn't post that just now, so nothing went out. Please try again in a little while."
)
WITHDRAW_REASON = "posted behind a content warning"  # the platform's audit reason, not a reply
POSTED_COMMAND_SHOWS = N_(
    "Posted behind a content warning ({topic}). Thank you for looking out for others.\n\n"
    "Your command, with the words it hides, still shows in {channel} where you typed it: I'm "
    "not allowed to remove messages there. You may want to delete it yourself. (Moderators can "
    "let me tidy it away by giving me the power to remove messages.)"
)
UNKNOWN_TOPICS = N_("I don't know all of those topics. Choose from: {topics} (or off).")
EXPECTED = N_("Done. In {channel}, members are asked for content warnings on: {topics}.")
NOT_EXPECTED = N_("Done. {channel} no longer asks for content warnings.")
REMINDER = N_(
    "Thank you for sharing in {channel}. Members there asked for content warnings on posts "
    "about {topic}, because details can be hard to read for someone early in recovery. Next "
    "time you could use {hint} topic:{value} text:… and I'll post your words behind a warning. "
    "Nothing was removed; this is just a gentle reminder, and I won't send another today."
)
NONE = N_("none")

# What each topic is called in a sentence; the command value itself stays English.
TOPIC_NAMES = {
    "self-harm": N_("self-harm"),
    "suicide": N_("suicide"),
    "alcohol": N_("alcohol"),
    "drugs": N_("drugs"),
    "eating": N_("eating"),
    "abuse": N_("abuse"),
    "grief": N_("grief"),
    "other": N_("other"),
}


def topic_name(topic: str, tr: Translator) -> str:
    """A topic as ``tr``'s reader calls it (an unknown stored value as it is)."""
    return tr.gettext(TOPIC_NAMES[topic]) if topic in TOPIC_NAMES else topic


def topics_said(topics: list[str] | tuple[str, ...]) -> Said:
    """Topics, comma-separated, in the reader's language."""
    return Said(lambda tr: ", ".join(topic_name(t, tr) for t in topics))
