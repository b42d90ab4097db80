"""Group commit on SQLite: a batch of writes runs in one transaction and is committed once,
and one failing write spoils none of the others (each is then run in its own SAVEPOINT).

Plain functions on a ``sqlite3`` connection, so the backend can run a batch on the event loop's
thread or on its writer thread alike.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from typing import Any

from storage.db import StorageError


def run_batch_waiting(
    conn: sqlite3.Connection, fns: list[Callable[[sqlite3.Connection], Any]], wait: float
) -> list[tuple[bool, Any]]:
    """:func:`run_batch`, waiting up to `wait` seconds for a lock another program holds."""
    previous = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
    try:
        outcomes = run_batch(conn, fns, wait=True)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(previous)}")
    assert outcomes is not None
    return outcomes


def run_batch(
    conn: sqlite3.Connection, fns: list[Callable[[sqlite3.Connection], Any]], *, wait: bool
) -> list[tuple[bool, Any]] | None:
    """Run writes in one transaction and commit once; one failing write spoils none of the others.

    Almost every batch succeeds whole, so the writes first run without a savepoint each. When one
    fails, the batch is rolled back and run again with each write in its own savepoint. Without
    `wait`, returns None at once when another program holds the write lock.
    """
    try:
        if not _begin(conn, wait):
            return None
    except sqlite3.Error as err:
        return [(False, StorageError(_describe(err)))] * len(fns)
    lost = StorageError("the database rolled the transaction back (disk full or I/O error)")
    if len(fns) == 1:  # alone in its transaction: nothing else to protect
        return [_run_alone(conn, fns[0], lost)]
    try:
        values = [fn(conn) for fn in fns]
    except Exception:
        values = None
    if values is not None:
        if not conn.in_transaction:  # SQLite itself rolled everything back: nothing is saved
            return [(False, lost)] * len(fns)
        failure = _commit(conn)
        return [(True, value) for value in values] if failure is None else [failure] * len(fns)
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    try:
        if not _begin(conn, wait):
            return None
    except sqlite3.Error as err:
        return [(False, StorageError(_describe(err)))] * len(fns)
    return _run_in_savepoints(conn, fns, lost)


def _begin(conn: sqlite3.Connection, wait: bool) -> bool:
    """BEGIN IMMEDIATE; False when another program holds the lock and we may not wait."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as err:
        if not wait and getattr(err, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY:
            return False
        raise
    return True


def _run_in_savepoints(
    conn: sqlite3.Connection, fns: list[Callable[[sqlite3.Connection], Any]], lost: StorageError
) -> list[tuple[bool, Any]]:
    """Each write in its own savepoint inside the open transaction, then one COMMIT."""
    outcomes: list[tuple[bool, Any]] = []
    for fn in fns:
        if not conn.in_transaction:  # SQLite itself rolled everything back: nothing is saved
            return [(False, lost)] * len(fns)
        conn.execute("SAVEPOINT w")
        try:
            outcomes.append((True, fn(conn)))
            conn.execute("RELEASE w")
        except Exception as err:
            # SQLite may already have rolled everything back; the caller is told either way
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK TO w")
                conn.execute("RELEASE w")
            wrapped = StorageError(_describe(err)) if isinstance(err, sqlite3.Error) else err
            outcomes.append((False, wrapped))
    if not conn.in_transaction:
        return [(False, lost)] * len(fns)
    failure = _commit(conn)
    return outcomes if failure is None else [failure] * len(fns)


def _commit(conn: sqlite3.Connection) -> tuple[bool, StorageError] | None:
    """COMMIT; on failure roll back and return the outcome every write in the batch gets."""
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as err:
        with contextlib.suppress(sqlite3.Error):  # nothing left to roll back is fine
            conn.execute("ROLLBACK")
        return (False, StorageError(_describe(err)))
    return None


def _run_alone(
    conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], Any], lost: StorageError
) -> tuple[bool, Any]:
    """One write in an already open transaction: commit it, or roll everything back."""
    try:
        value = fn(conn)
    except Exception as err:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        return (False, StorageError(_describe(err)) if isinstance(err, sqlite3.Error) else err)
    if not conn.in_transaction:
        return (False, lost)
    return _commit(conn) or (True, value)


def _describe(err: BaseException) -> str:
    return f"{type(err).__name__}: {err}"
