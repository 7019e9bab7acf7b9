"""Command line: `python -m bot [run | sync [--force] | check-data [PATH] | check-i18n |
ask "/command ..." | invite --client-id ID | reports [--limit N]]`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.config import ConfigError, Settings, configure_logging, load_settings, without_password
from bot.domain.source import DatasetError
from bot.preview.arguments import add_parser as add_ask_parser

log = logging.getLogger("bot")


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time such as 2027-02-01T00:00Z: {text!r}") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _positive(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of at least 1: {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Fandex, a Discord bot for fan communities."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="connect to Discord and serve commands (the default)")
    sync = sub.add_parser(
        "sync",
        help="register the slash commands with Discord now if they changed since the last sync, then exit",
    )
    sync.add_argument("--force", action="store_true", help="sync even if they are unchanged")
    check = sub.add_parser("check-data", help="validate a dataset source without a token")
    check.add_argument("path", nargs="?", type=Path, help="dataset file (default: the DATASET setting)")
    check.add_argument(
        "--now",
        type=_instant,
        help="judge lapsed claims as of this time (default: now), e.g. 2027-02-01T00:00Z",
    )
    sub.add_parser(
        "check-i18n",
        help="check every language's catalog: each message translated, placeholders kept, none unused",
    )
    add_ask_parser(sub.add_parser)
    reports = sub.add_parser(
        "reports", help='list the "Something wrong?" reports fans sent, newest first, without a token'
    )
    reports.add_argument(
        "--limit", type=_positive, default=20, metavar="N", help="how many to list (default: 20)"
    )
    invite = sub.add_parser(
        "invite",
        help="print the invite URLs (server and user install): the scopes and permissions the bot needs",
    )
    invite.add_argument("--client-id", required=True, help="your application's ID (Developer Portal)")
    return parser


async def _run(settings: Settings) -> None:
    from bot.app.client import FandexBot

    async with FandexBot(settings) as bot:
        # On SIGTERM/SIGINT cancel the running start(): bot.close() alone would wait out discord.py's
        # reconnect back-off (up to minutes) when the gateway is unreachable. Leaving the `async with`
        # then closes the bot and its database.
        running = asyncio.create_task(bot.start(settings.token), name="fandex-bot")
        loop = asyncio.get_running_loop()
        if sys.platform != "win32":  # no add_signal_handler there; Ctrl+C still raises KeyboardInterrupt
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, running.cancel)
            reloads: set[asyncio.Task[bool]] = set()

            def reload() -> None:
                task = asyncio.create_task(bot.reload_dataset(), name="fandex-reload")
                reloads.add(task)
                task.add_done_callback(reloads.discard)

            loop.add_signal_handler(signal.SIGHUP, reload)
        with contextlib.suppress(asyncio.CancelledError):
            await running
        log.info("Stopped")


async def _sync(settings: Settings, *, force: bool) -> str:
    """Log in over REST only (no gateway), sync, and say what was done."""
    import discord

    from bot.app.client import FandexBot

    class CommandSync(FandexBot):
        async def setup_hook(self) -> None:  # the database, the dataset and the cogs; no start-up sync
            await self.prepare()

    async with CommandSync(settings) as bot:
        await bot.login(settings.token)
        try:
            synced = await bot.sync_commands(force=force)
        except discord.HTTPException as exc:
            raise _SyncRefused(f"Discord refused the command sync: {exc.status} {exc.text or exc}") from exc
    where = f"to server {settings.dev_guild_id} (DEV_GUILD_ID)" if settings.dev_guild_id else "globally"
    if synced is None:
        return f"Commands unchanged since the last sync {where}: nothing sent. Use --force to sync anyway."
    return f"Synced {synced} commands {where}."


class _SyncRefused(Exception):
    """Discord answered the sync with an error: one line for the operator, exit code 1."""


def sync(settings: Settings, *, force: bool) -> int:
    configure_logging(settings.log_level)
    return _guarded(lambda: print(asyncio.run(_sync(settings, force=force))))


def run(settings: Settings) -> int:
    configure_logging(settings.log_level)
    return _guarded(lambda: asyncio.run(_run(settings)))


def _guarded(main: Callable[[], object]) -> int:
    """Run `main`; the errors an operator can act on become one line on stderr and exit code 1."""
    try:
        main()
    except _SyncRefused as exc:
        print(f"fandex: {exc}", file=sys.stderr)
        return 1
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


def check_data(path: Path | None, now: datetime | None = None) -> int:
    from bot.domain.claims import lapsed_claims
    from bot.domain.model import counts, unverified_facts
    from bot.domain.source import load_dataset

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
    lapsed = lapsed_claims(dataset, now or datetime.now(UTC))
    print(f"Claims whose window has passed, to update ({len(lapsed)}):")
    for line in lapsed:
        print(f"  - {line}")
    unverified = unverified_facts(dataset)
    print(f"Unverified facts ({len(unverified)}):")
    for line in unverified:
        print(f"  - {line}")
    return 0


def reports(limit: int) -> int:
    """Print the newest `limit` reports from DATABASE_PATH, read-only (the bot may be running on it)."""
    from bot.domain.clock import SystemClock
    from bot.domain.errors import StorageError
    from bot.render.reports import report_listing
    from bot.storage.database import open_reader
    from bot.storage.reports import ReportRepository

    settings = load_settings(require_token=False)
    path = without_password(settings.database_url) or settings.database_path  # never print a password

    async def listing() -> list[str] | None:
        db = await open_reader(settings)
        try:
            repository = ReportRepository(db, SystemClock())
            if not await repository.table_exists():
                return None
            return report_listing(await repository.newest(limit), await repository.count())
        finally:
            await db.close()

    try:
        lines = asyncio.run(listing())
    except FileNotFoundError:
        print(
            f"fandex: no database at {path} (DATABASE_PATH): the bot creates it on its first start.",
            file=sys.stderr,
        )
        return 1
    except (sqlite3.DatabaseError, StorageError) as exc:  # not an SQLite file, unreadable, unreachable
        print(f"fandex: cannot read the database {path}: {exc}", file=sys.stderr)
        return 1
    if lines is None:
        lines = [f"No reports yet: {path} predates them (the bot adds the table on its next start)."]
    print("\n".join(lines))
    return 0


def check_i18n() -> int:
    from bot.app.catalog_check import check_catalogs

    logging.basicConfig(level=logging.ERROR)
    problems = asyncio.run(check_catalogs())
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"fandex: {len(problems)} catalog problem(s)", file=sys.stderr)
        return 1
    print("Every catalog is complete.")
    return 0


def ask(args: argparse.Namespace) -> int:
    from bot.preview.ask import main as ask_main

    return ask_main(args)


def invite(client_id: str) -> int:
    from bot.app.invite import InviteError, invite_report, validate_client_id

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
            return check_data(args.path, args.now)
        if args.command == "check-i18n":
            return check_i18n()
        if args.command == "ask":
            return ask(args)
        if args.command == "invite":
            return invite(args.client_id)
        if args.command == "reports":
            return reports(args.limit)
        if args.command == "sync":
            return sync(load_settings(), force=args.force)
        return run(load_settings())
    except ConfigError as exc:
        print(f"fandex: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
