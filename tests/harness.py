"""Drive the real core through the console platform: push a line, read what the bot said.

Modelled on a test backend: nothing is mocked, the dispatcher, cogs, scheduler and an on-disk
SQLite database all run for real; only the clock is manual.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_bot
from bot.clock import ManualClock
from bot.config import Config, parse_config
from bot.core import Bot
from bot.platforms.console import ConsolePlatform

DEFAULT_START = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


class ConsoleCommunity:
    """A console community on a temporary database."""

    def __init__(self, db_path: Path, clock: ManualClock, config: Config, user: str) -> None:
        self.db_path = db_path
        self.clock = clock
        self.config = config
        self.user = user
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
    ) -> ConsoleCommunity:
        """Start a community (the bot is running when this returns)."""
        community = cls(
            tmp_path / "community.db", ManualClock(start), parse_config(config or {}, {}), user
        )
        await community.start()
        return community

    async def start(self) -> None:
        """Start (or restart) the bot on the same database and clock."""
        self.bot = await build_bot(self.config, clock=self.clock, database=str(self.db_path))
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
