"""The command registry: every command spec, by path, and the lookups dispatch and help need."""

from __future__ import annotations

from bot.spec import CommandSpec, Permission


class CommandRegistry:
    """Every command spec, by path."""

    def __init__(self) -> None:
        self.commands: dict[tuple[str, ...], CommandSpec] = {}

    def add(self, spec: CommandSpec) -> None:
        """Register one command; paths must be unique."""
        if spec.path in self.commands:
            raise ValueError(f"command {spec.name!r} declared twice")
        self.commands[spec.path] = spec

    def get(self, path: tuple[str, ...]) -> CommandSpec | None:
        """The command with exactly this path."""
        return self.commands.get(path)

    def all(self) -> list[CommandSpec]:
        """Every command, sorted by name."""
        return sorted(self.commands.values(), key=lambda s: s.path)

    def visible_commands(self, level: Permission) -> list[CommandSpec]:
        """Commands someone with `level` may use and help shows (not hidden), sorted by name."""
        return [s for s in self.all() if s.level <= level and not s.hidden]

    def usable_names(self, level: Permission) -> list[str]:
        """The names of every command someone with `level` may use, hidden ones included."""
        return sorted({s.name for s in self.commands.values() if s.level <= level})

    def groups(self) -> set[str]:
        """Top-level names that have subcommands."""
        return {p[0] for p in self.commands if len(p) > 1}

    def match(self, words: list[str]) -> tuple[CommandSpec | None, int]:
        """The longest command path that starts `words`, and how many words it used."""
        lowered = tuple(w.lower() for w in words[:3])
        for length in range(len(lowered), 0, -1):
            spec = self.commands.get(lowered[:length])
            if spec is not None:
                return spec, length
        return None, 0
