"""/plot and /volume: season, episode and book names to entries, and suggestions."""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from bot.domain.cast import bounded_distance, max_edits, typo_bound
from bot.domain.errors import InvalidOptionError, NotFoundError, Text
from bot.domain.model import Dataset, Episode, Production, Work
from bot.domain.text import clean_user_text, escape_user_text

if TYPE_CHECKING:
    from bot.domain.catalog import Catalog


log = logging.getLogger(__name__)


Entry = TypeVar("Entry", Production, Work)


# Longer input is never a real name; cutting it first keeps lookups cheap whatever a client sends.
MAX_QUERY_LENGTH = 200


AUTOCOMPLETE_LIMIT = 25


_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
}


_WORD = re.compile(r"[^\W_]+")


_DIGITS = re.compile(r"\d+")


_NEGATIVE = re.compile(r"^[-\u2212]\s*(?=\d)")


# Ambiguous names already reported, so a dataset mistake is logged once rather than on every lookup.
_reported_clashes: set[tuple[str, ...]] = set()


def lookup_key(text: str) -> str:
    """Fold a name to the form every spelling shares: "Vol. 3", "vol 3" and "VOLUME three" all
    become "vol3"/"volume3"; punctuation, case, a leading "the" and leading zeros do not matter."""
    text = unicodedata.normalize("NFKC", clean_user_text(text[:MAX_QUERY_LENGTH])).casefold()
    # A leading minus is meaningful ("-1" is not season 1); elsewhere a hyphen is punctuation.
    text = _NEGATIVE.sub("minus ", text)
    words = [_NUMBER_WORDS.get(word) or word for word in _WORD.findall(text)]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    # Any script's decimal digits (e.g. Arabic-Indic) count as the number they stand for.
    key = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in "".join(words))
    return _DIGITS.sub(lambda match: str(int(match.group())), key)


def production_keys(production: Production) -> set[str]:
    names = [production.id, production.title, *production.aliases]
    if production.kind == "season" and production.number is not None:
        n = production.number
        names += [str(n), f"season {n}", f"s{n}", f"series {n}"]
    return {key for key in map(lookup_key, names) if key}


def work_keys(work: Work) -> set[str]:
    names = [work.id, work.title, *work.aliases]
    if work.number is not None:
        n = work.number
        names += [str(n), f"volume {n}", f"vol {n}", f"v{n}", f"book {n}"]
    return {key for key in map(lookup_key, names) if key}


def _index(entries: Sequence[Entry], keys_of: Callable[[Entry], set[str]]) -> dict[str, Entry]:
    """Key -> entry; a key two entries share is dropped (and logged) so a lookup is never a guess."""
    owners: dict[str, list[Entry]] = {}
    for entry in entries:
        for key in keys_of(entry):
            owners.setdefault(key, []).append(entry)
    index: dict[str, Entry] = {}
    for key, found in owners.items():
        if len(found) == 1:
            index[key] = found[0]
            continue
        clash = (key, *(e.id for e in found))
        if clash not in _reported_clashes:
            _reported_clashes.add(clash)
            log.warning("The name %r matches %s; it finds neither", key, ", ".join(clash[1:]))
    return index


def production_index(productions: Sequence[Production]) -> dict[str, Production]:
    """Every name of every production (lookup keys), for the catalog."""
    return _index(productions, production_keys)


def work_index(works: Sequence[Work]) -> dict[str, Work]:
    return _index(works, work_keys)


def _keys_typed(text: str, series: str) -> list[str]:
    """The lookup key of `text`, and without the series name in front ("Heartstopper: Solitaire")."""
    key = lookup_key(text)
    prefix = lookup_key(series)
    if prefix and key.startswith(prefix) and len(key) > len(prefix):
        return [key, key[len(prefix) :]]
    return [key] if key else []


def _find(index: Mapping[str, Entry], text: str, series: str) -> Entry | None:
    """The entry `text` names exactly; failing that, the one entry it is a typo of ("solitare")."""
    keys = _keys_typed(text, series)
    for key in keys:
        if key in index:
            return index[key]
    return _typo_of(index, keys)


def typo_distance(typed: str, name: str) -> int | None:
    """The typos between two lookup keys if /cast would tolerate them (bot.domain.cast.typo_bound) and
    they hold the same numbers ("volume7" is no typo of "volume6"); None otherwise."""
    if max_edits(typed) == 0 or _DIGITS.findall(typed) != _DIGITS.findall(name):
        return None
    return bounded_distance(typed, name, typo_bound(typed, name))


def _typo_of(index: Mapping[str, Entry], keys: list[str]) -> Entry | None:
    """The one entry whose name `keys` are a typo of (`typo_distance`); None when two are as close."""
    closest: dict[str, tuple[int, Entry]] = {}
    for key in keys:
        for name, entry in index.items():
            edits = typo_distance(key, name)
            if edits is not None and edits < closest.get(entry.id, (edits + 1, entry))[0]:
                closest[entry.id] = (edits, entry)
    if not closest:
        return None
    fewest = min(edits for edits, _ in closest.values())
    best = [entry for edits, entry in closest.values() if edits == fewest]
    return best[0] if len(best) == 1 else None


def _closest(index: Mapping[str, Entry], text: str) -> Entry | None:
    """The entry whose name is closest to a misspelling ("Solitare"), if any is close enough."""
    key = lookup_key(text)
    if len(key) < 3:
        return None
    close = difflib.get_close_matches(key, list(index), n=1, cutoff=0.75)
    return index[close[0]] if close else None


def _suggest(entries: Sequence[Entry], index: Mapping[str, Entry], current: str) -> list[Entry]:
    """Entries for an autocomplete menu: exact, then prefix, then substring matches; a typo's
    nearest entry; and when nothing fits, every entry (a short list beats an empty menu)."""
    needle = lookup_key(current)
    if not needle:
        return list(entries)[:AUTOCOMPLETE_LIMIT]
    keys_by_entry: dict[str, set[str]] = {}
    for key, entry in index.items():
        keys_by_entry.setdefault(entry.id, set()).add(key)
    ranked: list[tuple[int, int, Entry]] = []
    for position, entry in enumerate(entries):
        keys = keys_by_entry.get(entry.id, set())
        if needle in keys:
            rank = 0
        elif any(key.startswith(needle) for key in keys):
            rank = 1
        elif any(needle in key for key in keys):
            rank = 2
        else:
            continue
        ranked.append((rank, position, entry))
    if ranked:
        return [entry for _, _, entry in sorted(ranked, key=lambda item: item[:2])][:AUTOCOMPLETE_LIMIT]
    nearest = _closest(index, current)
    if nearest is not None:
        return [nearest]
    return list(entries)[:AUTOCOMPLETE_LIMIT]


def _echo(text: str) -> str | Text:
    shown = escape_user_text(text[:MAX_QUERY_LENGTH], 60)
    return f"**{shown}**" if shown else Text("an empty name")


def productions_in_order(dataset: Dataset) -> tuple[Production, ...]:
    """Seasons by number, then the film(s): the order people watch them in."""
    films = tuple(p for p in dataset.productions if p.kind != "season")
    return dataset.seasons + films


def production_name(production: Production) -> str:
    return production.title if production.kind == "season" else f"{production.title} (the {production.kind})"


@dataclass(frozen=True, slots=True)
class LaterSeason:
    """A season after the dataset's last ("Season 4", "s5"): /plot answers it from the series facts."""

    number: int


# A season asked for by number: "4", "season 4", "s4", "series 4" as lookup keys.
_SEASON_NUMBER = re.compile(r"(?:season|series|s)?([0-9]{1,3})")


def later_season(catalog: Catalog, text: str) -> LaterSeason | None:
    """The season `text` asks for by number when it comes after the last one the dataset has."""
    last = max((p.number or 0 for p in catalog.dataset.seasons), default=0)
    for key in _keys_typed(text, catalog.dataset.title):
        match = _SEASON_NUMBER.fullmatch(key)
        if match and int(match.group(1)) > last:
            return LaterSeason(int(match.group(1)))
    return None


def resolve_production(catalog: Catalog, text: str) -> Production:
    """The season or film `text` names ("2", "Season 2", "s2", "film", the film's title, or a typo of
    one), or a NotFoundError listing what exists."""
    productions = catalog.production_order
    index = catalog.production_names
    found = _find(index, text, catalog.dataset.title)
    if found is not None:
        return found
    names = ", ".join(production_name(p) for p in productions)
    later = later_season(catalog, text)
    if later is not None:
        raise NotFoundError(
            "There is no Season {number}: `/plot season:{number}` says why. There are: {names}.",
            number=later.number,
            names=names,
        )
    nearest = _closest(index, text)
    hint = Text(" Did you mean {name}?", name=production_name(nearest)) if nearest else ""
    raise NotFoundError(
        "I don't know a season called {query}. There are: {names}.{hint}",
        query=_echo(text),
        names=names,
        hint=hint,
    )


def resolve_plot(catalog: Catalog, text: str) -> Production | LaterSeason:
    """What /plot answers: a season or the film, or a season after the last (told from the series facts)."""
    try:
        return resolve_production(catalog, text)
    except NotFoundError:
        later = later_season(catalog, text)
        if later is None:
            raise
        return later


def suggest_productions(catalog: Catalog, current: str) -> list[Production]:
    return _suggest(catalog.production_order, catalog.production_names, current)


def episode_count(production: Production) -> int:
    return production.episode_count or len(production.episodes)


def resolve_episode(production: Production, number: object) -> Episode:
    """Episode `number` of a season; a clear error naming the valid range otherwise.

    `number` is typed loosely on purpose: a hostile client can send any JSON value for an integer option.
    """
    if production.kind != "season":
        raise InvalidOptionError(
            "{title} is a {kind}, so it has no episodes. Leave `episode` empty.",
            title=production.title,
            kind=Text(production.kind),
        )
    count = episode_count(production)
    if count == 0:
        raise NotFoundError("The dataset doesn't list {title}'s episodes yet.", title=production.title)
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= count:
        shown = escape_user_text(str(number)[:40], 20) if not isinstance(number, bool) else str(number)
        raise NotFoundError(
            "There is no episode {number}: {title} has episodes 1–{count}.",
            number=shown or "?",
            title=production.title,
            count=count,
        )
    listed = next((e for e in production.episodes if e.number == number), None)
    # A season can give its episode count without listing episodes; that episode's title is unknown.
    return listed or Episode(
        number=number, title=None, unverified=("Episode title not listed in the dataset.",)
    )


def resolve_work(catalog: Catalog, text: str) -> Work:
    """The book `text` names ("3", "Volume 3", "vol 3", a title or alias, or a typo of one), or a
    NotFoundError listing them."""
    works = catalog.dataset.works
    index = catalog.work_names
    found = _find(index, text, catalog.dataset.title)
    if found is not None:
        return found
    nearest = _closest(index, text)
    hint = Text(" Did you mean {name}?", name=nearest.title) if nearest else ""
    names = ", ".join(w.title for w in works)
    raise NotFoundError(
        "I don't know a book called {query}. The books are: {names}.{hint}",
        query=_echo(text),
        names=names,
        hint=hint,
    )


def suggest_works(catalog: Catalog, current: str) -> list[Work]:
    return _suggest(catalog.dataset.works, catalog.work_names, current)


def adapting_productions(dataset: Dataset, work: Work) -> list[Production]:
    return [p for p in (dataset.production(pid) for pid in work.adapted_in) if p is not None]


def adapted_works(dataset: Dataset, production: Production) -> list[Work]:
    return [w for w in (dataset.work(wid) for wid in production.adapts) if w is not None]
