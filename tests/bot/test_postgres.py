"""The PostgreSQL backend on a real server (tests/backends.py): migrations, transactions, placeholders,
caches kept true across processes by LISTEN/NOTIFY, and an unreachable server."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from bot.domain.dates import PartialDate
from bot.domain.errors import StorageError
from bot.storage.database import (
    MIGRATIONS_DIR,
    POSTGRES_MIGRATIONS_DIR,
    Migration,
    discover_migrations,
    transaction,
)
from bot.storage.guild_settings import GuildSettingsRepository
from bot.storage.postgres import apply_migrations, numbered, open_postgres
from bot.storage.reminders import ReminderRepository
from bot.storage.server_events import ServerEventRepository
from bot.storage.user_settings import UserSettingsRepository
from tests.backends import Outage
from tests.clock import FakeClock

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


def test_every_migration_has_a_postgres_copy() -> None:
    sqlite = [m.name for m in discover_migrations(MIGRATIONS_DIR)]
    postgres = [m.name for m in discover_migrations(POSTGRES_MIGRATIONS_DIR)]
    assert postgres == sqlite


def test_placeholders_are_numbered_outside_literals() -> None:
    assert numbered("SELECT ? , '?' , ?") == "SELECT $1 , '?' , $2"
    assert numbered("a = ? AND b IN (?, ?)") == "a = $1 AND b IN ($2, $3)"


async def test_migrated_once_and_reopening_applies_nothing_new(postgres_url: str) -> None:
    db = await open_postgres(postgres_url)
    await db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("k", "v"))
    await db.close()
    db = await open_postgres(postgres_url)
    try:
        async with db.execute("SELECT value FROM meta WHERE key = ?", ("k",)) as cursor:
            assert (await cursor.fetchone())[0] == "v"
        async with db.execute("SELECT version FROM schema_version") as cursor:
            assert [tuple(r) for r in await cursor.fetchall()] == [(len(discover_migrations()),)]
    finally:
        await db.close()


async def test_failing_migration_changes_nothing(postgres_url: str) -> None:
    conn = await asyncpg.connect(postgres_url)
    try:
        existing = discover_migrations(POSTGRES_MIGRATIONS_DIR)
        await apply_migrations(conn, existing)
        broken = [
            *existing,
            Migration(len(existing) + 1, "x_ok.sql", "CREATE TABLE new_one (id INTEGER);"),
            Migration(len(existing) + 2, "x_bad.sql", "CREATE TABLE oops (;"),
        ]
        with pytest.raises(asyncpg.PostgresSyntaxError):
            await apply_migrations(conn, broken)
        assert await conn.fetchval("SELECT version FROM schema_version") == len(existing)
        assert await conn.fetchval("SELECT to_regclass('new_one')") is None
    finally:
        await conn.close()


async def test_two_processes_starting_together_migrate_once(postgres_url: str) -> None:
    first, second = await asyncio.gather(open_postgres(postgres_url), open_postgres(postgres_url))
    try:
        async with first.execute("SELECT count(*) FROM schema_version") as cursor:
            assert (await cursor.fetchone())[0] == 1
    finally:
        await first.close()
        await second.close()


async def test_a_transaction_rolls_back_on_error(postgres_url: str) -> None:
    db = await open_postgres(postgres_url)
    try:
        with pytest.raises(RuntimeError):
            async with transaction(db) as tx:
                await tx.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
                raise RuntimeError("boom")
        async with db.execute("SELECT COUNT(*) FROM meta") as cursor:
            assert (await cursor.fetchone())[0] == 0
    finally:
        await db.close()


async def _eventually(check: object, within: float = 1.0) -> float:
    """Seconds until `check()` (a coroutine function returning bool) held; fails after `within`."""
    started = time.perf_counter()
    while not await check():  # type: ignore[operator]
        assert time.perf_counter() - started < within, "not seen within a second"
        await asyncio.sleep(0.01)
    return time.perf_counter() - started


async def test_a_setting_changed_by_one_process_is_seen_by_the_other_within_a_second(
    postgres_url: str,
) -> None:
    one, other = await open_postgres(postgres_url), await open_postgres(postgres_url)
    try:
        clock = FakeClock(NOW)
        guilds = GuildSettingsRepository(one, clock), GuildSettingsRepository(other, clock)
        fans = UserSettingsRepository(one, clock), UserSettingsRepository(other, clock)
        for repo in (*guilds, *fans):
            await repo.watch()
        assert (await guilds[1].get(7)).timezone == "UTC"  # cached in the other process
        assert (await fans[1].get(9)).timezone is None

        await guilds[0].update(7, timezone="Europe/London")
        await fans[0].update(9, timezone="Asia/Tokyo")

        async def guild_seen() -> bool:
            return (await guilds[1].get(7)).timezone == "Europe/London"

        async def fan_seen() -> bool:
            return (await fans[1].get(9)).timezone == "Asia/Tokyo"

        await _eventually(guild_seen)
        await _eventually(fan_seen)

        # A rolled-back change notifies no one, and a forgotten fan is forgotten everywhere.
        with pytest.raises(RuntimeError):
            async with transaction(one) as tx:
                await guilds[0].update(7, tx=tx, timezone="Asia/Tokyo")
                raise RuntimeError("undone")
        await fans[0].forget(9)

        async def fan_forgotten() -> bool:
            return (await fans[1].get(9)).timezone is None

        await _eventually(fan_forgotten)
        assert (await guilds[1].get(7)).timezone == "Europe/London"
    finally:
        await one.close()
        await other.close()


async def test_a_server_event_added_or_removed_by_one_process_shows_in_the_other_within_a_second(
    postgres_url: str,
) -> None:
    # Two processes can serve one server (an overlapping deploy, a moved shard): /countdown's cache follows.
    one, other = await open_postgres(postgres_url), await open_postgres(postgres_url)
    try:
        clock = FakeClock(NOW)
        writer, reader = ServerEventRepository(one, clock), ServerEventRepository(other, clock)
        await reader.watch()
        assert await reader.for_guild(7) == []  # cached there
        generation = reader.generation
        added = await writer.add(
            7, name="Watch party", date=PartialDate.parse("2027-03-12"), created_by=1, zone=UTC_ZONE
        )

        async def listed() -> bool:
            return [e.id for e in await reader.for_guild(7)] == [added.id]

        async def gone() -> bool:
            return await reader.for_guild(7) == []

        await _eventually(listed)
        assert reader.generation != generation  # reminders following events notice it too
        assert await writer.remove(7, added.id)
        await _eventually(gone)
    finally:
        await one.close()
        await other.close()


async def test_a_reminder_added_through_one_process_wakes_the_others(postgres_url: str) -> None:
    # The fan clicked in one process; the one delivering their DMs may be another, sleeping until its next.
    one, other = await open_postgres(postgres_url), await open_postgres(postgres_url)
    try:
        clock = FakeClock(NOW)
        woken: list[None] = []
        await ReminderRepository(other, clock).watch(lambda: woken.append(None))
        await ReminderRepository(one, clock).add(
            user_id=9,
            event_key="guild:1",
            event_title="Watch party",
            lead="start",
            starts_at=datetime(2027, 1, 1, tzinfo=UTC),
            zone="UTC",
            guild_id=None,
            channel_id=None,
        )

        async def awake() -> bool:
            return bool(woken)

        await _eventually(awake)
    finally:
        await one.close()
        await other.close()


async def test_an_unreachable_server_is_a_storage_error_and_the_pool_recovers(postgres_url: str) -> None:
    outage = Outage(postgres_url)
    db = await open_postgres(await outage.open())
    repo = GuildSettingsRepository(db, FakeClock(NOW))
    try:
        assert (await repo.get(2)).timezone == "UTC"
        await outage.shut()
        started = time.perf_counter()
        with pytest.raises(StorageError, match="nothing was changed"):
            await repo.update(1, timezone="Europe/London")
        with pytest.raises(StorageError):
            await repo.get(3)
        assert time.perf_counter() - started < 3  # within Discord's deadline, both
        assert (await repo.get(2)).timezone == "UTC"  # cached: still answered
        await outage.open()
        assert (await repo.update(1, timezone="Europe/London")).timezone == "Europe/London"
        assert (await repo.get(1)).timezone == "Europe/London"
    finally:
        await db.close()
        await outage.shut()


async def test_the_reports_listing_reads_postgres_without_migrating(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import reports
    from bot.domain.reports import EntryRef, ReportText
    from bot.storage.reports import ReportRepository

    monkeypatch.setenv("DATABASE_URL", postgres_url)
    assert await asyncio.to_thread(reports, 5) == 0
    assert "No reports yet" in capsys.readouterr().out  # and nothing was migrated:
    conn = await asyncpg.connect(postgres_url)
    try:
        assert await conn.fetchval("SELECT to_regclass('schema_version')") is None
    finally:
        await conn.close()
    db = await open_postgres(postgres_url)
    try:
        text = ReportText("Nick's birthday is wrong", cut=False)
        await ReportRepository(db, FakeClock(NOW)).add(
            EntryRef("character", "nick"), "Nick Nelson", text, guild_id=1, channel_id=2, user_id=3
        )
    finally:
        await db.close()
    assert await asyncio.to_thread(reports, 5) == 0
    assert "Nick's birthday is wrong" in capsys.readouterr().out
