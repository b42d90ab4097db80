"""The text-command parser shared by Matrix and the console.

``!checkin 4 cravings:2 note:"rough day, but here"`` → path ``("checkin",)``, positionals
``["4"]``, named ``{"cravings": "2", "note": "rough day, but here"}``. The parser only splits
text; binding to a command's parameters and validating values happen in the dispatcher. It never
raises anything but :class:`ParseError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_LINE = 12_000


class ParseError(ValueError):
    """The line could not be split into a command; the message is safe to show."""


@dataclass
class ParsedLine:
    """A command line split into words."""

    words: list[str]  # leading bare words: command path candidates and positionals
    named: dict[str, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # tokens after the path, in typed order


@dataclass
class Token:
    """One token: a bare word or a ``name:value`` pair."""

    text: str
    name: str | None = None


def strip_prefix(line: str, prefixes: tuple[str, ...]) -> str | None:
    """The line without its command prefix, or None when it is not a command."""
    for prefix in prefixes:
        if prefix and line.startswith(prefix) and len(line) > len(prefix):
            rest = line[len(prefix) :]
            if rest[:1].isalpha():
                return rest
    return None


def tokenize(text: str) -> list[Token]:
    """Split into tokens: bare words, ``"quoted words"``, ``name:value``, ``name:"quoted value"``."""
    if len(text) > MAX_LINE:
        raise ParseError(f"that line is too long ({len(text):,} characters)")
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        name = None
        j = i
        while j < n and (text[j].isalnum() or text[j] in "-_") and j - i < 33:
            j += 1
        if j < n and j > i and text[j] == ":" and text[i].isalpha():
            candidate = text[i:j]
            # a name:value pair only if the name looks like an option name (not a time 09:30)
            if candidate.replace("-", "").replace("_", "").isalnum() and not candidate[0].isdigit():
                name = candidate.lower()
                i = j + 1
        value, i = _read_value(text, i)
        if name is not None and value == "" and (i >= n or text[i - 1 : i].isspace() or i == n):
            raise ParseError(f"{name}: needs a value after the colon")
        tokens.append(Token(value, name))
    return tokens


def _read_value(text: str, i: int) -> tuple[str, int]:
    n = len(text)
    if i < n and text[i] in "\"“”":
        closing = {"\"": "\"", "“": "”", "”": "”"}[text[i]]
        end = _find_closing(text, i + 1, closing)
        if end < 0:
            raise ParseError("a quote is not closed: add the missing \"")
        return text[i + 1 : end].replace('\\"', '"'), end + 1
    j = i
    while j < n and not text[j].isspace():
        if text[j] == '"':
            end = _find_closing(text, j + 1, '"')
            if end < 0:
                raise ParseError("a quote is not closed: add the missing \"")
            j = end + 1
            continue
        j += 1
    return text[i:j].replace('"', ""), j


def _find_closing(text: str, start: int, closing: str) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] == '"':
            i += 2
            continue
        if text[i] == closing or (closing == "”" and text[i] == '"'):
            return i
        i += 1
    return -1


def parse(text: str) -> list[Token]:
    """Tokenize a command line (without its prefix). Raises only :class:`ParseError`."""
    try:
        return tokenize(text)
    except ParseError:
        raise
    except Exception as err:  # defensive: the parser must never raise anything else
        raise ParseError("I couldn't read that command") from err
