"""The `peerbot` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot import __version__
from bot.config import Config, ConfigError, load_config
from bot.platforms.base import PlatformStartError
from storage.db import DatabaseRefused


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="peerbot",
        description="A peer-support bot for recovery and mental-health communities.",
    )
    parser.add_argument("--version", action="version", version=f"peerbot {__version__}")
    sub = parser.add_subparsers(dest="verb", metavar="COMMAND")
    tools: dict[str, argparse.ArgumentParser] = {}
    parser.set_defaults(tools=tools)

    run = sub.add_parser("run", help="run every configured platform (Discord, Matrix)")
    run.add_argument("--config", required=True, help="path to the TOML config file")

    console = sub.add_parser("console", help="the local console community (no token needed)")
    console.add_argument(
        "--db", default="peerbot-console.db", help="SQLite file (default: %(default)s)"
    )
    console.add_argument(
        "--as", dest="user", default="alice", help="member to act as (default: %(default)s)"
    )
    console.add_argument("--config", help="optional config file (timezone, prefix, limits)")

    check = sub.add_parser("check-config", help="validate a config file and exit 0 (ok) or 1")
    check.add_argument("file")

    crisis = sub.add_parser("crisis", help="crisis tools")
    tools["crisis"] = crisis
    crisis_sub = crisis.add_subparsers(dest="crisis_verb", metavar="VERB")
    crisis_sub.add_parser(
        "classify", help="read one message per line on stdin, write one JSON result per line"
    )

    db = sub.add_parser("db", help="database tools")
    tools["db"] = db
    db_sub = db.add_subparsers(dest="db_verb", metavar="VERB")
    backup = db_sub.add_parser("backup", help="online backup of the database to PATH")
    backup.add_argument("path")
    backup.add_argument("--config", help="config file naming the database")
    backup.add_argument("--db", help="database file (instead of --config)")
    restore = db_sub.add_parser("restore", help="replace the database with the backup at PATH")
    restore.add_argument("path")
    restore.add_argument("--config", help="config file naming the database")
    restore.add_argument("--db", help="database file (instead of --config)")
    copy = db_sub.add_parser(
        "copy",
        help="copy every row from one database to another (SQLite file or postgresql:// URL)",
    )
    copy.add_argument("source", metavar="FROM")
    copy.add_argument("target", metavar="TO")
    copy.add_argument("--replace", action="store_true", help="delete the rows TO already holds")
    for side in ("from", "to"):
        copy.add_argument(
            f"--{side}-password-env",
            metavar="VAR",
            help=f"environment variable holding the {side.upper()} server's password",
        )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `peerbot` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.verb is None:
        parser.print_help()
        return 2
    try:
        if args.verb == "check-config":
            config = load_config(args.file)
            if not _has_platform(config):
                print(f"{args.file}: {NO_PLATFORM} (console needs none)", file=sys.stderr)
                return 1
            print(f"{args.file}: ok")
            return 0
        if args.verb == "run":
            config = load_config(args.config)
            if not _has_platform(config):  # before anything, so no database file is made
                print(f"peerbot run: {NO_PLATFORM}, or use `peerbot console`", file=sys.stderr)
                return 2
            _logging(config)
            from bot.app import run_platforms

            return asyncio.run(run_platforms(config))
        if args.verb == "console":
            if Path(args.db).is_dir():
                print(
                    f"peerbot console: {args.db} is a directory; --db takes a file", file=sys.stderr
                )
                return 2
            config = load_config(args.config, secrets=False) if args.config else Config()
            _logging(config, console=True)
            from bot.app import run_console

            return asyncio.run(
                run_console(config, database=args.db, user=args.user, script=not sys.stdin.isatty())
            )
        if args.verb == "crisis":
            if args.crisis_verb != "classify":
                return _no_verb(args.tools["crisis"])
            from cogs.crisis.cli import classify_stream

            return classify_stream(sys.stdin, sys.stdout)
        if args.verb == "db":
            if args.db_verb is None:
                return _no_verb(args.tools["db"])
            from storage.backup import cli_backup, cli_restore

            if args.db_verb == "copy":
                from storage.copy import cli_copy

                return cli_copy(
                    args.source,
                    args.target,
                    replace=args.replace,
                    source_password=_env_value(args.from_password_env),
                    target_password=_env_value(args.to_password_env),
                )
            section = load_config(args.config, secrets=False).bot if args.config else None
            database = args.db or (section.database if section else None)
            if database is None:
                print("peerbot db: give --db FILE or --config FILE", file=sys.stderr)
                return 2
            password = section.database_password if section else None
            if args.db_verb == "backup":
                return cli_backup(database, Path(args.path), password=password)
            if args.db_verb == "restore":
                return cli_restore(database, Path(args.path), password=password)
    except ConfigError as err:
        for problem in err.problems:
            print(f"config error: {problem}", file=sys.stderr)
        return 1
    except DatabaseRefused as err:
        print(f"database error: {err}", file=sys.stderr)
        return 1
    except PlatformStartError as err:
        print(f"could not start: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _env_value(var: str | None) -> str | None:
    """The value of an environment variable named on the command line (None: not named)."""
    import os

    return os.environ.get(var) if var else None


NO_PLATFORM = "no platform is configured: add [discord] or [matrix]"


def _has_platform(config: Config) -> bool:
    """Whether `peerbot run` has anything to run."""
    return config.discord is not None or config.matrix is not None


def _no_verb(tool: argparse.ArgumentParser) -> int:
    """A tool typed without its verb: its usage on stderr, and the usage-error exit code."""
    tool.print_help(sys.stderr)
    return 2


def _logging(config: Config, *, console: bool = False) -> None:
    level = getattr(logging, config.bot.log_level.upper(), logging.INFO)
    if console:
        level = max(level, logging.WARNING)  # keep the console transcript readable
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


if __name__ == "__main__":
    sys.exit(main())
