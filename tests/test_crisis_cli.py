"""`peerbot crisis classify`: one message per line in, one JSON object per line out."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from cogs.crisis.cli import classify_stream
from cogs.crisis.detector import classify

EVAL = Path(__file__).with_name("crisis_eval.tsv")
PEERBOT = Path(sys.executable).with_name("peerbot")


def run(text: str) -> list[dict]:
    out = io.StringIO()
    assert classify_stream(io.StringIO(text), out) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_object_per_line_in_order_with_exactly_level_and_matched():
    results = run("good morning\ni want to kill myself\ni feel so hopeless\n\n")
    assert [r["level"] for r in results] == ["none", "urgent", "concern", "none"]
    assert all(set(r) == {"level", "matched"} for r in results)
    assert results[0]["matched"] == [] and results[1]["matched"]


def test_agrees_with_the_bot_on_the_whole_evaluation_set():
    with EVAL.open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle, delimiter="\t")]
    results = run("\n".join(texts) + "\n")
    assert len(results) == len(texts) >= 400
    for text, result in zip(texts, results, strict=True):
        expected = classify(text)
        assert result == {"level": expected.level, "matched": list(expected.matched)}


def test_hostile_input_never_breaks_the_stream():
    lines = ["x" * 10_000, "😀" * 500, "\u200b" * 100, "'; DROP TABLE x; --", "<b>@everyone</b>"]
    results = run("\r\n".join(lines))  # CRLF endings and no final newline
    assert [r["level"] for r in results] == ["none"] * len(lines)


def test_bytes_that_are_not_utf8_are_replaced_not_fatal():
    class Binary(io.TextIOWrapper):
        pass

    stream = Binary(io.BytesIO(b"caf\xe9 time\ni want to kill myself\n"), encoding="utf-8")
    out = io.StringIO()
    assert classify_stream(stream, out) == 0
    assert [json.loads(x)["level"] for x in out.getvalue().splitlines()] == ["none", "urgent"]


def test_the_peerbot_command_line():
    done = subprocess.run(
        [str(PEERBOT), "crisis", "classify"],
        input=b"hello there\ni'm going to end it tonight\n",
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    levels = [json.loads(x)["level"] for x in done.stdout.decode().splitlines()]
    assert levels == ["none", "urgent"]
