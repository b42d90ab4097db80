"""Benchmarks: each module exposes run() -> list of result rows. `make bench` runs them all."""
