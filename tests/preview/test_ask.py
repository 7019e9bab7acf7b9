"""`python -m bot ask` in-process: the real bot against the loopback emulator, read back from its records."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.app.invite import PERMISSION_NEEDS, PermissionNeed, permission_label, required_permissions
from bot.config import DEFAULT_DATASET_PATH, Settings
from bot.preview import session as session_module
from bot.preview.ask import ask, render_exchange
from bot.preview.command_line import UsageError, leaf_commands
from bot.preview.session import Exchange, FixedClock, PreviewSession
from bot.preview.terminal import RenderContext, render_message
from bot.preview.world import GUILD_ID, PreviewWorld
from discord_emulator import DiscordEmulator
from discord_emulator.models import MANAGE_GUILD, SEND_MESSAGES, USE_APPLICATION_COMMANDS, VIEW_CHANNEL

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


# -- the real bot, against the emulator ------------------------------------------------------------------


class Probe(commands.Cog):
    """Commands that exercise every way of answering, independent of the features' own cogs."""

    def __init__(self) -> None:
        self.seen: dict[str, Any] = {}

    @app_commands.command(name="probe-defer", description="defer, then follow up twice")
    async def defer(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("first")
        await interaction.followup.send("second")

    @app_commands.command(name="probe-view", description="a button that edits its message")
    async def view(self, interaction: discord.Interaction) -> None:
        view = discord.ui.View()
        button: discord.ui.Button[discord.ui.View] = discord.ui.Button(label="Press", custom_id="press")

        async def pressed(press: discord.Interaction) -> None:
            await press.response.edit_message(content=f"Pressed by {press.user.name}", view=None)

        button.callback = pressed  # type: ignore[method-assign]
        view.add_item(button)
        await interaction.response.send_message("Press it", view=view)

    @app_commands.command(name="probe-post", description="post in a channel")
    async def post(
        self, interaction: discord.Interaction, channel: discord.TextChannel, role: discord.Role
    ) -> None:
        me = channel.guild.me
        self.seen["can_send"] = channel.permissions_for(me).send_messages
        await channel.send(f"Hello {role.mention}", allowed_mentions=discord.AllowedMentions(roles=[role]))
        await interaction.response.send_message("Posted", ephemeral=True)

    @app_commands.command(name="probe-options", description="typed options")
    async def options(
        self,
        interaction: discord.Interaction,
        count: app_commands.Range[int, 1, 5],
        flag: bool,
        mode: Literal["fast", "slow"],
        ratio: float = 0.5,
    ) -> None:
        self.seen["options"] = (count, flag, mode, ratio)
        self.seen["permissions"] = (interaction.permissions.manage_guild, interaction.app_permissions.value)
        await interaction.response.send_message("ok")

    @app_commands.command(name="probe-crash", description="an unexpected error")
    async def crash(self, interaction: discord.Interaction) -> None:
        raise RuntimeError("boom")

    @app_commands.command(name="probe-silent", description="never answers")
    async def silent(self, interaction: discord.Interaction) -> None:
        return

    @app_commands.command(name="probe-slow", description="answers late")
    async def slow(self, interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.2)
        await interaction.response.send_message("late")

    @app_commands.command(name="probe-rest", description="a REST call the emulator does not know")
    async def rest(self, interaction: discord.Interaction) -> None:
        try:
            await interaction.client.fetch_user(1)
        except discord.HTTPException as exc:
            await interaction.response.send_message(f"failed: {exc.status}", ephemeral=True)


def preview_settings(tmp_path: Path) -> Settings:
    return Settings(token="", database_path=tmp_path / "ask.sqlite3", dataset_path=DEFAULT_DATASET_PATH)


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[PreviewSession]:
    async with PreviewSession(preview_settings(tmp_path), FixedClock(NOW)) as running:
        yield running


@pytest.fixture
async def probe(session: PreviewSession) -> Probe:
    cog = Probe()
    await session.bot.add_cog(cog)
    await session.bot.tree.sync()  # the emulator's client offers what the bot registered
    return cog


def lines(session: PreviewSession, exchange: Exchange) -> list[str]:
    return render_exchange(exchange, session.context())


async def test_about_is_answered_publicly_by_the_real_cog(session: PreviewSession) -> None:
    exchange = await session.command("/about")
    assert exchange.answered and exchange.late_after is None
    text = lines(session, exchange)
    assert text[0] == "Reply (public):"
    assert "  ┃ Dataset: Heartstopper" in text


async def test_config_is_private_and_saved_in_the_local_database(session: PreviewSession) -> None:
    changed = await session.command("/config timezone tz:europe/london")
    assert lines(session, changed)[:2] == [
        "Reply (private: only you can see it):",
        "  Time zone set to Europe/London. Day-only release dates are now counted in it, and "
        "day-precision announcements go out at 09:00 there.",
    ]
    shown = lines(session, await session.command("/config show"))
    assert "  ┃ Time zone: Europe/London" in shown
    assert "  ┃ Settings last changed: 25 November 2026 12:00 UTC" in shown  # the injected clock


async def test_a_member_without_manage_server_gets_the_bots_refusal(session: PreviewSession) -> None:
    exchange = await session.command("/config show", as_member=True)
    text = lines(session, exchange)
    assert text[0].startswith("Note: Discord hides /config show from members without Manage Server")
    assert text[-1] == "  You need the Manage Server permission to use this command."


async def test_autocomplete_lists_the_suggestions(session: PreviewSession) -> None:
    exchange = await session.command("/config timezone tz:london", focused="tz")
    assert {"name": "Europe/London", "value": "Europe/London"} in (exchange.choices or [])
    assert lines(session, exchange)[0] == f"Suggestions ({len(exchange.choices or [])}):"


async def test_autocomplete_needs_an_option_that_has_suggestions(session: PreviewSession) -> None:
    with pytest.raises(UsageError, match="options with suggestions: tz"):
        await session.command("/config timezone", focused="zone")


async def test_first_follow_up_replaces_the_thinking_message(session: PreviewSession, probe: Probe) -> None:
    exchange = await session.command("/probe-defer")
    assert lines(session, exchange) == [
        "Reply (private: only you can see it):",  # the deferral decided: private
        "  first",
        "",
        "Follow-up (public):",  # later follow-ups carry their own flags: this one forgot ephemeral
        "  second",
    ]


async def test_clicking_a_button_runs_its_callback_and_shows_the_edit(
    session: PreviewSession, probe: Probe
) -> None:
    first = await session.command("/probe-view")
    assert lines(session, first)[-1] == "  [ Press ]"
    pressed = await session.click("press")
    assert lines(session, pressed) == ["Reply (edited, public):", "  Pressed by you"]
    with pytest.raises(
        UsageError, match=re.escape("No button or menu option labelled 'Press'. On screen: none")
    ):
        await session.click("Press")


async def test_channel_and_role_options_resolve_in_the_preview_server(
    session: PreviewSession, probe: Probe
) -> None:
    exchange = await session.command("/probe-post channel:#announcements role:@fans")
    assert probe.seen["can_send"] is True
    assert lines(session, exchange) == [
        "Message posted in #announcements:",
        "  Hello @fans",
        "",
        "Reply (private: only you can see it):",
        "  Posted",
    ]
    with pytest.raises(UsageError, match=r"no such channel '#Lounge' .*#general, #announcements, #read-only"):
        await session.command("/probe-post channel:#Lounge role:@fans")
    with pytest.raises(UsageError, match="no role '@nobody'"):
        await session.command("/probe-post channel:#general role:@nobody")


async def test_typed_options_arrive_typed(session: PreviewSession, probe: Probe) -> None:
    await session.command("/probe-options count:3 flag:true mode:slow ratio:0.25")
    assert probe.seen["options"] == (3, True, "slow", 0.25)
    moderator_can_manage, bot_permissions = probe.seen["permissions"]
    assert moderator_can_manage is True
    assert discord.Permissions(bot_permissions) >= required_permissions()  # its role: the invite's
    await session.command("/probe-options count:1 flag:no mode:FAST", as_member=True)
    assert probe.seen["options"] == (1, False, "fast", 0.5)
    assert probe.seen["permissions"][0] is False


async def test_subcommand_groups_nest_as_discord_sends_them(session: PreviewSession) -> None:
    outer = app_commands.Group(name="probe-group", description="a group")
    inner = app_commands.Group(name="inner", description="a subgroup", parent=outer)

    @inner.command(name="leaf", description="a leaf")
    async def leaf(interaction: discord.Interaction, word: str) -> None:
        await interaction.response.send_message(f"leaf got {word}")

    session.bot.tree.add_command(outer)
    await session.bot.tree.sync()
    assert "/probe-group inner leaf" in leaf_commands(session.commands)
    exchange = await session.command("/probe-group inner leaf word:two words")
    assert lines(session, exchange) == ["Reply (public):", "  leaf got two words"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("/probe-options count:9 flag:true mode:fast", "Discord accepts 1-5 here; got 9"),
        ("/probe-options count:two flag:true mode:fast", "'two' is not a whole number"),
        ("/probe-options count:1 flag:maybe mode:fast", "use True or False"),
        ("/probe-options count:1 flag:true mode:medium", "not one of the choices: fast, slow"),
    ],
)
async def test_values_discords_client_would_refuse_are_usage_errors(
    session: PreviewSession, probe: Probe, text: str, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        await session.command(text)


async def test_an_unexpected_error_gets_the_error_handlers_private_reply(
    session: PreviewSession, probe: Probe
) -> None:
    text = lines(session, await session.command("/probe-crash"))
    assert text[0] == "Reply (private: only you can see it):"
    assert text[1].startswith("  Something went wrong on our side.")


async def test_no_answer_and_late_answers_are_reported(session: PreviewSession, probe: Probe) -> None:
    session.emulator.callback_deadline = 0.1  # rather than waiting out Discord's 3 s
    silent = await session.command("/probe-silent")
    assert not silent.answered and silent.late_after is None
    assert lines(session, silent)[-1].startswith("No answer: the bot did not respond")
    session.settle = 0.5  # the probe sleeps 0.2 s without a request: wait long enough to see its answer
    slow = await session.command("/probe-slow")
    assert not slow.answered and slow.late_after is not None and slow.late_after >= 0.2
    assert lines(session, slow)[-1].startswith("Too slow: the first answer came after 0.2 s")
    assert slow.messages == []  # Discord refused it, so nobody saw it


async def test_rest_calls_it_does_not_emulate_fail_visibly(session: PreviewSession, probe: Probe) -> None:
    text = lines(session, await session.command("/probe-rest"))
    assert text[1] == "  failed: 404"
    assert text[-1] == "Discord API: GET /users/1 (not emulated: the bot got an error)"


async def test_it_never_leaves_loopback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reached: list[Any] = []
    connect = socket.socket.connect

    def loopback_only(sock: socket.socket, address: Any) -> None:
        reached.append(address)
        if address[0] not in ("127.0.0.1", "::1"):
            raise AssertionError(f"the preview tried to reach {address}")
        connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)  # what asyncio's connections call
    async with PreviewSession(preview_settings(tmp_path), FixedClock(NOW)) as session:
        await session.command("/config timezone tz:UTC")
        assert (await session.command("/about")).answered
    assert reached  # the bot did connect: to the emulator, over real loopback HTTP and websocket


async def test_the_preview_server_is_there_even_if_discord_py_does_not_wait_for_guilds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_module, "GUILD_READY_TIMEOUT", 0)  # discord.py does not wait for guilds
    async with PreviewSession(preview_settings(tmp_path), FixedClock(NOW)) as session:
        assert session.bot.get_guild(GUILD_ID) is not None
        assert (await session.command("/config show")).answered


async def test_what_it_prints_is_what_the_emulator_recorded(session: PreviewSession) -> None:
    exchange = await session.command("/cast lookup name:Nelson")
    [posted] = session.emulator.bot_messages[-1:]
    context = session.context()
    recorded = render_message(posted.message, context)
    assert lines(session, exchange) == ["Reply (public):", *(f"  {line}".rstrip() for line in recorded)]
    clicked = await session.click("Sarah Nelson")
    assert [m.id for m in clicked.messages] == [posted.id]  # the menu's message, edited in place
    recorded = render_message(session.emulator.bot_messages[-1].message, context)
    assert lines(session, clicked) == [
        "Reply (edited, public):",
        *(f"  {line}".rstrip() for line in recorded),
    ]


async def test_ask_runs_the_command_then_the_clicks(tmp_path: Path) -> None:
    text, answered = await ask(
        preview_settings(tmp_path), FixedClock(NOW), "/cast list", clicks=["Next", "Previous"]
    )
    assert answered
    assert text.count("» clicked 'Next'") == 1 and text.count("» clicked 'Previous'") == 1
    pages = [line for line in text if "Page " in line]
    assert [page.split("Page ")[1][:3] for page in pages] == ["1/3", "2/3", "1/3"]


# -- the same bodies as a bot connected to Discord -------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "options", "line"),
    [
        ("volume", {"book": "3"}, "/volume book:3"),
        ("cast lookup", {"name": "Kit Connor"}, "/cast lookup name:Kit Connor"),
        ("config timezone", {"tz": "Mars/Base"}, "/config timezone tz:Mars/Base"),
        ("countdown", {}, "/countdown"),
    ],
)
async def test_the_preview_shows_the_body_a_connected_bot_sends(
    emulator: DiscordEmulator,
    start_bot: Any,
    tmp_path: Path,
    command: str,
    options: dict[str, str],
    line: str,
) -> None:
    await start_bot(clock=FixedClock(NOW))
    guild = emulator.add_guild(name="Preview server")
    user = emulator.add_user("you")
    emulator.member(guild, user, manage_guild=True)
    online = await emulator.slash(guild, user, command, **options)

    async with PreviewSession(preview_settings(tmp_path), FixedClock(NOW)) as session:
        exchange = await session.command(line)
    shown = ("content", "embeds", "components", "flags")
    assert online.message is not None
    assert {key: exchange.messages[0].message.get(key) for key in shown} == {
        key: online.message.get(key) for key in shown
    }
    context = RenderContext(now=NOW)
    assert render_message(exchange.messages[0].message, context) == render_message(online.message, context)


# -- the invite's permissions: enough, and each one needed ---------------------------------------------

ANNOUNCE = "/config announcements channel:#announcements"
SCHEDULE = "/config event-add name:Watch party date:2026-12-24 discord_event:True"


async def run_as_bot_with(tmp_path: Path, bot_permissions: int, line: str) -> Exchange:
    # @everyone grants nothing here, so the bot can only use what its own (invite) role holds; the
    # moderator's role lets them see #general and use commands there, as @everyone did.
    world = PreviewWorld(
        everyone_permissions=0,
        bot_permissions=bot_permissions,
        moderator_permissions=MANAGE_GUILD | VIEW_CHANNEL | SEND_MESSAGES | USE_APPLICATION_COMMANDS,
    )
    async with PreviewSession(preview_settings(tmp_path), FixedClock(NOW), world) as session:
        return await session.command(line)


def reply_text(exchange: Exchange) -> str:
    return "\n".join(str(m.message.get("content")) for m in exchange.messages)


async def test_the_invite_permissions_are_enough_on_their_own(tmp_path: Path) -> None:
    announce = await run_as_bot_with(tmp_path, required_permissions().value, ANNOUNCE)
    assert "Release-day announcements are on." in reply_text(announce)
    schedule = await run_as_bot_with(tmp_path, required_permissions().value, SCHEDULE)
    assert [(call.method, call.emulated) for call in schedule.rest_calls] == [("POST", True)]
    assert "It is also listed in the server's Events tab." in reply_text(schedule)


@pytest.mark.parametrize("need", PERMISSION_NEEDS, ids=[need.permission for need in PERMISSION_NEEDS])
async def test_each_invite_permission_is_needed(tmp_path: Path, need: PermissionNeed) -> None:
    without = required_permissions().value & ~discord.Permissions(**{need.permission: True}).value
    if need.feature.startswith("/config event-add"):
        schedule = await run_as_bot_with(tmp_path, without, SCHEDULE)
        assert schedule.rest_calls == []
        assert "Events tab" in reply_text(schedule) and "The event itself is saved." in reply_text(schedule)
    else:
        line = f"{ANNOUNCE} thread:True" if "thread:True" in need.feature else ANNOUNCE
        announce = await run_as_bot_with(tmp_path, without, line)
        refusal = reply_text(announce)
        missing = refusal.split("I'm missing ", 1)[1].split(" there.", 1)[0]
        assert f"**{permission_label(need.permission)}**" in missing
        assert "Nothing was changed." in refusal
