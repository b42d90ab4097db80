"""How features call each other: services one cog provides and another requires.

A cog marks a method ``@service("name")``; the core registers it when the cog is added. A cog
that needs a service lists it in ``requires`` (checked once every cog is loaded: a missing one
stops the start with :class:`MissingService`) and calls it with ``bot.services.get(name)``; a
cog that merely does more when a service is there calls ``bot.services.find(name)`` and copes
with None. Nothing outside this module and the core looks cogs up by name or attribute
(tests/test_contracts.py checks that).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

SERVICE_MARK = "__peerbot_service__"


class MissingService(LookupError):
    """A cog requires a service that no loaded cog provides."""


def service(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a cog method as the provider of the service ``name`` (dotted words, like
    ``crisis.urgent_reply``)."""
    if not name or not all(part.isidentifier() for part in name.split(".")):
        raise ValueError(f"bad service name {name!r}")

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        setattr(fn, SERVICE_MARK, name)
        return fn

    return decorate


class Services:
    """Every service, by name, with the cog that provides it."""

    def __init__(self) -> None:
        self._providers: dict[str, tuple[str, Callable[..., Any]]] = {}

    def provide(self, name: str, fn: Callable[..., Any], *, by: str) -> None:
        """Register ``fn`` as service ``name`` for cog ``by``; a name has one provider."""
        if name in self._providers:
            raise ValueError(
                f"service {name!r} provided twice ({self._providers[name][0]!r} and {by!r})"
            )
        self._providers[name] = (by, fn)

    def stand_in(self, name: str, fn: Callable[..., Any]) -> None:
        """Answer ``name`` with ``fn`` instead of its provider (tests: a feature's stand-in)."""
        self._providers[name] = ("stand-in", fn)

    def get(self, name: str) -> Callable[..., Any]:
        """The service ``name``; raises :class:`MissingService` when nobody provides it."""
        found = self._providers.get(name)
        if found is None:
            raise MissingService(f"no loaded feature provides the service {name!r}")
        return found[1]

    def find(self, name: str) -> Callable[..., Any] | None:
        """The service ``name``, or None (for features that only do more when it is there)."""
        found = self._providers.get(name)
        return found[1] if found else None

    def names(self) -> list[str]:
        """Every provided service name, sorted."""
        return sorted(self._providers)

    def check(self, requirements: Iterable[tuple[str, Iterable[str]]]) -> None:
        """Raise :class:`MissingService` naming every (cog, service) requirement not met."""
        missing = [
            f"{cog!r} requires {name!r}"
            for cog, names in requirements
            for name in names
            if name not in self._providers
        ]
        if missing:
            provided = ", ".join(self.names()) or "none"
            raise MissingService(
                "a feature needs a service no loaded feature provides: "
                + "; ".join(missing)
                + f" (provided: {provided})"
            )
