"""The reminder burst (issue 12, item 6): N reminders due in the same minute, delivered behind Discord's rate
limits, with the bot killed (SIGKILL, a crash) part-way through and started again.

    .venv/bin/python -m bench.bench_reminders                  # 1,000 reminders, with and without a crash
    .venv/bin/python -m bench.bench_reminders --reminders 200 --no-baseline
    .venv/bin/python -m bench.bench_reminders --dm-opens 20    # another assumed create-DM limit, per second

The bot runs as `python -m bot` in its own process against an emulator in this one, with rate limits on
(discord_emulator.ratelimits: 5 messages per 5 s per channel, the global 50 requests per second, and
`--dm-opens` DMs opened per second, 10 by default, an assumption: Discord does not publish it). The
reminders (one per fan, each fan a new DM) and the server event they are for are written to the bot's
database before it starts, due `--lead` seconds after the bot is ready. What is measured, from the
emulator's records (the truth about what Discord received):

- time to the last DM: from the due time to the moment the emulator stored the last fan's first DM;
- 429s: every refusal the emulator answered, by scope (a route's bucket: "user"; the global limit);
- duplicates: DMs beyond the first per fan; lost: fans with no DM when it ends (after `--timeout`);
- the database afterwards: every reminder's state.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sqlite3
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.process import BotProcess, bot_environment
from bot.domain.clock import SystemClock
from bot.domain.dates import PartialDate
from bot.storage.database import open_database
from bot.storage.reminders import ReminderRepository
from bot.storage.server_events import ServerEventRepository
from discord_emulator import DiscordEmulator
from discord_emulator.ratelimits import DISCORD_ROUTES, RateLimits, RouteLimit

log = logging.getLogger(__name__)

READY_LINE = r"Connected as "
TARGET_SECONDS = 120.0  # issue 12: all delivered within 2 minutes


@dataclass
class Outcome:
    reminders: int
    crash_after: int | None  # DMs stored when the bot was killed (None: no crash)
    seconds_to_last: float | None  # due time -> last fan's first DM (None: some never got one)
    first_dm_after: float | None
    restart_gap: float | None  # kill -> the new process ready
    rate_limited: Counter[str] = field(default_factory=Counter)
    dm_posts: int = 0  # message POSTs to the fans' DMs, 429s included
    dm_opens: int = 0  # POST /users/@me/channels, 429s included
    history_reads: int = 0
    duplicates: int = 0
    lost: int = 0
    states: Counter[str] = field(default_factory=Counter)


async def seed(database: Path, guild_id: int, channel_id: int, fans: list[int], due: datetime) -> None:
    """The server event and one reminder per fan, due at `due`, written as the bot would have."""
    db = await open_database(database)
    try:
        clock = SystemClock()
        moment = due.astimezone(UTC)
        event = await ServerEventRepository(db, clock).add(
            guild_id,
            name="Season 4 watch party",
            date=PartialDate(
                moment.year, moment.month, moment.day, moment.time().replace(second=0, microsecond=0), "UTC"
            ),
            created_by=1,
        )
        starts_at = event.date.moment()
        assert starts_at is not None
        reminders = ReminderRepository(db, clock)
        for fan in fans:
            await reminders.add(
                user_id=fan,
                event_key=event.key,
                event_title=event.name,
                lead="start",
                starts_at=starts_at,
                zone="UTC",
                guild_id=guild_id,
                channel_id=channel_id,
            )
    finally:
        await db.close()


def states(database: Path) -> Counter[str]:
    with contextlib.closing(sqlite3.connect(database)) as db:
        return Counter(state for (state,) in db.execute("SELECT state FROM reminders"))


async def scenario(
    count: int,
    *,
    crash_after: int | None,
    dm_opens: int,
    lead: float,
    timeout: float,  # noqa: ASYNC109
) -> Outcome:
    routes = tuple(
        RouteLimit(r.method, r.route, dm_opens, 1.0, r.major) if r.route == "/users/@me/channels" else r
        for r in DISCORD_ROUTES
    )
    emulator = DiscordEmulator(validate=False, rate_limits=RateLimits(routes=routes))
    await emulator.start()
    folder = tempfile.TemporaryDirectory(prefix="fandex-reminders-")
    process: BotProcess | None = None
    try:
        guild = emulator.add_guild(name="Heartstopper Fans")
        fans = [emulator.add_user(f"fan-{n}") for n in range(count)]
        dm_of = {emulator.dm_channel(fan).id: fan.id for fan in fans}
        arrivals: dict[int, list[float]] = {}
        everyone = asyncio.Event()
        crashed = asyncio.Event()

        def stored(message: dict[str, Any]) -> None:
            fan = dm_of.get(int(message["channel_id"]))
            if fan is None:
                return
            arrivals.setdefault(fan, []).append(time.time())
            if crash_after is not None and len(arrivals) >= crash_after:
                crashed.set()
            if len(arrivals) == count:
                everyone.set()

        emulator.on_message_stored = stored
        database = Path(folder.name) / "fandex.sqlite3"
        env = bot_environment(
            api_base=emulator.api_base,
            gateway_url=emulator.gateway_url,
            database_path=database,
            log_level="INFO",
        )
        # Due a little after the bot will be ready; the minute is rounded down as a server event's time is.
        due = datetime.now(UTC) + timedelta(seconds=lead + 60)
        due = due.replace(second=0, microsecond=0)
        await seed(database, guild.id, guild.general.id, [fan.id for fan in fans], due)
        process = await BotProcess.start(["-m", "bot"], env)
        await process.wait_for_line(READY_LINE, timeout=60)
        log.info("Bot ready; %d reminders due at %s (in %.0f s)", count, due, due.timestamp() - time.time())
        restart_gap = None
        if crash_after is not None:
            await asyncio.wait_for(crashed.wait(), timeout=due.timestamp() - time.time() + timeout)
            killed_at = time.time()
            process.kill()  # SIGKILL: no shutdown, whatever was in flight stays in flight
            await process.wait()
            log.info("Killed the bot after %d DMs; starting it again", len(arrivals))
            process = await BotProcess.start(["-m", "bot"], env)
            await process.wait_for_line(READY_LINE, timeout=60)
            restart_gap = time.time() - killed_at
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(everyone.wait(), timeout=max(due.timestamp() - time.time(), 0) + timeout)
        await emulator.wait_idle(quiet=2.0, timeout=60)  # let retries (and any duplicate) arrive
        await process.stop()
        process = None
        firsts = [times[0] for times in arrivals.values()]
        complete = len(arrivals) == count
        return Outcome(
            reminders=count,
            crash_after=crash_after,
            seconds_to_last=max(firsts) - due.timestamp() if complete else None,
            first_dm_after=min(firsts) - due.timestamp() if firsts else None,
            restart_gap=restart_gap,
            rate_limited=Counter(r.scope for r in emulator.rate_limited),
            dm_posts=sum(1 for r in emulator.requests if r.method == "POST" and _dm_path(r.path, dm_of)),
            dm_opens=sum(
                1 for r in emulator.requests if r.method == "POST" and r.path == "/users/@me/channels"
            ),
            history_reads=sum(1 for r in emulator.requests if r.method == "GET" and _dm_path(r.path, dm_of)),
            duplicates=sum(len(times) - 1 for times in arrivals.values()),
            lost=count - len(arrivals),
            states=states(database),
        )
    finally:
        if process is not None:
            process.kill()
        await emulator.stop()
        folder.cleanup()


def _dm_path(path: str, dm_of: dict[int, int]) -> bool:
    parts = path.split("/")
    return len(parts) == 4 and parts[1] == "channels" and parts[3] == "messages" and int(parts[2]) in dm_of


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} s"


def markdown(outcomes: list[Outcome], dm_opens: int) -> str:
    lines = [
        "Rate limits: 5 messages per 5 s per channel, global 50 requests per second, "
        f"{dm_opens} DMs opened per second (assumed). Every fan a new DM; the crash is a SIGKILL after the "
        "given number of DMs.",
        "",
        "| Run | Time to last DM | First DM | Restart gap | 429s (route / global) | DM opens | DM posts | "
        "History reads | Duplicates | Lost | States afterwards | Within 2 min |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        run = (
            f"{o.reminders}, no crash"
            if o.crash_after is None
            else f"{o.reminders}, killed after {o.crash_after}"
        )
        within = o.seconds_to_last is not None and o.seconds_to_last <= TARGET_SECONDS and not o.duplicates
        state_text = ", ".join(f"{n} {state}" for state, n in sorted(o.states.items()))
        times = f"{_seconds(o.seconds_to_last)} | {_seconds(o.first_dm_after)} | {_seconds(o.restart_gap)}"
        limited = f"{o.rate_limited['user']} / {o.rate_limited['global']}"
        counts = f"{o.dm_opens} | {o.dm_posts} | {o.history_reads} | {o.duplicates} | {o.lost}"
        lines.append(
            f"| {run} | {times} | {limited} | {counts} | {state_text} | {'yes' if within else '**no**'} |"
        )
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> list[Outcome]:
    outcomes = []
    if not args.no_baseline:
        outcomes.append(
            await scenario(
                args.reminders, crash_after=None, dm_opens=args.dm_opens, lead=args.lead, timeout=args.timeout
            )
        )
    crash_after = args.crash_after if args.crash_after is not None else args.reminders * 2 // 5
    outcomes.append(
        await scenario(
            args.reminders,
            crash_after=crash_after,
            dm_opens=args.dm_opens,
            lead=args.lead,
            timeout=args.timeout,
        )
    )
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_reminders", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--reminders", type=int, default=1000, help="reminders due at once (one fan each)")
    parser.add_argument("--crash-after", type=int, help="kill the bot after this many DMs (default: 40%%)")
    parser.add_argument("--no-baseline", action="store_true", help="only the run with a crash")
    parser.add_argument("--dm-opens", type=int, default=10, help="DMs Discord lets the bot open per second")
    parser.add_argument(
        "--lead", type=float, default=15.0, help="seconds between the bot ready and the due minute"
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds after the due time to give up")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("bot.storage").setLevel(logging.WARNING)  # one line per reminder seeded
    started = time.perf_counter()
    outcomes = asyncio.run(run(args))
    print(markdown(outcomes, args.dm_opens))
    print(f"\n({time.perf_counter() - started:.0f} s in all)")
    return 0 if all(o.lost == 0 and o.duplicates == 0 for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
