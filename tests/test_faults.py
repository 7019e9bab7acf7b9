"""Fault tests through the emulator: a flaky gateway and REST, an unwritable database, a killed process,
a corrupted dataset source."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bench.process import REPO_ROOT, BotProcess, bot_environment
from bot.app.client import FandexBot
from bot.config import DEFAULT_DATASET_PATH
from bot.domain.source import DatasetError, load_dataset
from discord_emulator import DiscordEmulator, Guild, User
from tests.conftest import StartBot


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def stored_timezone(path: Path, guild_id: int) -> str | None:
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT timezone FROM guild_settings WHERE guild_id = ?", (guild_id,)).fetchone()
    return row[0] if row else None


# -- gateway ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cut", ["close-4000", "abrupt-drop"])
async def test_interaction_dispatched_across_a_gateway_cut_is_answered(
    emulator: DiscordEmulator, guild: Guild, fan: User, start_bot: StartBot, cut: str
) -> None:
    await start_bot()
    if cut == "close-4000":
        await emulator.close_gateway(4000)
    else:
        await emulator.drop_gateway()
    assert not emulator.gateway.connected

    # Dispatched while the bot has no socket: the emulator queues it and replays it on RESUME.
    result = await emulator.slash(guild, fan, "about")

    assert result.type == 4 and result.embeds
    assert len(emulator.identify_payloads) == 1, "the bot identified again instead of resuming"
    assert len(emulator.gateway.resumes) == 1


# -- REST ---------------------------------------------------------------------------------------------


RATE_LIMITED = {"message": "You are being rate limited.", "retry_after": 0.2, "global": False}
CALLBACK = r"^/interactions/\d+/[^/]+/callback$"


@pytest.mark.parametrize(
    "statuses",
    [
        pytest.param((429, 500), id="429-then-500"),
        pytest.param((500, 429), id="500-then-429"),
    ],
)
async def test_callback_answered_in_time_after_429_and_500(
    emulator: DiscordEmulator, guild: Guild, fan: User, start_bot: StartBot, statuses: tuple[int, int]
) -> None:
    await start_bot()
    for status in statuses:
        emulator.fail_next("POST", CALLBACK, status, RATE_LIMITED if status == 429 else None)

    result = await emulator.slash(guild, fan, "about")  # the emulator enforces Discord's 3 s deadline

    assert result.type == 4 and result.embeds
    attempts = [r for r in emulator.requests if r.method == "POST" and r.path.endswith("/callback")]
    assert len(attempts) == 3, "expected both failures and the retry that succeeded"
    assert all(not fault.times for fault in emulator.faults)


# -- database -----------------------------------------------------------------------------------------


async def test_locked_database_refuses_writes_privately_and_keeps_reads(
    emulator: DiscordEmulator, guild: Guild, fan: User, moderator: User, start_bot: StartBot, tmp_path: Path
) -> None:
    await start_bot()
    database = tmp_path / "fandex.sqlite3"
    assert (await emulator.slash(guild, moderator, "config timezone", tz="Europe/London")).ephemeral

    # Another process holding the write lock. Taken in a thread: a background write of the bot's own may be
    # half done, and it can only finish while the event loop runs.
    blocker = sqlite3.connect(database, isolation_level=None, timeout=10, check_same_thread=False)
    await asyncio.to_thread(blocker.execute, "BEGIN EXCLUSIVE")
    try:
        refused = await emulator.slash(guild, moderator, "config timezone", tz="Asia/Tokyo")
        assert refused.ephemeral
        assert refused.content.startswith("Nothing was changed"), refused.content
        assert "busy" in refused.content

        assert (await emulator.slash(guild, fan, "about")).embeds
        shown = await emulator.slash(guild, moderator, "config show")
        assert "Europe/London" in str(shown.embeds[0]["fields"])
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()

    assert integrity(database) == "ok"
    assert stored_timezone(database, guild.id) == "Europe/London"
    retried = await emulator.slash(guild, moderator, "config timezone", tz="Asia/Tokyo")
    assert "Asia/Tokyo" in retried.content
    assert stored_timezone(database, guild.id) == "Asia/Tokyo"


async def test_read_only_database_refuses_writes_privately_and_keeps_reads(
    emulator: DiscordEmulator, guild: Guild, fan: User, moderator: User, start_bot: StartBot, tmp_path: Path
) -> None:
    bot = await start_bot()
    database = tmp_path / "fandex.sqlite3"
    assert (await emulator.slash(guild, moderator, "config timezone", tz="Europe/London")).ephemeral

    # SQLite answers exactly as for a read-only file (SQLITE_READONLY). A chmod would not do: the
    # connection is already open, and tests may run as root, whom file modes do not stop.
    await bot.db.execute("PRAGMA query_only = ON")
    refused = await emulator.slash(guild, moderator, "config timezone", tz="Asia/Tokyo")
    assert refused.ephemeral
    assert refused.content.startswith("Nothing was changed"), refused.content
    assert "read-only" in refused.content

    assert (await emulator.slash(guild, fan, "about")).embeds
    shown = await emulator.slash(guild, moderator, "config show")
    assert "Europe/London" in str(shown.embeds[0]["fields"])
    assert not bot.db.in_transaction, "a failed write left a transaction open"

    await bot.db.execute("PRAGMA query_only = OFF")
    assert integrity(database) == "ok"
    assert stored_timezone(database, guild.id) == "Europe/London"


# Writes settings through the real repository and prints each write once update() has returned.
WRITER = r"""
import asyncio, sys
from dataclasses import replace
from pathlib import Path

from bot.domain.clock import SystemClock
from bot.storage.database import open_database
from bot.storage.guild_settings import GuildSettingsRepository

async def main(path: str, first: int) -> None:
    db = await open_database(Path(path))
    settings = GuildSettingsRepository(db, SystemClock())
    number = first
    while True:
        await settings.update(100_000 + number, spoiler_season=number % 7, reminder="1d")  # a new row
        await settings.update(1, spoiler_volume=number)  # the same row, rewritten every time
        print(number, flush=True)
        number += 1

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def test_sigkill_during_settings_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    database = tmp_path / "kill.sqlite3"
    rng = random.Random(20260703)  # reproducible kill points
    acknowledged: list[int] = []
    for _round in range(5):
        first = acknowledged[-1] + 1 if acknowledged else 0
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(database), str(first)],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        try:
            for _ in range(rng.randint(3, 40)):
                line = writer.stdout.readline()
                assert line, f"the writer died: {writer.stderr.read() if writer.stderr else ''}"
                acknowledged.append(int(line))
        finally:
            writer.kill()  # SIGKILL: no cleanup, no final commit
            writer.wait(10)
            writer.stdout.close()
            if writer.stderr:
                writer.stderr.close()

        assert integrity(database) == "ok"
        with sqlite3.connect(database) as db:
            rows = dict(
                db.execute("SELECT guild_id, spoiler_season FROM guild_settings WHERE guild_id >= 100000")
            )
            shared = db.execute("SELECT spoiler_volume FROM guild_settings WHERE guild_id = 1").fetchone()
        missing = [n for n in acknowledged if rows.get(100_000 + n) != n % 7]
        assert not missing, f"acknowledged writes lost after SIGKILL: {missing}"
        assert shared is not None and shared[0] >= acknowledged[-1]
    assert len(acknowledged) >= 15


# -- dataset ------------------------------------------------------------------------------------------


def _truncated(text: str) -> str:
    return text[: len(text) // 2]


def _bad_date(text: str) -> str:
    return text.replace('date = "2019-02"', 'date = "2019-02-31"', 1)


CORRUPTIONS = {
    "truncated": (_truncated, "TOML syntax error"),
    "not-utf8": (lambda text: "\udcff".join([text[:100], text[100:]]), "not UTF-8"),
    "invalid-date": (_bad_date, '"date"'),
}


def write_corrupted(path: Path, name: str) -> None:
    corrupt, _ = CORRUPTIONS[name]
    text = corrupt(DEFAULT_DATASET_PATH.read_text(encoding="utf-8"))
    path.write_bytes(text.encode("utf-8", "surrogateescape"))


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
async def test_corrupted_dataset_refuses_to_start_and_keeps_the_previous_database(
    emulator: DiscordEmulator,
    guild: Guild,
    moderator: User,
    start_bot: StartBot,
    tmp_path: Path,
    corruption: str,
) -> None:
    source = tmp_path / "heartstopper.toml"
    source.write_bytes(DEFAULT_DATASET_PATH.read_bytes())
    database = tmp_path / "fandex.sqlite3"
    bot = await start_bot(dataset_path=source)
    await emulator.slash(guild, moderator, "config timezone", tz="Europe/London")

    write_corrupted(source, corruption)
    with pytest.raises(DatasetError) as refused:
        # Not through start_bot: the fixture re-raises a failed bot's error when it next stops it.
        settings = replace(bot.settings, dataset_path=source)
        async with FandexBot(settings) as failing:
            await failing.start(settings.token)
    assert CORRUPTIONS[corruption][1] in str(refused.value)
    assert str(source) in str(refused.value)

    assert integrity(database) == "ok"
    assert stored_timezone(database, guild.id) == "Europe/London"

    source.write_bytes(DEFAULT_DATASET_PATH.read_bytes())  # the maintainer fixes the file
    restarted = await start_bot(dataset_path=source)
    assert restarted.dataset == load_dataset(DEFAULT_DATASET_PATH)


async def test_corrupted_dataset_makes_the_cli_exit_with_the_reason(
    emulator: DiscordEmulator, tmp_path: Path
) -> None:
    source = tmp_path / "heartstopper.toml"
    write_corrupted(source, "invalid-date")
    env = bot_environment(
        api_base=emulator.api_base,
        gateway_url=emulator.gateway_url,
        database_path=tmp_path / "fandex.sqlite3",
        dataset_path=source,
    )
    process = await BotProcess.start(["-m", "bot"], env)
    code = await process.wait(timeout=30)
    assert code == 1, process.output
    assert "the dataset is invalid, not starting" in process.output
    assert '"date"' in process.output and "2019-02-31" in process.output
    assert "Traceback" not in process.output
