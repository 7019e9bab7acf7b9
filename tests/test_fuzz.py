"""Hypothesis drives every option of every command the bot registers, and every autocomplete, through the
emulator: always an answer, never a traceback, never over Discord's limits, never an allowed mass mention.

The commands are read from what the bot registered, so a new command is fuzzed without touching this file.
A hostile client ignores the registered min/max, lengths and choices, so many values break them.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from discord_emulator import Channel, DiscordEmulator, Guild, InteractionResult, Role, User
from tests.conftest import StartBot

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
GUILD_CATEGORY = 4  # (voice channels: the emulator's payload lacks `bitrate` for discord.py)
DISCORD_INT = 2**53  # Discord's integer options span -2^53..2^53

FUZZ = settings(
    max_examples=40,
    deadline=None,
    # No shrinking: an example is a dozen interactions through the emulator, and shrinking one costs
    # minutes. Each failure message names the command, user and options, which is enough to replay it.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Text that has broken bots before: mentions, markdown, SQL, control and bidi characters, huge and empty.
NASTY_TEXT = [
    "",
    " ",
    "\t\n",
    "@everyone",
    "@here",
    "<@&1187654321098765432>",
    "<@1187654321098765432> hi",
    "<#1>",
    "'; DROP TABLE guild_settings; --",
    '" OR 1=1 --',
    "%s %d %(x)s {0} {}",
    "**bold** __under__ ~~strike~~ `code` ```block``` ||spoiler|| > quote # heading [link](https://x.y)",
    "\u202eevil\u202c \u200f\u200e\u2066x\u2069",
    "\x00\x01\x07\x1b[31m\x7f",
    "🏳️‍🌈🫶🏽💙" * 3,
    "\u200b" * 10,
    "Ｎｉｃｋ",
    "ｓ２",
    "\\",
    "nick nelson",
    "Season 2",
    "volume 3",
    "film",
    "0",
    "-1",
    "99999999999999999999999",
    "Europe/London",
    "../../etc/passwd",
]

text_values = st.one_of(
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=120),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    # Long values without asking hypothesis for kilobytes of entropy: a short unit repeated.
    st.builds(
        lambda unit, times: (unit * times)[:6000], st.text(min_size=1, max_size=8), st.integers(100, 6000)
    ),
)


@dataclass(frozen=True)
class CommandPath:
    path: str  # e.g. "config timezone"
    options: tuple[dict[str, Any], ...]


def invocable_paths(registered: list[dict[str, Any]]) -> list[CommandPath]:
    """Every slash command and subcommand the bot registered, with its option specs."""

    def walk(prefix: str, options: list[dict[str, Any]]) -> Iterator[CommandPath]:
        nested = [o for o in options if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        if not nested:
            yield CommandPath(prefix, tuple(options))
        for option in nested:
            yield from walk(f"{prefix} {option['name']}", option.get("options") or [])

    return [p for c in registered if c.get("type", 1) == 1 for p in walk(c["name"], c.get("options") or [])]


@dataclass
class FuzzWorld:
    emulator: DiscordEmulator
    guild: Guild
    users: list[User]
    channels: list[Channel]
    roles: list[Role]
    paths: list[CommandPath]
    errors: list[logging.LogRecord] = field(default_factory=list)


class _ErrorRecorder(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
async def world(emulator: DiscordEmulator, start_bot: StartBot) -> AsyncIterator[FuzzWorld]:
    guild = emulator.add_guild(name="Heartstopper Fans")
    fan, moderator = emulator.add_user("fan"), emulator.add_user("moderator")
    emulator.member(guild, fan)
    emulator.member(guild, moderator, manage_guild=True)
    channels = [
        guild.general,
        guild.add_channel("announcements"),
        guild.add_channel("no-bot", bot_can_send=False),
        guild.add_channel("category", type=GUILD_CATEGORY),
    ]
    roles = [
        guild.everyone,
        guild.add_role("Readers", mentionable=True),
        guild.add_role("Mods"),
        guild.bot_role,
    ]
    await start_bot()

    registered = emulator.registered_commands()
    paths = invocable_paths(registered)
    assert len(paths) >= 3, paths
    # The hostile client: the same commands with every client-side limit removed, so the emulator sends
    # out-of-range integers, over-long strings and values outside the choices.
    emulator.world.commands[None] = [_without_limits(c) for c in emulator.world.commands[None]]
    emulator.enforce_default_permissions = False  # members reach /config as if a server allowed them

    errors: list[logging.LogRecord] = []
    recorder = _ErrorRecorder(errors)
    logging.getLogger().addHandler(recorder)
    try:
        yield FuzzWorld(emulator, guild, [fan, moderator], channels, roles, paths, errors)
    finally:
        logging.getLogger().removeHandler(recorder)


def _without_limits(command: dict[str, Any]) -> dict[str, Any]:
    relaxed = copy.deepcopy(command)

    def strip(options: list[dict[str, Any]]) -> None:
        for option in options:
            for key in ("min_value", "max_value", "min_length", "max_length", "choices"):
                option.pop(key, None)
            strip(option.get("options") or [])

    strip(relaxed.get("options") or [])
    return relaxed


# -- strategies ---------------------------------------------------------------------------------------


def value_strategy(option: dict[str, Any], world: FuzzWorld) -> st.SearchStrategy[Any]:
    """Values a real client could send for this option, and values only a hostile one would."""
    kind = option["type"]
    choices = [c["value"] for c in option.get("choices") or []]
    if kind == STRING:
        low, high = option.get("min_length", 0), option.get("max_length", 6000)
        fitting = text_values.filter(lambda v: low <= len(v) <= high)
        return (
            st.one_of(st.sampled_from(choices), text_values) if choices else st.one_of(fitting, text_values)
        )
    if kind in (INTEGER, NUMBER):
        low = option.get("min_value", -DISCORD_INT)
        high = option.get("max_value", DISCORD_INT)
        numbers: st.SearchStrategy[Any] = st.one_of(
            st.integers(low, high),
            st.integers(-DISCORD_INT, DISCORD_INT),
            st.sampled_from([low - 1, high + 1, -1, 0, DISCORD_INT, -DISCORD_INT]),
        )
        if kind == NUMBER:
            numbers = st.one_of(numbers, st.floats(-1e15, 1e15, allow_nan=False, allow_infinity=False))
        return st.one_of(st.sampled_from(choices), numbers) if choices else numbers
    if kind == BOOLEAN:
        return st.booleans()
    if kind == CHANNEL:
        allowed = option.get("channel_types")
        fitting_channels = [c for c in world.channels if not allowed or c.type in allowed]
        return st.sampled_from(fitting_channels)
    if kind == ROLE:
        return st.sampled_from(world.roles)
    if kind in (USER, MENTIONABLE):
        return st.sampled_from(world.users)
    raise AssertionError(f"option type {kind} is not fuzzed yet: extend value_strategy()")


def draw_options(data: st.DataObject, path: CommandPath, world: FuzzWorld) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for option in path.options:
        if option["type"] == ATTACHMENT:
            continue
        if option.get("required") or data.draw(st.booleans(), label=f"/{path.path} sends {option['name']}"):
            options[option["name"]] = data.draw(
                value_strategy(option, world), label=f"/{path.path} {option['name']}"
            )
    return options


# -- what every answer must respect ---------------------------------------------------------------------

EMBED_LIMITS = {"title": 256, "description": 4096}
CREATES_A_MESSAGE = {4}  # callback types that post a new message


def embed_problems(embed: dict[str, Any]) -> tuple[list[str], int]:
    problems: list[str] = []
    total = 0
    for key, limit in EMBED_LIMITS.items():
        text = embed.get(key) or ""
        total += len(text)
        if len(text) > limit:
            problems.append(f"embed {key} has {len(text)} > {limit} characters")
    fields = embed.get("fields") or []
    if len(fields) > 25:
        problems.append(f"{len(fields)} > 25 embed fields")
    for item in fields:
        name, value = item.get("name") or "", item.get("value") or ""
        total += len(name) + len(value)
        if not name.strip() or not value.strip():
            problems.append(f"empty embed field {item!r} (Discord rejects it)")
        if len(name) > 256 or len(value) > 1024:
            problems.append(f"embed field {name[:40]!r} too long ({len(name)}/{len(value)})")
    for key, part, limit in (("footer", "text", 2048), ("author", "name", 256)):
        text = (embed.get(key) or {}).get(part) or ""
        total += len(text)
        if len(text) > limit:
            problems.append(f"embed {key} has {len(text)} > {limit} characters")
    return problems, total


def message_problems(body: dict[str, Any], *, creates: bool) -> list[str]:
    """Discord's limits that its OpenAPI schema cannot express, and the no-ping rule."""
    problems: list[str] = []
    content = body.get("content") or ""
    embeds = body.get("embeds") or []
    if len(content) > 2000:
        problems.append(f"content has {len(content)} > 2000 characters")
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} > 10 embeds")
    total = 0
    for embed in embeds:
        embed_issues, size = embed_problems(embed)
        problems += embed_issues
        total += size
    if total > 6000:
        problems.append(f"embeds total {total} > 6000 characters")
    blob = content + str(embeds)
    if "Traceback (most recent call last)" in blob:
        problems.append("a traceback was shown to the user")
    if creates:
        if not (content.strip() or embeds or body.get("components") or body.get("poll")):
            problems.append("an empty message (Discord rejects it)")
        mentions = body.get("allowed_mentions")
        if mentions is None:
            problems.append("no allowed_mentions: Discord would parse @everyone, roles and users")
        elif set(mentions.get("parse") or []) & {"everyone", "roles", "users"}:
            problems.append(f"allowed_mentions parses {mentions['parse']}: a mass mention is possible")
    return problems


def check_sent_bodies(world: FuzzWorld, since: int, what: str) -> None:
    """Every message body the bot sent since request number `since`."""
    for request in world.emulator.requests[since:]:
        body = request.json if isinstance(request.json, dict) else None
        if body is None:
            continue
        if request.path.endswith("/callback"):
            kind, message = body.get("type"), body.get("data") or {}
            creates = kind in CREATES_A_MESSAGE
            if kind == 8:
                continue  # autocomplete: checked by check_choices
        elif "/webhooks/" in request.path or "/messages" in request.path:
            message, creates = body, request.method == "POST"
        else:
            continue
        problems = message_problems(message, creates=creates)
        assert not problems, f"{what}: {request.method} {request.path}: {problems}\n{str(message)[:1500]}"


def check_no_errors(world: FuzzWorld, what: str) -> None:
    if world.errors:
        record = world.errors[0]
        raise AssertionError(
            f"{what}: the bot logged an error: {record.name}: {record.getMessage()}\n{record.exc_text or ''}"
        )


def check_answer(result: InteractionResult, what: str) -> None:
    assert result.type in (4, 5), f"{what}: answered with callback type {result.type}"
    assert "Something went wrong on our side" not in result.content, (
        f"{what}: an unhandled error: {result.content}"
    )


def check_choices(choices: list[dict[str, Any]], option: dict[str, Any], what: str) -> None:
    assert len(choices) <= 25, f"{what}: {len(choices)} > 25 choices"
    for choice in choices:
        name, value = choice["name"], choice["value"]
        assert 1 <= len(name) <= 100, f"{what}: choice name of {len(name)} characters: {name!r}"
        if option["type"] == STRING:
            assert isinstance(value, str) and 1 <= len(value) <= 100, (
                f"{what}: bad string choice value {value!r}"
            )
        elif option["type"] == INTEGER:
            assert isinstance(value, int) and not isinstance(value, bool), (
                f"{what}: non-integer choice {value!r}"
            )
            assert -DISCORD_INT <= value <= DISCORD_INT


# -- the fuzz tests ---------------------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
async def test_every_command_answers_arbitrary_options(world: FuzzWorld, data: st.DataObject) -> None:
    emu = world.emulator
    for path in world.paths:
        options = draw_options(data, path, world)
        user = data.draw(st.sampled_from(world.users), label=f"/{path.path} user")
        what = f"/{path.path} as {user.name} with {options!r}"[:600]
        note(what)
        since = len(emu.requests)
        world.errors.clear()  # a failed example (or hypothesis replaying one) may have left some
        result = await emu.slash(world.guild, user, path.path, **options)
        check_no_errors(world, what)
        check_answer(result, what)
        check_sent_bodies(world, since, what)


@FUZZ
@given(data=st.data())
async def test_every_autocomplete_answers_arbitrary_text(world: FuzzWorld, data: st.DataObject) -> None:
    emu = world.emulator
    # Typed text is always a string, whatever the option's type; the client sends it as the user types it.
    typed = st.one_of(text_values.map(lambda v: v[:6000]), st.integers(-DISCORD_INT, DISCORD_INT).map(str))
    for path in world.paths:
        for option in (o for o in path.options if o.get("autocomplete")):
            value = data.draw(typed, label=f"/{path.path} {option['name']} typed")
            user = data.draw(st.sampled_from(world.users), label=f"/{path.path} user")
            what = f"autocomplete /{path.path} {option['name']}={value!r} as {user.name}"[:600]
            note(what)
            since = len(emu.requests)
            world.errors.clear()
            choices = await emu.autocomplete(world.guild, user, path.path, option["name"], value)
            check_no_errors(world, what)
            check_choices(choices, option, what)
            check_sent_bodies(world, since, what)


# -- the checks themselves can fail --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"content": "x" * 2001, "allowed_mentions": {"parse": []}}, "content has 2001"),
        ({"content": "@everyone"}, "no allowed_mentions"),
        ({"content": "hi", "allowed_mentions": {"parse": ["everyone"]}}, "mass mention"),
        ({"content": " ", "allowed_mentions": {"parse": []}}, "empty message"),
        ({"embeds": [{"title": "t" * 257}], "allowed_mentions": {"parse": []}}, "title has 257"),
        (
            {"embeds": [{"fields": [{"name": "n", "value": ""}]}], "allowed_mentions": {"parse": []}},
            "empty embed field",
        ),
        (
            {
                "embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}],
                "allowed_mentions": {"parse": []},
            },
            "total 6001",
        ),
        ({"content": "Traceback (most recent call last):", "allowed_mentions": {"parse": []}}, "traceback"),
    ],
)
def test_message_checks_catch_violations(body: dict[str, Any], problem: str) -> None:
    assert any(problem in found for found in message_problems(body, creates=True))


def test_message_checks_accept_a_proper_answer() -> None:
    body = {
        "content": "@\u200beveryone is escaped",
        "embeds": [{"title": "Nick Nelson", "fields": [{"name": "Played by", "value": "Kit Connor"}]}],
        "allowed_mentions": {"parse": [], "roles": [123]},
    }
    assert message_problems(body, creates=True) == []


@pytest.mark.parametrize(
    "choices",
    [
        [{"name": f"n{i}", "value": f"v{i}"} for i in range(26)],
        [{"name": "", "value": "v"}],
        [{"name": "n", "value": "v" * 101}],
    ],
)
def test_choice_checks_catch_violations(choices: list[dict[str, Any]]) -> None:
    with pytest.raises(AssertionError):
        check_choices(choices, {"type": STRING}, "test")
