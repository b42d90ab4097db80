"""/safetyplan: a private Stanley–Brown style safety plan, section by section."""

from __future__ import annotations

from typing import Annotated, Literal

from bot.context import Context
from bot.i18n import _
from bot.spec import MaxLen, Rest, command
from cogs.crisis.heard import PrivateText
from cogs.crisis.texts import SECTION_LABELS, SECTIONS

Section = Literal[
    "warning-signs", "coping", "distraction", "people", "professionals", "environment", "reasons"
]
assert SECTIONS == Section.__args__  # type: ignore[attr-defined]
PLAN_TEXT_MAX = 1000


class SafetyPlanCommands(PrivateText):
    """Show, edit and clear the member's own plan. Only they ever see it."""

    @command("safetyplan", _("Your private safety plan"), private=True, unlimited=True)
    async def safetyplan(self, ctx: Context) -> None:
        """Show the plan (same as ``safetyplan show``)."""
        await self._show(ctx)

    @command("safetyplan show", _("Your private safety plan"), private=True, unlimited=True)
    async def safetyplan_show(self, ctx: Context) -> None:
        """Show the plan."""
        await self._show(ctx)

    async def _show(self, ctx: Context) -> None:
        plan = await self.plans.get(ctx.member_key())
        edit = f"{ctx.prefix}safetyplan edit"
        if not plan:
            await ctx.reply(
                _(
                    "You don't have a safety plan yet. It's a short list, in your own words, of "
                    "what helps when things get hard; only you can see it. Start with any part, "
                    'like:\n{edit} section:reasons text:"my sister, my dog"\nParts: {parts}'
                ),
                edit=edit,
                parts=", ".join(SECTIONS),
            )
            return
        lines = [ctx.t("Your safety plan (only you can see this):")]
        values: dict[str, str] = {}
        for section in SECTIONS:
            label = ctx.t(SECTION_LABELS[section])
            if section in plan:
                lines.append(f"{label}: {{{section.replace('-', '_')}}}")
                values[section.replace("-", "_")] = plan[section]
            else:
                empty = ctx.t("(empty; {edit} section:{section} …)", edit=edit, section=section)
                lines.append(f"{label}: {empty}")
        await ctx.reply("\n".join(lines), **values)

    @command(
        "safetyplan edit",
        _("Write one part of your safety plan (replaces what was there)"),
        private=True,
        examples=('safetyplan edit section:coping text:"a walk, music, a cold shower"',),
    )
    async def safetyplan_edit(
        self,
        ctx: Context,
        section: Annotated[Section, _("Which part of the plan")],
        text: Annotated[
            str, MaxLen(PLAN_TEXT_MAX), Rest(), _("In your own words; only you see it")
        ],
    ) -> None:
        """Replace one section."""
        await self.plans.set(ctx.member_key(), section, text, ctx.now())
        label = ctx.t(SECTION_LABELS[section])
        heard = await self.urgent_reply(
            ctx, text, ctx.t('I saved "{label}" in your safety plan.', label=label)
        )
        if heard is not None:
            await ctx.reply(heard.template, buttons=heard.buttons, **heard.values)
            return
        await ctx.reply(
            _('Saved "{label}" in your safety plan. {show} shows the whole plan.'),
            label=label,
            show=f"{ctx.prefix}safetyplan",
        )

    @command(
        "safetyplan clear",
        _("Delete your whole safety plan (asks for confirm:yes)"),
        private=True,
    )
    async def safetyplan_clear(
        self,
        ctx: Context,
        confirm: Annotated[Literal["yes", "no"], _("Type yes to delete it for good")] = "no",
    ) -> None:
        """Delete every section, after confirmation."""
        if confirm != "yes":
            await ctx.reply(
                _("This deletes your whole safety plan and can't be undone. To go ahead: {clear}"),
                clear=f"{ctx.prefix}safetyplan clear confirm:yes",
            )
            return
        removed = await self.plans.clear(ctx.member_key())
        if not removed:
            await ctx.reply(_("Your safety plan was already empty."))
            return
        await ctx.reply(_("Done. Your safety plan is deleted."))
