"""Private text is heard too: every free-text option of every command, and check-in notes,
partner SOS notes and safety-plan edits in the command's own reply.

The core hands every typed text to :meth:`PrivateText.screen_typed_text` (``Bot.text_screen``)
before anything can refuse the command; when one is urgent the member gets the private crisis
reply after whatever happened to the command. Cogs that fold it into their own line call
:meth:`PrivateText.urgent_reply` (the service ``crisis.urgent_reply``), and then the core adds
nothing. Nothing of the text ever reaches the moderators unless the member presses "Let a
moderator know" (and then only their name) — unless the feature calling
``crisis.urgent_reply`` tells the moderators itself (an anonymous post, a meeting that was not
published), and then the reply says who heard instead of promising privacy.
"""

from __future__ import annotations

from bot.context import Context
from bot.i18n import _
from bot.message import Button, Message
from bot.services import service
from bot.spec import CommandSpec
from cogs.crisis.base import NOTIFY_BUTTON, CrisisBase
from cogs.crisis.texts import WhoHears, emergency_number, resource_message
from cogs.crisis.topics import topics_in
from cogs.crisis.watch import Detection, detect


class PrivateText(CrisisBase):
    """The crisis reply for private text, and the member's emergency number for their partner."""

    @service("crisis.urgent_reply")
    async def urgent_reply(
        self, ctx: Context, text: str | None, done: str, who_hears: WhoHears = "choice"
    ) -> Message | None:
        """The private crisis reply (``done`` first: what was saved or sent), or None when the
        text is not urgent. ``who_hears``: "choice" (moderators hear only if the member presses
        the button), or the caller tells the moderators itself, "anonymous" or "named", and the
        reply says so; "relayed": the text went to the moderator the member answered."""
        if not text:
            return None
        detection = detect(text)
        if detection.level != "urgent":
            return None
        reply = await self._crisis_reply(ctx, detection, who_hears)
        ctx.crisis_answered = True
        return Message(done + "\n" + reply.template, reply.values, reply.buttons)

    async def screen_typed_text(
        self, ctx: Context, texts: list[str], spec: CommandSpec | None = None
    ) -> Message | None:
        """The private crisis reply when any typed text is urgent (an overdose first). A
        command asking for a person (``spec.urgent_alert``) has the moderators told the
        member's name now, before a typo or a limit can refuse it, and the reply says so."""
        urgent = [d for d in map(detect, texts) if d.level == "urgent"]
        if not urgent:
            return None
        if all(rule.startswith("others.") for d in urgent for rule in d.matched):
            return Message(
                _("If someone is in danger now, call {emergency} for them."),
                {"emergency": await self.emergency(ctx)},
            )
        detection = max(urgent, key=lambda d: d.overdose)
        if spec is not None and spec.urgent_alert and ctx.actor is not None:
            notify = self.bot.services.find("crisis.notify_for")  # one an hour, as the button
            told = notify is not None and await notify(
                ctx, (spec.urgent_alert, {"name": ctx.actor.name})
            )
            if told:
                return await self._crisis_reply(ctx, detection, "named")
        return await self._crisis_reply(ctx, detection)

    async def _crisis_reply(
        self, ctx: Context, detection: Detection, who_hears: WhoHears = "choice"
    ) -> Message:
        template, values = resource_message(
            "note",
            await self.region_resources(ctx),
            await self.community_resources(ctx),
            prefix=ctx.prefix,
            overdose=detection.overdose,
            who_hears=who_hears,
            tr=await ctx.translator_for(),
        )
        buttons: tuple[Button, ...] = (NOTIFY_BUTTON,)
        return Message(template, values, buttons)

    @service("crisis.level")
    async def level(self, ctx: Context, text: str | None) -> str:
        """How the detector reads a text: "none", "concern" or "urgent". Sends nothing: for
        features that must know before acting (an anonymous post is screened before it goes
        out)."""
        return detect(text).level if text else "none"

    @service("crisis.topics")
    async def topics(self, ctx: Context, text: str | None) -> list[str]:
        """The content-warning topics a text mentions (self-harm, suicide, alcohol, drugs,
        eating, abuse, grief), in any language the detector reads; a topic is not a crisis
        (ask crisis.level for that). Sends nothing."""
        return topics_in(text) if text else []

    @service("crisis.emergency_if_urgent")
    async def emergency_if_urgent(self, ctx: Context, text: str | None) -> str | None:
        """The member's regional emergency number when their text is urgent, else None."""
        if not text or detect(text).level != "urgent":
            return None
        return emergency_number(await self.region_resources(ctx), await ctx.translator_for())
