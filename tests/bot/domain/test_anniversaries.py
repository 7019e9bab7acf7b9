"""Which dataset events have an anniversary on a day: confirmed and known to the day only, within the
spoiler limit, from 09:00 in the server's zone until its midnight."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.anniversaries import (
    anniversaries_on,
    daily_day,
    daily_nonce,
    remembered_on,
    years_ago_text,
)
from bot.domain.dates import PartialDate
from bot.domain.model import Dataset, ReleaseEvent, StoryPoint
from bot.domain.source import load_dataset
from bot.domain.spoilers import NO_LIMIT, SpoilerLimit
from bot.render.daily import daily_embed, thread_name

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(ROOT / "data" / "heartstopper.toml")


def ids(dataset: Dataset, day: date, limit: SpoilerLimit = NO_LIMIT) -> list[str]:
    return [a.event_id for a in anniversaries_on(dataset, day, limit)]


def test_season_2_premiered_three_years_ago_today(dataset: Dataset) -> None:
    [found] = anniversaries_on(dataset, date(2026, 8, 3), NO_LIMIT)
    assert (found.event_id, found.years, found.on, found.kind) == (
        "season-2-premiere",
        3,
        date(2023, 8, 3),
        "season",
    )
    assert found.reveals == StoryPoint(season=2)
    assert years_ago_text(found.years) == "3 years ago today"
    assert years_ago_text(1) == "1 year ago today"


def test_nothing_on_a_day_without_one(dataset: Dataset) -> None:
    assert ids(dataset, date(2026, 8, 4)) == []


def test_the_spoiler_limit_hides_what_a_later_season_or_the_film_reveals(dataset: Dataset) -> None:
    # 22 April: Season 1 premiered (2022), the film was announced (2025).
    day = date(2027, 4, 22)
    assert ids(dataset, day) == ["season-1-premiere", "film-announced"]
    assert ids(dataset, day, SpoilerLimit(season=1)) == ["season-1-premiere"]
    assert ids(dataset, day, SpoilerLimit(season=0)) == []
    # Season 2's premiere is beyond a server that has only watched Season 1.
    assert ids(dataset, date(2026, 8, 3), SpoilerLimit(season=1)) == []
    assert ids(dataset, date(2026, 8, 3), SpoilerLimit(season=2)) == ["season-2-premiere"]
    # A book's publication is beyond a server that has not read that volume.
    assert ids(dataset, date(2026, 12, 7), SpoilerLimit(volume=4)) == []
    assert ids(dataset, date(2026, 12, 7), SpoilerLimit(volume=5)) == ["volume-5-uk"]


def _with(dataset: Dataset, *events: ReleaseEvent) -> Dataset:
    return dataclasses.replace(dataset, events=(*dataset.events, *events))


def _event(id: str, when: PartialDate, status: str = "confirmed") -> ReleaseEvent:
    return ReleaseEvent(id, f"{id} happened", when, status, "news", None, "", (), ())  # type: ignore[arg-type]


def test_only_confirmed_dates_known_to_the_day_count(dataset: Dataset) -> None:
    extended = _with(
        dataset,
        _event("month-only", PartialDate(2020, 6)),
        _event("year-only", PartialDate(2020)),
        _event("announced-day", PartialDate(2020, 6, 9), status="announced"),
        _event("rumoured-day", PartialDate(2020, 6, 9), status="rumoured"),
        _event("confirmed-day", PartialDate(2020, 6, 9)),
    )
    assert ids(extended, date(2026, 6, 9)) == ["confirmed-day"]
    assert ids(extended, date(2026, 6, 1)) == []
    # Volume 1's UK publication is known to the month only: never an anniversary.
    assert "volume-1-uk" not in {
        a.event_id for d in range(1, 29) for a in anniversaries_on(dataset, date(2026, 2, d), NO_LIMIT)
    }


def test_the_year_itself_is_no_anniversary(dataset: Dataset) -> None:
    assert ids(dataset, date(2026, 7, 2)) == []  # Volume 6 came out on 2 July 2026
    assert ids(dataset, date(2027, 7, 2)) == ["volume-6-uk"]


def test_29_february_is_remembered_on_the_28th_in_other_years(dataset: Dataset) -> None:
    leap = _with(dataset, _event("leap", PartialDate(2024, 2, 29)))
    assert ids(leap, date(2027, 2, 28)) == ["leap"]
    assert ids(leap, date(2028, 2, 29)) == ["leap"]
    assert ids(leap, date(2028, 2, 28)) == []
    assert remembered_on(date(2024, 2, 29), 2025) == date(2025, 2, 28)


def test_due_from_nine_in_the_servers_zone_until_its_midnight() -> None:
    london = ZoneInfo("Europe/London")
    assert daily_day(datetime(2026, 8, 3, 7, 59, tzinfo=UTC), london) is None  # 08:59 BST
    assert daily_day(datetime(2026, 8, 3, 8, 0, tzinfo=UTC), london) == date(2026, 8, 3)
    assert daily_day(datetime(2026, 8, 3, 22, 59, tzinfo=UTC), london) == date(2026, 8, 3)
    assert daily_day(datetime(2026, 8, 3, 23, 0, tzinfo=UTC), london) is None  # 00:00 on the 4th
    tokyo = ZoneInfo("Asia/Tokyo")
    assert daily_day(datetime(2026, 8, 3, 0, 0, tzinfo=UTC), tokyo) == date(2026, 8, 3)  # 09:00 JST


def test_the_nonce_is_the_same_for_a_server_and_day_and_fits_discord() -> None:
    first = daily_nonce(1, date(2026, 8, 3))
    assert first == daily_nonce(1, date(2026, 8, 3)) and len(first) <= 25
    assert first not in {daily_nonce(2, date(2026, 8, 3)), daily_nonce(1, date(2027, 8, 3))}


def test_the_post_and_the_thread_name_stay_within_discords_limits(dataset: Dataset) -> None:
    found = anniversaries_on(dataset, date(2027, 4, 22), NO_LIMIT)
    embed = daily_embed(date(2027, 4, 22), found, reference="fdabc")
    assert embed.title == "📅 On this day: 22 April"
    assert embed.description == (
        "**5 years ago today** (2022): Season 1 premieres on Netflix (8 episodes)\n"
        "**2 years ago today** (2025): " + next(e.title for e in dataset.events if e.id == "film-announced")
    )
    assert embed.footer.text == "Fandex · On this day · ref fdabc"
    assert len(embed) <= 6000
    assert thread_name("Season 4 premiere") == "💬 Season 4 premiere — spoilers"
    long = thread_name("x" * 300)
    assert len(long) == 100 and long.endswith(" — spoilers")
