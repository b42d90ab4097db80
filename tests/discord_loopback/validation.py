"""What Discord's own client checks before an interaction ever reaches a bot.

discord.py only declares ranges, lengths and choices in the synced schema; Discord's client
enforces them. These helpers turn a test's ``{"mood": 4}`` into interaction options typed from
the synced schema, and reject what a real member could not send (``ValueError``).
"""

from __future__ import annotations

import re
from typing import Any

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)
SNOWFLAKE_TYPES = (USER, CHANNEL, ROLE, MENTIONABLE, ATTACHMENT)
MAX_SAFE_INTEGER = 2**53
MAX_STRING_LENGTH = 6000


def find_path(schema: dict[str, Any], path: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Walk subcommand group/subcommand names; return the leaf's option schemas and the path.

    Raises ValueError for an unknown subcommand, or when a command with subcommands is
    invoked without choosing one (Discord's client does not allow that).
    """
    options = schema.get("options") or []
    walked: list[str] = []
    for part in path:
        sub = next(
            (
                o
                for o in options
                if o["name"] == part and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
            ),
            None,
        )
        if sub is None:
            raise ValueError(f"/{schema['name']} has no subcommand {' '.join([*walked, part])!r}")
        walked.append(part)
        options = sub.get("options") or []
    if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in options):
        raise ValueError(f"/{schema['name']} {' '.join(walked)} needs a subcommand".rstrip())
    return options, walked


def infer_type(value: Any) -> int:
    """Option type for a value sent without a schema (only with validation turned off)."""
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return NUMBER
    return STRING


def snowflake_of(value: Any) -> str:
    """Accept an int, a numeric string or anything with an ``id`` (FakeUser, FakeChannel…)."""
    return str(getattr(value, "id", value))


def build_leaf_options(
    values: dict[str, Any], schemas: list[dict[str, Any]], *, validate: bool
) -> list[dict[str, Any]]:
    """Turn ``{name: value}`` into typed interaction options, in schema order."""
    by_name = {o["name"]: o for o in schemas}
    built = []
    for name, value in values.items():
        schema = by_name.get(name)
        if schema is None:
            if validate:
                raise ValueError(f"unknown option {name!r}; the command has {sorted(by_name)}")
            built.append({"name": name, "type": infer_type(value), "value": value})
            continue
        if schema["type"] in SNOWFLAKE_TYPES and value is not None:
            value = snowflake_of(value)
        built.append({"name": name, "type": schema["type"], "value": value})
    order = {name: i for i, name in enumerate(by_name)}
    built.sort(key=lambda o: order.get(o["name"], len(order)))
    return built


def nest(
    path: list[str], leaf: list[dict[str, Any]], schema: dict[str, Any]
) -> list[dict[str, Any]]:
    """Wrap leaf options in the subcommand (group) options named by ``path``."""
    types: list[int] = []
    options = schema.get("options") or []
    for part in path:
        sub = next(o for o in options if o["name"] == part)
        types.append(sub["type"])
        options = sub.get("options") or []
    nested = leaf
    for part, kind in zip(reversed(path), reversed(types), strict=True):
        nested = [{"name": part, "type": kind, "options": nested}]
    return nested


def validate_options(
    options: list[dict[str, Any]], schemas: list[dict[str, Any]], where: str
) -> None:
    """Check options (possibly nested) against the synced schema, as Discord's client does."""
    by_name = {o["name"]: o for o in schemas}
    seen = set()
    for option in options:
        schema = by_name.get(option["name"])
        if schema is None:
            raise ValueError(f"{where}: unknown option {option['name']!r}")
        if option.get("type", schema["type"]) != schema["type"]:
            raise ValueError(f"{where}: option {option['name']!r} has the wrong type")
        seen.add(option["name"])
        if schema["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP):
            if len(options) != 1:
                raise ValueError(f"{where}: choose exactly one subcommand")
            inner = schema.get("options") or []
            validate_options(option.get("options") or [], inner, f"{where} {option['name']}")
            return
        check_value(schema, option.get("value"), where)
    for name, schema in by_name.items():
        if schema.get("required") and name not in seen:
            raise ValueError(f"{where}: option {name!r} is required")
        if schema["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) and not options:
            raise ValueError(f"{where}: choose a subcommand")


def check_value(schema: dict[str, Any], value: Any, where: str) -> None:
    """Reject a single option value that Discord's client would not let a member send."""
    name, kind = schema["name"], schema["type"]
    label = f"{where}: {name}={value!r}"
    if kind == INTEGER:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{label} is not a whole number")
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError(f"{label} is out of Discord's integer range")
    elif kind == NUMBER:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ValueError(f"{label} is not a number")
    elif kind == STRING:
        if not isinstance(value, str):
            raise ValueError(f"{label} is not text")
        if not value.strip():
            raise ValueError(f"{label} is empty")
        if len(value) < schema.get("min_length", 0):
            raise ValueError(f"{label} is shorter than {schema['min_length']}")
        if len(value) > schema.get("max_length", MAX_STRING_LENGTH):
            raise ValueError(
                f"{label} is longer than {schema.get('max_length', MAX_STRING_LENGTH)}"
            )
    elif kind == BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError(f"{label} is not true/false")
    elif kind in SNOWFLAKE_TYPES:
        if not re.fullmatch(r"\d{1,20}", str(value)):
            raise ValueError(f"{label} is not an id")
    if kind in (INTEGER, NUMBER):
        if "min_value" in schema and value < schema["min_value"]:
            raise ValueError(f"{label} is below the minimum {schema['min_value']}")
        if "max_value" in schema and value > schema["max_value"]:
            raise ValueError(f"{label} is above the maximum {schema['max_value']}")
    choices = schema.get("choices")
    if choices and not schema.get("autocomplete"):
        allowed = [c["value"] for c in choices]
        if value not in allowed:
            raise ValueError(f"{label} is not one of the choices {allowed}")


def text_inputs(components: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Inputs of a modal by custom_id (text inputs, and string selects, which Discord allows
    only inside a label), whether in action rows (type 1) or labels (18)."""
    found: dict[str, dict[str, Any]] = {}
    for component in components:
        if component.get("type") == 1:
            found.update(text_inputs(component.get("components") or []))
        elif component.get("type") == 18:
            found.update(text_inputs([component["component"]]))
        elif component.get("type") == 4:
            found[component["custom_id"]] = component
        elif component.get("type") == 3:
            found[component["custom_id"]] = component
    return found


def ticked(value: str | list[str]) -> list[str]:
    """What a member ticks in a string select, given as a list or as words and commas."""
    words = value if isinstance(value, list) else value.replace(",", " ").split()
    return [w for w in words if w]


def validate_select(custom_id: str, spec: dict[str, Any], value: str | list[str]) -> None:
    """Reject a selection a member could not make: unknown options, too few or too many."""
    chosen = ticked(value)
    options = [o["value"] for o in spec.get("options") or []]
    if not 1 <= len(options) <= 25:
        raise ValueError(f"select {custom_id!r} needs 1 to 25 options, has {len(options)}")
    unknown = [w for w in chosen if w not in options]
    if unknown:
        raise ValueError(f"select {custom_id!r} has no option {unknown[0]!r}")
    low, high = spec.get("min_values", 1), spec.get("max_values", 1)
    if chosen and not low <= len(chosen) <= high:
        raise ValueError(f"select {custom_id!r} takes {low} to {high} options, got {chosen}")


def validate_modal(modal: dict[str, Any], values: dict[str, str]) -> None:
    """Reject modal values a member could not submit (unknown field, required, lengths)."""
    inputs = text_inputs(modal.get("components") or [])
    for component in modal.get("components") or []:
        if component.get("type") == 1 and any(
            c.get("type") == 3 for c in component.get("components") or []
        ):
            raise ValueError("a select in a modal must be inside a label (type 18)")
    for custom_id, value in values.items():
        spec = inputs.get(custom_id)
        if spec is None:
            raise ValueError(f"modal {modal['custom_id']!r} has no field {custom_id!r}")
        if spec.get("type") == 3:
            validate_select(custom_id, spec, value)
            continue
        if value and len(value) < spec.get("min_length", 0):
            raise ValueError(f"field {custom_id!r} is shorter than {spec['min_length']}")
        if len(value) > spec.get("max_length", 4000):
            raise ValueError(f"field {custom_id!r} is longer than {spec.get('max_length', 4000)}")
    for custom_id, spec in inputs.items():
        if spec.get("required", True) and not values.get(custom_id):
            raise ValueError(f"field {custom_id!r} is required")


def modal_submission(modal: dict[str, Any] | None, values: dict[str, str]) -> list[dict[str, Any]]:
    """The ``components`` of a MODAL_SUBMIT, mirroring the layout the bot sent."""
    if modal is None:
        return [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
            for k, v in values.items()
        ]
    submitted = []
    for component in modal.get("components") or []:
        inner = text_inputs([component])
        if not inner:
            continue
        custom_id = next(iter(inner))
        field = {"type": 4, "custom_id": custom_id, "value": values.get(custom_id, "")}
        if inner[custom_id].get("type") == 3:
            field = {"type": 3, "custom_id": custom_id, "values": ticked(values.get(custom_id, ""))}
        if component.get("type") == 18:
            submitted.append({"type": 18, "component": field})
        else:
            submitted.append({"type": 1, "components": [field]})
    return submitted


def pings(content: str, allowed_mentions: dict[str, Any] | None) -> dict[str, Any]:
    """Who a message would notify, applying ``allowed_mentions`` like Discord does.

    Returns ``{"users": set[int], "roles": set[int], "everyone": bool}``.
    """
    users = {int(u) for u in re.findall(r"<@!?(\d+)>", content)}
    roles = {int(r) for r in re.findall(r"<@&(\d+)>", content)}
    everyone = bool(re.search(r"@(everyone|here)", content))
    if allowed_mentions is None:
        return {"users": users, "roles": roles, "everyone": everyone}
    parse = allowed_mentions.get("parse") or []
    allowed_users = {int(u) for u in allowed_mentions.get("users") or []}
    allowed_roles = {int(r) for r in allowed_mentions.get("roles") or []}
    return {
        "users": users if "users" in parse else users & allowed_users,
        "roles": roles if "roles" in parse else roles & allowed_roles,
        "everyone": everyone and "everyone" in parse,
    }
