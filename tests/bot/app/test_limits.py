"""bot/app/limits.py and reach.installed_server_id: whose spoiler limit and time zone a reply follows,
read from real SQLite repositories. The interaction is a stand-in with only what these functions read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.app.limits import spoiler_limit_for, time_zone_for
from bot.app.reach import installed_server_id
from bot.domain.spoilers import NO_LIMIT, SpoilerLimit
from bot.storage.database import open_database
from bot.storage.guild_settings import GuildSettingsRepository
from bot.storage.user_settings import UserSettingsRepository
from tests.clock import FakeClock

SERVER, FAN = 111, 222


@dataclass
class Client:
    guild_settings: GuildSettingsRepository
    user_settings: UserSettingsRepository
    guilds: set[int] = field(default_factory=lambda: {SERVER})

    def get_guild(self, guild_id: int) -> object | None:
        return object() if guild_id in self.guilds else None


@dataclass
class Interaction:
    """What Discord says about where a command ran: its guild (None in DMs) and who authorised it."""

    client: Client
    guild_id: int | None
    owners: dict[int, int]
    user: Any = field(default_factory=lambda: SimpleNamespace(id=FAN))

    def is_guild_integration(self) -> bool:  # as discord.Interaction computes it
        return self.guild_id is not None and self.owners.get(0) == self.guild_id


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[Client]:
    db = await open_database(tmp_path / "fandex.sqlite3")
    clock = FakeClock(datetime(2026, 12, 1, tzinfo=UTC))
    try:
        yield Client(GuildSettingsRepository(db, clock), UserSettingsRepository(db, clock))
    finally:
        await db.close()


def in_server(client: Client) -> Any:
    return Interaction(client, SERVER, {0: SERVER, 1: FAN})


def in_dm(client: Client) -> Any:
    return Interaction(client, None, {0: 0, 1: FAN})


def in_foreign_server(client: Client) -> Any:
    return Interaction(client, 333, {1: FAN})


async def test_the_server_is_the_one_that_installed_fandex(client: Client) -> None:
    assert installed_server_id(in_server(client)) == SERVER
    assert installed_server_id(in_dm(client)) is None
    assert installed_server_id(in_foreign_server(client)) is None
    client.guilds.clear()  # "0" says it installed Fandex, but the bot is not (or no longer) there
    assert installed_server_id(in_server(client)) is None


async def test_the_limit_is_the_stricter_of_the_servers_and_the_fans(client: Client) -> None:
    assert await spoiler_limit_for(in_server(client)) == NO_LIMIT
    await client.guild_settings.update(SERVER, spoiler_season=2, spoiler_volume=3)
    assert await spoiler_limit_for(in_server(client)) == SpoilerLimit(2, 3)
    assert await spoiler_limit_for(in_dm(client)) == SpoilerLimit(owner="fan")  # nothing of the server's
    await client.user_settings.update(FAN, spoiler_season=1, spoiler_volume=5)
    assert await spoiler_limit_for(in_server(client)) == SpoilerLimit(1, 3, owner="both")
    assert await spoiler_limit_for(in_dm(client)) == SpoilerLimit(1, 5, owner="fan")
    assert await spoiler_limit_for(in_foreign_server(client)) == SpoilerLimit(1, 5, owner="fan")
    await client.guild_settings.update(
        333, spoiler_season=0, spoiler_volume=0
    )  # never applies: not installed
    assert await spoiler_limit_for(in_foreign_server(client)) == SpoilerLimit(1, 5, owner="fan")


async def test_public_answers_in_a_server_count_in_its_zone_private_ones_in_the_fans(client: Client) -> None:
    assert await time_zone_for(in_server(client), private=False) == ("UTC", "server")
    assert await time_zone_for(in_dm(client), private=False) == ("UTC", None)
    await client.guild_settings.update(SERVER, timezone="Europe/London")
    assert await time_zone_for(in_server(client), private=True) == (
        "Europe/London",
        "server",
    )  # no zone of theirs
    await client.user_settings.update(FAN, timezone="Asia/Tokyo")
    assert await time_zone_for(in_server(client), private=False) == ("Europe/London", "server")
    assert await time_zone_for(in_server(client), private=True) == ("Asia/Tokyo", "fan")
    assert await time_zone_for(in_dm(client), private=False) == ("Asia/Tokyo", "fan")
    assert await time_zone_for(in_foreign_server(client), private=False) == ("Asia/Tokyo", "fan")
