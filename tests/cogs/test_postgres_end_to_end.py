"""The real bot through the loopback Discord with DATABASE_URL set: settings and server events are kept in
PostgreSQL (seen by a second bot on the same database), no SQLite file is created, and an outage of the
server (refused, or hung) gives private "storage is unavailable" answers within Discord's deadline while
read-only commands keep working, and the bot recovers by itself once the server is back."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.storage.guild_settings import GuildSettingsRepository
from bot.storage.postgres import open_postgres
from bot.storage.server_events import ServerEventRepository
from discord_emulator import DiscordEmulator, Guild, User
from tests.backends import Outage
from tests.clock import FakeClock
from tests.conftest import StartBot

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


async def test_settings_and_events_live_in_postgres_and_no_sqlite_file_is_made(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    postgres_url: str,
    tmp_path: Path,
) -> None:
    sqlite_path = tmp_path / "unused" / "fandex.sqlite3"
    bot = await start_bot(clock=FakeClock(NOW), database_url=postgres_url, database_path=sqlite_path)
    changed = await emulator.slash(guild, moderator, "config timezone", tz="Europe/London")
    assert changed.ephemeral
    added = await emulator.slash(
        guild, moderator, "config event-add", name="Volume 7 launch", date="2027-04-17"
    )
    assert added.content.startswith("Added **Volume 7 launch** on Saturday 17 April 2027.")

    # Another process on the same database (a second shard, the next deploy) sees both.
    other = await open_postgres(postgres_url)
    try:
        clock = FakeClock(NOW)
        assert (await GuildSettingsRepository(other, clock).get(guild.id)).timezone == "Europe/London"
        events = await ServerEventRepository(other, clock).for_guild(guild.id)
        assert [(e.name, e.date.iso()) for e in events] == [("Volume 7 launch", "2027-04-17")]
    finally:
        await other.close()

    shown = await emulator.slash(guild, moderator, "config show")
    assert "Volume 7 launch" in str(shown.embeds[0])
    assert bot.db.dialect == "postgres"  # type: ignore[union-attr]
    assert not sqlite_path.exists() and not sqlite_path.parent.exists()

    # Restarted on the same database: nothing lost.
    await start_bot(clock=FakeClock(NOW), database_url=postgres_url, database_path=sqlite_path)
    shown = await emulator.slash(guild, moderator, "config show")
    assert "Volume 7 launch" in str(shown.embeds[0]) and "Europe/London" in str(shown.embeds[0])
    assert not sqlite_path.exists()


async def test_an_outage_answers_privately_reads_keep_working_and_the_bot_recovers(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, postgres_url: str
) -> None:
    outage = Outage(postgres_url)
    url = await outage.open()
    try:
        await start_bot(clock=FakeClock(NOW), database_url=url)
        await emulator.slash(guild, moderator, "config timezone", tz="Europe/London")
        assert (await emulator.slash(guild, moderator, "faq")).embeds  # settings now cached

        await outage.shut()
        started = time.perf_counter()
        refused = await emulator.slash(guild, moderator, "config timezone", tz="Asia/Tokyo")
        assert refused.ephemeral
        assert "Storage is unavailable, nothing was changed" in refused.content
        assert time.perf_counter() - started < 3  # Discord's deadline
        assert (await emulator.slash(guild, moderator, "faq")).embeds  # from memory: still answered

        await outage.open()  # the server is back: no restart needed
        changed = await emulator.slash(guild, moderator, "config timezone", tz="Asia/Tokyo")
        assert "Storage is unavailable" not in changed.content
        shown = await emulator.slash(guild, moderator, "config show")
        assert "Asia/Tokyo" in str(shown.embeds[0])
    finally:
        await outage.shut()


UNAVAILABLE = "Storage is unavailable, nothing was changed"


async def _timed_slash(
    emulator: DiscordEmulator, guild: Guild, user: User, name: str, **options: str
) -> tuple[str, bool, float]:
    started = time.perf_counter()
    result = await emulator.slash(guild, user, name, **options)
    return result.content, result.ephemeral, time.perf_counter() - started


async def _recovery(emulator: DiscordEmulator, guild: Guild, moderator: User) -> float:
    """Seconds from now until a write goes through again (tried every 0.1 s)."""
    started = time.perf_counter()
    while True:
        content, _ephemeral, _took = await _timed_slash(
            emulator, guild, moderator, "config timezone", tz="Asia/Tokyo"
        )
        if UNAVAILABLE not in content:
            return time.perf_counter() - started
        assert time.perf_counter() - started < 10, "no recovery within 10 s of the server's return"
        await asyncio.sleep(0.1)


async def test_a_five_second_outage_answers_every_command_in_time_and_recovers_by_itself(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, postgres_url: str
) -> None:
    outage = Outage(postgres_url)
    url = await outage.open()
    try:
        await start_bot(clock=FakeClock(NOW), database_url=url)
        await emulator.slash(guild, moderator, "config timezone", tz="Europe/London")
        assert (await emulator.slash(guild, moderator, "faq")).embeds  # settings now cached

        await outage.shut()
        ended = time.perf_counter() + 5
        refusals = 0
        while time.perf_counter() < ended:
            content, ephemeral, took = await _timed_slash(
                emulator, guild, moderator, "config timezone", tz="Asia/Tokyo"
            )
            assert UNAVAILABLE in content and ephemeral, content
            assert took < 3, f"answered after {took:.2f} s, past Discord's deadline"
            assert (await emulator.slash(guild, moderator, "faq")).embeds  # from memory
            refusals += 1
        assert refusals >= 3

        await outage.open()
        assert await _recovery(emulator, guild, moderator) < 3
        shown = await emulator.slash(guild, moderator, "config show")
        assert "Asia/Tokyo" in str(shown.embeds[0])
    finally:
        await outage.shut()


async def test_a_hung_server_still_gets_a_private_answer_within_the_deadline(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, postgres_url: str
) -> None:
    # Nothing refused, nothing answered: only timeouts end the wait.
    outage = Outage(postgres_url)
    url = await outage.open()
    try:
        await start_bot(clock=FakeClock(NOW), database_url=url)
        await emulator.slash(guild, moderator, "config timezone", tz="Europe/London")
        assert (await emulator.slash(guild, moderator, "faq")).embeds  # settings now cached
        other = emulator.add_guild(name="Not cached yet")
        emulator.member(other, moderator, manage_guild=True)

        outage.hang()
        for where in (guild, other):  # settings cached, and not: a read and a write both time out
            content, ephemeral, took = await _timed_slash(
                emulator, where, moderator, "config timezone", tz="Asia/Tokyo"
            )
            assert UNAVAILABLE in content and ephemeral, content
            assert took < 3, f"answered after {took:.2f} s, past Discord's deadline"
        assert (await emulator.slash(guild, moderator, "faq")).embeds  # cached settings: from memory
        content, ephemeral, took = await _timed_slash(emulator, other, moderator, "faq")
        assert UNAVAILABLE in content and ephemeral and took < 3, (content, took)  # needs them: says so

        outage.hang(False)
        assert await _recovery(emulator, guild, moderator) < 5
    finally:
        outage.hang(False)
        await outage.shut()
