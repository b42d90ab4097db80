"""Command specs → Discord application commands: every command mapped, within Discord's limits."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.app import build_bot
from bot.config import Config
from bot.message import Message
from bot.platforms.discord.commands import (
    build_commands,
    button_custom_id,
    parse_custom_id,
    route_of,
)
from bot.platforms.discord.render import escape, render, split_text
from bot.platforms.discord.suggest import zone_suggestions
from bot.spec import CommandSpec, Param, ParamType, Permission, StrType
from tests.discord_e2e.probe_cog import Probe

NAME = re.compile(r"^[-_a-z0-9]{1,32}$")


@pytest.fixture
async def specs(tmp_path) -> list[CommandSpec]:
    """Every command of every cog that has landed, plus the probe cog."""
    bot = await build_bot(Config(), database=str(tmp_path / "specs.db"))
    await bot.add_cog(Probe(bot))
    try:
        yield bot.registry.all()
    finally:
        await bot.db.close()


def _walk(options: list[dict[str, Any]], where: str, problems: list[str]) -> None:
    seen_optional = False
    if len(options) > 25:
        problems.append(f"{where}: more than 25 options")
    for option in options:
        name = f"{where} {option['name']}"
        if not NAME.fullmatch(option["name"]):
            problems.append(f"{name}: bad name")
        if not 1 <= len(option["description"]) <= 100:
            problems.append(f"{name}: description length {len(option['description'])}")
        if option["type"] in (1, 2):
            _walk(option.get("options", []), name, problems)
            continue
        if option.get("required"):
            if seen_optional:
                problems.append(f"{name}: required after optional")
        else:
            seen_optional = True
        if len(option.get("choices", [])) > 25:
            problems.append(f"{name}: more than 25 choices")
        if option.get("choices") and option.get("autocomplete"):
            problems.append(f"{name}: choices and autocomplete together")


async def test_every_command_of_every_cog_has_a_discord_command(specs):
    commands = build_commands(specs)
    assert commands.problems == []
    mapped = set(commands.routes.values())
    missing = [s.name for s in specs if s.path not in mapped]
    assert missing == [], f"commands with no Discord mapping: {missing}"


async def test_the_synced_payload_is_within_discords_limits(specs):
    payload = build_commands(specs).payload
    problems: list[str] = []
    assert len(payload) <= 100
    names = [c["name"] for c in payload]
    assert len(names) == len(set(names))
    for command in payload:
        if not NAME.fullmatch(command["name"]):
            problems.append(f"{command['name']}: bad name")
        if not 1 <= len(command["description"]) <= 100:
            problems.append(f"{command['name']}: description too long")
        _walk(command["options"], "/" + command["name"], problems)
    assert problems == []


def test_a_spec_whose_type_has_no_discord_mapping_is_reported():
    class Colour(ParamType):
        kind = "colour"

    async def handler(ctx, shade):  # pragma: no cover - never run
        return None

    spec = CommandSpec(
        ("paint",),
        "Paint",
        [Param("shade", Colour(), "A colour", True)],
        True,
        Permission.MEMBER,
        handler,
    )
    commands = build_commands([spec])
    assert any("shade" in p and "colour" in p for p in commands.problems)


async def test_a_command_that_is_also_a_group_is_flattened_with_a_dash(specs):
    commands = build_commands(specs)
    by_name = {c["name"]: c for c in commands.payload}
    assert commands.routes[("probe", "echo")] == ("probe", "echo")
    assert "mydata" in by_name
    subcommands = {o["name"] for o in by_name["mydata"]["options"]}
    assert subcommands == {"export", "delete"}
    assert commands.routes[("mydata", "delete")] == ("mydata", "delete")
    if ("checkin", "history") in {s.path for s in specs}:
        assert commands.routes[("checkin-history",)] == ("checkin", "history")
        assert "checkin-history" in by_name and "checkin" in by_name


async def test_options_carry_types_ranges_lengths_choices_and_autocomplete(specs):
    by_name = {c["name"]: c for c in build_commands(specs).payload}
    probe = {o["name"]: o for o in by_name["probe"]["options"]}
    note = {o["name"]: o for o in probe["note"]["options"]}
    assert note["stars"] == {
        "type": 4, "name": "stars", "description": "How much it matters", "required": False,
        "min_value": 1, "max_value": 5,
    }  # fmt: skip
    assert (
        note["text"]["type"] == 3 and note["text"]["max_length"] == 500 and note["text"]["required"]
    )
    where = {o["name"]: o for o in probe["where"]["options"]}
    assert (where["channel"]["type"], where["who"]["type"], where["role"]["type"]) == (7, 6, 8)
    assert 0 in where["channel"]["channel_types"]
    zone = probe["zone"]["options"][0]
    assert zone["type"] == 3 and zone["autocomplete"] is True
    export = {o["name"]: o for o in by_name["mydata"]["options"]}["export"]["options"][0]
    assert [c["value"] for c in export["choices"]] == ["here", "everywhere"]


async def test_moderator_and_facilitator_commands_are_hidden_from_members_by_default(specs):
    by_name = {c["name"]: c for c in build_commands(specs).payload}
    assert by_name["help"].get("default_member_permissions") is None
    # "probe" mixes member and moderator subcommands: members must still see it
    assert by_name["probe"].get("default_member_permissions") is None
    restricted = [s for s in specs if s.level >= Permission.FACILITATOR and len(s.path) == 1]
    for spec in restricted:
        assert by_name[spec.name]["default_member_permissions"] == "32"
    if any(s.path == ("community", "channel") for s in specs):
        assert by_name["community"]["default_member_permissions"] == "32"


async def test_the_hash_changes_only_when_the_command_set_changes(specs):
    first, again = build_commands(specs), build_commands(list(reversed(specs)))
    assert first.digest == again.digest
    changed = [s for s in specs]
    changed[0] = CommandSpec(
        changed[0].path, changed[0].description + " (new)", changed[0].params, changed[0].private,
        changed[0].level, changed[0].handler,
    )  # fmt: skip
    assert build_commands(changed).digest != first.digest


def test_route_of_walks_groups_and_subcommands():
    data = {
        "name": "probe",
        "options": [
            {"name": "note", "type": 1, "options": [{"name": "topic", "type": 3, "value": "x"}]}
        ],
    }
    route, options = route_of(data)
    assert route == ("probe", "note")
    assert options == [{"name": "topic", "type": 3, "value": "x"}]


@pytest.mark.parametrize(
    "custom_id",
    [
        "",
        "pb:",
        "pb:not json",
        "pb:{}",
        "pb:[1,2]",
        'pb:["x"]',
        "pbf:[null,{}]",
        "other:thing",
        "pb:" + "[" * 90,
    ],
)
def test_custom_ids_peerbot_did_not_make_are_ignored(custom_id):
    assert parse_custom_id(custom_id) is None


def test_button_custom_ids_round_trip_and_refuse_what_does_not_fit():
    custom_id = button_custom_id("crisis notify", {"why": "😟 worried"}, True)
    assert custom_id is not None and len(custom_id) <= 100
    action = parse_custom_id(custom_id)
    assert (action.command, action.args, action.form) == (
        "crisis notify",
        {"why": "😟 worried"},
        True,
    )
    assert button_custom_id("checkin", {"note": "x" * 100}, False) is None


@pytest.mark.parametrize(
    ("typed", "escaped"),
    [
        ("@everyone hi", "@\u200beveryone hi"),
        ("<@123456789012345678>", "\\<@\u200b123456789012345678>"),
        ("**bold**", "\\*\\*bold\\*\\*"),
        ("[click](https://example.org)", "\\[click]"),
        ("# Heading", "\\# Heading"),
        ("-# small print", "\\-# small print"),
        ("<script>alert(1)</script>", "\\<script>"),
        ("'; DROP TABLE checkins; --", "'; DROP TABLE checkins; --"),
    ],
)
def test_member_text_is_shown_as_typed_never_as_markup(typed, escaped):
    shown = render(Message("{t}", {"t": typed}))[0].content
    assert shown.startswith(escaped)
    # removing the escapes gives back exactly what the member typed
    assert re.sub(r"\\(.)", r"\1", shown.replace("\u200b", "")) == typed
    assert escape("plain words") == "plain words"


def test_long_text_is_split_into_discord_sized_parts_without_losing_anything():
    text = "\n".join(f"line {i} " + "y" * 150 for i in range(40)) + "\n" + "z" * 4500
    parts = split_text(text)
    assert all(0 < len(p) <= 2000 for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
    assert split_text("") == ["\u200b"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Europe/Lon", "Europe/London"), ("new york", "America/New_York"), ("", "UTC")],
)
def test_timezone_suggestions(typed, expected):
    found = zone_suggestions(typed)
    assert expected in found and len(found) <= 25


@pytest.mark.parametrize("typed", ["x" * 10_000, "'; DROP TABLE x; --", "+05:00", "🙂"])
def test_timezone_suggestions_never_fail_on_odd_input(typed):
    assert len(zone_suggestions(typed)) <= 25


def test_str_params_keep_their_limit_on_discord():
    spec = CommandSpec(
        ("say",),
        "Say",
        [Param("text", StrType(10_000), "Text", True)],
        True,
        Permission.MEMBER,
        None,
    )
    option = build_commands([spec]).payload[0]["options"][0]
    assert option["max_length"] == 6000
