"""The dataset source: parse and validate the hand-edited TOML, report every problem at once."""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from bot.domain.dates import STATUSES, PartialDate, Status
from bot.domain.model import (
    CHARACTER_GROUPS,
    EVENT_KINDS,
    FILM_STATUSES,
    PRODUCTION_KINDS,
    SOURCE_KINDS,
    WORK_KINDS,
    Character,
    Dataset,
    Episode,
    Fact,
    Production,
    Publication,
    ReleaseEvent,
    SourceKind,
    StoryText,
    Work,
)
from bot.domain.source_checks import check_references, check_source_kinds, check_story_points
from bot.domain.source_fields import MISSING, Entry, Problems

log = logging.getLogger(__name__)


_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


_TOML_LINE_RE = re.compile(r"at line (\d+)")


class DatasetError(Exception):
    """The dataset source is unreadable or invalid. `problems` holds one line per problem."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("\n".join(self.problems))


T = TypeVar("T")


def load_dataset(path: Path) -> Dataset:
    """Read and validate the dataset file at `path`; raises DatasetError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DatasetError([f"{path}: cannot read the dataset file: {exc.strerror or exc}"]) from exc
    return parse_dataset(data, origin=str(path))


def parse_dataset(data: bytes, *, origin: str) -> Dataset:
    """Parse and validate the TOML bytes of a dataset; `origin` names the file in messages."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DatasetError([f"{origin}: not UTF-8 text (byte {exc.start})"]) from exc
    try:
        raw = _parse_toml(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_LINE_RE.search(str(exc))
        where = f"line {match.group(1)}" if match else "somewhere"
        raise DatasetError([f"{origin}: {where}: TOML syntax error: {exc}"]) from exc

    problems = Problems(origin)
    top = Entry(problems, "top level", raw)
    head_raw = top.get("dataset", True)
    head = Entry(problems, "[dataset]", {} if head_raw is MISSING else head_raw)
    dataset_id = head.text("id")
    title = head.text("title")
    description = head.text("description")
    knowledge_note = head.text("knowledge_note")
    editor_notes = head.texts("editor_notes")
    verified_on = _verified_on(head)
    head.finish()

    source_kinds = _source_kinds(top)
    series_facts = tuple(
        _fact(Entry(problems, f"series_facts[{i}]", item), topic_required=True)
        for i, item in enumerate(top.tables("series_facts", required=True))
    )
    works = _parse_all(top, problems, "works", _work)
    productions = _parse_all(top, problems, "productions", _production)
    characters = _parse_all(top, problems, "characters", _character)
    events = _parse_all(top, problems, "events", _event)
    top.finish()

    check_references(problems, works, productions, characters, events)
    check_story_points(problems, works, productions, characters, series_facts)
    check_source_kinds(problems, raw, source_kinds)
    if problems.lines:
        log.debug("Dataset %s has %d problems", origin, len(problems.lines))
        raise DatasetError(problems.lines)
    return Dataset(
        id=dataset_id,
        title=title,
        description=description,
        verified_on=verified_on or date.min,
        knowledge_note=knowledge_note,
        series_facts=series_facts,
        works=works,
        productions=productions,
        characters=characters,
        events=events,
        editor_notes=editor_notes,
        source_kinds=source_kinds,
    )


# Above this size the Rust parser pays for its import (~0.5 MiB resident, which the shipped 72 KB file,
# parsed by tomllib in ~5 ms, does not need): 10,000 characters parse in 97 ms against tomllib's 1,084 ms.
_FAST_PARSER_FROM_CHARS = 256 * 1024


def _parse_toml(text: str) -> dict[str, Any]:
    """The TOML document as tomllib gives it; big files are parsed by rtoml (Rust), ~10x faster.

    On any rtoml error tomllib parses the text again, so the report is tomllib's, with its line number.
    """
    if len(text) >= _FAST_PARSER_FROM_CHARS:
        import rtoml  # only big datasets need it

        try:
            return cast(dict[str, Any], rtoml.loads(text))
        except Exception:  # TomlParsingError, or anything rtoml rejects in its own way
            pass
    return tomllib.loads(text)


def _verified_on(head: Entry) -> date | None:
    value = head.get("verified_on", True)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value  # a bare TOML date literal is fine too
    if isinstance(value, str):
        parsed = None
        try:
            parsed = PartialDate.parse(value)
        except ValueError as exc:
            head.fail("verified_on", str(exc))
            return None
        if parsed.precision == "day":
            return date(cast(int, parsed.year), cast(int, parsed.month), cast(int, parsed.day))
    if value is not MISSING:
        head.fail("verified_on", f'expected a day such as "2026-07-03", got {value!r}')
    return None


def _parse_all(
    top: Entry, problems: Problems, kind: str, build: Callable[[Entry], T | None]
) -> tuple[T, ...]:
    items: list[T] = []
    for index, raw in enumerate(top.tables(kind, required=True)):
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        label = f'{kind}[{index}] (id "{raw_id}")' if isinstance(raw_id, str) else f"{kind}[{index}]"
        entry = Entry(problems, label, raw)
        built = build(entry)
        entry.finish()
        if built is not None:
            items.append(built)
    return tuple(items)


def _id(entry: Entry) -> str:
    value = entry.text("id")
    if value and not _ID_RE.match(value):
        entry.fail("id", f"{value!r} must be a lowercase slug (a-z, 0-9 and '-')")
    return value


def _fact(entry: Entry, *, topic_required: bool = False) -> Fact:
    fact = Fact(
        text=entry.text("text"),
        sources=entry.urls("sources"),
        topic=entry.text("topic", required=topic_required),
        reveals=entry.point("reveals"),
    )
    entry.finish()
    return fact


def _publication(entry: Entry) -> Publication:
    pub = Publication(
        region=entry.text("region"),
        date=entry.date("date"),
        status=cast(Status, entry.choice("status", STATUSES) or "confirmed"),
        note=entry.text("note", required=False),
        sources=entry.urls("sources"),
        unverified=entry.texts("unverified"),
    )
    entry.finish()
    return pub


def _work(entry: Entry) -> Work:
    publications = tuple(
        _publication(Entry(entry.problems, f"{entry.label}: publications[{i}]", raw))
        for i, raw in enumerate(entry.tables("publications", required=True))
    )
    if not publications and entry.ok:
        entry.fail("publications", "needs at least one publication")
    return Work(
        id=_id(entry),
        title=entry.text("title"),
        kind=entry.choice("kind", WORK_KINDS) or "",
        number=entry.integer("number", required=False, minimum=1, what="a volume number"),
        aliases=entry.texts("aliases"),
        publications=publications,
        summary=_required_story(entry, "summary"),
        summary_sources=entry.urls("summary_sources"),
        content_notes=entry.texts("content_notes"),
        notes=entry.stories("notes"),
        adapted_in=entry.texts("adapted_in"),
        spoiler_volume=entry.integer("spoiler_volume", minimum=1, what="a volume number") or 0,
        unverified=entry.texts("unverified"),
        sources=entry.urls("sources"),
        editor_notes=entry.texts("editor_notes"),
    )


def _episode(entry: Entry) -> Episode:
    episode = Episode(
        number=entry.integer("number", minimum=1, what="an episode number") or 0,
        title=entry.optional_text("title"),
        unverified=entry.texts("unverified"),
        reveals=entry.point("reveals"),
    )
    if episode.title is None and not episode.unverified and entry.ok:
        entry.fail("unverified", "an episode without a title needs an unverified note saying why")
    entry.finish()
    return episode


def _production(entry: Entry) -> Production:
    kind = entry.choice("kind", PRODUCTION_KINDS)
    number = entry.integer("number", required=kind == "season", minimum=1, what="a season number")
    if kind == "film" and number is not None:
        entry.fail("number", "a film has no season number")
    episodes = tuple(
        _episode(Entry(entry.problems, f"{entry.label}: episodes[{i}]", raw))
        for i, raw in enumerate(entry.tables("episodes"))
    )
    numbers = [e.number for e in episodes]
    if numbers != list(range(1, len(numbers) + 1)):
        entry.fail("episodes", f"episode numbers must run 1..n in order, got {numbers}")
    episode_count = entry.integer("episode_count", required=kind == "season", minimum=1, what="a count")
    if episodes and episode_count is not None and episode_count != len(episodes):
        entry.fail("episode_count", f"says {episode_count} but {len(episodes)} episodes are listed")
    spoiler_season = entry.integer("spoiler_season", minimum=1, what="a season number") or 0
    if kind == "season" and number is not None and spoiler_season and spoiler_season != number:
        entry.fail("spoiler_season", f"a season's spoiler_season must be its number ({number})")
    return Production(
        id=_id(entry),
        kind=kind or "",
        number=number,
        title=entry.text("title"),
        aliases=entry.texts("aliases"),
        release_date=entry.date("release_date"),
        release_status=cast(Status, entry.choice("release_status", STATUSES) or "confirmed"),
        release_note=entry.text("release_note", required=False),
        release_sources=entry.urls("release_sources"),
        episode_count=episode_count,
        runtime=entry.optional_text("runtime"),
        episodes=episodes,
        episodes_sources=entry.urls("episodes_sources", required=bool(episodes)),
        adapts=entry.texts("adapts", required=True),
        adapts_note=entry.story("adapts_note", required=False),
        adapts_sources=entry.urls("adapts_sources"),
        summary=_required_story(entry, "summary"),
        summary_sources=entry.urls("summary_sources"),
        content_notes=entry.texts("content_notes"),
        facts=tuple(
            _fact(Entry(entry.problems, f"{entry.label}: facts[{i}]", raw))
            for i, raw in enumerate(entry.tables("facts"))
        ),
        spoiler_season=spoiler_season,
        unverified=entry.texts("unverified"),
        notes=entry.stories("notes"),
        sources=entry.urls("sources"),
        editor_notes=entry.texts("editor_notes"),
    )


def _character(entry: Entry) -> Character:
    actor = entry.text("actor", required=False, allow_empty=True)
    unverified = entry.texts("unverified")
    if not actor.strip() and not unverified and entry.ok:
        entry.fail("actor", "may be empty only when an unverified note explains it")
    seasons = entry.ints("seasons", what="season numbers")
    group = entry.choice("group", CHARACTER_GROUPS)
    # The group rule: "main" is an editorial choice; anyone else is recurring in 2+ seasons, else guest.
    if group in ("recurring", "guest") and seasons:
        expected = "recurring" if len(seasons) >= 2 else "guest"
        if group != expected:
            entry.fail(
                "group", f"with {len(seasons)} season(s) this character is {expected!r}, not {group!r}"
            )
    return Character(
        id=_id(entry),
        name=entry.text("name"),
        actor=actor,
        aliases=entry.texts("aliases"),
        role=_required_story(entry, "role"),
        group=group or "",
        seasons=seasons,
        film=entry.choice("film", FILM_STATUSES, required=False),
        unverified=unverified,
        notes=entry.stories("notes"),
        sources=entry.urls("sources"),
        editor_notes=entry.texts("editor_notes"),
    )


def _event(entry: Entry) -> ReleaseEvent:
    return ReleaseEvent(
        id=_id(entry),
        title=entry.text("title"),
        date=entry.date("date"),
        status=cast(Status, entry.choice("status", STATUSES) or "confirmed"),
        kind=entry.choice("kind", EVENT_KINDS) or "",
        related=entry.optional_text("related"),
        note=entry.text("note", required=False),
        unverified=entry.texts("unverified"),
        sources=entry.urls("sources"),
        editor_notes=entry.texts("editor_notes"),
    )


def _required_story(entry: Entry, name: str) -> StoryText:
    return entry.story(name) or StoryText("")


def _source_kinds(top: Entry) -> dict[str, SourceKind]:
    raw = top.get("source_kinds", True)
    table = Entry(top.problems, "[source_kinds]", {} if raw is MISSING else raw)
    kinds: dict[str, SourceKind] = {}
    for host in list(table.raw):
        kind = table.choice(host, SOURCE_KINDS)
        if kind is not None:
            kinds[host] = cast(SourceKind, kind)
    table.finish()
    return kinds
