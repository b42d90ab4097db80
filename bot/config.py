"""Configuration: TOML → typed, validated objects. Every error names the key path and what was
expected. Secrets come only from environment variables named in the file."""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """The configuration is not usable; `problems` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class BotSection:
    """[bot]: settings every platform shares."""

    database: str = "peerbot.db"  # a SQLite file, or a postgresql://user@host/name URL
    database_password_env: str = ""  # PostgreSQL: the environment variable holding the password
    database_password: str = field(default="", repr=False)
    timezone: str = "UTC"
    command_prefix: str = "!"
    log_level: str = "INFO"
    region: str = ""
    prompt_grace_minutes: int = 60
    note_retention_days: int = 0  # 0 keeps check-in notes until the member deletes them
    tick_seconds: int = 60  # how often due work is looked for (tests use 1)
    clock_start: str = (
        ""  # tests only: start the clock at this ISO instant (it then runs in real time)
    )


@dataclass
class LimitsSection:
    """[limits]: abuse protection."""

    commands_per_minute: int = 20
    concern_reports_per_day: int = 3
    partner_sos_per_day: int = 3
    prompt_posts_per_hour: int = 12


@dataclass
class DiscordSection:
    """[discord]: present means enabled."""

    token_env: str = "DISCORD_TOKEN"
    dev_guild_id: int = 0
    message_content: bool = True  # the privileged intent the crisis listener needs
    # Sharding (big bots): this process serves shards shard_ids of shard_count (0: Discord decides,
    # one process serves every shard). See docs/scaling.md.
    shard_count: int = 0
    shard_ids: list[int] = field(default_factory=list)
    api_base: str = ""  # tests only: a loopback Discord API
    gateway_url: str = ""  # tests only
    token: str = field(default="", repr=False)


@dataclass
class MatrixSection:
    """[matrix]: present means enabled."""

    homeserver: str = ""
    user_id: str = ""
    password_env: str = ""
    access_token_env: str = ""
    device_name: str = "peerbot"
    store_path: str = "matrix-store"
    moderator_power: int = 50
    facilitator_power: int = 25
    allowed_inviters: list[str] = field(default_factory=list)  # user ids or ":server" suffixes
    # Operator-approved communities: space (or main room) id → the ids of its other rooms.
    communities: dict[str, list[str]] = field(default_factory=dict)
    password: str = field(default="", repr=False)
    access_token: str = field(default="", repr=False)


@dataclass
class VentSection:
    """[vent]: anonymous posts (cogs/vent)."""

    keep_days: int = 30  # who wrote a post is forgotten after this, even if the post stays
    posts_per_day: int = 5  # anonymous posts and replies per member per day
    relays_per_day: int = 10  # private messages per post per day through "reach out privately"


@dataclass
class Config:
    """The whole configuration."""

    bot: BotSection = field(default_factory=BotSection)
    limits: LimitsSection = field(default_factory=LimitsSection)
    vent: VentSection = field(default_factory=VentSection)
    discord: DiscordSection | None = None
    matrix: MatrixSection | None = None
    source: str = "<defaults>"


_SECTIONS: dict[str, type] = {
    "bot": BotSection,
    "limits": LimitsSection,
    "vent": VentSection,
    "discord": DiscordSection,
    "matrix": MatrixSection,
}
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SECRET_FIELDS = {"token", "password", "access_token", "database_password"}
_LOG_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


def load_config(
    path: str | Path, env: dict[str, str] | None = None, *, secrets: bool = True
) -> Config:
    """Read and validate a config file; raises :class:`ConfigError` listing every problem.
    ``secrets=False`` for tools that never connect (db backup): platform secrets may be unset."""
    env = dict(os.environ) if env is None else env
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError([f"{path}: cannot read the file ({err.strerror})"]) from None
    except UnicodeDecodeError as err:
        raise ConfigError(
            [f"{path}: not UTF-8 text (byte {err.start}); save it as UTF-8"]
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError([f"{path}: not valid TOML ({err})"]) from None
    return parse_config(data, env, source=str(path), secrets=secrets)


def _key(name: str) -> str:
    """A key as a problem line shows it: bare when TOML allows, else quoted and escaped."""
    return name if _BARE_KEY.fullmatch(name) else json.dumps(name)


def parse_config(
    data: dict[str, Any], env: dict[str, str], source: str = "<memory>", *, secrets: bool = True
) -> Config:
    """Validate a parsed TOML document."""
    problems: list[str] = []
    config = Config(source=source)
    for key in data:
        if key not in _SECTIONS:
            problems.append(
                f"{_key(key)}: unknown section (expected one of: {', '.join(_SECTIONS)})"
            )
    for name, cls in _SECTIONS.items():
        if name not in data:
            continue
        raw = data[name]
        if not isinstance(raw, dict):
            problems.append(f"{name}: expected a table [{name}]")
            continue
        section = cls()
        known = {f.name: f for f in fields(cls) if f.name not in _SECRET_FIELDS}
        for key, value in raw.items():
            if key not in known:
                problems.append(
                    f"{name}.{_key(key)}: unknown key (expected one of: {', '.join(known)})"
                )
                continue
            expected = type(getattr(section, key))
            if expected is bool and not isinstance(value, bool):
                problems.append(f"{name}.{key}: expected true or false, got {value!r}")
            elif expected is int and (not isinstance(value, int) or isinstance(value, bool)):
                problems.append(f"{name}.{key}: expected a whole number, got {value!r}")
            elif expected is str and not isinstance(value, str):
                problems.append(f"{name}.{key}: expected a string, got {value!r}")
            elif key == "shard_ids" and not (
                isinstance(value, list)
                and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            ):
                problems.append(f"{name}.{key}: expected a list of whole numbers, got {value!r}")
            elif (
                key != "shard_ids"
                and expected is list
                and not (isinstance(value, list) and all(isinstance(v, str) for v in value))
            ):
                problems.append(f"{name}.{key}: expected a list of strings, got {value!r}")
            elif expected is dict and not (
                isinstance(value, dict)
                and all(
                    isinstance(v, list) and all(isinstance(r, str) for r in v)
                    for v in value.values()
                )
            ):
                problems.append(
                    f"{name}.{key}: expected a table of lists of strings, got {value!r}"
                )
            else:
                setattr(section, key, value)
        setattr(config, name, section)
    _check_values(config, env, problems, secrets)
    if problems:
        raise ConfigError(problems)
    return config


def _check_values(
    config: Config, env: dict[str, str], problems: list[str], secrets: bool = True
) -> None:
    from bot.timeutil import UnknownTimezone, zone

    bot = config.bot
    try:
        zone(bot.timezone)
    except UnknownTimezone as err:
        hint = f" (did you mean {err.suggestions[0]}?)" if err.suggestions else ""
        problems.append(f"bot.timezone: expected an IANA timezone name like Europe/London{hint}")
    if bot.log_level.upper() not in _LOG_LEVELS:
        problems.append(f"bot.log_level: expected one of {', '.join(sorted(_LOG_LEVELS))}")
    if not bot.command_prefix or len(bot.command_prefix) > 3 or " " in bot.command_prefix:
        problems.append("bot.command_prefix: expected 1 to 3 characters without spaces, like !")
    if not 1 <= bot.tick_seconds <= 60:
        problems.append("bot.tick_seconds: expected 1 to 60")
    if bot.clock_start:
        try:
            from datetime import datetime

            if datetime.fromisoformat(bot.clock_start).tzinfo is None:
                raise ValueError
        except ValueError:
            problems.append(
                "bot.clock_start: expected an ISO instant with offset, like 2026-12-01T08:59:50+00:00"
            )
    _check_database(bot, env, problems, secrets)
    if bot.region and not (len(bot.region) == 2 and bot.region.isalpha()):
        problems.append("bot.region: expected a two-letter country code like US or GB")
    for key in ("prompt_grace_minutes", "note_retention_days"):
        if getattr(bot, key) < 0:
            problems.append(f"bot.{key}: expected 0 or more")
    for key in (
        "commands_per_minute",
        "concern_reports_per_day",
        "partner_sos_per_day",
        "prompt_posts_per_hour",
    ):
        if getattr(config.limits, key) < 1:
            problems.append(f"limits.{key}: expected 1 or more")
    for key in ("keep_days", "posts_per_day", "relays_per_day"):
        if getattr(config.vent, key) < 1:
            problems.append(f"vent.{key}: expected 1 or more")
    if config.discord is not None:
        d = config.discord
        d.token = _secret("discord.token_env", d.token_env, env, problems, required=secrets)
        for key in ("api_base", "gateway_url"):
            value = getattr(d, key)
            if value and not value.startswith(("http://", "https://", "ws://", "wss://")):
                problems.append(f"discord.{key}: expected a URL")
        _check_shards(d, problems)
    if config.matrix is not None:
        m = config.matrix
        if not m.homeserver.startswith(("https://", "http://")):
            problems.append("matrix.homeserver: expected a URL starting with https:// or http://")
        if not (m.user_id.startswith("@") and ":" in m.user_id):
            problems.append("matrix.user_id: expected a Matrix user id like @peerbot:example.org")
        if not m.password_env and not m.access_token_env:
            problems.append(
                "matrix.password_env: expected the name of an environment variable "
                "(or set matrix.access_token_env)"
            )
        if m.password_env:
            m.password = _secret(
                "matrix.password_env",
                m.password_env,
                env,
                problems,
                required=secrets and not m.access_token_env,
            )
        if m.access_token_env:
            m.access_token = _secret(
                "matrix.access_token_env",
                m.access_token_env,
                env,
                problems,
                required=secrets and not m.password,
            )
        if not m.store_path:
            problems.append(
                "matrix.store_path: expected a directory path (it keeps encryption keys)"
            )
        for key in ("moderator_power", "facilitator_power"):
            if not 0 <= getattr(m, key) <= 100:
                problems.append(f"matrix.{key}: expected a power level from 0 to 100")
        _check_communities(m.communities, problems)


def _check_shards(d: DiscordSection, problems: list[str]) -> None:
    """discord.shard_count / shard_ids: each process serves a block of the shards."""
    if d.shard_count < 0:
        problems.append("discord.shard_count: expected 0 (no sharding) or a number of shards")
    if d.shard_ids and not d.shard_count:
        problems.append(
            "discord.shard_ids: needs discord.shard_count (the total number of shards of the bot)"
        )
    if d.shard_count > 0:
        wrong = [i for i in d.shard_ids if not 0 <= i < d.shard_count]
        if wrong:
            problems.append(
                f"discord.shard_ids: {wrong} are not shards of {d.shard_count} "
                f"(expected numbers from 0 to {d.shard_count - 1})"
            )
        if len(set(d.shard_ids)) != len(d.shard_ids):
            problems.append("discord.shard_ids: a shard is listed twice")


def _is_room_id(text: str) -> bool:
    return text.startswith("!") and ":" in text and " " not in text


def _check_communities(communities: dict[str, list[str]], problems: list[str]) -> None:
    """matrix.communities: room ids only (``!id:server``), each room in one community."""
    owner: dict[str, str] = {}
    for community, rooms in communities.items():
        where = f"matrix.communities.{_key(community)}"
        if not _is_room_id(community):
            problems.append(f"{where}: expected a space or room id like !abc:example.org")
        for room in rooms:
            if not _is_room_id(room):
                problems.append(f"{where}: {room!r} is not a room id like !abc:example.org")
        for room in (community, *rooms):
            if owner.setdefault(room, community) != community:
                problems.append(
                    f"{where}: {room} is already in community {owner[room]}; "
                    "a room can be in one community only"
                )


def _check_database(
    bot: BotSection, env: dict[str, str], problems: list[str], secrets: bool
) -> None:
    """bot.database is a SQLite file path or a postgresql:// URL whose password is never in it."""
    from storage.db import is_postgres

    if not bot.database:
        problems.append("bot.database: expected a file path or a postgresql:// URL")
        return
    if not is_postgres(bot.database):
        if "://" in bot.database:
            problems.append(
                "bot.database: expected a file path or a postgresql://user@host/name URL, "
                f"got a {bot.database.split('://', 1)[0]}:// URL"
            )
        elif bot.database_password_env:
            problems.append(
                "bot.database_password_env: only for a postgresql:// database (a SQLite file "
                "has no password)"
            )
        return
    userinfo = bot.database.split("://", 1)[1].split("/", 1)[0].rpartition("@")[0]
    if ":" in userinfo:
        problems.append(
            "bot.database: the URL holds a password; remove it and name the environment "
            "variable that holds it in bot.database_password_env"
        )
    if bot.database_password_env:
        bot.database_password = _secret(
            "bot.database_password_env", bot.database_password_env, env, problems, required=secrets
        )


def _secret(
    path: str, var: str, env: dict[str, str], problems: list[str], *, required: bool
) -> str:
    if not var:
        if required:
            problems.append(f"{path}: expected the name of an environment variable")
        return ""
    value = env.get(var, "")
    if not value and required:
        problems.append(f"{path}: the environment variable {var} is not set")
    return value
