"""How a group of people is named on each platform: a role on Discord, a power level on Matrix.

Facilitators and crisis responders are both set this way; one check keeps the two commands
telling a moderator the same thing when the kind does not fit the platform.
"""

from __future__ import annotations

from bot.context import Context


async def refuse_wrong_kind(
    ctx: Context, role: object, power: object, who: str, example: str
) -> bool:
    """Reply and return True when a role is given on Matrix or a power level on Discord.

    ``who`` names the group ("facilitators", "responders"); ``example`` is a role name for the
    Discord hint ("Facilitators"). The console accepts both, as it always did.
    """
    platform = ctx.community.platform
    if role is not None and platform == "matrix":
        await ctx.reply("Matrix has no roles; use a power level instead, like power:25.")
        return True
    if power is not None and platform == "discord":
        await ctx.reply(f"On Discord, {who} are chosen by role, like role:@{example}.")
        return True
    return False
