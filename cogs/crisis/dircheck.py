"""/crisis resource confirm|report and the directory part of /crisis resource list.

The people closest to a community verify its region: moderators see which directory entries
for the community's region still wait for a live check and confirm the ones they checked;
members report a number that is wrong. A confirmation is the community's (shown to its
members as "checked by this community's moderators on DATE") and lapses when the entry's
contact details change; a report goes to the moderators and, as an entry id only, to the
operator's log so the directory can be corrected.
"""

from __future__ import annotations

from typing import Annotated

from bot.context import Context
from bot.spec import MaxLen, Permission, Rest, command
from cogs.crisis.base import REGION_SETTING, CrisisBase, fingerprint, log, shorten
from cogs.crisis.resources import Service
from storage.directory_checks import REPORTS_PER_DAY

NOTE_CHARS = 300
REVIEW_SHOWN_CHARS = 140


class DirectoryCheckCommands(CrisisBase):
    """Moderators confirm directory entries for their community; members report wrong ones."""

    async def community_region(self, ctx: Context) -> str | None:
        """The community's region: its setting, else the bot's configured region."""
        return await ctx.setting(REGION_SETTING) or self.bot.config.bot.region

    async def directory_review_lines(self, ctx: Context) -> tuple[list[str], dict[str, str]]:
        """For /crisis resource list: the region's entries waiting for review, this
        community's confirmations, and members' open reports."""
        code = await self.community_region(ctx)
        lines: list[str] = []
        values: dict[str, str] = {}
        if not code or not self.directory.known(code):
            lines.append(
                "Directory: set this community's region "
                f"({ctx.prefix}community region code:GB) to see which of its numbers wait for a "
                "check by you."
            )
        else:
            region = await self.checked_region(ctx, code)
            waiting = [s for s in region.services if s.pending and s.checked_on is None]
            done = [s for s in region.services if s.checked_on is not None]
            if waiting:
                lines.append(
                    f"Directory lines for {region.name} ({region.code}) waiting for a check — "
                    "please call or open the source, then "
                    f"{ctx.prefix}crisis resource confirm id:ID (members see that you checked it):"
                )
                for i, s in enumerate(waiting):
                    lines.append(f"• {s.id}: {{d{i}}}")
                    lines.append(f"  source {{s{i}}}; {{w{i}}}")
                    values[f"d{i}"] = s.format_line()
                    values[f"s{i}"] = s.source
                    values[f"w{i}"] = shorten(s.review, REVIEW_SHOWN_CHARS)
            else:
                lines.append(
                    f"Every directory line for {region.name} ({region.code}) has been checked."
                )
            for s in done:
                assert s.checked_on is not None
                lines.append(f"Checked by this community's moderators: {s.id} on {s.checked_on}")
        reports = await self.checks.reports(ctx.community.platform, ctx.community.id)
        if reports:
            lines.append("Members' reports of a wrong number (not yet followed by a check):")
            for i, report in enumerate(reports):
                lines.append(
                    f"#{report.id} {report.entry_id} {report.created_at:%Y-%m-%d}: {{n{i}}}"
                )
                values[f"n{i}"] = report.note
        return lines, values

    @command(
        "crisis resource confirm",
        "Record that you checked a directory number for this community (moderators)",
        private=True,
        level=Permission.MODERATOR,
        examples=("crisis resource confirm id:gb-samaritans",),
    )
    async def resource_confirm(
        self,
        ctx: Context,
        id: Annotated[str, MaxLen(60), "The entry's id from crisis resource list"],  # noqa: A002
    ) -> None:
        """Store "checked by a moderator of this community on DATE" for one entry."""
        service = self.directory.entry(id)
        if service is None:
            await ctx.reply(
                "There's no directory entry {asked}. "
                f"{ctx.prefix}crisis resource list shows the ids for this community's region.",
                asked=shorten(id, 40),
            )
            return
        code = await self.community_region(ctx)
        if service.id not in {s.id for s in self.directory.for_region(code).services}:
            await ctx.reply(
                "I didn't record anything: {entry} is not one of the lines this community's "
                "members are shown"
                + (
                    f" (this community's region is {code.upper()})."
                    if code and self.directory.known(code)
                    else f". Set the community's region first ({ctx.prefix}community region "
                    "code:GB)."
                )
                + f" {ctx.prefix}crisis resource list shows the ids waiting for a check.",
                entry=service.id,
            )
            return
        day = ctx.now().date()
        await self.checks.confirm(ctx.member_key(), service.id, fingerprint(service), ctx.now())
        log.info(
            "crisis directory entry %s confirmed by a moderator of community %s",
            service.id,
            ctx.community.id,
        )
        await ctx.reply(
            f"Recorded: {service.id} checked by a moderator of this community on {day}. Members "
            f"here now see it in {ctx.prefix}crisis as \"checked by this community's moderators "
            f'on {day}":\n{{line}}',
            line=service.format_line(),
        )

    @command(
        "crisis resource report",
        "Tell the moderators a crisis line I showed you is wrong",
        private=True,
        unlimited=True,
        examples=('crisis resource report id:gb-samaritans note:"this number didn\'t connect"',),
    )
    async def resource_report(
        self,
        ctx: Context,
        id: Annotated[str, MaxLen(60), "The entry's id, like gb-samaritans"],  # noqa: A002
        note: Annotated[
            str, MaxLen(NOTE_CHARS), Rest(), "What is wrong, e.g. the number didn't work"
        ],
    ) -> None:
        """Keep the report for moderators and warn the operator (entry id only)."""
        emergency = await self.emergency(ctx)
        service = await self._find(ctx, id)
        if service is None:
            await self._unknown_entry(ctx, id)
            return
        if not note.strip():
            await ctx.reply(
                "Please say in a few words what is wrong (the note), so the moderators can "
                "check it. Nothing was sent.\nUsage: " + ctx.usage()
            )
            return
        report_id = await self.checks.report(ctx.member_key(), service.id, note.strip(), ctx.now())
        if report_id is None:
            await ctx.reply(
                f"Thank you; you've already sent {REPORTS_PER_DAY} reports today, so I didn't "
                "keep this one. The moderators have the others. If you're in danger right now, "
                "please call {emergency}.",
                emergency=emergency,
            )
            return
        log.warning(
            "crisis directory entry %s reported as wrong in community %s (report #%s); "
            "check it against its source",
            service.id,
            ctx.community.id,
            report_id,
        )
        await ctx.reply(
            "Thank you for telling me. I've passed it to this community's moderators and to the "
            "people who keep the list, without your name. If you're in danger right now, please "
            "call {emergency}.",
            emergency=emergency,
        )

    async def _find(self, ctx: Context, asked: str) -> Service | None:
        """An entry by id, else the one line of the member's region whose name or number
        matches what they typed ("samaritans", "116 123")."""
        service = self.directory.entry(asked)
        if service is not None:
            return service
        text = asked.strip().lower()
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(text) < 3:
            return None
        region = await self.region_resources(ctx)
        matches = [
            s
            for s in region.services
            if text in s.name.lower()
            or (
                len(digits) >= 3
                and any(digits == "".join(ch for ch in c.value if ch.isdigit()) for c in s.contacts)
            )
        ]
        return matches[0] if len(matches) == 1 else None

    async def _unknown_entry(self, ctx: Context, asked: str) -> None:
        region = await self.region_resources(ctx)
        values = {"asked": shorten(asked, 40)}
        lines = ["I don't know an entry {asked}, so nothing was sent."]
        lines.append(f"The ids for {region.name}:" if region.services else "")
        for i, s in enumerate(region.services):
            lines.append(f"• {s.id}: {{e{i}}}")
            values[f"e{i}"] = s.name
        lines.append("Usage: " + ctx.usage())
        await ctx.reply("\n".join(line for line in lines if line), **values)
