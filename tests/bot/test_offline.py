"""The offline preview: command-line parsing, terminal rendering, and the real bot run without Discord."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import discord
import pytest
from discord import app_commands
from discord.ext import commands
from hypothesis import given
from hypothesis import strategies as st

from bot import offline
from bot.config import DEFAULT_DATASET_PATH, Settings
from bot.invite import PERMISSION_NEEDS, PermissionNeed, permission_label, required_permissions
from bot.offline import (
    FixedClock,
    OfflineSession,
    UsageError,
    describe_option,
    leaf_commands,
    parse_command_line,
    parse_now,
    render_exchange,
)
from bot.render.terminal import (
    RenderContext,
    format_timestamp,
    relative_time,
    render_choices,
    render_inline,
    render_message,
    render_modal,
)
from discord_emulator import DiscordEmulator

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

# Registration payloads shaped like `Command.to_dict()`: what the parser reads.
COMMANDS: list[dict[str, Any]] = [
    {"name": "about", "type": 1, "options": []},
    {
        "name": "cast",
        "type": 1,
        "options": [
            {
                "name": "lookup",
                "type": 1,
                "options": [{"name": "name", "type": 3, "required": True, "autocomplete": True}],
            },
            {
                "name": "list",
                "type": 1,
                "options": [
                    {"name": "season", "type": 4, "required": False, "min_value": 1, "max_value": 10}
                ],
            },
        ],
    },
    {
        "name": "config",
        "type": 1,
        "options": [
            {
                "name": "event-add",
                "type": 1,
                "options": [
                    {"name": "name", "type": 3, "required": True, "description": "What it is"},
                    {"name": "date", "type": 3, "required": True},
                    {"name": "time", "type": 3, "required": False},
                ],
            },
            {
                "name": "announcements",
                "type": 1,
                "options": [
                    {"name": "channel", "type": 7, "required": True, "channel_types": [0, 5]},
                    {
                        "name": "reminder",
                        "type": 3,
                        "required": False,
                        "choices": [{"name": "1 day", "value": "1d"}, {"name": "none", "value": "none"}],
                    },
                ],
            },
        ],
    },
]


# -- command line --------------------------------------------------------------------------------------


def test_values_run_until_the_next_option_and_keep_their_spaces() -> None:
    line = parse_command_line("/config event-add name:Watch party date:2026-12-24 time:19:30", COMMANDS)
    assert line.path == ("config", "event-add")
    assert line.values == {"name": "Watch party", "date": "2026-12-24", "time": "19:30"}


def test_quotes_hold_colons_and_escaped_quotes() -> None:
    line = parse_command_line(r'/config event-add name:"Premiere: part \"2\"" date:2026-12-24', COMMANDS)
    assert line.values["name"] == 'Premiere: part "2"'


def test_a_url_is_a_value_not_an_option() -> None:
    line = parse_command_line("/cast lookup name:see https://example.org/x", COMMANDS)
    assert line.values == {"name": "see https://example.org/x"}


def test_command_names_are_case_insensitive_and_spacing_is_free() -> None:
    line = parse_command_line("  /CAST   Lookup    name:Kit   ", COMMANDS)
    assert (line.path, line.values) == (("cast", "lookup"), {"name": "Kit"})


def test_leaf_commands_lists_what_a_member_can_type() -> None:
    assert leaf_commands(COMMANDS) == [
        "/about",
        "/cast list",
        "/cast lookup",
        "/config announcements",
        "/config event-add",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/cats lookup name:x", ["Unknown command /cats.", "Did you mean /cast lookup", "Commands: /about,"]),
        ("about", ['Start with the command, as in Discord: "/about"']),
        ("/cast", ["/cast needs a subcommand: /cast list, /cast lookup"]),
        ("/cast lokup name:x", ["no subcommand 'lokup'", "Did you mean /cast lookup?"]),
        ("/cast lookup nmae:Kit", ["no option 'nmae'", "Did you mean name?", "name: text, required"]),
        ("/cast lookup", ["/cast lookup needs name.", "Options of /cast lookup:"]),
        ("/cast lookup Kit Connor", ["Expected option:value", "Did you mean name:Kit Connor?"]),
        ("/cast lookup name:a name:b", ["Option name is given twice."]),
        ('/cast lookup name:"Kit', ["the opening quote has no closing quote"]),
        ('/cast lookup name:"Kit"Connor', ["put a space after the closing quote"]),
        ("/about extra:1", ["/about has no option 'extra'", "/about takes no options."]),
    ],
)
def test_mistakes_get_the_valid_choices(text: str, expected: list[str]) -> None:
    with pytest.raises(UsageError) as caught:
        parse_command_line(text, COMMANDS)
    for fragment in expected:
        assert fragment in str(caught.value)


def test_option_help_names_type_range_choices_and_channel_kinds() -> None:
    spec = COMMANDS[2]["options"][1]["options"]
    assert describe_option(spec[0]) == "channel: channel (text/announcement), required"
    assert describe_option(spec[1]) == "reminder: text, one of 1 day, none, optional"
    assert describe_option(COMMANDS[1]["options"][1]["options"][0]) == "season: whole number 1-10, optional"


@given(st.text(max_size=300))
def test_any_command_line_parses_or_gets_a_usage_error(text: str) -> None:
    with contextlib.suppress(UsageError):
        parse_command_line(text, COMMANDS)


@given(st.text(max_size=200))
def test_any_value_survives_quoting(value: str) -> None:
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    line = parse_command_line(f'/cast lookup name:"{quoted}"', COMMANDS)
    assert line.values == {"name": value}


def test_now_accepts_iso_times_and_defaults_to_utc() -> None:
    assert parse_now("2026-11-25T12:00Z") == NOW
    assert parse_now("2026-11-25T13:00+01:00") == NOW
    assert parse_now("2026-11-25T12:00") == NOW
    with pytest.raises(UsageError, match="ISO 8601"):
        parse_now("next tuesday")


# -- terminal rendering --------------------------------------------------------------------------------

CONTEXT = RenderContext(now=NOW, channels={1: "announcements"}, roles={2: "fans"}, users={3: "you"})


def test_spoilers_are_marked_and_escaped_pipes_are_shown() -> None:
    assert render_inline(r"Plain ||hidden \| part|| end", CONTEXT) == "Plain ⟦spoiler: hidden | part⟧ end"


def test_mentions_resolve_against_the_preview_server() -> None:
    text = "<#1> <@&2> <@3> <@!3> <#99> </cast lookup:123>"
    assert render_inline(text, CONTEXT) == "#announcements @fans @you @you #unknown-channel /cast lookup"


def test_markdown_escapes_are_undone_and_bold_dropped_but_links_keep_their_url() -> None:
    text = r"**Kit** \*not bold\* [bbc.co.uk](https://www.bbc.co.uk/a_(b)) \@everyone"
    assert render_inline(text, CONTEXT) == "Kit *not bold* bbc.co.uk <https://www.bbc.co.uk/a_(b)> @everyone"


def test_only_paired_bold_markers_are_dropped() -> None:
    assert render_inline("**||Heat||** and __under__", CONTEXT) == "⟦spoiler: Heat⟧ and under"
    assert render_inline("2 ** 3 and snake__case", CONTEXT) == "2 ** 3 and snake__case"


def test_timestamps_print_in_utc_and_relative_to_the_clock() -> None:
    unix = int(datetime(2026, 12, 24, 19, 30, tzinfo=UTC).timestamp())
    assert format_timestamp(unix, "F", NOW) == "Thursday, 24 December 2026 19:30 UTC"
    assert format_timestamp(unix, "D", NOW) == "24 December 2026"
    assert format_timestamp(unix, "d", NOW) == "2026-12-24"
    assert format_timestamp(unix, "t", NOW) == "19:30 UTC"
    assert render_inline(f"<t:{unix}:R>", CONTEXT) == "in a month"
    assert render_inline(f"<t:{unix}>", CONTEXT) == "24 December 2026 19:30 UTC"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=10), "in a few seconds"),
        (timedelta(minutes=-5), "5 minutes ago"),
        (timedelta(hours=3), "in 3 hours"),
        (timedelta(days=1), "in a day"),
        (timedelta(days=-12), "12 days ago"),
        (timedelta(days=100), "in 3 months"),
        (timedelta(days=-400), "a year ago"),
        (timedelta(days=1100), "in 3 years"),
    ],
)
def test_relative_times_read_like_discord(delta: timedelta, text: str) -> None:
    assert relative_time(delta) == text


def test_an_embed_shows_title_description_fields_and_footer() -> None:
    message = {
        "content": "Hi <@3>",
        "embeds": [
            {
                "title": "Nick Nelson",
                "description": "Line one\nLine two",
                "fields": [
                    {"name": "Played by", "value": "Kit Connor", "inline": True},
                    {"name": "Episodes", "value": "1. Meet\n2. Crush", "inline": False},
                ],
                "footer": {"text": "Facts verified 3 July 2026."},
            }
        ],
    }
    assert render_message(message, CONTEXT) == [
        "Hi @you",
        "",
        "┃ Nick Nelson",
        "┃",
        "┃ Line one",
        "┃ Line two",
        "┃",
        "┃ Played by: Kit Connor",
        "┃ Episodes:",
        "┃   1. Meet",
        "┃   2. Crush",
        "┃",
        "┃ — Facts verified 3 July 2026.",
    ]


def test_buttons_and_menus_are_listed_with_their_state() -> None:
    components = [
        {
            "type": 1,
            "components": [
                {"type": 2, "style": 2, "label": "Previous", "custom_id": "p", "disabled": True},
                {"type": 2, "style": 1, "label": "Next", "custom_id": "n", "emoji": {"name": "▶️"}},
                {"type": 2, "style": 5, "label": "Source", "url": "https://example.org"},
            ],
        },
        {
            "type": 1,
            "components": [
                {
                    "type": 3,
                    "custom_id": "pick",
                    "placeholder": "Pick one",
                    "options": [
                        {"label": "Nick Nelson", "value": "nick", "description": "Kit Connor"},
                        {"label": "Sarah Nelson", "value": "sarah", "default": True},
                    ],
                }
            ],
        },
        {"type": 1, "components": [{"type": 8, "custom_id": "c", "channel_types": [0]}]},
    ]
    assert render_message({"components": components}, CONTEXT) == [
        "[ Previous (disabled) ]  [ ▶️ Next ]  [ Source ↗ https://example.org ]",
        "▾ Pick one (pick 1):",
        "    • Nick Nelson — Kit Connor",
        "    • Sarah Nelson (selected)",
        "▾ Pick a channel [channel menu]",
    ]


def test_layout_components_and_forms_render_as_text() -> None:
    container = {
        "type": 17,
        "components": [
            {"type": 10, "content": "## Nick Nelson"},
            {"type": 14},
            {
                "type": 9,
                "components": [{"type": 10, "content": "||Season 3 role||"}],
                "accessory": {"type": 2, "style": 1, "label": "More", "custom_id": "more"},
            },
        ],
    }
    assert render_message({"components": [container]}, CONTEXT) == [
        "┃ ## Nick Nelson",
        "┃ ───",
        "┃ ⟦spoiler: Season 3 role⟧",
        "┃ [ More ]",
    ]
    form = {
        "title": "New event",
        "components": [
            {"type": 18, "label": "Name", "component": {"type": 4, "custom_id": "n", "label": "Name"}}
        ],
    }
    assert render_modal(form, CONTEXT) == ["Form: New event", "  Name:", "    ✎ Name (text input, required)"]


def test_choices_show_the_value_sent_when_it_differs() -> None:
    choices = [
        {"name": "Europe/London", "value": "Europe/London"},
        {"name": "Watch party", "value": "guild:1"},
    ]
    assert render_choices(choices) == ["  Europe/London", "  Watch party  (sends 'guild:1')"]
    assert render_choices([]) == ["  (no suggestions)"]


@given(st.text(max_size=500))
def test_any_text_renders(text: str) -> None:
    render_inline(text, CONTEXT)
    render_message(
        {"content": text, "embeds": [{"title": text, "fields": [{"name": text, "value": text}]}]}, CONTEXT
    )


# -- the real bot, offline -------------------------------------------------------------------------------


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

    @app_commands.command(name="probe-rest", description="a REST call the preview does not emulate")
    async def rest(self, interaction: discord.Interaction) -> None:
        try:
            await interaction.client.fetch_user(1)
        except discord.HTTPException as exc:
            await interaction.response.send_message(f"failed: {exc.status}", ephemeral=True)


def offline_settings(tmp_path: Path) -> Settings:
    return Settings(token="", database_path=tmp_path / "ask.sqlite3", dataset_path=DEFAULT_DATASET_PATH)


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[OfflineSession]:
    async with OfflineSession(offline_settings(tmp_path), FixedClock(NOW)) as running:
        yield running


@pytest.fixture
async def probe(session: OfflineSession) -> Probe:
    cog = Probe()
    await session.bot.add_cog(cog)
    session.commands = session.bot.command_payload()
    return cog


def lines(session: OfflineSession, exchange: offline.Exchange) -> list[str]:
    return render_exchange(exchange, session.context())


async def test_about_is_answered_publicly_by_the_real_cog(session: OfflineSession) -> None:
    exchange = await session.command("/about")
    assert exchange.answered and not exchange.late
    text = lines(session, exchange)
    assert text[0] == "Reply (public):"
    assert "  ┃ Dataset: Heartstopper" in text


async def test_config_is_private_and_saved_in_the_local_database(session: OfflineSession) -> None:
    changed = await session.command("/config timezone tz:europe/london")
    assert lines(session, changed)[:2] == [
        "Reply (private: only you can see it):",
        "  Time zone set to Europe/London. Day-only release dates are now counted in it, and "
        "day-precision announcements go out at 09:00 there.",
    ]
    shown = lines(session, await session.command("/config show"))
    assert "  ┃ Time zone: Europe/London" in shown
    assert "  ┃ Last changed: 25 November 2026 12:00 UTC" in shown  # the injected clock


async def test_a_member_without_manage_server_gets_the_bots_refusal(session: OfflineSession) -> None:
    exchange = await session.command("/config show", as_member=True)
    text = lines(session, exchange)
    assert text[0].startswith("Note: Discord hides /config show from members without Manage Server")
    assert text[-1] == "  You need the Manage Server permission to use this command."


async def test_autocomplete_lists_the_suggestions(session: OfflineSession) -> None:
    exchange = await session.command("/config timezone tz:london", focused="tz")
    assert {"name": "Europe/London", "value": "Europe/London"} in (exchange.choices or [])
    assert lines(session, exchange)[0] == f"Suggestions ({len(exchange.choices or [])}):"


async def test_autocomplete_needs_an_option_that_has_suggestions(session: OfflineSession) -> None:
    with pytest.raises(UsageError, match="options with suggestions: tz"):
        await session.command("/config timezone", focused="zone")


async def test_first_follow_up_replaces_the_thinking_message(session: OfflineSession, probe: Probe) -> None:
    exchange = await session.command("/probe-defer")
    assert lines(session, exchange) == [
        "Reply (private: only you can see it):",  # the deferral decided: private
        "  first",
        "",
        "Follow-up (public):",  # later follow-ups carry their own flags: this one forgot ephemeral
        "  second",
    ]


async def test_clicking_a_button_runs_its_callback_and_shows_the_edit(
    session: OfflineSession, probe: Probe
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
    session: OfflineSession, probe: Probe
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


async def test_typed_options_arrive_typed(session: OfflineSession, probe: Probe) -> None:
    await session.command("/probe-options count:3 flag:true mode:slow ratio:0.25")
    assert probe.seen["options"] == (3, True, "slow", 0.25)
    moderator_can_manage, bot_permissions = probe.seen["permissions"]
    assert moderator_can_manage is True
    assert discord.Permissions(bot_permissions) >= required_permissions()  # its role: the invite's
    await session.command("/probe-options count:1 flag:no mode:FAST", as_member=True)
    assert probe.seen["options"] == (1, False, "fast", 0.5)
    assert probe.seen["permissions"][0] is False


async def test_subcommand_groups_nest_as_discord_sends_them(session: OfflineSession) -> None:
    outer = app_commands.Group(name="probe-group", description="a group")
    inner = app_commands.Group(name="inner", description="a subgroup", parent=outer)

    @inner.command(name="leaf", description="a leaf")
    async def leaf(interaction: discord.Interaction, word: str) -> None:
        await interaction.response.send_message(f"leaf got {word}")

    session.bot.tree.add_command(outer)
    session.commands = session.bot.command_payload()
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
    session: OfflineSession, probe: Probe, text: str, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        await session.command(text)


async def test_an_unexpected_error_gets_the_error_handlers_private_reply(
    session: OfflineSession, probe: Probe
) -> None:
    text = lines(session, await session.command("/probe-crash"))
    assert text[0] == "Reply (private: only you can see it):"
    assert text[1].startswith("  Something went wrong on our side.")


async def test_no_answer_and_late_answers_are_reported(
    session: OfflineSession, probe: Probe, monkeypatch: pytest.MonkeyPatch
) -> None:
    silent = await session.command("/probe-silent")
    assert not silent.answered
    assert lines(session, silent)[-1].startswith("No answer: the bot did not respond")
    monkeypatch.setattr(offline, "RESPONSE_DEADLINE", 0.05)  # rather than sleeping past Discord's 3 s
    slow = await session.command("/probe-slow")
    assert slow.answered and slow.late
    assert "Discord gives up after 0 s" in lines(session, slow)[-1]


async def test_rest_calls_it_does_not_emulate_fail_visibly(session: OfflineSession, probe: Probe) -> None:
    text = lines(session, await session.command("/probe-rest"))
    assert text[1] == "  failed: 501"
    assert text[-1] == "Discord API: GET /users/1 (not emulated offline: the bot got an error)"


async def test_it_never_opens_a_network_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the offline preview tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    async with OfflineSession(offline_settings(tmp_path), FixedClock(NOW)) as session:
        await session.command("/config timezone tz:UTC")
        assert (await session.command("/about")).answered


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

    async with OfflineSession(offline_settings(tmp_path), FixedClock(NOW)) as session:
        exchange = await session.command(line)
    sent = {
        key: online.data[key] for key in ("content", "embeds", "components", "flags") if key in online.data
    }
    assert exchange.messages[0].body == {**sent, "channel_id": session.world.command_channel.id}


# -- the invite's permissions: enough, and each one needed ---------------------------------------------

ANNOUNCE = "/config announcements channel:#announcements"
SCHEDULE = "/config event-add name:Watch party date:2026-12-24 discord_event:True"


async def run_as_bot_with(tmp_path: Path, bot_permissions: int, line: str) -> offline.Exchange:
    # @everyone grants nothing here, so the bot can only use what its own (invite) role holds.
    world = offline.PreviewWorld(everyone_permissions=0, bot_permissions=bot_permissions)
    async with OfflineSession(offline_settings(tmp_path), FixedClock(NOW), world) as session:
        return await session.command(line)


def reply_text(exchange: offline.Exchange) -> str:
    return "\n".join(str(m.body.get("content")) for m in exchange.messages)


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
        announce = await run_as_bot_with(tmp_path, without, ANNOUNCE)
        refusal = reply_text(announce)
        missing = refusal.split("I'm missing ", 1)[1].split(" there.", 1)[0]
        assert f"**{permission_label(need.permission)}**" in missing
        assert "Nothing was changed." in refusal
