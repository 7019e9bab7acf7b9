"""The /faq answers, /plot's later-season answer (bot/render/faq.py) and /help (bot/render/meta.py):
spoilers, dated claims, sources and Discord's limits."""

from __future__ import annotations

import dataclasses
from datetime import date

import discord
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import DEFAULT_DATASET_PATH
from bot.domain.faq import Topic, faq_topics, later_season_topics
from bot.domain.model import Dataset, Fact, StoryPoint
from bot.domain.source import load_dataset
from bot.domain.spoilers import NO_LIMIT, SpoilerLimit
from bot.render.cast import film_cast_note
from bot.render.faq import faq_answer, faq_index, later_season_answer, topic_choice_name
from bot.render.meta import CommandHelp, help_embed
from bot.render.story import Moment

VERIFIED_ON = date(2026, 7, 3)
CHECKED_TODAY = Moment(today=VERIFIED_ON, verified_on=VERIFIED_ON)
LATER = Moment(today=date(2026, 12, 1), verified_on=VERIFIED_ON)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(DEFAULT_DATASET_PATH)


@pytest.fixture(scope="module")
def topics(dataset: Dataset) -> tuple[Topic, ...]:
    return faq_topics(dataset)


def topic(topics: tuple[Topic, ...], key: str) -> Topic:
    return next(t for t in topics if t.key == key)


def assert_within_limits(embed: discord.Embed) -> None:
    assert len(embed) <= 6000 and len(embed.fields) <= 25
    assert len(embed.title or "") <= 256 and len(embed.description or "") <= 4096
    for field in embed.fields:
        assert 1 <= len(field.name or "") <= 256 and 1 <= len(field.value or "") <= 1024
    assert len(embed.footer.text or "") <= 2048


def test_one_topic_lists_its_facts_and_three_sources(dataset: Dataset, topics: tuple[Topic, ...]) -> None:
    directors = topic(topics, "directors")
    answer = faq_answer(dataset, [directors], NO_LIMIT, LATER)
    embed = answer.embed
    assert embed.title == "Directors" and embed.author.name == "Heartstopper"
    assert embed.description == "\n".join(f"• {f.text}" for f in directors.facts)
    assert len(answer.sources.shown) == 3 and not answer.sources.more
    assert embed.footer.text == "Facts verified 3 July 2026. /faq lists every topic."
    assert len(embed) < 2000


def test_what_will_not_happen_is_told_as_of_the_day_it_was_checked(
    dataset: Dataset, topics: tuple[Topic, ...]
) -> None:
    later = topic(topics, "no-season-4")
    dated = faq_answer(dataset, [later], NO_LIMIT, LATER).embed.description or ""
    assert dated.startswith(
        "As of 3 July 2026, when these facts were last checked:\n• There will be no Season 4"
    )
    today = faq_answer(dataset, [later], NO_LIMIT, CHECKED_TODAY).embed.description or ""
    assert today.startswith("• There will be no Season 4")


def test_several_topics_get_a_field_each(dataset: Dataset, topics: tuple[Topic, ...]) -> None:
    embed = faq_answer(dataset, [topic(topics, "creator"), topic(topics, "awards")], NO_LIMIT, LATER).embed
    assert embed.title == "Series facts"
    assert [f.name for f in embed.fields] == ["Creator", "Awards", "Sources"]


def test_a_fact_beyond_the_limit_is_behind_spoiler_tags(dataset: Dataset, topics: tuple[Topic, ...]) -> None:
    awards = topic(topics, "awards")
    later_fact = Fact(
        "Gives away the end of Season 3 | with a pipe.", awards.facts[0].sources, "awards", StoryPoint(3)
    )
    spoilery = dataclasses.replace(awards, facts=(*awards.facts, later_fact))
    embed = faq_answer(dataset, [spoilery], SpoilerLimit(season=2, volume=3), LATER).embed
    lines = (embed.description or "").splitlines()
    assert lines[0] == f"• {awards.facts[0].text}"
    assert lines[1] == "• ||Gives away the end of Season 3 \\| with a pipe.||"
    assert "Spoiler limit active" in (embed.footer.text or "")
    index = faq_index(dataset, [spoilery], SpoilerLimit(season=2, volume=3))
    assert "(+1 more)" in (index.description or "")


def test_the_index_lists_every_topic_within_one_message(dataset: Dataset, topics: tuple[Topic, ...]) -> None:
    embed = faq_index(dataset, topics, NO_LIMIT)
    assert (embed.description or "").count("\n") == len(topics) - 1
    assert len(embed) < 2000
    assert_within_limits(embed)


def test_choice_names_fit(topics: tuple[Topic, ...]) -> None:
    for each in topics:
        assert 1 <= len(topic_choice_name(each)) <= 100
    assert topic_choice_name(topic(topics, "awards")).startswith("Awards — Season 1 won five Emmys")


def test_season_4_from_the_series_facts(dataset: Dataset, topics: tuple[Topic, ...]) -> None:
    answer = later_season_answer(dataset, 4, later_season_topics(topics), NO_LIMIT, LATER)
    embed = answer.embed
    assert embed.title == "Season 4"
    assert (embed.description or "").splitlines() == [
        "As of 3 July 2026, when these facts were last checked:",
        "There will be no Season 4: Netflix is ending the story with a feature film, Heartstopper Forever, "
        "instead.",
    ]
    fields = {f.name: f.value or "" for f in embed.fields}
    assert fields["The story continues in"].startswith("**Heartstopper Forever** (film): expected 2026")
    assert "(as of 3 July 2026) · 📣 Announced (not yet confirmed)" in fields["The story continues in"]
    assert answer.sources.shown and all(dataset.source_kind(url) != "weak" for url in answer.sources.shown)


def test_a_later_season_without_facts_says_what_the_dataset_knows(dataset: Dataset) -> None:
    bare = dataclasses.replace(dataset, series_facts=())
    embed = later_season_answer(bare, 4, (), NO_LIMIT, LATER).embed
    assert embed.description == "Heartstopper has 3 seasons; the dataset knows of no Season 4."
    assert "Sources" not in [f.name for f in embed.fields]


def test_the_film_cast_note_dates_what_is_only_expected(dataset: Dataset) -> None:
    film_cast = [c for c in dataset.characters if c.film is not None]
    assert film_cast_note(film_cast, VERIFIED_ON) == (
        "Confirmed for the film: 2 · expected to return, not confirmed: 2 (as of 3 July 2026)."
    )
    confirmed = [c for c in film_cast if c.film == "confirmed"]
    assert (
        film_cast_note(confirmed, VERIFIED_ON)
        == "Confirmed for the film: 2 · expected to return, not confirmed: 0."
    )
    assert film_cast_note(film_cast, None).endswith("not confirmed: 2.")


def test_help_puts_fans_first_and_stays_under_2000_characters(dataset: Dataset) -> None:
    entries = [
        CommandHelp("plot", "What happens", "/plot season:2", moderators=False),
        CommandHelp("config show", "Settings", "/config show", moderators=True),
    ]
    description = help_embed(entries, dataset).description or ""
    assert description.index("**For fans**") < description.index("`/plot season:2` — What happens")
    assert description.index("**For moderators**") < description.index("`/config show` — Settings")
    grouped = [
        CommandHelp("me show", "Show", "/me show", moderators=False, group_description="Your own settings"),
        CommandHelp(
            "me forget", "Forget", "/me forget", moderators=False, group_description="Your own settings"
        ),
    ]
    assert "`/me show` · `/me forget` — Your own settings" in (help_embed(grouped, dataset).description or "")
    many = [CommandHelp(f"c{i}", "d" * 100, f"/c{i} " + "o" * 90, moderators=i % 2 == 0) for i in range(40)]
    embed = help_embed(many, dataset)
    assert len(embed.title or "") + len(embed.description or "") <= 2000
    assert (embed.description or "").endswith("more")  # cut at a whole line, and says so


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(min_size=1, max_size=1500), min_size=1, max_size=30))
def test_any_facts_fit_the_limits(dataset: Dataset, texts: list[str]) -> None:
    facts = tuple(Fact(text, ("https://example.org",), "odd", StoryPoint(3)) for text in texts)
    odd = faq_topics(dataclasses.replace(dataset, series_facts=facts))
    for limit in (NO_LIMIT, SpoilerLimit(season=1, volume=1)):
        assert_within_limits(faq_answer(dataset, odd, limit, LATER).embed)
        assert_within_limits(faq_index(dataset, odd, limit))
        assert_within_limits(later_season_answer(dataset, 4, odd, limit, LATER).embed)
