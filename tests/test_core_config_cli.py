"""Config validation and the command line, run as a person would run them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config

PEERBOT = [sys.executable, "-m", "bot.cli"]
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config.example.toml"


PLATFORM_SECRETS = ("DISCORD_TOKEN", "MATRIX_PASSWORD")


def run_cli(
    *args: str,
    stdin: str = "",
    env: dict | None = None,
    cwd: Path | None = None,
    unset: tuple[str, ...] = (),
):
    """``peerbot ARGS`` as a person would run it; ``unset`` names variables they never set."""
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [*PEERBOT, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**environment, **(env or {})},
        cwd=cwd or ROOT,
    )


def test_the_example_config_is_valid_when_its_secrets_are_set():
    config = load_config(EXAMPLE, env={"DISCORD_TOKEN": "t", "MATRIX_PASSWORD": "p"})
    assert config.bot.timezone == "UTC" and config.discord and config.matrix
    assert config.discord.token == "t" and config.matrix.password == "p"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("this is = = not toml", "not valid TOML"),
        ("[bot]\ncolour = 'blue'\n", "bot.colour: unknown key"),
        ("[robot]\n", "robot: unknown section"),
        ("[bot]\ntimezone = 5\n", "bot.timezone: expected a string"),
        ("[bot]\ntimezone = 'Mars/Base'\n", "bot.timezone: expected an IANA timezone"),
        (
            "[bot]\nprompt_grace_minutes = 'soon'\n",
            "bot.prompt_grace_minutes: expected a whole number",
        ),
        ("[bot]\nlog_level = 'LOUD'\n", "bot.log_level: expected one of"),
        ("[limits]\ncommands_per_minute = 0\n", "limits.commands_per_minute: expected 1 or more"),
        (
            "[discord]\ntoken_env = 'PEERBOT_UNSET_VAR'\n",
            "the environment variable PEERBOT_UNSET_VAR is not set",
        ),
        ("[discord]\nmessage_content = 'yes'\n", "discord.message_content: expected true or false"),
        (
            "[matrix]\nhomeserver = 'matrix.example.org'\nuser_id = '@b:x'\npassword_env = 'P'\n",
            "matrix.homeserver: expected a URL starting with https:// or http://",
        ),
        (
            "[matrix]\nhomeserver = 'https://m'\nuser_id = 'bot'\npassword_env = 'P'\n",
            "matrix.user_id",
        ),
        (
            "[matrix]\nhomeserver = 'https://m'\nuser_id = '@b:x'\npassword_env = 'P'\ncommunities = ['!a:x']\n",
            "matrix.communities: expected a table of lists of strings",
        ),
        (
            "[matrix]\nhomeserver = 'https://m'\nuser_id = '@b:x'\npassword_env = 'P'\n[matrix.communities]\n'!space:x' = ['#general:x']\n",
            "'#general:x' is not a room id",
        ),
        (
            "[matrix]\nhomeserver = 'https://m'\nuser_id = '@b:x'\npassword_env = 'P'\n[matrix.communities]\n'general' = []\n",
            "matrix.communities.general: expected a space or room id",
        ),
        (
            "[matrix]\nhomeserver = 'https://m'\nuser_id = '@b:x'\npassword_env = 'P'\n[matrix.communities]\n'!s1:x' = ['!r:x']\n'!s2:x' = ['!r:x']\n",
            "!r:x is already in community !s1:x",
        ),
    ],
)
def test_bad_config_names_the_key_and_what_was_expected(tmp_path, text, expected):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path, env={"P": "x"})
    assert expected in str(info.value)
    result = run_cli("check-config", str(path), env={"P": "x"})
    assert result.returncode == 1 and expected in result.stderr


def test_check_config_ok_and_missing_file(tmp_path):
    ok = run_cli("check-config", str(EXAMPLE), env={"DISCORD_TOKEN": "t", "MATRIX_PASSWORD": "p"})
    assert ok.returncode == 0 and "ok" in ok.stdout
    missing = run_cli("check-config", str(tmp_path / "nope.toml"))
    assert missing.returncode == 1 and "cannot read" in missing.stderr


def test_version_and_help():
    assert run_cli("--version").stdout.startswith("peerbot ")
    for verb in ("run", "console", "check-config"):
        assert run_cli(verb, "--help").returncode == 0


def test_console_runs_a_piped_script_and_exits_zero(tmp_path):
    script = "/help\nhello everyone\n:as bob\n/about\n:clock +1d\n:clock nonsense\n:bogus\n"
    result = run_cli("console", "--db", str(tmp_path / "c.db"), stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "(private) alice: Here's what I can do" in out
    assert "* you are now bob" in out and "(private) bob: peerbot" in out
    assert "can't read 'nonsense'" in out and "unknown console command :bogus" in out


def test_the_console_takes_the_example_config_without_platform_secrets(tmp_path):
    """The console connects to no platform: its --config is for timezone, prefix and limits,
    and a newcomer trying config.example.toml must not be asked for a Discord token."""
    result = run_cli(
        "console",
        "--db",
        str(tmp_path / "c.db"),
        "--config",
        str(EXAMPLE),
        stdin="/timezone\n",
        unset=PLATFORM_SECRETS,
    )
    assert result.returncode == 0, result.stderr
    assert "DISCORD_TOKEN" not in result.stderr
    assert "timezone" in result.stdout.lower()


def test_console_refuses_a_database_that_is_not_sqlite(tmp_path):
    path = tmp_path / "diary.txt"
    path.write_text("not a database")
    result = run_cli("console", "--db", str(path), stdin="/help\n")
    assert result.returncode == 1 and "not a SQLite database" in result.stderr
    assert path.read_text() == "not a database"


def test_run_without_platforms_explains(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(f"[bot]\ndatabase = '{tmp_path / 'x.db'}'\n")
    result = run_cli("run", "--config", str(path))
    assert result.returncode == 2 and "no platform is configured" in result.stderr


def test_console_stops_cleanly_on_sigterm_keeping_writes(tmp_path):
    db = tmp_path / "c.db"
    proc = subprocess.Popen(
        [*PEERBOT, "console", "--db", str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdin and proc.stdout
    proc.stdin.write("/mydata export\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    line = ""
    while "(private) alice" not in line and time.monotonic() < deadline:
        line = proc.stdout.readline()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    import sqlite3

    conn = sqlite3.connect(db)
    assert conn.execute("SELECT display_name FROM members").fetchone()[0] == "alice"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
