"""Run every benchmark, print a table and write bench-results.json.

Usage: python -m benchmarks [NAME ...]   (names of modules in benchmarks/, default: all)
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import platform
import sys
import time
from pathlib import Path

import benchmarks


def main(argv: list[str]) -> int:
    names = argv or sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__))
    rows: list[dict] = []
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        run = getattr(module, "run", None)
        if run is None:
            continue
        print(f"running {name} …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            result = run()
        except Exception as err:  # one broken case must not hide the others
            result = [
                {"case": name, "figure": "error", "value": None, "unit": "", "error": repr(err)}
            ]
        for row in result:
            row.setdefault("module", name)
            rows.append(row)
        print(f"  {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr)
    _print_table(rows)
    out = Path("bench-results.json")
    out.write_text(
        json.dumps(
            {"machine": platform.platform(), "python": sys.version.split()[0], "results": rows},
            indent=2,
            default=str,
        )
    )
    print(f"\nwrote {out.resolve()}")
    return 0


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def _print_table(rows: list[dict]) -> None:
    header = ("case", "figure", "value", "unit", "reference", "ratio", "budget")
    table = [header] + [tuple(_fmt(r.get(k)) for k in header) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for i, row in enumerate(table):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
