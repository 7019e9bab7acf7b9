"""bot/app/tree.py end to end: what the tree answers when a command, a transformer or an autocomplete goes
wrong, and what it logs."""

from __future__ import annotations

import logging
import re

import pytest

from bot.app.transformers import AnnouncementChannel
from tests.conftest import StartBot
from tests.emulator import DiscordEmulator, Guild, User


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
