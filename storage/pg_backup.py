"""`peerbot db backup` and `restore` for a PostgreSQL database, with the server's own tools.

pg_dump takes a consistent snapshot while the bot runs (custom format, compressed); pg_restore
replaces the database's contents with a backup (the bot must be stopped). The tools come with
PostgreSQL; the newest installed version is used (it must be at least the server's).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from storage.backup import BackupError
from storage.files import create_private

_TOOL_DIRS = "/usr/lib/postgresql/*/bin"


def tool(name: str) -> str:
    """The path of pg_dump or pg_restore (PATH first, then the newest PostgreSQL install)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/").glob(f"{_TOOL_DIRS.lstrip('/')}/{name}"),
        key=lambda p: int(re.sub(r"\D", "", p.parts[-3]) or 0),
    )
    if not candidates:
        raise BackupError(f"{name} is not installed (it comes with the PostgreSQL client tools)")
    return str(candidates[-1])


def _env(password: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password  # never on the command line, where ps shows it
    return env


def pg_backup(url: str, target: Path, password: str | None = None) -> None:
    """Dump the database at `url` into the new file `target` (mode 0600)."""
    if not target.parent.is_dir():
        raise BackupError(f"the directory {target.parent} does not exist; create it first")
    try:
        create_private(target)
    except FileExistsError:
        raise BackupError(f"{target} already exists; choose a new file name") from None
    done = subprocess.run(
        [tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", f"--dbname={url}"],
        env=_env(password),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")


def pg_restore(url: str, source: Path, password: str | None = None) -> None:
    """Replace the contents of the database at `url` with the dump at `source`."""
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    done = subprocess.run(
        [tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
         f"--dbname={url}", str(source)],
        env=_env(password),
        capture_output=True,
        text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
