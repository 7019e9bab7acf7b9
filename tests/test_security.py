"""Security: /config is enforced by the bot (not only hidden by Discord), and the token never leaks."""

from __future__ import annotations

import json
import signal
import sqlite3
from pathlib import Path
from typing import Any

from bench.process import BotProcess, bot_environment
from discord_emulator import DiscordEmulator, Guild, User
from tests.conftest import StartBot

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
MANAGE_GUILD = 1 << 5


def subcommand_paths(command: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Every invocable path of a registered command ("config show", ...) with its option specs."""

    def walk(prefix: str, options: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
        nested = [o for o in options if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        if not nested:
            return [(prefix, options)]
        return [path for o in nested for path in walk(f"{prefix} {o['name']}", o.get("options") or [])]

    return walk(command["name"], command.get("options") or [])


def plausible_value(option: dict[str, Any], guild: Guild, user: User) -> Any:
    """A value a moderator could really send for this option."""
    if option.get("choices"):
        return option["choices"][0]["value"]
    kind = option["type"]
    if kind == STRING:
        return "Europe/London"[: option.get("max_length", 100)].ljust(option.get("min_length", 0), "x")
    if kind in (INTEGER, NUMBER):
        return option.get("min_value", 1)
    if kind == BOOLEAN:
        return True
    if kind == CHANNEL:
        return guild.general
    if kind == ROLE:
        return guild.everyone
    if kind in (USER, MENTIONABLE):
        return user
    raise AssertionError(f"option type {kind} has no plausible value here; extend plausible_value()")


async def test_every_config_subcommand_is_refused_without_manage_server(
    emulator: DiscordEmulator, start_bot: StartBot, tmp_path: Path
) -> None:
    guild = emulator.add_guild(name="Heartstopper Fans")
    member = emulator.add_user("harry")
    await start_bot()
    config = next(c for c in emulator.registered_commands() if c["name"] == "config")
    assert config["default_member_permissions"] is not None
    assert int(config["default_member_permissions"]) == MANAGE_GUILD  # Discord hides it from members...
    assert config["dm_permission"] is False

    # ...but a server can override that in Integrations, and then Discord delivers the interaction.
    emulator.enforce_default_permissions = False
    paths = subcommand_paths(config)
    assert len(paths) >= 2
    for path, specs in paths:
        options = {o["name"]: plausible_value(o, guild, member) for o in specs}
        result = await emulator.slash(guild, member, path, **options)
        assert result.ephemeral, f"/{path}: the refusal must be private"
        assert "Manage Server" in result.content, f"/{path} was not refused: {result.callback}"
        assert not result.embeds, f"/{path} showed settings to a member"

    with sqlite3.connect(tmp_path / "fandex.sqlite3") as db:
        assert db.execute("SELECT * FROM guild_settings").fetchall() == [], "a refused command still wrote"
    assert emulator.messages_in(guild.general.id) == []


TOKEN = "known-secret-token-xyz.Gh7.Q9rZ"


async def test_token_never_appears_in_logs_or_replies(emulator: DiscordEmulator, tmp_path: Path) -> None:
    guild = emulator.add_guild(name="Heartstopper Fans")
    fan, moderator = emulator.add_user("darcy"), emulator.add_user("tara")
    emulator.member(guild, moderator, manage_guild=True)
    env = bot_environment(
        api_base=emulator.api_base,
        gateway_url=emulator.gateway_url,
        database_path=tmp_path / "fandex.sqlite3",
        token=TOKEN,
        log_level="DEBUG",  # the most talkative level: discord.py logs every request and gateway event
    )
    process = await BotProcess.start(["-m", "bot"], env)
    try:
        await process.wait_for_line(r"Connected as", timeout=30)
        emulator.enforce_default_permissions = False
        await emulator.slash(guild, fan, "about")
        await emulator.slash(guild, fan, "config show")
        await emulator.slash(guild, moderator, "config show")
        await emulator.slash(guild, moderator, "config timezone", tz="Not/AZone")
        await emulator.slash(guild, moderator, "config timezone", tz="Europe/London")
        await emulator.autocomplete(guild, moderator, "config timezone", "tz", "Lon")
    finally:
        code = await process.stop(signal.SIGTERM)
    assert code == 0, process.output

    # The search is only meaningful if the token really reached the process: Discord gets it in the
    # Authorization header and the IDENTIFY payload, and nowhere else.
    authorizations = {
        r.headers.get("Authorization") for r in emulator.requests if "Authorization" in r.headers
    }
    assert authorizations == {f"Bot {TOKEN}"}
    assert emulator.identify_payloads[-1]["token"] == TOKEN

    secret_parts = [TOKEN, TOKEN.split(".")[0], "known-secret-token"]
    assert len(process.lines) > 50, "expected DEBUG output to search"
    for line in process.lines:
        for part in secret_parts:
            assert part not in line, f"token in the bot's output: {line[:300]}"
    for request in emulator.requests:
        visible = json.dumps(
            {
                "path": request.path,
                "query": request.query,
                "body": request.json,
                "headers": {k: v for k, v in request.headers.items() if k != "Authorization"},
            }
        )
        for part in secret_parts:
            assert part not in visible, (
                f"token sent to Discord outside the Authorization header: {visible[:300]}"
            )
