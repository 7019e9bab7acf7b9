"""Trivia questions from the canon (bot/domain/trivia.py, trivia_kinds.py): spoiler-safe, confirmed,
sourced, plausible, never ambiguous, and no repeat until a server's pool is used up."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.domain.catalog import Catalog
from bot.domain.source import load_dataset
from bot.domain.spoilers import NO_LIMIT, SpoilerLimit
from bot.domain.trivia import PoolCache, Question, TriviaBase, TriviaPool, draw
from bot.domain.trivia_kinds import build_base
from tests.datasets import dataset_with

DATA_FILE = Path(__file__).resolve().parents[3] / "data" / "heartstopper.toml"
CAUGHT_UP_S1_V1 = SpoilerLimit(season=1, volume=1)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.build(load_dataset(DATA_FILE))


@pytest.fixture(scope="module")
def base(catalog: Catalog) -> TriviaBase:
    return build_base(catalog)


def questions(pool: TriviaPool, count: int, seed: int = 0) -> list[Question]:
    """`count` questions as a server would get them: no repeat within a round, a new round when used up."""
    rng = random.Random(seed)
    asked: set[str] = set()
    found: list[Question] = []
    while len(found) < count:
        question = draw(pool, asked, rng)
        if question is None:
            assert asked, "an empty pool"
            asked.clear()
            continue
        asked.add(question.key)
        found.append(question)
    return found


def texts(question: Question) -> list[str]:
    return [question.prompt, question.fact, *question.choices]


def test_caught_up_to_season_1_and_volume_1_no_question_mentions_season_3_only_story(
    catalog: Catalog, base: TriviaBase
) -> None:
    dataset = catalog.dataset
    season_3_only = [c for c in dataset.characters if min(c.seasons, default=9) == 3]
    assert {c.name for c in season_3_only} >= {"Jack Maddox", "Michael Holden", "Diane", "Geoff"}
    names = {c.name for c in season_3_only} | {c.actor for c in season_3_only if c.actor}
    later_titles = {
        e.title for p in dataset.seasons if (p.number or 0) >= 2 for e in p.episodes if e.title
    }  # episode titles are story text (S2 V3 and later: beyond this limit)
    asked = questions(base.pool(CAUGHT_UP_S1_V1), 200)
    assert len(asked) == 200
    for question in asked:
        for text in texts(question):
            assert not any(name in text for name in names), (question, text)
        assert not later_titles & set(question.choices), question
        if question.kind == "episode":
            assert question.key.startswith("episode:season-1:"), question
        # Titles and dates are not story: "How many episodes does Season 3 have?" may be asked.
        assert question.kind not in ("newcomer", "debut"), question
    kinds = {q.kind for q in asked}
    assert {"actor", "role", "episode", "premiere", "published", "book-kind"} <= kinds


def test_every_question_in_every_pool_stays_within_its_limit(base: TriviaBase) -> None:
    for limit in (CAUGHT_UP_S1_V1, SpoilerLimit(season=2, volume=3), SpoilerLimit(season=0, volume=0)):
        pool = base.pool(limit)
        for seed in pool.seeds():
            assert not any(limit.hides(point) for point in seed.reveals), seed
    assert base.pool(NO_LIMIT).size > base.pool(CAUGHT_UP_S1_V1).size > base.pool(SpoilerLimit(0, 0)).size


def test_choices_are_distinct_include_the_answer_and_never_a_second_right_one(
    catalog: Catalog, base: TriviaBase
) -> None:
    dataset = catalog.dataset
    actor_of = {c.name: c.actor for c in dataset.characters}
    roles_of: dict[str, set[str]] = {}
    for c in dataset.characters:
        roles_of.setdefault(c.actor, set()).add(c.name)
    for question in questions(base.pool(NO_LIMIT), 400, seed=7):
        assert 3 <= len(question.choices) <= 5
        assert len({c.casefold() for c in question.choices}) == len(question.choices)
        assert all(0 < len(c) <= 80 for c in question.choices)
        wrong = [c for i, c in enumerate(question.choices) if i != question.answer]
        if question.kind == "actor":
            name = question.prompt.removeprefix("Who plays ").removesuffix(" in Heartstopper?")
            assert question.right == actor_of[name] and actor_of[name] not in wrong
        if question.kind == "role":
            actor = question.prompt.removeprefix("Whom does ").removesuffix(" play in Heartstopper?")
            assert roles_of[actor] == {question.right}
        if question.kind in ("premiere", "published"):
            assert all(abs(int(c) - int(question.right)) <= 2 for c in wrong)  # years near the right one
        if question.kind == "adapts":
            production = next(p for p in dataset.productions if p.id == question.key.split(":")[1])
            titles = {w.title for w in dataset.works if w.id in production.adapts}
            assert question.right in titles and not titles & set(wrong)


def test_no_unverified_answer_and_no_weak_source(catalog: Catalog, base: TriviaBase) -> None:
    dataset = catalog.dataset
    unverified = [c for c in dataset.characters if c.unverified]
    assert {"Elle Argent", "Oliver Spring", "Christian"} <= {c.name for c in unverified}
    pool = base.pool(NO_LIMIT)
    for seed in pool.seeds():
        assert dataset.source_kind(seed.source) != "weak", seed
        for character in unverified:
            assert character.id not in seed.key.split(":")
            assert seed.right not in (character.name, character.actor)
    keys = {seed.key for seed in pool.seeds()}
    assert "premiere:film" not in keys  # only announced
    assert "published:volume-3" not in keys  # a publication of unknown date: which came first is unknown
    for group in pool.groups.values():
        assert not {c.name for c in unverified} & set(group)


def test_no_repeat_until_the_pool_is_used_up(base: TriviaBase) -> None:
    pool = base.pool(CAUGHT_UP_S1_V1)
    rng = random.Random(3)
    asked: set[str] = set()
    for _ in range(pool.size):
        question = draw(pool, asked, rng)
        assert question is not None and question.key not in asked
        asked.add(question.key)
    assert draw(pool, asked, rng) is None
    assert asked == {seed.key for seed in pool.seeds()}


def test_newcomers_are_new_and_wrong_answers_are_returning_characters(
    catalog: Catalog, base: TriviaBase
) -> None:
    debut = {c.name: min(c.seasons) for c in catalog.dataset.characters if c.seasons}
    newcomers = [s for s in base.pool(NO_LIMIT).seeds() if s.kind == "newcomer"]
    assert newcomers
    for seed in newcomers:
        season = int(seed.prompt.rsplit("Season ", 1)[1].rstrip("?"))
        assert debut[seed.right] == season
        for other in base.pool(NO_LIMIT).groups[seed.wrong]:
            assert debut[other] < season


def test_a_season_1_server_is_not_asked_where_characters_first_appear(base: TriviaBase) -> None:
    # Every character it knows first appears in Season 1: the question would answer itself.
    assert "debut" not in base.pool(CAUGHT_UP_S1_V1).by_kind
    assert base.pool(NO_LIMIT).by_kind["debut"]


def test_an_actor_with_two_roles_is_never_asked_whom_they_play(tmp_path: Path) -> None:
    twice = """
[[characters]]
id = "test-double"
name = "Test Double"
actor = "Kit Connor"
aliases = []
role = "A second role."
role_reveals = "S1"
group = "guest"
seasons = [1]
sources = ["https://example.org/double"]
"""
    catalog = Catalog.build(load_dataset(dataset_with(tmp_path / "data.toml", twice)))
    keys = {seed.key for seed in build_base(catalog).pool(NO_LIMIT).seeds()}
    assert "actor:nick-nelson" in keys and "actor:test-double" in keys
    assert "role:nick-nelson" not in keys and "role:test-double" not in keys


def test_pools_are_built_once_per_catalog_and_limit(catalog: Catalog) -> None:
    built: list[Catalog] = []

    def counting(c: Catalog) -> TriviaBase:
        built.append(c)
        return build_base(c)

    cache = PoolCache(counting)
    first = cache.get(catalog, CAUGHT_UP_S1_V1)
    assert cache.get(catalog, CAUGHT_UP_S1_V1) is first
    assert cache.cached(catalog, NO_LIMIT) is None
    cache.get(catalog, NO_LIMIT)
    assert built == [catalog]
    reloaded = Catalog.build(catalog.dataset)
    assert cache.cached(reloaded, CAUGHT_UP_S1_V1) is None
    cache.get(reloaded, CAUGHT_UP_S1_V1)
    assert built == [catalog, reloaded]
