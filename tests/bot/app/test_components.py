"""bot/app/components.py end to end: a button, menu or form the bot no longer listens to is answered
privately (Discord would otherwise show "This interaction failed"); a live one is answered by its view
alone."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

import bot.app.views
from discord_emulator import DiscordEmulator, Guild, InteractionResult, User
from discord_emulator.interactions import (
    BUTTON,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    STRING_SELECT,
    walk_components,
)
from tests.conftest import StartBot


def component(result: InteractionResult, kind: int, label: str | None = None) -> dict[str, Any]:
    return next(
        c
        for c in walk_components(result.components)
        if c["type"] == kind and (label is None or c.get("label") == label)
    )


def callbacks_for(emulator: DiscordEmulator, result: InteractionResult) -> int:
    interaction_id = result.interaction["id"]
    return sum(1 for r in emulator.requests if r.path.startswith(f"/interactions/{interaction_id}/"))


async def test_a_page_button_after_a_restart_says_which_command_to_run_again(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    pages = await emulator.slash(guild, fan, "cast list")
    await start_bot()  # the view lived in the old process

    clicked = await emulator.click(pages, component(pages, BUTTON, "Next")["custom_id"], user=fan)
    assert clicked.type == 4 and clicked.ephemeral
    assert clicked.content == "This menu has expired: run /cast list again."
    assert clicked.elapsed < 3
    assert emulator.find_message(int(pages.message["id"]))["embeds"] == pages.embeds  # page unchanged


async def test_a_menu_that_timed_out_says_which_command_to_run_again(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.app.views, "VIEW_TIMEOUT", 0.3)
    await start_bot()
    found = await emulator.slash(guild, fan, "cast lookup", name="Nelson")
    select = component(found, STRING_SELECT)
    await asyncio.sleep(0.6)  # timed out; a client that has not redrawn the message still shows it enabled

    data = {"custom_id": select["custom_id"], "component_type": STRING_SELECT, "values": ["nick-nelson"]}
    picked = await emulator.dispatch_interaction(guild, fan, MESSAGE_COMPONENT, data, message=found.message)
    assert picked.ephemeral
    assert picked.content == "This menu has expired: run /cast lookup again."


async def test_an_unknown_custom_id_gets_a_generic_private_reply(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    pages = await emulator.slash(guild, fan, "cast list")
    for custom_id in ("9f2c4e1ab37d4c0e8a5b6d7e8f901234", "no-such-command:next:00000000", ""):
        data = {"custom_id": custom_id, "component_type": BUTTON}
        clicked = await emulator.dispatch_interaction(
            guild, fan, MESSAGE_COMPONENT, data, message=pages.message
        )
        assert clicked.ephemeral and clicked.elapsed < 3
        assert clicked.content == "This menu has expired: run the command again."


async def test_a_persistent_button_the_message_does_not_have_gets_a_private_reply(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    # discord.py calls a DynamicItem only for a component on the message: a made-up one is answered here.
    await start_bot()
    answer = await emulator.slash(guild, fan, "volume", book="1")
    for custom_id in ("fx:sources:production:season-1", "fx:report:work:volume-2"):
        data = {"custom_id": custom_id, "component_type": BUTTON}
        clicked = await emulator.dispatch_interaction(
            guild, fan, MESSAGE_COMPONENT, data, message=answer.message
        )
        assert clicked.ephemeral and clicked.content == "This menu has expired: run the command again."


async def test_an_unknown_modal_submit_gets_a_private_reply(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    data = {
        "custom_id": "5d1e0c9b2a3f4e6d",
        "components": [
            {
                "type": 1,
                "components": [{"type": 4, "custom_id": "answer", "value": "hello"}],
            }
        ],
    }
    submitted = await emulator.dispatch_interaction(guild, fan, MODAL_SUBMIT, data)
    assert submitted.type == 4 and submitted.ephemeral and submitted.elapsed < 3
    assert submitted.content == "This form has expired: run the command again."


async def test_live_buttons_and_menus_are_answered_by_their_view_alone(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    pages = await emulator.slash(guild, fan, "cast list")
    turned = await emulator.click(pages, component(pages, BUTTON, "Next")["custom_id"], user=fan)
    assert turned.type == 7 and turned.embeds[0]["footer"]["text"].startswith("Page 2/3")

    found = await emulator.slash(guild, fan, "cast lookup", name="Nelson")
    # Picking stops the menu's view before it answers: still its answer only, not also "expired".
    picked = await emulator.select(
        found, component(found, STRING_SELECT)["custom_id"], ["nick-nelson"], user=fan
    )
    assert picked.type == 7 and picked.embeds[0]["title"] == "Nick Nelson"

    await asyncio.sleep(0.2)  # time for a second, wrong answer to be attempted
    assert callbacks_for(emulator, turned) == 1
    assert callbacks_for(emulator, picked) == 1


def test_every_new_view_is_sent_through_send_with_view() -> None:
    # An untracked view would look expired: its clicks would get the "expired" reply besides its own.
    # A view of DynamicItem buttons only (marked so) is answered by custom_id and cannot look expired.
    root = Path(__file__).resolve().parents[3]
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for folder in ("bot", "cogs")
        for path in sorted((root / folder).rglob("*.py"))
        if path.name != "components.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\bview=(?!None\b|self\b)", line) and not line.endswith("# DynamicItems only")
    ]
    assert not found, "send new views with bot.app.components.send_with_view:\n" + "\n".join(found)


async def test_an_expired_menu_is_answered_in_the_clickers_language(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    pages = await emulator.slash(guild, fan, "cast list")
    await start_bot()
    fan.locale = "pt-BR"
    clicked = await emulator.click(pages, component(pages, BUTTON, "Next")["custom_id"], user=fan)
    assert clicked.ephemeral and clicked.content == "Este menu expirou: use /cast list de novo."
