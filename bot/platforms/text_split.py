"""Cutting a long reply into platform-sized messages, for every renderer.

Parts are cut at line breaks; a line too long for one part is cut after a space, and a single
word too long for one part is cut where no character, escape or markup is split. A code block
that runs over a cut is closed at the end of one part and opened again (same language) at the
start of the next, so each part renders on its own.
"""

from __future__ import annotations

import unicodedata

FENCE = "```"
FENCE_MAX = 24  # a longer line starting with ``` is text, not a fence
MIN_LIMIT = 2 * FENCE_MAX + 16  # room for a reopened fence, its closer and some text
TAG_MAX = 100  # `<@123>`, `<:emoji:123>`, `<t:1700000000:R>`: never cut inside one
INLINE_MARKS = "*_~|`"
ZWJ = "\u200d"


def split_message(text: str, limit: int) -> list[str]:
    """`text` as parts of at most `limit` characters each (at least one part)."""
    if limit < MIN_LIMIT:
        raise ValueError(f"limit must be at least {MIN_LIMIT}")
    parts: list[str] = []
    lines: list[str] = []  # the part being built
    size = -1  # its length: the lines plus the line breaks between them
    fence: str | None = None  # the opening line of the code block the part is inside

    def flush() -> None:
        nonlocal lines, size
        part = "\n".join(lines + [FENCE] if fence is not None else lines)
        if part.strip():
            parts.append(part)
        lines, size = ([fence], len(fence)) if fence is not None else ([], -1)

    for line in text.split("\n"):
        opens = _fence_of(line)
        after = (None if fence is not None else opens) if opens is not None else fence
        # Room a piece may take: a reopened fence line and the closer must fit beside it.
        room = limit - (len(fence) + 1 if fence is not None else 0) - len(FENCE) - 1
        for piece in _cut_line(line, room):
            closer = len(FENCE) + 1 if after is not None else 0
            if lines and size + 1 + len(piece) + closer > limit:
                flush()
            lines.append(piece)
            size += 1 + len(piece)
        fence = after
    fence = None  # the text's own ending is kept as it is
    flush()
    return parts or [text[:limit]]


def _fence_of(line: str) -> str | None:
    """The line itself when it opens or closes a code block."""
    stripped = line.strip()
    return stripped if stripped.startswith(FENCE) and len(stripped) <= FENCE_MAX else None


def _cut_line(line: str, room: int) -> list[str]:
    """The line in pieces of at most `room` characters: at spaces, else at a safe point."""
    pieces: list[str] = []
    while len(line) > room:
        space = line.rfind(" ", 0, room)
        if space > room // 4:  # the space stays at the end of its piece: nothing is lost
            pieces.append(line[: space + 1])
            line = line[space + 1 :]
            continue
        cut = _safe_cut(line, room)
        pieces.append(line[:cut])
        line = line[cut:]
    pieces.append(line)
    return pieces


def _safe_cut(line: str, limit: int) -> int:
    """Where to cut a word longer than `limit`: not inside a tag, an escape, a doubled inline
    mark or a character made of several code points (accents, emoji sequences, flags)."""
    cut = limit
    opening = line.rfind("<", max(0, cut - TAG_MAX), cut)
    if opening >= 0 and ">" not in line[opening:cut] and ">" in line[cut : opening + TAG_MAX]:
        cut = opening
    while cut > limit // 2 and _splits_something(line, cut):
        cut -= 1
    return cut if cut > limit // 2 else limit


def _splits_something(line: str, cut: int) -> bool:
    before, after = line[cut - 1], line[cut]
    if _joins_previous(after) or before == ZWJ:
        return True
    if before == after and before in INLINE_MARKS:
        return True
    backslashes = len(line[:cut]) - len(line[:cut].rstrip("\\"))
    if backslashes % 2:
        return True
    if _regional(before) and _regional(after):
        run = len(line[:cut]) - len(line[:cut].rstrip(_REGIONAL_CHARS))
        return run % 2 == 1
    return False


def _joins_previous(char: str) -> bool:
    """Combining marks, variation selectors, skin tones and joiners belong to the character
    before them."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char == ZWJ
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences (subdivision flags)
    )


_REGIONAL_CHARS = "".join(chr(c) for c in range(0x1F1E6, 0x1F200))


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF
