"""Meta test: every feature module in cogs/ is an extension that imports, has an async `setup`, loads
into a FandexBot (no login, no Discord: `prepare()` is everything but the gateway) and unloads again;
and no two commands share a name."""

from __future__ import annotations

import importlib
import inspect
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from discord import app_commands

from bot.app.client import FandexBot, extension_names
from bot.config import Settings

COGS_DIR = Path(__file__).resolve().parent.parent / "cogs"
# Found from the files themselves, not from `extension_names()`, so a module it misses fails here.
COG_MODULES = sorted(f"cogs.{p.stem}" for p in COGS_DIR.glob("*.py") if not p.stem.startswith("_"))


def test_cog_modules_found() -> None:
    assert COG_MODULES, "no cog modules found"
    assert extension_names() == COG_MODULES


@pytest.mark.parametrize("name", COG_MODULES)
def test_module_imports_and_has_async_setup(name: str) -> None:
    module = importlib.import_module(name)
    setup = getattr(module, "setup", None)
    assert setup is not None, f"{name} has no setup()"
    assert inspect.iscoroutinefunction(setup), f"{name}.setup must be async (discord.py 2 awaits it)"


@pytest.fixture
async def bot(discord_endpoints: None, tmp_path: Path) -> AsyncIterator[FandexBot]:
    bot = FandexBot(Settings(token="not-used", database_path=tmp_path / "fandex.sqlite3"))
    try:
        await bot.prepare()  # opens the database, installs the dataset, loads every extension
        yield bot
    finally:
        await bot.close()


async def test_every_extension_loads(bot: FandexBot) -> None:
    assert sorted(bot.extensions) == COG_MODULES
    for name in COG_MODULES:
        assert any(cog.__module__ == name for cog in bot.cogs.values()), f"{name} added no cog"


@pytest.mark.parametrize("name", COG_MODULES)
async def test_extension_unloads_and_reloads(bot: FandexBot, name: str) -> None:
    before = {command.qualified_name for command in bot.tree.walk_commands()}
    await bot.unload_extension(name)
    assert name not in bot.extensions
    await bot.load_extension(name)
    assert {command.qualified_name for command in bot.tree.walk_commands()} == before


async def test_command_names_unique(bot: FandexBot) -> None:
    commands = list(bot.tree.walk_commands())
    assert commands, "no application commands registered"
    counts = Counter(command.qualified_name for command in commands)
    assert [name for name, n in counts.items() if n > 1] == []
    # Top-level names are what Discord keys on: a command and a group may not share one either.
    top = Counter(
        command.name
        for command in bot.tree.get_commands()
        if not isinstance(command, app_commands.ContextMenu)
    )
    assert [name for name, n in top.items() if n > 1] == []
    # Context-menu commands live in their own namespace per type; none may repeat a name within it.
    menus = Counter(
        (menu.type, menu.name)
        for menu in bot.tree.get_commands()
        if isinstance(menu, app_commands.ContextMenu)
    )
    assert [key for key, n in menus.items() if n > 1] == []
    # Prefix commands (only the mention prefix is set): none expected, but they must not repeat either.
    prefix = Counter(command.qualified_name for command in bot.walk_commands())
    assert [name for name, n in prefix.items() if n > 1] == []
