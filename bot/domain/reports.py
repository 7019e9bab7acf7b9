""" "Something wrong?" reports: what a fan says is wrong or missing about one dataset entry.

A report is private: only the maintainers read it (`python -m bot reports`), nothing of it is posted.
Each user may send REPORTS_PER_DAY in any rolling REPORT_WINDOW (24 hours, not a calendar day, so there
is no midnight at which a burst can double), counted over the reports actually stored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, get_args

from bot.domain.text import clean_user_text, truncate

EntryKind = Literal["production", "work", "character", "event", "faq"]
ENTRY_KINDS: tuple[EntryKind, ...] = get_args(EntryKind)
ENTRY_ID_LIMIT = 60  # longer dataset ids get no "Something wrong?" button: their custom_id would not fit
REPORTS_PER_DAY = 5
REPORT_WINDOW = timedelta(hours=24)
REPORT_TEXT_LIMIT = 2000  # characters kept; the form asks for at most this many

_SURROGATE = re.compile(r"[\ud800-\udfff]")  # lone halves of a pair: valid JSON, not encodable as UTF-8


@dataclass(frozen=True, slots=True)
class EntryRef:
    """A dataset entry a report is about: `production:season-1`, `character:nick-nelson`, ..."""

    kind: EntryKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    entry: EntryRef
    entry_title: str  # the entry's title when it was reported (the dataset may change since)
    guild_id: int | None  # None: sent from a direct message
    channel_id: int | None
    user_id: int
    created_at: datetime  # aware, UTC
    text: str  # as the fan wrote it (see clean_report_text): never shown in Discord


@dataclass(frozen=True, slots=True)
class ReportText:
    text: str
    cut: bool  # longer than REPORT_TEXT_LIMIT: only the start was kept


@dataclass(frozen=True, slots=True)
class LimitReached:
    """The user has sent REPORTS_PER_DAY reports in the last REPORT_WINDOW; the next fits at `retry_at`."""

    retry_at: datetime


def clean_report_text(raw: str) -> ReportText | None:
    """The text to store, or None when there is nothing in it (empty, whitespace, invisible marks only).

    Kept as written otherwise (line breaks, markdown, mentions): it is only ever printed, escaped, on a
    maintainer's terminal. Lone surrogates and NULs, which SQLite text cannot hold, are replaced or dropped.
    """
    text = _SURROGATE.sub("\ufffd", raw).replace("\x00", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not clean_user_text(text):
        return None
    if len(text) <= REPORT_TEXT_LIMIT:
        return ReportText(text, cut=False)
    return ReportText(truncate(text, REPORT_TEXT_LIMIT), cut=True)


def limit_reached(recent: Sequence[datetime], now: datetime) -> LimitReached | None:
    """Whether a user who sent reports at `recent` times may send another at `now`."""
    inside = sorted(moment for moment in recent if moment > now - REPORT_WINDOW)
    if len(inside) < REPORTS_PER_DAY:
        return None
    # The next one fits once all but REPORTS_PER_DAY - 1 of them are older than the window.
    return LimitReached(retry_at=inside[-REPORTS_PER_DAY] + REPORT_WINDOW)
