"""bot/domain/faq.py: the series facts by topic, and which topics a question is about."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import DEFAULT_DATASET_PATH
from bot.domain.errors import FandexError, InvalidOptionError, NotFoundError
from bot.domain.faq import (
    Topic,
    faq_topics,
    find_topics,
    later_season_topics,
    suggest_topics,
    topic_key,
    topics_id,
)
from bot.domain.model import Dataset, Fact
from bot.domain.source import load_dataset

TITLE = "Heartstopper"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(DEFAULT_DATASET_PATH)


@pytest.fixture(scope="module")
def topics(dataset: Dataset) -> tuple[Topic, ...]:
    return faq_topics(dataset)


def keys(found: object) -> list[str]:
    return [topic.key for topic in found]  # type: ignore[attr-defined]


def test_facts_are_grouped_by_topic_in_dataset_order(dataset: Dataset, topics: tuple[Topic, ...]) -> None:
    assert keys(topics)[:4] == ["creator", "network", "production-company", "directors"]
    directors = next(t for t in topics if t.key == "directors")
    assert [f.text for f in directors.facts] == [
        f.text for f in dataset.series_facts if f.topic == "directors"
    ]
    assert sum(len(t.facts) for t in topics) == len(dataset.series_facts)
    assert len(topics) <= 25  # one autocomplete menu holds them all
    assert [t.key for t in topics if t.forward_looking] == ["no-season-4"]


@pytest.mark.parametrize(
    ("label", "key"),
    [("no season 4", "no-season-4"), ("Production company", "production-company"), ("¿?", "general")],
)
def test_topic_key(label: str, key: str) -> None:
    assert topic_key(label) == key


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("directors", ["directors"]),
        ("Directors", ["directors"]),
        ("production company", ["production-company"]),
        ("who directed season 3?", ["directors"]),
        ("who directed the film", ["directors"]),  # "directs" is a typo's distance from "directed"
        ("director", ["directors"]),
        ("season 4", ["no-season-4"]),
        ("4", ["no-season-4"]),  # the label counts more than a fact's "Volumes 4 and 5"
        ("emmys", ["awards"]),
        ("where is it set", ["setting"]),
        ("kickstarter", ["origin"]),
    ],
)
def test_a_question_finds_its_topic(topics: tuple[Topic, ...], question: str, expected: list[str]) -> None:
    assert keys(find_topics(topics, question, TITLE)) == expected


def test_a_question_that_fits_several_topics_equally_gets_them_all_up_to_three() -> None:
    def topic(label: str, text: str) -> Topic:
        return faq_topics(
            Dataset(
                id="t",
                title="T",
                description="",
                verified_on=date(2026, 1, 1),
                knowledge_note="",
                series_facts=(Fact(text, ("https://example.org",), label),),
                works=(),
                productions=(),
                characters=(),
                events=(),
            )
        )[0]

    many = tuple(topic(f"topic {i}", "Shared words here.") for i in range(5))
    assert len(find_topics(many, "shared words", "T")) == 3


@pytest.mark.parametrize("question", ["who plays nick", "qwxzv", "x" * 6000, "season 5 trailer"])
def test_a_question_no_topic_holds_every_word_of_is_not_found(
    topics: tuple[Topic, ...], question: str
) -> None:
    with pytest.raises(NotFoundError) as info:
        find_topics(topics, question, TITLE)
    assert "Topics: creator, network" in info.value.message
    assert len(info.value.message) < 2000


@pytest.mark.parametrize("question", ["", "   ", "who is the", "Heartstopper", "🎉"])
def test_a_question_with_nothing_to_match_asks_for_a_topic(topics: tuple[Topic, ...], question: str) -> None:
    with pytest.raises(InvalidOptionError, match="leave `question` empty"):
        find_topics(topics, question, TITLE)


def test_suggestions(topics: tuple[Topic, ...]) -> None:
    assert keys(suggest_topics(topics, "", TITLE)) == keys(topics)
    assert keys(suggest_topics(topics, "dir", TITLE)) == ["directors"]
    assert keys(suggest_topics(topics, "no-season-4", TITLE)) == ["no-season-4"]
    assert keys(suggest_topics(topics, "season", TITLE))[0] == "no-season-4"  # the label first
    assert suggest_topics(topics, "qwxzv", TITLE) == []


def test_the_id_of_an_answer_fits_a_button(topics: tuple[Topic, ...]) -> None:
    assert topics_id(topics[:2]) == "creator.network"
    long = tuple(dataclasses.replace(topics[0], key="k" * 50) for _ in range(3))
    assert topics_id(long) == "k" * 50
    assert topics_id(()) == "general"


def test_later_season_topics(topics: tuple[Topic, ...]) -> None:
    assert keys(later_season_topics(topics)) == ["no-season-4"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_question_is_answered_or_refused_clearly(topics: tuple[Topic, ...], text: str) -> None:
    try:
        found = find_topics(topics, text, TITLE)
    except FandexError as error:
        assert 0 < len(error.message) < 2000
    else:
        assert 1 <= len(found) <= 3
    assert len(suggest_topics(topics, text, TITLE)) <= 25
