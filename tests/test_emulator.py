"""The emulator itself, driven by a bare discord.py bot (no Fandex code), so its shapes are discord.py's."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import io
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Self

import aiohttp
import discord
import pytest
import yarl
from discord import app_commands
from discord.ext import commands

from discord_emulator import DiscordEmulator, EmulatorUsageError, Guild, InteractionTimeout, User, openapi
from discord_emulator.models import BOT_PERMISSIONS, GUILD_CATEGORY, GUILD_VOICE, MANAGE_EVENTS, MANAGE_GUILD

CAST = ["Kit Connor", "Joe Locke", "Yasmin Finney", "William Gao", "Corinna Brown"]


class CounterView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=30)
        self.count = 0

    @discord.ui.button(label="+1", custom_id="counter:add")
    async def add(self, interaction: discord.Interaction, button: discord.ui.Button[CounterView]) -> None:
        self.count += 1
        await interaction.response.edit_message(content=f"count {self.count}", view=self)

    @discord.ui.select(cls=discord.ui.RoleSelect, custom_id="counter:role")
    async def role(self, interaction: discord.Interaction, select: discord.ui.RoleSelect[Self]) -> None:
        await interaction.response.send_message(f"role {select.values[0].name}", ephemeral=True)

    @discord.ui.select(
        custom_id="counter:pick", options=[discord.SelectOption(label=n, value=n) for n in CAST]
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[CounterView]) -> None:
        await interaction.response.send_message(f"picked {select.values[0]}", ephemeral=True)


class FeedbackForm(discord.ui.Modal, title="Feedback"):
    """Both layouts Discord takes: a text input in an action row (the old way) and one in a label."""

    name: discord.ui.TextInput[FeedbackForm] = discord.ui.TextInput(
        label="Name", custom_id="form:name", required=False, max_length=20
    )

    def __init__(self) -> None:
        super().__init__()
        self.body: discord.ui.TextInput[FeedbackForm] = discord.ui.TextInput(
            custom_id="form:body", style=discord.TextStyle.paragraph, min_length=2
        )
        self.add_item(discord.ui.Label(text="Say it", component=self.body))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        where = "on a message" if interaction.message is not None else "from a command"
        await interaction.response.send_message(
            f"{self.name.value!r} {self.body.value!r} {where}", ephemeral=True
        )


class OpenFormView(discord.ui.View):
    @discord.ui.button(label="Tell us", custom_id="form:open")
    async def open(self, interaction: discord.Interaction, button: discord.ui.Button[OpenFormView]) -> None:
        await interaction.response.send_modal(FeedbackForm())


def build_bot(typed: list[Any] | None = None) -> commands.Bot:
    """A bare discord.py bot; `typed` collects what its autocomplete for /pick number receives."""
    typed = typed if typed is not None else []
    bot = commands.Bot(
        command_prefix=commands.when_mentioned,
        intents=discord.Intents.default(),
        guild_ready_timeout=0.05,
        allowed_mentions=discord.AllowedMentions.none(),
    )
    cast = app_commands.Group(name="cast", description="Cast members")

    @cast.command(name="lookup", description="Look up an actor")
    @app_commands.describe(name="Actor name")
    async def lookup(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(embed=discord.Embed(title=name), ephemeral=True)

    @lookup.autocomplete("name")
    async def lookup_name(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=n) for n in CAST if current.lower() in n.lower()]

    @bot.tree.command(description="Reply at once")
    async def ping(
        interaction: discord.Interaction, word: str, times: app_commands.Range[int, 1, 3] = 1
    ) -> None:
        await interaction.response.send_message(" ".join([f"pong {word}"] * times))

    @bot.tree.command(description="Defer, then edit the original response")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.05)
        await interaction.edit_original_response(content="done thinking")

    @bot.tree.command(description="Defer privately, then send a follow-up")
    async def later(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("here you go", ephemeral=True)
        await interaction.followup.send("and one more")

    @bot.tree.command(description="Create a scheduled event")
    async def event(interaction: discord.Interaction, name: str) -> None:
        assert interaction.guild is not None
        start = discord.utils.utcnow() + datetime.timedelta(days=3)
        try:
            created = await interaction.guild.create_scheduled_event(
                name=name,
                start_time=start,
                end_time=start + datetime.timedelta(hours=1),
                entity_type=discord.EntityType.external,
                privacy_level=discord.PrivacyLevel.guild_only,
                location="Netflix",
            )
        except discord.Forbidden as exc:
            await interaction.response.send_message(f"forbidden {exc.code}", ephemeral=True)
        else:
            await interaction.response.send_message(f"event {created.id}", ephemeral=True)

    @bot.tree.command(description="Send a file")
    async def upload(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("attached", file=discord.File(io.BytesIO(b"hi"), "notes.txt"))

    @bot.tree.command(description="Show a counter")
    async def counter(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("count 0", view=CounterView())

    @bot.tree.command(description="Who is asking, and where")
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def whoami(interaction: discord.Interaction) -> None:
        where = "a guild" if interaction.guild is not None else type(interaction.channel).__name__
        await interaction.response.send_message(
            f"{type(interaction.user).__name__} {interaction.user} in {where}"
        )

    @bot.tree.command(description="Only in servers")
    @app_commands.guild_only()
    async def serveronly(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("server")

    @bot.tree.command(description="Pick a number")
    async def pick(interaction: discord.Interaction, number: int) -> None:
        await interaction.response.send_message(f"picked {number}")

    @pick.autocomplete("number")
    async def pick_number(interaction: discord.Interaction, current: Any) -> list[app_commands.Choice[int]]:
        typed.append(current)
        return [app_commands.Choice(name=str(n), value=n) for n in (1, 2, 3)]

    @bot.tree.command(description="Answer after a while")
    async def dawdle(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.3)
        await interaction.response.send_message("finally")

    @bot.tree.command(description="Announce in a channel")
    async def announce(
        interaction: discord.Interaction, channel: discord.TextChannel, role: discord.Role
    ) -> None:
        try:
            await channel.send(
                f"{role.mention} hello", allowed_mentions=discord.AllowedMentions(roles=[role])
            )
        except discord.Forbidden as exc:
            await interaction.response.send_message(f"forbidden {exc.code}", ephemeral=True)
        else:
            await interaction.response.send_message(f"sent to {channel.name}", ephemeral=True)

    @bot.tree.command(description="Open a form")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackForm())

    @bot.tree.command(description="A button that opens a form")
    async def form(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Tell us anything", view=OpenFormView())

    bot.tree.add_command(cast)
    return bot


@pytest.fixture
def typed() -> list[Any]:
    return []


@pytest.fixture
async def bare_bot(emulator: DiscordEmulator, typed: list[Any]) -> AsyncIterator[commands.Bot]:
    discord.http.Route.BASE = emulator.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emulator.gateway_url)
    bot = build_bot(typed)
    task = asyncio.create_task(bot.start("emulator-token"))
    await asyncio.wait_for(bot.wait_until_ready(), 10)
    await bot.tree.sync()
    try:
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_connects_and_registers_commands(
    emulator: DiscordEmulator, guild: Guild, bare_bot: commands.Bot
):
    assert emulator.identify_payloads[0]["intents"] == discord.Intents.default().value
    assert bare_bot.get_guild(guild.id) is not None
    assert bare_bot.get_guild(guild.id).me.guild_permissions.send_messages  # type: ignore[union-attr]
    assert emulator.command_puts[None] == 1
    names = sorted(c["name"] for c in emulator.registered_commands())
    assert names == [
        "announce",
        "cast",
        "counter",
        "dawdle",
        "event",
        "feedback",
        "form",
        "later",
        "pick",
        "ping",
        "serveronly",
        "slow",
        "upload",
        "whoami",
    ]


async def test_slash_command_answered_immediately(
    emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot
):
    result = await emulator.slash(guild, fan, "ping", word="hi", times=2)
    assert result.type == 4
    assert result.content == "pong hi pong hi"
    assert not result.ephemeral
    assert result.elapsed < 3
    assert emulator.messages_in(guild.general.id)[-1]["content"] == "pong hi pong hi"


async def test_subcommand_and_ephemeral_embed(emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot):
    result = await emulator.slash(guild, fan, "cast lookup", name="Kit Connor")
    assert result.ephemeral
    assert result.embeds[0]["title"] == "Kit Connor"
    assert emulator.messages_in(guild.general.id) == []  # ephemeral replies are not in the channel


async def test_deferred_then_edited(emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot):
    result = await emulator.slash(guild, fan, "slow")
    assert result.type == 5
    assert result.content == "done thinking"


async def test_autocomplete(emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot):
    choices = await emulator.autocomplete(guild, fan, "cast lookup", "name", "kit")
    assert choices == [{"name": "Kit Connor", "value": "Kit Connor"}]


async def test_button_and_select(emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot):
    shown = await emulator.slash(guild, fan, "counter")
    assert shown.custom_ids() == ["counter:add", "counter:role", "counter:pick"]
    clicked = await emulator.click(shown, "counter:add", user=fan)
    assert clicked.type == 7
    assert clicked.content == "count 1"
    again = await emulator.click(clicked, "counter:add", user=fan)
    assert again.content == "count 2"
    picked = await emulator.select(again, "counter:pick", ["Joe Locke"], user=fan)
    assert picked.content == "picked Joe Locke"
    assert picked.ephemeral
    readers = guild.add_role("Readers")
    chosen = await emulator.select(again, "counter:role", [readers], user=fan)
    assert chosen.content == "role Readers"
    with pytest.raises(EmulatorUsageError, match="not among"):
        await emulator.select(again, "counter:pick", ["Nick Nelson"], user=fan)


async def test_a_form_is_submitted_in_the_layout_it_was_shown_in(
    emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot
):
    shown = await emulator.slash(guild, fan, "feedback")
    assert shown.type == 9 and shown.message is None
    submitted = await emulator.submit_modal(shown, {"form:body": "hello there"})
    assert submitted.ephemeral and submitted.content == "'' 'hello there' from a command"
    data = submitted.interaction["data"]
    assert data["custom_id"] == shown.data["custom_id"]
    row, label = data["components"]
    assert row["type"] == 1 and row["components"][0] == {
        "type": 4,
        "id": row["components"][0]["id"],
        "custom_id": "form:name",
        "value": "",
    }
    assert label["type"] == 18 and label["component"]["custom_id"] == "form:body"
    assert label["component"]["value"] == "hello there"
    assert "message" not in submitted.interaction
    triggered = submitted.message["interaction_metadata"]["triggering_interaction_metadata"]
    assert triggered["type"] == 2 and triggered["id"] == shown.interaction["id"]


async def test_a_form_opened_by_a_button_carries_its_message(
    emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot
):
    message = await emulator.slash(guild, fan, "form")
    shown = await emulator.click(message, "form:open", user=fan)
    submitted = await emulator.submit_modal(shown, {"form:name": "Tao", "form:body": "more cake"})
    assert submitted.content == "'Tao' 'more cake' on a message"
    assert submitted.interaction["message"]["id"] == message.message["id"]
    metadata = submitted.message["interaction_metadata"]
    assert "interacted_message_id" not in metadata
    assert metadata["triggering_interaction_metadata"]["type"] == 3
    assert metadata["triggering_interaction_metadata"]["interacted_message_id"] == message.message["id"]


async def test_a_form_is_checked_as_discords_client_would_unless_unchecked(
    emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot
):
    shown = await emulator.slash(guild, fan, "feedback")
    with pytest.raises(EmulatorUsageError, match="required"):
        await emulator.submit_modal(shown, {})
    with pytest.raises(EmulatorUsageError, match=r"2\.\.4000 characters"):
        await emulator.submit_modal(shown, {"form:body": "x"})
    with pytest.raises(EmulatorUsageError, match=r"0\.\.20 characters"):
        await emulator.submit_modal(shown, {"form:body": "ok", "form:name": "n" * 21})
    with pytest.raises(EmulatorUsageError, match="no text input"):
        await emulator.submit_modal(shown, {"form:body": "ok", "form:nope": "?"})
    with pytest.raises(EmulatorUsageError, match="not a form"):
        await emulator.submit_modal(await emulator.slash(guild, fan, "ping", word="hi"), {})
    hostile = await emulator.submit_modal(shown, {"form:body": ""}, _unchecked=True)
    assert hostile.content == "'' '' from a command"


async def test_multipart_payload_json_is_read(emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot):
    result = await emulator.slash(guild, fan, "upload")
    assert result.content == "attached"
    assert [a["filename"] for a in result.message["attachments"]] == ["notes.txt"]  # type: ignore[index]
    [callback] = [r for r in emulator.requests if r.path.endswith("/callback")]
    assert callback.headers["Content-Type"].startswith("multipart/form-data")


async def test_channel_and_role_options_and_permissions(
    emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot
):
    role = guild.add_role("Readers")
    news = guild.add_channel("news")
    locked = guild.add_channel("locked", bot_can_send=False)
    await asyncio.sleep(0.05)  # let CHANNEL_CREATE reach the bot's cache
    sent = await emulator.slash(guild, fan, "announce", channel=news, role=role)
    assert sent.content == "sent to news"
    [message] = emulator.messages_in(news.id)
    assert message["content"] == f"{role.mention} hello"
    body = next(r.json for r in emulator.requests if r.path == f"/channels/{news.id}/messages")
    assert body["allowed_mentions"] == {"parse": [], "roles": [role.id]}  # discord.py sends ints
    refused = await emulator.slash(guild, fan, "announce", channel=locked, role=role)
    assert refused.content == "forbidden 50013"
    assert emulator.messages_in(locked.id) == []


async def test_usage_errors_are_clear(emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot):
    with pytest.raises(EmulatorUsageError, match="no slash command /nope"):
        await emulator.slash(guild, fan, "nope")
    with pytest.raises(EmulatorUsageError, match="no subcommand 'find'"):
        await emulator.slash(guild, fan, "cast find")
    with pytest.raises(EmulatorUsageError, match="requires"):
        await emulator.slash(guild, fan, "ping")
    with pytest.raises(EmulatorUsageError, match="outside"):
        await emulator.slash(guild, fan, "ping", word="x", times=9)


@pytest.mark.openapi
async def test_invalid_body_is_caught(emulator: DiscordEmulator, guild: Guild):
    url = f"{emulator.api_base}/channels/{guild.general.id}/messages"
    headers = {"Authorization": "Bot emulator-token"}
    async with aiohttp.ClientSession() as session:
        body = {"embeds": [{"title": "x" * 257}]}
        async with session.post(url, json=body, headers=headers) as response:
            assert response.headers["Content-Type"] == "application/json"
    [error] = emulator.validation_errors
    assert error.path == f"/channels/{guild.general.id}/messages"
    assert "maxLength" in error.error
    emulator.validation_errors.clear()  # expected here; the fixture would fail the test otherwise


async def test_without_the_openapi_document_it_runs_and_says_why_nothing_is_validated(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, discord_endpoints: None
) -> None:
    monkeypatch.setenv("FANDEX_OPENAPI", str(tmp_path / "missing.json"))
    async with DiscordEmulator() as emu:
        assert emu.validator is None
        assert emu.validation_skipped == f"Discord's OpenAPI document is not at {tmp_path / 'missing.json'}"
        guild = emu.add_guild()
        fan = emu.add_user("tao")
        bot = build_bot()
        discord.http.Route.BASE = emu.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emu.gateway_url)
        task = asyncio.create_task(bot.start("emulator-token"))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 10)
            await bot.tree.sync()
            body = {"embeds": [{"title": "x" * 257}]}  # off-spec, and nothing notices
            await bot.http.request(
                discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=guild.general.id),
                json=body,
            )
            assert (await emu.slash(guild, fan, "ping", word="hi")).content == "pong hi"
        finally:
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        assert emu.validation_errors == []


def test_without_jsonschema_validation_is_skipped_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jsonschema", None)  # as if it were not installed
    monkeypatch.setattr(openapi, "document_path", lambda: Path(__file__))  # any file that exists
    emu = DiscordEmulator()
    assert emu.validator is None
    assert emu.validation_skipped == "the jsonschema package is not installed"


async def test_unknown_route_is_recorded(emulator: DiscordEmulator):
    url, headers = f"{emulator.api_base}/no/such", {"Authorization": "Bot emulator-token"}
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        assert response.status == 404
        assert await response.json() == {"message": "Unknown route", "code": 0}
    assert [r.path for r in emulator.unexpected_routes] == ["/no/such"]
    emulator.unexpected_routes.clear()


async def test_nonce_is_enforced(emulator: DiscordEmulator, guild: Guild, bare_bot: commands.Bot):
    channel = bare_bot.get_channel(guild.general.id)
    assert isinstance(channel, discord.TextChannel)
    payload = {"content": "once", "nonce": "release-1", "enforce_nonce": True}
    first = await bare_bot.http.request(
        discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=channel.id), json=payload
    )
    second = await bare_bot.http.request(
        discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=channel.id), json=payload
    )
    assert first["id"] == second["id"]
    assert [m["content"] for m in emulator.messages_in(channel.id)] == ["once"]


async def test_resume_after_close(emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot):
    resumed = asyncio.Event()

    async def on_resumed() -> None:
        resumed.set()

    bare_bot.add_listener(on_resumed)
    await emulator.close_gateway(4000)
    await asyncio.wait_for(resumed.wait(), 5)
    assert len(emulator.identify_payloads) == 1
    assert emulator.gateway.resumes
    result = await emulator.slash(guild, fan, "ping", word="back")
    assert result.content == "pong back"


async def test_dispatch_across_drop_is_replayed(emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot):
    await emulator.drop_gateway()
    result = await emulator.slash(guild, fan, "ping", word="again", timeout=8)
    assert result.content == "pong again"
    assert len(emulator.identify_payloads) == 1  # resumed, not re-identified
    assert emulator.gateway.resumes


async def test_callback_retried_after_500_and_429(
    emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot
):
    emulator.fail_next("POST", r"/interactions/\d+/[^/]+/callback$", 500)
    emulator.fail_next("POST", r"/interactions/\d+/[^/]+/callback$", 429)
    result = await emulator.slash(guild, fan, "ping", word="eventually")
    assert result.content == "pong eventually"
    attempts = [r for r in emulator.requests if r.path.endswith("/callback")]
    assert len(attempts) == 3
    assert 1 <= result.elapsed < 3


async def test_callback_too_late_after_429_then_500(
    emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot: commands.Bot
):
    # discord.py's webhook adapter sleeps 1 + 2 * attempt seconds after a 5xx: once a 429 used attempt 0,
    # the 500 costs 3 s, past Discord's 3 s window; like Discord, the emulator then says Unknown interaction.
    emulator.fail_next("POST", r"/callback$", 429)
    emulator.fail_next("POST", r"/callback$", 500)
    errors: list[Exception] = []

    async def on_app_command_error(interaction: discord.Interaction, error: Exception) -> None:
        errors.append(error)

    bare_bot.tree.error(on_app_command_error)
    with pytest.raises(TimeoutError, match="did not answer"):
        await emulator.slash(guild, fan, "ping", word="late")
    for _ in range(40):
        if errors:
            break
        await asyncio.sleep(0.1)
    assert isinstance(errors[0].__cause__, discord.NotFound)
    assert errors[0].__cause__.code == 10062


async def test_fandex_bot_starts_and_restarts(emulator: DiscordEmulator, start_bot):
    guild = emulator.add_guild()
    bot = await start_bot()
    assert bot.get_guild(guild.id) is not None
    assert emulator.identify_payloads[-1]["intents"] == bot.intents.value
    puts = sum(emulator.command_puts.values())
    assert puts == 1
    await start_bot()  # same database: the command hash is unchanged, so no second sync
    assert sum(emulator.command_puts.values()) == puts
    assert len(emulator.identify_payloads) == 2


async def test_deferred_then_followups(emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot):
    result = await emulator.slash(guild, fan, "later")
    assert result.type == 5
    assert result.content == "here you go"  # the first follow-up replaces the "thinking…" message
    assert result.ephemeral
    for _ in range(20):
        if result.followups:
            break
        await asyncio.sleep(0.05)
    assert [m["content"] for m in result.followups] == ["and one more"]
    assert [m["content"] for m in emulator.messages_in(guild.general.id)] == ["and one more"]


async def test_scheduled_events_need_manage_events(
    emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot: commands.Bot
):
    refused = await emulator.slash(guild, fan, "event", name="Season 4")
    assert refused.content == "forbidden 50013"
    assert emulator.scheduled_events[guild.id] == []

    emulator.member(guild, emulator.bot_user, permissions=BOT_PERMISSIONS | MANAGE_EVENTS)
    await asyncio.sleep(0.05)  # GUILD_ROLE_UPDATE reaches the bot
    assert bare_bot.get_guild(guild.id).me.guild_permissions.manage_events  # type: ignore[union-attr]
    created = await emulator.slash(guild, fan, "event", name="Season 4")
    [event] = emulator.scheduled_events[guild.id]
    assert created.content == f"event {event['id']}"
    assert event["entity_metadata"] == {"location": "Netflix"}


async def test_invalid_session_makes_the_bot_identify_again(
    emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot
):
    emulator.gateway.invalidate_sessions()
    await emulator.close_gateway(4000)
    for _ in range(100):  # discord.py waits 5 s before identifying again (its before_identify hook)
        if len(emulator.identify_payloads) == 2:
            break
        await asyncio.sleep(0.1)
    assert len(emulator.identify_payloads) == 2
    result = await emulator.slash(guild, fan, "ping", word="fresh")
    assert result.content == "pong fresh"


async def test_guild_added_while_connected(emulator: DiscordEmulator, bare_bot: commands.Bot, fan: User):
    guild = emulator.add_guild(name="Alice Oseman Readers")
    await asyncio.sleep(0.05)
    assert bare_bot.get_guild(guild.id) is not None
    result = await emulator.slash(guild, fan, "ping", word="new")
    assert result.content == "pong new"


async def test_default_permissions_can_be_enforced(
    emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot
):
    bare_bot.tree.get_command("ping").default_permissions = discord.Permissions(manage_guild=True)  # type: ignore[union-attr]
    await bare_bot.tree.sync()
    emulator.enforce_default_permissions = True
    with pytest.raises(EmulatorUsageError, match="hidden"):
        await emulator.slash(guild, fan, "ping", word="x")
    result = await emulator.slash(guild, fan, "ping", word="x", _member_permissions=MANAGE_GUILD)
    assert result.content == "pong x"
    assert result.interaction["member"]["permissions"] == str(MANAGE_GUILD)


async def test_voice_and_category_channels_reach_discord_py(
    emulator: DiscordEmulator, guild: Guild, bare_bot: commands.Bot
):
    voice = guild.add_channel("Stage", type=GUILD_VOICE)
    category = guild.add_channel("Fandom", type=GUILD_CATEGORY)
    await asyncio.sleep(0.05)
    assert isinstance(bare_bot.get_channel(voice.id), discord.VoiceChannel)
    assert isinstance(bare_bot.get_channel(category.id), discord.CategoryChannel)


# -- payload shapes beyond a member in a server --------------------------------------------------------


async def test_a_bot_dm_interaction_carries_a_user_and_no_guild(
    emulator: DiscordEmulator, fan: User, bare_bot: commands.Bot
):
    result = await emulator.slash_dm(fan, "whoami")
    payload = result.interaction
    assert payload["context"] == 1
    assert payload["user"]["id"] == str(fan.id) and "member" not in payload
    assert not {"guild_id", "guild", "guild_locale"} & payload.keys()
    assert payload["channel"]["type"] == 1 and payload["channel"]["recipients"][0]["id"] == str(fan.id)
    # Installed to servers ("0" is the bot's DM, no server) and to users (the user who installed it).
    assert payload["authorizing_integration_owners"] == {"0": "0", "1": str(fan.id)}
    assert result.content == "User tao in DMChannel"
    assert "guild_id" not in result.message  # type: ignore[operator]
    assert result.message["interaction_metadata"]["user"]["id"] == str(fan.id)  # type: ignore[index]
    [shown] = emulator.messages_in(int(payload["channel_id"]))
    assert shown["content"] == result.content

    server_install_only = await emulator.slash_dm(fan, "ping", word="dm")
    assert server_install_only.interaction["authorizing_integration_owners"] == {"0": "0"}
    assert server_install_only.content == "pong dm"
    with pytest.raises(EmulatorUsageError, match="not offered in the bot's DMs"):
        await emulator.slash_dm(fan, "serveronly")


async def test_a_private_channel_interaction_is_authorised_by_the_user_install(
    emulator: DiscordEmulator, fan: User, bare_bot: commands.Bot
):
    result = await emulator.slash_dm(fan, "whoami", private_channel=True)
    payload = result.interaction
    assert payload["context"] == 2
    assert "member" not in payload and "guild_id" not in payload
    assert payload["channel"]["type"] == 3  # a group DM the bot is not in
    assert payload["authorizing_integration_owners"] == {"1": str(fan.id)}
    assert result.content == "User tao in GroupChannel"
    with pytest.raises(EmulatorUsageError, match="not offered in private channels"):
        await emulator.slash_dm(fan, "ping", word="x", private_channel=True)  # installed to servers only


async def test_authorizing_owners_are_always_there_in_a_server_too(
    emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot: commands.Bot
):
    ping = await emulator.slash(guild, fan, "ping", word="x")
    assert ping.interaction["authorizing_integration_owners"] == {"0": str(guild.id)}
    assert ping.interaction["context"] == 0 and "user" not in ping.interaction
    both = await emulator.slash(guild, fan, "whoami")
    assert both.interaction["authorizing_integration_owners"] == {"0": str(guild.id), "1": str(fan.id)}
    assert both.content == "Member tao in a guild"


async def test_a_component_in_a_dm_keeps_the_dm_shape(emulator: DiscordEmulator, fan: User, bare_bot):
    shown = await emulator.slash_dm(fan, "counter")
    clicked = await emulator.click(shown, "counter:add", user=fan)
    assert clicked.content == "count 1"
    assert clicked.interaction["context"] == 1 and "member" not in clicked.interaction
    assert clicked.interaction["authorizing_integration_owners"] == {"0": "0"}


async def test_only_guild_commands_carry_data_guild_id(
    emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot: commands.Bot
):
    @app_commands.command(name="local", description="A command registered to one guild")
    async def local(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("local")

    bare_bot.tree.add_command(local, guild=discord.Object(guild.id))
    await bare_bot.tree.sync(guild=discord.Object(guild.id))
    here = await emulator.slash(guild, fan, "local")
    assert here.content == "local"
    assert here.interaction["data"]["guild_id"] == str(guild.id)
    everywhere = await emulator.slash(guild, fan, "ping", word="x")
    assert "guild_id" not in everywhere.interaction["data"]
    with pytest.raises(EmulatorUsageError, match="no slash command /local"):
        await emulator.slash_dm(fan, "local")


async def test_a_focused_option_is_sent_as_typed_a_number_or_without_value(
    emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot: commands.Bot, typed: list[Any]
):
    assert len(await emulator.autocomplete(guild, fan, "pick", "number", 2)) == 3
    assert len(await emulator.autocomplete(guild, fan, "pick", "number", "")) == 3
    assert len(await emulator.autocomplete_dm(fan, "pick", "number", "1")) == 3
    assert typed == [2, "", "1"]  # as the bot's autocomplete received them
    emulator.callback_deadline = 0.3
    with pytest.raises(InteractionTimeout) as caught:  # discord.py's own Namespace needs `value`
        await emulator.autocomplete(guild, fan, "pick", "number", None)
    [focused] = caught.value.record.payload["data"]["options"]
    assert focused == {"name": "number", "type": 4, "focused": True}
    assert not caught.value.answered


# -- what `python -m bot ask` and the bench rely on ------------------------------------------------------


async def test_every_bot_message_is_listed_with_its_kind_and_edits(
    emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot: commands.Bot
):
    await emulator.slash(guild, fan, "later")
    await emulator.wait_idle()
    assert [(m.kind, m.message["content"], m.edits) for m in emulator.bot_messages] == [
        ("reply", "here you go", 1),  # the deferral's placeholder, filled in by the first follow-up
        ("followup", "and one more", 0),
    ]
    assert emulator.bot_messages[0].message["flags"] == 64  # ephemeral: only listed here
    counter = await emulator.slash(guild, fan, "counter")
    await emulator.click(counter.message, "counter:add", user=fan)  # a message dict is a target too
    assert emulator.bot_messages[-1].message["content"] == "count 1"
    assert emulator.bot_messages[-1].edits == 1


async def test_a_callback_after_the_deadline_is_refused_and_noted(
    emulator: DiscordEmulator, guild: Guild, fan: User, bare_bot: commands.Bot
):
    emulator.callback_deadline = 0.1
    with pytest.raises(InteractionTimeout) as caught:
        await emulator.slash(guild, fan, "dawdle")
    record = caught.value.record
    for _ in range(50):
        if record.late_callback_at is not None:
            break
        await asyncio.sleep(0.02)
    assert record.late_callback_at is not None
    assert record.late_callback_at - record.dispatched_at >= 0.3
    assert not record.callback.done()  # Discord never showed it
    assert emulator.bot_messages == []


async def test_commands_synced_in_an_earlier_run_can_be_registered_without_a_sync(
    emulator: DiscordEmulator, guild: Guild, fan: User
):
    body = {"name": "ping", "description": "Reply at once", "type": 1, "options": []}
    [stored] = emulator.register_commands([body])
    assert stored["application_id"] == str(emulator.application_id) and stored["id"].isdigit()
    assert emulator.registered_commands() == [stored]
    assert emulator.command_puts[None] == 0


def test_a_stopped_clock_gives_the_same_ids_and_times_every_run() -> None:
    moment = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)
    first, second = DiscordEmulator(clock=lambda: moment), DiscordEmulator(clock=lambda: moment)
    ids = [first.snowflake() for _ in range(5000)]
    assert ids == [second.snowflake() for _ in range(5000)]
    assert ids == sorted(set(ids))  # unique and increasing, past the 4,096 a millisecond holds
    assert discord.utils.snowflake_time(ids[0]) == moment
    assert first.new_message(first.add_guild().general.id, {"content": "hi"})["timestamp"].startswith(
        "2026-11-25T12:00:00"
    )
