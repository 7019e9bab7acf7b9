"""Which /countdown event a fan means: releases before news, what an event releases by any of its names
("film", "Volume 6", "s3"), typos as /cast tolerates them, and several candidates when several fit.

A dataset event carries the words of its title and of the entry it releases (`related`), so "film"
finds "Heartstopper Forever premieres on Netflix" although its title never says "film". When a query
names an entry exactly, its releases are the answer: the one premiere of the film, or a pick between
Volume 6's UK and US publications. News ("Filming wraps") and rumours come after the releases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.cast import query_tokens
from bot.domain.countdown import DATASET_KEY_PREFIX, CountdownEvent, timeline, unknown_event_message
from bot.domain.errors import InvalidOptionError, NotFoundError
from bot.domain.matching import EXACT, TYPO, WordMatch, match_all, words
from bot.domain.model import Dataset, Production, ReleaseEvent, Work
from bot.domain.sources import pick_sources
from bot.domain.story import lookup_key, production_keys, typo_distance, work_keys
from bot.domain.text import clean_user_text

SUGGESTION_LIMIT = 25


def _release_names(entry: Production | Work) -> tuple[frozenset[str], frozenset[str]]:
    """The lookup keys of an entry and the words of its names (title, aliases, season or volume forms)."""
    if isinstance(entry, Production):
        keys = production_keys(entry)
        forms = [f"season {entry.number}", f"s{entry.number}"] if entry.number is not None else []
    else:
        keys = work_keys(entry)
        forms = [f"volume {entry.number}", f"vol {entry.number}"] if entry.number is not None else []
    names = [entry.title, *entry.aliases, *forms]
    return frozenset(keys), frozenset().union(*(words(name) for name in names))


def _countdown_event(dataset: Dataset, event: ReleaseEvent) -> CountdownEvent:
    related = dataset.production(event.related or "") or dataset.work(event.related or "")
    keys, names = _release_names(related) if related is not None else (frozenset(), frozenset())
    pick = pick_sources(dataset, event.sources)
    return CountdownEvent(
        key=DATASET_KEY_PREFIX + event.id,
        title=event.title,
        date=event.date,
        status=event.status,
        note=event.note,
        sources=pick.shown,
        verified_on=dataset.verified_on,
        unreliable_sources=pick.unreliable,
        kind=event.kind,
        related_keys=keys,
        words=words(event.title) | names,
    )


def dataset_events(dataset: Dataset) -> tuple[CountdownEvent, ...]:
    """The dataset's events as /countdown shows and finds them (built once, in the catalog)."""
    return tuple(_countdown_event(dataset, event) for event in dataset.events)


def _searchable(event: CountdownEvent) -> frozenset[str]:
    return event.words or words(event.title)  # a server's own event: the words of its name


def _in_order(events: Sequence[CountdownEvent], now: datetime, zone: ZoneInfo) -> list[CountdownEvent]:
    """Releases first, then news; within each, upcoming (soonest first), then past, then undated."""
    line = timeline(events, now, zone)
    ordered = [*line.upcoming, *line.past, *line.undated]
    return sorted(ordered, key=lambda event: event.is_news)  # stable: keeps the timeline's order


def _matches(
    events: Sequence[CountdownEvent], typed: str, now: datetime, zone: ZoneInfo
) -> list[tuple[WordMatch, CountdownEvent]]:
    """Events holding every typed word (or named by the whole query), releases before news, then the
    closest match, then the timeline's order."""
    question = query_tokens(typed)
    key = lookup_key(typed)
    found: list[tuple[tuple[bool, int, int, int], WordMatch, CountdownEvent]] = []
    for position, event in enumerate(_in_order(events, now, zone)):
        match = WordMatch(EXACT, 0) if key and key in event.related_keys else None
        match = match or match_all(question, _searchable(event))
        if match is not None:
            found.append(((event.is_news, match.kind, match.edits, position), match, event))
    found.sort(key=lambda item: item[0])
    return [(match, event) for _, match, event in found]


def suggest_events(
    events: Sequence[CountdownEvent], now: datetime, zone: ZoneInfo, typed: str
) -> list[CountdownEvent]:
    """Autocomplete: every event before anything is typed, else those the words fit; releases first."""
    text = clean_user_text(typed)
    by_key = [event for event in events if event.key == text]
    if by_key:
        return by_key
    if not query_tokens(text):
        return _in_order(events, now, zone)[:SUGGESTION_LIMIT]
    return [event for _, event in _matches(events, text, now, zone)][:SUGGESTION_LIMIT]


def _named(events: Sequence[CountdownEvent], key: str) -> list[CountdownEvent]:
    """The events releasing the entry `key` names exactly, else the one it is closest to by a typo."""
    if not key:
        return []
    exact = [event for event in events if key in event.related_keys]
    if exact:
        return exact
    edits: dict[str, int] = {}
    for event in events:
        found = [d for name in event.related_keys if (d := typo_distance(key, name)) is not None]
        if found:
            edits[event.key] = min(found)
    fewest = min(edits.values(), default=None)
    return [event for event in events if fewest is not None and edits.get(event.key) == fewest]


@dataclass(frozen=True, slots=True)
class OneEvent:
    event: CountdownEvent


@dataclass(frozen=True, slots=True)
class SeveralEvents:
    """Events that fit equally well, best first; `more` says there are others beyond these."""

    events: tuple[CountdownEvent, ...]
    more: bool = False


def match_event(
    events: Sequence[CountdownEvent], query: str, now: datetime, zone: ZoneInfo
) -> OneEvent | SeveralEvents:
    """The event an option names (an autocomplete key, a title, the name of what it releases, a few
    words of it, typos and all), or the candidates to pick from. A user error when nothing fits."""
    text = clean_user_text(query)
    if not text:
        raise InvalidOptionError("Type an event's name, or pick one from the suggestions.")
    for event in events:
        if event.key == text:
            return OneEvent(event)
    folded = text.casefold()
    titled = [event for event in events if event.title.casefold() == folded]
    if titled:
        return OneEvent(titled[0])
    named = _named(_in_order(events, now, zone), lookup_key(text))
    releases = [event for event in named if not event.is_news and not event.is_rumour]
    if len(releases) == 1:
        return OneEvent(releases[0])  # "film": its premiere, not the news about its filming
    matches = _matches(events, text, now, zone) if query_tokens(text) else []
    if not matches:
        unknown = unknown_event_message(events, text, [])
        raise NotFoundError(unknown.template, **unknown.values)
    best = matches[0][0]
    if releases:
        tied = releases
    else:
        # Typos tie only on the same number of edits; exact and prefix matches on their kind alone.
        tied = [e for m, e in matches if m.kind == best.kind and (m.kind != TYPO or m.edits == best.edits)]
    if len(tied) == 1:
        return OneEvent(tied[0])
    return SeveralEvents(tuple(tied[:SUGGESTION_LIMIT]), more=len(tied) > SUGGESTION_LIMIT)
