"""What the content-warning feature says."""

from __future__ import annotations

POST = "⚠️ CW: {topic} · from {name}\n{text}"
ASK_TEXT = "What would you like to post behind a content warning? Press the button, or type {usage}"
NO_CHANNEL = "I can post behind a content warning only in a channel. Try it there."
POSTED = "Posted behind a content warning ({topic}). Thank you for looking out for others."
NOT_POSTED = (
    "I couldn't post that just now, so nothing went out. Please try again in a little while."
)
WITHDRAW_REASON = "posted behind a content warning"
POSTED_COMMAND_SHOWS = (
    POSTED + "\n\nYour command, with the words it hides, still shows in {channel} where you "
    "typed it: I'm not allowed to remove messages there. You may want to delete it yourself. "
    "(Moderators can let me tidy it away by giving me the power to remove messages.)"
)
UNKNOWN_TOPICS = "I don't know all of those topics. Choose from: {topics} (or off)."
EXPECTED = "Done. In {channel}, members are asked for content warnings on: {topics}."
NOT_EXPECTED = "Done. {channel} no longer asks for content warnings."
REMINDER = (
    "Thank you for sharing in {channel}. Members there asked for content warnings on posts "
    "about {topic}, because details can be hard to read for someone early in recovery. Next "
    "time you could use {hint} topic:{topic} text:… and I'll post your words behind a warning. "
    "Nothing was removed; this is just a gentle reminder, and I won't send another today."
)
