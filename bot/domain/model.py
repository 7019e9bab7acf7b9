"""The dataset model: frozen dataclasses, read-only while the bot runs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from bot.domain.dates import PartialDate, Status

WORK_KINDS: tuple[str, ...] = ("graphic novel", "novella", "novel", "companion")


PRODUCTION_KINDS: tuple[str, ...] = ("season", "film")


CHARACTER_GROUPS: tuple[str, ...] = ("main", "recurring", "guest")


FILM_STATUSES: tuple[str, ...] = ("confirmed", "unverified")


EVENT_KINDS: tuple[str, ...] = ("book", "season", "film", "news")


@dataclass(frozen=True, slots=True)
class Fact:
    text: str
    sources: tuple[str, ...]
    topic: str = ""


@dataclass(frozen=True, slots=True)
class Publication:
    region: str
    date: PartialDate
    status: Status
    note: str
    sources: tuple[str, ...]
    unverified: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Work:
    id: str
    title: str
    kind: str
    number: int | None
    aliases: tuple[str, ...]
    publications: tuple[Publication, ...]
    summary: str
    summary_sources: tuple[str, ...]
    content_notes: tuple[str, ...]
    notes: tuple[str, ...]
    adapted_in: tuple[str, ...]
    spoiler_volume: int
    unverified: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Episode:
    number: int
    title: str | None
    unverified: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Production:
    id: str
    kind: str
    number: int | None
    title: str
    aliases: tuple[str, ...]
    release_date: PartialDate
    release_status: Status
    release_note: str
    release_sources: tuple[str, ...]
    episode_count: int | None
    runtime: str | None
    episodes: tuple[Episode, ...]
    episodes_sources: tuple[str, ...]
    adapts: tuple[str, ...]
    adapts_note: str
    adapts_sources: tuple[str, ...]
    summary: str
    summary_sources: tuple[str, ...]
    content_notes: tuple[str, ...]
    facts: tuple[Fact, ...]
    spoiler_season: int
    unverified: tuple[str, ...]
    notes: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Character:
    id: str
    name: str
    actor: str  # "" when no source names the actor
    aliases: tuple[str, ...]
    role: str
    group: str
    seasons: tuple[int, ...]
    film: str | None  # "confirmed" | "unverified" | None (not known to appear)
    role_spoiler_season: int | None
    unverified: tuple[str, ...]
    notes: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReleaseEvent:
    id: str
    title: str
    date: PartialDate
    status: Status
    kind: str
    related: str | None
    note: str
    unverified: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Dataset:
    id: str
    title: str
    description: str
    verified_on: date
    knowledge_note: str
    series_facts: tuple[Fact, ...]
    works: tuple[Work, ...]
    productions: tuple[Production, ...]
    characters: tuple[Character, ...]
    events: tuple[ReleaseEvent, ...]
    content_hash: str
    reliability_notes: tuple[str, ...] = field(default=())

    def work(self, id: str) -> Work | None:
        return next((w for w in self.works if w.id == id), None)

    def production(self, id: str) -> Production | None:
        return next((p for p in self.productions if p.id == id), None)

    def character(self, id: str) -> Character | None:
        return next((c for c in self.characters if c.id == id), None)

    def event(self, id: str) -> ReleaseEvent | None:
        return next((e for e in self.events if e.id == id), None)

    @property
    def seasons(self) -> tuple[Production, ...]:
        return tuple(sorted((p for p in self.productions if p.kind == "season"), key=lambda p: p.number or 0))

    @property
    def film(self) -> Production | None:
        return next((p for p in self.productions if p.kind == "film"), None)


# Reports used by `check-data`


def unverified_facts(dataset: Dataset) -> list[str]:
    """Every UNVERIFIED note in the dataset, labelled by the entry it belongs to."""
    lines: list[str] = []

    def add(label: str, notes: Iterable[str]) -> None:
        lines.extend(f"{label}: {note}" for note in notes)

    for work in dataset.works:
        add(f"work {work.id}", work.unverified)
        for pub in work.publications:
            add(f"work {work.id} ({pub.region} publication)", pub.unverified)
    for production in dataset.productions:
        add(f"production {production.id}", production.unverified)
        for episode in production.episodes:
            add(f"production {production.id} episode {episode.number}", episode.unverified)
    for character in dataset.characters:
        add(f"character {character.id}", character.unverified)
    for event in dataset.events:
        add(f"event {event.id}", event.unverified)
    return lines


def counts(dataset: Dataset) -> dict[str, int]:
    return {
        "works": len(dataset.works),
        "seasons": len(dataset.seasons),
        "episodes": sum(len(p.episodes) for p in dataset.productions),
        "films": sum(1 for p in dataset.productions if p.kind == "film"),
        "characters": len(dataset.characters),
        "events": len(dataset.events),
    }
