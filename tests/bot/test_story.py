"""Resolving season/book strings, suggestions, episodes and spoiler decisions (bot/story.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.catalog import Catalog
from bot.domain.errors import FandexError, InvalidOptionError, NotFoundError
from bot.domain.model import NO_STORY, Dataset, StoryPoint, StoryText
from bot.domain.source import load_dataset
from bot.domain.spoilers import (
    NO_LIMIT,
    SpoilerLimit,
    caught_up_text,
    check_spoiler_limit,
    max_spoiler_season,
    max_spoiler_volume,
    nothing_hidden,
    story_points,
)
from bot.domain.story import (
    LaterSeason,
    adapted_works,
    adapting_productions,
    later_season,
    lookup_key,
    resolve_episode,
    resolve_plot,
    resolve_production,
    resolve_work,
    suggest_productions,
    suggest_works,
    typo_distance,
)

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "heartstopper.toml"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(DATA_FILE)


@pytest.fixture(scope="module")
def catalog(dataset: Dataset) -> Catalog:
    return Catalog.build(dataset)


# --- lookup keys -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Vol. 3", "vol 3"),
        ("VOLUME three", "volume 3"),
        ("Season 02", "season 2"),
        ("The Heartstopper Yearbook", "heartstopper yearbook"),
        ("  s\u200b2 ", "s2"),
        ("٢", "2"),  # Arabic-Indic digit two
        ("２", "2"),  # full-width digit
    ],
)
def test_lookup_key_folds_spellings_together(a: str, b: str) -> None:
    assert lookup_key(a) == lookup_key(b)


def test_lookup_key_of_punctuation_only_is_empty() -> None:
    assert lookup_key("!!! ... ---") == ""


# --- seasons and the film ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_id"),
    [
        ("2", "season-2"),
        ("Season 2", "season-2"),
        ("s2", "season-2"),
        ("S 2", "season-2"),
        ("season two", "season-2"),
        ("series 3", "season-3"),
        ("Heartstopper season 1", "season-1"),
        ("season-1", "season-1"),
        ("Heartstopper Forever", "film"),
        ("film", "film"),
        ("the movie", "film"),
    ],
)
def test_resolve_production_accepts_the_issue_spellings(
    catalog: Catalog, text: str, expected_id: str
) -> None:
    assert resolve_production(catalog, text).id == expected_id


@pytest.mark.parametrize("text", ["4", "season 4", "0", "-1", "99999999999999999999", "", "   "])
def test_unknown_season_lists_what_exists(dataset: Dataset, catalog: Catalog, text: str) -> None:
    with pytest.raises(NotFoundError) as info:
        resolve_production(catalog, text)
    message = info.value.message
    # The film is not "season 4" (only clickbait calls it that): the error names what exists instead.
    for production in dataset.productions:
        assert production.title in message


def test_misspelt_season_gets_a_suggestion(dataset: Dataset, catalog: Catalog) -> None:
    # Three typos are more than /cast tolerates: a suggestion, not a guess.
    with pytest.raises(NotFoundError, match="Did you mean Heartstopper Forever"):
        resolve_production(catalog, "Hartstoper Forevr")


@pytest.mark.parametrize(
    ("text", "expected_id"),
    [("Heartstoper Forevr", "film"), ("flim", "film"), ("sesaon 2", "season-2"), ("Seson three", "season-3")],
)
def test_a_typo_within_the_tolerance_finds_the_season(catalog: Catalog, text: str, expected_id: str) -> None:
    assert resolve_production(catalog, text).id == expected_id


@pytest.mark.parametrize(
    ("text", "number"),
    [("4", 4), ("Season 4", 4), ("s4", 4), ("season five", 5), ("Heartstopper series 9", 9)],
)
def test_a_season_after_the_last_is_answered_not_refused(catalog: Catalog, text: str, number: int) -> None:
    assert resolve_plot(catalog, text) == LaterSeason(number)
    assert later_season(catalog, text) == LaterSeason(number)
    with pytest.raises(NotFoundError, match=f"There is no Season {number}: `/plot season:{number}` says why"):
        resolve_production(catalog, text)  # /cast list has no answer for it beyond that


@pytest.mark.parametrize("text", ["0", "-1", "season 0", "season 1000", "Volume 4", "3"])
def test_only_a_number_after_the_last_season_is_a_later_season(catalog: Catalog, text: str) -> None:
    assert later_season(catalog, text) is None


@pytest.mark.parametrize(
    ("typed", "name", "edits"),
    [
        ("solitare", "solitaire", 1),
        ("volume7", "volume6", None),
        ("season5", "season3", None),
        ("flim", "film", 1),
    ],
)
def test_typo_distance_keeps_numbers_apart(typed: str, name: str, edits: int | None) -> None:
    assert typo_distance(typed, name) == edits


def test_echoed_text_cannot_ping_or_format(dataset: Dataset, catalog: Catalog) -> None:
    with pytest.raises(NotFoundError) as info:
        resolve_production(catalog, "@everyone **bold** <@123> ||x||")
    message = info.value.message
    assert "@everyone" not in message and "<@123>" not in message
    assert "**bold**" not in message and "||x||" not in message


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=6000))
def test_any_string_resolves_or_fails_clearly(catalog: Catalog, text: str) -> None:
    for resolve in (resolve_production, resolve_work):
        try:
            resolve(catalog, text)
        except NotFoundError as error:
            assert 0 < len(error.message) <= 2000


def test_suggest_productions_lists_seasons_then_film(dataset: Dataset, catalog: Catalog) -> None:
    assert [p.id for p in suggest_productions(catalog, "")] == [
        "season-1",
        "season-2",
        "season-3",
        "film",
    ]


def test_suggest_productions_filters_and_ranks(dataset: Dataset, catalog: Catalog) -> None:
    assert [p.id for p in suggest_productions(catalog, "2")] == ["season-2"]
    assert [p.id for p in suggest_productions(catalog, "for")] == ["film"]
    assert [p.id for p in suggest_productions(catalog, "seas")] == [
        "season-1",
        "season-2",
        "season-3",
    ]


def test_suggest_productions_never_empty(dataset: Dataset, catalog: Catalog) -> None:
    assert [p.id for p in suggest_productions(catalog, "Forevr")] == ["film"]  # nearest to a typo
    assert len(suggest_productions(catalog, "zzzzzz")) == len(dataset.productions)  # nothing fits: all


# --- episodes ------------------------------------------------------------------------------------


def test_resolve_episode_returns_the_dataset_entry(dataset: Dataset, catalog: Catalog) -> None:
    season_2 = resolve_production(catalog, "2")
    assert resolve_episode(season_2, 6).title == "Truth / Dare"


def test_season_1_titles_of_episodes_4_to_7(catalog: Catalog) -> None:
    season_1 = resolve_production(catalog, "1")
    titles = [resolve_episode(season_1, number).title for number in range(4, 8)]
    assert titles == ["Secret", "Friend", "Girls", "Bully"]


@pytest.mark.parametrize("number", [0, 9, -1, 50, 10**30, True, "3", 2.0, None])
def test_episode_out_of_range_names_the_valid_range(
    dataset: Dataset, catalog: Catalog, number: object
) -> None:
    with pytest.raises(FandexError, match="Season 2 has episodes 1–8"):
        resolve_episode(resolve_production(catalog, "2"), number)


def test_film_has_no_episodes(dataset: Dataset, catalog: Catalog) -> None:
    with pytest.raises(InvalidOptionError, match="no episodes"):
        resolve_episode(resolve_production(catalog, "film"), 1)


def test_season_with_count_but_no_episode_list(dataset: Dataset, catalog: Catalog) -> None:
    bare = dataclasses.replace(resolve_production(catalog, "3"), episodes=())
    episode = resolve_episode(bare, 8)
    assert episode.number == 8 and episode.title is None
    with pytest.raises(NotFoundError, match="episodes 1–8"):
        resolve_episode(bare, 9)


# --- books -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_id"),
    [
        ("3", "volume-3"),
        ("Volume 3", "volume-3"),
        ("vol 3", "volume-3"),
        ("Vol. 3", "volume-3"),
        ("v3", "volume-3"),
        ("book three", "volume-3"),
        ("Heartstopper: Volume 6", "volume-6"),
        ("Nick and Charlie", "nick-and-charlie"),
        ("nick & charlie", "nick-and-charlie"),
        ("This Winter", "this-winter"),
        ("Solitaire", "solitaire"),
        ("Yearbook", "yearbook"),
        ("the heartstopper yearbook", "yearbook"),
    ],
)
def test_resolve_work_accepts_the_issue_spellings(
    dataset: Dataset, catalog: Catalog, text: str, expected_id: str
) -> None:
    assert resolve_work(catalog, text).id == expected_id


def test_unknown_book_lists_every_work(dataset: Dataset, catalog: Catalog) -> None:
    with pytest.raises(NotFoundError) as info:
        resolve_work(catalog, "Volume 7")
    for work in dataset.works:
        assert work.title in info.value.message


def test_misspelt_book_gets_a_suggestion(dataset: Dataset, catalog: Catalog) -> None:
    with pytest.raises(NotFoundError, match="Did you mean Solitaire"):
        resolve_work(catalog, "Solitaire book")


@pytest.mark.parametrize(
    ("text", "expected_id"),
    [
        ("solitare", "solitaire"),
        ("Heartstopper: Solitare", "solitaire"),
        ("Nick and Charly", "nick-and-charlie"),
        ("yearbok", "yearbook"),
        ("Volum 6", "volume-6"),
    ],
)
def test_a_typo_within_the_tolerance_finds_the_book(catalog: Catalog, text: str, expected_id: str) -> None:
    assert resolve_work(catalog, text).id == expected_id


def test_a_typo_two_books_are_as_close_to_finds_neither(dataset: Dataset) -> None:
    first, second = dataset.works[0], dataset.works[1]
    twins = dataclasses.replace(
        dataset,
        works=(
            dataclasses.replace(first, aliases=(*first.aliases, "Starlight")),
            dataclasses.replace(second, aliases=(*second.aliases, "Starnight")),
            *dataset.works[2:],
        ),
    )
    with pytest.raises(NotFoundError):
        resolve_work(Catalog.build(twins), "Starsight")  # one typo from each: never a guess
    assert resolve_work(Catalog.build(twins), "Starlihgt").id == first.id


def test_suggest_works_lists_every_work_and_filters(dataset: Dataset, catalog: Catalog) -> None:
    assert [w.id for w in suggest_works(catalog, "")] == [w.id for w in dataset.works]
    assert [w.id for w in suggest_works(catalog, "winter")] == ["this-winter"]
    assert suggest_works(catalog, "vol 4")[0].id == "volume-4"


def test_a_name_two_entries_share_matches_neither(dataset: Dataset) -> None:
    # A hand-edited dataset could give two books the same alias: never guess between them.
    first, second = dataset.works[0], dataset.works[1]
    clash = dataclasses.replace(
        dataset,
        works=(
            dataclasses.replace(first, aliases=(*first.aliases, "Shared")),
            dataclasses.replace(second, aliases=(*second.aliases, "Shared")),
            *dataset.works[2:],
        ),
    )
    with pytest.raises(NotFoundError):
        resolve_work(Catalog.build(clash), "shared")
    assert resolve_work(Catalog.build(clash), "1").id == first.id


# --- the adaptation mapping (facts the issue calls out) ---------------------------------------------


def test_adaptation_mapping(dataset: Dataset, catalog: Catalog) -> None:
    def adapts(text: str) -> list[str]:
        return [w.id for w in adapted_works(dataset, resolve_production(catalog, text))]

    assert adapts("1") == ["volume-1", "volume-2"]
    assert adapts("2") == ["volume-3"]
    assert {"volume-4", "volume-5"} <= set(adapts("3"))
    assert [p.id for p in adapting_productions(dataset, resolve_work(catalog, "4"))] == ["season-3"]
    assert [p.id for p in adapting_productions(dataset, resolve_work(catalog, "5"))] == ["season-3"]
    assert adapting_productions(dataset, resolve_work(catalog, "Solitaire")) == []


# --- spoiler limits ---------------------------------------------------------------------------------


def test_limit_bounds_come_from_the_dataset(dataset: Dataset) -> None:
    assert max_spoiler_season(dataset) == len(dataset.seasons) + 1  # the film counts as the next season
    assert max_spoiler_volume(dataset) == max(w.number or 0 for w in dataset.works)


def test_check_spoiler_limit_accepts_the_full_range(dataset: Dataset) -> None:
    assert check_spoiler_limit(dataset, 0, 0) == SpoilerLimit(0, 0)
    assert check_spoiler_limit(dataset, 4, 6) == SpoilerLimit(4, 6)


@pytest.mark.parametrize(
    ("season", "volume", "named"),
    [
        (5, 3, "`season` must be 0–4"),
        (-1, 3, "`season` must be 0–4"),
        (2, 7, "`volume` must be 0–6"),
        (2, 10**30, "`volume` must be 0–6"),
        (True, 3, "`season` must be 0–4"),
        ("2", 3, "`season` must be 0–4"),
        (2.0, 3, "`season` must be 0–4"),
    ],
)
def test_check_spoiler_limit_refuses_out_of_range(
    dataset: Dataset, season: object, volume: object, named: str
) -> None:
    with pytest.raises(InvalidOptionError, match=named):
        check_spoiler_limit(dataset, season, volume)


@pytest.mark.parametrize(
    ("point", "limit", "hidden"),
    [
        (NO_STORY, SpoilerLimit(0, 0), False),  # text that reveals nothing always shows
        (StoryPoint(season=1), SpoilerLimit(0, 6), True),
        (StoryPoint(season=1), SpoilerLimit(1, 0), False),
        (StoryPoint(volume=3), SpoilerLimit(4, 2), True),
        (StoryPoint(volume=3), SpoilerLimit(0, 3), False),
        (StoryPoint(season=2, volume=3), SpoilerLimit(2, 3), False),
        (StoryPoint(season=2, volume=3), SpoilerLimit(1, 2), True),
        (StoryPoint(season=4, volume=6), SpoilerLimit(3, 5), True),  # the film counts as season 4
        (StoryPoint(season=4, volume=6), SpoilerLimit(4, 6), False),
        (StoryPoint(season=3), SpoilerLimit(season=None, volume=0), False),  # no limit on that axis
        (StoryPoint(season=3, volume=4), NO_LIMIT, False),
    ],
)
def test_a_limit_hides_exactly_the_points_beyond_it(
    point: StoryPoint, limit: SpoilerLimit, hidden: bool
) -> None:
    assert limit.hides(point) is hidden
    assert limit.hides_text(StoryText("text", point)) is hidden


def test_the_shipped_texts_follow_the_explicit_policy(dataset: Dataset, catalog: Catalog) -> None:
    caught_up = SpoilerLimit(season=1, volume=2)
    season_1 = resolve_production(catalog, "1")
    assert not caught_up.hides_text(season_1.summary)
    assert season_1.adapts_note is not None and not caught_up.hides_text(season_1.adapts_note)
    assert not any(caught_up.hides(e.reveals) for e in season_1.episodes)
    assert caught_up.hides_text(resolve_production(catalog, "2").summary)
    # Season-3-only role lines are hidden from a server caught up to Season 1 and Volume 1.
    for character in dataset.characters:
        if character.seasons == (3,) and character.role.reveals.season == 3:
            assert SpoilerLimit(season=1, volume=1).hides_text(character.role), character.id
    assert not any(NO_LIMIT.hides(point) for point in story_points(dataset))


def test_story_points_collects_every_text_the_dataset_has(dataset: Dataset) -> None:
    points = story_points(dataset)
    assert NO_STORY in points
    assert StoryPoint(season=4, volume=6) in points  # the film's summary
    every = {t.reveals for c in dataset.characters for t in (c.role, *c.notes)}
    every |= {e.reveals for p in dataset.productions for e in p.episodes}
    every |= {w.summary.reveals for w in dataset.works}
    assert every <= points


def test_caught_up_text_uses_dataset_names(dataset: Dataset) -> None:
    assert caught_up_text(dataset, SpoilerLimit(2, 3)) == "caught up to Season 2 and Volume 3"
    assert caught_up_text(dataset, SpoilerLimit(4, 0)) == "caught up to Heartstopper Forever and no book yet"
    assert caught_up_text(dataset, SpoilerLimit(0, None)) == "caught up to no season yet"


def test_nothing_hidden_only_at_the_top(dataset: Dataset, catalog: Catalog) -> None:
    assert nothing_hidden(catalog.story_points, SpoilerLimit(4, 6))
    assert nothing_hidden(catalog.story_points, NO_LIMIT)
    assert not nothing_hidden(catalog.story_points, SpoilerLimit(3, 5))
    assert not nothing_hidden(catalog.story_points, SpoilerLimit(2, 5))
    assert nothing_hidden(frozenset({NO_STORY}), SpoilerLimit(0, 0))
