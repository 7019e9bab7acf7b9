"""/help and /about end to end. /help is generated from the registered commands, so these tests read the
commands the bot registered (not a list kept here): a new command appears in /help, with an example that
parses and, for fans' commands, runs."""

from __future__ import annotations

import re
from typing import Any

from bot.preview.command_line import BOOLEAN, INTEGER, STRING, leaf_commands, parse_command_line
from discord_emulator import DiscordEmulator, Guild, User
from tests.conftest import StartBot

_EXAMPLE = re.compile(r"`(/[^`]+)`(?= — | · )")


async def help_examples(emulator: DiscordEmulator, guild: Guild, user: User) -> tuple[Any, list[str]]:
    result = await emulator.slash(guild, user, "help")
    return result, _EXAMPLE.findall(result.embeds[0]["description"])


async def test_help_lists_every_registered_command_within_one_message(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    result, examples = await help_examples(emulator, guild, fan)
    assert not result.ephemeral  # like every fan command; private:True is for the asker only
    privately = await emulator.slash(guild, fan, "help", private=True)
    assert privately.ephemeral and privately.embeds == result.embeds
    [embed] = result.embeds
    assert len(embed["title"]) + len(embed["description"]) < 2000
    registered = leaf_commands(emulator.registered_commands())
    commands = emulator.registered_commands()
    documented = [parse_command_line(example, commands).name for example in examples]
    assert sorted(documented) == registered  # each command once, with one example
    description = embed["description"]
    assert description.index("**For fans**") < description.index("`/about`")
    assert description.index("**For moderators** (Manage Server)") < description.index("`/config show`")
    assert "`/faq question:directors` — " in description and "`/help` — " in description


async def test_every_fans_example_in_help_runs_and_answers(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    commands = emulator.registered_commands()
    _, examples = await help_examples(emulator, guild, fan)
    for example in examples:
        line = parse_command_line(example, commands)
        if line.path[0] in ("config", "me") or line.path == ("trivia", "stats"):
            continue  # they change settings or answer privately by design: parsing them is enough
        types = {option["name"]: option.get("type", STRING) for option in line.spec}
        options: dict[str, Any] = {}
        for name, raw in line.values.items():
            kind = types[name]
            options[name] = int(raw) if kind == INTEGER else raw == "True" if kind == BOOLEAN else raw
        result = await emulator.slash(guild, fan, " ".join(line.path), **options)
        assert result.embeds or result.data.get("poll"), (example, result.content)
        assert not result.ephemeral, (example, result.content)


async def test_about_points_at_faq_and_help(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    result = await emulator.slash(guild, fan, "about")
    more = next(f["value"] for f in result.embeds[0]["fields"] if f["name"] == "More")
    assert more == "`/faq` for the series facts, `/help` for every command."
