"""Features call each other by contract: feature events (``bot.emit`` / ``@listener``) and
services (``@service`` / ``requires`` / ``bot.services``), never by looking up another cog."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.cog import Cog, listener
from bot.services import MissingService, service
from bot.spec import command

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = {"bot/core.py", "bot/services.py"}  # the only modules that may touch bot.cogs
LOOKUPS = [
    re.compile(r"\bcogs\s*(\[|\.get\(|\.values\(|\.items\(|\.keys\()"),  # bot.cogs["x"] …
    re.compile(r"\bgetattr\(\s*[\w.]*cog", re.IGNORECASE),  # getattr(cog, "hook") …
    re.compile(r"\bhasattr\(\s*[\w.]*cog", re.IGNORECASE),
]


def lookups(text: str) -> list[str]:
    """Lines of `text` that look another feature up by name or attribute."""
    return [line.strip() for line in text.splitlines() if any(p.search(line) for p in LOOKUPS)]


def test_the_scan_catches_the_lookups_it_replaced():
    old = (
        'hook = getattr(self.bot.cogs.get("checkins"), "checked_in_on", None)\n'
        "for cog in bot.cogs.values():\n"
        '    provider = getattr(cog, "region_codes", None)\n'
        'crisis = self.bot.cogs["crisis"]\n'
        "fine = self.bot.services.find('crisis.urgent_reply')\n"
    )
    assert len(lookups(old)) == 4


def test_no_feature_or_adapter_looks_up_another_cog():
    found = []
    for path in sorted([*ROOT.glob("bot/**/*.py"), *ROOT.glob("cogs/**/*.py")]):
        relative = path.relative_to(ROOT).as_posix()
        if relative not in REGISTRY:
            found += [f"{relative}: {line}" for line in lookups(path.read_text("utf-8"))]
    assert found == [], "use bot.emit/@listener or @service/bot.services (docs/architecture.md)"


class Sender(Cog):
    name = "sender"

    @command("poke", "Tell others")
    async def poke(self, ctx, who: str = "x") -> None:
        await self.bot.emit("test.poked", ctx, who)
        await ctx.reply("poked")


class Hearer(Cog):
    name = "hearer"

    def __init__(self, bot) -> None:
        super().__init__(bot)
        self.heard: list[tuple[str, str]] = []

    @listener("test.poked")
    async def first(self, ctx, who: str) -> None:
        raise RuntimeError("a broken listener must not stop the others")

    @listener("test.poked")
    async def second(self, ctx, who: str) -> None:
        self.heard.append((ctx.actor.id, who))


async def test_a_feature_event_reaches_every_listener_even_past_a_failing_one(community):
    hearer = Hearer(community.bot)
    await community.bot.add_cog(Sender(community.bot))
    await community.bot.add_cog(hearer)
    out = await community.text("/poke sam")
    assert "poked" in out and "went wrong" not in out
    assert hearer.heard == [("alice", "sam")]


async def test_platform_events_cannot_be_sent_by_a_feature(community):
    from bot.platforms.console import COMMUNITY

    ctx = community.bot.context(COMMUNITY)
    with pytest.raises(ValueError, match="only from platforms"):
        await community.bot.emit("message", ctx, object())


def test_event_and_service_names_are_checked():
    with pytest.raises(ValueError):
        listener("not an event")
    with pytest.raises(ValueError):
        service("crisis.")


class Needy(Cog):
    name = "needy"
    requires = ("nobody.provides_this",)


class Provider(Cog):
    name = "provider"

    @service("provider.answer")
    def answer(self) -> int:
        return 42


async def test_a_missing_required_service_stops_the_start_with_a_clear_error(community):
    await community.bot.add_cog(Needy(community.bot))
    with pytest.raises(MissingService, match="'needy' requires 'nobody.provides_this'"):
        community.bot.check_requirements()


async def test_partners_cannot_load_without_the_checkins_service(tmp_path):
    from bot.clock import ManualClock
    from bot.config import parse_config
    from bot.core import Bot
    from storage.db import Database

    db = await Database.open(str(tmp_path / "partners-only.db"))
    try:
        bot = Bot(parse_config({}, {}), db, ManualClock())
        with pytest.raises(MissingService, match="'partners' requires 'checkins.checked_in_on'"):
            await bot.load_cogs(["cogs.partners"])
    finally:
        await db.close()


async def test_services_are_found_by_name_and_provided_once(community):
    bot = community.bot
    await bot.add_cog(Provider(bot))
    assert bot.services.get("provider.answer")() == 42
    assert bot.services.find("nobody.provides_this") is None
    with pytest.raises(MissingService):
        bot.services.get("nobody.provides_this")

    class Copy(Provider):
        name = "copy"

    with pytest.raises(ValueError, match="provided twice"):
        await bot.add_cog(Copy(bot))


# --- what a platform adapter may ask of the bot ---------------------------------------------

FORBIDDEN_TO_ADAPTERS = re.compile(r"\bbot\s*\.\s*(registry|db|scheduler|cogs)\b")


def bot_attributes(source: str) -> set[str]:
    """Names an adapter reads on the bot: ``self.bot.X`` and ``bot.X`` (a parameter)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        if (isinstance(owner, ast.Name) and owner.id == "bot") or (
            isinstance(owner, ast.Attribute)
            and owner.attr == "bot"
            and isinstance(owner.value, ast.Name)
            and owner.value.id == "self"
        ):
            found.add(node.attr)
    return found


def test_the_adapter_scan_catches_a_reach_past_the_view():
    old = "state = PlatformState(self.bot.db, 'x')\nspec = self.bot.registry.commands.get(p)\n"
    assert FORBIDDEN_TO_ADAPTERS.findall(old) == ["db", "registry"]
    assert bot_attributes(old) == {"db", "registry"}


def test_adapters_use_only_their_typed_view_of_the_bot():
    from bot.core import Bot
    from bot.platforms.base import PlatformHost

    allowed = {n for n in vars(PlatformHost) if not n.startswith("_")}
    allowed |= set(PlatformHost.__annotations__)
    assert all(hasattr(Bot, n) or n in ("config", "clock", "languages") for n in allowed)
    reached, used = [], set()
    for path in sorted(ROOT.glob("bot/platforms/**/*.py")):
        source = path.read_text("utf-8")
        relative = path.relative_to(ROOT).as_posix()
        reached += [f"{relative}: {m.group(0)}" for m in FORBIDDEN_TO_ADAPTERS.finditer(source)]
        used |= {f"{relative}: bot.{name}" for name in bot_attributes(source) - allowed}
        imported = {n.module for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom)}
        assert "bot.core" not in imported, f"{relative} imports the core (use PlatformHost)"
    assert reached == [], "adapters go through bot.platforms.base.PlatformHost"
    assert sorted(used) == [], "add what an adapter needs to PlatformHost, not a side door"
