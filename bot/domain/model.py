"""The dataset model: frozen dataclasses, read-only while the bot runs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal
from urllib.parse import urlsplit

from bot.domain.dates import PartialDate, Status

WORK_KINDS: tuple[str, ...] = ("graphic novel", "novella", "novel", "companion")


PRODUCTION_KINDS: tuple[str, ...] = ("season", "film")


CHARACTER_GROUPS: tuple[str, ...] = ("main", "recurring", "guest")


FILM_STATUSES: tuple[str, ...] = ("confirmed", "unverified")


EVENT_KINDS: tuple[str, ...] = ("book", "season", "film", "news")


FILM_SPOILER_SEASON = 4

SourceKind = Literal["official", "press", "fan", "weak"]
# Best first: an answer links the first few kinds in this order and never links a weak page.
SOURCE_KINDS: tuple[SourceKind, ...] = ("official", "press", "fan", "weak")


@dataclass(frozen=True, slots=True)
class StoryPoint:
    """How far into the story a text reaches: a season (the film counts as 4) and/or a volume.

    A fan who has not watched that season or read that volume would be spoiled by the text. Written in
    the source as "none", "S2", "film", "V4" or "S3 V5".
    """

    season: int | None = None
    volume: int | None = None

    @classmethod
    def parse(cls, text: str) -> StoryPoint:
        season: int | None = None
        volume: int | None = None
        words = text.split()
        if words == ["none"]:
            return cls()
        for word in words:
            if word == "film" and season is None:
                season = FILM_SPOILER_SEASON
            elif word[:1] == "S" and _ascii_number(word[1:]) and season is None and volume is None:
                season = int(word[1:])
            elif word[:1] == "V" and _ascii_number(word[1:]) and volume is None:
                volume = int(word[1:])
            else:
                raise ValueError(
                    f'{text!r} is not a story point: write "none", a season ("S1".."S3", "film") and/or '
                    'a volume ("V1".."V6"), season first, e.g. "S1 V2"'
                )
        if not words or (season is not None and season < 1) or (volume is not None and volume < 1):
            raise ValueError(f"{text!r} is not a story point")
        return cls(season, volume)

    def __str__(self) -> str:
        parts = []
        if self.season is not None:
            parts.append("film" if self.season == FILM_SPOILER_SEASON else f"S{self.season}")
        if self.volume is not None:
            parts.append(f"V{self.volume}")
        return " ".join(parts) or "none"


NO_STORY = StoryPoint()


def _ascii_number(text: str) -> bool:
    # Not str.isdigit(): it accepts "²" (which int() then refuses) and other scripts' digits.
    return text.isascii() and text.isdigit()


@dataclass(frozen=True, slots=True)
class StoryText:
    """A piece of fan-facing story text and the story point it reveals."""

    text: str
    reveals: StoryPoint = NO_STORY


@dataclass(frozen=True, slots=True)
class Fact:
    text: str
    sources: tuple[str, ...]
    topic: str = ""
    reveals: StoryPoint = NO_STORY


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
    summary: StoryText
    summary_sources: tuple[str, ...]
    content_notes: tuple[str, ...]
    notes: tuple[StoryText, ...]
    adapted_in: tuple[str, ...]
    spoiler_volume: int
    unverified: tuple[str, ...]
    sources: tuple[str, ...]
    editor_notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Episode:
    number: int
    title: str | None
    unverified: tuple[str, ...] = ()
    reveals: StoryPoint = NO_STORY  # an episode title is story text


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
    adapts_note: StoryText | None
    adapts_sources: tuple[str, ...]
    summary: StoryText
    summary_sources: tuple[str, ...]
    content_notes: tuple[str, ...]
    facts: tuple[Fact, ...]
    spoiler_season: int
    unverified: tuple[str, ...]
    notes: tuple[StoryText, ...]
    sources: tuple[str, ...]
    editor_notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Character:
    id: str
    name: str
    actor: str  # "" when no source names the actor
    aliases: tuple[str, ...]
    role: StoryText
    group: str
    seasons: tuple[int, ...]
    film: str | None  # "confirmed" | "unverified" | None (not known to appear)
    unverified: tuple[str, ...]
    notes: tuple[StoryText, ...]
    sources: tuple[str, ...]
    editor_notes: tuple[str, ...] = ()


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
    editor_notes: tuple[str, ...] = ()


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
    editor_notes: tuple[str, ...] = field(default=())  # for maintainers only: never shown to fans
    source_kinds: Mapping[str, SourceKind] = field(default_factory=dict)

    def source_kind(self, url: str) -> SourceKind:
        """The kind of a source URL: its host (without "www."), then each parent domain; unknown is weak."""
        return source_kind(self.source_kinds, url) or "weak"

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


def source_host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def source_kind(
    kinds: Mapping[str, SourceKind], url: str, default: SourceKind | None = "weak"
) -> SourceKind | None:
    host = source_host(url)
    while host:
        if host in kinds:
            return kinds[host]
        host = host.partition(".")[2]
    return default


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
