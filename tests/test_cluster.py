"""Two real bot processes as shards 0 and 1 of 2 (issue 15, items 2, 3, 4 and 6), on one PostgreSQL and one
emulated Discord that routes each guild to its shard's connection.

Announcements are due in servers on both shards, and reminder DMs for fans on both halves of the user-id
split; the process running shard 1 is SIGKILLed before the due time and two replacements for shard 1 start
together after it (an overlapping deploy): each server still gets exactly one post, each fan one DM. Each
process identifies as its shard, only shard 0 syncs the commands, and a fan's setting changed through one
process shows in the other within a second.

The processes read the real clock, and the announcer polls every minute, so this test waits for a real
minute boundary: about 1.5 minutes.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import signal
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.process import BotProcess, bot_environment
from bot.domain.clock import SystemClock
from bot.storage.guild_settings import GuildSettingsRepository
from bot.storage.postgres import open_postgres
from bot.storage.reminders import ReminderRepository
from discord_emulator import Channel, DiscordEmulator, Guild, User
from tests.cogs.test_countdown import dataset_with, extra_event

# The announcer's first run comes when a process is ready, its next a minute later: the due time is set
# between the two, with room for both processes to start on a busy machine.
EARLIEST_DUE = 35.0  # seconds after the processes start
LATEST_DUE = 50.0


@pytest.fixture
async def sharded_emulator() -> AsyncIterator[DiscordEmulator]:
    emu = DiscordEmulator(shard_count=2)
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()
    problems = [f"{e.method} {e.path}: {e.error}" for e in emu.validation_errors]
    problems += [f"{r.method} {r.path}: unknown route" for r in emu.unexpected_routes]
    assert not problems, problems


def guild_on_shard(emulator: DiscordEmulator, shard: int, name: str) -> Guild:
    """A new guild whose id puts it on `shard` of 2 (the shard is (id >> 22) % 2)."""
    timestamp = (emulator.snowflake() >> 22) + len(emulator.guilds) * 2
    return emulator.add_guild(guild_id=((timestamp & ~1) | shard) << 22, name=name)


def fan_on_half(emulator: DiscordEmulator, half: int, name: str) -> User:
    """A new user whose reminders the process running shard `half` of 2 delivers ((id >> 22) % 2)."""
    timestamp = (emulator.snowflake() >> 22) + len(emulator.users) * 2
    return emulator.add_user(name, user_id=((timestamp & ~1) | half) << 22)


async def due_in_a_while() -> datetime:
    """A minute boundary between EARLIEST_DUE and LATEST_DUE seconds from the return (waiting if need be)."""
    now = time.time()
    due = math.ceil((now + EARLIEST_DUE) / 60) * 60
    wait = due - now - LATEST_DUE
    if wait > 0:
        await asyncio.sleep(wait)
    return datetime.fromtimestamp(due, UTC)


async def wait_for(check: Callable[[], bool], timeout: float) -> float:  # noqa: ASYNC109
    """Poll `check()` until true (the posts come from other processes: no event to wait on); the seconds
    it took."""
    started = time.perf_counter()
    async with asyncio.timeout(timeout):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    return time.perf_counter() - started


async def test_two_shards_post_each_due_announcement_once_even_with_a_sigkill_and_an_overlap(
    sharded_emulator: DiscordEmulator, postgres_url: str, tmp_path: Path
) -> None:
    emulator = sharded_emulator
    guilds = [guild_on_shard(emulator, shard, f"Fans {n}") for n, shard in enumerate((0, 1, 0, 1))]
    channels: dict[int, Channel] = {g.id: g.add_channel("releases") for g in guilds}
    fan = emulator.add_user("tao")
    for guild in guilds:
        emulator.member(guild, fan)

    readers = [fan_on_half(emulator, half, f"reader {n}") for n, half in enumerate((0, 1, 0, 1))]

    due = await due_in_a_while()
    db = await open_postgres(postgres_url)
    try:
        settings = GuildSettingsRepository(db, SystemClock())
        for guild in guilds:
            await settings.update(guild.id, announce_channel_id=channels[guild.id].id)
        reminders = ReminderRepository(db, SystemClock())
        for reader in readers:  # "🔔 Remind me" at the start, clicked earlier
            await reminders.add(
                user_id=reader.id,
                event_key="ds:s4-premiere",
                event_title="Season 4 premieres",
                lead="start",
                starts_at=due,
                zone="UTC",
                guild_id=None,
                channel_id=None,
            )
    finally:
        await db.close()

    dataset = dataset_with(
        tmp_path, extra_event("s4-premiere", "Season 4 premieres", due.strftime("%Y-%m-%dT%H:%M UTC"))
    )

    def environment(shard: int) -> dict[str, str]:
        return bot_environment(
            api_base=emulator.api_base,
            gateway_url=emulator.gateway_url,
            database_path=tmp_path / "unused.sqlite3",
            dataset_path=dataset,
            extra={"DATABASE_URL": postgres_url, "SHARD_COUNT": "2", "SHARD_IDS": str(shard)},
        )

    processes: list[BotProcess] = []
    try:
        first, second = await asyncio.gather(
            BotProcess.start(["-m", "bot"], environment(0)), BotProcess.start(["-m", "bot"], environment(1))
        )
        processes += [first, second]
        await first.wait_for_line(r"Connected as .* to 2 servers on shards 0 of 2", timeout=40)
        await second.wait_for_line(r"Connected as .* to 2 servers on shards 1 of 2", timeout=40)
        await second.wait_for_line(r"Not syncing commands: the process running shard 0 does")
        assert sorted(tuple(p["shard"]) for p in emulator.identify_payloads) == [(0, 2), (1, 2)]

        # A fan's own time zone, set through shard 0's process, applies in shard 1's within a second.
        on_zero, on_one = guilds[0], guilds[1]
        shown = await emulator.slash(on_one, fan, "me show")
        assert shown.embeds, second.output
        assert "Nothing. Fandex stores" in str(shown.embeds[0])  # cached there now
        await emulator.slash(on_zero, fan, "me timezone", tz="Asia/Tokyo")
        started = time.perf_counter()
        while "Asia/Tokyo" not in str((await emulator.slash(on_one, fan, "me show")).embeds[0]):
            assert time.perf_counter() - started < 1.0, "shard 1 still shows the old setting after 1 s"
            await asyncio.sleep(0.05)

        # Shard 1's process dies before the due time.
        assert datetime.now(UTC) < due
        second.kill()
        assert await second.wait(10) == -signal.SIGKILL
        await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 1)

        # Its replacements start together, both as shard 1 (an overlapping deploy): one post per server.
        third, fourth = await asyncio.gather(
            BotProcess.start(["-m", "bot"], environment(1)), BotProcess.start(["-m", "bot"], environment(1))
        )
        processes += [third, fourth]

        def posted() -> bool:
            announced = all(emulator.messages_in(c.id) for c in channels.values())
            return announced and all(emulator.dms_to(reader) for reader in readers)

        await wait_for(posted, timeout=90)
        await asyncio.sleep(3)  # room for a duplicate to show up
        for guild in guilds:
            assert len(emulator.messages_in(channels[guild.id].id)) == 1, guild.name
        for reader in readers:
            assert len(emulator.dms_to(reader)) == 1, reader.name
        assert emulator.command_puts[None] == 1  # by shard 0's process, once
        shards = sorted(tuple(p["shard"]) for p in emulator.identify_payloads)
        assert shards == [(0, 2), (1, 2), (1, 2), (1, 2)]
        for process in (third, fourth):
            assert "Synced" not in process.output
        assert "Synced" in first.output
    finally:
        for process in processes:
            with contextlib.suppress(TimeoutError, ProcessLookupError):
                await process.stop()

    db = await open_postgres(postgres_url, migrate=False)
    try:
        async with db.execute("SELECT guild_id, state FROM announcements ORDER BY guild_id") as cursor:
            rows = [tuple(row) for row in await cursor.fetchall()]
    finally:
        await db.close()
    assert rows == sorted((g.id, "sent") for g in guilds)
    db = await open_postgres(postgres_url, migrate=False)
    try:
        async with db.execute("SELECT user_id, state FROM reminders ORDER BY user_id") as cursor:
            rows = [tuple(row) for row in await cursor.fetchall()]
    finally:
        await db.close()
    assert rows == sorted((r.id, "sent") for r in readers)
