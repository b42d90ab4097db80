"""`peerbot db copy FROM TO`: move a community database between SQLite and PostgreSQL.

Both sides are peerbot databases of this version (the target is created and migrated if
needed). Rows are copied table by table, parents first, one transaction per table on the
target, and the row count of every table is compared afterwards. A target that already holds
rows is refused unless ``replace`` is given (then its rows are deleted first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from storage.db import Database, schema_version

BATCH = 5000  # rows read and written at a time


class CopyError(RuntimeError):
    """The copy was refused or did not match; the message says why, for people."""


async def copy_database(
    source: str,
    target: str,
    *,
    replace: bool = False,
    source_password: str | None = None,
    target_password: str | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Copy every row of `source` into `target`; returns rows per table (checked on both)."""
    src = await Database.open(source, migrate=False, password=source_password)
    try:
        version = await src.version()
        if version != schema_version():
            raise CopyError(
                f"{source} is at schema {version}, this peerbot at {schema_version()}: run this "
                "peerbot on it once (it upgrades at start) before copying it"
            )
        dst = await Database.open(target, password=target_password)
        try:
            return await _copy(src, dst, replace=replace, progress=progress, names=(source, target))
        finally:
            await dst.close()
    finally:
        await src.close()


async def _copy(
    src: Database,
    dst: Database,
    *,
    replace: bool,
    progress: Callable[[str, int], None] | None,
    names: tuple[str, str],
) -> dict[str, int]:
    tables = await src.tables()
    missing = set(tables) - set(await dst.tables())
    if missing:
        raise CopyError(f"{names[1]} has no table {sorted(missing)[0]}")
    held = {t: await _count(dst, t) for t in tables}
    if any(held.values()) and not replace:
        busy = ", ".join(f"{t} ({n})" for t, n in held.items() if n)
        raise CopyError(
            f"{names[1]} already holds rows ({busy}); copy into an empty database, or pass "
            "--replace to delete them first"
        )
    if any(held.values()):
        for table in reversed(tables):
            await dst.execute(f"DELETE FROM {table}", background=True)
    counts: dict[str, int] = {}
    for table in tables:
        columns = await src.columns(table)
        cast = await _casts(dst, table)
        listed = ", ".join(columns)
        insert = f"INSERT INTO {table} ({listed}) VALUES ({', '.join('?' * len(columns))})"
        order = ", ".join(columns)
        copied, offset = 0, 0
        while True:
            rows = await src.fetchall(
                f"SELECT {listed} FROM {table} ORDER BY {order} LIMIT ? OFFSET ?", (BATCH, offset)
            )
            if not rows:
                break
            values = [tuple(cast[c](v) for c, v in zip(columns, row, strict=True)) for row in rows]
            await dst.write(lambda c, s=insert, v=values: c.executemany(s, v), background=True)
            copied += len(rows)
            offset += len(rows)
        counts[table] = copied
        if progress:
            progress(table, copied)
    if dst.dialect == "postgresql":
        await dst.write(_reset_identities, background=True)
    for table in tables:
        there, here = await _count(src, table), await _count(dst, table)
        if there != here or there != counts[table]:
            raise CopyError(f"{table}: {there} rows in {names[0]} but {here} in {names[1]}")
    return counts


async def _count(db: Database, table: str) -> int:
    row = await db.fetchone(f"SELECT COUNT(*) FROM {table}")
    return int(row[0]) if row else 0


def _same(value: Any) -> Any:
    return value


async def _casts(db: Database, table: str) -> dict[str, Callable[[Any], Any]]:
    """Per column, how a value from the other side is stored here. SQLite keeps any value in
    any column; PostgreSQL takes only its column's type, so loose values are converted."""
    casts: dict[str, Callable[[Any], Any]] = {}
    if db.dialect != "postgresql":
        return {c: _same for c in await db.columns(table)}
    rows = await db.fetchall(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ?",
        (table,),
    )
    for name, kind in rows:
        if kind in ("bigint", "integer", "smallint"):
            casts[name] = lambda v: None if v is None else int(v)
        elif kind in ("double precision", "real", "numeric"):
            casts[name] = lambda v: None if v is None else float(v)
        elif kind == "text":
            casts[name] = _text
        else:
            casts[name] = _same
    return casts


def _text(value: Any) -> str | None:
    """A value for a PostgreSQL text column: SQLite text may hold NUL, PostgreSQL's cannot (the
    NUL is dropped, as peerbot drops it from what members type)."""
    if value is None:
        return None
    return (value if isinstance(value, str) else str(value)).replace("\x00", "")


def _reset_identities(conn: Any) -> None:
    """Identity columns continue after the highest copied id (explicit ids skip the sequence)."""
    rows = conn.execute(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND column_name = 'id' AND is_identity = 'YES'"
    ).fetchall()
    for (table,) in rows:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )


def cli_copy(
    source: str,
    target: str,
    *,
    replace: bool = False,
    source_password: str | None = None,
    target_password: str | None = None,
) -> int:
    """`peerbot db copy FROM TO`."""
    import asyncio
    import sys

    from storage.db import StorageError

    def show(table: str, rows: int) -> None:
        print(f"  {table}: {rows} rows")

    try:
        counts = asyncio.run(
            copy_database(
                source,
                target,
                replace=replace,
                source_password=source_password,
                target_password=target_password,
                progress=show,
            )
        )
    except (CopyError, StorageError) as err:
        print(f"copy failed: {err}", file=sys.stderr)
        return 1
    print(f"copied {sum(counts.values())} rows in {len(counts)} tables; every count matches")
    return 0
