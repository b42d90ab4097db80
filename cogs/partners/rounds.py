"""One matching round: read the pool, pair it, record the proposals and send them privately."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.context import Context
from bot.i18n import _
from bot.message import Button
from bot.timeutil import UnknownTimezone
from cogs.partners.matching import Candidate, match
from cogs.partners.texts import name_slots, time_difference, utc_offset_minutes
from storage.partners import PartnerStore, PoolEntry

PROPOSAL_LIFETIME = timedelta(hours=48)
RECENT_PARTNERS = timedelta(days=90)
# Leftovers of the last round sort before everyone else (waiting_since is in seconds).
_FIRST_IN_LINE_HEAD_START = 1e11


@dataclass(frozen=True)
class RoundSummary:
    """What a round did, for the moderator who ran it (no private data)."""

    waiting: int  # eligible members before the round
    pairs: int = 0
    trios: int = 0
    left_waiting: int = 0


async def run_round(ctx: Context, store: PartnerStore) -> RoundSummary:
    """Pair the members waiting in this community and send each proposal privately.

    Fewer than two members waiting: nothing is stored and ``pairs`` is 0.
    """
    community = ctx.community
    entries = await store.eligible_pool(community.platform, community.id)
    if len(entries) < 2:
        return RoundSummary(len(entries))
    now = ctx.now()
    fallback = await ctx.community_timezone()
    offsets = {e.user_id: _offset(e, fallback, now) for e in entries}
    pool = [_candidate(e, offsets[e.user_id]) for e in entries]
    forbidden = await store.forbidden_pairs(community.platform, community.id, now - RECENT_PARTNERS)
    allow_trio = (await ctx.setting("partner.trios")) == "on"
    result = match(pool, forbidden=forbidden, allow_trio=allow_trio)
    groups: list[tuple[str, ...]] = [*result.pairs, *result.trios]
    ids = await store.propose(
        community.platform, community.id, groups, result.leftover, now, now + PROPOSAL_LIFETIME
    )
    by_id = {e.user_id: e for e in entries}
    proposed = [(pid, group) for pid, group in zip(ids, groups, strict=True) if pid is not None]
    for proposal_id, group in proposed:
        for member in group:
            others = [by_id[u] for u in group if u != member]
            await send_proposal(ctx, proposal_id, member, others, offsets)
    pairs = sum(len(group) == 2 for _, group in proposed)
    return RoundSummary(len(entries), pairs, len(proposed) - pairs, len(result.leftover))


def _offset(entry: PoolEntry, fallback: str, now: datetime) -> int:
    try:
        return utc_offset_minutes(entry.timezone or fallback, now)
    except UnknownTimezone:
        return utc_offset_minutes("UTC", now)


def _candidate(entry: PoolEntry, offset: int) -> Candidate:
    head_start = 0.0 if entry.first_in_line else _FIRST_IN_LINE_HEAD_START
    return Candidate(
        member_id=entry.user_id,
        focus=entry.focus,
        utc_offset_minutes=offset,
        languages=frozenset({entry.language}) if entry.language else frozenset(),
        frequency=entry.frequency,
        waiting_since=head_start + entry.joined_at.timestamp(),
    )


async def send_proposal(
    ctx: Context,
    proposal_id: int,
    member: str,
    others: list[PoolEntry],
    offsets: dict[str, int],
) -> bool:
    """Privately show one member the other(s) of a proposal, with Accept and Decline."""
    tr = await ctx.translator_for(member)
    names = [await ctx.member_name(o.user_id) for o in others]
    who, values = name_slots(names, tr=tr)
    one = len(others) == 1
    if one:
        lines = [tr("🤝 A possible accountability partner for you: {who}.", who=who)]
    else:
        lines = [tr("🤝 A possible accountability group (a trio) for you: {who}.", who=who)]
    for index, other in enumerate(others):
        prefix = "" if one else f"{{name{index}}}: "
        lines.append(
            prefix
            + tr(
                "focus {focus}, frequency {frequency}.",
                focus=f"{{focus{index}}}",
                frequency=f"{{freq{index}}}",
            )
            + " "
            + time_difference(offsets[member], offsets[other.user_id], tr)
        )
        values[f"focus{index}"] = other.focus
        values[f"freq{index}"] = other.frequency
        if other.intro:
            words = tr("In their words: {intro}", intro=f"{{intro{index}}}")
            lines.append(words if one else "    " + words)
            values[f"intro{index}"] = other.intro
    if one:
        lines.append(
            tr(
                "Nothing happens unless you both say yes, and if it's a no, nobody is told who "
                "said it. Please answer within 48 hours."
            )
        )
    else:
        lines.append(
            tr(
                "Nothing happens unless all three of you say yes, and if it's a no, nobody is "
                "told who said it. Please answer within 48 hours."
            )
        )
    args = {"proposal": str(proposal_id)}
    buttons = [
        Button(_("Accept"), command="partner accept", args=args, style="success"),
        Button(_("Decline"), command="partner decline", args=args, style="secondary"),
    ]
    return await ctx.send_private(member, "\n".join(lines), buttons=buttons, **values)
