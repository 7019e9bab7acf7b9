"""The catalog: everything derived from the dataset, built once at start.

The dataset never changes while the bot runs (a reload builds a new catalog and swaps it whole), so its
id indexes, orders, name indexes, the cast index, the countdown events and the FAQ topics are computed
here once and every request reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from bot.domain.cast import CastIndex
from bot.domain.countdown import CountdownEvent
from bot.domain.event_search import dataset_events
from bot.domain.faq import Topic, faq_topics
from bot.domain.model import Character, Dataset, Production, StoryPoint, Work
from bot.domain.spoilers import story_points
from bot.domain.story import production_index, productions_in_order, work_index


@dataclass(frozen=True, slots=True, eq=False)
class Catalog:
    dataset: Dataset
    works: Mapping[str, Work]
    productions: Mapping[str, Production]
    characters: Mapping[str, Character]
    production_order: tuple[Production, ...]  # the seasons in order, then the film
    production_names: Mapping[str, Production]  # lookup key -> production
    work_names: Mapping[str, Work]
    cast: CastIndex
    events: tuple[CountdownEvent, ...]  # the dataset's events as /countdown shows them, with their names
    faq: tuple[Topic, ...]  # the series facts by topic, as /faq answers them
    story_points: frozenset[StoryPoint]  # every point some text reveals (what a limit could hide)

    @classmethod
    def build(cls, dataset: Dataset) -> Catalog:
        order = productions_in_order(dataset)
        return cls(
            dataset=dataset,
            works=MappingProxyType({w.id: w for w in dataset.works}),
            productions=MappingProxyType({p.id: p for p in dataset.productions}),
            characters=MappingProxyType({c.id: c for c in dataset.characters}),
            production_order=order,
            production_names=MappingProxyType(production_index(order)),
            work_names=MappingProxyType(work_index(dataset.works)),
            cast=CastIndex.from_dataset(dataset),
            events=dataset_events(dataset),
            faq=faq_topics(dataset),
            story_points=story_points(dataset),
        )
