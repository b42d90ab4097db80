"""The privacy registry: every cog that stores member data registers how to export and delete it,
so `mydata export` and `mydata delete` cover every cog without knowing any of them."""

from __future__ import annotations

import sqlite3
from typing import Any

from storage.data_handlers import DataHandler
from storage.db import Database, MemberKey


class PrivacyRegistry:
    """Collects the data handlers of every cog."""

    def __init__(self) -> None:
        self.handlers: dict[str, DataHandler] = {}

    def register(self, handler: DataHandler) -> None:
        """Add a handler; names must be unique."""
        if handler.name in self.handlers:
            raise ValueError(f"privacy handler {handler.name!r} registered twice")
        self.handlers[handler.name] = handler

    def tables(self) -> set[str]:
        """Every table some handler covers."""
        return {t for h in self.handlers.values() for t in h.tables}

    async def export(self, db: Database, key: MemberKey) -> dict[str, Any]:
        """Everything stored about the member, by handler name (empty sections left out)."""

        def collect(conn: sqlite3.Connection) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for name, handler in sorted(self.handlers.items()):
                data = handler.export(conn, key)
                if data:
                    out[name] = data
            return out

        return await db.read(collect)

    async def kept(self, db: Database, key: MemberKey) -> list[str]:
        """What a deletion of the member's data would keep for now, one sentence per handler."""

        def collect(conn: sqlite3.Connection) -> list[str]:
            notes = [h.kept(conn, key) for _, h in sorted(self.handlers.items()) if h.kept]
            return [n for n in notes if n]

        return await db.read(collect)

    async def delete(self, db: Database, key: MemberKey) -> dict[str, int]:
        """Delete everything about the member in one transaction; rows deleted per handler."""

        def remove(conn: sqlite3.Connection) -> dict[str, int]:
            counts: dict[str, int] = {}
            for name, handler in sorted(self.handlers.items()):
                counts[name] = handler.delete(conn, key)
            return counts

        return await db.write(remove, background=True)  # may touch many rows
