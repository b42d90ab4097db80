"""Support sessions (issue 21): a member asks to talk, an on-duty peer supporter answers in a
private space (a Discord private thread, a new encrypted Matrix room, a console group).

Parts: ``member`` (request, cancel/end, feedback, history), ``desk`` (supporters: queue,
claim, handoff, close; moderators: who supporters are, stats), ``due`` (half-hourly updates
and supporters who are gone), ``base`` (the store, duty through the crisis feature's
``crisis.duty_now`` and ``crisis.rota_starts``), ``texts``. The request text passes the crisis
screen first; nothing said in a session is stored. See docs/support-sessions.md.
"""

from __future__ import annotations

from bot.channels import ChannelPurpose
from bot.cog import listener
from bot.context import Context
from bot.core import Bot
from bot.declared_settings import CommunitySetting
from bot.i18n import _
from bot.platforms.base import CommunityRef
from bot.spec import IntType, StrType
from cogs.support.desk import PURPOSE, SupporterDesk, supporters_shown
from cogs.support.due import SupportDue
from cogs.support.member import MemberSide
from cogs.support.texts import (
    DUTY_HOURS,
    DUTY_HOURS_RANGE,
    DUTY_HOURS_SETTING,
    RESOURCES_MAX,
    RESOURCES_SETTING,
    SETTING,
    SPACE_REQUEUED,
)
from storage.db import MemberKey
from storage.support import ACTIVE, CANCELLED, CLOSED, WAITING, Request, privacy_handlers


class Support(MemberSide, SupporterDesk, SupportDue):
    """The support cog."""

    name = "support"
    # Discord opens sessions' private threads under this channel (else the check-ins one).
    channel_purposes = (
        ChannelPurpose(
            PURPOSE,
            _("Support sessions' private threads"),
            thread_note=_(
                "Good to know: besides the member and the supporter, anyone with the Manage "
                "Threads permission in that channel can open and read these private threads. "
                "Keep that permission to as few people as you can."
            ),
        ),
    )
    community_settings = (
        CommunitySetting(
            SETTING, _("Peer supporters"), command="community supporters", show=supporters_shown
        ),
        CommunitySetting(
            DUTY_HOURS_SETTING,
            _("Hours on duty before a supporter is nudged to rest"),
            IntType(*DUTY_HOURS_RANGE),
            str(DUTY_HOURS),
        ),
        CommunitySetting(
            RESOURCES_SETTING,
            _("Supporters' own resources (in their take-a-break message)"),
            StrType(RESOURCES_MAX),
        ),
    )

    async def on_load(self) -> None:
        """Register member data and the half-hourly updates."""
        for handler in privacy_handlers():
            self.bot.privacy.register(handler)
        for work in self.due_work():
            self.bot.scheduler.declare(work)

    @listener("member_data_deleting")
    async def before_delete(self, ctx: Context, key: MemberKey) -> None:
        """Before /mydata delete (here or everywhere): end the member's open sessions kindly,
        and put a deleting supporter's sessions back in the queue, so nobody is left waiting
        on nothing."""
        for request in await self.store.open_anywhere(key):
            here = self.bot.context(CommunityRef(request.platform, request.community_id)) or ctx
            if request.user_id == key.user_id:
                if request.status == ACTIVE:
                    await self._member_gone(here, request)
                elif await self.store.finish(
                    request.id, WAITING, CANCELLED, "member", None, here.now()
                ):
                    await self.tell_new_places(here)  # those behind move up
            elif await self.store.requeue(request.id, key.user_id, here.now()):
                await self.close_space(here, request, SPACE_REQUEUED)
                await here.send_private(
                    request.user_id,
                    _(
                        "I'm sorry: your supporter had to step away. You're back in the queue, "
                        "ahead of newer requests. Anything urgent: {crisis}."
                    ),
                    crisis=here.command_hint("crisis"),
                )
                await self.tell_new_places(here)  # those it went ahead of move down

    async def _member_gone(self, ctx: Context, request: Request) -> None:
        closed = await self.store.finish(
            request.id, ACTIVE, CLOSED, "member", "member-left", ctx.now()
        )
        if closed is not None:
            await self.close_space(ctx, closed)
        if closed is not None and closed.supporter_id:
            await ctx.send_private(
                closed.supporter_id,
                _(
                    "Session #{id} has ended: the member deleted their data here. Thank you "
                    "for being there."
                ),
                id=str(closed.id),
            )


def setup(bot: Bot) -> Support:
    """Create the cog."""
    return Support(bot)
