"""How a failed command is logged: its path, an error id the member is also given, and the code's
stack, never what was typed. An exception's message may quote option values (a safety plan's
text, a note), so only its type is named; a storage failure keeps SQLite's own message, which
holds no member text."""

from __future__ import annotations

import logging
import traceback
import uuid

from storage.db import StorageError


def new_error_id() -> str:
    """A short id the member can quote and the operator can find in the log."""
    return uuid.uuid4().hex[:8]


def log_failure(log: logging.Logger, error_id: str, command: str, err: BaseException) -> None:
    """Log that `command` (a path such as "safetyplan edit") failed with `err`."""
    detail = f"{type(err).__name__}: {err}" if isinstance(err, StorageError) else type(err).__name__
    stack = "".join(traceback.format_tb(err.__traceback__)).rstrip()
    log.error(
        "error %s in command %s: %s\nTraceback (most recent call last):\n%s",
        error_id,
        command,
        detail,
        stack,
    )
