"""Claims end to end on PostgreSQL (issue 15, item 3): a process that died between posting an announcement
and recording it holds its claim for the lease, so another process on the same database neither posts nor
re-sends meanwhile; once the lease has run out the other one takes it over and records the post that went
out (found by its nonce or in the channel's history), so the channel still holds one announcement.

Two bots in one test process stand in for two processes by claiming under different names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import bot.storage.claims as claims
from bot.storage.announcement_log import AnnouncementLog
from bot.storage.claims import LEASE
from discord_emulator import DiscordEmulator, Guild, User
from tests.clock import FakeClock
from tests.cogs.test_announcements import (
    Killed,
    announce_in,
    countdown,
    die_on,
    posts,
    stored,
)
from tests.cogs.test_countdown import dataset_with, extra_event
from tests.conftest import StartBot


async def test_a_dead_processs_claim_is_taken_over_after_its_lease_and_nothing_is_posted_twice(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    tmp_path: Path,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = datetime.now(UTC)
    due = now.replace(second=0, microsecond=0) + timedelta(minutes=2)
    dataset = dataset_with(
        tmp_path, extra_event("s4-premiere", "Season 4 premieres", due.strftime("%Y-%m-%dT%H:%M UTC"))
    )
    clock = FakeClock(now)
    monkeypatch.setattr(claims, "PROCESS", "first-process")
    bot = await start_bot(dataset_path=dataset, clock=clock, database_url=postgres_url)
    channel = await announce_in(emulator, guild, moderator)

    # The first process posts, and dies before recording it.
    clock.current = due
    with pytest.MonkeyPatch.context() as dying:
        die_on(dying, AnnouncementLog, "settle", lambda self, row, state, **_: state == "sent")
        with pytest.raises(Killed):
            await countdown(bot).run_due_announcements()
    [posted] = emulator.messages_in(channel.id)

    # Another process on the same database, at once: the claim still holds, so it does not even re-send.
    monkeypatch.setattr(claims, "PROCESS", "second-process")
    bot = await start_bot(dataset_path=dataset, clock=clock, database_url=postgres_url)
    await countdown(bot).run_due_announcements()
    assert len(posts(emulator, channel)) == 1
    [row] = await stored(bot, guild)
    assert row.state == "pending"

    # The lease runs out: the second process takes the row over and records the post already made.
    clock.current = due + LEASE
    await countdown(bot).run_due_announcements()
    assert emulator.messages_in(channel.id) == [posted]
    [row] = await stored(bot, guild)
    assert (row.state, row.message_id) == ("sent", int(posted["id"]))
    await countdown(bot).run_due_announcements()
    assert len(emulator.messages_in(channel.id)) == 1
