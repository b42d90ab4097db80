"""Fuzzing the config loader: whatever file a moderator writes, peerbot answers with a list of
problems, each naming the key (or the file) it is about, and never with a traceback.

Documents are drawn from peerbot's own sections and keys (so values reach every check) mixed
with unknown sections and keys, odd key spellings and every TOML value type; they are written as
TOML and read back through load_config. Random text is fed to it as well.

Keys that are empty or contain a line break, and files that are not UTF-8, have their own tests
at the end.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import fields
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import (
    BotSection,
    Config,
    ConfigError,
    DiscordSection,
    LimitsSection,
    MatrixSection,
    load_config,
    parse_config,
)

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SECRETS = {"token", "password", "access_token"}  # never read from the file
SECTIONS = {
    name: [f.name for f in fields(cls) if f.name not in SECRETS]
    for name, cls in {
        "bot": BotSection,
        "limits": LimitsSection,
        "discord": DiscordSection,
        "matrix": MatrixSection,
    }.items()
}
BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
ENV_NAMES = ["DISCORD_TOKEN", "MATRIX_PASSWORD", "MATRIX_TOKEN", ""]

# Strings that reach the value checks: zones, levels, URLs, ids, prefixes, instants, paths.
NASTY_STRINGS = [
    "", " ", "UTC", "Europe/London", "Europe/Londn", "../../etc/passwd", "/etc/localtime",
    "+02:00", "DEBUG", "debug", "LOUD", "!", "!!!!", "! ", "https://matrix.example.org",
    "http://127.0.0.1:8008", "ftp://x", "@peerbot:example.org", "peerbot", "GB", "G1",
    "2026-12-01T08:59:50+00:00", "2026-12-01T08:59:50", "not a date", "x" * 5000, "\x00",
    "\n", "é", "😀", "DISCORD_TOKEN", "MATRIX_PASSWORD", ":example.org",
]  # fmt: skip
NASTY_KEYS = [" ", ".", "a.b", "\t", "\x7f", "bot", "é", "😀", "[x]", '"', "\\", "key=1", "a b"]

scalars = st.one_of(
    st.sampled_from(NASTY_STRINGS),
    st.text(max_size=40),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.times(),
    st.datetimes(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=8), inner, max_size=3),
    ),
    max_leaves=8,
)


def breaks_lines(text: str) -> bool:
    r"""True for text that str.splitlines would split (\n, \r, \x0b, \x1c, \u2028, …)."""
    return len(f"a{text}b".splitlines()) > 1


any_key = st.one_of(st.sampled_from(NASTY_KEYS), st.text(max_size=12))


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A TOML document: known and unknown sections, known and unknown keys, any values."""
    doc: dict[str, Any] = {}
    names = draw(st.lists(st.one_of(st.sampled_from(list(SECTIONS)), any_key), max_size=5))
    for name in names:
        if draw(st.integers(0, 9)) == 0:  # a top-level value where a table belongs
            doc[name] = draw(values)
            continue
        table: dict[str, Any] = {}
        known = SECTIONS.get(name, [])
        for key in draw(st.lists(st.one_of(st.sampled_from(known or ["x"]), any_key), max_size=6)):
            table[key] = draw(values)
        doc[name] = table
    return doc


def toml_string(text: str) -> str:
    """A TOML basic string (JSON escapes are TOML escapes; TOML also refuses a raw DEL)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_key(key: str) -> str:
    """A TOML key, always quoted."""
    return toml_string(key)


def toml_value(value: Any) -> str:
    """A TOML value for any Python value the strategies make."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def to_toml(doc: dict[str, Any]) -> str:
    """Top-level values first (TOML requires it), then one [table] per section."""
    lines = [f"{toml_key(k)} = {toml_value(v)}" for k, v in doc.items() if not isinstance(v, dict)]
    for name, table in doc.items():
        if isinstance(table, dict):
            lines.append(f"[{toml_key(name)}]")
            lines.extend(f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items())
    return "\n".join(lines) + "\n"


def key_paths(doc: dict[str, Any]) -> set[str]:
    """Every key path a problem may name: the document's own keys, and peerbot's known keys;
    each key as typed or quoted the TOML way (either names it)."""
    pairs: list[tuple[str, ...]] = [(name,) for name in doc]
    for name, table in doc.items():
        if isinstance(table, dict):
            pairs.extend((name, key) for key in table)
    pairs.extend((name, key) for name, keys in SECTIONS.items() for key in keys)
    paths = set()
    for parts in pairs:
        paths.add(".".join(parts))
        for quote in (toml_string, json.dumps):  # with or without non-ASCII escaped
            paths.add(".".join(p if BARE_KEY.fullmatch(p) else quote(p) for p in parts))
    return paths


def assert_problems_name_a_key(err: ConfigError, allowed: set[str]) -> None:
    assert err.problems, "a ConfigError must list at least one problem"
    for problem in err.problems:
        assert not breaks_lines(problem), f"a problem spans several lines: {problem!r}"
        assert any(problem.startswith(path + ": ") for path in allowed), (
            f"the problem does not start with a key path: {problem!r}"
        )


env_maps = st.dictionaries(st.sampled_from(ENV_NAMES[:3]), st.sampled_from(["", "s3cret"]))


@FUZZ
@given(doc=documents(), env=env_maps)
def test_any_document_gives_a_config_or_problems_that_name_their_key(doc, env):
    try:
        config = parse_config(doc, env)
    except ConfigError as err:
        assert_problems_name_a_key(err, key_paths(doc))
    else:
        assert isinstance(config, Config)


@FUZZ
@given(doc=documents(), env=env_maps)
def test_any_toml_file_gives_a_config_or_problems_that_name_their_key(tmp_path, doc, env):
    path = tmp_path / "peerbot.toml"
    path.write_text(to_toml(doc), encoding="utf-8")
    try:
        load_config(path, env)
    except ConfigError as err:
        # the document was written from `doc`, so it parses: every problem is about a key
        assert_problems_name_a_key(err, key_paths(doc))


@FUZZ
@given(content=st.one_of(st.text(), st.text("[]=\"'#.\n abc1").map(lambda t: "[bot]\n" + t)))
def test_any_text_file_gives_a_config_or_problems(tmp_path, content):
    path = tmp_path / "peerbot.toml"
    path.write_text(content, encoding="utf-8")
    try:
        load_config(path, {})
    except ConfigError as err:
        # unparsable files are named by their path; parsable ones by their keys
        assert_problems_name_a_key(err, {str(path)} | key_paths(_parsed_or_empty(path)))


def _parsed_or_empty(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return {}


def test_a_missing_file_is_a_config_error_naming_the_file(tmp_path):
    path = tmp_path / "nowhere.toml"
    try:
        load_config(path, {})
    except ConfigError as err:
        assert_problems_name_a_key(err, {str(path)})
    else:
        raise AssertionError("a missing file must be refused")


def test_the_fuzzer_reaches_the_value_checks():
    # the strategies above must be able to produce what the checks look at, or they test little
    doc = {"bot": {"timezone": "Europe/Londn", "tick_seconds": 0}, "limits": {"x": 1}}
    text = to_toml(doc)
    assert '"timezone" = "Europe/Londn"' in text
    try:
        parse_config(doc, {})
    except ConfigError as err:
        assert {p.split(":")[0] for p in err.problems} == {
            "bot.timezone",
            "bot.tick_seconds",
            "limits.x",
        }
    else:
        raise AssertionError("bad values must be refused")


def test_a_file_that_is_not_utf8_is_a_config_error_naming_the_file(tmp_path):
    path = tmp_path / "peerbot.toml"
    path.write_bytes("[bot]\ntimezone = 'Europe/Zürich'\n".encode("latin-1"))
    try:
        load_config(path, {})
    except ConfigError as err:
        assert_problems_name_a_key(err, {str(path)})
    else:
        raise AssertionError("a file that is not UTF-8 must be refused")


@pytest.mark.parametrize("key", ["", "\n", "line\u2028break"])
def test_a_key_that_is_empty_or_breaks_lines_is_named_on_one_line(key):
    doc = {"bot": {key: 1}, key: {}}
    try:
        parse_config(doc, {})
    except ConfigError as err:
        # an empty key shows as "" and a line break as an escape, so every problem still
        # starts with a path a moderator can find in the file
        assert all(not p.startswith(":") and not p.startswith("bot.:") for p in err.problems)
        assert_problems_name_a_key(err, key_paths(doc))
    else:
        raise AssertionError("unknown keys must be refused")
