"""Argument binding: the values of one invocation, placed on a command's parameters, converted
and validated by each parameter's type; and the usage reply when something does not fit.

Text platforms give tokens (``!checkin 4 note:"long day"``); Discord gives named values. Either
way the handler receives typed values, or never runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.i18n import ENGLISH, Translator, _
from bot.message import Message
from bot.param_types import Phrase
from bot.parser import Token
from bot.spec import ArgumentError, CommandSpec, Param, Resolver, StrType

SHOWN = 40  # how much of a typed word a problem quotes


def command_words(tokens: list[Token]) -> list[str]:
    """The bare words before the first ``name:value``: the command's name is among them."""
    words: list[str] = []
    for token in tokens:
        if token.name is not None:
            break
        words.append(token.text)
    return words


def split_args(tokens: list[Token], spec: CommandSpec) -> tuple[list[Token], dict[str, str]]:
    """Typed tokens after the command's name as (positional, named). A bare ``name:value`` text
    option that takes the rest (Rest) takes the following bare words too."""
    positional: list[Token] = []
    named: dict[str, str] = {}
    open_text: str | None = None  # a bare name:value text that takes the following words
    bare_last = False  # the last name:value was typed without quotes
    for index, token in enumerate(tokens):
        if token.name is None:
            if open_text is not None:
                named[open_text] += " " + token.text
                continue
            last = spec.param(list(named)[-1]) if named else None
            if last is not None and isinstance(last.type, StrType):
                if bare_last:  # most often a value with spaces typed without quotes
                    raise _unquoted(last.name, named[last.name], token.text, _bare(tokens[index:]))
                raise _unplaced(last.name, token.text, [])
            taken = spec.params[: len(positional)]
            slot = spec.params[len(positional)] if len(positional) < len(spec.params) else None
            if any(p.rest for p in taken):
                slot = None  # a text that takes the rest already took the earlier words: this too
            if bare_last and last is not None and slot is not None and slot.name in named:
                # it would go to an option already given (``kind:listen time:2 hours``): it
                # belongs with the bare value just before it, not with that option
                raise _unquoted(last.name, named[last.name], token.text, _bare(tokens[index:]))
            positional.append(token)
        elif token.name in named:
            raise ArgumentError(_("{name} is given twice"), name=token.name)
        else:
            named[token.name] = token.text
            bare_last = not token.quoted
            param = spec.param(token.name)
            open_text = token.name if param and param.rest and not token.quoted else None
    return positional, named


async def bind(
    spec: CommandSpec,
    positional: list[Token],
    named: dict[str, Any],
    resolver: Callable[[], Resolver],
) -> dict[str, Any]:
    """The handler's keyword arguments, converted; :class:`ArgumentError` names the option at
    fault. `resolver` is asked for only when a value needs converting."""
    params = spec.params
    for name in named:
        if spec.param(name) is None:
            known = ", ".join(p.name for p in params) or "none"
            raise ArgumentError(
                _("there is no option called {name} (options: {known})"),
                name=repr(name),
                known=known,
            )
    raw: dict[str, Any] = {}
    for index, token in enumerate(positional):
        if index >= len(params):
            raise ArgumentError(_("there are more values than this command takes"))
        param = params[index]
        if param.name in named:
            raise _given_twice(param.name, str(named[param.name]), token.text)
        if param.rest:
            after = positional[index + 1 :]
            if token.quoted and after:
                raise _unplaced(param.name, after[0].text, params[index + 1 :])
            raw[param.name] = " ".join(t.text for t in positional[index:])
            break
        raw[param.name] = token.text
    raw.update(named)
    found: Resolver | None = None
    values: dict[str, Any] = {}
    for param in params:
        value = raw.get(param.name)
        if value is None:
            if param.required:
                raise ArgumentError(
                    _("{name} is missing ({description})"),
                    name=param.name,
                    description=Phrase(lambda tr, said=param.description: tr.gettext(said)),
                )
            values[param.name] = param.default
            continue
        if found is None:
            found = resolver()
        try:
            values[param.name] = await param.type.convert(value, found)
        except ArgumentError as err:
            raise ArgumentError("{name}: {problem}", name=param.name, problem=err) from None
    return values


def usage_error(
    spec: CommandSpec, prefix: str, problem: str | ArgumentError, tr: Translator = ENGLISH
) -> Message:
    """A bad value: the problem (which may quote what was typed, so it is a value) and usage,
    in ``tr``'s language."""
    if isinstance(problem, ArgumentError):
        problem = problem.translated(tr)
    problem = problem.rstrip(".")
    if not problem.endswith(("?", "!")):
        problem += "."
    return Message(
        tr.gettext("{problem}\nUsage: {usage}"),
        {"problem": problem[:1].upper() + problem[1:], "usage": spec.usage(prefix)},
    )


def _bare(tokens: list[Token]) -> list[str]:
    """The bare words at the start of ``tokens`` (up to the next ``name:value``)."""
    words: list[str] = []
    for token in tokens:
        if token.name is not None:
            break
        words.append(token.text)
    return words


def _shown(word: str) -> str:
    return word if len(word) <= SHOWN else word[: SHOWN - 1] + "…"


def _unplaced(name: str, word: str, later: list[Param]) -> ArgumentError:
    """Why a word after a quoted text option is refused, and how to give it."""
    shown = _shown(word)
    if later:
        return ArgumentError(
            _(
                "I couldn't place {word} after {name}. Please give other options by name, like "
                "{example}."
            ),
            word=repr(shown),
            name=name,
            example=f"{later[0].name}:{shown}",
        )
    return ArgumentError(
        _("I couldn't place {word} after {name}. Please give other options by name."),
        word=repr(shown),
        name=name,
    )


def _unquoted(name: str, value: str, word: str, words: list[str]) -> ArgumentError:
    """A word after a ``name:value`` typed without quotes: most often the rest of a value with
    spaces (``when:weekly sun 19:00``)."""
    return ArgumentError(
        _(
            "I couldn't place {word} after {name}. If it is one value with a space, put it in "
            "quotes: {quoted}"
        ),
        word=repr(_shown(word)),
        name=name,
        quoted=f'{name}:"{_shown(" ".join([value, *words]))}"',
    )


def _given_twice(name: str, value: str, word: str) -> ArgumentError:
    """A word left over for an option already given by name: most often the rest of a value
    with spaces typed without quotes."""
    shown, value = _shown(word), _shown(value)
    if value.lstrip("-").isdigit():  # a number has no spaces
        return ArgumentError(
            _("{name} is given twice ({first} and {second})"),
            name=name,
            first=repr(value),
            second=repr(shown),
        )
    return ArgumentError(
        _(
            "{name} is given twice ({first} and {second}). If it is one value with a space, "
            "put it in quotes: {quoted}"
        ),
        name=name,
        first=repr(value),
        second=repr(shown),
        quoted=f'{name}:"{value} {shown}"',
    )
