"""No code path posts crisis content to a public channel.

Structurally: the crisis package's code is read and every call that could reach a public channel
is listed; the only one allowed is ``ctx.alert`` (the moderators' alerts channel), every command
is private, and no listener replies. Behaviourally: a session that uses every crisis command
and every kind of message shows crisis output only as ``(private) NAME`` or ``#alerts``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cogs.crisis

PACKAGE = Path(cogs.crisis.__file__).parent
SOURCES = sorted(PACKAGE.glob("*.py"))
PUBLIC_CALLS = {"post", "post_to", "emit", "emit_message"}  # Context/Platform public senders


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _attr(call: ast.Call) -> str | None:
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def test_the_package_is_scanned():
    names = {p.name for p in SOURCES}
    assert {"__init__.py", "watch.py", "concern.py", "safetyplan.py", "localres.py"} <= names


def _receiver(call: ast.Call) -> str | None:
    """The last name of what a method is called on: 'bot' for self.bot.emit(...)."""
    if isinstance(call.func, ast.Attribute):
        target = call.func.value
        if isinstance(target, ast.Attribute):
            return target.attr
        if isinstance(target, ast.Name):
            return target.id
    return None


def public_calls(source: str, filename: str = "<snippet>") -> list[str]:
    """Calls in ``source`` that could reach a public channel other than through ctx.alert."""
    found = []
    for call in _calls(ast.parse(source)):
        name = _attr(call)
        if name == "emit" and _receiver(call) == "bot":
            continue  # bot.emit is the features' event bus, not a message to a channel
        if name in PUBLIC_CALLS:
            found.append(f"{filename}:{call.lineno} .{name}()")
        if name == "reply":
            for kw in call.keywords:
                if kw.arg == "private" and not (
                    isinstance(kw.value, ast.Constant) and kw.value.value is True
                ):
                    found.append(f"{filename}:{call.lineno} reply(private=...)")
        if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Attribute):
            if call.func.value.attr == "platform":  # ctx.platform.anything(): bypasses Context
                found.append(f"{filename}:{call.lineno} .platform.{name}()")
    return found


@pytest.mark.parametrize(
    "snippet",
    [
        "await ctx.post('checkins', 'x')",
        "await ctx.post_to(channel, 'x')",
        "await ctx.reply('x', private=False)",
        "await ctx.reply('x', private=flag)",
        "await ctx.platform.send_private(c, u, m)",
        "await platform.emit(channel, 'x')",
    ],
)
def test_the_scan_catches_public_posts(snippet):
    assert public_calls(snippet)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_public_posting_call(path):
    found = public_calls(path.read_text(encoding="utf-8"), path.name)
    assert found == [], "crisis code must reach public channels only through ctx.alert"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_every_command_is_private_and_listeners_never_reply(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.AsyncFunctionDef):
            continue
        for deco in fn.decorator_list:
            if not isinstance(deco, ast.Call) or not isinstance(deco.func, ast.Name):
                continue
            if deco.func.id == "command":
                private = {kw.arg: kw.value for kw in deco.keywords}.get("private")
                assert isinstance(private, ast.Constant) and private.value is True, fn.name
            if deco.func.id == "listener":
                assert not any(_attr(c) == "reply" for c in _calls(fn)), fn.name


def test_the_alert_is_the_only_channel_post_used(tmp_path):
    used = {
        _attr(c)
        for p in SOURCES
        for c in _calls(ast.parse(p.read_text(encoding="utf-8")))
        if not (_attr(c) == "emit" and _receiver(c) == "bot")  # the event bus
    }
    assert "alert" in used and not used & PUBLIC_CALLS


async def test_registered_crisis_commands_are_private(community):
    specs = [s for s in community.bot.registry.all() if s.cog is community.bot.cogs["crisis"]]
    assert len(specs) >= 12 and all(s.private for s in specs)


SESSION = [
    ":role alice moderator",
    "/community channel purpose:alerts channel:#alerts",
    '/crisis resource add name:"Peer line" contact:"call 555 0100"',
    "/crisis resource list",
    ":as bob",
    ":as carol",
    ":channel general",
    "i'm going to kill myself tonight",
    "i took too many pills",
    "i feel so hopeless",
    "this craving is killing me lol",
    "kys",
    "/crisis",
    "/crisis region:USA",
    "/crisis XX",
    "/crisis region set:GB",
    "/crisis auto off",
    "i want to die",
    "/crisis notify",
    '/crisis concern member:@bob note:"@everyone **look**"',
    "/crisis concern member:@carol",
    '/safetyplan edit section:reasons text:"my kids"',
    "/safetyplan",
    "/safetyplan clear confirm:yes",
    ":channel checkins",
    "i want to kill myself",
    ":clock +2h",
    ":as alice",
    "/crisis concerns",
    "/crisis resource remove id:1",
    "/mydata export",
]


async def test_a_whole_session_shows_crisis_output_only_privately_or_in_alerts(community):
    out = await community.say(*SESSION)
    bot_lines = [line for line in out if not line.startswith(("*", "    "))]
    assert bot_lines, "the session produced output"
    assert any(line.startswith("#alerts:") for line in bot_lines)
    public = [line for line in bot_lines if not line.startswith(("(private) ", "#alerts:"))]
    assert public == []
    alert_text = "\n".join(line for line in out if line.startswith("#alerts:"))
    for said in ("kill", "pills", "hopeless", "die", "tonight"):
        assert said not in alert_text  # alerts never quote members' messages


def test_the_event_bus_is_not_a_public_post():
    assert public_calls("await self.bot.emit('duty_started', ctx, user, now)") == []
