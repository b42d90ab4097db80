"""Counted words as people write them: "1 hour", "24 hours", never "hour(s)"."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 pair", "3 pairs"; `many` for an irregular plural ("2 replies")."""
    return f"{count} {word if count == 1 else (many or word + 's')}"
