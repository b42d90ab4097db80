"""The text-command parser shared by Matrix and the console.

``!checkin 4 cravings:2 note:"rough day, but here"`` → path ``("checkin",)``, positionals
``["4"]``, named ``{"cravings": "2", "note": "rough day, but here"}``. The parser only splits
text; binding to a command's parameters and validating values happen in the dispatcher. It never
raises anything but :class:`ParseError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from bot.i18n import Translator, _

MAX_LINE = 12_000


class ParseError(ValueError):
    """The line could not be split into a command; the message is safe to show, in the
    reader's language with :meth:`translated` (``str()`` is the English)."""

    def __init__(self, message: str, **values: Any) -> None:
        self.template = message
        self.values = values
        super().__init__(message.format(**values) if values else message)

    def translated(self, tr: Translator) -> str:
        """The message in ``tr``'s language."""
        return tr(self.template, **self.values)


@dataclass
class ParsedLine:
    """A command line split into words."""

    words: list[str]  # leading bare words: command path candidates and positionals
    named: dict[str, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # tokens after the path, in typed order


class Token(NamedTuple):
    """One token: a bare word or a ``name:value`` pair."""

    text: str
    name: str | None = None
    quoted: bool = False  # typed in quotes: one complete value, never joined with what follows


def strip_prefix(line: str, prefixes: tuple[str, ...]) -> str | None:
    """The line without its command prefix, or None when it is not a command."""
    for prefix in prefixes:
        if prefix and line.startswith(prefix) and len(line) > len(prefix):
            rest = line[len(prefix) :]
            if rest[:1].isalpha():
                return rest
    return None


# Quoted text is matched as "[^"\\]*(?:\\.[^"\\]*)*": runs of plain characters, each escape
# taken as a unit (far faster than one alternation per character on a long note).
_TOKEN = re.compile(
    r"""\s*([A-Za-z][A-Za-z0-9_-]{0,32}:)?"""
    r"""("[^"\\]*(?:\\.[^"\\]*)*"|“[^”"]*[”"]|[^\s"“”]+(?:"[^"\\]*(?:\\.[^"\\]*)*"[^\s"“”]*)*)"""
)
_QUOTED_PART = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"')


def tokenize(text: str) -> list[Token]:
    """Split into tokens: bare words, ``"quoted words"``, ``name:value``, ``name:"quoted value"``."""
    if len(text) > MAX_LINE:
        raise ParseError(_("that line is too long ({length} characters)"), length=f"{len(text):,}")
    tokens: list[Token] = []
    pos = 0
    last = len(text.rstrip())
    while pos < last:
        match = _TOKEN.match(text, pos)
        if match is None:
            rest = text[pos:].lstrip()
            if rest[:1] in ('"', "“", "”"):
                raise ParseError(_('a quote is not closed: add the missing "'))
            raise ParseError(_("I couldn't read that command"))
        name, value = match.groups()
        end = match.end()
        if end < last and not text[end].isspace():
            # a quote opened inside a word and never closed
            raise ParseError(_('a quote is not closed: add the missing "'))
        first = value[0]
        quoted = first in ('"', "“")
        if quoted:
            value = value[1:-1].replace('\\"', '"')
        elif '"' in value:
            value = _QUOTED_PART.sub(lambda m: m.group(1).replace('\\"', '"'), value)
        elif name is None and value[-1] == ":" and _NAME_ONLY.fullmatch(value):
            raise ParseError(_("{name}: needs a value after the colon"), name=value[:-1].lower())
        tokens.append(Token(value, name[:-1].lower() if name else None, quoted))
        pos = end
    return tokens


_NAME_ONLY = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,32}:")


def parse(text: str) -> list[Token]:
    """Tokenize a command line (without its prefix). Raises only :class:`ParseError`."""
    try:
        return tokenize(text)
    except ParseError:
        raise
    except Exception as err:  # defensive: the parser must never raise anything else
        raise ParseError(_("I couldn't read that command")) from err
