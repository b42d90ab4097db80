"""peerbot's command specs as Discord application commands, and back.

Pure functions with no discord.py import: the registry's specs become the JSON payload that is
synced (``build_commands``), interaction option trees become an invocation's path and raw
arguments (``route_for`` / ``read_options``), and buttons and forms get compact custom ids.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.i18n import DISCORD_LOCALES, ENGLISH, Translator, _, translator
from bot.spec import (
    ChoiceType,
    CommandSpec,
    FloatType,
    IntType,
    Param,
    Permission,
    StrType,
)

# Application command option types.
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10

KIND_TO_OPTION = {
    "int": INTEGER,
    "float": NUMBER,
    "str": STRING,
    "bool": BOOLEAN,
    "choice": STRING,
    "channel": CHANNEL,
    "member": USER,
    "role": ROLE,
    "date": STRING,
    "time": STRING,
    "timezone": STRING,
    "duration": STRING,
}
# Text kinds whose values are short; the core validates their shape.
SHORT_TEXT = {"date": 10, "time": 5, "timezone": 64, "duration": 32}
AUTOCOMPLETE_KINDS = ("timezone", "region")

MANAGE_GUILD = 1 << 5
# Hidden from members by default; moderators can change visibility per role in the server's
# Integrations settings. The core still checks every call.
RESTRICTED_PERMISSIONS = str(MANAGE_GUILD)
TEXT_CHANNEL_TYPES = [0, 5, 10, 11, 12]  # text, announcement, and threads

MAX_SAFE_INTEGER = 2**53
GROUP = _("{name} commands")  # the description of a group such as /community (names stay English)
NAME_RE = re.compile(r"^[-_a-z0-9]{1,32}$")
CUSTOM_ID_MAX = 100
BUTTON_PREFIX = "pb:"
FORM_PREFIX = "pbf:"
MODAL_INPUTS_MAX = 5


@dataclass
class CommandSet:
    """The synced payload plus how to find each spec again from an interaction."""

    payload: list[dict[str, Any]]
    routes: dict[tuple[str, ...], tuple[str, ...]] = field(
        default_factory=dict
    )  # names → spec path
    problems: list[str] = field(default_factory=list)

    @property
    def digest(self) -> str:
        """sha256 of the canonical payload: re-sync only when it changes."""
        canonical = json.dumps(self.payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def build_commands(specs: Iterable[CommandSpec]) -> CommandSet:
    """Every spec as an application command.

    Names with spaces become subcommands (and subcommand groups for three words). A name that
    is both a command and a group on Discord cannot be both, so its subcommands are flattened
    with ``-`` (``/checkin`` and ``/checkin-history``).
    """
    specs = list(specs)
    result = CommandSet(payload=[])
    tree = _flatten({spec.path: spec for spec in specs})
    for name, node in sorted(tree.items()):
        result.payload.append(_top_level(name, node, result))
    mapped = set(result.routes.values())
    for spec in specs:
        if spec.path not in mapped:
            result.problems.append(f"{spec.name}: no Discord command")
    if len(result.payload) > 100:
        result.problems.append(f"{len(result.payload)} top-level commands; Discord allows 100")
    return result


Node = dict[str, Any]  # {"spec": CommandSpec | None, "children": {name: Node}}


def _flatten(by_path: dict[tuple[str, ...], CommandSpec]) -> dict[str, Node]:
    """A tree of names in which no node is both a command and a group."""
    root: dict[str, Node] = {}
    for path, spec in by_path.items():
        level = root
        for i, part in enumerate(path):
            node = level.setdefault(part, {"spec": None, "children": {}})
            if i == len(path) - 1:
                node["spec"] = spec
            level = node["children"]
    _hoist(root)
    return root


def _hoist(level: dict[str, Node]) -> None:
    for name in list(level):
        node = level[name]
        if node["spec"] is not None and node["children"]:
            for child_name, child in _leaves(node["children"]):
                level[f"{name}-{child_name}"] = {"spec": child, "children": {}}
            node["children"] = {}
    for node in level.values():
        _hoist(node["children"])


def _leaves(children: dict[str, Node], prefix: str = "") -> list[tuple[str, CommandSpec]]:
    found = []
    for name, node in children.items():
        full = f"{prefix}-{name}" if prefix else name
        if node["spec"] is not None:
            found.append((full, node["spec"]))
        found.extend(_leaves(node["children"], full))
    return found


def _top_level(name: str, node: Node, result: CommandSet) -> dict[str, Any]:
    spec: CommandSpec | None = node["spec"]
    specs = [spec] if spec is not None else [s for _, s in _leaves(node["children"])]
    command: dict[str, Any] = {
        "type": 1,
        "name": name,
        "description": _description(spec.description if spec else GROUP.format(name=name)),
        **(_localized(spec.description) if spec else _localized(GROUP, name=name)),
        "contexts": [0],  # in servers only: every command needs a community
        "integration_types": [0],
    }
    lowest = min(s.level for s in specs)
    if lowest >= Permission.FACILITATOR:
        command["default_member_permissions"] = RESTRICTED_PERMISSIONS
    _check_name(name, result)
    if spec is not None:
        command["options"] = _options(spec, result)
        result.routes[(name,)] = spec.path
    else:
        command["options"] = _group_options(node["children"], (name,), result)
    return command


def _group_options(
    children: dict[str, Node], route: tuple[str, ...], result: CommandSet
) -> list[dict[str, Any]]:
    options = []
    for name, child in sorted(children.items()):
        _check_name(name, result)
        if child["spec"] is not None:
            spec: CommandSpec = child["spec"]
            options.append(
                {
                    "type": SUB_COMMAND,
                    "name": name,
                    "description": _description(spec.description),
                    **_localized(spec.description),
                    "options": _options(spec, result),
                }
            )
            result.routes[(*route, name)] = spec.path
        elif len(route) == 1:
            options.append(
                {
                    "type": SUB_COMMAND_GROUP,
                    "name": name,
                    "description": _description(GROUP.format(name=" ".join((*route, name)))),
                    **_localized(GROUP, name=" ".join((*route, name))),
                    "options": _group_options(child["children"], (*route, name), result),
                }
            )
        else:
            result.problems.append(f"{' '.join((*route, name))}: too deep for Discord")
    if len(options) > 25:
        result.problems.append(f"{' '.join(route)}: {len(options)} subcommands; Discord allows 25")
    return options


def _options(spec: CommandSpec, result: CommandSet) -> list[dict[str, Any]]:
    # Discord wants required options first; values are matched by name, so order is free.
    params = sorted(spec.params, key=lambda p: not p.required)
    options = [o for o in (param_option(spec, p, result) for p in params) if o is not None]
    if len(options) > 25:
        result.problems.append(f"{spec.name}: {len(options)} options; Discord allows 25")
    return options


def param_option(spec: CommandSpec, param: Param, result: CommandSet) -> dict[str, Any] | None:
    """One parameter as a command option (None, with a problem noted, when it has no mapping)."""
    kind = param.type.kind
    if kind not in KIND_TO_OPTION:
        result.problems.append(
            f"{spec.name}: option {param.name} has kind {kind!r} with no Discord type"
        )
        return None
    if not NAME_RE.fullmatch(param.name):
        result.problems.append(f"{spec.name}: option name {param.name!r} is not valid on Discord")
    option: dict[str, Any] = {
        "type": KIND_TO_OPTION[kind],
        "name": param.name,
        "description": _description(param.description),
        **_localized(param.description),
        "required": param.required,
    }
    ptype = param.type
    if isinstance(ptype, IntType | FloatType):
        if ptype.min is not None:
            option["min_value"] = max(ptype.min, -MAX_SAFE_INTEGER)
        if ptype.max is not None:
            option["max_value"] = min(ptype.max, MAX_SAFE_INTEGER)
    elif isinstance(ptype, StrType):
        option["max_length"] = min(ptype.max_len, 6000)
        if ptype.min_len > 1:
            option["min_length"] = min(ptype.min_len, 6000)
    elif kind in SHORT_TEXT:
        option["max_length"] = SHORT_TEXT[kind]
    if isinstance(ptype, ChoiceType):
        if len(ptype.choices) <= 25:
            option["choices"] = [{"name": c[:100], "value": c[:100]} for c in ptype.choices]
        else:
            option["autocomplete"] = True
    if kind == "channel":
        option["channel_types"] = TEXT_CHANNEL_TYPES
    if param.autocomplete in AUTOCOMPLETE_KINDS and "choices" not in option:
        option["autocomplete"] = True
    return option


def _description(text: str) -> str:
    text = " ".join(text.split()) or "—"
    return text if len(text) <= 100 else text[:99] + "…"


def _localized(text: str | None, **values: str) -> dict[str, dict[str, str]]:
    """``description_localizations`` for the Discord locales whose catalog translates ``text``
    (filled in with ``values``; names stay English: members type the same command
    everywhere)."""
    if not text:
        return {}
    found = {}
    for code, locales in DISCORD_LOCALES.items():
        said = translator(code).gettext(text)
        if said != text:
            said = said.format(**values) if values else said
            found.update({locale: _description(said) for locale in locales})
    return {"description_localizations": found} if found else {}


def _check_name(name: str, result: CommandSet) -> None:
    if not NAME_RE.fullmatch(name):
        result.problems.append(f"{name!r} is not a valid Discord command name")


# --- interactions back to invocations ----------------------------------------------------------


def route_of(data: dict[str, Any]) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The names an application-command interaction walked, and the leaf's options."""
    route = [data.get("name", "")]
    options = data.get("options") or []
    while len(options) == 1 and options[0].get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
        route.append(options[0]["name"])
        options = options[0].get("options") or []
    return tuple(route), options


def focused_option(options: list[dict[str, Any]]) -> tuple[str, str] | None:
    """(name, typed text) of the option an autocomplete interaction is about."""
    for option in options:
        if option.get("focused"):
            return option["name"], str(option.get("value") or "")
    return None


# --- buttons and forms -------------------------------------------------------------------------


def button_custom_id(
    command: str, args: dict[str, str], form: bool, guild: str | None = None
) -> str | None:
    """``pb:[command, args, form, guild]``; None when it does not fit Discord's 100 characters.
    `guild` is carried by buttons sent in direct messages, where Discord names no server."""
    return _custom_id(BUTTON_PREFIX, command, args, form, guild)


def form_custom_id(command: str, args: dict[str, str], guild: str | None = None) -> str | None:
    """The custom id of a form (modal) that runs `command` with `args` plus what is typed."""
    return _custom_id(FORM_PREFIX, command, args, False, guild)


def _custom_id(
    prefix: str, command: str, args: dict[str, str], form: bool, guild: str | None
) -> str | None:
    body: list[Any] = [command, dict(args)]
    if form or guild:
        body.append(1 if form else 0)
    if guild:
        body.append(guild)
    custom_id = prefix + json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return custom_id if len(custom_id) <= CUSTOM_ID_MAX else None


@dataclass(frozen=True)
class Action:
    """What a pressed button or a submitted form asks for."""

    command: str
    args: dict[str, str]
    form: bool = False
    guild: str | None = None  # the community, for buttons pressed in a direct message


def parse_custom_id(custom_id: str) -> Action | None:
    """Decode a button or form custom id; None for ids peerbot did not make."""
    for prefix in (BUTTON_PREFIX, FORM_PREFIX):
        if custom_id.startswith(prefix):
            try:
                body = json.loads(custom_id[len(prefix) :])
                command, args = body[0], body[1]
                form = len(body) > 2 and bool(body[2])
                guild = str(body[3]) if len(body) > 3 and str(body[3]).isdigit() else None
            except (ValueError, IndexError, KeyError, TypeError):
                return None
            if not isinstance(command, str) or not isinstance(args, dict):
                return None
            return Action(command, {str(k): str(v) for k, v in args.items()}, form, guild)
    return None


def form_params(spec: CommandSpec, given: dict[str, str]) -> list[Param]:
    """The parameters a form asks for: those not preset, required first, at most five."""
    free = [p for p in spec.params if p.name not in given]
    free.sort(key=lambda p: not p.required)
    return free[:MODAL_INPUTS_MAX]


def form_placeholder(param: Param, tr: Translator = ENGLISH) -> str:
    """A hint inside a form field, in the reader's language."""
    text = param.type.describe_in(tr)
    if not param.required:
        text = tr("{hint} (optional)", hint=text)
    return text[:100]
