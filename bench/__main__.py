"""`python -m bench [--quick] [--output PATH]`: run the benchmark, print the table and write it to a file."""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from pathlib import Path

from bench.report import markdown
from bench.runner import Plan, run

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "RESULTS.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Benchmark Fandex against a bare discord.py bot."
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer requests and rounds (about a minute): a smoke run"
    )
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the Markdown table"
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="only the PostgreSQL section (latency with DATABASE_URL, a burst over two shard processes), "
        "appended to the output, dated, instead of rewriting it",
    )
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    started = time.perf_counter()
    if args.postgres:
        from bench.bench_postgres import append_section, run_postgres, section

        found = asyncio.run(run_postgres(Plan.quick() if args.quick else Plan.full()))
        text = section(found, mode="quick" if args.quick else "full", seconds=time.perf_counter() - started)
        print(text)
        append_section(args.output, text)
        print(f"Appended to {args.output}")
        return 0
    results = asyncio.run(run(Plan.quick() if args.quick else Plan.full()))
    table = markdown(results, mode="quick" if args.quick else "full", seconds=time.perf_counter() - started)
    print(table)
    args.output.write_text(table, encoding="utf-8")
    print(f"Written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
