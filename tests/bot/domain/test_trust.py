"""Story points, source picks and dated claims (bot/domain/model.py, sources.py, claims.py)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.domain.claims import claim_state, lapsed_claims
from bot.domain.dates import PartialDate
from bot.domain.model import FILM_SPOILER_SEASON, NO_STORY, Dataset, StoryPoint
from bot.domain.source import load_dataset
from bot.domain.sources import SHOWN_SOURCES, pick_sources

DATA_FILE = Path(__file__).resolve().parents[3] / "data" / "heartstopper.toml"
VERIFIED_ON = date(2026, 7, 3)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(DATA_FILE)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


# --- StoryPoint.parse ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("none", NO_STORY),
        ("S1", StoryPoint(season=1)),
        ("S3", StoryPoint(season=3)),
        ("film", StoryPoint(season=FILM_SPOILER_SEASON)),
        ("V4", StoryPoint(volume=4)),
        ("S2 V3", StoryPoint(season=2, volume=3)),
        ("film V6", StoryPoint(season=4, volume=6)),
        ("  S1   V2 ", StoryPoint(season=1, volume=2)),
    ],
)
def test_story_point_parses_the_written_forms(text: str, point: StoryPoint) -> None:
    assert StoryPoint.parse(text) == point


@pytest.mark.parametrize("text", ["none", "S1", "film", "V4", "S2 V3", "film V6"])
def test_story_point_round_trips_through_str(text: str) -> None:
    assert str(StoryPoint.parse(text)) == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "S0",
        "V0",
        "s1",  # lower case is not the written form
        "S",
        "V",
        "S-1",
        "S1.5",
        "Season 1",
        "V3 S2",  # season first
        "S1 S2",
        "V1 V2",
        "film S3",
        "film film",
        "none S1",
        "S1 none",
        "S1,V2",
        "S²",  # str.isdigit() is true for these, int() is not a story point parser
        "V١",
    ],
)
def test_story_point_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="story point"):
        StoryPoint.parse(text)


# --- pick_sources ---------------------------------------------------------------------------------


def with_kinds(dataset: Dataset, **kinds: str) -> Dataset:
    return dataclasses.replace(dataset, source_kinds={k.replace("_", "."): v for k, v in kinds.items()})


def test_pick_sources_best_kind_first_then_dataset_order(dataset: Dataset) -> None:
    kinds = with_kinds(dataset, fan_example="fan", press_example="press", official_example="official")
    urls = [
        "https://fan.example/1",
        "https://press.example/1",
        "https://fan.example/2",
        "https://official.example/1",
        "https://press.example/2",
    ]
    pick = pick_sources(kinds, urls)
    assert pick.shown == ("https://official.example/1", "https://press.example/1", "https://press.example/2")
    assert pick.more == ("https://fan.example/1", "https://fan.example/2")
    assert pick.unreliable == 0
    assert pick.all_linkable == pick.shown + pick.more


def test_pick_sources_never_links_a_weak_or_unknown_page(dataset: Dataset) -> None:
    kinds = with_kinds(dataset, press_example="press", weak_example="weak")
    urls = ["https://weak.example/a", "https://press.example/a", "https://nobody.example/a"]
    pick = pick_sources(kinds, urls)
    assert pick.shown == ("https://press.example/a",)
    assert pick.more == ()
    assert pick.unreliable == 2  # the weak page and the host with no kind


def test_pick_sources_deduplicates_and_shows_at_most_three(dataset: Dataset) -> None:
    kinds = with_kinds(dataset, press_example="press")
    urls = [f"https://press.example/{n}" for n in range(6)] * 2
    pick = pick_sources(kinds, urls)
    assert len(pick.shown) == SHOWN_SOURCES == 3
    assert len(pick.more) == 3
    assert len(set(pick.all_linkable)) == 6


def test_source_kind_strips_www_and_tries_parent_domains(dataset: Dataset) -> None:
    kinds = with_kinds(dataset, yahoo_com="press", weak_yahoo_com="weak")
    assert kinds.source_kind("https://uk.style.yahoo.com/x") == "press"
    assert kinds.source_kind("https://www.yahoo.com/x") == "press"
    assert kinds.source_kind("https://weak.yahoo.com/x") == "weak"  # the exact host wins
    assert kinds.source_kind("https://example.org/x") == "weak"


def test_the_shipped_dataset_links_no_weak_source(dataset: Dataset) -> None:
    for entry in (*dataset.productions, *dataset.works, *dataset.characters):
        pick = pick_sources(dataset, entry.sources)
        assert len(pick.shown) <= 3
        assert all(dataset.source_kind(url) != "weak" for url in pick.all_linkable)


# --- claim_state ------------------------------------------------------------------------------------


def test_a_confirmed_date_is_always_current() -> None:
    day = PartialDate.parse("2026-07-07")
    for now in (at(2026, 7, 3), at(2026, 12, 1), at(2030, 1, 1)):
        assert claim_state(day, "confirmed", now=now, verified_on=VERIFIED_ON) == "current"


def test_an_announced_year_is_current_then_as_of_then_lapsed() -> None:
    year = PartialDate.parse("2026")
    assert claim_state(year, "announced", now=at(2026, 7, 3, 12), verified_on=VERIFIED_ON) == "current"
    assert claim_state(year, "announced", now=at(2026, 7, 4), verified_on=VERIFIED_ON) == "as_of"
    assert claim_state(year, "announced", now=at(2026, 12, 31, 23, 59), verified_on=VERIFIED_ON) == "as_of"
    assert claim_state(year, "announced", now=at(2027, 1, 1), verified_on=VERIFIED_ON) == "lapsed"
    assert claim_state(year, "rumoured", now=at(2027, 3, 1), verified_on=VERIFIED_ON) == "lapsed"


def test_a_day_lapses_only_once_the_whole_day_is_over() -> None:
    day = PartialDate.parse("2026-07-07")
    assert claim_state(day, "announced", now=at(2026, 7, 7, 23), verified_on=VERIFIED_ON) == "as_of"
    assert claim_state(day, "announced", now=at(2026, 7, 8), verified_on=VERIFIED_ON) == "lapsed"


def test_a_month_window() -> None:
    month = PartialDate.parse("2026-07")
    assert claim_state(month, "announced", now=at(2026, 7, 31, 12), verified_on=VERIFIED_ON) == "as_of"
    assert claim_state(month, "announced", now=at(2026, 8, 1), verified_on=VERIFIED_ON) == "lapsed"


def test_an_unknown_date_never_lapses() -> None:
    unknown = PartialDate.parse("unknown")
    # An announcement with no date is still a claim about the future: dated once the facts are old.
    assert claim_state(unknown, "announced", now=at(2030, 1, 1), verified_on=VERIFIED_ON) == "as_of"
    assert claim_state(unknown, "announced", now=at(2026, 7, 3), verified_on=VERIFIED_ON) == "current"
    # A rumour with no date says nothing about when.
    assert claim_state(unknown, "rumoured", now=at(2030, 1, 1), verified_on=VERIFIED_ON) == "current"


# --- lapsed_claims ----------------------------------------------------------------------------------


def test_no_claim_has_lapsed_on_the_review_day(dataset: Dataset) -> None:
    assert lapsed_claims(dataset, at(2026, 12, 1)) == []


def test_the_film_lapses_once_2026_is_over(dataset: Dataset) -> None:
    found = lapsed_claims(dataset, at(2027, 3, 1))
    assert "production film (release): announced, 2026" in found
    assert any(line.startswith("event film-premiere: announced") for line in found)
    # Confirmed releases are never listed, however old.
    assert not any("season-1" in line for line in found)


def test_lapsed_claims_labels_publications(dataset: Dataset) -> None:
    work = dataset.works[0]
    rumour = dataclasses.replace(work.publications[0], date=PartialDate.parse("2026-08"), status="rumoured")
    changed = dataclasses.replace(
        dataset, works=(dataclasses.replace(work, publications=(rumour,)), *dataset.works[1:])
    )
    found = lapsed_claims(changed, at(2026, 9, 1))
    assert found == [f"work {work.id} ({rumour.region} publication): rumoured, {rumour.date.human()}"]
