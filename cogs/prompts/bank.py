"""Facilitators' commands on the prompt bank: schedules with text:bank post its prompts in
turn."""

from __future__ import annotations

from typing import Annotated

from bot.context import Context
from bot.i18n import _
from bot.spec import MaxLen, Permission, Range, Rest, command
from cogs.prompts.base import PROMPT_MAX, PromptsBase, short_text

BankId = Annotated[int, Range(1, 999_999_999), _("The prompt's number (see prompt bank list)")]


class PromptBank(PromptsBase):
    """The prompt bank's commands."""

    @command(
        "prompt bank add", _("Add a prompt to the bank"), private=True, level=Permission.FACILITATOR
    )
    async def bank_add(
        self, ctx: Context, text: Annotated[str, MaxLen(PROMPT_MAX), Rest(), _("The prompt")]
    ) -> None:
        assert ctx.actor is not None
        entry, added = await self.store.bank_add(
            ctx.community.platform, ctx.community.id, ctx.actor.id, text, ctx.now()
        )
        if not added:
            await ctx.reply(_("That prompt is already in the prompt bank as #{id}."), id=entry)
            return
        count = len(await self.store.bank(ctx.community.platform, ctx.community.id))
        await ctx.reply(
            _(
                "Added to the prompt bank as #{id} ({count} in the bank). Schedules with "
                "text:bank post them in turn, with no repeats until all were used."
            ),
            id=entry,
            count=count,
        )

    @command(
        "prompt bank list",
        _("The prompt bank, next one first"),
        private=True,
        level=Permission.FACILITATOR,
    )
    async def bank_list(self, ctx: Context) -> None:
        bank = await self.store.bank(ctx.community.platform, ctx.community.id)
        if not bank:
            await ctx.reply(
                _("The prompt bank is empty. Add one with {hint}."),
                hint=f"{ctx.prefix}prompt bank add",
            )
            return
        lines = [ctx.t("The prompt bank, in the order it will be used:")]
        values = {}
        for entry in bank:
            lines.append(
                ctx.t("#{id} (used {uses}×): {text}", id=entry.id, uses=entry.uses,
                      text=f"{{t{entry.id}}}")
            )  # fmt: skip
            values[f"t{entry.id}"] = short_text(entry.text)
        await ctx.reply("\n".join(lines), **values)

    @command(
        "prompt bank delete",
        _("Remove a prompt from the bank"),
        private=True,
        level=Permission.FACILITATOR,
    )
    async def bank_delete(self, ctx: Context, id: BankId) -> None:
        if await self.store.bank_delete(ctx.community.platform, ctx.community.id, id):
            await ctx.reply(_("Bank prompt #{id} is removed."), id=id)
        else:
            await ctx.reply(
                _("There's no bank prompt #{id} here. {hint} shows them."),
                id=id,
                hint=f"{ctx.prefix}prompt bank list",
            )
