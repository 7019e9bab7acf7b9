"""Release threads end to end: `/config announcements thread:true` opens one spoiler thread on each
release-day announcement (not a second after a restart or a lost record), asks for its permissions at
/config time, and a refused thread is recorded, shown in /config show, not retried, and never stops the
announcement."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import pytest

from bot.app.client import FandexBot
from bot.storage.daily import ReleaseThreadLog
from cogs.countdown import Countdown
from discord_emulator import Channel, DiscordEmulator, Guild, User
from discord_emulator.models import (
    BOT_PERMISSIONS,
    CREATE_PUBLIC_THREADS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES_IN_THREADS,
)
from discord_emulator.server import RecordedRequest
from tests.clock import FakeClock
from tests.conftest import StartBot

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
PARTY_AT = datetime(2027, 3, 12, 20, 0, tzinfo=UTC)
THREADS = BOT_PERMISSIONS | READ_MESSAGE_HISTORY | CREATE_PUBLIC_THREADS | SEND_MESSAGES_IN_THREADS


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


def countdown(bot: FandexBot) -> Countdown:
    return cast(Countdown, bot.get_cog("Countdown"))


def thread_requests(emulator: DiscordEmulator) -> list[RecordedRequest]:
    return [r for r in emulator.requests if r.method == "POST" and r.path.endswith("/threads")]


async def announce_with_threads(emulator: DiscordEmulator, guild: Guild, moderator: User) -> Channel:
    emulator.member(guild, emulator.bot_user, permissions=THREADS)
    channel = guild.add_channel("releases")
    result = await emulator.slash(guild, moderator, "config announcements", channel=channel, thread=True)
    assert result.content.startswith("Release-day announcements are on."), result.content
    assert "a spoiler thread on each release" in result.content
    added = await emulator.slash(
        guild, moderator, "config event-add", name="Watch party", date="2027-03-12", time="20:00"
    )
    assert added.content.startswith("Added"), added.content
    return channel


async def test_a_release_opens_one_spoiler_thread_also_after_a_restart(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    channel = await announce_with_threads(emulator, guild, moderator)
    clock.current = PARTY_AT
    await countdown(bot).run_due_announcements()
    clock.advance(minutes=1)
    await countdown(bot).run_due_announcements()
    bot = await start_bot(clock=clock)
    clock.advance(minutes=5)
    await countdown(bot).run_due_announcements()

    [announcement] = emulator.messages_in(channel.id)
    [request] = thread_requests(emulator)
    assert request.path == f"/channels/{channel.id}/messages/{announcement['id']}/threads"
    assert request.json["name"] == "💬 Watch party — spoilers"
    thread = guild.threads[int(announcement["id"])]
    assert thread.parent_id == channel.id
    [intro] = emulator.messages_in(thread.id)
    assert intro["content"].startswith("🧵 Spoilers are allowed in this thread")
    intro_request = next(r for r in emulator.requests if r.path == f"/channels/{thread.id}/messages")
    assert intro_request.json["allowed_mentions"] == {"parse": []}
    [row] = await ReleaseThreadLog(bot.db).for_guild(guild.id)
    assert (row.state, row.thread_id) == ("created", thread.id)


async def test_a_lost_record_finds_the_thread_instead_of_opening_another(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    bot = await start_bot(clock=clock)
    await announce_with_threads(emulator, guild, moderator)
    clock.current = PARTY_AT
    await countdown(bot).run_due_announcements()
    # As if the process died right after Discord opened the thread, before it was recorded.
    with contextlib.closing(sqlite3.connect(tmp_path / "fandex.sqlite3")) as db, db:
        db.execute("UPDATE release_threads SET state = 'pending', thread_id = NULL")
    bot = await start_bot(clock=clock)
    clock.advance(minutes=2)
    await countdown(bot).run_due_announcements()
    assert len(guild.threads) == 1
    first, second = thread_requests(emulator)
    assert first.status == 201 and second.status == 400  # Discord: this message already has a thread
    [row] = await ReleaseThreadLog(bot.db).for_guild(guild.id)
    assert row.state == "created"


async def test_without_thread_permissions_config_refuses_privately(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    channel = guild.add_channel("releases")
    result = await emulator.slash(guild, moderator, "config announcements", channel=channel, thread=True)
    assert result.ephemeral
    assert "I'm missing **Create Public Threads**, **Send Messages In Threads** there" in result.content
    assert (await bot.guild_settings.get(guild.id)).announce_channel_id is None  # nothing changed


async def test_a_refused_thread_is_shown_not_retried_and_the_announcement_still_goes_out(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    channel = await announce_with_threads(emulator, guild, moderator)
    emulator.member(guild, emulator.bot_user, permissions=THREADS & ~CREATE_PUBLIC_THREADS)
    clock.current = PARTY_AT
    await countdown(bot).run_due_announcements()
    for _ in range(3):
        clock.advance(minutes=1)
        await countdown(bot).run_due_announcements()

    assert len(emulator.messages_in(channel.id)) == 1  # the announcement itself
    assert guild.threads == {} and thread_requests(emulator) == []
    [row] = await ReleaseThreadLog(bot.db).for_guild(guild.id)
    assert row.state == "failed" and "Create Public Threads" in (row.detail or "")
    shown = await emulator.slash(guild, moderator, "config show")
    problem = next(f for f in shown.embeds[0]["fields"] if f["name"] == "⚠️ Last release thread problem")
    assert "**Watch party**" in problem["value"] and "Create Public Threads" in problem["value"]


async def test_without_thread_true_no_thread_is_opened(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    emulator.member(guild, emulator.bot_user, permissions=THREADS)
    channel = guild.add_channel("releases")
    await emulator.slash(guild, moderator, "config announcements", channel=channel)
    await emulator.slash(guild, moderator, "config event-add", name="Party", date="2027-03-12", time="20:00")
    clock.current = PARTY_AT
    await countdown(bot).run_due_announcements()
    assert len(emulator.messages_in(channel.id)) == 1
    assert thread_requests(emulator) == [] and await ReleaseThreadLog(bot.db).for_guild(guild.id) == []
