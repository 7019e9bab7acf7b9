"""The kinds of trivia question, each built from facts the dataset confirms (bot/domain/trivia.py draws them).

Only confirmed facts make questions: a character with any unverified note is never an answer or a wrong
answer (the dataset's notes are per entry, not per field, so "whether she is back in Season 3" keeps
her out of "who plays" too); a dated fact needs the status "confirmed", a day no later than the date the
facts were verified, and, for a publication, no unverified note of its own. Every question links the best
source of its own fact (`pick_sources`, never a weak page) and is left out when it has none.

Story points: a character is a point at the season they first appear in (the film counts as 4). Episode
titles are story text with their own point. "Season 2 adapts Volume 3" is the point (S2, V3): known by
either path. Titles of books, seasons and the film, dates and cast names are not story (the spoiler
policy's rule), so a premiere year or a book's kind touches no point.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from bot.domain.catalog import Catalog
from bot.domain.dates import PartialDate, Status
from bot.domain.model import FILM_SPOILER_SEASON, NO_STORY, Character, Dataset, StoryPoint
from bot.domain.sources import pick_sources
from bot.domain.story import adapted_works, adapting_productions, production_name
from bot.domain.trivia import CHOICE_LIMIT, Members, Seed, TriviaBase

BOOK_KINDS = {
    "graphic novel": "A graphic novel",
    "novella": "A novella",
    "novel": "A novel",
    "companion": "A companion book",
}


@dataclass(frozen=True, slots=True)
class _Person:
    character: Character
    debut: int  # the season level they first appear at (the film is FILM_SPOILER_SEASON)
    point: StoryPoint  # that season: a character is a spoiler until the server reaches their debut
    source: str


def build_base(catalog: Catalog) -> TriviaBase:
    """Every question the dataset allows and the candidates for wrong answers (once per catalog)."""
    dataset = catalog.dataset
    people = _people(dataset)
    groups: dict[str, list[tuple[str, StoryPoint]]] = {}
    seeds: list[Seed] = []
    for make in _KINDS:
        seeds.extend(seed for seed in make(dataset, people, groups) if _fits(seed))
    frozen = {name: _short(members) for name, members in groups.items()}
    return TriviaBase(tuple(seeds), MappingProxyType(frozen))


Groups = dict[str, list[tuple[str, StoryPoint]]]
Kind = Callable[[Dataset, list[_Person], Groups], Iterable[Seed]]


def _fits(seed: Seed) -> bool:
    return 0 < len(seed.right) <= CHOICE_LIMIT and bool(seed.source)


def _short(members: list[tuple[str, StoryPoint]]) -> Members:
    return tuple((text, point) for text, point in members if 0 < len(text) <= CHOICE_LIMIT)


def _best_source(dataset: Dataset, urls: Iterable[str]) -> str:
    pick = pick_sources(dataset, urls, shown=1)
    return pick.shown[0] if pick.shown else ""


class _Sources:
    """The best source of each list of URLs, worked out once per list (casts share their pages)."""

    def __init__(self, dataset: Dataset) -> None:
        self._dataset = dataset
        self._best: dict[tuple[str, ...], str] = {}

    def best(self, urls: tuple[str, ...]) -> str:
        found = self._best.get(urls)
        if found is None:
            found = self._best[urls] = _best_source(self._dataset, urls)
        return found


def _levels(character: Character) -> list[int]:
    levels = sorted(set(character.seasons))
    return [*levels, FILM_SPOILER_SEASON] if character.film == "confirmed" else levels


def _people(dataset: Dataset) -> list[_Person]:
    """The characters fit for trivia: no unverified note, a name, an actor, an appearance, a source."""
    people = []
    sources = _Sources(dataset)
    points: dict[int, StoryPoint] = {}
    for character in dataset.characters:
        levels = _levels(character)
        if character.unverified or not character.name.strip() or not character.actor.strip() or not levels:
            continue
        source = sources.best(character.sources)
        if source:
            point = points.setdefault(levels[0], StoryPoint(season=levels[0]))
            people.append(_Person(character, levels[0], point, source))
    return people


def _cast_groups(people: list[_Person], groups: Groups) -> None:
    """Actors and names by season level they appear at, each at the point of its character's debut."""
    if "cast" in groups:
        return
    groups["cast"] = []  # marks the cast groups as built
    for person in people:
        for level in _levels(person.character):
            groups.setdefault(f"actors:{level}", []).append((person.character.actor, person.point))
            groups.setdefault(f"names:{level}", []).append((person.character.name, person.point))
            if level > person.debut:
                groups.setdefault(f"returning:{level}", []).append((person.character.name, person.point))


def _actor_seeds(dataset: Dataset, people: list[_Person], groups: Groups) -> Iterator[Seed]:
    _cast_groups(people, groups)
    for person in people:
        c = person.character
        yield Seed(
            key=f"actor:{c.id}",
            kind="actor",
            prompt=f"Who plays {c.name} in {dataset.title}?",
            right=c.actor,
            fact=f"{c.actor} plays {c.name}.",
            source=person.source,
            wrong=f"actors:{person.debut}",
            banned=frozenset({c.actor.casefold()}),
            reveals=(person.point,),
        )


def _role_seeds(dataset: Dataset, people: list[_Person], groups: Groups) -> Iterator[Seed]:
    _cast_groups(people, groups)
    # Over the whole cast, verified or not: an actor with two roles has no one right answer.
    roles = Counter(c.actor.casefold() for c in dataset.characters if c.actor)
    for person in people:
        c = person.character
        if roles[c.actor.casefold()] != 1:
            continue
        yield Seed(
            key=f"role:{c.id}",
            kind="role",
            prompt=f"Whom does {c.actor} play in {dataset.title}?",
            right=c.name,
            fact=f"{c.actor} plays {c.name}.",
            source=person.source,
            wrong=f"names:{person.debut}",
            banned=frozenset({c.name.casefold()}),
            reveals=(person.point,),
        )


def _production_groups(dataset: Dataset, groups: Groups) -> None:
    # Titles are not story: any of them may be a wrong answer to "which season adapts ..."
    groups["productions"] = [(production_name(p), NO_STORY) for p in dataset.productions]
    # "Where does X first appear?" offers only what the server has reached: with one season reached,
    # every character it knows first appears there, and the question would answer itself.
    groups["debuts"] = [
        (production_name(p), StoryPoint(season=p.spoiler_season)) for p in dataset.productions
    ]


def _debut_seeds(dataset: Dataset, people: list[_Person], groups: Groups) -> Iterator[Seed]:
    _production_groups(dataset, groups)
    at_level = {p.spoiler_season: p for p in dataset.productions}
    for person in people:
        c = person.character
        production = at_level.get(person.debut)
        if production is None:
            continue
        name = production_name(production)
        yield Seed(
            key=f"debut:{c.id}",
            kind="debut",
            prompt=f"Where does {c.name} first appear in {dataset.title}?",
            right=name,
            fact=f"{c.name} first appears in {name}.",
            source=person.source,
            wrong="debuts",
            banned=frozenset({name.casefold()}),
            reveals=(person.point,),
        )


def _newcomer_seeds(dataset: Dataset, people: list[_Person], groups: Groups) -> Iterator[Seed]:
    _cast_groups(people, groups)
    seasons = {p.number: p for p in dataset.seasons if p.number is not None}
    for person in people:
        c = person.character
        season = seasons.get(person.debut)
        if season is None or person.debut == min(seasons):
            continue  # in the first season everyone is new
        name = production_name(season)
        yield Seed(
            key=f"newcomer:{c.id}",
            kind="newcomer",
            prompt=f"Which of these characters is new in {name}?",
            right=c.name,
            fact=f"{c.name} first appears in {name}.",
            source=person.source,
            # Characters back from earlier seasons: in that season, but not new in it.
            wrong=f"returning:{person.debut}",
            banned=frozenset({c.name.casefold()}),
            reveals=(person.point,),
        )


def _adapted_in_seeds(dataset: Dataset, people: list[_Person], groups: Groups) -> Iterator[Seed]:
    _production_groups(dataset, groups)
    for work in dataset.works:
        productions = adapting_productions(dataset, work)
        if not productions:
            continue
        first = productions[0]
        name = production_name(first)
        yield Seed(
            key=f"adapted-in:{work.id}",
            kind="adapted-in",
            prompt=f"Which season or film adapts {work.title}?",
            right=name,
            fact=f"{work.title} is adapted in {name}.",
            source=_best_source(dataset, first.adapts_sources),
            wrong="productions",
            banned=frozenset(production_name(p).casefold() for p in productions),
            reveals=(StoryPoint(first.spoiler_season, work.spoiler_volume),),
        )


def _adapts_seeds(dataset: Dataset, people: list[_Person], groups: Groups) -> Iterator[Seed]:
    groups["works"] = [(w.title, NO_STORY) for w in dataset.works]
    for production in dataset.productions:
        works = adapted_works(dataset, production)
        name = production_name(production)
        for work in works:
            yield Seed(
                key=f"adapts:{production.id}:{work.id}",
                kind="adapts",
                prompt=f"Which of these books does {name} adapt?",
                right=work.title,
                fact=f"{name} adapts {', '.join(w.title for w in works)}.",
                source=_best_source(dataset, production.adapts_sources),
                wrong="works",
                banned=frozenset(w.title.casefold() for w in works),
                reveals=(StoryPoint(production.spoiler_season, work.spoiler_volume),),
            )


def _dated(when: PartialDate, status: Status, verified_on: date) -> int | None:
    """The year of a confirmed date that had passed when the facts were verified, else None."""
    start = when.earliest()
    if status != "confirmed" or when.year is None or start is None or start.date() > verified_on:
        return None
    return when.year


def _near_years(year: int, groups: Groups) -> str:
    name = f"years:{year}"
    groups.setdefault(name, [(str(year + d), NO_STORY) for d in (-2, -1, 1, 2)])
    return name


def _premiere_seeds(dataset: Dataset, people: list[_Person], groups: Groups) -> Iterator[Seed]:
    for production in dataset.productions:
        year = _dated(production.release_date, production.release_status, dataset.verified_on)
        if year is None:
            continue
        name = production_name(production)
        yield Seed(
            key=f"premiere:{production.id}",
            kind="premiere",
            prompt=f"In which year did {name} premiere?",
            right=str(year),
            fact=f"{name} premiered in {year}.",
            source=_best_source(dataset, production.release_sources),
            wrong=_near_years(year, groups),
            banned=frozenset({str(year)}),
            reveals=(),
        )


def _published_seeds(dataset: Dataset, people: list[_Person], groups: Groups) -> Iterator[Seed]:
    for work in dataset.works:
        if not work.publications or any(p.date.year is None for p in work.publications):
            continue  # a publication of unknown date might be the first one
        first = min(work.publications, key=lambda p: p.date.sort_key())
        year = _dated(first.date, first.status, dataset.verified_on)
        if year is None or first.unverified:
            continue
        yield Seed(
            key=f"published:{work.id}",
            kind="published",
            prompt=f"In which year was {work.title} first published?",
            right=str(year),
            fact=f"{work.title} was first published in {year} ({first.region}).",
            source=_best_source(dataset, first.sources),
            wrong=_near_years(year, groups),
            banned=frozenset({str(year)}),
            reveals=(),
        )


def _episode_seeds(dataset: Dataset, people: list[_Person], groups: Groups) -> Iterator[Seed]:
    for season in dataset.seasons:
        episodes = [e for e in season.episodes if e.title and not e.unverified]
        group = f"episodes:{season.id}"
        groups[group] = [(e.title or "", e.reveals) for e in episodes]
        source = _best_source(dataset, season.episodes_sources)
        name = production_name(season)
        for episode in episodes:
            title = episode.title or ""
            yield Seed(
                key=f"episode:{season.id}:{episode.number}",
                kind="episode",
                prompt=f"What is episode {episode.number} of {name} called?",
                right=title,
                fact=f"Episode {episode.number} of {name} is called “{title}”.",
                source=source,
                wrong=group,
                banned=frozenset({title.casefold()}),
                reveals=(episode.reveals,),
            )


def _episode_count_seeds(dataset: Dataset, people: list[_Person], groups: Groups) -> Iterator[Seed]:
    for season in dataset.seasons:
        count = season.episode_count
        if not count or _dated(season.release_date, season.release_status, dataset.verified_on) is None:
            continue
        group = f"counts:{count}"
        groups.setdefault(
            group, [(str(n), NO_STORY) for n in (count - 2, count - 1, count + 1, count + 2) if n > 0]
        )
        name = production_name(season)
        yield Seed(
            key=f"episodes:{season.id}",
            kind="episodes",
            prompt=f"How many episodes does {name} have?",
            right=str(count),
            fact=f"{name} has {count} episodes.",
            source=_best_source(dataset, season.episodes_sources),
            wrong=group,
            banned=frozenset({str(count)}),
            reveals=(),
        )


def _book_kind_seeds(dataset: Dataset, people: list[_Person], groups: Groups) -> Iterator[Seed]:
    groups["book-kinds"] = [(label, NO_STORY) for label in BOOK_KINDS.values()]
    for work in dataset.works:
        label = BOOK_KINDS.get(work.kind)
        if label is None:
            continue
        yield Seed(
            key=f"book-kind:{work.id}",
            kind="book-kind",
            prompt=f"What kind of book is {work.title}?",
            right=label,
            fact=f"{work.title} is {label[0].lower()}{label[1:]}.",
            source=_best_source(dataset, work.sources),
            wrong="book-kinds",
            banned=frozenset({label.casefold()}),
            reveals=(),
        )


_KINDS: tuple[Kind, ...] = (
    _actor_seeds,
    _role_seeds,
    _debut_seeds,
    _newcomer_seeds,
    _adapted_in_seeds,
    _adapts_seeds,
    _premiere_seeds,
    _published_seeds,
    _episode_seeds,
    _episode_count_seeds,
    _book_kind_seeds,
)
