import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.domain.errors import StorageError
from bot.storage.database import Migration, apply_migrations, discover_migrations, open_database, transaction


async def test_open_database_migrates_to_latest_in_wal_mode(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "fandex.sqlite3")
    try:
        async with db.execute("PRAGMA user_version") as cursor:
            (version,) = await cursor.fetchone()
        assert version == len(discover_migrations())
        async with db.execute("PRAGMA journal_mode") as cursor:
            (mode,) = await cursor.fetchone()
        assert mode == "wal"
        async with db.execute("PRAGMA foreign_keys") as cursor:
            (fk,) = await cursor.fetchone()
        assert fk == 1
    finally:
        await db.close()


async def test_reopening_applies_nothing_new(tmp_path: Path) -> None:
    path = tmp_path / "fandex.sqlite3"
    db = await open_database(path)
    await db.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
    await db.close()
    db = await open_database(path)
    try:
        async with db.execute("SELECT value FROM meta WHERE key = 'k'") as cursor:
            assert (await cursor.fetchone())[0] == "v"
    finally:
        await db.close()


async def test_failing_migration_changes_nothing(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "fandex.sqlite3")
    try:
        existing = discover_migrations()
        broken = [
            *existing,
            Migration(len(existing) + 1, "x_ok.sql", "CREATE TABLE new_one (id INTEGER);"),
            Migration(len(existing) + 2, "x_bad.sql", "CREATE TABLE oops (;"),
        ]
        with pytest.raises(sqlite3.OperationalError):
            await apply_migrations(db, broken)
        async with db.execute("PRAGMA user_version") as cursor:
            assert (await cursor.fetchone())[0] == len(existing)
        async with db.execute("SELECT name FROM sqlite_master WHERE name = 'new_one'") as cursor:
            assert await cursor.fetchone() is None
    finally:
        await db.close()


async def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "fandex.sqlite3")
    try:
        with pytest.raises(RuntimeError):
            async with transaction(db) as tx:
                await tx.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
                raise RuntimeError("boom")
        async with db.execute("SELECT COUNT(*) FROM meta") as cursor:
            assert (await cursor.fetchone())[0] == 0
    finally:
        await db.close()


async def cancelled_at_the_next_await() -> None:
    """Cancel this task: the cancellation lands at its next await, as a shutdown's can."""
    task = asyncio.current_task()
    assert task is not None
    task.cancel()


async def test_a_cancellation_during_commit_or_begin_goes_on_and_the_connection_stays_usable(
    tmp_path: Path,
) -> None:
    db = await open_database(tmp_path / "fandex.sqlite3")
    task = asyncio.current_task()
    assert task is not None
    try:
        # At COMMIT: aiosqlite's thread still commits, so the ROLLBACK after it finds no transaction.
        with pytest.raises(asyncio.CancelledError):
            async with transaction(db) as tx:
                await tx.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
                await cancelled_at_the_next_await()
        task.uncancel()
        # At BEGIN: the transaction began on the thread all the same and must not be left open.
        with pytest.raises(asyncio.CancelledError):
            await cancelled_at_the_next_await()
            async with transaction(db) as tx:
                await tx.execute("INSERT INTO meta (key, value) VALUES ('b', '2')")
        task.uncancel()
        async with transaction(db) as tx:
            await tx.execute("INSERT INTO meta (key, value) VALUES ('c', '3')")
        async with db.execute("SELECT key FROM meta ORDER BY key") as cursor:
            assert [row[0] for row in await cursor.fetchall()] == ["a", "c"]
    finally:
        await db.close()


async def test_read_only_database_gives_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "fandex.sqlite3"
    db = await open_database(path)
    await db.close()
    import aiosqlite

    ro = await aiosqlite.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        with pytest.raises(StorageError, match="Nothing was changed"):
            async with transaction(ro) as tx:
                await tx.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
    finally:
        await ro.close()


def test_migration_files_are_numbered_without_gaps() -> None:
    versions = [m.version for m in discover_migrations()]
    assert versions == list(range(1, len(versions) + 1))
