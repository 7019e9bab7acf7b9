"""Which sources an answer links: the best few, never a weak page, the rest on request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.model import SOURCE_KINDS, Dataset

SHOWN_SOURCES = 3


@dataclass(frozen=True, slots=True)
class SourcePick:
    shown: tuple[str, ...]  # linked in the answer, best first
    more: tuple[str, ...]  # fit to link, listed by the "All sources" button
    unreliable: int  # weak pages behind the facts: counted, never linked

    @property
    def all_linkable(self) -> tuple[str, ...]:
        return self.shown + self.more


def pick_sources(dataset: Dataset, urls: Iterable[str], shown: int = SHOWN_SOURCES) -> SourcePick:
    """Deduplicated, best kind first (official, press, fan), keeping the dataset's order within a kind."""
    unique = list(dict.fromkeys(urls))
    rank = {kind: index for index, kind in enumerate(SOURCE_KINDS)}
    linkable = [url for url in unique if dataset.source_kind(url) != "weak"]
    linkable.sort(key=lambda url: rank[dataset.source_kind(url)])
    return SourcePick(
        shown=tuple(linkable[:shown]),
        more=tuple(linkable[shown:]),
        unreliable=len(unique) - len(linkable),
    )
