"""The /countdown card's view model and rendering, and the /timeline picture's (bot/render/cards.py,
bot/render/timeline_card.py): dates at their real precision, "as of", spoiler limits, accents, sizes."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw

from bot.config import DEFAULT_DATASET_PATH
from bot.domain.countdown import CountdownEvent
from bot.domain.dates import PartialDate
from bot.domain.source import load_dataset
from bot.domain.spoilers import SpoilerLimit
from bot.render.cards import (
    ALT_TEXT_LIMIT,
    card_alt_text,
    countdown_card,
    font,
    render_countdown_card,
)
from bot.render.timeline_card import render_timeline, timeline_alt_text, timeline_view

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
CHECKED = date(2026, 7, 3)


def event(value: str, status: str | None = "confirmed", title: str = "Season 4") -> CountdownEvent:
    key = "guild:1" if status is None else "ds:s4"
    return CountdownEvent(
        key=key,
        title=title,
        date=PartialDate.parse(value),
        status=status,  # type: ignore[arg-type]
        verified_on=None if status is None else CHECKED,
    )


def test_a_month_only_date_never_shows_a_day_count() -> None:
    card = countdown_card(event("2027-05", "announced"), NOW, LONDON)
    assert card.left == "In 5 months"
    assert card.date == "May 2027, no exact day announced yet"
    assert "day" not in card.left
    assert card.as_of == "As of 3 July 2026"  # the facts are older than today
    assert card.status == "Announced, not yet confirmed"
    assert card.zone is None


def test_a_year_only_date_and_a_confirmed_one_has_no_as_of() -> None:
    card = countdown_card(event("2027"), NOW, LONDON)
    assert (card.left, card.date, card.as_of) == ("Next year", "2027, no exact day announced yet", None)


def test_a_day_counts_days_in_the_zone_and_an_exact_time_keeps_its_own() -> None:
    day = countdown_card(event("2026-12-04"), NOW, LONDON)
    assert (day.left, day.date, day.zone) == (
        "3 days to go",
        "Friday 4 December 2026",
        "Days counted in Europe/London",
    )
    exact = countdown_card(event("2026-12-02T20:00 Europe/London"), NOW, LONDON)
    assert (exact.left, exact.date) == ("1 day to go", "Wednesday 2 December 2026, 20:00 (Europe/London)")
    assert countdown_card(event("2026-12-01"), NOW, LONDON).left == "Today"


def test_checked_today_has_no_as_of_and_a_lapsed_claim_is_was_expected() -> None:
    fresh = countdown_card(event("2027-05", "announced"), datetime(2026, 7, 3, 9, tzinfo=UTC), LONDON)
    assert fresh.as_of is None
    lapsed = countdown_card(event("2026-10", "announced"), NOW, LONDON)
    assert lapsed.left == "Was expected, no later news"


def test_a_server_event_and_the_alt_text() -> None:
    card = countdown_card(event("2026-12-24", None, title="Watch party"), NOW, LONDON)
    assert card.status == "This server's own event" and card.as_of is None
    assert card_alt_text(card) == (
        "Watch party. 23 days to go. Thursday 24 December 2026. Status: This server's own event. "
        "Days counted in Europe/London."
    )
    long = countdown_card(event("2027", title="x " * 900), NOW, LONDON)
    assert len(card_alt_text(long)) <= ALT_TEXT_LIMIT


@pytest.mark.parametrize("text", ["é", "ã", "ß", "ç", "ñ", "ü", "œ", "É"])
def test_accented_letters_have_glyphs(text: str) -> None:
    face = font(40)
    box = face.getmask(text).getbbox()
    assert box is not None and box[2] > box[0] and box[3] > box[1]

    # not the "missing glyph" box a font without the letter draws
    def drawn(letters: str) -> bytes:
        image = Image.new("L", (80, 80))
        ImageDraw.Draw(image).text((10, 10), letters, font=face, fill=255)
        return image.tobytes()

    assert drawn(text) != drawn("\U000f0000")


def test_the_card_renders_a_png_of_at_least_800_by_400() -> None:
    card = countdown_card(
        event("2027-05", "announced", title="Estreia em São Paulo: Straße, façade"), NOW, LONDON
    )
    image = Image.open(io.BytesIO(render_countdown_card(card)))
    assert image.format == "PNG" and image.width >= 800 and image.height >= 400


def test_the_timeline_within_a_spoiler_limit() -> None:
    dataset = load_dataset(DEFAULT_DATASET_PATH)
    whole = timeline_view(dataset, SpoilerLimit())
    assert whole.hidden == 0
    assert ("season-2", "volume-3") in whole.links
    text = timeline_alt_text(whole)
    assert "Season 2 (3 August 2023) adapts Volume 3" in text and len(text) <= ALT_TEXT_LIMIT
    early = timeline_view(dataset, SpoilerLimit(season=1, volume=2))
    labels = {entry.label for entry in early.entries}
    assert "Season 1" in labels and "Volume 2" in labels
    assert not labels & {"Season 2", "Season 3", "Volume 3", "Heartstopper Forever"}
    assert all(production == "season-1" for production, _ in early.links)
    assert "Season 3" not in timeline_alt_text(early) and "not named" in timeline_alt_text(early)
    image = Image.open(io.BytesIO(render_timeline(early)))
    assert image.format == "PNG" and image.width >= 800 and image.height >= 400
