"""bot/domain/dates.py: the portable long date, and PartialDate's precision."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from bot.domain.dates import long_date

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
