"""`DiscordEmulator`: the loopback Discord a real discord.py client talks to (see the package docstring)."""

from __future__ import annotations

import asyncio
import copy
import mimetypes
import re
import secrets
import socket
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .gateway import Gateway, shard_of
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    BOT_DM_CONTEXT,
    BUTTON,
    CALLBACK_DEADLINE,
    EPHEMERAL,
    GUILD_CONTEXT,
    GUILD_INSTALL,
    LOADING,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    PRIVATE_CHANNEL_CONTEXT,
    SELECT_OPTION_TYPES,
    STRING_SELECT,
    USER_INSTALL,
    EmulatorUsageError,
    InteractionRecord,
    InteractionResult,
    InteractionTimeout,
    OptionBuilder,
    PostedMessage,
    find_component,
    modal_submission,
    normalize_components,
)
from .models import (
    ATTACH_FILES,
    DM,
    EMBED_LINKS,
    GROUP_DM,
    MANAGE_GUILD,
    MESSAGE_DEFAULT,
    PRIVATE_CHANNEL_PERMISSIONS,
    Channel,
    Guild,
    Member,
    PrivateChannel,
    Snowflakes,
    User,
    iso,
)
from .openapi import ValidationUnavailable, load_validator
from .polls import poll_response
from .ratelimits import RateLimiter, RateLimits, Refusal
from .records import UPLOADS, Fault, Hang, RecordedRequest, ValidationError
from .rest import build_app

if TYPE_CHECKING:
    from .schema import OpenApiValidator

DEFAULT_APPLICATION_ID = 1_187_654_321_098_765_432
NONCE_WINDOW = 120.0  # seconds Discord remembers an enforced nonce
CONTEXT_NAMES = {
    GUILD_CONTEXT: "servers",
    BOT_DM_CONTEXT: "the bot's DMs",
    PRIVATE_CHANNEL_CONTEXT: "private channels",
}


@dataclass(eq=False)
class StoredNonce:
    message: dict[str, Any]
    at: float


@dataclass(eq=False)
class _World:
    """Everything the REST side reads and writes, kept apart from the test-facing methods."""

    commands: dict[int | None, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    messages: dict[int, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    interactions: dict[str, InteractionRecord] = field(default_factory=dict)
    nonces: dict[tuple[int, str], StoredNonce] = field(default_factory=dict)


class DiscordEmulator:
    """The emulated Discord: world state, REST + gateway server, and the test-facing API."""

    def __init__(
        self,
        *,
        application_id: int = DEFAULT_APPLICATION_ID,
        bot_user_id: int | None = None,
        bot_name: str = "Fandex",
        heartbeat_interval_ms: int = 41_250,
        validate: bool = True,
        enforce_default_permissions: bool = False,
        clock: Callable[[], datetime] | None = None,
        rate_limits: RateLimits | None = None,
        shard_count: int = 1,
    ) -> None:
        # How many shards GET /gateway/bot tells the bot to run; a guild's events go to its shard's session.
        self.shard_count = shard_count
        # Discord's per-route and global rate limits, answered with 429s (discord_emulator.ratelimits);
        # None (the default): nothing is refused. Every 429 answered is in `rate_limited`.
        self.rate_limiter = RateLimiter(rate_limits) if rate_limits is not None else None
        self.rate_limited: list[Refusal] = []
        # What time it is in this Discord: snowflakes and message timestamps (default: the wall clock).
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.snowflake = Snowflakes(self.clock)
        self.application_id = application_id
        self.bot_user = User(id=bot_user_id or application_id, name=bot_name, bot=True)
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user}
        self.guilds: dict[int, Guild] = {}
        # Servers that never installed the app (no bot there): reached only by a user-installed command.
        self.foreign_guilds: dict[int, Guild] = {}
        self.private_channels: dict[int, PrivateChannel] = {}  # DMs and group DMs, made on first use
        # Every message the bot created, ephemeral ones included, oldest first (deleted ones stay, marked).
        self.bot_messages: list[PostedMessage] = []
        self.attachment_data: dict[str, bytes] = {}  # the bytes of each uploaded attachment, by its id
        self._posted: dict[int, PostedMessage] = {}
        self.callback_deadline = CALLBACK_DEADLINE  # seconds Discord waits for an interaction's first answer
        self.world = _World()
        self.scheduled_events: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.command_puts: Counter[int | None] = Counter()
        self.requests: list[RecordedRequest] = []
        self.validation_errors: list[ValidationError] = []
        self.response_errors: list[ValidationError] = []  # the emulator's own answers that break the spec
        self.unexpected_routes: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.hangs: list[Hang] = []
        self.hangs_released = asyncio.Event()  # set by release_hangs() and stop(): every held answer goes
        # Called with each new channel message once it is stored, before the bot gets the answer:
        # lets a test kill the bot between Discord posting and the bot hearing of it.
        self.on_message_stored: Callable[[dict[str, Any]], None] | None = None
        # Every request body (and the emulator's own answers) is checked against Discord's OpenAPI document
        # when it and jsonschema are available; otherwise `validation_skipped` says why nothing is checked.
        self.validator: OpenApiValidator | None = None
        self.validation_skipped: str | None = None if validate else "validation was turned off"
        if validate:
            try:
                self.validator = load_validator()
            except ValidationUnavailable as exc:
                self.validation_skipped = str(exc)
        # Discord's client hides a command from members lacking its default_member_permissions. Off by default
        # so tests can reach the bot's own server-side check (as a guild's permission override would allow).
        self.enforce_default_permissions = enforce_default_permissions
        self.gateway = Gateway(
            heartbeat_interval_ms=heartbeat_interval_ms,
            ready_payloads=self._ready_payloads,
            member_chunk=self._member_chunk,
        )
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._in_flight = 0  # REST requests being handled
        self._last_activity = 0.0  # loop time a REST request last started or finished

    # -- lifecycle -------------------------------------------------------------------------------------

    async def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self._runner = web.AppRunner(build_app(self), handle_signals=False, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        self.release_hangs()
        await self.gateway.shutdown()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def identify_payloads(self) -> list[dict[str, Any]]:
        return self.gateway.identify_payloads

    # -- world building --------------------------------------------------------------------------------

    def add_user(self, name: str, *, user_id: int | None = None, bot: bool = False) -> User:
        user = User(id=user_id or self.snowflake(), name=name, bot=bot, global_name=name)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        guild_id: int | None = None,
        name: str = "Heartstopper Fans",
        *,
        owner: User | None = None,
        general_channel_id: int | None = None,
        bot_role_id: int | None = None,
        installed: bool = True,
    ) -> Guild:
        """A guild with #general, @everyone, an owner and the bot; pass ids to keep them across runs.

        `installed=False`: a server that never installed the app. The bot is not there and hears nothing of
        it; only commands installed to users reach it (`authorizing_integration_owners` without "0")."""
        guild = Guild(
            id=guild_id or self.snowflake(),
            name=name,
            owner=owner or self.add_user(f"{name} owner"),
            bot_user=self.bot_user,
            snowflakes=self.snowflake,
            listener=self._guild_changed,
            bot_role_id=bot_role_id,
            general_channel_id=general_channel_id,
        )
        if not installed:
            del guild.members[self.bot_user.id], guild.roles[guild.bot_role.id]
            self.foreign_guilds[guild.id] = guild
            return guild
        self.guilds[guild.id] = guild
        self.dispatch("GUILD_CREATE", self._guild_create(guild))
        return guild

    def member(
        self,
        guild: Guild,
        user: User,
        *,
        manage_guild: bool = False,
        permissions: int | None = None,
        roles: list[int] | None = None,
    ) -> Member:
        """Make `user` a member of `guild` (idempotent) and set the permissions granted to them.

        For the bot user, `permissions` replaces its managed role's permissions (as a server admin would).
        `roles` (role ids) replaces the member's roles.
        """
        member = guild.members.get(user.id)
        if member is None:
            member = guild.members[user.id] = Member(user, guild.id)
            if guild.id in self.guilds:
                self.dispatch("GUILD_MEMBER_ADD", {"guild_id": str(guild.id), **member.payload()})
        granted = (permissions or 0) | (MANAGE_GUILD if manage_guild else 0)
        if user.id == self.bot_user.id and (permissions is not None or manage_guild):
            guild.bot_role.permissions = granted
            guild.update_role(guild.bot_role)
        elif permissions is not None or manage_guild:
            member.extra_permissions = granted
        if roles is not None and roles != member.roles:
            unknown = [r for r in roles if r not in guild.roles]
            if unknown:
                raise EmulatorUsageError(f"{guild.name} has no roles {unknown}")
            member.roles = list(roles)
            guild.update_member(member)
        return member

    def dm_channel(self, user: User) -> PrivateChannel:
        """The DM between `user` and the bot (context 1 interactions happen here)."""
        for channel in self.private_channels.values():
            if channel.type == DM and channel.recipients == [user]:
                return channel
        channel = PrivateChannel(id=self.snowflake(), type=DM, recipients=[user])
        self.private_channels[channel.id] = channel
        return channel

    def group_dm(self, user: User) -> PrivateChannel:
        """A group DM `user` has with a friend, without the bot (context 2: the app is user-installed)."""
        for channel in self.private_channels.values():
            if channel.type == GROUP_DM and channel.owner_id == user.id:
                return channel
        friend = self.add_user(f"{user.name}'s friend")
        channel = PrivateChannel(
            id=self.snowflake(), type=GROUP_DM, recipients=[user, friend], owner_id=user.id
        )
        self.private_channels[channel.id] = channel
        return channel

    def register_commands(
        self, commands: list[dict[str, Any]], scope: int | None = None
    ) -> list[dict[str, Any]]:
        """Store commands as Discord keeps what a bot synced earlier: for a bot that will not sync again
        (its stored hash of the command set is unchanged). Not counted in `command_puts`."""
        old = {(c["name"], c["type"]): c for c in self.world.commands.get(scope, [])}
        stored = [self.stored_command(b, scope, old.get((b["name"], b.get("type", 1)))) for b in commands]
        self.world.commands[scope] = stored
        return copy.deepcopy(stored)

    def stored_command(
        self, body: dict[str, Any], scope: int | None, existing: dict[str, Any] | None
    ) -> dict[str, Any]:
        """A command registration as Discord stores and returns it."""
        command = {
            "id": existing["id"] if existing else str(self.snowflake()),
            "application_id": str(self.application_id),
            "version": str(self.snowflake()),
            "type": body.get("type", 1),
            "name": body["name"],
            "name_localizations": body.get("name_localizations"),
            "description": body.get("description", ""),
            "description_localizations": body.get("description_localizations"),
            # discord.py sends an int; Discord answers with a string.
            "default_member_permissions": _optional_str(body.get("default_member_permissions")),
            "dm_permission": body.get("dm_permission", True),
            "contexts": body.get("contexts"),
            "integration_types": body.get("integration_types") or [GUILD_INSTALL],
            "nsfw": body.get("nsfw", False),
            "options": body.get("options") or [],
        }
        if scope is not None:
            command["guild_id"] = str(scope)
        return command

    def _guild_changed(self, guild: Guild, event: str, data: dict[str, Any]) -> None:
        if guild.id in self.guilds:
            self.dispatch(event, data)

    # -- gateway ---------------------------------------------------------------------------------------

    def dispatch(self, event: str, data: dict[str, Any]) -> int | None:
        """Send a dispatch to the bot (queued and replayed on RESUME if its socket is down)."""
        return self.gateway.dispatch(event, data)

    async def close_gateway(self, code: int = 4000) -> None:
        await self.gateway.close(code)

    async def drop_gateway(self) -> None:
        await self.gateway.drop()

    async def wait_for_bot(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        await asyncio.wait_for(self.gateway.session_ready.wait(), timeout)

    def _ready_payloads(self, session_id: str, shard: tuple[int, int]) -> list[tuple[str, dict[str, Any]]]:
        guilds = [g for g in self.guilds.values() if shard_of(g.id, shard[1]) == shard[0]]
        ready = {
            "v": 10,
            "user": {**self.bot_user.payload(), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "shard": list(shard),
            "session_id": session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["rotterdam", "london"],
            "user_settings": {},
            "_trace": ["emulator"],
        }
        return [("READY", ready)] + [("GUILD_CREATE", self._guild_create(g)) for g in guilds]

    def _guild_create(self, guild: Guild) -> dict[str, Any]:
        return {**guild.payload(), "guild_scheduled_events": copy.deepcopy(self.scheduled_events[guild.id])}

    def _member_chunk(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        guild_ids = request.get("guild_id")
        guild_ids = guild_ids if isinstance(guild_ids, list) else [guild_ids]
        return [
            {
                "guild_id": str(gid),
                "members": [m.payload() for m in self.guilds[int(gid)].members.values()],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
                "nonce": request.get("nonce"),
            }
            for gid in guild_ids
            if int(gid) in self.guilds
        ]

    # -- inspection ------------------------------------------------------------------------------------

    def messages_in(self, channel_id: int) -> list[dict[str, Any]]:
        """Visible messages the bot posted in a channel (channel messages and non-ephemeral replies)."""
        return copy.deepcopy(self.world.messages.get(channel_id, []))

    def dms_to(self, user: User) -> list[dict[str, Any]]:
        """What the bot posted in its DM with `user` by REST (not interaction replies there), oldest first."""
        channel = self.dm_channel(user)
        return [m for m in self.messages_in(channel.id) if "interaction_metadata" not in m]

    def registered_commands(self, scope: int | None = None) -> list[dict[str, Any]]:
        """Commands registered globally (`scope=None`) or for the guild id `scope`."""
        return copy.deepcopy(self.world.commands.get(scope, []))

    async def wait_idle(self, quiet: float = 0.05, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Return once no REST request is being handled and none has started for `quiet` seconds: the bot
        has gone quiet (it may still be computing or waiting on its database; this cannot see that)."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + timeout
        while True:
            now = loop.time()
            if self._in_flight == 0 and now - self._last_activity >= quiet:
                return
            if now >= give_up:
                raise TimeoutError(f"the bot kept making requests for {timeout} s")
            wait = quiet if self._in_flight else self._last_activity + quiet - now
            await asyncio.sleep(min(max(wait, 0.001), give_up - now))

    def request_started(self) -> None:
        self._in_flight += 1
        self._last_activity = asyncio.get_running_loop().time()

    def request_finished(self) -> None:
        self._in_flight -= 1
        self._last_activity = asyncio.get_running_loop().time()

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int,
        json_body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` matching requests with `status` instead of handling them.

        `method` is an HTTP method or "*"; `path_regex` is searched in the path relative to /api/v10.
        A 429 gets a `Via` header, `retry_after` 0.05 s and X-RateLimit headers unless given.
        """
        self.faults.append(
            Fault(
                method=method.upper(),
                pattern=re.compile(path_regex),
                status=status,
                json_body=json_body if json_body is not None else _default_error(status),
                headers=headers or {},
                times=times,
            )
        )

    def hang_next(self, method: str, path_regex: str, *, seconds: float = 60.0, times: int = 1) -> None:
        """Handle the next `times` matching requests at once but hold their answers for `seconds`.

        Discord did the work (a message is stored) and its answer is late: the case in which a client
        that gives up must not do the work twice. `release_hangs()` and `stop()` let every held answer go.
        """
        self.hangs.append(Hang(method.upper(), re.compile(path_regex), seconds, times))

    def release_hangs(self) -> None:
        self.hangs_released.set()

    # -- interactions (test-facing) --------------------------------------------------------------------

    async def slash(
        self,
        guild: Guild,
        user: User,
        command: str,
        *,
        _member_permissions: int | None = None,
        _channel: Channel | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 (part of the test-facing contract)
        **options: Any,
    ) -> InteractionResult:
        """Run a registered slash command as `user` in `_channel` (default #general); await the answer."""
        channel = _channel or guild.general
        return await self._command(
            guild, user, channel, command, options, None, _member_permissions, timeout=timeout
        )

    async def slash_dm(
        self,
        user: User,
        command: str,
        *,
        private_channel: bool = False,
        timeout: float = 5.0,  # noqa: ASYNC109
        **options: Any,
    ) -> InteractionResult:
        """Run a global command in the user's DM with the bot (context 1) or, with `private_channel`, in a
        group DM without the bot (context 2, for commands installed to users). The payload carries `user`,
        not `member`, and no guild fields."""
        channel = self.group_dm(user) if private_channel else self.dm_channel(user)
        return await self._command(None, user, channel, command, options, None, None, timeout=timeout)

    async def autocomplete(
        self,
        guild: Guild,
        user: User,
        command: str,
        option: str,
        value: str | float | None,
        *,
        _member_permissions: int | None = None,
        _channel: Channel | None = None,
        timeout: float = CALLBACK_DEADLINE,  # noqa: ASYNC109
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Type `value` into `option` and return the choices the bot suggests.

        `value` goes out as given: a string as typed, a number (as the client sends for some numeric
        options), or None for a focused option without `value` (nothing typed yet).
        """
        channel = _channel or guild.general
        result = await self._command(
            guild, user, channel, command, options, (option, value), _member_permissions, timeout=timeout
        )
        return _choices(result)

    async def autocomplete_dm(
        self,
        user: User,
        command: str,
        option: str,
        value: str | float | None,
        *,
        private_channel: bool = False,
        timeout: float = CALLBACK_DEADLINE,  # noqa: ASYNC109
        **options: Any,
    ) -> list[dict[str, Any]]:
        """`autocomplete` in the user's DM with the bot, or in a group DM (see `slash_dm`)."""
        channel = self.group_dm(user) if private_channel else self.dm_channel(user)
        result = await self._command(
            None, user, channel, command, options, (option, value), None, timeout=timeout
        )
        return _choices(result)

    async def click(
        self,
        target: InteractionResult | dict[str, Any],
        custom_id: str,
        *,
        user: User,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> InteractionResult:
        """Press the button `custom_id` on the message `target` shows (or on the message dict `target`)."""
        message, guild, channel = self._component_target(target)
        component = find_component(message, custom_id)
        if component.get("type") != BUTTON or component.get("disabled"):
            raise EmulatorUsageError(f"{custom_id!r} is not an enabled button: {component}")
        data = {"custom_id": custom_id, "component_type": BUTTON}
        return await self._interact(
            guild,
            user,
            channel,
            MESSAGE_COMPONENT,
            data,
            None,
            self._component_owners(message, guild, user),
            message,
            timeout=timeout,
        )

    async def select(
        self,
        target: InteractionResult | dict[str, Any],
        custom_id: str,
        values: list[Any],
        *,
        user: User,
        timeout: float = 5.0,  # noqa: ASYNC109 (part of the test-facing contract)
    ) -> InteractionResult:
        """Choose `values` (strings, or emulator objects for user/role/channel selects) in a select menu."""
        message, guild, channel = self._component_target(target)
        component = find_component(message, custom_id)
        kind = component.get("type")
        if kind == STRING_SELECT:
            allowed = [o["value"] for o in component.get("options", [])]
            if not set(values) <= set(allowed):
                raise EmulatorUsageError(f"{custom_id!r}: {values} not among {allowed}")
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high or component.get("disabled"):
            raise EmulatorUsageError(
                f"{custom_id!r}: choose {low}..{high} values (disabled={component.get('disabled')})"
            )
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": kind, "values": values}
        if kind != STRING_SELECT:
            builder = OptionBuilder(guild, user, channel)
            option = {"type": SELECT_OPTION_TYPES[kind], "name": custom_id}
            data["values"] = [builder.resolve(custom_id, option, v) for v in values]
            data["resolved"] = builder.resolved
        return await self._interact(
            guild,
            user,
            channel,
            MESSAGE_COMPONENT,
            data,
            None,
            self._component_owners(message, guild, user),
            message,
            timeout=timeout,
        )

    async def submit_modal(
        self,
        shown: InteractionResult,
        values: dict[str, str] | None = None,
        *,
        _unchecked: bool = False,
        timeout: float = 5.0,  # noqa: ASYNC109 (part of the test-facing contract)
    ) -> InteractionResult:
        """Fill in and submit the form the bot answered `shown` with (callback type 9), as the user it was
        shown to, in the same place. `values` go by text input custom_id; inputs left out are sent empty.

        The data is what Discord sends (`modal_submission`); a form opened from a component carries that
        component's message. Checked as Discord's client would (required inputs filled, lengths within
        min/max_length) unless `_unchecked`, which sends the values as given, as a hostile client could.
        """
        if shown.type != 9:
            raise EmulatorUsageError(f"that interaction was answered with type {shown.type}, not a form (9)")
        trigger = shown.interaction
        data = modal_submission(shown.data, values or {}, checked=not _unchecked)
        sender = trigger["member"]["user"] if "member" in trigger else trigger["user"]
        user = self.users[int(sender["id"])]
        channel_id = int(trigger["channel_id"])
        if (found := self.channel(channel_id)) is not None:
            guild, channel = found
        elif channel_id in self.private_channels:
            guild, channel = None, self.private_channels[channel_id]
        else:
            raise EmulatorUsageError(f"the form was shown in channel {channel_id}, which no longer exists")
        message = trigger.get("message")
        if message is not None:
            message = self.find_message(int(message["id"])) or message
        owners = dict(trigger["authorizing_integration_owners"])
        return await self._interact(
            guild, user, channel, MODAL_SUBMIT, data, None, owners, message, trigger=trigger, timeout=timeout
        )

    async def dispatch_interaction(
        self,
        guild: Guild | None,
        user: User,
        kind: int,
        data: dict[str, Any],
        *,
        message: dict[str, Any] | None = None,
        _channel: Channel | PrivateChannel | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 (part of the test-facing contract)
    ) -> InteractionResult:
        """Low level: dispatch an INTERACTION_CREATE of type `kind` (2 command, 3 component, 4 autocomplete,
        5 modal submit) whose `data` goes out exactly as given, and await the answer like `slash()`.

        Nothing is checked against the registered commands or a message's components, so a test can send
        what a stale or hostile client would (an unknown command, no focused option, a number where text
        belongs, an unknown custom_id, a server command in a DM). `message` is the message a component sits
        on (`result.message`). `guild=None` sends it in the user's DM with the bot, or in `_channel` (a
        group DM); in a guild that did not install the app it is authorised by the user's install only.
        Discord's rules for the answer still apply: the callback types it accepts for `kind`, and 3 s.
        """
        if guild is None:
            channel: Channel | PrivateChannel = _channel or self.dm_channel(user)
            in_dm = isinstance(channel, PrivateChannel) and channel.type == DM
            owners = {str(GUILD_INSTALL): "0"} if in_dm else {str(USER_INSTALL): str(user.id)}
        else:
            channel = _channel or guild.general
            if guild.id in self.guilds:
                owners = {str(GUILD_INSTALL): str(guild.id)}
            else:
                owners = {str(USER_INSTALL): str(user.id)}
        if message is not None:
            message = self.find_message(int(message["id"])) or message
        return await self._interact(guild, user, channel, kind, data, None, owners, message, timeout=timeout)

    async def _command(
        self,
        guild: Guild | None,
        user: User,
        channel: Channel | PrivateChannel,
        command: str,
        options: dict[str, Any],
        focused: tuple[str, Any] | None,
        member_permissions: int | None,
        *,
        timeout: float,  # noqa: ASYNC109
    ) -> InteractionResult:
        """A slash command (or, with `focused`, its autocomplete) checked as Discord's client would."""
        if guild is not None:
            self.member(guild, user)
        context = _context_of(channel)
        name, *path = command.split()
        registered = self._find_command(guild, name)
        self._check_context(registered, context, installed=guild is None or guild.id in self.guilds)
        if guild is not None and isinstance(channel, Channel):
            self._check_default_permissions(registered, guild, user, channel, member_permissions)
        builder = OptionBuilder(guild, user, channel)
        if focused is None:
            data = builder.command_data(registered, path, options)
        else:
            data = builder.command_data(registered, path, {**options, focused[0]: focused[1]}, focused[0])
        kind = APPLICATION_COMMAND if focused is None else AUTOCOMPLETE
        owners = _command_owners(registered, guild, user, context)
        if guild is not None and guild.id not in self.guilds:
            owners.pop(str(GUILD_INSTALL), None)  # never installed there: the user's install only
        return await self._interact(
            guild, user, channel, kind, data, member_permissions, owners, timeout=timeout
        )

    def _find_command(self, guild: Guild | None, name: str) -> dict[str, Any]:
        scopes = (guild.id, None) if guild is not None else (None,)  # guild commands never reach DMs
        for scope in scopes:
            for command in self.world.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == 1:
                    return command
        known = [c["name"] for scope in scopes for c in self.world.commands.get(scope, [])]
        where = "this guild" if guild is not None else "DMs (global commands only)"
        raise EmulatorUsageError(f"no slash command /{name} is registered for {where}; registered: {known}")

    @staticmethod
    def _check_context(command: dict[str, Any], context: int, *, installed: bool = True) -> None:
        """Discord's client offers a command only where its `contexts` (or the defaults) allow it, and in a
        server that never installed the app only if the command is installed to users."""
        types = command.get("integration_types") or [GUILD_INSTALL]
        allowed = command.get("contexts")
        if command.get("guild_id"):
            allowed = [GUILD_CONTEXT]
        elif allowed is None:  # Discord's defaults: servers, the bot's DMs unless dm_permission is false
            allowed = [GUILD_CONTEXT] + ([BOT_DM_CONTEXT] if command.get("dm_permission", True) else [])
            allowed += [PRIVATE_CHANNEL_CONTEXT] if USER_INSTALL in types else []
        if context not in allowed or (context == PRIVATE_CHANNEL_CONTEXT and USER_INSTALL not in types):
            raise EmulatorUsageError(
                f"/{command['name']} is not offered in {CONTEXT_NAMES[context]} "
                f"(contexts {allowed}, integration types {types})"
            )
        if not installed and USER_INSTALL not in types:
            raise EmulatorUsageError(
                f"/{command['name']} is not offered in a server that did not install the app "
                f"(integration types {types})"
            )

    def _check_default_permissions(
        self, command: dict[str, Any], guild: Guild, user: User, channel: Channel, override: int | None
    ) -> None:
        required = command.get("default_member_permissions")
        if not self.enforce_default_permissions or required is None:
            return
        have = override if override is not None else guild.permissions_in(channel, user.id)
        if int(required) & ~have:
            raise EmulatorUsageError(
                f"/{command['name']} is hidden from {user} (needs permissions {required})"
            )

    def _component_target(
        self, target: InteractionResult | dict[str, Any]
    ) -> tuple[dict[str, Any], Guild | None, Channel | PrivateChannel]:
        shown = target.message if isinstance(target, InteractionResult) else target
        if shown is None:
            raise EmulatorUsageError("that interaction produced no message to interact with")
        message = self.find_message(int(shown["id"])) or shown
        channel_id = int(message["channel_id"])
        if (found := self.channel(channel_id)) is not None:
            return message, *found
        if (foreign := self.foreign_guild_of(channel_id)) is not None:
            return message, foreign, foreign.channels[channel_id]
        if channel_id in self.private_channels:
            return message, None, self.private_channels[channel_id]
        raise EmulatorUsageError(f"the message is in channel {channel_id}, which no longer exists")

    def _component_owners(self, message: dict[str, Any], guild: Guild | None, user: User) -> dict[str, str]:
        """A component inherits the installation that authorised the interaction which sent its message."""
        metadata = message.get("interaction_metadata") or {}
        if "authorizing_integration_owners" in metadata:
            return dict(metadata["authorizing_integration_owners"])
        return {str(GUILD_INSTALL): str(guild.id) if guild is not None else "0"}

    async def _interact(
        self,
        guild: Guild | None,
        user: User,
        channel: Channel | PrivateChannel,
        kind: int,
        data: dict[str, Any],
        member_permissions: int | None,
        owners: dict[str, str],
        message: dict[str, Any] | None = None,
        *,
        trigger: dict[str, Any] | None = None,
        timeout: float,  # noqa: ASYNC109
    ) -> InteractionResult:
        """Dispatch an INTERACTION_CREATE, then await the callback (3 s) and the visible message.

        `trigger`: for a modal submit, the interaction the modal was shown in answer to.
        """
        if guild is not None:
            self.member(guild, user)
        await self.wait_for_bot(timeout)
        loop = asyncio.get_running_loop()
        interaction_id, token = self.snowflake(), "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(96)
        payload = self._interaction_payload(interaction_id, token, guild, user, channel, kind, data, owners)
        if member_permissions is not None and "member" in payload:
            payload["member"]["permissions"] = str(member_permissions)
        if message is not None:
            payload["message"] = copy.deepcopy(message)
        record = InteractionRecord(
            id=interaction_id,
            token=token,
            payload=payload,
            dispatched_at=loop.time(),
            channel_id=channel.id,
            callback=loop.create_future(),
            visible=loop.create_future(),
            original=message,  # for a component, @original is the message the component is on
            trigger=trigger,
        )
        self.world.interactions[token] = record
        self.dispatch("INTERACTION_CREATE", payload)

        deadline = min(timeout, self.callback_deadline)
        try:
            callback = await asyncio.wait_for(asyncio.shield(record.callback), deadline)
        except TimeoutError:
            raise InteractionTimeout(
                f"the bot did not answer interaction {data} within {deadline:.1f} s", record
            ) from None
        assert record.callback_at is not None
        visible = None
        if callback["type"] not in (8, 9):  # autocomplete results and modals show no message
            remaining = max(0.05, timeout - (loop.time() - record.dispatched_at))
            try:
                visible = await asyncio.wait_for(asyncio.shield(record.visible), remaining)
            except TimeoutError:
                raise InteractionTimeout(
                    f"the bot acknowledged with type {callback['type']} but showed no message in {timeout} s",
                    record,
                ) from None
        elapsed = record.callback_at - record.dispatched_at
        return InteractionResult(payload, callback, visible, elapsed, record.followups)

    def _interaction_payload(
        self,
        interaction_id: int,
        token: str,
        guild: Guild | None,
        user: User,
        channel: Channel | PrivateChannel,
        kind: int,
        data: dict[str, Any],
        owners: dict[str, str],
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "channel_id": str(channel.id),
            "channel": OptionBuilder(guild, user, channel).resolved_channel(channel),
            "token": token,
            "version": 1,
            "locale": user.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": owners,
            "context": _context_of(channel),
            "attachment_size_limit": 10_485_760,
        }
        if guild is None:  # a DM or group DM: the user as such, and nothing about a server
            payload["user"] = user.payload()
            payload["app_permissions"] = str(PRIVATE_CHANNEL_PERMISSIONS)
            return payload
        assert isinstance(channel, Channel)
        member = guild.members[user.id].payload()
        member["permissions"] = str(guild.permissions_in(channel, user.id))
        if guild.id in self.guilds:
            app_permissions = guild.permissions_in(channel, self.bot_user.id)
        else:  # no bot there: what @everyone may do in the channel, and replies may always embed and attach
            app_permissions = guild.everyone_permissions_in(channel) | EMBED_LINKS | ATTACH_FILES
        return payload | {
            "guild_id": str(guild.id),
            "guild": guild.partial_payload(),
            "member": member,
            "app_permissions": str(app_permissions),
            "guild_locale": guild.locale,
        }

    # -- server-side operations used by the REST handlers -----------------------------------------------

    def find_message(self, message_id: int) -> dict[str, Any] | None:
        for messages in self.world.messages.values():
            for message in messages:
                if int(message["id"]) == message_id:
                    return message
        for record in self.world.interactions.values():
            for message in (record.original, *record.followups):
                if message is not None and int(message["id"]) == message_id:
                    return message
        return None

    def new_message(
        self,
        channel_id: int,
        body: dict[str, Any],
        *,
        record: InteractionRecord | None = None,
        message_type: int = MESSAGE_DEFAULT,
        followup: bool = False,
    ) -> dict[str, Any]:
        """A message as Discord returns it, stored in the channel unless it is ephemeral.

        With `record` it answers that interaction: its response, or with `followup` a follow-up message.
        """
        flags = int(body.get("flags") or 0)
        message: dict[str, Any] = {
            "id": str(self.snowflake()),
            "type": message_type,
            "channel_id": str(channel_id),
            "author": self.bot_user.payload(),
            "content": "",
            "timestamp": iso(self.clock()),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "flags": flags,
        }
        guild = self.guild_of(channel_id) or self.foreign_guild_of(channel_id)
        if guild is not None:
            message["guild_id"] = str(guild.id)
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
        if isinstance(body.get("poll"), dict):  # a poll is set when the message is created, never edited
            message["poll"] = poll_response(body["poll"], self.clock())
        if record is not None:
            message["webhook_id"] = str(self.application_id)
            message["application_id"] = str(self.application_id)
            user = record.payload["member"]["user"] if "member" in record.payload else record.payload["user"]
            message["interaction_metadata"] = {
                "id": str(record.id),
                "type": record.payload["type"],
                "user": user,
                "authorizing_integration_owners": record.payload["authorizing_integration_owners"],
            }
            if "message" in record.payload and record.payload["type"] == MESSAGE_COMPONENT:
                message["interaction_metadata"]["interacted_message_id"] = record.payload["message"]["id"]
            if record.payload["type"] == MODAL_SUBMIT:
                message["interaction_metadata"]["triggering_interaction_metadata"] = _triggering_metadata(
                    record, user, self.snowflake
                )
        self.apply_edit(message, body, edited=False)
        message["flags"] = flags  # keeps LOADING on a deferral's placeholder
        kind = "channel" if record is None else "followup" if followup else "reply"
        posted = PostedMessage(message, kind, None if record is None else record.id)
        self.bot_messages.append(posted)
        self._posted[posted.id] = posted
        if not flags & EPHEMERAL:
            self.world.messages[channel_id].append(message)
            self.dispatch("MESSAGE_CREATE", message)
        return message

    def apply_edit(self, message: dict[str, Any], body: dict[str, Any], *, edited: bool = True) -> None:
        """Change a message as an edit does (`edited=False`: a deferral's placeholder being filled in)."""
        if (posted := self._posted.get(int(message["id"]))) is not None:
            posted.edits += 1
        if "content" in body:
            message["content"] = body["content"] or ""
        if "components" in body:
            message["components"] = normalize_components(body["components"] or [])
        if "embeds" in body:
            message["embeds"] = [{"type": "rich", **e} for e in body["embeds"] or []]
        if "attachments" in body or "files" in body:
            kept = {a["id"]: a for a in message["attachments"]}
            message["attachments"] = [
                kept.get(str(a.get("id"))) or self._new_attachment(a)
                for a in body.get("attachments") or []
                if isinstance(a, dict)
            ]
        message["flags"] = int(message.get("flags") or 0) & ~LOADING
        if edited:
            message["edited_timestamp"] = iso(self.clock())

    def _new_attachment(self, described: dict[str, Any]) -> dict[str, Any]:
        """An attachment as Discord stores it, from its `attachments[]` entry and the request's file part
        (its bytes kept in `attachment_data` by attachment id)."""
        upload = (
            (UPLOADS.get() or {}).get(int(described["id"])) if str(described.get("id")).isdigit() else None
        )
        filename = described.get("filename") or (upload.filename if upload else "file")
        attachment: dict[str, Any] = {
            "id": str(self.snowflake()),
            "filename": filename,
            "size": len(upload.data) if upload else 0,
            "url": f"https://cdn.discordapp.com/attachments/0/0/{filename}",
            "proxy_url": f"https://media.discordapp.net/attachments/0/0/{filename}",
        }
        if described.get("description"):
            attachment["description"] = described["description"]
        if content_type := mimetypes.guess_type(filename)[0]:
            attachment["content_type"] = content_type
        if upload is not None:
            self.attachment_data[attachment["id"]] = upload.data
        return attachment

    def delete_message(self, message: dict[str, Any]) -> None:
        messages = self.world.messages.get(int(message["channel_id"]), [])
        if message in messages:
            messages.remove(message)
        if (posted := self._posted.get(int(message["id"]))) is not None:
            posted.deleted = True

    def guild_of(self, channel_id: int) -> Guild | None:
        """The installed guild a channel is in (what the bot's REST calls can reach)."""
        return next(
            (g for g in self.guilds.values() if channel_id in g.channels or channel_id in g.threads), None
        )

    def foreign_guild_of(self, channel_id: int) -> Guild | None:
        return next((g for g in self.foreign_guilds.values() if channel_id in g.channels), None)

    def channel(self, channel_id: int) -> tuple[Guild, Channel] | None:
        guild = self.guild_of(channel_id)
        return (guild, guild.channels.get(channel_id) or guild.threads[channel_id]) if guild else None

    def remembered_nonce(self, channel_id: int, nonce: str) -> dict[str, Any] | None:
        stored = self.world.nonces.get((channel_id, nonce))
        now = asyncio.get_running_loop().time()
        return stored.message if stored and now - stored.at < NONCE_WINDOW else None

    def remember_nonce(self, channel_id: int, nonce: str, message: dict[str, Any]) -> None:
        self.world.nonces[(channel_id, nonce)] = StoredNonce(message, asyncio.get_running_loop().time())

    def forget_nonces(self) -> None:
        """Expire every remembered nonce at once, as NONCE_WINDOW seconds later would."""
        self.world.nonces.clear()


def _context_of(channel: Channel | PrivateChannel) -> int:
    if isinstance(channel, Channel):
        return GUILD_CONTEXT
    return BOT_DM_CONTEXT if channel.type == DM else PRIVATE_CHANNEL_CONTEXT


def _command_owners(command: dict[str, Any], guild: Guild | None, user: User, context: int) -> dict[str, str]:
    """`authorizing_integration_owners`: the server that installed the app ("0" in the bot's DMs) and/or
    the user who did, by the command's integration types. Always present, as in Discord's payloads."""
    types = command.get("integration_types") or [GUILD_INSTALL]
    owners: dict[str, str] = {}
    if GUILD_INSTALL in types and context != PRIVATE_CHANNEL_CONTEXT:
        owners[str(GUILD_INSTALL)] = str(guild.id) if guild is not None else "0"
    if USER_INSTALL in types:
        owners[str(USER_INSTALL)] = str(user.id)
    return owners


def _triggering_metadata(
    record: InteractionRecord, user: dict[str, Any], snowflake: Callable[[], int]
) -> dict[str, Any]:
    """What a modal submit's message says about the interaction the modal was shown for: the command or
    the component (with the message it is on) from `record.trigger`; a modal submit dispatched without
    one is taken to answer a slash command."""
    trigger = record.trigger or {}
    metadata: dict[str, Any] = {
        "id": str(trigger.get("id") or snowflake()),
        "type": trigger.get("type", APPLICATION_COMMAND),
        "user": user,
        "authorizing_integration_owners": record.payload["authorizing_integration_owners"],
    }
    if "message" in trigger:
        metadata["interacted_message_id"] = trigger["message"]["id"]
    return metadata


def _choices(result: InteractionResult) -> list[dict[str, Any]]:
    if result.type != 8:
        raise AssertionError(f"autocomplete answered with callback type {result.type}, expected 8")
    return result.choices


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _default_error(status: int) -> dict[str, Any]:
    if status == 429:
        return {"message": "You are being rate limited.", "retry_after": 0.05, "global": False}
    if status == 403:
        return {"message": "Missing Permissions", "code": 50013}
    if status == 404:
        return {"message": "Unknown Message", "code": 10008}
    return {"message": f"{status}: emulated failure", "code": 0}
