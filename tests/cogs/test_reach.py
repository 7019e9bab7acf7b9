"""Where Fandex is offered (issue 12, item 1) and the `private` option (item 4), end to end.

Fan commands are installed to servers and to users and used in servers, DMs with the bot and private
channels (group DMs); /config stays a server command. A fan who installed Fandex to their account can use it
in a server that never installed it: there that server has no settings.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from discord_emulator import DiscordEmulator, EmulatorUsageError, Guild, User
from tests.conftest import StartBot

FAN_COMMANDS = ("cast", "plot", "volume", "countdown", "about", "me")
GUILD_INSTALL, USER_INSTALL = 0, 1
GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2
# One call per fan command (and subcommand) with the options an answer needs.
FAN_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("cast lookup", {"name": "Kit Connor"}),
    ("cast lookup", {"name": "Nelson"}),  # several matches: a menu
    ("cast list", {}),
    ("cast list", {"season": "3"}),
    ("cast list", {"season": "film"}),
    ("plot", {"season": "1"}),
    ("plot", {"season": "2", "episode": 5}),
    ("plot", {"season": "4"}),  # a season after the last: the series facts
    ("volume", {"book": "1"}),
    ("countdown", {}),
    ("countdown", {"event": "Volume 6"}),  # several fit: a menu
    ("faq", {"question": "directors"}),
    ("faq", {}),
    ("help", {}),
    ("about", {}),
    ("timeline", {}),
]


def command(registered: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(c for c in registered if c["name"] == name)


async def test_synced_commands_carry_install_types_and_contexts(
    emulator: DiscordEmulator, start_bot: StartBot
) -> None:
    await start_bot()
    registered = emulator.registered_commands()
    assert set(FAN_COMMANDS) <= {c["name"] for c in registered}
    # Every command but /config, including any added later: installable anywhere, usable anywhere.
    for found in (c for c in registered if c["name"] != "config"):
        assert found["integration_types"] == [GUILD_INSTALL, USER_INSTALL], found["name"]
        assert found["contexts"] == [GUILD, BOT_DM, PRIVATE_CHANNEL], found["name"]
    config = command(registered, "config")
    assert config["integration_types"] == [GUILD_INSTALL] and config["contexts"] == [GUILD]
    # What the bot itself sent in the sync, not only what the emulator kept.
    [put] = [r for r in emulator.requests if r.method == "PUT" and r.path.endswith("/commands")]
    sent = {body["name"]: body for body in put.json}
    assert sent["plot"]["integration_types"] == [0, 1] and sent["plot"]["contexts"] == [0, 1, 2]
    assert sent["config"]["integration_types"] == [0] and sent["config"]["contexts"] == [0]


@pytest.mark.parametrize("private_channel", [False, True], ids=["bot DM", "group DM"])
async def test_fan_commands_answer_in_dms_and_private_channels(
    emulator: DiscordEmulator, start_bot: StartBot, fan: User, private_channel: bool
) -> None:
    await start_bot()
    for path, options in FAN_CALLS:
        result = await emulator.slash_dm(fan, path, private_channel=private_channel, **options)
        assert result.type == 4 and result.embeds, (path, result.callback)
        assert not result.ephemeral, path
        assert "Something went wrong" not in result.content
        assert "guild_id" not in result.interaction
    lookup = await emulator.slash_dm(fan, "cast lookup", private_channel=private_channel, name="Kit Connor")
    assert lookup.embeds[0]["title"] == "Nick Nelson"
    plot = await emulator.slash_dm(fan, "plot", private_channel=private_channel, season="3")
    assert plot.embeds[0]["title"] == "Season 3" and "||" not in str(plot.embeds)
    countdown = await emulator.slash_dm(fan, "countdown", private_channel=private_channel)
    assert countdown.embeds[0]["title"]


async def test_config_is_not_offered_in_dms_and_a_forged_one_is_refused_privately(
    emulator: DiscordEmulator, start_bot: StartBot, fan: User, tmp_path: Path
) -> None:
    await start_bot()
    with pytest.raises(EmulatorUsageError, match="not offered"):
        await emulator.slash_dm(fan, "config show")
    with pytest.raises(EmulatorUsageError, match="not offered"):
        await emulator.slash_dm(fan, "config show", private_channel=True)
    config = command(emulator.registered_commands(), "config")
    spoilers = {
        "id": config["id"],
        "name": "config",
        "type": 1,
        "options": [
            {
                "name": "spoilers",
                "type": 1,
                "options": [
                    {"name": "season", "type": 4, "value": 0},
                    {"name": "volume", "type": 4, "value": 0},
                ],
            }
        ],
    }
    for channel in (None, emulator.group_dm(fan)):
        result = await emulator.dispatch_interaction(None, fan, 2, spoilers, _channel=channel)
        assert result.ephemeral and not result.embeds
        assert "only works inside a server" in result.content
    with sqlite3.connect(tmp_path / "fandex.sqlite3") as db:
        assert db.execute("SELECT * FROM guild_settings").fetchall() == []


async def test_a_server_that_only_the_fan_installed_fandex_for_has_no_settings(
    emulator: DiscordEmulator, start_bot: StartBot, fan: User, tmp_path: Path
) -> None:
    foreign = emulator.add_guild(name="Art Club", installed=False)
    bot = await start_bot()
    assert bot.get_guild(foreign.id) is None  # the bot is not there
    # Settings stored for that server id (say, from before it removed Fandex) do not apply.
    await bot.guild_settings.update(foreign.id, spoiler_season=0, spoiler_volume=0)

    plot = await emulator.slash(foreign, fan, "plot", season="3")
    assert plot.interaction["authorizing_integration_owners"] == {"1": str(fan.id)}
    assert plot.interaction["guild_id"] == str(foreign.id)
    assert not plot.ephemeral and "||" not in str(plot.embeds)
    assert emulator.messages_in(foreign.general.id)  # a public reply, visible in that channel

    await emulator.slash(foreign, fan, "me spoilers", season=1, volume=1)
    plot = await emulator.slash(foreign, fan, "plot", season="3")
    assert plot.embeds[0]["description"].startswith("||")  # the fan's own limit applies there

    # /config is a server install only: not offered, and a forged one changes nothing.
    with pytest.raises(EmulatorUsageError, match="did not install"):
        await emulator.slash(foreign, fan, "config show")
    emulator.member(foreign, fan, manage_guild=True)
    config = command(emulator.registered_commands(), "config")
    data = {
        "id": config["id"],
        "name": "config",
        "type": 1,
        "options": [{"name": "timezone", "type": 1, "options": [{"name": "tz", "type": 3, "value": "UTC"}]}],
    }
    result = await emulator.dispatch_interaction(foreign, fan, 2, data)
    assert result.ephemeral and "isn't installed in this server" in result.content
    assert (await bot.guild_settings.get(foreign.id)).timezone == "UTC"
    with sqlite3.connect(tmp_path / "fandex.sqlite3") as db:
        assert db.execute("SELECT timezone FROM guild_settings").fetchall() == [("UTC",)]


async def test_private_true_answers_ephemerally_on_every_fan_command(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    fan_paths = set()
    for path, options in FAN_CALLS:
        fan_paths.add(path)
        public = await emulator.slash(guild, fan, path, **options)
        assert not public.ephemeral, path
        private = await emulator.slash(guild, fan, path, private=True, **options)
        assert private.ephemeral and private.embeds, path
        dm = await emulator.slash_dm(fan, path, private=True, **options)
        assert dm.ephemeral, path
        group = await emulator.slash_dm(fan, path, private_channel=True, private=True, **options)
        assert group.ephemeral, path
    # Every fan command but /me (always private) and community play (a question or a poll is for the
    # channel together; /trivia stats answers privately) has the option, and is run above: a command added
    # later must get the option and an entry in FAN_CALLS.
    paths = [(path, specs) for c in emulator.registered_commands() for path, specs in _paths(c)]
    with_private = {path for path, specs in paths if any(o["name"] == "private" for o in specs)}
    answering = {path for path, _ in paths if path.split()[0] not in ("me", "config", "trivia", "poll")}
    assert with_private == answering == fan_paths


def _paths(command: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    nested = [o for o in command.get("options") or [] if o["type"] == 1]
    if not nested:
        return [(command["name"], command.get("options") or [])]
    return [(f"{command['name']} {o['name']}", o.get("options") or []) for o in nested]


async def test_buttons_work_on_a_private_answer(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    plot = await emulator.slash(guild, fan, "plot", season="1", private=True)
    assert plot.ephemeral
    [sources] = [c for c in plot.custom_ids() if c.startswith("fx:sources:")]
    listed = await emulator.click(plot, sources, user=fan)
    assert listed.ephemeral and "https://" in listed.content

    pages = await emulator.slash(guild, fan, "cast list", season="3", private=True)
    [next_page] = [c for c in pages.custom_ids() if ":next:" in c]
    turned = await emulator.click(pages, next_page, user=fan)
    assert turned.type == 7 and turned.ephemeral and "Page 2/2" in str(turned.embeds)

    menu = await emulator.slash_dm(fan, "cast lookup", name="Nelson", private=True)
    [pick] = menu.custom_ids()
    picked = await emulator.select(menu, pick, ["sarah-nelson"], user=fan)
    assert picked.type == 7 and picked.embeds[0]["title"] == "Sarah Nelson"
