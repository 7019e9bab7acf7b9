"""bot/storage/reminders.py against a real SQLite file: the limit and the duplicate check in the insert's
transaction; changes only to pending reminders; cancel by the owner only; forget and prune."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain.reminders import MAX_PENDING, Added, AlreadySet, TooMany
from bot.storage.database import open_database
from bot.storage.reminders import ReminderRepository
from tests.clock import FakeClock

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
START = datetime(2027, 3, 12, 20, 0, tzinfo=UTC)


async def add(
    reminders: ReminderRepository, user_id: int = 1, key: str = "guild:1", lead: str = "1d"
) -> object:
    return await reminders.add(
        user_id=user_id,
        event_key=key,
        event_title="Watch party",
        lead=lead,  # type: ignore[arg-type]
        starts_at=START,
        zone="UTC",
        guild_id=5,
        channel_id=6,
    )


async def test_a_reminder_is_stored_due_at_its_lead(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "fandex.sqlite3")
    reminders = ReminderRepository(db, FakeClock(NOW))
    try:
        added = await add(reminders)
        assert isinstance(added, Added)
        stored = await reminders.get(added.reminder.id)
        assert stored == added.reminder
        assert stored.due_at == stored.next_try_at == START - timedelta(days=1)
        assert isinstance(await add(reminders), AlreadySet)
        assert await reminders.counts(1) == (1, 0)
        assert await reminders.due(START - timedelta(days=1, seconds=1), 10) == []
        assert await reminders.due(START - timedelta(days=1), 10) == [stored]
        assert await reminders.next_try_at() == stored.due_at
    finally:
        await db.close()


async def test_the_limit_holds_for_concurrent_adds(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "fandex.sqlite3")
    reminders = ReminderRepository(db, FakeClock(NOW))
    try:
        results = await asyncio.gather(*(add(reminders, key=f"guild:{n}") for n in range(MAX_PENDING + 5)))
        assert sum(isinstance(r, Added) for r in results) == MAX_PENDING
        assert sum(isinstance(r, TooMany) for r in results) == 5
        assert isinstance(await add(reminders, user_id=2), Added)  # per fan
    finally:
        await db.close()


async def test_only_pending_reminders_change_and_only_their_owner_cancels(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "fandex.sqlite3")
    reminders = ReminderRepository(db, FakeClock(NOW))
    try:
        added = await add(reminders)
        assert isinstance(added, Added)
        first = added.reminder
        tried = await reminders.record_try(first, 77, doubt_since=NOW)
        assert tried is not None and (tried.tries, tried.doubt_since, tried.dm_channel_id) == (1, NOW, 77)
        assert await reminders.settle(tried, "sent", NOW, message_id=9)
        assert not await reminders.settle(tried, "failed", NOW)  # settled for good
        assert await reminders.record_try(tried, 77, doubt_since=NOW) is None
        sent = await reminders.get(first.id)
        assert sent is not None and (sent.state, sent.message_id, sent.doubt_since) == ("sent", 9, None)

        other = await add(reminders, lead="1h")
        assert isinstance(other, Added)
        assert not await reminders.cancel(other.reminder.id, user_id=2)
        assert await reminders.cancel(other.reminder.id, user_id=1)
        assert await reminders.get(other.reminder.id) is None

        assert await reminders.prune(NOW) == 0
        assert await reminders.prune(NOW + timedelta(seconds=1)) == 1
        assert await reminders.for_user(1) == []
    finally:
        await db.close()


async def test_forget_deletes_every_reminder_of_the_fan_only(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "fandex.sqlite3")
    reminders = ReminderRepository(db, FakeClock(NOW))
    try:
        await add(reminders)
        await add(reminders, lead="1w")
        await add(reminders, user_id=2)
        assert await reminders.forget(1)
        assert not await reminders.forget(1)
        assert [r.user_id for r in await reminders.pending()] == [2]
    finally:
        await db.close()
