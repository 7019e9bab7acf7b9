"""bot/domain/dates.py: the portable long date, and PartialDate's precision."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bot.domain.dates import PartialDate, long_date

ROOT = Path(__file__).resolve().parents[3]


def test_long_date_has_no_leading_zero_and_an_optional_weekday() -> None:
    assert long_date(date(2027, 4, 7)) == "7 April 2027"
    assert long_date(date(2027, 4, 17)) == "17 April 2027"
    assert long_date(date(2027, 4, 17), weekday=True) == "Saturday 17 April 2027"
    assert long_date(datetime(2026, 12, 1, 23, 59, tzinfo=UTC)) == "1 December 2026"


def test_no_glibc_only_strftime_flag_in_the_bot() -> None:
    # "%-d" and friends crash Windows' strftime (ValueError: Invalid format string); use long_date().
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("bot", "cogs")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"%-[A-Za-z]", line)
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("parts", "precision"),
    [
        ((None,), "unknown"),
        ((2026,), "year"),
        ((2019, 2), "month"),
        ((2022, 4, 22), "day"),
        ((2022, 4, 22, time(8, 0), "Europe/London"), "time"),
    ],
)
def test_an_explicit_precision_that_agrees_is_accepted(parts: tuple[object, ...], precision: str) -> None:
    explicit = PartialDate(*parts, precision=precision)  # type: ignore[arg-type]
    assert explicit == PartialDate(*parts)  # type: ignore[arg-type]
    assert explicit.precision == precision


@pytest.mark.parametrize(
    ("parts", "precision"),
    [
        ((2019, 2), "day"),  # a day the source lacks would be invented
        ((2019, 2), "unknown"),
        ((2022, 4, 22), "time"),
        ((2022, 4, 22, time(8, 0), "Europe/London"), "day"),
        ((None,), "year"),
        ((2019, 2), "week"),
    ],
)
def test_an_explicit_precision_that_contradicts_the_parts_is_refused(
    parts: tuple[object, ...], precision: str
) -> None:
    with pytest.raises(ValueError, match="contradicts"):
        PartialDate(*parts, precision=precision)  # type: ignore[arg-type]
