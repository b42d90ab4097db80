"""Online backup and restore of the database (SQLite's backup API: safe while the bot runs)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from storage.db import APPLICATION_ID, SQLITE_HEADER, is_postgres, schema_version
from storage.files import copy_private, create_private


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why."""


def backup(database: str | Path, target: str | Path) -> int:
    """Copy a live database to `target` page by page; returns the schema version copied."""
    database, target = Path(database), Path(target)
    if not database.exists():
        raise BackupError(f"{database} does not exist")
    if not target.parent.is_dir():  # a typo in the path should not quietly make directories
        raise BackupError(
            f"the directory {target.parent} does not exist; create it first "
            f"(mkdir -m 700 -p {target.parent})"
        )
    try:
        create_private(target)  # SQLite then gives its journal the same mode
    except FileExistsError:
        raise BackupError(f"{target} already exists; choose a new file name") from None
    except OSError as err:
        raise BackupError(f"cannot create {target}: {err}") from err
    try:
        return _copy(database, target)
    except BaseException:
        for leftover in (target, *(Path(f"{target}{s}") for s in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        raise


def _copy(database: Path, target: Path) -> int:
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest, pages=1024)
        version = dest.execute("PRAGMA user_version").fetchone()[0]
        if dest.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("the copy failed its integrity check")
        return version
    finally:
        dest.close()
        source.close()


def check_backup(path: Path) -> int:
    """Refuse a file that is not a peerbot database or is from a newer version; returns its version."""
    if not path.exists():
        raise BackupError(f"{path} does not exist")
    with path.open("rb") as handle:
        if handle.read(16) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as err:
        raise BackupError(f"{path} cannot be read: {err}") from err
    finally:
        conn.close()
    if app_id != APPLICATION_ID or "community_settings" not in tables:
        raise BackupError(f"{path} is not a peerbot database")
    if version > schema_version():
        raise BackupError(
            f"{path} is from a newer peerbot (schema {version}; this version knows {schema_version()})"
        )
    if ok != "ok":
        raise BackupError(f"{path} failed its integrity check")
    return version


def restore(database: str | Path, source: str | Path) -> tuple[int, Path | None]:
    """Replace `database` with the backup at `source` (the bot must be stopped). The current
    file, if there is one, is kept beside it as ``NAME.before-restore`` (``.2``, ``.3``… when
    that name is taken, so no earlier copy is overwritten). Returns the restored schema version
    and where the previous file was kept (None: there was none)."""
    database, source = Path(database), Path(source)
    version = check_backup(source)
    kept = None
    if database.exists():
        kept = _free_name(database.with_name(database.name + ".before-restore"))
        backup(database, kept)
    for suffix in ("-wal", "-shm"):
        Path(str(database) + suffix).unlink(missing_ok=True)
    tmp = database.with_name(database.name + ".restoring")
    tmp.unlink(missing_ok=True)  # left by a restore that was interrupted
    copy_private(source, tmp)
    tmp.replace(database)
    return version, kept


def _free_name(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.{n}")
    return candidate


def cli_backup(database: str, target: Path, password: str | None = None) -> int:
    """`peerbot db backup PATH` (pg_dump for a PostgreSQL database)."""
    if is_postgres(database):
        from storage.pg_backup import pg_backup

        try:
            pg_backup(database, target, password)
        except BackupError as err:
            print(f"backup failed: {err}", file=sys.stderr)
            return 1
        print(f"backed up the PostgreSQL database to {target} (pg_dump custom format)")
        return 0
    try:
        version = backup(database, target)
    except (BackupError, sqlite3.Error) as err:
        print(f"backup failed: {err}", file=sys.stderr)
        return 1
    print(f"backed up {database} (schema {version}) to {target}")
    return 0


def cli_restore(database: str, source: Path, password: str | None = None) -> int:
    """`peerbot db restore PATH` (pg_restore for a PostgreSQL database)."""
    if is_postgres(database):
        from storage.pg_backup import pg_restore

        try:
            pg_restore(database, source, password)
        except BackupError as err:
            print(f"restore refused: {err}", file=sys.stderr)
            return 1
        print(f"restored the PostgreSQL database from {source}")
        return 0
    try:
        version, kept = restore(database, source)
    except (BackupError, sqlite3.Error) as err:
        print(f"restore refused: {err}", file=sys.stderr)
        return 1
    previous = f"the previous file is kept as {kept}" if kept else "there was no file there before"
    print(f"restored {database} from {source} (schema {version}); {previous}")
    return 0
