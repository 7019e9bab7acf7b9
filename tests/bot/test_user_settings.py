"""A fan's own settings on real SQLite: nothing stored until set, one row per fan, gone when forgotten."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.settings import UserSettings
from bot.storage.database import INTEGRITY_ERRORS, Connection, transaction
from bot.storage.user_settings import UserSettingsRepository
from tests.backends import Backend
from tests.clock import FakeClock

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def rows(backend: Backend) -> list[tuple[object, ...]]:
    return await backend.rows("SELECT * FROM user_settings ORDER BY user_id")


async def test_reading_stores_nothing(db: Connection, backend: Backend) -> None:
    repo = UserSettingsRepository(db, FakeClock(NOW))
    assert await repo.get(42) == UserSettings(user_id=42)
    assert await rows(backend) == []


async def test_set_then_read_back_after_reopening(backend: Backend) -> None:
    db = await backend.open()
    stored = await UserSettingsRepository(db, FakeClock(NOW)).update(
        7, spoiler_season=1, spoiler_volume=2, timezone="Europe/London"
    )
    assert stored == UserSettings(7, 1, 2, "Europe/London", NOW)
    await db.close()
    db = await backend.open()
    try:
        settings = await UserSettingsRepository(db, FakeClock(NOW)).get(7)
        assert settings == stored and settings.has_spoiler_limit
        assert settings.spoiler_limit.season == 1 and settings.spoiler_limit.volume == 2
    finally:
        await db.close()


async def test_clearing_the_last_setting_deletes_the_row(db: Connection, backend: Backend) -> None:
    repo = UserSettingsRepository(db, FakeClock(NOW))
    await repo.update(7, spoiler_season=1, spoiler_volume=1)
    await repo.update(7, timezone="Asia/Tokyo")
    stored = await repo.update(7, spoiler_season=None, spoiler_volume=None)
    assert stored.timezone == "Asia/Tokyo" and not stored.has_spoiler_limit
    assert len(await rows(backend)) == 1
    assert await repo.update(7, timezone=None) == UserSettings(user_id=7)
    assert await rows(backend) == []


async def test_forget_deletes_one_fan_only(db: Connection, backend: Backend) -> None:
    repo = UserSettingsRepository(db, FakeClock(NOW))
    await repo.update(1, spoiler_season=2, spoiler_volume=3)
    await repo.update(2, timezone="Europe/Dublin")
    assert await repo.forget(1) is True
    assert await repo.forget(1) is False  # nothing left to forget
    assert await repo.get(1) == UserSettings(user_id=1)
    assert (await repo.get(2)).timezone == "Europe/Dublin"
    assert [row[0] for row in await rows(backend)] == [2]


async def test_unknown_setting_is_refused(db: Connection) -> None:
    with pytest.raises(TypeError):
        await UserSettingsRepository(db, FakeClock(NOW)).update(1, user_id=2)


async def test_a_change_in_the_callers_transaction_is_undone_with_it_cache_included(
    db: Connection, backend: Backend
) -> None:
    repo = UserSettingsRepository(db, FakeClock(NOW))
    await repo.update(5, timezone="Europe/London")
    with pytest.raises(RuntimeError):
        async with transaction(db) as tx:
            assert await repo.forget(5, tx=tx)
            # Read while the transaction is open: SQLite reads on the writing connection and sees the
            # deletion; PostgreSQL reads on another one and sees committed rows only.
            seen = await repo.get(5)
            assert seen.timezone == (None if backend.name == "sqlite" else "Europe/London")
            raise RuntimeError("the next deletion of the same change failed")
    assert (await repo.get(5)).timezone == "Europe/London"


async def test_the_cache_is_bounded(db: Connection) -> None:
    repo = UserSettingsRepository(db, FakeClock(NOW), cache_size=3)
    await repo.update(1, timezone="UTC")
    for user_id in range(2, 10):
        await repo.get(user_id)
    assert len(repo._cache) == 3
    assert (await repo.get(1)).timezone == "UTC"  # read again from the database


async def test_the_schema_refuses_nonsense(db: Connection) -> None:
    with pytest.raises(INTEGRITY_ERRORS):
        await db.execute(
            "INSERT INTO user_settings (user_id, spoiler_season, updated_at) VALUES (1, -1, '2026-12-01')"
        )
    with pytest.raises(INTEGRITY_ERRORS):
        await db.execute("INSERT INTO user_settings (user_id, timezone, updated_at) VALUES (1, '', 'x')")
