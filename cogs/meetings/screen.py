"""Meeting text a facilitator types is published to every member (/meetings, the platform's
event listing, "the room is open"), so it passes the crisis screen before it is saved. Urgent
text is held back: the facilitator gets the private crisis reply, the moderators an alert
(who, never the text), and nothing is published."""

from __future__ import annotations

from bot.context import Context
from bot.i18n import N_
from bot.message import Message

HELD = N_(
    "I didn't publish this meeting, and nothing was changed: what you wrote sounds like you "
    "may be going through something really hard right now."
)
ALERT = N_(
    "Priority: something {name} wrote for a meeting may mean they are in danger now. I sent "
    "them crisis resources privately and didn't publish the meeting. Please reach out to them "
    "privately soon."
)


async def held_for_crisis(ctx: Context, *texts: str | None) -> bool:
    """True when any text is urgent: the facilitator and the moderators were told, and the
    caller must change nothing. Without the crisis feature nothing is screened here."""
    services = ctx.bot.services
    level, urgent_reply = services.find("crisis.level"), services.find("crisis.urgent_reply")
    if level is None or urgent_reply is None:
        return False
    urgent = [text for text in texts if text and await level(ctx, text) == "urgent"]
    if not urgent:
        return False
    answer: Message | None = await urgent_reply(ctx, "\n".join(urgent), ctx.t(HELD), "named")
    if answer is not None:
        await ctx.reply(
            answer.template, private=True, buttons=answer.buttons, **dict(answer.values)
        )
    await _alert(ctx)
    return True


async def _alert(ctx: Context) -> None:
    """The moderators' alerts channel, else each moderator but the facilitator privately."""
    assert ctx.actor is not None
    name = await ctx.member_name(ctx.actor.id)
    if await ctx.alert(ALERT, name=name):
        return
    for moderator in await ctx.moderators():
        if moderator != ctx.actor.id:
            await ctx.send_private(moderator, ALERT, name=name)
