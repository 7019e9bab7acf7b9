"""A fan's own settings on real SQLite: nothing stored until set, one row per fan, gone when forgotten."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.domain.settings import UserSettings
from bot.storage.database import open_database, transaction
from bot.storage.user_settings import UserSettingsRepository
from tests.clock import FakeClock

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    connection = await open_database(tmp_path / "fandex.sqlite3")
    try:
        yield connection
    finally:
        await connection.close()


def rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as raw:
        return raw.execute("SELECT * FROM user_settings ORDER BY user_id").fetchall()


async def test_reading_stores_nothing(db: aiosqlite.Connection, tmp_path: Path) -> None:
    repo = UserSettingsRepository(db, FakeClock(NOW))
    assert await repo.get(42) == UserSettings(user_id=42)
    assert rows(tmp_path / "fandex.sqlite3") == []


async def test_set_then_read_back_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "fandex.sqlite3"
    db = await open_database(path)
    stored = await UserSettingsRepository(db, FakeClock(NOW)).update(
        7, spoiler_season=1, spoiler_volume=2, timezone="Europe/London"
    )
    assert stored == UserSettings(7, 1, 2, "Europe/London", NOW)
    await db.close()
    db = await open_database(path)
    try:
        settings = await UserSettingsRepository(db, FakeClock(NOW)).get(7)
        assert settings == stored and settings.has_spoiler_limit
        assert settings.spoiler_limit.season == 1 and settings.spoiler_limit.volume == 2
    finally:
        await db.close()


async def test_clearing_the_last_setting_deletes_the_row(db: aiosqlite.Connection, tmp_path: Path) -> None:
    repo = UserSettingsRepository(db, FakeClock(NOW))
    await repo.update(7, spoiler_season=1, spoiler_volume=1)
    await repo.update(7, timezone="Asia/Tokyo")
    stored = await repo.update(7, spoiler_season=None, spoiler_volume=None)
    assert stored.timezone == "Asia/Tokyo" and not stored.has_spoiler_limit
    assert len(rows(tmp_path / "fandex.sqlite3")) == 1
    assert await repo.update(7, timezone=None) == UserSettings(user_id=7)
    assert rows(tmp_path / "fandex.sqlite3") == []


async def test_forget_deletes_one_fan_only(db: aiosqlite.Connection, tmp_path: Path) -> None:
    repo = UserSettingsRepository(db, FakeClock(NOW))
    await repo.update(1, spoiler_season=2, spoiler_volume=3)
    await repo.update(2, timezone="Europe/Dublin")
    assert await repo.forget(1) is True
    assert await repo.forget(1) is False  # nothing left to forget
    assert await repo.get(1) == UserSettings(user_id=1)
    assert (await repo.get(2)).timezone == "Europe/Dublin"
    assert [row[0] for row in rows(tmp_path / "fandex.sqlite3")] == [2]


async def test_unknown_setting_is_refused(db: aiosqlite.Connection) -> None:
    with pytest.raises(TypeError):
        await UserSettingsRepository(db, FakeClock(NOW)).update(1, user_id=2)


async def test_a_change_in_the_callers_transaction_is_undone_with_it_cache_included(
    db: aiosqlite.Connection,
) -> None:
    repo = UserSettingsRepository(db, FakeClock(NOW))
    await repo.update(5, timezone="Europe/London")
    with pytest.raises(RuntimeError):
        async with transaction(db) as tx:
            assert await repo.forget(5, tx=tx)
            assert await repo.get(5) == UserSettings(user_id=5)  # read inside the transaction
            raise RuntimeError("the next deletion of the same change failed")
    assert (await repo.get(5)).timezone == "Europe/London"


async def test_the_cache_is_bounded(db: aiosqlite.Connection) -> None:
    repo = UserSettingsRepository(db, FakeClock(NOW), cache_size=3)
    await repo.update(1, timezone="UTC")
    for user_id in range(2, 10):
        await repo.get(user_id)
    assert len(repo._cache) == 3
    assert (await repo.get(1)).timezone == "UTC"  # read again from the database


async def test_the_schema_refuses_nonsense(db: aiosqlite.Connection) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        await db.execute(
            "INSERT INTO user_settings (user_id, spoiler_season, updated_at) VALUES (1, -1, '2026-12-01')"
        )
    with pytest.raises(sqlite3.IntegrityError):
        await db.execute("INSERT INTO user_settings (user_id, timezone, updated_at) VALUES (1, '', 'x')")
