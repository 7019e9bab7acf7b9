"""The benchmark: Fandex and the floor bot, each in its own process, driven through loopback emulators.

Both bots run as `python -m ...` children pointed at an in-process DiscordEmulator (OpenAPI validation
off, identically for both). Requests alternate between the two bots, so drift on the machine affects
both alike. Latency is the emulator's own clock: from queuing INTERACTION_CREATE on the gateway to
having received the whole callback POST (before parsing it).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import logging
import re
import signal
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.bench_cast_search import autocomplete_queries, lookup_queries
from bench.big_dataset import write_generated_dataset
from bench.process import BotProcess, bot_environment
from bot.config import DEFAULT_DATASET_PATH
from bot.domain.model import Dataset
from bot.domain.source import load_dataset
from discord_emulator import DiscordEmulator, Guild, User

log = logging.getLogger(__name__)

READY_LINE = r"Connected as "  # logged by FandexBot.on_ready and by the floor bot alike
FANDEX_ARGS = ["-m", "bot"]
FLOOR_ARGS = ["-m", "bench.floor_bot"]
BIG_DATASET_SIZE = 10_000
QUESTION_CLICKS = 100  # answers per trivia question: well inside its 20 seconds


@dataclass(frozen=True)
class Plan:
    sequential: int  # measured requests per command
    warmup: int  # requests per command before measuring
    burst: int
    burst_rounds: int
    startup_rounds: int
    guild_counts: tuple[int, ...]
    matcher_queries: int
    reload_rounds: int

    @classmethod
    def full(cls) -> Plan:
        return cls(1000, 50, 500, 5, 3, (1, 100, 1000), 2000, 5)

    @classmethod
    def quick(cls) -> Plan:
        return cls(100, 10, 500, 1, 1, (1, 100, 1000), 300, 2)


@dataclass
class Side:
    """One bot process and the emulator it is connected to."""

    name: str
    emulator: DiscordEmulator
    process: BotProcess
    guild: Guild
    user: User
    ready_seconds: float

    async def slash(self, command: str, **options: Any) -> float:
        return (await self.emulator.slash(self.guild, self.user, command, **options)).elapsed

    async def autocomplete(self, command: str, option: str, value: str) -> float:
        await self.emulator.autocomplete(self.guild, self.user, command, option, value)
        return self._last_elapsed()

    async def answer_clicks(self, command: str, clicks: int) -> AsyncIterator[float]:
        """`clicks` answer buttons pressed, each by a new member (a fan answers a question once): `command`
        posts the question with its buttons, again in a new channel every QUESTION_CLICKS clicks (one open
        question per channel). Only the clicks are timed."""
        done = 0
        while done < clicks:
            channel = self.guild.add_channel(f"play-{done}")  # CHANNEL_CREATE reaches the bot first
            posted = await self.emulator.slash(self.guild, self.user, command, _channel=channel)
            buttons = [
                c["custom_id"]
                for row in (posted.message or {}).get("components", [])
                for c in row.get("components", [])
                if c.get("type") == 2 and "custom_id" in c
            ]
            if not buttons:
                raise RuntimeError(f"{command} posted no buttons: {posted.content or posted.callback}")
            for n in range(min(QUESTION_CLICKS, clicks - done)):
                fan = self.emulator.add_user(f"answering-fan-{done}")
                self.emulator.member(self.guild, fan)
                yield (await self.emulator.click(posted, buttons[n % len(buttons)], user=fan)).elapsed
                done += 1

    def _last_elapsed(self) -> float:
        record = next(reversed(self.emulator.world.interactions.values()))
        assert record.callback_at is not None
        return record.callback_at - record.dispatched_at


@dataclass
class Latency:
    samples: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p99(self) -> float:
        return percentile(self.samples, 99)


@dataclass(frozen=True)
class Burst:
    sent: int
    answered: int
    seconds_to_last: float


@dataclass(frozen=True)
class Reload:
    """One SIGHUP: how long the bot took to swap the dataset, and the interactions sent meanwhile."""

    milliseconds: float  # as the bot logs it: parse, validate and build the catalog
    sent: int
    answered: int  # within Discord's 3 s


@dataclass
class Results:
    plan: Plan
    latency: dict[str, tuple[Latency, Latency]] = field(default_factory=dict)  # label -> (fandex, floor)
    bursts: tuple[list[Burst], list[Burst]] = field(default_factory=lambda: ([], []))
    memory_kib: dict[int, tuple[int, int]] = field(default_factory=dict)  # guilds -> (fandex, floor)
    ready_seconds: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)
    matcher: list[Any] = field(default_factory=list)
    reloads: dict[str, list[Reload]] = field(default_factory=dict)  # dataset label -> one per SIGHUP


async def measure_answer_clicks(fandex: Side, floor: Side, plan: Plan) -> tuple[Latency, Latency]:
    """A trivia answer click (/trivia play's buttons) against the floor's button, alternating per click."""
    ours, theirs = Latency(), Latency()
    total = plan.warmup + plan.sequential
    streams = (
        (fandex.answer_clicks("trivia play", total), ours),
        (floor.answer_clicks("floor-button", total), theirs),
    )
    with driver_gc_paused():
        for i in range(total):
            for clicks, latency in streams if i % 2 else reversed(streams):
                elapsed = await anext(clicks)
                if i >= plan.warmup:
                    latency.samples.append(elapsed)
    log.info("answer click: p99 %.2f ms vs floor %.2f ms", ours.p99 * 1000, theirs.p99 * 1000)
    return ours, theirs


def percentile(samples: Sequence[float], which: int) -> float:
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[which - 1]


# -- starting bots -------------------------------------------------------------------------------------


def populate(emulator: DiscordEmulator, count: int) -> None:
    """Add guilds until there are `count`: small, realistic fan servers (a few channels, roles, members)."""
    while len(emulator.guilds) < count:
        number = len(emulator.guilds) + 1
        guild = emulator.add_guild(name=f"Heartstopper Fans {number}")
        for channel in ("rules", "announcements", "fan-art", "spoilers", "off-topic"):
            guild.add_channel(channel)
        for role in ("Moderator", "Readers", "Watchers"):
            guild.add_role(role)
        for member in range(3):
            emulator.member(guild, emulator.add_user(f"fan-{number}-{member}"))


@contextlib.asynccontextmanager
async def running_bot(
    name: str,
    args: list[str],
    *,
    guilds: int,
    database: Path,
    dataset: Path | None = None,
    commands: list[dict[str, Any]] | None = None,
    extra_env: dict[str, str] | None = None,
) -> AsyncIterator[Side]:
    """Start an emulator with `guilds` guilds and a bot process connected to it; stop both afterwards.

    `commands` seeds the emulator's registered commands, for a bot that will not sync (its database
    already holds the hash of its command set). `extra_env`: more settings (DATABASE_URL, for one).
    """
    emulator = DiscordEmulator(validate=False)
    await emulator.start()
    process: BotProcess | None = None
    try:
        populate(emulator, guilds)
        if commands:
            emulator.register_commands(commands)
        guild = next(iter(emulator.guilds.values()))
        user = emulator.add_user("bench-fan")
        emulator.member(guild, user)
        env = bot_environment(
            api_base=emulator.api_base,
            gateway_url=emulator.gateway_url,
            database_path=database,
            dataset_path=dataset,
            extra=extra_env,
        )
        started = time.perf_counter()
        process = await BotProcess.start(args, env)
        await process.wait_for_line(READY_LINE, timeout=180)
        ready = time.perf_counter() - started
        yield Side(name, emulator, process, guild, user, ready)
    finally:
        if process is not None:
            code = await process.stop()
            if code != 0:
                log.warning("%s exited with %s:\n%s", name, code, "\n".join(process.lines[-30:]))
        await emulator.stop()


# -- workloads -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    """One kind of request, as sent to Fandex and to the floor bot."""

    label: str
    fandex: Callable[[Side, int], Any]  # (side, i) -> awaitable elapsed seconds
    floor: Callable[[Side, int], Any]


def floor_slash(side: Side, i: int) -> Any:
    return side.slash("floor")


def floor_autocomplete(side: Side, i: int) -> Any:
    return side.autocomplete("floor", "query", "he")


def workloads(dataset: Dataset, queries: int) -> list[Workload]:
    """`/cast lookup`, `/plot`, `/volume`, `/countdown` and cast autocomplete, with what fans send."""
    characters = list(dataset.characters)
    names = lookup_queries(characters, queries)
    typed = autocomplete_queries(characters, queries)
    seasons = [str(p.number) for p in dataset.seasons] + ([dataset.film.title] if dataset.film else [])
    books = [str(w.number) for w in dataset.works if w.number is not None] or [w.title for w in dataset.works]
    return [
        Workload(
            "/cast lookup", lambda s, i: s.slash("cast lookup", name=names[i % len(names)]), floor_slash
        ),
        Workload("/plot", lambda s, i: s.slash("plot", season=seasons[i % len(seasons)]), floor_slash),
        Workload("/volume", lambda s, i: s.slash("volume", book=books[i % len(books)]), floor_slash),
        Workload("/countdown", lambda s, i: s.slash("countdown"), floor_slash),
        Workload(
            "autocomplete (/cast lookup name)",
            lambda s, i: s.autocomplete("cast lookup", "name", typed[i % len(typed)]),
            floor_autocomplete,
        ),
    ]


def burst_mix(dataset: Dataset) -> Callable[[int], tuple[str, dict[str, Any]]]:
    """The burst's requests: /cast lookup, /plot, /volume and /countdown in turn."""
    names = [c.name for c in dataset.characters]
    seasons = [str(p.number) for p in dataset.seasons]
    books = [str(w.number) for w in dataset.works if w.number is not None]

    def request(i: int) -> tuple[str, dict[str, Any]]:
        kind = i % 4
        if kind == 0:
            return "cast lookup", {"name": names[i % len(names)]}
        if kind == 1:
            return "plot", {"season": seasons[i % len(seasons)]}
        if kind == 2:
            return "volume", {"book": books[i % len(books)]}
        return "countdown", {}

    return request


async def measure_sequential(
    fandex: Side, floor: Side, loads: list[Workload], plan: Plan, prefix: str = ""
) -> dict[str, tuple[Latency, Latency]]:
    measured: dict[str, tuple[Latency, Latency]] = {}
    for load in loads:
        ours, theirs = Latency(), Latency()
        with driver_gc_paused():
            await _measure_load(load, fandex, floor, ours, theirs, plan)
        measured[prefix + load.label] = (ours, theirs)
        log.info("%s%s: p50 %.2f ms vs floor %.2f ms", prefix, load.label, ours.p50 * 1000, theirs.p50 * 1000)
    return measured


@contextlib.contextmanager
def driver_gc_paused() -> Iterator[None]:
    """No garbage collection in the measuring process while a workload runs.

    The driver's own gen-1 collections (0.8-1.1 ms, every ~76 requests here) landed inside whichever
    bot's request was in flight, and with strict alternation always on the same bot: that was the whole
    "/volume p99" miss. The bots themselves collect as usual; only the stopwatch stops collecting.
    """
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def _measure_load(
    load: Workload, fandex: Side, floor: Side, ours: Latency, theirs: Latency, plan: Plan
) -> None:
    for i in range(plan.warmup + plan.sequential):
        # Alternate which bot goes first, so neither always follows the other's garbage.
        pair = [(load.fandex, fandex, ours), (load.floor, floor, theirs)]
        for run, side, latency in pair if i % 2 else reversed(pair):
            elapsed = await run(side, i)
            if i >= plan.warmup:
                latency.samples.append(elapsed)


async def burst(side: Side, size: int, options: Callable[[int], tuple[str, dict[str, Any]]]) -> Burst:
    """`size` interactions dispatched at once; how many were answered within Discord's 3 s, and when.

    `options(i)` gives the i-th request's command and options.
    """
    emulator = side.emulator
    before = len(emulator.world.interactions)
    requests = [options(i) for i in range(size)]
    outcomes = await asyncio.gather(
        *(emulator.slash(side.guild, side.user, command, **values) for command, values in requests),
        return_exceptions=True,
    )
    records = list(itertools.islice(emulator.world.interactions.values(), before, None))
    answered = [r for r in records if r.callback_at is not None and r.callback_at - r.dispatched_at <= 3.0]
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    if failures:
        log.warning("%s burst: %d failed, e.g. %r", side.name, len(failures), failures[0])
    first = min(r.dispatched_at for r in records)
    last = max((r.callback_at for r in answered if r.callback_at is not None), default=float("nan"))
    await asyncio.sleep(0.5)  # let stragglers settle before the next round
    return Burst(sent=len(records), answered=len(answered), seconds_to_last=last - first)


RELOADED_LINE = r"Dataset .* reloaded from .* in (\d+) ms"


Requests = Callable[[int], tuple[str, dict[str, Any]]]


async def _stream(side: Side, stop: asyncio.Event, options: Requests) -> None:
    """Send interactions one after another until `stop` is set."""
    i = 0
    while not stop.is_set():
        command, values = options(i)
        with contextlib.suppress(Exception):  # counted from the emulator's records instead
            await side.emulator.slash(side.guild, side.user, command, **values)
        i += 1


async def _settled(side: Side, timeout: float = 60.0) -> None:  # noqa: ASYNC109 (a deadline)
    """Wait until every interaction sent so far is answered, so a reload is not timed behind a backlog."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if all(r.callback_at is not None for r in side.emulator.world.interactions.values()):
            return
        await asyncio.sleep(0.1)


async def reloads(
    side: Side, rounds: int, options: Callable[[int], tuple[str, dict[str, Any]]]
) -> list[Reload]:
    """SIGHUP the bot `rounds` times while a stream of interactions keeps arriving; none may go unanswered."""
    measured: list[Reload] = []
    emulator = side.emulator
    for _ in range(rounds):
        await _settled(side)
        before = len(emulator.world.interactions)
        stop = asyncio.Event()
        streams = [asyncio.create_task(_stream(side, stop, options)) for _ in range(4)]
        await asyncio.sleep(0.2)
        side.process.process.send_signal(signal.SIGHUP)
        line = await side.process.wait_for_line(RELOADED_LINE, timeout=60)
        await asyncio.sleep(0.2)
        stop.set()
        await asyncio.gather(*streams)
        records = list(itertools.islice(emulator.world.interactions.values(), before, None))
        answered = [
            r for r in records if r.callback_at is not None and r.callback_at - r.dispatched_at <= 3.0
        ]
        match = re.search(RELOADED_LINE, line)
        assert match is not None
        measured.append(Reload(float(match.group(1)), len(records), len(answered)))
        log.info("reload: %s", measured[-1])
    return measured


async def warm_each_command(side: Side, loads: list[Workload], fandex: bool) -> None:
    for load in loads:
        await (load.fandex if fandex else load.floor)(side, 0)


# -- the whole run -------------------------------------------------------------------------------------


async def run(plan: Plan) -> Results:
    results = Results(plan)
    dataset = load_dataset(DEFAULT_DATASET_PATH)
    loads = workloads(dataset, plan.warmup + plan.sequential)
    with tempfile.TemporaryDirectory(prefix="fandex-bench-") as scratch:
        work = Path(scratch)

        log.info("Latency and burst: Fandex and the floor, one guild each")
        async with (
            running_bot("fandex", FANDEX_ARGS, guilds=1, database=work / "main.sqlite3") as fandex,
            running_bot("floor", FLOOR_ARGS, guilds=1, database=work / "unused.sqlite3") as floor,
        ):
            commands = fandex.emulator.registered_commands()
            results.latency.update(await measure_sequential(fandex, floor, loads, plan))
            results.latency["trivia answer click"] = await measure_answer_clicks(fandex, floor, plan)
            mix = burst_mix(dataset)
            for side, requests in ((fandex, mix), (floor, lambda i: ("floor", {}))):
                await burst(side, plan.burst // 5, requests)  # warm-up: both sides open their connections
            for round_number in range(plan.burst_rounds):
                # Alternate which bot bursts first, so neither always runs on a machine still busy.
                order = [(0, fandex, mix), (1, floor, lambda i: ("floor", {}))]
                for index, side, requests in order if round_number % 2 else reversed(order):
                    with driver_gc_paused():
                        results.bursts[index].append(await burst(side, plan.burst, requests))
                log.info("burst: Fandex %s, floor %s", results.bursts[0][-1], results.bursts[1][-1])
            results.reloads["shipped"] = await reloads(fandex, plan.reload_rounds, mix)

            log.info("The %d-character dataset", BIG_DATASET_SIZE)
            big_source = work / "big.toml"
            big = write_generated_dataset(big_source, BIG_DATASET_SIZE)
            big_loads = [
                load for load in workloads(big, plan.warmup + plan.sequential) if "cast" in load.label
            ]
            async with running_bot(
                "fandex-10k", FANDEX_ARGS, guilds=1, database=work / "big.sqlite3", dataset=big_source
            ) as fandex_big:
                results.ready_seconds["10k fresh"] = ([fandex_big.ready_seconds], [])
                results.latency.update(
                    await measure_sequential(fandex_big, floor, big_loads, plan, prefix="10k: ")
                )
                results.reloads["10k"] = await reloads(fandex_big, plan.reload_rounds, mix)

        log.info("Start to ready")
        fresh, built, floors = [], [], []
        for round_number in range(plan.startup_rounds):
            database = work / f"startup-{round_number}.sqlite3"
            async with running_bot("fandex", FANDEX_ARGS, guilds=1, database=database) as side:
                fresh.append(side.ready_seconds)
            async with running_bot(
                "fandex", FANDEX_ARGS, guilds=1, database=database, commands=commands
            ) as side:
                built.append(side.ready_seconds)
            async with running_bot("floor", FLOOR_ARGS, guilds=1, database=database) as side:
                floors.append(side.ready_seconds)
        results.ready_seconds["fresh"] = (fresh, floors)
        results.ready_seconds["built"] = (built, floors)
        results.ready_seconds["10k fresh"] = (results.ready_seconds["10k fresh"][0], floors)

        log.info("Memory at %s guilds", ", ".join(map(str, plan.guild_counts)))
        memory_db = work / "memory.sqlite3"
        async with running_bot("fandex", FANDEX_ARGS, guilds=1, database=memory_db):
            pass  # build the database once, so every memory run starts alike
        for count in plan.guild_counts:
            rss: list[int] = []
            for name, args in (("fandex", FANDEX_ARGS), ("floor", FLOOR_ARGS)):
                seeded = commands if name == "fandex" else None
                async with running_bot(name, args, guilds=count, database=memory_db, commands=seeded) as side:
                    await warm_each_command(side, loads, fandex=name == "fandex")
                    await asyncio.sleep(0.5)
                    rss.append(side.process.rss_kib())
            results.memory_kib[count] = (rss[0], rss[1])
            log.info("%d guilds: Fandex %d KiB, floor %d KiB", count, rss[0], rss[1])

    from bench.bench_cast_search import measure

    results.matcher = measure(BIG_DATASET_SIZE, plan.matcher_queries)
    return results
