"""Gaps in support sessions (issue 21) found by an audit, on the console community: what the
docs say about who can read a Discord session thread."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_docs_say_who_else_can_read_a_discord_session_thread():
    """On Discord, anyone who can manage threads in the support channel reads private threads
    (docs/discord.md says so for partner threads); the 'who sees it' table must say so too."""
    text = (DOCS / "support-sessions.md").read_text()
    table = text.split("## What is kept, and who sees it", 1)[1].split("\n\n")[1]
    note_row = next(line for line in table.splitlines() if line.startswith("| The note"))
    assert "Manage Threads" in note_row
