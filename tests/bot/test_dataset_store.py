"""The dataset is read from its TOML file at every start; the SQLite copy is gone (migration 0004).

Real SQLite in tmp_path, the real loader, and FandexBot.prepare without Discord.
"""

from __future__ import annotations

import shutil
import sqlite3
import tomllib
from dataclasses import replace
from pathlib import Path

import aiosqlite
import pytest
import rtoml

from bot.app.client import FandexBot
from bot.config import DEFAULT_DATASET_PATH, Settings, load_settings
from bot.domain.source import DatasetError, load_dataset, parse_dataset
from bot.storage.database import apply_migrations, discover_migrations, open_database

DATASET_TABLES = {
    "dataset_meta",
    "dataset_series_facts",
    "dataset_works",
    "dataset_publications",
    "dataset_productions",
    "dataset_episodes",
    "dataset_adaptations",
    "dataset_production_facts",
    "dataset_characters",
    "dataset_character_seasons",
    "dataset_events",
    "dataset_texts",
    "dataset_sources",
}


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "heartstopper.toml"
    shutil.copyfile(DEFAULT_DATASET_PATH, path)
    return path


def settings_for(tmp_path: Path, source: Path) -> Settings:
    return replace(
        load_settings({"DISCORD_TOKEN": "x"}), dataset_path=source, database_path=tmp_path / "fandex.sqlite3"
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def test_a_new_database_has_no_dataset_tables(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "fandex.sqlite3")
    await db.close()
    assert not tables(tmp_path / "fandex.sqlite3") & DATASET_TABLES
    assert {"meta", "guild_settings", "guild_events"} <= tables(tmp_path / "fandex.sqlite3")


async def test_migration_4_drops_the_dataset_copy_and_keeps_the_servers_data(tmp_path: Path) -> None:
    path = tmp_path / "fandex.sqlite3"
    db = await aiosqlite.connect(path, isolation_level=None)
    try:
        migrations = discover_migrations()
        assert await apply_migrations(db, migrations[:3]) == 3
        await db.execute("PRAGMA foreign_keys = ON")  # as open_database runs: parents drop after children
        await db.execute(
            "INSERT INTO dataset_works (id, position, title, kind, summary, spoiler_volume)"
            " VALUES ('volume-1', 1, 'Volume 1', 'graphic novel', '', 1)"
        )
        await db.execute(
            "INSERT INTO dataset_publications (work_id, position, region, date, precision, status, note)"
            " VALUES ('volume-1', 0, 'UK', '2019-02', 'month', 'confirmed', '')"
        )
        await db.execute("INSERT INTO meta (key, value) VALUES ('kept', 'yes')")
        assert tables(path) >= DATASET_TABLES
        assert await apply_migrations(db, migrations) == len(migrations)
    finally:
        await db.close()
    assert not tables(path) & DATASET_TABLES
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT value FROM meta WHERE key = 'kept'").fetchone() == ("yes",)


async def test_prepare_loads_the_dataset_from_the_file(tmp_path: Path, source: Path) -> None:
    async with FandexBot(settings_for(tmp_path, source)) as bot:
        await bot.prepare()
        assert bot.dataset == load_dataset(DEFAULT_DATASET_PATH)
        assert bot.catalog.dataset is bot.dataset
    edit(source, 'name = "Charlie Spring"\n', 'name = "Charles Spring"\n')
    async with FandexBot(settings_for(tmp_path, source)) as restarted:
        await restarted.prepare()
        # No stale copy: an edited file is what the next start answers from.
        assert any(c.name == "Charles Spring" for c in restarted.dataset.characters)


async def test_a_broken_source_refuses_to_start_with_the_report(tmp_path: Path, source: Path) -> None:
    edit(source, '\ndate = "2024-10-03"', '\ndate = "2024-02-30"')
    async with FandexBot(settings_for(tmp_path, source)) as bot:
        with pytest.raises(DatasetError, match=r'events\[\d+\] \(id "season-3-premiere"\): field "date"'):
            await bot.prepare()
        assert not hasattr(bot, "db"), "the database is not opened for a dataset that does not load"


def test_a_missing_file_is_reported_with_its_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(DatasetError, match="cannot read the dataset file") as refused:
        load_dataset(missing)
    assert str(missing) in str(refused.value)


# Past bot.domain.source's threshold, so rtoml parses it; the comments change nothing in the document.
PADDING = "# padding\n" * 30_000


@pytest.mark.parametrize("padding", ["", PADDING], ids=["tomllib", "rtoml"])
@pytest.mark.parametrize(
    ("text", "line"),
    [("[dataset\nid = 1\n", 1), ('[dataset]\nid = "a"\n\nkey = = 3\n', 4)],
)
def test_toml_errors_keep_tomllib_s_line_numbers(padding: str, text: str, line: int) -> None:
    # rtoml parses big valid files; tomllib re-parses a broken one so the report names the line.
    lines = padding.count("\n")
    with pytest.raises(DatasetError, match=rf"line {line + lines}: TOML syntax error"):
        parse_dataset((padding + text).encode(), origin="broken.toml")


def test_the_fast_parser_reads_a_big_file_as_tomllib_does() -> None:
    text = DEFAULT_DATASET_PATH.read_text(encoding="utf-8") + PADDING
    assert rtoml.loads(text) == tomllib.loads(text)
    assert parse_dataset(text.encode(), origin="big.toml") == load_dataset(DEFAULT_DATASET_PATH)
