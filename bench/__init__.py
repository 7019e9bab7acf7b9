"""Benchmark and profiling tools: `python -m bench`, `python -m bench.profile` (see bench/README.md)."""
