"""The offline preview behind `python -m bot ask`: any command, answered by the real bot, with no token,
no server and no network.

The real `FandexBot` is prepared exactly as `setup_hook` prepares it (database, dataset, every
extension) but never logs in. A synthetic INTERACTION_CREATE, shaped like Discord's and typed from the
registered command, is dispatched through discord.py's own connection state and command tree, so the
cogs, checks, renderers, views and error handler all run unchanged. Only the transport is replaced:
interaction responses and follow-ups go through `discord.webhook.async_.async_context` (a recording
webhook adapter), everything else through `bot.http.request` (a recorder). The recorded JSON bodies are
what Discord would have received; `bot.render.terminal` prints them.
"""

from __future__ import annotations

import asyncio
import copy
import difflib
import itertools
import json
import logging
import re
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import discord
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

from bot.app.client import FandexBot
from bot.app.invite import permission_label, required_permissions
from bot.config import PROJECT_ROOT, Settings
from bot.domain.clock import Clock, SystemClock
from bot.domain.source import DatasetError
from bot.render.terminal import (
    RenderContext,
    is_private,
    render_choices,
    render_message,
    render_modal,
)

log = logging.getLogger(__name__)

DEFAULT_ASK_DATABASE = PROJECT_ROOT / "data" / "ask.sqlite3"
RESPONSE_DEADLINE = 3.0  # seconds Discord waits for the first answer before "did not respond"
WORK_LIMIT = 60.0  # how long the preview waits for a deferred command to finish its follow-ups

# Interaction and callback types (https://discord.com/developers/docs/interactions/receiving-and-responding).
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE = 2, 3, 4
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
OPTION_TYPE_NAMES = {
    STRING: "text",
    INTEGER: "whole number",
    BOOLEAN: "True/False",
    USER: "member",
    CHANNEL: "channel",
    ROLE: "role",
    MENTIONABLE: "member or role",
    NUMBER: "number",
    ATTACHMENT: "file",
}
CHANNEL_TYPE_NAMES = {0: "text", 2: "voice", 4: "category", 5: "announcement", 13: "stage", 15: "forum"}
BUTTON, STRING_SELECT = 2, 3

# The preview world's tasks that answer an interaction (names discord.py gives them).
_WORKER_TASK_PREFIXES = ("CommandTree-invoker", "discord-ui-view-dispatch-", "discord-ui-modal-dispatch-")


class UsageError(Exception):
    """The command line asks for something Discord's client would not send (exit code 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.shown: list[str] = []  # output produced before the error (a bad --click after the reply)


class FixedClock:
    """A clock stopped at one instant, so previews and README transcripts are reproducible."""

    def __init__(self, moment: datetime) -> None:
        self._moment = moment

    def now(self) -> datetime:
        return self._moment


def parse_now(text: str) -> datetime:
    """`--now`: an ISO 8601 instant ("2026-11-25T12:00Z"); without an offset it is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise UsageError(f"--now must be an ISO 8601 time such as 2026-11-25T12:00Z; got {text!r}.") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# ----------------------------------------------------------------------------------------------------
# The preview server
# ----------------------------------------------------------------------------------------------------

_EVERYONE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    add_reactions=True,
    use_external_emojis=True,
    use_application_commands=True,
    create_instant_invite=True,
    change_nickname=True,
    connect=True,
    speak=True,
)
_FIXED_TIME = "2026-01-01T00:00:00.000000+00:00"  # joined/created stamps: any fixed past instant


@dataclass(frozen=True, slots=True)
class PreviewChannel:
    id: int
    name: str
    type: int = 0
    bot_can_send: bool = True


@dataclass(frozen=True, slots=True)
class PreviewRole:
    id: int
    name: str
    permissions: int = 0
    mentionable: bool = False
    managed_by: int | None = None  # the bot's own role


@dataclass(frozen=True, slots=True)
class PreviewUser:
    id: int
    name: str
    bot: bool = False


@dataclass(frozen=True, slots=True)
class PreviewWorld:
    """A small, fixed server: stable ids, so saved settings keep pointing at the same channels and roles.

    The bot's role holds exactly the permissions the invite link asks for (`bot.app.invite`); @everyone has
    Discord's defaults; in #read-only the bot may not send messages.
    """

    guild_id: int = 900_000_000_000_000_001
    guild_name: str = "Preview server"
    bot: PreviewUser = PreviewUser(900_000_000_000_000_002, "Fandex", bot=True)
    owner: PreviewUser = PreviewUser(900_000_000_000_000_003, "server-owner")
    you: PreviewUser = PreviewUser(900_000_000_000_000_004, "you")
    bot_role_id: int = 900_000_000_000_000_010
    bot_permissions: int = required_permissions().value  # what the invite link grants the bot's role
    everyone_permissions: int = _EVERYONE_PERMISSIONS.value
    moderator_role_id: int = 900_000_000_000_000_011
    extra_roles: tuple[PreviewRole, ...] = (
        PreviewRole(900_000_000_000_000_012, "fans", mentionable=True),
        PreviewRole(900_000_000_000_000_013, "readers", mentionable=False),
    )
    channels: tuple[PreviewChannel, ...] = (
        PreviewChannel(900_000_000_000_000_020, "general"),
        PreviewChannel(900_000_000_000_000_021, "announcements"),
        PreviewChannel(900_000_000_000_000_022, "read-only", bot_can_send=False),
        PreviewChannel(900_000_000_000_000_023, "Lounge", type=2),
    )

    @property
    def application_id(self) -> int:
        return self.bot.id  # a bot user shares its application's id

    @property
    def command_channel(self) -> PreviewChannel:
        return self.channels[0]

    @property
    def roles(self) -> tuple[PreviewRole, ...]:
        return (
            PreviewRole(self.guild_id, "@everyone", self.everyone_permissions),
            PreviewRole(self.bot_role_id, self.bot.name, self.bot_permissions, managed_by=self.bot.id),
            PreviewRole(self.moderator_role_id, "Moderators", discord.Permissions(manage_guild=True).value),
            *self.extra_roles,
        )

    @property
    def users(self) -> tuple[PreviewUser, ...]:
        return (self.bot, self.owner, self.you)

    def names(self, now: datetime) -> RenderContext:
        return RenderContext(
            now=now,
            channels={c.id: c.name for c in self.channels},
            roles={r.id: r.name.removeprefix("@") for r in self.roles},
            users={u.id: u.name for u in self.users},
        )

    # -- payloads, shaped as Discord sends them ------------------------------------------------------

    def user_payload(self, user: PreviewUser) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(user.id),
            "username": user.name,
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "public_flags": 0,
            "flags": 0,
        }
        if user.bot:
            data["bot"] = True
        return data

    def member_roles(self, user: PreviewUser, *, moderator: bool = True) -> list[int]:
        if user == self.bot:
            return [self.bot_role_id]
        if user == self.you and moderator:
            return [self.moderator_role_id]
        return []

    def member_payload(self, user: PreviewUser, *, moderator: bool = True) -> dict[str, Any]:
        return {
            "user": self.user_payload(user),
            "roles": [str(r) for r in self.member_roles(user, moderator=moderator)],
            "nick": None,
            "avatar": None,
            "joined_at": _FIXED_TIME,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }

    def role_payload(self, role: PreviewRole) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(role.id),
            "name": role.name,
            "permissions": str(role.permissions),
            "position": 0 if role.id == self.guild_id else 1,
            "color": 0,
            "hoist": False,
            "managed": role.managed_by is not None,
            "mentionable": role.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        if role.managed_by is not None:
            data["tags"] = {"bot_id": str(role.managed_by)}
        return data

    def channel_payload(self, channel: PreviewChannel) -> dict[str, Any]:
        overwrites = []
        if not channel.bot_can_send:
            deny = discord.Permissions(send_messages=True).value
            overwrites.append({"id": str(self.bot_role_id), "type": 0, "allow": "0", "deny": str(deny)})
        return {
            "id": str(channel.id),
            "type": channel.type,
            "guild_id": str(self.guild_id),
            "name": channel.name,
            "position": self.channels.index(channel),
            "permission_overwrites": overwrites,
            "parent_id": None,
            "topic": None,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
            **({"bitrate": 64000, "user_limit": 0, "rtc_region": None} if channel.type == 2 else {}),
        }

    def guild_payload(self) -> dict[str, Any]:
        """The GUILD_CREATE payload (only the bot's own member, as without the members intent)."""
        return {
            "id": str(self.guild_id),
            "name": self.guild_name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner.id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "system_channel_id": str(self.command_channel.id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [self.role_payload(r) for r in self.roles],
            "joined_at": _FIXED_TIME,
            "large": False,
            "unavailable": False,
            "member_count": len(self.users),
            "members": [self.member_payload(self.bot)],
            "channels": [
                {k: v for k, v in self.channel_payload(c).items() if k != "guild_id"} for c in self.channels
            ],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
        }

    # -- lookups for option values -------------------------------------------------------------------

    def find_channel(self, text: str) -> PreviewChannel | None:
        key = _strip_mention(text, ("<#",), "#")
        return next((c for c in self.channels if key in (str(c.id), c.name.casefold())), None)

    def find_role(self, text: str) -> PreviewRole | None:
        key = _strip_mention(text, ("<@&",), "@")
        return next(
            (r for r in self.roles if key in (str(r.id), r.name.casefold(), r.name.casefold().lstrip("@"))),
            None,
        )

    def find_user(self, text: str) -> PreviewUser | None:
        key = _strip_mention(text, ("<@!", "<@"), "@")
        return next((u for u in self.users if key in (str(u.id), u.name.casefold())), None)


def _strip_mention(text: str, openers: tuple[str, ...], sigil: str) -> str:
    key = text.strip()
    for opener in openers:
        if key.startswith(opener) and key.endswith(">"):
            return key[len(opener) : -1]
    return key.removeprefix(sigil).casefold()


# ----------------------------------------------------------------------------------------------------
# The command line, as Discord's client shows a command: /group sub option:value other:"two words"
# ----------------------------------------------------------------------------------------------------

_WORD = re.compile(r"\S+")
_OPTION_NAME = re.compile(r"([a-z][a-z0-9_-]{0,31}):(?!//)")
# An unquoted value runs until whitespace followed by the next `name:`.
_NEXT_OPTION = re.compile(r"\s+(?=[a-z][a-z0-9_-]{0,31}:(?!//))")


@dataclass(frozen=True, slots=True)
class CommandLine:
    """A parsed command line: the registered command, the path to the leaf, and the typed values."""

    command: Mapping[str, Any]  # the registration payload of the top-level command
    path: tuple[str, ...]  # ("config", "timezone")
    spec: tuple[Mapping[str, Any], ...]  # the leaf's options as registered
    values: dict[str, str]  # option name -> the text typed, in the order typed

    @property
    def name(self) -> str:
        return "/" + " ".join(self.path)


def leaf_commands(commands: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every invocable command path ("/cast lookup"), sorted: what a member can type."""
    paths: list[str] = []

    def walk(prefix: str, options: Sequence[Mapping[str, Any]]) -> None:
        nested = [o for o in options if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        if not nested:
            paths.append(prefix)
        for option in nested:
            walk(f"{prefix} {option['name']}", option.get("options") or [])

    for command in commands:
        if command.get("type", 1) == 1:  # chat input, not context menus
            walk(f"/{command['name']}", command.get("options") or [])
    return sorted(paths)


def describe_option(option: Mapping[str, Any]) -> str:
    """One line for help text: `season: whole number 1-3, optional: How far the server has caught up`."""
    kind = OPTION_TYPE_NAMES.get(option.get("type", STRING), "value")
    details = [kind]
    low, high = option.get("min_value"), option.get("max_value")
    if low is not None or high is not None:
        details[0] += f" {'' if low is None else low}-{'' if high is None else high}"
    low_len, high_len = option.get("min_length"), option.get("max_length")
    if low_len is not None or high_len is not None:
        details[0] += f", {low_len or 0}-{high_len if high_len is not None else 6000} characters"
    if types := option.get("channel_types"):
        details[0] += " (" + "/".join(CHANNEL_TYPE_NAMES.get(t, str(t)) for t in types) + ")"
    if choices := option.get("choices"):
        details.append("one of " + ", ".join(str(c["name"]) for c in choices))
    details.append("required" if option.get("required") else "optional")
    if option.get("autocomplete"):
        details.append("with suggestions")
    description = option.get("description") or ""
    return f"{option['name']}: {', '.join(details)}" + (f" — {description}" if description else "")


def options_help(name: str, spec: Sequence[Mapping[str, Any]]) -> str:
    if not spec:
        return f"{name} takes no options."
    return f"Options of {name}:\n" + "\n".join(f"  {describe_option(o)}" for o in spec)


def _suggest(word: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=3, cutoff=0.5)
    return f" Did you mean {' or '.join(close)}?" if close else ""


def parse_command_line(text: str, commands: Sequence[Mapping[str, Any]]) -> CommandLine:
    """Split `/cmd sub opt:value other:"two words"` against the registered `commands`, or raise UsageError.

    An unquoted value runs until the next ` name:` (a lowercase word and a colon); quote a value that
    contains one. Inside quotes, `\\"` is a quote and `\\\\` a backslash.
    """
    body = text.strip()
    all_commands = leaf_commands(commands)
    if not body.startswith("/"):
        raise UsageError(
            f'Start with the command, as in Discord: "/about". Commands: {", ".join(all_commands)}'
        )
    pos = 1
    word = _WORD.match(body, pos)
    top_name = word.group().casefold() if word else ""
    by_name = {c["name"]: c for c in commands if c.get("type", 1) == 1}
    command = by_name.get(top_name)
    if command is None:
        # "/cats" is closest to the group /cast: suggest what can be typed under the closest names.
        close = difflib.get_close_matches(top_name, list(by_name), n=2, cutoff=0.6)
        suggestions = [path for path in all_commands if path.split()[0][1:] in close]
        typed = "/" + " ".join(itertools.takewhile(lambda w: ":" not in w, body[1:].casefold().split()))
        if " " in typed:  # "/cats lookup": the subcommand narrows it down
            suggestions = difflib.get_close_matches(typed, suggestions, n=2, cutoff=0.6) or suggestions
        hint = f" Did you mean {' or '.join(suggestions)}?" if suggestions else ""
        raise UsageError(f"Unknown command /{top_name}.{hint}\nCommands: {', '.join(all_commands)}")
    assert word is not None
    pos = word.end()
    path = [command["name"]]
    spec: Sequence[Mapping[str, Any]] = command.get("options") or []
    while any(o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in spec):
        prefix = "/" + " ".join(path)
        nested = {o["name"]: o for o in spec if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)}
        listing = ", ".join(sorted(f"{prefix} {n}" for n in nested))
        word = _WORD.match(body, _skip_spaces(body, pos))
        if word is None or ":" in word.group():
            raise UsageError(f"{prefix} needs a subcommand: {listing}")
        sub = nested.get(word.group().casefold())
        if sub is None:
            close = difflib.get_close_matches(word.group().casefold(), list(nested), n=3, cutoff=0.6)
            hint = f" Did you mean {' or '.join(f'{prefix} {n}' for n in close)}?" if close else ""
            raise UsageError(f"{prefix} has no subcommand {word.group()!r}.{hint}\nSubcommands: {listing}")
        path.append(sub["name"])
        spec = sub.get("options") or []
        pos = word.end()
    name = "/" + " ".join(path)
    values = _parse_options(body[pos:], name, spec)
    return CommandLine(command=command, path=tuple(path), spec=tuple(spec), values=values)


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _parse_options(rest: str, name: str, spec: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    known = {o["name"]: o for o in spec}
    values: dict[str, str] = {}
    pos = _skip_spaces(rest, 0)
    while pos < len(rest):
        match = _OPTION_NAME.match(rest, pos)
        if match is None:
            required = [o["name"] for o in spec if o.get("required")]
            hint = f" Did you mean {required[0]}:{rest[pos:].strip()}?" if required else ""
            raise UsageError(
                f"Expected option:value after {name}, got {rest[pos:].strip()!r}.{hint}\n"
                f"{options_help(name, spec)}"
            )
        option = match.group(1)
        if option not in known:
            raise UsageError(
                f"{name} has no option {option!r}.{_suggest(option, list(known))} "
                f'(A value containing "word:" needs quotes.)\n{options_help(name, spec)}'
            )
        if option in values:
            raise UsageError(f"Option {option} is given twice.")
        pos = match.end()
        if rest.startswith('"', pos):
            value, pos = _quoted(rest, pos, option)
        else:
            following = _NEXT_OPTION.search(rest, pos)
            end = following.start() if following else len(rest)
            value = rest[pos:end].strip()
            pos = end
        values[option] = value
        pos = _skip_spaces(rest, pos)
    missing = [o["name"] for o in spec if o.get("required") and o["name"] not in values]
    if missing:
        raise UsageError(f"{name} needs {', '.join(missing)}.\n{options_help(name, spec)}")
    return values


def _quoted(text: str, pos: int, option: str) -> tuple[str, int]:
    chars: list[str] = []
    index = pos + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in '"\\':
            chars.append(text[index + 1])
            index += 2
            continue
        if char == '"':
            index += 1
            if index < len(text) and not text[index].isspace():
                raise UsageError(f"Option {option}: put a space after the closing quote.")
            return "".join(chars), index
        chars.append(char)
        index += 1
    raise UsageError(
        f'Option {option}: the opening quote has no closing quote (write \\" for a quote inside).'
    )


# ----------------------------------------------------------------------------------------------------
# The transport: what the bot sends, recorded; Discord's answers, synthesised
# ----------------------------------------------------------------------------------------------------


@dataclass(eq=False)
class RecordedMessage:
    id: int
    label: str  # "Reply", "Follow-up", "Message in #announcements"
    body: dict[str, Any]  # the message as members see it now
    loading: bool = False  # a deferred reply still "thinking"
    deleted: bool = False
    changes: int = 0  # bumped on every edit, so a click shows only what it changed


@dataclass(frozen=True, slots=True)
class RestCall:
    method: str
    path: str
    body: Any
    emulated: bool


@dataclass(frozen=True, slots=True)
class _OfflineResponse:
    """Stands in for the aiohttp response that discord.HTTPException reads."""

    status: int
    reason: str


_NOT_EMULATED = _OfflineResponse(501, "Not emulated offline")
_NOT_FOUND = _OfflineResponse(404, "Not Found")


class Recorder(AsyncWebhookAdapter):
    """The last hop of every request: records the JSON body and answers the way Discord would."""

    def __init__(
        self, world: PreviewWorld, clock: Clock, scheduled_events: dict[str, dict[str, Any]] | None = None
    ) -> None:
        super().__init__()
        self.world = world
        self.clock = clock
        # The preview server's scheduled events (id -> payload), kept between runs by the session.
        self.scheduled_events: dict[str, dict[str, Any]] = scheduled_events or {}
        self.messages: dict[int, RecordedMessage] = {}
        self.rest_calls: list[RestCall] = []
        self.callbacks: dict[int, dict[str, Any]] = {}  # interaction id -> callback body
        self.callback_times: dict[int, float] = {}
        self.interaction_types: dict[int, int] = {}  # interaction id -> its type, as dispatched
        self.originals: dict[str, int] = {}  # interaction token -> the message "@original" means
        self._ids = itertools.count(1)

    def snowflake(self) -> int:
        return discord.utils.time_snowflake(self.clock.now()) + next(self._ids)

    # -- interaction webhooks (async_context) --------------------------------------------------------

    async def request(  # type: ignore[override]  # same call shape as AsyncWebhookAdapter.request
        self,
        route: discord.http.Route,
        session: Any,
        *,
        payload: dict[str, Any] | None = None,
        multipart: list[dict[str, Any]] | None = None,
        **_: Any,
    ) -> Any:
        body = payload if payload is not None else _multipart_json(multipart)
        token = str(route.webhook_token)
        if route.path.endswith("/callback"):
            return self._callback(int(str(route.webhook_id)), token, body or {})
        if route.method == "POST":  # a follow-up message
            original = self.messages.get(self.originals.get(token, 0))
            if original is not None and original.loading:
                # The first follow-up after a deferral replaces the "thinking…" message, keeping its flags.
                self._edit(original, body or {})
                return self._message_payload(original, webhook=True)
            message = self._create("Follow-up", body or {}, self.world.command_channel.id)
            return self._message_payload(message, webhook=True)
        message_ref = route.url.rsplit("/", 1)[-1]
        message_id = self.originals.get(token) if message_ref == "@original" else int(message_ref)
        message = self.messages.get(message_id or 0)
        if message is None:
            raise discord.NotFound(_NOT_FOUND, {"code": 10008, "message": "Unknown Message"})  # type: ignore[arg-type]
        if route.method == "PATCH":
            self._edit(message, body or {})
        elif route.method == "DELETE":
            message.deleted = True
            message.changes += 1
            return None
        return self._message_payload(message, webhook=True)

    def _callback(self, interaction_id: int, token: str, body: dict[str, Any]) -> dict[str, Any]:
        self.callbacks.setdefault(interaction_id, body)
        self.callback_times.setdefault(interaction_id, time.monotonic())
        kind = body.get("type")
        data = body.get("data") or {}
        interaction: dict[str, Any] = {
            "id": str(interaction_id),
            "type": self.interaction_types.get(interaction_id, APPLICATION_COMMAND),
        }
        answer: dict[str, Any] = {"interaction": interaction}
        message: RecordedMessage | None = None
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            message = self._create("Reply", data, self.world.command_channel.id)
            message.loading = kind == DEFERRED_CHANNEL_MESSAGE
            self.originals[token] = message.id
        elif kind in (UPDATE_MESSAGE, DEFERRED_UPDATE):
            message = self.messages.get(self.originals.get(token, 0))
            if message is not None and kind == UPDATE_MESSAGE:
                self._edit(message, data)
        if message is not None:
            interaction.update(
                response_message_id=str(message.id),
                response_message_loading=message.loading,
                response_message_ephemeral=is_private(message.body),
            )
            answer["resource"] = {"type": kind, "message": self._message_payload(message, webhook=True)}
        return answer

    # -- everything else (bot.http.request) ------------------------------------------------------------

    async def rest(self, route: discord.http.Route, **kwargs: Any) -> Any:
        body = kwargs.get("json")
        if body is None and kwargs.get("form"):
            body = _multipart_json(kwargs["form"])
        path = route.url.removeprefix(discord.http.Route.BASE)
        channel_id = int(route.channel_id) if route.channel_id else 0
        if route.path == "/channels/{channel_id}/messages" and route.method == "POST":
            channel = next((c for c in self.world.channels if c.id == channel_id), None)
            where = f"#{channel.name}" if channel else f"channel {channel_id}"
            message = self._create(f"Message posted in {where}", body or {}, channel_id)
            self.rest_calls.append(RestCall(route.method, path, body, emulated=True))
            return self._message_payload(message, webhook=False)
        if route.path == "/channels/{channel_id}/messages/{message_id}" and route.method == "PATCH":
            message = self.messages.get(int(path.rsplit("/", 1)[-1]))
            if message is not None:
                self._edit(message, body or {})
                self.rest_calls.append(RestCall(route.method, path, body, emulated=True))
                return self._message_payload(message, webhook=False)
        if route.path.startswith("/guilds/{guild_id}/scheduled-events"):
            self.rest_calls.append(RestCall(route.method, path, body, emulated=True))
            return self._scheduled_events_route(route.method, path.rsplit("/", 1)[-1], body or {})
        self.rest_calls.append(RestCall(route.method, path, body, emulated=False))
        raise discord.HTTPException(
            _NOT_EMULATED,  # type: ignore[arg-type]
            {"code": 0, "message": f"{route.method} {route.path} is not emulated by the offline preview"},
        )

    # -- messages ------------------------------------------------------------------------------------

    def _create(self, label: str, body: Mapping[str, Any], channel_id: int) -> RecordedMessage:
        shown = {
            key: copy.deepcopy(body[key])
            for key in ("content", "embeds", "components", "flags")
            if key in body
        }
        message = RecordedMessage(id=self.snowflake(), label=label, body=shown)
        message.body["channel_id"] = channel_id
        self.messages[message.id] = message
        return message

    def _edit(self, message: RecordedMessage, body: Mapping[str, Any]) -> None:
        for key in ("content", "embeds", "components"):
            if key in body:
                message.body[key] = copy.deepcopy(body[key])
        message.loading = False
        message.changes += 1

    def _message_payload(self, message: RecordedMessage, *, webhook: bool) -> dict[str, Any]:
        body = message.body
        data: dict[str, Any] = {
            "id": str(message.id),
            "channel_id": str(body.get("channel_id", self.world.command_channel.id)),
            "guild_id": str(self.world.guild_id),
            "author": self.world.user_payload(self.world.bot),
            "content": body.get("content") or "",
            "timestamp": self.clock.now().isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 20 if webhook else 0,  # 20: a reply to a slash command
            "flags": (int(body.get("flags") or 0) | (1 << 7 if message.loading else 0)),
        }
        if webhook:
            data["webhook_id"] = str(self.world.application_id)
            data["application_id"] = str(self.world.application_id)
        return data

    def _scheduled_events_route(self, method: str, last: str, body: Mapping[str, Any]) -> Any:
        if last == "scheduled-events":
            if method == "POST":
                event = self._scheduled_event(body)
                self.scheduled_events[event["id"]] = event
                return event
            return list(self.scheduled_events.values())
        event = self.scheduled_events.get(last)
        if event is None:
            raise discord.NotFound(_NOT_FOUND, {"code": 10070, "message": "Unknown Guild Scheduled Event"})  # type: ignore[arg-type]
        if method == "DELETE":
            del self.scheduled_events[last]
            return None
        if method == "PATCH":
            event.update({key: value for key, value in body.items() if key in event})
        return event

    def _scheduled_event(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": str(self.snowflake()),
            "guild_id": str(self.world.guild_id),
            "channel_id": body.get("channel_id"),
            "creator_id": str(self.world.bot.id),
            "creator": self.world.user_payload(self.world.bot),
            "name": body.get("name", ""),
            "description": body.get("description"),
            "scheduled_start_time": body.get("scheduled_start_time"),
            "scheduled_end_time": body.get("scheduled_end_time"),
            "privacy_level": body.get("privacy_level", 2),
            "status": 1,  # scheduled
            "entity_type": body.get("entity_type", 3),
            "entity_id": None,
            "entity_metadata": body.get("entity_metadata"),
            "user_count": 0,
            "image": None,
            "recurrence_rule": None,
        }


def _multipart_json(multipart: Sequence[Mapping[str, Any]] | None) -> dict[str, Any] | None:
    for part in multipart or []:
        if part.get("name") == "payload_json":
            return json.loads(part["value"])
    return None


# ----------------------------------------------------------------------------------------------------
# The session: a prepared bot in the preview server
# ----------------------------------------------------------------------------------------------------


@dataclass
class Exchange:
    """What one interaction produced."""

    answered: bool = False
    elapsed: float | None = None  # seconds until the first answer
    messages: list[RecordedMessage] = field(default_factory=list)  # created or changed, in order
    edited: set[int] = field(default_factory=set)  # ids among `messages` that existed before
    choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    rest_calls: list[RestCall] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def late(self) -> bool:
        return self.elapsed is not None and self.elapsed > RESPONSE_DEADLINE


class OfflineSession:
    """`async with OfflineSession(settings, clock) as session: await session.command("/about")`."""

    def __init__(self, settings: Settings, clock: Clock, world: PreviewWorld | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.world = world or PreviewWorld()
        # Beside the settings database: the preview server's own state (its scheduled events), so
        # `/config event-add` in one run and `/config event-remove` in the next meet the same server.
        self.state_path = settings.database_path.with_name(settings.database_path.name + "-preview.json")
        self.recorder = Recorder(self.world, clock, _load_scheduled_events(self.state_path))
        self.bot = FandexBot(settings, clock=clock)
        self.commands: list[dict[str, Any]] = []
        self._context_token: Any = None

    async def __aenter__(self) -> OfflineSession:
        # Interaction replies look the adapter up in this context variable; tasks created from here on
        # (the command tree's invoker among them) inherit it.
        self._context_token = async_context.set(self.recorder)
        await self.bot.__aenter__()
        try:
            self._join_preview_server()
            await self.bot.prepare()
        except BaseException:
            await self.bot.close()
            raise
        self.commands = self.bot.command_payload()  # exactly what a sync would register
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            await self.bot.close()
            self.state_path.write_text(
                json.dumps({"scheduled_events": self.recorder.scheduled_events}, indent=1), encoding="utf-8"
            )
        finally:
            async_context.reset(self._context_token)

    def _join_preview_server(self) -> None:
        """What READY and GUILD_CREATE would do: set the bot user, cache the server, route REST calls."""
        state = self.bot._connection
        state.user = discord.ClientUser(state=state, data=self.world.user_payload(self.world.bot))  # type: ignore[arg-type]
        state.application_id = self.world.application_id
        guild = self.world.guild_payload()
        guild["guild_scheduled_events"] = list(self.recorder.scheduled_events.values())
        state._add_guild_from_data(guild)  # type: ignore[arg-type]
        self.bot.http.request = self.recorder.rest  # type: ignore[method-assign]

    @property
    def guild(self) -> discord.Guild:
        guild = self.bot.get_guild(self.world.guild_id)
        assert guild is not None
        return guild

    def context(self) -> RenderContext:
        return self.world.names(self.clock.now())

    # -- interactions --------------------------------------------------------------------------------

    async def command(self, text: str, *, as_member: bool = False, focused: str | None = None) -> Exchange:
        """Run `/command option:value …` (or, with `focused`, ask for that option's suggestions)."""
        line = self._parse(text, focused=focused)
        data = self._command_data(line, as_member=as_member, focused=focused)
        payload = self._interaction(
            AUTOCOMPLETE if focused else APPLICATION_COMMAND, data, as_member=as_member
        )
        exchange = await self._dispatch(payload)
        if not focused and as_member and line.command.get("default_member_permissions") not in (None, "0"):
            required = discord.Permissions(int(line.command["default_member_permissions"]))
            names = ", ".join(permission_label(name) for name, value in required if value)
            exchange.notes.append(
                f"Discord hides {line.name} from members without {names}; "
                "below is what the bot answers if they invoke it anyway."
            )
        return exchange

    def _parse(self, text: str, *, focused: str | None) -> CommandLine:
        if focused is None:
            return parse_command_line(text, self.commands)
        # Suggestions are asked for while typing: required options may still be missing.
        lenient = [_without_required(c) for c in self.commands]
        line = parse_command_line(text, lenient)
        option = next((o for o in line.spec if o["name"] == focused), None)
        if option is None or not option.get("autocomplete"):
            with_suggestions = [o["name"] for o in line.spec if o.get("autocomplete")]
            raise UsageError(
                f"{line.name} has no option {focused!r} with suggestions; "
                f"options with suggestions: {', '.join(with_suggestions) or 'none'}."
            )
        original_spec = _find_spec(self.commands, line.path)
        return replace(line, spec=tuple(original_spec))

    async def click(self, label: str, *, as_member: bool = False) -> Exchange:
        """Press the button, or pick the menu option, labelled `label` (or starting with it) on the newest
        message that shows one."""
        wanted = label.strip().casefold()
        for message in reversed(list(self.recorder.messages.values())):
            if message.deleted:
                continue
            targets = _click_targets(message)
            matches = [t for t in targets if t[0].casefold() == wanted] or [
                t for t in targets if t[0].casefold().startswith(wanted)
            ]
            if len(matches) > 1:
                shown = ", ".join(repr(text) for text, _, _ in matches)
                raise UsageError(f"{label!r} could mean {shown}: type more of the label.")
            if matches:
                text, component, value = matches[0]
                if component.get("disabled"):
                    raise UsageError(f"{text!r} is disabled.")
                if "custom_id" not in component:
                    raise UsageError(f"{text!r} is a link button: it opens {component.get('url')}.")
                data: dict[str, Any] = {
                    "custom_id": component["custom_id"],
                    "component_type": component["type"],
                }
                if value is not None:
                    data["values"] = [value]
                return await self._dispatch(self._component(message, data, as_member=as_member))
        labels = [t[0] for m in self.recorder.messages.values() if not m.deleted for t in _click_targets(m)]
        shown = ", ".join(repr(text) for text in dict.fromkeys(labels)) or "none"
        raise UsageError(f"No button or menu option labelled {label!r}. On screen: {shown}.")

    def _component(
        self, message: RecordedMessage, data: dict[str, Any], *, as_member: bool
    ) -> dict[str, Any]:
        payload = self._interaction(MESSAGE_COMPONENT, data, as_member=as_member)
        payload["message"] = self.recorder._message_payload(message, webhook=True)
        self.recorder.originals[payload["token"]] = message.id  # "@original" is the clicked message
        return payload

    async def _dispatch(self, payload: dict[str, Any]) -> Exchange:
        exchange = Exchange()
        interaction_id = int(payload["id"])
        seen = {m.id: m.changes for m in self.recorder.messages.values()}
        calls_before = len(self.recorder.rest_calls)
        self.recorder.interaction_types[interaction_id] = payload["type"]
        tasks_before = asyncio.all_tasks()
        started = time.monotonic()
        # Exactly what discord.py does with a gateway INTERACTION_CREATE event.
        self.bot._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
        workers = [
            task
            for task in asyncio.all_tasks() - tasks_before
            if task.get_name().startswith(_WORKER_TASK_PREFIXES)
        ]
        if workers:
            _, pending = await asyncio.wait(workers, timeout=WORK_LIMIT)
            for task in pending:
                task.cancel()
            if pending:
                exchange.notes.append(f"The bot was still working after {WORK_LIMIT:.0f} s; stopped it.")
        callback = self.recorder.callbacks.get(interaction_id)
        if callback is not None:
            exchange.answered = True
            exchange.elapsed = self.recorder.callback_times[interaction_id] - started
            data = callback.get("data") or {}
            if callback.get("type") == AUTOCOMPLETE_RESULT:
                exchange.choices = list(data.get("choices") or [])
            elif callback.get("type") == MODAL:
                exchange.modal = data
        exchange.messages = [
            m for m in self.recorder.messages.values() if m.id not in seen or seen[m.id] != m.changes
        ]
        exchange.edited = {m.id for m in exchange.messages if m.id in seen}
        exchange.rest_calls = self.recorder.rest_calls[calls_before:]
        return exchange

    # -- payloads ------------------------------------------------------------------------------------

    def _interaction(self, kind: int, data: dict[str, Any], *, as_member: bool) -> dict[str, Any]:
        """An INTERACTION_CREATE payload from `you` in #general, as Discord sends it."""
        world, guild = self.world, self.guild
        channel = guild.get_channel(world.command_channel.id)
        assert isinstance(channel, discord.TextChannel)
        member_data = world.member_payload(world.you, moderator=not as_member)
        member = discord.Member(data=member_data, guild=guild, state=self.bot._connection)  # type: ignore[arg-type]
        assert guild.me is not None
        member_data["permissions"] = str(channel.permissions_for(member).value)
        interaction_id = self.recorder.snowflake()
        return {
            "id": str(interaction_id),
            "application_id": str(world.application_id),
            "type": kind,
            "data": data,
            "guild": {"id": str(world.guild_id), "locale": "en-US", "features": []},
            "guild_id": str(world.guild_id),
            "channel": world.channel_payload(world.command_channel),
            "channel_id": str(world.command_channel.id),
            "member": member_data,
            "token": f"offline-{interaction_id}",
            "version": 1,
            "app_permissions": str(channel.permissions_for(guild.me).value),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(world.guild_id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }

    def _command_data(self, line: CommandLine, *, as_member: bool, focused: str | None) -> dict[str, Any]:
        resolved: dict[str, dict[str, Any]] = {}
        by_name = {o["name"]: o for o in line.spec}
        values = dict(line.values)
        if focused is not None:
            values.setdefault(focused, "")
        options: list[dict[str, Any]] = []
        for name, raw in values.items():
            option = by_name[name]
            entry: dict[str, Any] = {"name": name, "type": option["type"]}
            if name == focused:
                entry.update(value=raw, focused=True)  # partial input is always sent as typed text
            else:
                entry["value"] = self._convert(line.name, option, raw, resolved, as_member=as_member)
            options.append(entry)
        data: dict[str, Any] = {
            "id": str(self._command_id(line.command["name"])),
            "name": line.command["name"],
            "type": 1,
        }
        container = data
        for word in line.path[1:]:
            nested = {"name": word, "type": SUB_COMMAND, "options": []}
            container.setdefault("options", []).append(nested)
            container = nested
        if len(line.path) == 3:  # /group subgroup command: the middle one is a group
            data["options"][0]["type"] = SUB_COMMAND_GROUP
        container["options"] = options
        if resolved:
            data["resolved"] = resolved
        return data

    def _command_id(self, name: str) -> int:
        # Stable per command, like the ids Discord assigns at sync.
        index = sorted(c["name"] for c in self.commands).index(name)
        return self.world.application_id + 1000 + index

    def _convert(
        self,
        command: str,
        option: Mapping[str, Any],
        raw: str,
        resolved: dict[str, dict[str, Any]],
        *,
        as_member: bool,
    ) -> Any:
        """The option value as Discord would send it, after the checks Discord's client makes."""
        where = f"{command} {option['name']}"
        kind = option["type"]
        choices = option.get("choices")
        if choices:
            return _choice_value(where, choices, raw)
        if kind == STRING:
            low, high = option.get("min_length", 0), option.get("max_length", 6000)
            if not low <= len(raw) <= high:
                raise UsageError(f"{where}: Discord accepts {low}-{high} characters here; got {len(raw)}.")
            return raw
        if kind in (INTEGER, NUMBER):
            try:
                number: int | float = int(raw) if kind == INTEGER else float(raw)
            except ValueError:
                raise UsageError(f"{where}: {raw!r} is not a {OPTION_TYPE_NAMES[kind]}.") from None
            low, high = option.get("min_value"), option.get("max_value")
            if (low is not None and number < low) or (high is not None and number > high):
                raise UsageError(f"{where}: Discord accepts {low}-{high} here; got {raw}.")
            return number
        if kind == BOOLEAN:
            lowered = raw.strip().casefold()
            if lowered in ("true", "yes"):
                return True
            if lowered in ("false", "no"):
                return False
            raise UsageError(f"{where}: use True or False; got {raw!r}.")
        if kind == CHANNEL:
            return self._resolve_channel(where, option, raw, resolved, as_member=as_member)
        if kind in (ROLE, MENTIONABLE):
            role = self.world.find_role(raw)
            if role is not None:
                resolved.setdefault("roles", {})[str(role.id)] = self.world.role_payload(role)
                return str(role.id)
        if kind in (USER, MENTIONABLE):
            user = self.world.find_user(raw)
            if user is not None:
                resolved.setdefault("users", {})[str(user.id)] = self.world.user_payload(user)
                member = self.world.member_payload(user, moderator=not as_member)
                del member["user"]
                resolved.setdefault("members", {})[str(user.id)] = member
                return str(user.id)
        if kind in (ROLE, USER, MENTIONABLE):
            known = [f"@{r.name.removeprefix('@')}" for r in self.world.roles] if kind != USER else []
            known += [f"@{u.name}" for u in self.world.users] if kind != ROLE else []
            raise UsageError(
                f"{where}: no {OPTION_TYPE_NAMES[kind]} {raw!r} in the preview server: {', '.join(known)}."
            )
        raise UsageError(
            f"{where}: {OPTION_TYPE_NAMES.get(kind, 'this')} options can't be previewed offline."
        )

    def _resolve_channel(
        self,
        where: str,
        option: Mapping[str, Any],
        raw: str,
        resolved: dict[str, dict[str, Any]],
        *,
        as_member: bool,
    ) -> str:
        allowed = option.get("channel_types")
        candidates = [c for c in self.world.channels if not allowed or c.type in allowed]
        channel = self.world.find_channel(raw)
        if channel is None or channel not in candidates:
            names = ", ".join(f"#{c.name}" for c in candidates)
            raise UsageError(
                f"{where}: no such channel {raw!r} for this option in the preview server: {names}."
            )
        cached = self.guild.get_channel(channel.id)
        data = self.world.member_payload(self.world.you, moderator=not as_member)
        member = discord.Member(data=data, guild=self.guild, state=self.bot._connection)  # type: ignore[arg-type]
        permissions = cached.permissions_for(member).value if cached else 0
        resolved.setdefault("channels", {})[str(channel.id)] = {
            "id": str(channel.id),
            "name": channel.name,
            "type": channel.type,
            "permissions": str(permissions),
            "parent_id": None,
            "guild_id": str(self.world.guild_id),
            "position": self.world.channels.index(channel),
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        return str(channel.id)


def _load_scheduled_events(path: Path) -> dict[str, dict[str, Any]]:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("Ignoring the preview server's saved state %s: %s", path, exc)
        return {}
    events = saved.get("scheduled_events") if isinstance(saved, dict) else None
    return events if isinstance(events, dict) else {}


def _choice_value(where: str, choices: Sequence[Mapping[str, Any]], raw: str) -> Any:
    """A choice by its name or value, or by the start of one name, as the client's filter finds it."""
    typed = raw.strip().casefold()
    exact = [c for c in choices if typed in (str(c["name"]).casefold(), str(c["value"]).casefold())]
    matches = exact or [c for c in choices if str(c["name"]).casefold().startswith(typed)]
    if len(matches) != 1:
        names = ", ".join(str(c["name"]) for c in choices)
        raise UsageError(f"{where}: {raw!r} is not one of the choices: {names}.")
    return matches[0]["value"]


def _without_required(command: Mapping[str, Any]) -> dict[str, Any]:
    def strip(options: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [
            {**o, "required": False, **({"options": strip(o["options"])} if o.get("options") else {})}
            for o in options
        ]

    return {**command, "options": strip(command.get("options") or [])}


def _find_spec(commands: Sequence[Mapping[str, Any]], path: Sequence[str]) -> list[Mapping[str, Any]]:
    spec: Sequence[Mapping[str, Any]] = next(c for c in commands if c["name"] == path[0]).get("options") or []
    for word in path[1:]:
        spec = next(o for o in spec if o["name"] == word).get("options") or []
    return list(spec)


def _click_targets(message: RecordedMessage) -> list[tuple[str, Mapping[str, Any], str | None]]:
    """(label, component, selected value) for every button and string-menu option on `message`."""
    targets: list[tuple[str, Mapping[str, Any], str | None]] = []
    for component in _walk(message.body.get("components") or []):
        if component.get("type") == BUTTON and component.get("label"):
            targets.append((component["label"], component, None))
        elif component.get("type") == STRING_SELECT:
            targets += [(o["label"], component, o["value"]) for o in component.get("options") or []]
    return targets


def _walk(components: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for component in components:
        found.append(component)
        found.extend(_walk(component.get("components") or []))
        if accessory := component.get("accessory"):
            found.append(accessory)
    return found


# ----------------------------------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------------------------------


def render_exchange(exchange: Exchange, context: RenderContext) -> list[str]:
    """What the member would see after one interaction, as terminal lines."""
    lines: list[str] = [f"Note: {note}" for note in exchange.notes]
    if exchange.choices is not None:
        lines.append(f"Suggestions ({len(exchange.choices)}):")
        lines.extend(render_choices(exchange.choices))
    if exchange.modal is not None:
        lines.extend(render_modal(exchange.modal, context))
    for message in exchange.messages:
        if lines:
            lines.append("")
        lines.extend(_message_lines(message, context, edited=message.id in exchange.edited))
    for call in exchange.rest_calls:
        if call.path.endswith("/messages") and call.emulated:
            continue  # already shown as the message it posted
        body = json.dumps(call.body, ensure_ascii=False, sort_keys=True) if call.body is not None else ""
        status = "" if call.emulated else " (not emulated offline: the bot got an error)"
        lines.append(f"Discord API: {call.method} {call.path}{status}" + (f"\n  {body}" if body else ""))
    if not exchange.answered:
        lines.append(
            'No answer: the bot did not respond, so Discord would show "The application did not respond".'
        )
    elif exchange.late:
        lines.append(
            f"Too slow: the first answer took {exchange.elapsed:.1f} s; Discord gives up after "
            f"{RESPONSE_DEADLINE:.0f} s (the command should defer first)."
        )
    return lines


def _message_lines(message: RecordedMessage, context: RenderContext, *, edited: bool) -> list[str]:
    if message.deleted:
        return [f"{message.label} (deleted)"]
    audience = "private: only you can see it" if is_private(message.body) else "public"
    if message.label.startswith("Message posted"):
        audience = ""
    details = ", ".join(part for part in ("edited" if edited else "", audience) if part)
    header = f"{message.label} ({details}):" if details else f"{message.label}:"
    if message.loading:
        return [header, "  Fandex is thinking…"]
    return [header, *(f"  {line}".rstrip() for line in render_message(message.body, context))]


async def ask(
    settings: Settings,
    clock: Clock,
    text: str,
    *,
    as_member: bool = False,
    focused: str | None = None,
    clicks: Sequence[str] = (),
) -> tuple[list[str], bool]:
    """Run one command (and clicks on its reply); return the terminal lines and whether the bot answered."""
    async with OfflineSession(settings, clock) as session:
        exchange = await session.command(text, as_member=as_member, focused=focused)
        lines = render_exchange(exchange, session.context())
        answered = exchange.answered and not exchange.late
        for label in clicks:
            if not answered:
                break
            try:
                exchange = await session.click(label, as_member=as_member)
            except UsageError as exc:
                exc.shown = lines
                raise
            lines += ["", f"» clicked {label!r}", *render_exchange(exchange, session.context())]
            answered = exchange.answered and not exchange.late
        return lines, answered


def offline_settings(settings: Settings, *, database: Path, dataset: Path | None) -> Settings:
    """The preview's settings: no token, no endpoints, its own database."""
    return replace(
        settings,
        token="",
        database_path=database,
        dataset_path=dataset or settings.dataset_path,
        api_base=None,
        gateway_url=None,
        dev_guild_id=None,
    )


def run_ask(
    settings: Settings,
    text: str,
    *,
    now: str | None = None,
    as_member: bool = False,
    focused: str | None = None,
    clicks: Sequence[str] = (),
) -> int:
    """`python -m bot ask`: print the answer; exit 0 when the bot answered, 1 when not, 2 on usage errors."""
    try:
        clock: Clock = FixedClock(parse_now(now)) if now else SystemClock()
        lines, answered = asyncio.run(
            ask(settings, clock, text, as_member=as_member, focused=focused, clicks=clicks)
        )
    except UsageError as exc:
        if exc.shown:
            print("\n".join(exc.shown))
        print(exc, file=sys.stderr)
        return 2
    except DatasetError as exc:
        print(f"INVALID {settings.dataset_path}:\n{exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0 if answered else 1
