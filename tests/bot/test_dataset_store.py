"""Building the dataset into SQLite and loading it back (real SQLite in tmp_path)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest

from bot.domain.model import Dataset
from bot.domain.source import DatasetError, parse_dataset
from bot.storage.database import open_database
from bot.storage.dataset_store import install_dataset, load_from_db, stored_hash

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "heartstopper.toml"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    connection = await open_database(tmp_path / "fandex.sqlite3")
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "heartstopper.toml"
    shutil.copyfile(DATA_FILE, path)
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def parse_file(path: Path) -> Dataset:
    return parse_dataset(path.read_bytes(), origin=str(path))


async def count(db: aiosqlite.Connection, table: str) -> int:
    async with db.execute(f"SELECT COUNT(*) FROM {table}") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def test_builds_once_then_loads_equal_dataset(db: aiosqlite.Connection, source: Path) -> None:
    first, built = await install_dataset(db, source)
    assert built is True
    assert first == parse_file(source)

    second, built_again = await install_dataset(db, source)
    assert built_again is False
    assert second == first
    assert await load_from_db(db) == parse_file(source)

    assert await count(db, "dataset_works") == 10
    assert await count(db, "dataset_episodes") == 24
    assert await count(db, "dataset_characters") == 34
    assert await count(db, "dataset_events") == 28


async def test_tables_are_queryable(db: aiosqlite.Connection, source: Path) -> None:
    await install_dataset(db, source)
    async with db.execute(
        "SELECT c.name FROM dataset_characters c JOIN dataset_character_seasons s ON s.character_id = c.id"
        " WHERE s.season = 3 AND c.grp = 'main' ORDER BY c.position"
    ) as cursor:
        names = [row[0] for row in await cursor.fetchall()]
    assert names[:2] == ["Charlie Spring", "Nick Nelson"] and len(names) == 8
    async with db.execute(
        "SELECT release_starts_at FROM dataset_productions WHERE id = 'season-1'"
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None and row[0] == "2022-04-22T07:00:00+00:00"
    async with db.execute(
        "SELECT work_id FROM dataset_adaptations WHERE production_id = 'season-2'"
    ) as cursor:
        assert [r[0] for r in await cursor.fetchall()] == ["volume-3"]


async def test_changed_file_rebuilds(db: aiosqlite.Connection, source: Path) -> None:
    original, _ = await install_dataset(db, source)
    edit(source, 'role = "A Truham teacher."', 'role = "A Truham teacher (edited)."')
    changed, built = await install_dataset(db, source)
    assert built is True
    assert changed.content_hash != original.content_hash
    assert changed.character("mr-lange").role == "A Truham teacher (edited)."
    assert await load_from_db(db) == changed
    assert await count(db, "dataset_meta") == 1


async def test_broken_file_keeps_previous_dataset(db: aiosqlite.Connection, source: Path) -> None:
    original, _ = await install_dataset(db, source)
    good_hash = await stored_hash(db)
    edit(source, '\ndate = "2024-10-03"', '\ndate = "2024-02-30"')
    with pytest.raises(DatasetError, match=r'events\[21\] \(id "season-3-premiere"\): field "date"'):
        await install_dataset(db, source)
    assert await stored_hash(db) == good_hash
    assert await load_from_db(db) == original


async def test_failure_mid_write_rolls_back(db: aiosqlite.Connection, source: Path, tmp_path: Path) -> None:
    original, _ = await install_dataset(db, source)
    # A valid file whose write fails inside the transaction (a trigger rejects one insert).
    await db.execute(
        "CREATE TEMP TRIGGER reject_events BEFORE INSERT ON dataset_events"
        " BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
    )
    edit(source, "# Fandex dataset", "# Fandex dataset (edited)")
    with pytest.raises(Exception, match="simulated failure"):
        await install_dataset(db, source)
    await db.execute("DROP TRIGGER temp.reject_events")
    assert await load_from_db(db) == original


async def test_empty_database_has_no_dataset(db: aiosqlite.Connection) -> None:
    assert await load_from_db(db) is None
    assert await stored_hash(db) is None
