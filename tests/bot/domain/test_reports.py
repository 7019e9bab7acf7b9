"""Report text is kept as written but storable; the limit is 5 in any rolling 24 hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.reports import (
    REPORT_TEXT_LIMIT,
    REPORT_WINDOW,
    REPORTS_PER_DAY,
    LimitReached,
    ReportText,
    clean_report_text,
    limit_reached,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("raw", ["", " ", "\t\n \r\n", "\u200b" * 10, "\x00\x00", "\u202e\u2066 \ufeff"])
def test_nothing_to_report_is_none(raw: str) -> None:
    assert clean_report_text(raw) is None


def test_text_is_kept_as_written_apart_from_what_sqlite_cannot_hold() -> None:
    raw = "  **Oliver** is a <@123456789012345678> cousin\r\n@everyone\x00 \ud800 \x1b[31m\n"
    assert clean_report_text(raw) == ReportText(
        "**Oliver** is a <@123456789012345678> cousin\n@everyone \ufffd \x1b[31m", cut=False
    )
    assert clean_report_text("x" * REPORT_TEXT_LIMIT) == ReportText("x" * REPORT_TEXT_LIMIT, cut=False)


def test_a_long_text_keeps_its_start() -> None:
    cleaned = clean_report_text("y" * 4000)
    assert cleaned is not None and cleaned.cut
    assert len(cleaned.text) == REPORT_TEXT_LIMIT and cleaned.text.endswith("…")


def test_five_in_a_rolling_day_then_the_oldest_must_age_out() -> None:
    sent = [NOW - timedelta(hours=hours) for hours in (23, 20, 3, 2, 1)]
    assert limit_reached(sent[1:], NOW) is None
    assert limit_reached(sent, NOW) == LimitReached(retry_at=sent[0] + REPORT_WINDOW)
    # An hour later the oldest is 24 hours old and no longer counts.
    assert limit_reached(sent, NOW + timedelta(hours=1)) is None
    older = [NOW - timedelta(days=2)] * 10  # outside the window: never counted
    assert limit_reached(older + sent[1:], NOW) is None
    assert REPORTS_PER_DAY == 5


@given(st.text(alphabet=st.characters(codec=None), max_size=5000))
def test_whatever_a_client_sends_is_empty_or_storable(raw: str) -> None:
    cleaned = clean_report_text(raw)
    if cleaned is not None:
        assert 0 < len(cleaned.text) <= REPORT_TEXT_LIMIT
        assert not cleaned.cut or len(raw) > REPORT_TEXT_LIMIT
        cleaned.text.encode("utf-8")  # SQLite text: no lone surrogate
        assert "\x00" not in cleaned.text
