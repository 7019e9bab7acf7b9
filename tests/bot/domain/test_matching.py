"""bot/domain/matching.py: a typed word against a name's words, with /cast's typo tolerance."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.matching import EXACT, PREFIX, TYPO, WordMatch, match_all, match_word, words


def test_words_are_normalised_as_cast_names_are() -> None:
    assert words("Heartstopper: Volume 6 (the final volume)") == {
        "heartstopper",
        "volume",
        "6",
        "the",
        "final",
    }
    assert words("Zoë's Premiere!") == {"zoes", "premiere"}


@pytest.mark.parametrize(
    ("typed", "candidates", "expected"),
    [
        ("film", ["film", "filming"], WordMatch(EXACT, 0)),
        ("prem", ["premieres"], WordMatch(PREFIX, 0)),
        ("premire", ["premieres"], WordMatch(TYPO, 2)),
        ("flim", ["film"], WordMatch(TYPO, 1)),  # a swap is one typo
        ("nellie", ["elle"], None),  # two edits are half of a short name: not a typo
        ("tao", ["tay"], None),  # no typos in words under four letters
        ("5", ["3", "50"], None),  # a number matches only itself
        ("season", ["5"], None),
    ],
)
def test_match_word(typed: str, candidates: list[str], expected: WordMatch | None) -> None:
    assert match_word(typed, candidates) == expected


def test_prefixes_can_be_turned_off_and_the_best_match_wins() -> None:
    assert match_word("prem", ["premieres"], prefix=False) is None
    assert match_word("volme", ["volumes", "volume"]) == WordMatch(TYPO, 1)


def test_match_all_needs_every_word_and_reports_the_worst_kind() -> None:
    title = words("Season 1 premieres on Netflix")
    assert match_all(["season", "1"], title) == WordMatch(EXACT, 0)
    assert match_all(["season", "prem"], title) == WordMatch(PREFIX, 0)
    assert match_all(["seson", "1", "netflx"], title) == WordMatch(TYPO, 2)
    assert match_all(["season", "2"], title) is None


@given(st.text(max_size=40), st.lists(st.text(max_size=40), max_size=10))
def test_any_word_against_any_words_answers(typed: str, candidates: list[str]) -> None:
    found = match_word(typed, candidates)
    assert found is None or found.kind in (EXACT, PREFIX, TYPO)
