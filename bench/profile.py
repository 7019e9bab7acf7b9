"""Profile one command of the real bot: where does a request's time go?

    python -m bench.profile "volume" book=2 [--requests 3000] [--dataset PATH] [--autocomplete OPTION]

Starts `python -m bot` against an emulator as the benchmark does, sends the command a few hundred
times to warm up, then attaches py-spy (`pip install -e ".[bench]"`) while it sends `--requests` more,
and prints the latency and the functions most often on the bot's main-thread stack.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import re
import shutil
import statistics
import tempfile
from pathlib import Path

from bench.process import BotProcess, bot_environment
from bench.runner import FANDEX_ARGS, READY_LINE, populate
from discord_emulator import DiscordEmulator

WARMUP = 200
# py-spy's raw format: "frame;frame;...;frame COUNT", each frame "function (file:line)".
_LINE_NUMBER = re.compile(r":\d+\)$")


def top_functions(raw: str, limit: int) -> list[tuple[float, str]]:
    """Share of the main thread's samples with each function on the stack (idle waits included)."""
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not frames or "_run_module_as_main" not in frames[0]:
            continue  # the aiosqlite and keep-alive threads mostly sleep
        total += int(count)
        for frame in {_LINE_NUMBER.sub(")", f) for f in frames}:
            inclusive[frame] += int(count)
    return [(n / total * 100, frame) for frame, n in inclusive.most_common(limit)] if total else []


async def profile(command: str, options: dict[str, str], args: argparse.Namespace) -> None:
    spy = shutil.which("py-spy")
    emulator = DiscordEmulator(validate=False)
    await emulator.start()
    populate(emulator, 1)
    guild = next(iter(emulator.guilds.values()))
    user = emulator.add_user("profiler")
    with tempfile.TemporaryDirectory(prefix="fandex-profile-") as scratch:
        env = bot_environment(
            api_base=emulator.api_base,
            gateway_url=emulator.gateway_url,
            database_path=Path(scratch) / "fandex.sqlite3",
            dataset_path=args.dataset,
        )
        bot = await BotProcess.start(FANDEX_ARGS, env)
        try:
            await bot.wait_for_line(READY_LINE, timeout=120)

            async def once() -> float:
                if args.autocomplete:
                    value = options.get(args.autocomplete, "")
                    others = {k: v for k, v in options.items() if k != args.autocomplete}
                    await emulator.autocomplete(guild, user, command, args.autocomplete, value, **others)
                else:
                    await emulator.slash(guild, user, command, **options)
                record = next(reversed(emulator.world.interactions.values()))
                assert record.callback_at is not None
                return record.callback_at - record.dispatched_at

            for _ in range(WARMUP):
                await once()
            output = Path(scratch) / "profile.txt"
            recorder = None
            if spy:
                recorder = await asyncio.create_subprocess_exec(
                    spy,
                    "record",
                    "--rate",
                    "1000",
                    "--format",
                    "raw",
                    "-o",
                    str(output),
                    "--pid",
                    str(bot.pid),
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.DEVNULL,
                )
                await asyncio.sleep(1)  # py-spy attaches
            samples = [await once() for _ in range(args.requests)]
            if recorder is not None:
                recorder.send_signal(2)  # SIGINT: py-spy writes its file and exits
                await recorder.wait()
        finally:
            await bot.stop()
            await emulator.stop()
        cuts = statistics.quantiles(samples, n=100, method="inclusive")
        print(f"/{command} {options}: p50 {cuts[49] * 1000:.2f} ms, p99 {cuts[98] * 1000:.2f} ms")
        if not spy:
            print("py-spy is not installed: pip install -e '.[bench]' for the profile")
            return
        for share, frame in top_functions(output.read_text(), args.top):
            print(f"{share:5.1f}%  {frame}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("command", help='a registered command, e.g. "cast lookup"')
    parser.add_argument("options", nargs="*", help="option=value pairs")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument(
        "--dataset", type=Path, default=None, help="dataset source (default: the shipped one)"
    )
    parser.add_argument("--autocomplete", metavar="OPTION", help="time autocomplete of OPTION instead")
    parser.add_argument("--top", type=int, default=40, help="how many functions to list")
    args = parser.parse_args()
    options = dict(pair.split("=", 1) for pair in args.options)
    asyncio.run(profile(args.command, options, args))


if __name__ == "__main__":
    main()
