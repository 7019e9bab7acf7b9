"""bot/storage/reports.py against a real SQLite file: stored with the entry, place and time; the limit and
the insert in one transaction; listed newest first; readable read-only while the bot writes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.reports import EntryRef, LimitReached, Report, ReportText
from bot.storage.database import open_database, open_read_only
from bot.storage.reports import ReportRepository
from tests.backends import Backend
from tests.clock import FakeClock

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
NICK = EntryRef("character", "nick-nelson")


async def test_a_report_is_stored_and_listed_newest_first(backend: Backend) -> None:
    db = await backend.open()
    clock = FakeClock(NOW)
    reports = ReportRepository(db, clock)
    try:
        first = await reports.add(
            NICK, "Nick Nelson", ReportText("one", cut=False), guild_id=1, channel_id=2, user_id=3
        )
        clock.advance(seconds=1)
        second = await reports.add(
            EntryRef("production", "season-1"),
            "Season 1",
            ReportText("two\nlines", cut=False),
            guild_id=None,
            channel_id=9,
            user_id=4,
        )
        assert first == Report(1, NICK, "Nick Nelson", 1, 2, 3, NOW, "one")
        assert isinstance(second, Report)
        assert await reports.newest(10) == [second, first]
        assert await reports.newest(1) == [second]
        assert await reports.count() == 2 and await reports.table_exists()
        with pytest.raises(AttributeError):
            first.text = "changed"  # type: ignore[misc]
    finally:
        await db.close()


async def test_the_sixth_in_a_day_is_refused_even_when_sent_at_once(backend: Backend) -> None:
    db = await backend.open()
    clock = FakeClock(NOW)
    reports = ReportRepository(db, clock)
    text = ReportText("again", cut=False)
    try:
        results = await asyncio.gather(
            *(reports.add(NICK, "Nick Nelson", text, guild_id=1, channel_id=2, user_id=3) for _ in range(8))
        )
        assert sum(isinstance(r, Report) for r in results) == 5
        tomorrow = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
        assert [r for r in results if isinstance(r, LimitReached)] == [LimitReached(tomorrow)] * 3
        assert await reports.limit_reached(3) == LimitReached(tomorrow)
        assert await reports.limit_reached(4) is None  # another fan is not limited
        clock.advance(hours=24)
        assert await reports.limit_reached(3) is None
        assert isinstance(
            await reports.add(NICK, "Nick Nelson", text, guild_id=1, channel_id=2, user_id=3), Report
        )
    finally:
        await db.close()


async def test_a_maintainer_reads_while_the_bot_writes(tmp_path: Path) -> None:
    path = tmp_path / "fandex.sqlite3"
    with pytest.raises(FileNotFoundError):
        await open_read_only(path)
    db = await open_database(path)
    clock = FakeClock(NOW)
    try:
        await ReportRepository(db, clock).add(
            NICK, "Nick Nelson", ReportText("one", cut=False), guild_id=1, channel_id=2, user_id=3
        )
        reader = await open_read_only(path)
        try:
            listed = await ReportRepository(reader, clock).newest(5)
            assert [r.text for r in listed] == ["one"]
            with pytest.raises(Exception, match="readonly"):
                await reader.execute("DELETE FROM reports")
        finally:
            await reader.close()
    finally:
        await db.close()
