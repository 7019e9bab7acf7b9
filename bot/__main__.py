"""Command line: `python -m bot [run | check-data [PATH] | ask "/command ..." | invite --client-id ID]`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, configure_logging, load_settings
from bot.dataset import DatasetError

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Fandex, a Discord bot for fan communities.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="connect to Discord and serve commands (the default)")
    check = sub.add_parser("check-data", help="validate a dataset source without a token")
    check.add_argument("path", nargs="?", type=Path, help="dataset file (default: the DATASET setting)")
    return parser


async def _run(settings: Settings) -> None:
    from bot.client import FandexBot

    async with FandexBot(settings) as bot:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
            except NotImplementedError:  # Windows: Ctrl+C still raises KeyboardInterrupt
                pass
        await bot.start(settings.token)


def run(settings: Settings) -> int:
    configure_logging(settings.log_level)
    try:
        asyncio.run(_run(settings))
    except DatasetError as exc:
        print(f"fandex: the dataset is invalid, not starting:\n{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    except Exception as exc:
        import discord

        if isinstance(exc, discord.LoginFailure):
            print("fandex: Discord rejected DISCORD_TOKEN: reset the token in the Developer Portal and update .env.",
                  file=sys.stderr)
            return 1
        if isinstance(exc, discord.PrivilegedIntentsRequired):
            print("fandex: Discord refused the requested intents.", file=sys.stderr)
            return 1
        raise
    return 0


def check_data(path: Path | None) -> int:
    from bot.dataset import counts, load_dataset, unverified_facts

    settings = load_settings(require_token=False)
    target = path or settings.dataset_path
    try:
        dataset = load_dataset(target)
    except DatasetError as exc:
        print(f"INVALID {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"INVALID {target}: cannot read the file: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"OK {target}: {dataset.title} (facts last verified {dataset.verified_on.isoformat()})")
    for kind, number in counts(dataset).items():
        print(f"  {kind}: {number}")
    unverified = unverified_facts(dataset)
    print(f"Unverified facts ({len(unverified)}):")
    for line in unverified:
        print(f"  - {line}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check-data":
            return check_data(args.path)
        return run(load_settings())
    except ConfigError as exc:
        print(f"fandex: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
