"""/crisis resource add|remove|list: a community's own resources, shown first in /crisis,
and (list) the directory entries for its region that wait for a moderator's check."""

from __future__ import annotations

from typing import Annotated

from bot.context import Context
from bot.i18n import _
from bot.spec import MaxLen, Permission, Range, Rest, command
from cogs.crisis.dircheck import DirectoryCheckCommands
from cogs.crisis.texts import community_line
from cogs.values import HttpsUrl
from storage.crisis import CommunityResource, DuplicateResource

MAX_RESOURCES = 10


class ResourceCommands(DirectoryCheckCommands):
    """Moderators manage the community's own crisis resources."""

    @command(
        "crisis resource add",
        _("Add a local resource, shown first in /crisis (moderators)"),
        private=True,
        level=Permission.MODERATOR,
        examples=(
            'crisis resource add name:"Riverside crisis team" contact:"call 555 0100" '
            'hours:"24/7" url:https://example.org',
        ),
    )
    async def resource_add(
        self,
        ctx: Context,
        name: Annotated[str, MaxLen(40), _("The service's name")],
        contact: Annotated[str, MaxLen(120), Rest(), _("How to reach it, e.g. call 555 0100")],
        hours: Annotated[str, MaxLen(60), _("When it answers, e.g. 24/7")] | None = None,
        url: Annotated[str, HttpsUrl(), _("A web address starting with https://")] | None = None,
    ) -> None:
        """Add one resource after checking the address."""
        try:
            resource_id = await self.local.add(
                ctx.community.platform,
                ctx.community.id,
                (name, contact, hours, url),
                ctx.now(),
                limit=MAX_RESOURCES,
            )
        except DuplicateResource as duplicate:
            await ctx.reply(
                _(
                    "That one is already listed as #{id}, so nothing was added. To change it, "
                    "remove it ({remove}) and add it again."
                ),
                id=str(duplicate.args[0]),
                remove=f"{ctx.prefix}crisis resource remove",
            )
            return
        if resource_id is None:
            await ctx.reply(
                _(
                    "This community already has {count} resources, the most I show. Remove one "
                    "first ({list} shows their ids)."
                ),
                count=ctx.tr.number(MAX_RESOURCES),
                list=f"{ctx.prefix}crisis resource list",
            )
            return
        await ctx.reply(
            _("Added as #{id}. Members will see it first in {crisis}:\n{line}"),
            id=str(resource_id),
            crisis=f"{ctx.prefix}crisis",
            line=community_line(CommunityResource(resource_id, name, contact, hours, url)),
        )

    @command(
        "crisis resource remove",
        _("Remove a local resource by its id (moderators)"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def resource_remove(
        self,
        ctx: Context,
        id: Annotated[int, Range(1, 10**12), _("The id shown by crisis resource list")],  # noqa: A002
    ) -> None:
        """Remove one of this community's resources."""
        if await self.local.remove(ctx.community.platform, ctx.community.id, id):
            await ctx.reply(_("Removed resource #{id}."), id=str(id))
            return
        await ctx.reply(
            _("There's no resource #{id} in this community. {list} shows them."),
            id=str(id),
            list=f"{ctx.prefix}crisis resource list",
        )

    @command(
        "crisis resource list",
        _("This community's own resources and directory lines to check (moderators)"),
        private=True,
        level=Permission.MODERATOR,
    )
    async def resource_list(self, ctx: Context) -> None:
        """List the community's resources with their ids, then the directory's review list."""
        resources = await self.community_resources(ctx)
        lines: list[str] = []
        values: dict[str, str] = {}
        if not resources:
            lines.append(
                ctx.t(
                    "This community has no resources of its own yet; {crisis} shows the "
                    "directory's lines for the member's region. Add one with {add}.",
                    crisis=f"{ctx.prefix}crisis",
                    add=f"{ctx.prefix}crisis resource add",
                )
            )
        else:
            lines.append(ctx.t("This community's resources (shown first in /crisis):"))
            for resource in resources:
                lines.append(f"#{resource.id} {{r{resource.id}}}")
                values[f"r{resource.id}"] = community_line(resource)
        directory_lines, directory_values = await self.directory_review_lines(ctx)
        await ctx.reply("\n".join(lines + directory_lines), **values, **directory_values)
