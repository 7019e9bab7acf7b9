"""Command line: `python -m bot [run | check-data [PATH] | ask "/command ..." | invite --client-id ID]`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, configure_logging, load_settings
from bot.dataset import DatasetError
from bot.preview.arguments import add_parser as add_ask_parser

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Fandex, a Discord bot for fan communities."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="connect to Discord and serve commands (the default)")
    check = sub.add_parser("check-data", help="validate a dataset source without a token")
    check.add_argument("path", nargs="?", type=Path, help="dataset file (default: the DATASET setting)")
    add_ask_parser(sub.add_parser)
    invite = sub.add_parser("invite", help="print the invite URL: the scopes and permissions the bot needs")
    invite.add_argument("--client-id", required=True, help="your application's ID (Developer Portal)")
    return parser


async def _run(settings: Settings) -> None:
    from bot.client import FandexBot

    async with FandexBot(settings) as bot:
        # On SIGTERM/SIGINT cancel the running start(): bot.close() alone would wait out discord.py's
        # reconnect back-off (up to minutes) when the gateway is unreachable. Leaving the `async with`
        # then closes the bot and its database.
        running = asyncio.create_task(bot.start(settings.token), name="fandex-bot")
        loop = asyncio.get_running_loop()
        if sys.platform != "win32":  # no add_signal_handler there; Ctrl+C still raises KeyboardInterrupt
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, running.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await running
        log.info("Stopped")


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
        import aiohttp
        import discord

        if isinstance(exc, discord.LoginFailure):
            print(
                "fandex: Discord rejected DISCORD_TOKEN: reset it in the Developer Portal and update .env.",
                file=sys.stderr,
            )
            return 1
        if isinstance(exc, discord.PrivilegedIntentsRequired):
            print("fandex: Discord refused the requested intents.", file=sys.stderr)
            return 1
        if isinstance(exc, OSError | aiohttp.ClientError):
            print(
                f"fandex: cannot reach Discord ({exc}); check the network and DISCORD_API_BASE.",
                file=sys.stderr,
            )
            return 1
        # Anything else is a bug: keep its traceback in the log for whoever runs the bot.
        log.critical("Fandex stopped on an unexpected error", exc_info=exc)
        return 1
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


def ask(args: argparse.Namespace) -> int:
    from bot.preview.ask import main as ask_main

    return ask_main(args)


def invite(client_id: str) -> int:
    from bot.invite import InviteError, invite_report, validate_client_id

    try:
        lines = invite_report(validate_client_id(client_id))
    except InviteError as exc:
        print(f"fandex: {exc}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check-data":
            return check_data(args.path)
        if args.command == "ask":
            return ask(args)
        if args.command == "invite":
            return invite(args.client_id)
        return run(load_settings())
    except ConfigError as exc:
        print(f"fandex: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
