"""Matching what a fan typed against a few names, word by word, with the typo tolerance /cast has.

For the short lists (/countdown's events, /faq's topics) a scan is fast enough: a few dozen entries of a
few words each. The cast, which can hold thousands, has its own index (bot.domain.cast), built on the
same rules: `normalise`, `max_edits` and `typo_bound`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from bot.domain.cast import bounded_distance, max_edits, normalise, typo_bound

EXACT, PREFIX, TYPO = 0, 1, 2


class WordMatch(NamedTuple):
    kind: int  # EXACT, PREFIX or TYPO
    edits: int


def words(text: str) -> frozenset[str]:
    """The words a name is matched on ("Heartstopper: Volume 6" -> heartstopper, volume, 6)."""
    return frozenset(normalise(text).split())


def match_word(typed: str, candidates: Iterable[str], *, prefix: bool = True) -> WordMatch | None:
    """How well one typed word matches the best of `candidates`: exactly, as the start of one (with
    `prefix`), or within the typos `typo_bound` allows. A number matches only exactly: "Season 5" is
    never a typo of "Season 3"."""
    best: WordMatch | None = None
    numeric = typed.isdigit()
    typos = not numeric and max_edits(typed) > 0
    for word in candidates:
        if word == typed:
            return WordMatch(EXACT, 0)
        if numeric or word.isdigit():
            continue
        if prefix and word.startswith(typed):
            found = WordMatch(PREFIX, 0)
        elif typos:
            edits = bounded_distance(typed, word, typo_bound(typed, word))
            if edits is None:
                continue
            found = WordMatch(TYPO, edits)
        else:
            continue
        if best is None or found < best:
            best = found
    return best


def match_all(typed: list[str], candidates: frozenset[str], *, prefix: bool = True) -> WordMatch | None:
    """The worst kind and the total typos over every typed word, or None if one of them matches nothing."""
    kind = EXACT
    edits = 0
    for word in typed:
        found = match_word(word, candidates, prefix=prefix)
        if found is None:
            return None
        kind, edits = max(kind, found.kind), edits + found.edits
    return WordMatch(kind, edits)
