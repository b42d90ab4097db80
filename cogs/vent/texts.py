"""What the anonymous-post feature says (marked here, translated for whoever reads it). Member
text always goes in values, never templates."""

from __future__ import annotations

from bot.i18n import N_

POST = N_("🕊️ Anonymous member #{alias} · post {number}\n{text}")
REPLY = N_("🕊️ Anonymous member #{alias} · post {number}, answering post {reply_to}\n{text}")
REMOVED = N_("(Anonymous post {number} was removed by a moderator.)")
REMOVED_BY_AUTHOR = N_("(Anonymous post {number} was taken down by its author.)")
# After /mydata delete confirm:yes (the choice to take them down was offered before it).
KEPT = N_(
    "Your anonymous posts stay in the channel, but nothing links them to you any more. A block "
    "from anonymous posting, if a moderator made one, stays."
)

ASK_TEXT = N_("What would you like to post anonymously? Press the button, or type {usage}")
ASK_TYPED = N_("What would you like to post anonymously? Type it after the command: {usage}")
NOT_OPEN = N_(
    "Anonymous posting isn't open in this community. Moderators can open it with "
    "{hint} purpose:vent channel:#a-channel."
)
NOT_PRIVATE = N_(
    "I didn't post that: people in this room can see what you typed here, so it wouldn't be "
    "anonymous. {after} Write to me in our direct room instead ({usage})."
)
# /vent answer, /vent forget: typed where others read it, they say who wrote a post.
NOT_PRIVATE_COMMAND = N_(
    "I didn't do that: people in this room can see what you typed here, so it wouldn't be "
    "anonymous. {after} Write to me in our direct room instead ({usage})."
)
DELETE_IT = N_("You may want to delete your message.")
WITHDRAWN = N_("I've removed your message from that room.")
# The platform's audit reason (a command about anonymous posts typed in a shared room).
WITHDRAW_REASON = "an anonymous-post command typed in a shared room"
BLOCKED = N_(
    "A moderator has stopped anonymous posting for you here, so I didn't post that. You're "
    "still welcome to talk in the channels as yourself, and {crisis} is always there for you."
)
OVER_LIMIT_URGENT = N_(
    "I couldn't post this one anonymously: that's the most I can post for one person in a day. "
    "Please don't wait with what you wrote. The people below are there for you right now, and "
    "the button lets a moderator know you need someone."
)
NO_POST = N_("There's no anonymous post {number} here.")
NOT_YOURS = N_("You can answer as your alias only on a post you wrote while it is still yours.")
POSTED = N_(
    "Posted anonymously as Anonymous member #{alias} (post {number}). Only I know it was you."
)
NOT_POSTED = N_(
    "I couldn't post that just now, so nothing went out. Please try again in a little while."
)
URGENT_TOLD = N_(  # the crisis reply already said the moderators are told, never who
    "One of the moderators may write to you through me; you can answer the same way, and they "
    "still won't know it was you."
)
URGENT_DONE = N_("Your words matter, and so do you. Before I post them anonymously:")

ALERT_URGENT = N_(
    "⚠️ An anonymous post may mean someone is in danger: post {number} in {channel}. I've "
    "sent its author crisis resources privately. I won't say who wrote it; you can write to "
    "them through me and they can answer you the same way."
)
ALERT_CONCERN = N_(
    "An anonymous post sounds like its author is having a hard time: post {number} in "
    "{channel}. You can write to them through me without learning who they are."
)
REACH_BUTTON = N_("Reach out privately")

REACHED = N_(
    "A moderator is reaching out about your anonymous post {number}. They don't know who you "
    "are, and I won't tell them.\n\n{text}\n\nYou can answer through me: {hint} post:{number} "
    "text:…"
)
REACH_SENT = N_(
    "Sent to the author of post {number}. You won't learn who they are; if they answer, I'll "
    "pass it to you privately."
)
REACH_UNDELIVERED = N_(
    "I couldn't deliver that to the author of post {number} (they may not accept private "
    "messages). Nothing else was shared."
)
REACH_GONE = N_("I can't reach the author of post {number}: who wrote it is no longer kept.")
ANSWER_NOT_OPEN = N_(
    "I can pass on an answer only from the author of post {number}, after a moderator wrote to "
    "them about it."
)
ANSWER_NO_MODERATOR = N_(
    "I couldn't pass that on: whoever wrote to you about post {number} isn't a moderator here "
    "any more, so nothing was sent. {crisis} is always there for you."
)
ANSWERED = N_("The author of anonymous post {number} answered you:\n\n{text}")
ANSWER_SENT = N_("I've passed your answer on. The moderator still doesn't know who you are.")

REMOVE_DONE = N_("Post {number} is removed, and who wrote it is forgotten.")
REMOVE_BY_HAND = N_(
    "I've forgotten who wrote post {number}, but I couldn't take the message down here: "
    "please delete it by hand."
)
REVEAL_GONE = N_("Nobody can be named for post {number}: who wrote it is no longer kept.")
REVEALED = N_(
    "Post {number} was written by {name}. I've written this to the audit log with your reason, "
    "and told them privately."
)
REVEALED_UNTOLD = N_(
    "Post {number} was written by {name}. I've written this to the audit log with your reason, "
    "but I couldn't tell them privately (they may have left, or closed their private messages)."
)
REVEAL_REASON_TOO_SHORT = N_(
    'Please give a real reason in a few words, like "threats against a member in #general": '
    "the author reads it, and it goes in the audit log. Nobody was named yet."
)
REVEAL_TOLD = N_("A moderator saw who wrote your anonymous post {number}, because: {reason}")
BLOCK_GONE = N_("I can't block the author of post {number}: who wrote it is no longer kept.")
BLOCKED_DONE = N_(
    "The author of post {number} can't post anonymously here any more. I haven't told you who "
    "it is. {hint} post:{number} lifts it."
)
BLOCKED_DONE_UNTOLD = N_(
    "The author of post {number} can't post anonymously here any more. I haven't told you who "
    "it is, and I couldn't tell them privately (they may have left, or closed their private "
    "messages). {hint} post:{number} lifts it."
)
ALREADY_REMOVED = N_("Post {number} was already removed; nothing changed.")
ALREADY_BLOCKED = N_("The author of post {number} was already blocked from anonymous posting.")
BLOCK_TOLD = N_(
    "A moderator has stopped anonymous posting for you here (after post {number}). You're still "
    "welcome to talk in the channels as yourself, and {crisis} is always there for you."
)
UNBLOCKED = N_("The block made after post {number} is lifted.")
NOT_BLOCKED = N_("No block was made after post {number}.")
WRITE_IT = N_("Write it")
ANSWER_BUTTON = N_("Answer")
