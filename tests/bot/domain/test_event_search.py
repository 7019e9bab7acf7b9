"""bot/domain/event_search.py: which /countdown event a fan means, on the shipped dataset and on
hand-made events."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import DEFAULT_DATASET_PATH
from bot.domain.catalog import Catalog
from bot.domain.countdown import CountdownEvent
from bot.domain.dates import PartialDate
from bot.domain.errors import FandexError, InvalidOptionError, NotFoundError
from bot.domain.event_search import OneEvent, SeveralEvents, match_event, suggest_events
from bot.domain.source import load_dataset

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


@pytest.fixture(scope="module")
def events() -> tuple[CountdownEvent, ...]:
    return Catalog.build(load_dataset(DEFAULT_DATASET_PATH)).events


def found(events: tuple[CountdownEvent, ...], query: str) -> str:
    result = match_event(events, query, NOW, UTC_ZONE)
    assert isinstance(result, OneEvent), result
    return result.event.key


def candidates(events: tuple[CountdownEvent, ...], query: str) -> list[str]:
    result = match_event(events, query, NOW, UTC_ZONE)
    assert isinstance(result, SeveralEvents), result
    return [event.key for event in result.events]


def test_dataset_events_carry_kind_and_the_names_of_what_they_release(
    events: tuple[CountdownEvent, ...],
) -> None:
    premiere = next(e for e in events if e.key == "ds:film-premiere")
    assert premiere.kind == "film" and not premiere.is_news
    assert {"film", "movie", "forever"} <= premiere.words  # the film's aliases, not in the title
    assert "heartstopperforever" in premiere.related_keys
    wrap = next(e for e in events if e.key == "ds:film-wrap")
    assert wrap.is_news


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("film", "ds:film-premiere"),  # the film's one release, not the news about it
        ("Heartstopper Forever", "ds:film-premiere"),
        ("flim", "ds:film-premiere"),  # a typo of the film's name
        ("season 3", "ds:season-3-premiere"),
        ("s2", "ds:season-2-premiere"),
        ("vol 6 uk", "ds:volume-6-uk"),
        ("wraps", "ds:film-wrap"),  # news is found when asked for
        ("Season 1 premire on Netflx", "ds:season-1-premiere"),  # typos in the words
        ("ds:volume-5-us", "ds:volume-5-us"),  # an autocomplete value
        ("  VOLUME 5 PUBLISHED IN THE US ", "ds:volume-5-us"),  # a title in any case
    ],
)
def test_one_event_is_found(events: tuple[CountdownEvent, ...], query: str, key: str) -> None:
    assert found(events, query) == key


def test_several_fitting_events_are_candidates_releases_first(events: tuple[CountdownEvent, ...]) -> None:
    assert candidates(events, "volume 6") == ["ds:volume-6-us", "ds:volume-6-uk"]  # most recent first
    premieres = candidates(events, "premiere")
    assert premieres[0] == "ds:film-premiere"  # the upcoming one, then the past ones
    assert set(premieres) == {
        "ds:film-premiere",
        "ds:season-1-premiere",
        "ds:season-2-premiere",
        "ds:season-3-premiere",
    }
    netflix = candidates(events, "netflix")
    news = [key for key in netflix if next(e for e in events if e.key == key).is_news]
    assert netflix[-len(news) :] == news  # news after every release


@pytest.mark.parametrize("query", ["", "   ", "\u200b"])
def test_an_empty_name_asks_for_one(events: tuple[CountdownEvent, ...], query: str) -> None:
    with pytest.raises(InvalidOptionError):
        match_event(events, query, NOW, UTC_ZONE)


@pytest.mark.parametrize("query", ["volume 7", "🎉🎉", "qwxzv", "season 5 premiere"])
def test_nothing_fitting_is_not_found(events: tuple[CountdownEvent, ...], query: str) -> None:
    with pytest.raises(NotFoundError, match="I know no event called"):
        match_event(events, query, NOW, UTC_ZONE)


def server_event(key: str, title: str, when: str) -> CountdownEvent:
    return CountdownEvent(key=key, title=title, date=PartialDate.parse(when), status=None)


def test_a_servers_events_are_found_by_their_words_and_count_as_releases() -> None:
    mine = [
        server_event("guild:1", "Watch party", "2027-01-10"),
        server_event("guild:2", "Watch party (rerun)", "2027-02-10"),
        CountdownEvent(
            key="ds:n",
            title="Watch news",
            date=PartialDate.parse("2027-01-01"),
            status="confirmed",
            kind="news",
        ),
    ]
    assert [e.key for e in suggest_events(mine, NOW, UTC_ZONE, "watch")] == ["guild:1", "guild:2", "ds:n"]
    result = match_event(mine, "wach party", NOW, UTC_ZONE)
    assert isinstance(result, SeveralEvents) and [e.key for e in result.events] == ["guild:1", "guild:2"]
    assert isinstance(match_event(mine, "rerun", NOW, UTC_ZONE), OneEvent)


def test_suggestions_stay_within_25(events: tuple[CountdownEvent, ...]) -> None:
    assert len(suggest_events(events, NOW, UTC_ZONE, "")) == 25
    many = [server_event(f"guild:{i}", f"Party {i}", "2027-01-10") for i in range(40)]
    assert len(suggest_events(many, NOW, UTC_ZONE, "party")) == 25
    result = match_event(many, "party", NOW, UTC_ZONE)
    assert isinstance(result, SeveralEvents) and len(result.events) == 25 and result.more


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_an_event_candidates_or_a_user_error(
    events: tuple[CountdownEvent, ...], text: str
) -> None:
    try:
        result = match_event(events, text, NOW, UTC_ZONE)
    except FandexError as error:
        assert 0 < len(error.message) < 2000
    else:
        assert isinstance(result, OneEvent) or 2 <= len(result.events) <= 25
    assert len(suggest_events(events, NOW, UTC_ZONE, text)) <= 25
