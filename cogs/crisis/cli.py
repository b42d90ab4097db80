"""``peerbot crisis classify``: one message per line in, one JSON object per line out.

Uses the same entry point as the bot's listener (:func:`cogs.crisis.watch.detect`), so what
this prints is exactly what the bot would decide. Output keeps line order, one object per input
line (an empty line is ``none``), and is flushed line by line so it can serve as a filter.
"""

from __future__ import annotations

import json
from typing import TextIO


def classify_stream(stdin: TextIO, stdout: TextIO) -> int:
    """Classify every line of ``stdin``; write ``{"level": ..., "matched": [...]}`` lines."""
    from cogs.crisis.watch import detect

    lines = _lines(stdin)
    try:
        for line in lines:
            detection = detect(line)
            stdout.write(
                json.dumps({"level": detection.level, "matched": list(detection.matched)}) + "\n"
            )
            stdout.flush()
    except BrokenPipeError:
        return 1
    return 0


def _lines(stdin: TextIO):  # noqa: ANN202 (a generator of str)
    """Lines without their line ending; bytes that are not UTF-8 become U+FFFD, never an error."""
    buffer = getattr(stdin, "buffer", None)
    if buffer is not None:
        for raw in buffer:
            yield raw.decode("utf-8", errors="replace").rstrip("\r\n")
        return
    for line in stdin:
        yield line.rstrip("\r\n")
