"""/prompt: facilitators' scheduled prompts ("Monday intention", "Friday wins") and a prompt bank.

Schedules are read in the community's timezone (``bot.recurrence``) and live in the database;
one due source posts whatever fell due. An occurrence is claimed (``next_at`` moved on, a run
recorded) before it is posted, so a restart never posts it twice. A post that fell due while the
bot was down goes out once if it is less than ``bot.prompt_grace_minutes`` late, else it is
skipped and recorded. Delivery failures alert the moderators; three in a row pause the prompt.

Parts: ``schedules`` (the facilitators' commands on prompts), ``bank`` (the prompt bank),
``due`` (planning and posting what fell due), ``base`` (the store and shared helpers).
"""

from __future__ import annotations

from bot.channels import ChannelPurpose
from bot.core import Bot
from bot.i18n import N_
from bot.scheduler import Due
from cogs.prompts.bank import PromptBank
from cogs.prompts.due import PromptsDue
from cogs.prompts.schedules import PromptSchedules
from storage import prompts as store_mod
from storage.prompts import prompts_privacy_handler


class Prompts(PromptSchedules, PromptBank, PromptsDue):
    """Scheduled prompts and the prompt bank, run exactly once from the database."""

    channel_purposes = (ChannelPurpose("prompts", N_("Scheduled prompts")),)

    async def on_load(self) -> None:
        self.bot.privacy.register(prompts_privacy_handler())
        self.bot.scheduler.declare(Due("prompts", store_mod.PROMPTS, self._plan, self._post))


def setup(bot: Bot) -> Prompts:
    """Create the cog."""
    return Prompts(bot)
