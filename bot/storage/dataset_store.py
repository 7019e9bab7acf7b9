"""Build the dataset into SQLite when its source changed, and load it back.

The TOML file is the source of truth; the tables are a queryable copy keyed by the file's hash.
A rebuild replaces every dataset table in one transaction, so a broken or interrupted rebuild
leaves the previous dataset in place.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

import aiosqlite

from bot.domain.clock import Clock, SystemClock
from bot.domain.dates import PartialDate, Status
from bot.domain.model import Character, Dataset, Episode, Fact, Production, Publication, ReleaseEvent, Work
from bot.domain.source import DatasetError, parse_dataset, source_hash
from bot.storage.database import transaction

log = logging.getLogger(__name__)

# Children first, so foreign keys never block the wipe even without ON DELETE CASCADE.
_TABLES = (
    "dataset_sources",
    "dataset_texts",
    "dataset_events",
    "dataset_character_seasons",
    "dataset_characters",
    "dataset_production_facts",
    "dataset_adaptations",
    "dataset_episodes",
    "dataset_productions",
    "dataset_publications",
    "dataset_works",
    "dataset_series_facts",
    "dataset_meta",
)


async def install_dataset(
    db: aiosqlite.Connection, source_path: Path, *, clock: Clock | None = None
) -> tuple[Dataset, bool]:
    """Return (dataset, built): load from SQLite if the file is unchanged, else validate and rebuild.

    Raises DatasetError if the file is unreadable or invalid; nothing is written then.
    """
    try:
        data = await asyncio.to_thread(source_path.read_bytes)
    except OSError as exc:
        raise DatasetError([f"{source_path}: cannot read the dataset file: {exc.strerror or exc}"]) from exc
    digest = source_hash(data)
    if await stored_hash(db) == digest:
        stored = await load_from_db(db)
        if stored is not None:
            log.info("Dataset %s unchanged (sha256 %s); loaded from the database", stored.id, digest[:12])
            return stored, False

    dataset = parse_dataset(data, origin=str(source_path))
    loaded_at = (clock or SystemClock()).now()
    async with transaction(db):
        for table in _TABLES:
            await db.execute(f"DELETE FROM {table}")  # fixed names from _TABLES, never input
        await _write(db, dataset, loaded_at)
    log.info("Dataset %s rebuilt from %s (sha256 %s)", dataset.id, source_path, digest[:12])
    return dataset, True


async def stored_hash(db: aiosqlite.Connection) -> str | None:
    async with db.execute("SELECT content_hash FROM dataset_meta LIMIT 1") as cursor:
        row = await cursor.fetchone()
    return None if row is None else str(row[0])


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


class _Lists:
    """Collects the rows of the two generic list tables while the entries are written."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str, int, str]] = []
        self.sources: list[tuple[str, str, int, str]] = []

    def text(self, owner: str, field: str, values: Iterable[str]) -> None:
        self.texts.extend((owner, field, i, v) for i, v in enumerate(values))

    def urls(self, owner: str, field: str, values: Iterable[str]) -> None:
        self.sources.extend((owner, field, i, v) for i, v in enumerate(values))


def _bounds(value: PartialDate) -> tuple[str, str, str | None, str | None]:
    start, end = value.earliest(), value.latest()
    return (
        value.iso(),
        value.precision,
        start.isoformat() if start else None,
        end.isoformat() if end else None,
    )


async def _write(db: aiosqlite.Connection, ds: Dataset, loaded_at: datetime) -> None:
    lists = _Lists()
    await db.execute(
        "INSERT INTO dataset_meta (id, title, description, knowledge_note, verified_on, content_hash,"
        " loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (ds.id, ds.title, ds.description, ds.knowledge_note, ds.verified_on.isoformat(), ds.content_hash,
         loaded_at.isoformat()),
    )  # fmt: skip
    lists.text(f"dataset:{ds.id}", "reliability_notes", ds.reliability_notes)

    for i, fact in enumerate(ds.series_facts):
        await db.execute(
            "INSERT INTO dataset_series_facts (position, topic, text) VALUES (?, ?, ?)",
            (i, fact.topic, fact.text),
        )
        lists.urls(f"series-fact:{i}", "sources", fact.sources)

    for i, work in enumerate(ds.works):
        await db.execute(
            "INSERT INTO dataset_works (id, position, title, kind, number, summary, spoiler_volume)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (work.id, i, work.title, work.kind, work.number, work.summary, work.spoiler_volume),
        )
        owner = f"work:{work.id}"
        for field in ("aliases", "content_notes", "notes", "unverified"):
            lists.text(owner, field, getattr(work, field))
        lists.urls(owner, "sources", work.sources)
        lists.urls(owner, "summary_sources", work.summary_sources)
        for j, pub in enumerate(work.publications):
            await db.execute(
                "INSERT INTO dataset_publications (work_id, position, region, date, precision, starts_at,"
                " ends_at, status, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (work.id, j, pub.region, *_bounds(pub.date), pub.status, pub.note),
            )
            lists.text(f"publication:{work.id}/{j}", "unverified", pub.unverified)
            lists.urls(f"publication:{work.id}/{j}", "sources", pub.sources)

    for i, prod in enumerate(ds.productions):
        await db.execute(
            "INSERT INTO dataset_productions (id, position, kind, number, title, release_date,"
            " release_precision, release_starts_at, release_ends_at, release_status, release_note,"
            " episode_count, runtime,"
            " adapts_note, summary, spoiler_season) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (prod.id, i, prod.kind, prod.number, prod.title, *_bounds(prod.release_date), prod.release_status,
             prod.release_note, prod.episode_count, prod.runtime, prod.adapts_note, prod.summary,
             prod.spoiler_season),
        )  # fmt: skip
        owner = f"production:{prod.id}"
        for field in ("aliases", "content_notes", "unverified", "notes"):
            lists.text(owner, field, getattr(prod, field))
        for field in ("sources", "release_sources", "episodes_sources", "adapts_sources", "summary_sources"):
            lists.urls(owner, field, getattr(prod, field))
        for episode in prod.episodes:
            await db.execute(
                "INSERT INTO dataset_episodes (production_id, number, title) VALUES (?, ?, ?)",
                (prod.id, episode.number, episode.title),
            )
            lists.text(f"episode:{prod.id}/{episode.number}", "unverified", episode.unverified)
        for j, fact in enumerate(prod.facts):
            await db.execute(
                "INSERT INTO dataset_production_facts (production_id, position, text) VALUES (?, ?, ?)",
                (prod.id, j, fact.text),
            )
            lists.urls(f"production-fact:{prod.id}/{j}", "sources", fact.sources)

    # Validation guarantees adapted_in and adapts mirror each other, so one row per pair suffices.
    for work in ds.works:
        for work_position, production_id in enumerate(work.adapted_in):
            prod = cast(Production, ds.production(production_id))
            await db.execute(
                "INSERT INTO dataset_adaptations (work_id, production_id, work_position, production_position)"
                " VALUES (?, ?, ?, ?)",
                (work.id, production_id, work_position, prod.adapts.index(work.id)),
            )

    for i, char in enumerate(ds.characters):
        await db.execute(
            "INSERT INTO dataset_characters (id, position, name, actor, role, grp, film, role_spoiler_season)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (char.id, i, char.name, char.actor, char.role, char.group, char.film, char.role_spoiler_season),
        )
        await db.executemany(
            "INSERT INTO dataset_character_seasons (character_id, season) VALUES (?, ?)",
            [(char.id, season) for season in char.seasons],
        )
        owner = f"character:{char.id}"
        for field in ("aliases", "unverified", "notes"):
            lists.text(owner, field, getattr(char, field))
        lists.urls(owner, "sources", char.sources)

    for i, event in enumerate(ds.events):
        await db.execute(
            "INSERT INTO dataset_events (id, position, title, date, precision, starts_at, ends_at, status,"
            " kind, related, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event.id,
                i,
                event.title,
                *_bounds(event.date),
                event.status,
                event.kind,
                event.related,
                event.note,
            ),
        )
        lists.text(f"event:{event.id}", "unverified", event.unverified)
        lists.urls(f"event:{event.id}", "sources", event.sources)

    await db.executemany(
        "INSERT INTO dataset_texts (owner, field, position, text) VALUES (?, ?, ?, ?)", lists.texts
    )
    await db.executemany(
        "INSERT INTO dataset_sources (owner, field, position, url) VALUES (?, ?, ?, ?)", lists.sources
    )


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


async def _rows(db: aiosqlite.Connection, sql: str) -> list[Any]:
    async with db.execute(sql) as cursor:
        return list(await cursor.fetchall())


async def load_from_db(db: aiosqlite.Connection) -> Dataset | None:
    """The stored dataset, equal to what parse_dataset returned when it was built; None if none is stored."""
    meta = await _rows(
        db,
        "SELECT id, title, description, knowledge_note, verified_on, content_hash FROM dataset_meta LIMIT 1",
    )
    if not meta:
        return None
    ds_id, title, description, knowledge_note, verified_on, content_hash = meta[0]

    # Positions are dense from 0, so appending in position order rebuilds each list exactly.
    texts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for owner, field, text in await _rows(
        db, "SELECT owner, field, text FROM dataset_texts ORDER BY owner, field, position"
    ):
        texts[(owner, field)].append(text)
    urls: dict[tuple[str, str], list[str]] = defaultdict(list)
    for owner, field, url in await _rows(
        db, "SELECT owner, field, url FROM dataset_sources ORDER BY owner, field, position"
    ):
        urls[(owner, field)].append(url)

    def t(owner: str, field: str) -> tuple[str, ...]:
        return tuple(texts.get((owner, field), ()))

    def u(owner: str, field: str) -> tuple[str, ...]:
        return tuple(urls.get((owner, field), ()))

    series_facts = tuple(
        Fact(text=text, sources=u(f"series-fact:{pos}", "sources"), topic=topic)
        for pos, topic, text in await _rows(
            db, "SELECT position, topic, text FROM dataset_series_facts ORDER BY position"
        )
    )

    adaptations = await _rows(
        db,
        "SELECT work_id, production_id, work_position, production_position FROM dataset_adaptations",
    )
    adapted_in: dict[str, list[tuple[int, str]]] = defaultdict(list)
    adapts: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for work_id, production_id, work_position, production_position in adaptations:
        adapted_in[work_id].append((work_position, production_id))
        adapts[production_id].append((production_position, work_id))

    publications: dict[str, list[Publication]] = defaultdict(list)
    for work_id, pos, region, date_text, status, note in await _rows(
        db,
        "SELECT work_id, position, region, date, status, note FROM dataset_publications"
        " ORDER BY work_id, position",
    ):
        owner = f"publication:{work_id}/{pos}"
        publications[work_id].append(
            Publication(
                region=region,
                date=PartialDate.parse(date_text),
                status=cast(Status, status),
                note=note,
                sources=u(owner, "sources"),
                unverified=t(owner, "unverified"),
            )
        )

    works = []
    for work_id, w_title, kind, number, summary, spoiler_volume in await _rows(
        db, "SELECT id, title, kind, number, summary, spoiler_volume FROM dataset_works ORDER BY position"
    ):
        owner = f"work:{work_id}"
        works.append(
            Work(
                id=work_id,
                title=w_title,
                kind=kind,
                number=number,
                aliases=t(owner, "aliases"),
                publications=tuple(publications.get(work_id, ())),
                summary=summary,
                summary_sources=u(owner, "summary_sources"),
                content_notes=t(owner, "content_notes"),
                notes=t(owner, "notes"),
                adapted_in=tuple(pid for _, pid in sorted(adapted_in.get(work_id, ()))),
                spoiler_volume=spoiler_volume,
                unverified=t(owner, "unverified"),
                sources=u(owner, "sources"),
            )
        )

    episodes: dict[str, list[Episode]] = defaultdict(list)
    for production_id, number, ep_title in await _rows(
        db, "SELECT production_id, number, title FROM dataset_episodes ORDER BY production_id, number"
    ):
        episodes[production_id].append(
            Episode(
                number=number, title=ep_title, unverified=t(f"episode:{production_id}/{number}", "unverified")
            )
        )
    facts: dict[str, list[Fact]] = defaultdict(list)
    for production_id, pos, text in await _rows(
        db,
        "SELECT production_id, position, text FROM dataset_production_facts ORDER BY production_id, position",
    ):
        facts[production_id].append(
            Fact(text=text, sources=u(f"production-fact:{production_id}/{pos}", "sources"))
        )

    productions = []
    for row in await _rows(
        db,
        "SELECT id, kind, number, title, release_date, release_status, release_note, episode_count, runtime,"
        " adapts_note, summary, spoiler_season FROM dataset_productions ORDER BY position",
    ):
        (prod_id, kind, number, p_title, release_date, release_status, release_note, episode_count, runtime,
         adapts_note, summary, spoiler_season) = row  # fmt: skip
        owner = f"production:{prod_id}"
        productions.append(
            Production(
                id=prod_id,
                kind=kind,
                number=number,
                title=p_title,
                aliases=t(owner, "aliases"),
                release_date=PartialDate.parse(release_date),
                release_status=cast(Status, release_status),
                release_note=release_note,
                release_sources=u(owner, "release_sources"),
                episode_count=episode_count,
                runtime=runtime,
                episodes=tuple(episodes.get(prod_id, ())),
                episodes_sources=u(owner, "episodes_sources"),
                adapts=tuple(wid for _, wid in sorted(adapts.get(prod_id, ()))),
                adapts_note=adapts_note,
                adapts_sources=u(owner, "adapts_sources"),
                summary=summary,
                summary_sources=u(owner, "summary_sources"),
                content_notes=t(owner, "content_notes"),
                facts=tuple(facts.get(prod_id, ())),
                spoiler_season=spoiler_season,
                unverified=t(owner, "unverified"),
                notes=t(owner, "notes"),
                sources=u(owner, "sources"),
            )
        )

    seasons: dict[str, list[int]] = defaultdict(list)
    for character_id, season in await _rows(
        db, "SELECT character_id, season FROM dataset_character_seasons ORDER BY character_id, season"
    ):
        seasons[character_id].append(season)
    characters = []
    for char_id, name, actor, role, group, film, role_spoiler_season in await _rows(
        db,
        "SELECT id, name, actor, role, grp, film, role_spoiler_season FROM dataset_characters"
        " ORDER BY position",
    ):
        owner = f"character:{char_id}"
        characters.append(
            Character(
                id=char_id,
                name=name,
                actor=actor,
                aliases=t(owner, "aliases"),
                role=role,
                group=group,
                seasons=tuple(seasons.get(char_id, ())),
                film=film,
                role_spoiler_season=role_spoiler_season,
                unverified=t(owner, "unverified"),
                notes=t(owner, "notes"),
                sources=u(owner, "sources"),
            )
        )

    events = tuple(
        ReleaseEvent(
            id=event_id,
            title=e_title,
            date=PartialDate.parse(date_text),
            status=cast(Status, status),
            kind=kind,
            related=related,
            note=note,
            unverified=t(f"event:{event_id}", "unverified"),
            sources=u(f"event:{event_id}", "sources"),
        )
        for event_id, e_title, date_text, status, kind, related, note in await _rows(
            db, "SELECT id, title, date, status, kind, related, note FROM dataset_events ORDER BY position"
        )
    )

    return Dataset(
        id=ds_id,
        title=title,
        description=description,
        verified_on=date.fromisoformat(verified_on),
        knowledge_note=knowledge_note,
        series_facts=series_facts,
        works=tuple(works),
        productions=tuple(productions),
        characters=tuple(characters),
        events=events,
        content_hash=content_hash,
        reliability_notes=t(f"dataset:{ds_id}", "reliability_notes"),
    )
