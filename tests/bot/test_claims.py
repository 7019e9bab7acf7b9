"""Claims on both backends (issue 15, item 3): a pending announcement, daily post or reminder is claimed by
one process only, also when two claim at once; a claim whose process died is taken over once its lease
runs out; a released claim is free at once. Two repositories with different `claimant`s on two
connections stand in for two processes."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from bot.domain.anniversaries import DailyPost
from bot.domain.announcements import Announcement
from bot.domain.reminders import Added
from bot.storage.announcement_log import AnnouncementLog
from bot.storage.claims import LEASE
from bot.storage.daily import DailyLog
from bot.storage.reminders import ReminderRepository
from tests.backends import Backend
from tests.clock import FakeClock

NOW = datetime(2027, 3, 12, 20, 0, tzinfo=UTC)


def pending(guild_id: int = 1) -> Announcement:
    return Announcement(guild_id, "ds:s4", "release", NOW, "pending", "n" * 20, attempted_at=NOW)


async def test_only_one_process_inserts_an_announcement_and_claims_it(backend: Backend) -> None:
    one, two = (
        AnnouncementLog(await backend.open(), claimant="a"),
        AnnouncementLog(await backend.open(), claimant="b"),
    )
    won = await asyncio.gather(*(log.insert(pending(), NOW) for log in (one, two, one, two)))
    assert sorted(won) == [False, False, False, True]
    rows = await backend.rows("SELECT claimed_by, state FROM announcements")
    assert len(rows) == 1 and rows[0][1] == "pending"
    holder, other = (one, two) if rows[0][0] == "a" else (two, one)

    # The holder died before settling it: nobody else may send it while its lease runs...
    assert not await other.claim(pending(), NOW + LEASE - timedelta(seconds=1))
    assert await holder.claim(pending(), NOW + timedelta(seconds=5))  # (a run of its own renews it)
    # ...and once it has run out, exactly one of the others takes it over.
    later = NOW + timedelta(seconds=5) + LEASE
    third = AnnouncementLog(await backend.open(), claimant="c")
    taken = await asyncio.gather(other.claim(pending(), later), third.claim(pending(), later))
    assert sorted(taken) == [False, True]


async def test_a_released_or_settled_announcement(backend: Backend) -> None:
    one, two = (
        AnnouncementLog(await backend.open(), claimant="a"),
        AnnouncementLog(await backend.open(), claimant="b"),
    )
    assert await one.insert(pending(), NOW)
    await two.release(pending())  # not b's to release: a still holds it
    assert not await two.claim(pending(), NOW)
    await one.release(pending())  # a's send failed for now: whoever runs next retries
    assert await two.claim(pending(), NOW)
    await two.settle(pending(), "sent", message_id=7)
    assert not await one.claim(pending(), NOW + 2 * LEASE)  # settled: never again
    assert await backend.rows("SELECT state, message_id FROM announcements") == [("sent", 7)]


async def test_only_one_process_claims_a_daily_post(backend: Backend) -> None:
    one, two = DailyLog(await backend.open(), claimant="a"), DailyLog(await backend.open(), claimant="b")
    post = DailyPost(1, date(2027, 3, 12), "pending", "d" * 20, attempted_at=NOW)
    won = await asyncio.gather(one.insert(post), two.insert(post))
    assert sorted(won) == [False, True]
    holder, other = (one, two) if won[0] else (two, one)
    assert not await other.claim(post, NOW + timedelta(seconds=30))
    assert await other.claim(post, NOW + LEASE)  # the holder died: its lease ran out
    assert not await holder.claim(post, NOW + LEASE)
    await other.release(post)
    assert await holder.claim(post, NOW + LEASE)


async def test_a_reminder_try_is_recorded_by_one_process_only(backend: Backend) -> None:
    clock = FakeClock(NOW)
    one = ReminderRepository(await backend.open(), clock, claimant="a")
    two = ReminderRepository(await backend.open(), clock, claimant="b")
    added = await one.add(
        user_id=1,
        event_key="guild:1",
        event_title="Watch party",
        lead="1h",
        starts_at=NOW + timedelta(days=1),
        zone="UTC",
        guild_id=5,
        channel_id=6,
    )
    assert isinstance(added, Added)
    reminder = added.reminder
    tries = await asyncio.gather(
        one.record_try(reminder, 99, doubt_since=NOW), two.record_try(reminder, 99, doubt_since=NOW)
    )
    assert sorted(t is None for t in tries) == [False, True]
    holder, other = (one, two) if tries[0] is not None else (two, one)
    # The other process's steps cannot overwrite the holder's try while its claim lasts.
    await other.retry(reminder, NOW + timedelta(hours=9), doubt_since=None)
    [(tries_made, doubt)] = await backend.rows("SELECT tries, doubt_since FROM reminders")
    assert tries_made == 1 and doubt is not None
    clock.current = NOW + LEASE  # the holder died mid-send: the other takes over, with the doubt kept
    assert await other.record_try(reminder, 99, doubt_since=NOW) is not None
    assert await backend.rows("SELECT tries FROM reminders") == [(2,)]
    assert await holder.counts(1) == (1, 0)  # (what /me show counts, on both backends)
    assert await holder.counts(2) == (0, 0)
    assert await holder.record_try(reminder, 99, doubt_since=NOW) is None


async def test_processes_split_the_fans_reminders_by_user_id(backend: Backend) -> None:
    db = await backend.open()
    clock = FakeClock(NOW)
    everyone = ReminderRepository(db, clock)
    users = [(n << 22) | 5 for n in range(6)]  # shards 0..2 of 3, twice each
    for user_id in users:
        await everyone.add(
            user_id=user_id,
            event_key="guild:1",
            event_title="Watch party",
            lead="start",
            starts_at=NOW,
            zone="UTC",
            guild_id=None,
            channel_id=None,
        )
    due = {r.user_id for r in await everyone.due(NOW, 100)}
    assert due == set(users)
    seen: list[int] = []
    for ids in ((0,), (1, 2)):
        mine = ReminderRepository(db, clock, split=(3, ids))
        got = {r.user_id for r in await mine.due(NOW, 100)}
        assert got == {u for u in users if (u >> 22) % 3 in ids}
        assert await mine.next_try_at() == NOW
        seen += got
    assert sorted(seen) == sorted(users)  # every fan's once, by exactly one process
    assert await ReminderRepository(db, clock, split=(7, (6,))).next_try_at() is None
