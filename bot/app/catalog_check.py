"""`python -m bot check-i18n`: the catalog checks (bot/domain/i18n_checks.py) over this checkout, with
the command strings read from the command tree the bot really registers."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from discord import app_commands

from bot.config import Settings
from bot.domain.i18n import CHOICE, COMMAND_NAME, DESCRIPTION, OPTION_NAME, TRANSLATED, words
from bot.domain.i18n_checks import Key, catalog_problems, python_files, required_messages, source_messages

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def command_messages(tree: app_commands.CommandTree[Any]) -> set[Key]:
    """Every command, group, option and choice name and description, under its message context."""
    found: set[Key] = set()
    for command in tree.walk_commands():
        found |= {(COMMAND_NAME, command.name), (DESCRIPTION, command.description)}
        if not isinstance(command, app_commands.Command):
            continue
        for parameter in command.parameters:
            found |= {(OPTION_NAME, parameter.display_name), (DESCRIPTION, parameter.description)}
            found |= {(CHOICE, choice.name) for choice in parameter.choices}
    return found


def reply_sources() -> list[Path]:
    return python_files(PACKAGE_ROOT / "bot", PACKAGE_ROOT / "cogs")


def all_problems(tree: app_commands.CommandTree[Any]) -> list[str]:
    """What is wrong with any shipped catalog, given the command tree: empty when all is well."""
    required = required_messages(source_messages(reply_sources()), command_messages(tree))
    problems: list[str] = []
    for language in TRANSLATED:
        problems += catalog_problems(required, words(language.code).messages, language=language.code)
    return problems


async def check_catalogs() -> list[str]:
    """Load every extension into a bot (no token, no Discord), then check the catalogs against it."""
    from bot.app.client import FandexBot

    with tempfile.TemporaryDirectory() as folder:
        bot = FandexBot(Settings(token="", database_path=Path(folder) / "check.sqlite3"))
        async with bot:  # background loops wait for a `ready` that never comes, and stop on close
            await bot.prepare()
            return all_problems(bot.tree)
