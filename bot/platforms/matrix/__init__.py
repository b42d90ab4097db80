"""The Matrix platform (matrix-nio): one package, one module per part of the adapter.

``platform`` (lifecycle) composes ``sync``, ``events``, ``communities``, ``sending`` and
``resolver``; ``link``, ``parking``, ``groups``, ``render``, ``rules`` and ``text`` are the
helpers they share. See ``platform`` for how it works.
"""

from bot.platforms.matrix.platform import MatrixPlatform

__all__ = ["MatrixPlatform"]
