"""No module in bot/, cogs/ or storage/ is over 600 lines: a longer one is split along its seams
into modules with one job each (a package re-exporting what callers import)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "cogs", "storage")
MAX_LINES = 600


def too_long(root: Path = ROOT, most: int = MAX_LINES) -> list[str]:
    """``path: N lines`` for every module under the packages longer than ``most`` lines."""
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            with path.open("rb") as f:
                lines = sum(1 for _ in f)
            if lines > most:
                found.append(f"{path.relative_to(root).as_posix()}: {lines} lines")
    return found


def test_the_scan_names_a_long_module_and_its_length(tmp_path: Path) -> None:
    (tmp_path / "storage" / "deep").mkdir(parents=True)
    (tmp_path / "storage" / "deep" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    (tmp_path / "storage" / "short.py").write_text("x = 1\n" * MAX_LINES)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "elsewhere.py").write_text("x = 1\n" * (MAX_LINES + 1))
    assert too_long(tmp_path) == [f"storage/deep/long.py: {MAX_LINES + 1} lines"]


def test_no_module_in_bot_cogs_or_storage_is_over_600_lines() -> None:
    long = too_long()
    assert long == [], f"split these along their seams (at most {MAX_LINES} lines): " + ", ".join(
        long
    )
