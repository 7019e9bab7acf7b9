"""bot/app/tree.py end to end: what the tree answers when a command, a transformer or an autocomplete goes
wrong, and what it logs."""

from __future__ import annotations

import logging
import re

import pytest

from bot.app.transformers import AnnouncementChannel
from discord_emulator import DiscordEmulator, Guild, User
from tests.conftest import StartBot


async def test_a_bug_inside_a_transformer_is_logged_with_the_reference_the_user_sees(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(self: AnnouncementChannel, interaction: object, value: object) -> object:
        raise RuntimeError("transformer bug")

    monkeypatch.setattr(AnnouncementChannel, "transform", broken)
    await start_bot()
    channel = guild.add_channel("releases")
    with caplog.at_level(logging.ERROR, logger="bot.app.tree"):
        result = await emulator.slash(guild, moderator, "config announcements", channel=channel)

    assert result.ephemeral
    match = re.search(r"ref `([0-9a-f]{8})`", result.content)
    assert match, result.content
    [record] = [r for r in caplog.records if r.name == "bot.app.tree"]
    assert record.levelno == logging.ERROR and match.group(1) in record.getMessage()
    assert "/config announcements" in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)


AUTOCOMPLETE = 4


def command_id(emulator: DiscordEmulator, name: str) -> str:
    return next(c["id"] for c in emulator.registered_commands() if c["name"] == name)


def cast_lookup(options: list[dict[str, object]], emulator: DiscordEmulator) -> dict[str, object]:
    return {
        "id": command_id(emulator, "cast"),
        "name": "cast",
        "type": 1,
        "options": [{"name": "lookup", "type": 1, "options": options}],
    }


@pytest.mark.parametrize(
    "case",
    ["unknown command", "unknown subcommand", "no focused option", "option without autocomplete"],
)
async def test_autocomplete_the_bot_cannot_serve_gets_no_choices_not_a_message(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, case: str
) -> None:
    # Discord accepts only callback type 8 for an autocomplete; a message (type 4) shows the user
    # "Loading options failed".
    await start_bot()
    focused = {"name": "name", "type": 3, "value": "ki", "focused": True}
    data: dict[str, object]
    if case == "unknown command":
        data = {"id": "1187654321098765999", "name": "no-such-command", "type": 1, "options": [focused]}
    elif case == "unknown subcommand":
        data = cast_lookup([focused], emulator)
        data["options"] = [{"name": "no-such-subcommand", "type": 1, "options": [focused]}]
    elif case == "no focused option":
        data = cast_lookup([{"name": "name", "type": 3, "value": "ki"}], emulator)
    else:
        data = {  # /plot's episode has no autocomplete
            "id": command_id(emulator, "plot"),
            "name": "plot",
            "type": 1,
            "options": [{"name": "episode", "type": 4, "value": "1", "focused": True}],
        }
    result = await emulator.dispatch_interaction(guild, fan, AUTOCOMPLETE, data)
    assert result.type == 8
    assert result.choices == []
    callbacks = [r.json["type"] for r in emulator.requests if r.path.endswith("/callback")]
    assert callbacks == [8]  # no message was tried first


def leaf(emulator: DiscordEmulator, path: str, options: list[dict[str, object]]) -> dict[str, object]:
    """Command data for `path` ("countdown", "cast lookup") with these options at its leaf."""
    name, *subcommands = path.split()
    nested = options
    for sub in reversed(subcommands):
        nested = [{"name": sub, "type": 1, "options": nested}]
    return {"id": command_id(emulator, name), "name": name, "type": 1, "options": nested}


@pytest.mark.parametrize(
    ("path", "option", "kind", "value"),
    [
        ("cast lookup", "name", 3, 42),
        ("cast lookup", "name", 3, 4.5),
        ("cast lookup", "name", 3, None),  # no "value" key at all
        ("countdown", "event", 3, 2027),
        ("countdown", "event", 3, None),
        ("config spoilers", "season", 4, 2),
        ("config spoilers", "volume", 4, None),
        ("config timezone", "tz", 3, 0),
        ("config event-remove", "name", 3, 1.0),
        ("plot", "season", 3, 2),
        ("volume", "book", 3, None),
    ],
)
async def test_a_number_or_no_value_in_the_focused_option_is_answered_quietly(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    caplog: pytest.LogCaptureFixture,
    path: str,
    option: str,
    kind: int,
    value: object,
) -> None:
    await start_bot()
    focused: dict[str, object] = {"name": option, "type": kind, "focused": True}
    if value is not None:
        focused["value"] = value
    with caplog.at_level(logging.INFO):
        result = await emulator.dispatch_interaction(
            guild, moderator, AUTOCOMPLETE, leaf(emulator, path, [focused])
        )
    assert result.type == 8
    assert len(result.choices) <= 25
    tracebacks = [
        f"{r.name}: {r.getMessage()}" for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR
    ]
    assert tracebacks == []
