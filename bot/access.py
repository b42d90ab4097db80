"""Groups of people a moderator names: a role on Discord, a power level on Matrix.

Facilitators (``/community facilitators``), crisis responders (``/duty responders``) and peer
supporters (``/community supporters``) are all chosen this way. ``change_people`` is the one
handling of such a command: the kind that fits the platform, never everyone, the change written
with its audit row. Each command keeps its own words for showing and confirming.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from bot.context import Context
from bot.i18n import _
from bot.spec import OFF, IntType, MentionType, Off, OrOff, RoleRef
from storage.community import AuditActor, CommunityConfig

# The two options of such a command; each adds its own description:
# ``role: Annotated[RoleOrOff, "The responders' role, or off"] | None = None``.
RoleOrOff = Annotated[RoleRef | Off, OrOff(MentionType("role"))]
PowerOrOff = Annotated[int | Off, OrOff(IntType(0, 100))]


@dataclass(frozen=True)
class PeopleGroup:
    """A group named by role or power level, as one command sets it."""

    # The three phrases are marked N_() where a group is declared and said in the reader's
    # language here.
    who: str  # in sentences: "responders"
    example: str  # a Discord role name for the hint: "Listeners"
    role_key: str  # the community setting a role is stored under
    power_key: str  # … and a power level (the same key when one setting holds either)
    why_not_everyone: str  # "they take crisis alerts, which name members who may be in danger"
    only: str  # whom to choose instead: "trusted responders"


@dataclass(frozen=True)
class PeopleChange:
    """What ``change_people`` wrote: the key, the new value (None: off) and the old one."""

    key: str
    value: str | None
    old: str | None


async def refuse_wrong_kind(
    ctx: Context, role: object, power: object, who: str, example: str
) -> bool:
    """Reply and return True when a role is given on Matrix or a power level on Discord.

    ``who`` names the group ("facilitators", "responders", marked N_); ``example`` is a role
    name for the Discord hint ("Facilitators"). The console accepts both, as it always did.
    """
    platform = ctx.community.platform
    if role is not None and platform == "matrix":
        await ctx.reply(_("Matrix has no roles; use a power level instead, like power:25."))
        return True
    if power is not None and platform == "discord":
        await ctx.reply(
            _("On Discord, {who} are chosen by role, like {hint}."),
            who=ctx.t(who),
            hint=f"role:@{example}",
        )
        return True
    return False


def _is_everyone(ctx: Context, role: object, power: object) -> bool:
    """Discord's @everyone role (its id is the guild's) or Matrix's default level 0."""
    everyone_role = isinstance(role, RoleRef) and role.id == ctx.community.id
    return everyone_role or (isinstance(power, int) and not isinstance(power, bool) and power <= 0)


async def change_people(
    ctx: Context, group: PeopleGroup, role: object, power: object
) -> PeopleChange | None:
    """Set ``group`` from exactly one of ``role`` / ``power`` (a ``RoleRef``, an int or OFF).

    Refuses (replies, changes nothing, returns None) the kind that does not fit the platform and
    a group of everyone; otherwise writes the setting with its audit row in one transaction.
    """
    assert ctx.actor is not None
    if await refuse_wrong_kind(ctx, role, power, group.who, group.example):
        return None
    if _is_everyone(ctx, role, power):
        template = _(
            "{who} can't be everyone: {why}. Please choose a role (or a power level above 0) "
            "for {only} only. Nothing changed."
        )
        who = ctx.t(group.who)
        if ctx.t(template).startswith("{who}"):  # a sentence starts with a capital
            who = who[:1].upper() + who[1:]
        await ctx.reply(
            template,
            who=who,
            why=ctx.t(group.why_not_everyone),
            only=ctx.t(group.only),
        )
        return None
    if role is not None:
        key, value = group.role_key, None if role is OFF else role.id  # type: ignore[attr-defined]
    else:
        key, value = group.power_key, None if power is OFF else str(power)
    old = await CommunityConfig(ctx.bot.db).change(
        ctx.community.platform,
        ctx.community.id,
        key,
        value,
        AuditActor(ctx.actor.id, ctx.actor.name),
        ctx.now(),
    )
    return PeopleChange(key, value, old)
