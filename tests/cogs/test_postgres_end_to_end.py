"""The real bot through the loopback Discord with DATABASE_URL set: settings and server events are kept in
PostgreSQL (seen by a second bot on the same database), no SQLite file is created, and an outage of the
server gives private "storage is unavailable" answers while read-only commands keep working."""

from __future__ import annotations

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
