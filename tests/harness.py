"""Drive the real core through the console platform: push a line, read what the bot said.

Modelled on a test backend: nothing is mocked, the dispatcher, cogs, scheduler and an on-disk
SQLite database all run for real; only the clock is manual.

Reading what happened, the way a member or an operator would:

- ``private_messages(out, "bob")`` / ``private_to(out, "bob")`` / ``posted_in(out, "#alerts")``:
  what reached someone privately, or a channel (continuation lines included);
- ``await c.export()`` (``who="bob"``): the member's ``/mydata export``, as its ``data``;
  ``saved_file(out)``: the file a reply saved;
- ``await c.rows("checkins")`` or ``await c.rows("SELECT … WHERE x = ?", (1,))``: rows as tuples
  (a whole table comes sorted, the same on SQLite and PostgreSQL); ``await c.snapshot(*tables)``
  for a before/after comparison;
- ``await c.as_moderator("alice")``: give someone the moderator role and act as them.

A feature that exists only in a test (a cog class, a stand-in for another feature's service)
is loaded through the normal loader with ``ConsoleCommunity.create(tmp_path, features=(Garden,),
stand_ins={"partners.partner_name": fake})``, or the ``community_with`` fixture
(tests/conftest.py); both survive ``restart()``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import build_bot
from bot.clock import ManualClock
from bot.config import Config, parse_config
from bot.core import Bot
from bot.platforms.console import ConsolePlatform

DEFAULT_START = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
_SAVED = re.compile(r"\(file saved to (.+?)\)(?:$|\n)", re.MULTILINE)


def said_to(out: str | Sequence[str], head: str) -> list[str]:
    """Each message shown under ``head`` ("(private) bob", "#alerts") in ``out`` (a transcript
    or the lines of one), without the head, its continuation lines joined with newlines."""
    lines = out.split("\n") if isinstance(out, str) else list(out)
    messages: list[list[str]] = []
    current: list[str] | None = None
    for line in lines:
        if line.startswith(f"{head}: "):
            current = [line[len(head) + 2 :]]
            messages.append(current)
        elif line.startswith("    ") and current is not None:
            current.append(line.strip())
        else:
            current = None
    return ["\n".join(m) for m in messages]


def private_messages(out: str | Sequence[str], name: str) -> list[str]:
    """Each message ``name`` received privately in ``out``."""
    return said_to(out, f"(private) {name}")


def private_to(out: str | Sequence[str], name: str) -> str:
    """Everything ``name`` received privately in ``out``, as one text ("" when nothing)."""
    return "\n".join(private_messages(out, name))


def posted_in(out: str | Sequence[str], channel: str) -> str:
    """Everything posted in ``channel`` ("#alerts") in ``out``, as one text."""
    return "\n".join(said_to(out, channel))


def saved_file(out: str) -> Path:
    """The file a reply in ``out`` saved ("… (file saved to PATH)")."""
    found = _SAVED.search(out)
    assert found is not None, f"no saved file in {out!r}"
    return Path(found[1])


def _sort_key(row: tuple) -> tuple:
    """Numbers as numbers (an id column first keeps the order rows were added), then text."""
    return tuple(
        (0, v, "")
        if isinstance(v, int | float)
        else (1, 0, str(v))
        if v is not None
        else (2, 0, "")
        for v in row
    )


class ConsoleCommunity:
    """A console community on a temporary database."""

    def __init__(
        self,
        db_path: Path,
        clock: ManualClock,
        config: Config,
        user: str,
        features: Iterable[Callable[[Bot], Any]] = (),
        stand_ins: dict[str, Callable[..., Any]] | None = None,
    ) -> None:
        self.db_path = db_path
        self.clock = clock
        self.config = config
        self.user = user
        self.features = tuple(features)  # cog classes (or factories) only this test loads
        self.stand_ins = dict(stand_ins or {})  # service name → a test's stand-in provider
        self.bot: Bot | None = None
        self.console: ConsolePlatform | None = None
        self.transcript: list[str] = []

    @classmethod
    async def create(
        cls,
        tmp_path: Path,
        *,
        start: datetime = DEFAULT_START,
        config: dict | None = None,
        user: str = "alice",
        features: Iterable[Callable[[Bot], Any]] = (),
        stand_ins: dict[str, Callable[..., Any]] | None = None,
    ) -> ConsoleCommunity:
        """Start a community (the bot is running when this returns). ``features`` are cogs
        loaded after the real ones, as ``load_cogs`` would; ``stand_ins`` replace services."""
        community = cls(
            tmp_path / "community.db",
            ManualClock(start),
            parse_config(config or {}, {}),
            user,
            features,
            stand_ins,
        )
        await community.start()
        return community

    async def start(self) -> None:
        """Start (or restart) the bot on the same database and clock."""
        self.bot = await build_bot(self.config, clock=self.clock, database=str(self.db_path))
        for feature in self.features:
            await self.bot.add_cog(feature(self.bot))
        if self.features:
            self.bot.check_requirements()
        for name, provider in self.stand_ins.items():
            self.bot.services.stand_in(name, provider)
        previous = self.console
        self.console = ConsolePlatform(
            user=previous.user if previous else self.user,
            out=self.transcript.append,
            files_dir=self.db_path.parent / "files",
            prefix=self.config.bot.command_prefix,
        )
        if previous is not None:  # a restart keeps who is who in the console
            self.console.roles = previous.roles
            self.console.named_roles = previous.named_roles
            self.console.members = previous.members
            self.console.gone = previous.gone
            self.console.open_groups = previous.open_groups
            self.console.said = previous.said
            self.console.channels = previous.channels
            self.console.moderator_channels = previous.moderator_channels
            self.console.channel = previous.channel
        self.bot.add_platform(self.console)
        await self.bot.start(realtime=False)

    async def stop(self) -> None:
        """Stop the bot cleanly."""
        if self.bot is not None:
            await self.bot.stop()
            self.bot = None

    async def restart(self) -> None:
        """Stop and start again; the clock keeps its time."""
        await self.stop()
        await self.start()

    async def say(self, *lines: str) -> list[str]:
        """Type lines; returns every output line they produced."""
        assert self.console is not None
        before = len(self.transcript)
        for line in lines:
            await self.console.handle_line(line)
        return self.transcript[before:]

    async def text(self, *lines: str) -> str:
        """Like say(), joined into one string."""
        return "\n".join(await self.say(*lines))

    # --- reading what happened ---------------------------------------------------------

    async def as_moderator(self, name: str | None = None) -> ConsoleCommunity:
        """Give ``name`` (default: whoever is typing) the moderator role and act as them."""
        assert self.console is not None
        name = name or self.console.user
        await self.say(f":role {name} moderator", f":as {name}")
        return self

    async def with_supporters(
        self,
        supporters: Sequence[str] = ("bob",),
        *,
        on_duty: Sequence[str] = ("bob",),
        alerts: bool = True,
        then: str = "alice",
    ) -> ConsoleCommunity:
        """The support sessions' usual stage: "mod" moderates (with an alerts channel unless
        ``alerts`` is False) and chose the Supporters role; ``supporters`` have it, ``on_duty``
        typed /duty on; then act as ``then``."""
        lines = [":role mod moderator", ":as mod"]
        if alerts:
            lines.append("/community channel purpose:alerts channel:#alerts")
        if supporters:
            lines.append("/community supporters role:Supporters")
        lines += [f":role {name} +Supporters" for name in supporters]
        for name in on_duty:
            lines += [f":as {name}", "/duty on"]
        await self.say(*lines, f":as {then}")
        return self

    async def export(self, who: str | None = None) -> dict:
        """``/mydata export`` (as ``who``, else whoever is typing): the file's ``data``, or {}
        when nothing is stored."""
        out = await self.text(*([f":as {who}"] if who else []), "/mydata export")
        if "nothing stored" in out:
            return {}
        return json.loads(saved_file(out).read_text(encoding="utf-8"))["data"]

    async def rows(self, table_or_sql: str, params: tuple = ()) -> list[tuple]:
        """Rows as tuples: every row of a table (sorted, so both backends agree), or a query's."""
        assert self.bot is not None
        if table_or_sql.isidentifier():
            found = await self.bot.db.fetchall(f"SELECT * FROM {table_or_sql}")  # noqa: S608
            return sorted((tuple(r) for r in found), key=_sort_key)
        return [tuple(r) for r in await self.bot.db.fetchall(table_or_sql, params)]

    async def snapshot(self, *tables_or_queries: str) -> dict[str, list[tuple]]:
        """``rows()`` of each table or query, to compare before and after."""
        return {t: await self.rows(t) for t in tables_or_queries}
