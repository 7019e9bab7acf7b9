"""Checks across a whole parsed source: references between entries, story points, source kinds."""

from __future__ import annotations

from collections.abc import Iterator

from bot.domain.model import (
    Character,
    Fact,
    Production,
    ReleaseEvent,
    SourceKind,
    StoryPoint,
    Work,
    source_host,
    source_kind,
)
from bot.domain.source_fields import Problems


def _urls(value: object) -> Iterator[str]:
    """Every source URL anywhere in the raw TOML (any field named sources or *_sources)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "sources" or key.endswith("_sources"):
                yield from (url for url in (item if isinstance(item, list) else []) if isinstance(url, str))
            else:
                yield from _urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from _urls(item)


def check_source_kinds(problems: Problems, raw: object, kinds: dict[str, SourceKind]) -> None:
    """Every source must have a kind, so an answer knows which to link and which never to."""
    unknown = sorted(
        {
            source_host(url)
            for url in _urls(raw)
            # A URL that is not http(s) is already reported as such: no second problem for it.
            if url.startswith(("http://", "https://")) and source_kind(kinds, url, default=None) is None
        }
    )
    for host in unknown:
        problems.add(
            "[source_kinds]", host, "no kind for this source's host: add it as official, press, fan or weak"
        )


def check_story_points(
    problems: Problems,
    works: tuple[Work, ...],
    productions: tuple[Production, ...],
    characters: tuple[Character, ...],
    series_facts: tuple[Fact, ...],
) -> None:
    """A story point must name a season or volume the dataset has."""
    top_season = max((p.spoiler_season for p in productions), default=0)
    top_volume = max((w.spoiler_volume for w in works), default=0)

    def check(label: str, point: StoryPoint) -> None:
        if point.season is not None and point.season > top_season:
            problems.add(label, "reveals", f"season {point.season} is beyond the last one ({top_season})")
        if point.volume is not None and point.volume > top_volume:
            problems.add(label, "reveals", f"volume {point.volume} is beyond the last one ({top_volume})")

    for work in works:
        for text in (work.summary, *work.notes):
            check(f'works (id "{work.id}")', text.reveals)
    for production in productions:
        texts = [production.summary, *production.notes, *(f for f in [production.adapts_note] if f)]
        for text in texts:
            check(f'productions (id "{production.id}")', text.reveals)
        for fact in production.facts:
            check(f'productions (id "{production.id}"): facts', fact.reveals)
        for episode in production.episodes:
            check(f'productions (id "{production.id}"): episode {episode.number}', episode.reveals)
    for character in characters:
        for text in (character.role, *character.notes):
            check(f'characters (id "{character.id}")', text.reveals)
    for fact in series_facts:
        check("series_facts", fact.reveals)


def check_references(
    problems: Problems,
    works: tuple[Work, ...],
    productions: tuple[Production, ...],
    characters: tuple[Character, ...],
    events: tuple[ReleaseEvent, ...],
) -> None:
    def label(kind: str, index: int, id: str) -> str:
        return f'{kind}[{index}] (id "{id}")'

    for kind, items in (
        ("works", works),
        ("productions", productions),
        ("characters", characters),
        ("events", events),
    ):
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.id in seen:
                problems.add(
                    label(kind, index, item.id), "id", f"duplicate id (also {kind}[{seen[item.id]}])"
                )
            else:
                seen[item.id] = index

    work_ids = {w.id for w in works}
    production_ids = {p.id for p in productions}
    for index, work in enumerate(works):
        for pid in work.adapted_in:
            if pid not in production_ids:
                problems.add(label("works", index, work.id), "adapted_in", f'no production has id "{pid}"')
            elif work.id not in next(p for p in productions if p.id == pid).adapts:
                problems.add(
                    label("works", index, work.id),
                    "adapted_in",
                    f'production "{pid}" does not list it in "adapts"',
                )
    for index, production in enumerate(productions):
        for wid in production.adapts:
            if wid not in work_ids:
                problems.add(label("productions", index, production.id), "adapts", f'no work has id "{wid}"')
            elif production.id not in next(w for w in works if w.id == wid).adapted_in:
                problems.add(
                    label("productions", index, production.id),
                    "adapts",
                    f'work "{wid}" does not list it in "adapted_in"',
                )

    season_numbers = [p.number for p in productions if p.kind == "season"]
    if len(season_numbers) != len(set(season_numbers)):
        problems.add("productions", "number", f"season numbers repeat: {season_numbers}")
    known_seasons = {n for n in season_numbers if n is not None}
    for index, character in enumerate(characters):
        unknown = [s for s in character.seasons if s not in known_seasons]
        if unknown:
            problems.add(label("characters", index, character.id), "seasons", f"no such season(s): {unknown}")

    # Names and aliases must find exactly one character, so a lookup is never ambiguous.
    owners: dict[str, str] = {}
    for index, character in enumerate(characters):
        for name in (character.name, *character.aliases):
            key = name.casefold()
            if owners.get(key, character.id) != character.id:
                problems.add(
                    label("characters", index, character.id),
                    "aliases",
                    f'"{name}" already names character "{owners[key]}"',
                )
            owners.setdefault(key, character.id)

    related_ids = work_ids | production_ids
    for index, event in enumerate(events):
        if event.related is not None and event.related not in related_ids:
            problems.add(
                label("events", index, event.id), "related", f'no work or production has id "{event.related}"'
            )
