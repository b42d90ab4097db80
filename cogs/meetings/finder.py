"""The meeting finder: moderators list groups outside this community (their own schedule and
zone); members see the next ones in their own time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from bot.context import Context
from bot.i18n import _
from bot.spec import MaxLen, Permission, Range, Timezone, command
from cogs.meetings.base import MeetingsBase, local_when, schedule_of_text
from cogs.meetings.inputs import LINK_MAX, When, WhereType
from storage.meetings import OutsideMeeting

LOOK_AHEAD = timedelta(days=14)
MOST_SHOWN = 25

Name = Annotated[str, MaxLen(100), _("The group's name")]
Organisation = Annotated[str, MaxLen(100), _("Who runs it (SMART Recovery, AA, a charity…)")]
Language = Annotated[str, MaxLen(40), _("The language it is held in, like English")]
Link = Annotated[str, MaxLen(LINK_MAX), _("Where to join, starting with https://")]
OutsideId = Annotated[int, Range(1, 999_999_999), _("The listing's number")]


class FinderCommands(MeetingsBase):
    """/meeting outside add, /meeting outside remove, /meetings outside."""

    @command(
        "meeting outside add",
        _("List an outside meeting in the meeting finder"),
        private=True,
        level=Permission.MODERATOR,
        examples=(
            'meeting outside add name:"Online SMART meeting" organisation:"SMART Recovery" '
            'when:"weekly tue 18:00" zone:America/New_York language:English '
            "link:https://meetings.example.org/123",
        ),
    )
    async def outside_add(
        self,
        ctx: Context,
        name: Name,
        organisation: Organisation,
        when: When,
        zone: Timezone,
        language: Language,
        link: Link,
    ) -> None:
        assert ctx.actor is not None
        checked = await WhereType(max_len=LINK_MAX).convert(link, None)
        if checked.link is None:
            await ctx.reply(_("The link must start with https://. Nothing was added."))
            return
        if when.next_after(ctx.now(), zone) is None:
            await ctx.reply(_("That schedule has no meetings coming, so nothing was added."))
            return
        item = OutsideMeeting(0, name, organisation, when.spec, zone, language, checked.link)
        item_id = await self.store.add_outside(
            ctx.community.platform, ctx.community.id, ctx.actor.id, item, ctx.now()
        )
        await ctx.reply(
            _("Added to the meeting finder as #{id}: {name} ({org}), {when} ({zone})."),
            id=item_id,
            name=name,
            org=organisation,
            when=when.describe(),
            zone=zone,
        )

    @command(
        "meeting outside remove",
        _("Take an outside meeting off the meeting finder"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def outside_remove(self, ctx: Context, id: OutsideId) -> None:
        if await self.store.remove_outside(ctx.community.platform, ctx.community.id, id):
            await ctx.reply(_("Outside meeting #{id} is off the meeting finder."), id=id)
        else:
            await ctx.reply(_("There's no outside meeting #{id} here."), id=id)

    @command(
        "meetings outside",
        _("Groups outside this community, next ones first, in your time"),
        private=True,
    )
    async def outside(self, ctx: Context, language: Language | None = None) -> None:
        items = await self.store.outside(ctx.community.platform, ctx.community.id)
        if language:
            items = [i for i in items if i.language.casefold() == language.casefold()]
        now, tz = ctx.now(), await ctx.member_timezone()
        coming: list[tuple[datetime, OutsideMeeting]] = []
        for item in items:
            schedule = schedule_of_text(item.schedule)
            for start in schedule.upcoming(now, item.zone, 3):
                if start <= now + LOOK_AHEAD:
                    coming.append((start, item))
        if not coming:
            await ctx.reply(
                _(
                    "The meeting finder has no outside meetings in that language in the next two weeks."
                )
                if language
                else _("The meeting finder has no outside meetings in the next two weeks.")
            )
            return
        coming.sort(key=lambda pair: (pair[0], pair[1].id))
        tr = ctx.tr
        lines = [tr("Outside meetings in the next two weeks, in your time ({tz}):", tz=tz)]
        values: dict[str, str] = {}
        moderator = ctx.level >= Permission.MODERATOR  # the number they remove an entry by
        for n, (start, item) in enumerate(coming[:MOST_SHOWN]):
            when = local_when(start, tz).translated(tr)
            number = f"#{item.id} " if moderator else ""
            lines.append(f"{number}{when}: {{n{n}}} ({{o{n}}}, {{l{n}}}) {{k{n}}}")
            values |= {f"n{n}": item.name, f"o{n}": item.organisation, f"l{n}": item.language}
            values[f"k{n}"] = item.link
        lines.append(tr("These are run by other organisations; this community doesn't host them."))
        await ctx.reply("\n".join(lines), **values)
