"""The `ask` sub-command's arguments (kept apart so `python -m bot` parses them without importing the bot)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def add_parser(add_subcommand: Callable[..., argparse.ArgumentParser]) -> None:
    """Define the `ask` sub-command of `python -m bot` (pass the sub-parsers' `add_parser`)."""
    ask = add_subcommand(
        "ask",
        help="print what the bot would answer to a command: no token, no Discord (a loopback one instead)",
        description='Example: python -m bot ask "/cast lookup name:Kit Connor". Values run until the '
        'next " name:"; quote values that contain one: name:"a: b". A mistyped command or option '
        "lists the valid ones.",
    )
    ask.add_argument("line", metavar='"/command option:value ..."', help="the command as Discord shows it")
    ask.add_argument(
        "--as-member",
        action="store_true",
        help="run as a member without Manage Server (default: a moderator)",
    )
    ask.add_argument("--autocomplete", metavar="OPTION", help="list the suggestions for OPTION instead")
    ask.add_argument(
        "--click",
        metavar="LABEL",
        action="append",
        default=[],
        help="then press a button or pick a menu option",
    )
    ask.add_argument(
        "--database", type=Path, help="settings database for /config (default: data/ask.sqlite3)"
    )
    ask.add_argument("--dataset", type=Path, help="dataset file (default: the DATASET setting)")
    ask.add_argument("--now", metavar="ISO_TIME", help='pretend it is this time, e.g. "2026-11-25T12:00Z"')
