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
from bot.i18n import _
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
                ctx.t(
                    "Directory: set this community's region ({region}) to see which of its "
                    "numbers wait for a check by you.",
                    region=f"{ctx.prefix}community region code:GB",
                )
            )
        else:
            region = await self.checked_region(ctx, code)
            waiting = [s for s in region.services if s.pending and s.checked_on is None]
            done = [s for s in region.services if s.checked_on is not None]
            if waiting:
                lines.append(
                    ctx.t(
                        "Directory lines for {region} ({code}) waiting for a check — please call "
                        "or open the source, then {confirm} (members see that you checked it):",
                        region=region.name,
                        code=region.code,
                        confirm=f"{ctx.prefix}crisis resource confirm id:ID",
                    )
                )
                source = ctx.t("source")
                for i, s in enumerate(waiting):
                    lines.append(f"• {s.id}: {{d{i}}}")
                    lines.append(f"  {source} {{s{i}}}; {{w{i}}}")
                    values[f"d{i}"] = s.format_line(ctx.tr)
                    values[f"s{i}"] = s.source
                    values[f"w{i}"] = shorten(s.review, REVIEW_SHOWN_CHARS)
            else:
                lines.append(
                    ctx.t(
                        "Every directory line for {region} ({code}) has been checked.",
                        region=region.name,
                        code=region.code,
                    )
                )
            for s in done:
                assert s.checked_on is not None
                lines.append(
                    ctx.t(
                        "Checked by this community's moderators: {id} on {day}",
                        id=s.id,
                        day=s.checked_on.isoformat(),
                    )
                )
        reports = await self.checks.reports(ctx.community.platform, ctx.community.id)
        if reports:
            lines.append(ctx.t("Members' reports of a wrong number (not yet followed by a check):"))
            for i, report in enumerate(reports):
                lines.append(
                    f"#{report.id} {report.entry_id} {report.created_at:%Y-%m-%d}: {{n{i}}}"
                )
                values[f"n{i}"] = report.note
        return lines, values

    @command(
        "crisis resource confirm",
        _("Record that you checked a directory number for this community (moderators)"),
        private=True,
        level=Permission.MODERATOR,
        examples=("crisis resource confirm id:gb-samaritans",),
    )
    async def resource_confirm(
        self,
        ctx: Context,
        id: Annotated[str, MaxLen(60), _("The entry's id from crisis resource list")],  # noqa: A002
    ) -> None:
        """Store "checked by a moderator of this community on DATE" for one entry."""
        service = self.directory.entry(id)
        if service is None:
            await ctx.reply(
                _(
                    "There's no directory entry {asked}. {list} shows the ids for this "
                    "community's region."
                ),
                asked=shorten(id, 40),
                list=f"{ctx.prefix}crisis resource list",
            )
            return
        code = await self.community_region(ctx)
        if service.id not in {s.id for s in self.directory.for_region(code).services}:
            lines = ctx.t(
                "I didn't record anything: {entry} is not one of the lines this community's "
                "members are shown."
            )
            if code and self.directory.known(code):
                lines += " " + ctx.t("This community's region is {code}.", code=code.upper())
            else:
                lines += " " + ctx.t(
                    "Set the community's region first ({region}).",
                    region=f"{ctx.prefix}community region code:GB",
                )
            await ctx.reply(
                lines
                + " "
                + ctx.t(
                    "{list} shows the ids waiting for a check.",
                    list=f"{ctx.prefix}crisis resource list",
                ),
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
            _(
                "Recorded: {entry} checked by a moderator of this community on {day}. Members "
                "here now see it in {crisis} marked as checked by this community's "
                "moderators:\n{line}"
            ),
            entry=service.id,
            day=day.isoformat(),
            crisis=f"{ctx.prefix}crisis",
            line=service.format_line(ctx.tr),
        )

    @command(
        "crisis resource report",
        _("Tell the moderators a crisis line I showed you is wrong"),
        private=True,
        unlimited=True,
        examples=('crisis resource report id:gb-samaritans note:"this number didn\'t connect"',),
    )
    async def resource_report(
        self,
        ctx: Context,
        id: Annotated[str, MaxLen(60), _("The entry's id, like gb-samaritans")],  # noqa: A002
        note: Annotated[
            str, MaxLen(NOTE_CHARS), Rest(), _("What is wrong, e.g. the number didn't work")
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
                _(
                    "Please say in a few words what is wrong (the note), so the moderators can "
                    "check it. Nothing was sent.\nUsage: {usage}"
                ),
                usage=ctx.usage(),
            )
            return
        report_id = await self.checks.report(ctx.member_key(), service.id, note.strip(), ctx.now())
        if report_id is None:
            await ctx.reply(
                _(
                    "Thank you; you've already sent {count} reports today, so I didn't keep this "
                    "one. The moderators have the others. If you're in danger right now, please "
                    "call {emergency}."
                ),
                count=ctx.tr.number(REPORTS_PER_DAY),
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
            _(
                "Thank you for telling me. I've passed it to this community's moderators and to "
                "the people who keep the list, without your name. If you're in danger right now, "
                "please call {emergency}."
            ),
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
        lines = [ctx.tr.gettext("I don't know an entry {asked}, so nothing was sent.")]
        lines.append(ctx.t("The ids for {region}:", region=region.name) if region.services else "")
        for i, s in enumerate(region.services):
            lines.append(f"• {s.id}: {{e{i}}}")
            values[f"e{i}"] = s.name
        lines.append(ctx.t("Usage: {usage}", usage=ctx.usage()))
        await ctx.reply("\n".join(line for line in lines if line), **values)
