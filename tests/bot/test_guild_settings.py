from datetime import UTC, datetime

import pytest

from bot.domain.settings import GuildSettings
from bot.storage.database import transaction
from bot.storage.guild_settings import GuildSettingsRepository
from tests.backends import Backend
from tests.clock import FakeClock


async def test_defaults_then_update_then_clear(backend: Backend) -> None:
    db = await backend.open()
    clock = FakeClock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    repo = GuildSettingsRepository(db, clock)
    try:
        assert await repo.get(42) == GuildSettings(guild_id=42)
        stored = await repo.update(42, spoiler_season=2, timezone="Europe/London")
        assert stored.spoiler_season == 2 and stored.timezone == "Europe/London"
        assert stored.updated_at == clock.current
        stored = await repo.update(42, spoiler_season=None)
        assert stored.spoiler_season is None and stored.timezone == "Europe/London"
        assert (await repo.get(43)).timezone == "UTC"
    finally:
        await db.close()


async def test_settings_survive_reopening(backend: Backend) -> None:
    clock = FakeClock(datetime(2026, 11, 25, tzinfo=UTC))
    db = await backend.open()
    await GuildSettingsRepository(db, clock).update(7, announce_channel_id=99, reminder="1w")
    await db.close()
    db = await backend.open()
    try:
        settings = await GuildSettingsRepository(db, clock).get(7)
        assert settings.announce_channel_id == 99 and settings.reminder == "1w"
        assert [s.guild_id for s in await GuildSettingsRepository(db, clock).with_announcements()] == [7]
    finally:
        await db.close()


async def test_unknown_setting_is_refused(backend: Backend) -> None:
    db = await backend.open()
    try:
        with pytest.raises(TypeError):
            await GuildSettingsRepository(db, FakeClock(datetime.now(UTC))).update(1, colour="pink")
    finally:
        await db.close()


async def test_an_update_in_the_callers_transaction_is_undone_with_it_cache_included(
    backend: Backend,
) -> None:
    db = await backend.open()
    repo = GuildSettingsRepository(db, FakeClock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC)))
    try:
        await repo.update(42, timezone="Europe/London")
        with pytest.raises(RuntimeError):
            async with transaction(db) as tx:
                seen = await repo.update(42, tx=tx, timezone="Asia/Tokyo")
                assert seen.timezone == "Asia/Tokyo"  # read inside the transaction
                raise RuntimeError("the second write of the change failed")
        assert (await repo.get(42)).timezone == "Europe/London"

        async with transaction(db) as tx:
            await repo.update(42, tx=tx, timezone="Asia/Tokyo")
        assert (await repo.get(42)).timezone == "Asia/Tokyo"
    finally:
        await db.close()
