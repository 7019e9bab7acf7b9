"""Start-up end to end (issue 2's "done when"): intents, command sync, /about, /config, restarts, the CLI."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import discord
import pytest
from discord import app_commands

from bench.process import REPO_ROOT, BotProcess, bot_environment
from bot.config import DEFAULT_DATASET_PATH
from bot.domain.model import counts
from bot.domain.source import load_dataset
from discord_emulator import DiscordEmulator, Guild, User
from tests.conftest import StartBot

GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT = 1 << 1, 1 << 8, 1 << 15


def embed_text(embed: dict[str, Any]) -> str:
    parts = [
        embed.get("title") or "",
        embed.get("description") or "",
        (embed.get("footer") or {}).get("text", ""),
    ]
    for field in embed.get("fields") or []:
        parts += [field["name"], field["value"]]
    return "\n".join(parts)


# -- gateway identity ---------------------------------------------------------------------------------


async def test_identifies_without_privileged_intents(emulator: DiscordEmulator, start_bot: StartBot) -> None:
    await start_bot()
    intents = emulator.identify_payloads[-1]["intents"]
    assert intents & discord.Intents.guilds.flag  # the one intent the bot needs
    for privileged in (GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT):
        assert not intents & privileged, f"privileged intent bit {privileged} requested (intents={intents})"


# -- command sync -------------------------------------------------------------------------------------


async def test_syncs_on_first_start_only(emulator: DiscordEmulator, start_bot: StartBot) -> None:
    bot = await start_bot()
    assert emulator.command_puts[None] == 1
    registered = sorted(c["name"] for c in emulator.registered_commands())
    assert registered == sorted(c.name for c in bot.tree.get_commands())

    await start_bot()  # same database, same commands
    await start_bot()
    assert emulator.command_puts[None] == 1


async def test_syncs_again_when_a_command_changes(
    emulator: DiscordEmulator, start_bot: StartBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    await start_bot()
    assert emulator.command_puts[None] == 1

    # A new release that rewords /about: both the sync hash and the PUT body see the change.
    original_to_dict: Callable[..., dict[str, Any]] = app_commands.Command.to_dict

    def reworded(
        self: app_commands.Command[Any, ..., Any], tree: app_commands.CommandTree[Any]
    ) -> dict[str, Any]:
        payload = original_to_dict(self, tree)
        if payload["name"] == "about":
            payload["description"] = "About Fandex (reworded)"
        return payload

    monkeypatch.setattr(app_commands.Command, "to_dict", reworded)
    await start_bot()
    assert emulator.command_puts[None] == 2
    about = next(c for c in emulator.registered_commands() if c["name"] == "about")
    assert about["description"] == "About Fandex (reworded)"

    await start_bot()
    assert emulator.command_puts[None] == 2


async def test_dev_guild_gets_its_own_sync(
    emulator: DiscordEmulator, guild: Guild, start_bot: StartBot
) -> None:
    await start_bot()
    assert emulator.command_puts == {None: 1}

    await start_bot(dev_guild_id=guild.id)
    assert emulator.command_puts[guild.id] == 1
    assert sorted(c["name"] for c in emulator.registered_commands(guild.id)) == sorted(
        c["name"] for c in emulator.registered_commands()
    )
    await start_bot(dev_guild_id=guild.id)
    assert emulator.command_puts == {None: 1, guild.id: 1}


async def test_the_sync_command_syncs_when_changed_or_forced_then_exits(
    emulator: DiscordEmulator, start_bot: StartBot, tmp_path: Path
) -> None:
    env = bot_environment(
        api_base=emulator.api_base,
        gateway_url=emulator.gateway_url,
        database_path=tmp_path / "fandex.sqlite3",  # the file start_bot uses
        log_level="WARNING",
    )

    async def sync(*flags: str) -> tuple[int, list[str]]:
        process = await BotProcess.start(["-m", "bot", "sync", *flags], env)
        code = await process.wait(60)
        return code, process.lines

    code, lines = await sync()
    assert (code, emulator.command_puts[None]) == (0, 1), lines
    assert lines == [f"Synced {len(emulator.registered_commands())} commands globally."]

    code, lines = await sync()
    assert (code, emulator.command_puts[None]) == (0, 1), lines
    assert lines == [
        "Commands unchanged since the last sync globally: nothing sent. Use --force to sync anyway."
    ]

    code, lines = await sync("--force")
    assert (code, emulator.command_puts[None]) == (0, 2), lines
    assert lines[-1].startswith("Synced ")
    assert emulator.identify_payloads == []  # REST only: it never connected to the gateway

    emulator.fail_next("PUT", r"/commands$", 403)
    code, lines = await sync("--force")
    assert code == 1
    assert lines == ["fandex: Discord refused the command sync: 403 Missing Permissions"], lines

    await start_bot()  # the hash the sync stored: a normal start does not sync again
    assert emulator.command_puts[None] == 2


# -- /about and /config -------------------------------------------------------------------------------


async def test_about_shows_dataset_title_verified_date_and_counts(
    emulator: DiscordEmulator, guild: Guild, fan: User, start_bot: StartBot
) -> None:
    await start_bot()
    dataset = load_dataset(DEFAULT_DATASET_PATH)
    result = await emulator.slash(guild, fan, "about")

    assert result.type == 4 and len(result.embeds) == 1
    text = embed_text(result.embeds[0])
    assert dataset.title in text
    verified = dataset.verified_on
    assert f"{verified.day} {verified:%B} {verified.year}" in text
    for kind, number in counts(dataset).items():
        singular = kind.removesuffix("s")  # "1 film" or "1 films", "34 characters": the number is the fact
        assert f"{number} {singular}" in text, f"{kind} count {number} missing from /about: {text!r}"


async def test_config_show_is_private_and_for_moderators_only(
    emulator: DiscordEmulator, guild: Guild, fan: User, moderator: User, start_bot: StartBot
) -> None:
    await start_bot()
    refused = await emulator.slash(guild, fan, "config show")
    assert refused.ephemeral
    assert "Manage Server" in refused.content
    assert not refused.embeds

    shown = await emulator.slash(guild, moderator, "config show")
    assert shown.ephemeral
    assert guild.name in shown.embeds[0]["title"]
    assert "UTC" in embed_text(shown.embeds[0])


async def test_timezone_survives_a_restart(
    emulator: DiscordEmulator, guild: Guild, moderator: User, start_bot: StartBot
) -> None:
    await start_bot()
    changed = await emulator.slash(guild, moderator, "config timezone", tz="Europe/London")
    assert changed.ephemeral and "Europe/London" in changed.content

    await start_bot()
    shown = await emulator.slash(guild, moderator, "config show")
    time_zone = next(f for f in shown.embeds[0]["fields"] if f["name"] == "Time zone")
    assert time_zone["value"] == "Europe/London"


# -- the real command line ----------------------------------------------------------------------------


async def test_real_process_keeps_settings_and_exits_cleanly_on_sigterm(
    emulator: DiscordEmulator, guild: Guild, moderator: User, start_bot: StartBot, tmp_path: Path
) -> None:
    database = tmp_path / "fandex.sqlite3"  # the file start_bot uses, so the in-process bot reads it back
    env = bot_environment(
        api_base=emulator.api_base, gateway_url=emulator.gateway_url, database_path=database
    )
    process = await BotProcess.start(["-m", "bot"], env)
    try:
        await process.wait_for_line(r"Connected as", timeout=30)
        changed = await emulator.slash(guild, moderator, "config timezone", tz="America/New_York")
        assert changed.ephemeral and "America/New_York" in changed.content
    finally:
        code = await process.stop(signal.SIGTERM)
    assert code == 0, process.output
    for sign_of_a_dirty_exit in ("Traceback", "Unclosed", "Task was destroyed", "ERROR"):
        assert sign_of_a_dirty_exit not in process.output, process.output

    await start_bot()
    shown = await emulator.slash(guild, moderator, "config show")
    time_zone = next(f for f in shown.embeds[0]["fields"] if f["name"] == "Time zone")
    assert time_zone["value"] == "America/New_York"


async def test_sigterm_stops_the_bot_while_it_waits_to_reconnect(tmp_path: Path) -> None:
    # Discord goes away after the bot connected: discord.py sleeps in an exponential back-off between
    # reconnect attempts, which bot.close() alone would wait out.
    discord_service = DiscordEmulator()
    await discord_service.start()
    discord_service.add_guild()
    env = bot_environment(
        api_base=discord_service.api_base,
        gateway_url=discord_service.gateway_url,
        database_path=tmp_path / "fandex.sqlite3",
    )
    process = await BotProcess.start(["-m", "bot"], env)
    try:
        await process.wait_for_line(r"Connected as", timeout=30)
        await discord_service.stop()
        async with asyncio.timeout(60):
            while sum("Attempting a reconnect" in line for line in process.lines) < 4:  # noqa: ASYNC110
                await asyncio.sleep(0.1)
    finally:
        # By the 4th attempt discord.py's back-off is up to 16 s; cancelling start() exits at once.
        code = await process.stop(signal.SIGTERM, timeout=2)
        await discord_service.stop()
    assert code == 0, process.output
    assert process.lines[-1].endswith("Stopped"), process.output


def run_cli(*args: str, env_overrides: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # Explicit empty values: python-dotenv never overrides a variable that is set, so a developer's .env
    # cannot hand the CLI a token here.
    env = {
        **bot_environment(api_base="", gateway_url="", database_path=Path("unused")),
        **(env_overrides or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_token_prints_one_line_and_fails() -> None:
    result = run_cli(env_overrides={"DISCORD_TOKEN": ""})
    assert result.returncode != 0
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1, lines
    assert "DISCORD_TOKEN" in lines[0]


def test_a_bad_shard_range_prints_one_line_and_fails_before_login() -> None:
    # DISCORD_API_BASE points nowhere: reaching login would print "cannot reach Discord" instead.
    result = run_cli(
        env_overrides={
            "DISCORD_TOKEN": "some-token",
            "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
            "SHARD_COUNT": "2",
            "SHARD_IDS": "1-2",
        }
    )
    assert result.returncode == 2
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert lines == ["fandex: SHARD_IDS must be below SHARD_COUNT=2 (shards are numbered from 0); got '1-2'."]


def test_unreachable_discord_is_one_clear_line_not_a_traceback(tmp_path: Path) -> None:
    result = run_cli(
        env_overrides={
            "DISCORD_TOKEN": "some-token",
            "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",  # nothing listens on the discard port
            "DATABASE_PATH": str(tmp_path / "fandex.sqlite3"),
        }
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip().splitlines()[-1].startswith("fandex: cannot reach Discord"), result.stderr


def test_check_data_accepts_the_shipped_dataset() -> None:
    result = run_cli("check-data", str(DEFAULT_DATASET_PATH))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK ")


def _broken(text: str, old: str, new: str) -> str:
    assert old in text, f"the shipped dataset no longer contains {old!r}; update this test"
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("breakage", "named"),
    [
        pytest.param(
            lambda t: _broken(t, 'name = "Charlie Spring"\n', ""), ['"name"', "missing"], id="missing-field"
        ),
        pytest.param(
            lambda t: _broken(t, 'date = "2019-02"', 'date = "2019-13"'), ['"date"', "2019-13"], id="bad-date"
        ),
        pytest.param(
            lambda t: _broken(t, 'id = "nick-nelson"', 'id = "charlie-spring"'),
            ['"charlie-spring"', "duplicate id"],
            id="duplicate-id",
        ),
    ],
)
def test_check_data_names_the_problem(
    tmp_path: Path, breakage: Callable[[str], str], named: list[str]
) -> None:
    source = tmp_path / "broken.toml"
    source.write_text(breakage(DEFAULT_DATASET_PATH.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_cli("check-data", str(source))
    assert result.returncode != 0
    assert result.stderr.startswith("INVALID"), result.stderr
    for word in named:
        assert word in result.stderr, result.stderr
    assert str(source) in result.stderr


async def test_sighup_reloads_a_valid_dataset_and_refuses_a_broken_one(
    emulator: DiscordEmulator, guild: Guild, fan: User, tmp_path: Path
) -> None:
    dataset = tmp_path / "heartstopper.toml"
    shipped = DEFAULT_DATASET_PATH.read_text(encoding="utf-8")
    dataset.write_text(shipped, encoding="utf-8")
    env = bot_environment(
        api_base=emulator.api_base,
        gateway_url=emulator.gateway_url,
        database_path=tmp_path / "fandex.sqlite3",
        dataset_path=dataset,
    )
    process = await BotProcess.start(["-m", "bot"], env)
    try:
        await process.wait_for_line(r"Connected as", timeout=30)
        before = await emulator.slash(guild, fan, "plot", season="1")
        assert before.embeds[0]["description"].startswith("Quiet, openly gay Charlie")

        dataset.write_text(
            shipped.replace("Quiet, openly gay Charlie", "Reloaded: Charlie", 1), encoding="utf-8"
        )
        process.process.send_signal(signal.SIGHUP)
        # Interactions during the reload are answered (from the old catalog or the new one, never neither).
        during = await emulator.slash(guild, fan, "plot", season="2")
        assert during.embeds[0]["title"] == "Season 2"
        await process.wait_for_line(r"Dataset 'Heartstopper' reloaded from .* in \d+ ms", timeout=30)
        after = await emulator.slash(guild, fan, "plot", season="1")
        assert after.embeds[0]["description"].startswith("Reloaded: Charlie")

        dataset.write_text(
            shipped.replace('summary_reveals = "S1 V2"', 'summary_reveals = "S9"', 1), encoding="utf-8"
        )
        process.process.send_signal(signal.SIGHUP)
        await process.wait_for_line(r"Dataset reload refused", timeout=30)
        await process.wait_for_line(r"season 9 is beyond the last one", timeout=5)  # check-data's report
        kept = await emulator.slash(guild, fan, "plot", season="1")
        assert kept.embeds[0]["description"].startswith("Reloaded: Charlie")
    finally:
        code = await process.stop(signal.SIGTERM)
    assert code == 0, process.output
    assert "Traceback" not in process.output


# -- shards -------------------------------------------------------------------------------------------


def _guild_on_shard(emulator: DiscordEmulator, shard: int, count: int, name: str) -> Guild:
    """A new guild whose id puts it on `shard` of `count` ((id >> 22) % count)."""
    timestamp = (emulator.snowflake() >> 22) + len(emulator.guilds) * count
    return emulator.add_guild(guild_id=(timestamp - timestamp % count + shard) << 22, name=name)


async def test_without_shard_settings_discord_py_asks_discord_and_runs_every_shard(
    emulator: DiscordEmulator, start_bot: StartBot
) -> None:
    emulator.shard_count = 2  # what GET /gateway/bot answers, as Discord does for a bot in 2,500+ servers
    guilds = [_guild_on_shard(emulator, shard, 2, f"Fans {shard}") for shard in (0, 1)]
    bot = await start_bot()
    assert any(r.method == "GET" and r.path == "/gateway/bot" for r in emulator.requests)
    assert sorted(tuple(p["shard"]) for p in emulator.identify_payloads) == [(0, 2), (1, 2)]
    assert sorted(g.id for g in bot.guilds) == sorted(g.id for g in guilds)
    assert emulator.command_puts[None] == 1


async def test_one_shard_of_two_sees_its_servers_only_and_leaves_the_sync_to_shard_zero(
    emulator: DiscordEmulator, start_bot: StartBot
) -> None:
    mine, theirs = _guild_on_shard(emulator, 1, 2, "Mine"), _guild_on_shard(emulator, 0, 2, "Theirs")
    bot = await start_bot(shard_count=2, shard_ids=(1,))
    assert [p["shard"] for p in emulator.identify_payloads] == [[1, 2]]
    assert [g.id for g in bot.guilds] == [mine.id]
    assert bot.get_guild(theirs.id) is None
    assert emulator.command_puts == {}  # the process running shard 0 syncs

    await start_bot(shard_count=2, shard_ids=(0,))
    assert emulator.command_puts[None] == 1
