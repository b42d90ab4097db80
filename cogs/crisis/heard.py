"""Private text is heard too: check-in notes, partner SOS notes and safety-plan edits.

Other cogs call :meth:`PrivateText.urgent_reply` (through ``bot.cogs["crisis"]``) with the text a
member wrote privately. When the detector finds it urgent they get the private crisis reply
instead of their usual line, with "Let a moderator know"; nothing of the text ever reaches the
moderators unless the member presses it (and then only their name).
"""

from __future__ import annotations

from bot.context import Context
from bot.message import Button, Message
from cogs.crisis.base import NOTIFY_BUTTON, CrisisBase
from cogs.crisis.texts import emergency_number, resource_message
from cogs.crisis.watch import detect


class PrivateText(CrisisBase):
    """The crisis reply for private text, and the member's emergency number for their partner."""

    async def urgent_reply(self, ctx: Context, text: str | None, done: str) -> Message | None:
        """The private crisis reply (``done`` first: what was saved or sent), or None when the
        text is not urgent."""
        if not text:
            return None
        detection = detect(text)
        if detection.level != "urgent":
            return None
        template, values = resource_message(
            "note",
            await self.region_resources(ctx),
            await self.community_resources(ctx),
            prefix=ctx.prefix,
            overdose=detection.overdose,
        )
        buttons: tuple[Button, ...] = (NOTIFY_BUTTON,)
        return Message(done + "\n" + template, values, buttons)

    async def emergency_if_urgent(self, ctx: Context, text: str | None) -> str | None:
        """The member's regional emergency number when their text is urgent, else None."""
        if not text or detect(text).level != "urgent":
            return None
        return emergency_number(await self.region_resources(ctx))
