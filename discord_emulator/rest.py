"""REST routes under /api/v10, with recording, fault injection and OpenAPI validation in one middleware.

discord.py decodes a body as JSON only when Content-Type is exactly `application/json` (no charset), and
treats a 429 without a `Via` header as a Cloudflare ban; `reply()` and the fault path take care of both.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import hashlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    EPHEMERAL,
    LOADING,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
)
from .models import (
    CREATE_EVENTS,
    CREATE_PUBLIC_THREADS,
    DM,
    MANAGE_EVENTS,
    MESSAGE_CHAT_INPUT,
    MESSAGE_REPLY,
    PUBLIC_THREAD,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
    Channel,
    PrivateChannel,
    User,
)
from .polls import poll_in, poll_problems
from .ratelimits import Refusal
from .records import UPLOADS, Hang, RecordedRequest, Upload, ValidationError

if TYPE_CHECKING:
    from .interactions import InteractionRecord
    from .server import DiscordEmulator

API = "/api/v10"
BODY = web.RequestKey("body", object)  # the decoded JSON body, or a multipart request's payload_json
RECORD = web.RequestKey("record", RecordedRequest)
# When the whole request had arrived, before the emulator parsed it: the time an interaction's answer counts
# from, so the emulator's own (slow, pure-Python) multipart parsing is not charged to the bot.
RECEIVED = web.RequestKey("received", float)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    if status == 204:
        return web.Response(status=204, headers=headers)
    body = json.dumps(data).encode()
    return web.Response(body=body, status=status, content_type="application/json", headers=headers)


def error(status: int, message: str, code: int = 0) -> web.Response:
    return reply({"message": message, "code": code}, status)


def ratelimit_headers(path: str) -> dict[str, str]:
    bucket = hashlib.sha1(path.encode()).hexdigest()[:16]
    return {
        "X-RateLimit-Limit": "50",
        "X-RateLimit-Remaining": "49",
        "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
        "X-RateLimit-Reset-After": "1.000",
        "X-RateLimit-Bucket": bucket,
    }


# Callback types Discord accepts per interaction type (command, component, autocomplete, modal submit).
ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {4, 5, 9},
    MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
    AUTOCOMPLETE: {8},
    MODAL_SUBMIT: {4, 5, 6, 7},
}


def build_app(emu: DiscordEmulator) -> web.Application:
    app = web.Application(middlewares=[_middleware(emu)], client_max_size=32 * 1024 * 1024)
    routes = Routes(emu)
    app.router.add_get("/gateway", emu.gateway.handle)
    for method, path, handler in routes.table():
        app.router.add_route(method, API + path, handler)
    app.router.add_route("*", "/{tail:.*}", routes.unknown)
    return app


def _middleware(emu: DiscordEmulator) -> Any:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API + "/"):
            return await handler(request)  # the gateway websocket
        emu.request_started()  # for `wait_idle`
        try:
            return await _handle(emu, request, handler)
        finally:
            emu.request_finished()

    return middleware


async def _handle(emu: DiscordEmulator, request: web.Request, handler: Handler) -> web.StreamResponse:
    path = request.path[len(API) :]
    body, files = await _decode_body(request)
    request[BODY] = body
    recorded = RecordedRequest(request.method, path, dict(request.query), body, dict(request.headers))
    recorded.files = files
    request[RECORD] = recorded
    emu.requests.append(recorded)
    UPLOADS.set(files)  # this request's task only: the message it makes takes its attachments from them
    if request.content_type == "multipart/form-data":
        for problem in _upload_problems(body, files):
            emu.validation_errors.append(ValidationError(request.method, path, problem, body))
    response = await _answer(emu, request, handler, path, body)
    recorded.status = response.status
    return response


async def _answer(
    emu: DiscordEmulator, request: web.Request, handler: Handler, path: str, body: Any
) -> web.StreamResponse:
    if body is not None and emu.validator is not None:
        for problem in emu.validator.request_errors(request.method, path, body):
            emu.validation_errors.append(ValidationError(request.method, path, problem, body))
    if (poll := poll_in(body)) is not None:  # Discord's poll rules beyond the document, checked always
        for problem in poll_problems(poll):
            emu.validation_errors.append(ValidationError(request.method, path, problem, body))
    # Webhook and interaction-callback routes authenticate by their token; the rest need the bot's.
    authorization = request.headers.get("Authorization", "")
    if not path.startswith(("/webhooks/", "/interactions/")) and not authorization.startswith("Bot "):
        return error(401, "401: Unauthorized")
    if (fault := _take_fault(emu, request.method, path)) is not None:
        return fault
    verdict = None
    if emu.rate_limiter is not None:
        route = request.match_info.route.resource
        template = route.canonical[len(API) :] if route is not None else path
        verdict = emu.rate_limiter.admit(request.method, template, path, request.match_info)
        if verdict is not None and verdict.refused is not None:
            assert verdict.scope is not None
            retry_after = float(str(verdict.refused["retry_after"]))
            emu.rate_limited.append(Refusal(request.method, path, verdict.scope, retry_after))
            return reply(verdict.refused, 429, verdict.headers)
    response = await handler(request)
    if (hang := _take_hang(emu, request.method, path)) is not None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(emu.hangs_released.wait(), hang.seconds)
    _check_response(emu, request.method, path, response)
    response.headers.update(verdict.headers if verdict is not None else ratelimit_headers(path))
    return response


def _check_response(emu: DiscordEmulator, method: str, path: str, response: web.StreamResponse) -> None:
    """Hold the emulator to the same document: a successful JSON answer must match its response schema."""
    if emu.validator is None or not isinstance(response, web.Response) or response.status >= 300:
        return
    if response.content_type == "application/json" and isinstance(response.body, bytes):
        decoded = json.loads(response.body)
        for problem in emu.validator.response_errors(method, path, response.status, decoded):
            emu.response_errors.append(ValidationError(method, path, problem, decoded))


def _take_hang(emu: DiscordEmulator, method: str, path: str) -> Hang | None:
    for hang in emu.hangs:
        if hang.times > 0 and hang.method in ("*", method) and hang.pattern.search(path):
            hang.times -= 1
            return hang
    return None


def _take_fault(emu: DiscordEmulator, method: str, path: str) -> web.Response | None:
    for fault in emu.faults:
        if fault.times > 0 and fault.method in ("*", method) and fault.pattern.search(path):
            fault.times -= 1
            headers = ratelimit_headers(path)
            if fault.status == 429:
                retry_after = str(fault.json_body.get("retry_after", 1))
                headers |= {
                    "Via": "1.1 google",  # without it discord.py assumes a Cloudflare ban and gives up
                    "Retry-After": retry_after,
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset-After": retry_after,
                    "X-RateLimit-Scope": "user",
                }
            return reply(fault.json_body, fault.status, headers | fault.headers)
    return None


_FILE_PART = re.compile(r"files\[([0-9]+)\]")


async def _decode_body(request: web.Request) -> tuple[Any, dict[int, Upload]]:
    """The JSON body (a multipart request's `payload_json`), and a multipart request's `files[n]` parts."""
    request[RECEIVED] = asyncio.get_running_loop().time()
    if not request.can_read_body:
        return None, {}
    raw = await request.read()
    request[RECEIVED] = asyncio.get_running_loop().time()
    if request.content_type == "multipart/form-data":
        return _decode_multipart(request.headers.get("Content-Type", ""), raw)
    if not raw:
        return None, {}
    return json.loads(raw), {}


def _decode_multipart(content_type: str, raw: bytes) -> tuple[Any, dict[int, Upload]]:
    """`payload_json` and the `files[n]` parts of a multipart/form-data body (the standard library's MIME
    parser; a part without a filename is not a file)."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    payload: str | None = None
    files: dict[int, Upload] = {}
    for part in message.iter_parts() if hasattr(message, "iter_parts") else ():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(data, bytes):
            continue
        filename = part.get_filename()
        if name == "payload_json" and filename is None:
            payload = data.decode("utf-8")
        elif (match := _FILE_PART.fullmatch(name)) and filename is not None:
            content = part.get("Content-Type")
            files[int(match[1])] = Upload(
                filename, part.get_content_type() if content else "application/octet-stream", data
            )
    return (json.loads(payload) if payload is not None else None), files


def _upload_problems(body: Any, files: dict[int, Upload]) -> list[str]:
    """Discord's pairing of file parts and `attachments`: each new attachment's id is the index of a
    `files[n]` part, and each part is described by one."""
    if not isinstance(body, dict):
        return ["multipart/form-data without a JSON payload_json"]
    message = body.get("data") if isinstance(body.get("data"), dict) else body  # an interaction callback's
    described = {
        int(a["id"])
        for a in message.get("attachments") or []
        if isinstance(a, dict) and str(a.get("id", "")).isdigit() and int(a["id"]) < 10
    }
    problems = [f"attachments[].id {n} has no files[{n}] part" for n in sorted(described - set(files))]
    problems += [f"files[{n}] is not in attachments" for n in sorted(set(files) - described)]
    return problems


class Routes:
    def __init__(self, emu: DiscordEmulator) -> None:
        self.emu = emu

    def table(self) -> list[tuple[str, str, Handler]]:
        app_cmds = "/applications/{app_id}/commands"
        guild_cmds = "/applications/{app_id}/guilds/{guild_id}/commands"
        webhook = "/webhooks/{app_id}/{token}"
        events = "/guilds/{guild_id}/scheduled-events"
        return [
            ("GET", "/users/@me", self.me),
            ("POST", "/users/@me/channels", self.create_dm),
            ("GET", "/gateway", self.gateway),
            ("GET", "/gateway/bot", self.gateway_bot),
            ("GET", "/oauth2/applications/@me", self.application),
            ("GET", "/applications/@me", self.application),
            ("GET", app_cmds, self.list_commands),
            ("PUT", app_cmds, self.put_commands),
            ("POST", app_cmds, self.post_command),
            ("GET", app_cmds + "/{command_id}", self.get_command),
            ("PATCH", app_cmds + "/{command_id}", self.patch_command),
            ("DELETE", app_cmds + "/{command_id}", self.delete_command),
            ("GET", guild_cmds, self.list_commands),
            ("PUT", guild_cmds, self.put_commands),
            ("POST", guild_cmds, self.post_command),
            ("GET", guild_cmds + "/{command_id}", self.get_command),
            ("PATCH", guild_cmds + "/{command_id}", self.patch_command),
            ("DELETE", guild_cmds + "/{command_id}", self.delete_command),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self.callback),
            ("POST", webhook, self.followup),
            ("GET", webhook + "/messages/{message_id}", self.get_webhook_message),
            ("PATCH", webhook + "/messages/{message_id}", self.edit_webhook_message),
            ("DELETE", webhook + "/messages/{message_id}", self.delete_webhook_message),
            ("GET", "/channels/{channel_id}", self.get_channel),
            ("GET", "/channels/{channel_id}/messages", self.list_messages),
            ("POST", "/channels/{channel_id}/messages", self.create_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message),
            ("POST", "/channels/{channel_id}/messages/{message_id}/threads", self.create_thread),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/guilds/{guild_id}/roles", self.guild_roles),
            ("GET", "/guilds/{guild_id}/channels", self.guild_channels),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.guild_member),
            ("GET", events, self.list_events),
            ("POST", events, self.create_event),
            ("GET", events + "/{event_id}", self.get_event),
            ("PATCH", events + "/{event_id}", self.edit_event),
            ("DELETE", events + "/{event_id}", self.delete_event),
        ]

    async def unknown(self, request: web.Request) -> web.Response:
        if RECORD in request:
            self.emu.unexpected_routes.append(request[RECORD])
        return error(404, "Unknown route")

    # -- identity --------------------------------------------------------------------------------------

    async def me(self, request: web.Request) -> web.Response:
        user = self.emu.bot_user.payload()
        return reply({**user, "verified": True, "mfa_enabled": False, "locale": "en-US", "email": None})

    async def create_dm(self, request: web.Request) -> web.Response:
        """Open (or find) the DM between the bot and a user: the same channel every time."""
        body = request[BODY] or {}
        recipient = str(body.get("recipient_id", ""))
        user = self.emu.users.get(int(recipient)) if recipient.isdigit() else None
        if user is None or user.id == self.emu.bot_user.id:
            return error(400, "Invalid Recipient(s)", 50033)
        return reply(self.emu.dm_channel(user).payload())

    async def gateway(self, request: web.Request) -> web.Response:
        return reply({"url": self.emu.gateway_url})

    async def gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}
        return reply(
            {"url": self.emu.gateway_url, "shards": self.emu.shard_count, "session_start_limit": limit}
        )

    async def application(self, request: web.Request) -> web.Response:
        emu = self.emu
        return reply(
            {
                "id": str(emu.application_id),
                "name": emu.bot_user.name,
                "icon": None,
                "description": "Answers fan questions from a local dataset.",
                "summary": "",
                "type": None,
                "bot": emu.bot_user.payload(),
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 0,
                "flags_new": "0",
                "approximate_user_install_count": 0,
                "approximate_user_authorization_count": 0,
                "explicit_content_filter": 0,
                "eligible_oauth2_scopes": ["bot", "applications.commands"],
                "owner": User(id=emu.application_id + 1, name="fandex-dev").payload(),
                "team": None,
                "rpc_origins": [],
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "role_connections_verification_url": None,
                "tags": [],
                "install_params": {"scopes": ["bot", "applications.commands"], "permissions": "2048"},
                "integration_types_config": {"0": {}, "1": {}},
                "approximate_guild_count": len(emu.guilds),
            }
        )

    # -- application commands --------------------------------------------------------------------------

    def _scope(self, request: web.Request) -> int | None:
        guild_id = request.match_info.get("guild_id")
        return int(guild_id) if guild_id else None

    def _bad_app(self, request: web.Request) -> web.Response | None:
        if request.match_info["app_id"] != str(self.emu.application_id):
            return error(403, "Missing Access", 50001)
        scope = self._scope(request)
        if scope is not None and scope not in self.emu.guilds:
            return error(403, "Missing Access", 50001)
        return None

    async def list_commands(self, request: web.Request) -> web.Response:
        return self._bad_app(request) or reply(self.emu.world.commands.get(self._scope(request), []))

    async def put_commands(self, request: web.Request) -> web.Response:
        if bad := self._bad_app(request):
            return bad
        scope = self._scope(request)
        self.emu.command_puts[scope] += 1
        old = {(c["name"], c["type"]): c for c in self.emu.world.commands.get(scope, [])}
        commands = [
            self.emu.stored_command(b, scope, old.get((b["name"], b.get("type", 1)))) for b in request[BODY]
        ]
        self.emu.world.commands[scope] = commands
        return reply(commands)

    async def post_command(self, request: web.Request) -> web.Response:
        if bad := self._bad_app(request):
            return bad
        scope, body = self._scope(request), request[BODY]
        commands = self.emu.world.commands[scope]
        existing = next(
            (c for c in commands if (c["name"], c["type"]) == (body["name"], body.get("type", 1))), None
        )
        command = self.emu.stored_command(body, scope, existing)
        if existing:
            commands[commands.index(existing)] = command
        else:
            commands.append(command)
        return reply(command, 200 if existing else 201)

    def _command(self, request: web.Request) -> dict[str, Any] | None:
        commands = self.emu.world.commands.get(self._scope(request), [])
        return next((c for c in commands if c["id"] == request.match_info["command_id"]), None)

    async def get_command(self, request: web.Request) -> web.Response:
        command = self._command(request)
        return reply(command) if command else error(404, "Unknown application command", 10063)

    async def patch_command(self, request: web.Request) -> web.Response:
        command = self._command(request)
        if command is None:
            return error(404, "Unknown application command", 10063)
        command.update(request[BODY])
        command["version"] = str(self.emu.snowflake())
        return reply(command)

    async def delete_command(self, request: web.Request) -> web.Response:
        command = self._command(request)
        if command is None:
            return error(404, "Unknown application command", 10063)
        self.emu.world.commands[self._scope(request)].remove(command)
        return reply(None, 204)

    # -- interactions ----------------------------------------------------------------------------------

    async def callback(self, request: web.Request) -> web.Response:
        record = self.emu.world.interactions.get(request.match_info["token"])
        if record is None or str(record.id) != request.match_info["interaction_id"]:
            return error(404, "Unknown interaction", 10062)
        received = request[RECEIVED]
        if received - record.dispatched_at > self.emu.callback_deadline:
            record.late_callback_at = received
            return error(404, "Unknown interaction", 10062)
        if record.callback.done():
            return error(400, "Interaction has already been acknowledged.", 40060)
        body: dict[str, Any] = request[BODY]
        if body["type"] not in ALLOWED_CALLBACKS[record.payload["type"]]:
            return error(400, "Invalid Form Body: callback type not allowed for this interaction", 50035)
        record.callback_at = received
        record.callback.set_result(body)
        message = self._acknowledge(record, body["type"], body.get("data") or {})
        interaction: dict[str, Any] = {
            "id": str(record.id),
            "type": record.payload["type"],
            "activity_instance_id": None,
        }
        if message is None:
            return reply({"interaction": interaction})
        flags = int(message.get("flags") or 0)
        interaction |= {
            "response_message_id": message["id"],
            "response_message_loading": bool(flags & LOADING),
            "response_message_ephemeral": bool(flags & EPHEMERAL),
        }
        if body["type"] not in (4, 7):  # the response carries the message only for types 4 and 7
            return reply({"interaction": interaction})
        return reply({"interaction": interaction, "resource": {"type": body["type"], "message": message}})

    def _acknowledge(
        self, record: InteractionRecord, kind: int, data: dict[str, Any]
    ) -> dict[str, Any] | None:
        """Apply a callback; the message it created or updated, if any."""
        if kind in (4, 5):  # a new message, or for 5 its "thinking…" placeholder
            if kind == 5:
                data = {"flags": (int(data.get("flags") or 0) & EPHEMERAL) | LOADING}
            command = record.payload["type"] == APPLICATION_COMMAND
            message_type = MESSAGE_CHAT_INPUT if command else MESSAGE_REPLY
            record.original = self.emu.new_message(
                record.channel_id, data, record=record, message_type=message_type
            )
            if kind == 4:
                record.show(record.original)
            return record.original
        if kind in (6, 7) and record.original is not None:  # the message the component is on
            if kind == 7:
                self.emu.apply_edit(record.original, data)
                record.show(record.original)
            return record.original
        return None

    def _webhook(self, request: web.Request) -> InteractionRecord | web.Response:
        record = self.emu.world.interactions.get(request.match_info["token"])
        if request.match_info["app_id"] != str(self.emu.application_id) or record is None:
            return error(404, "Unknown Webhook", 10015)
        if not record.callback.done():
            return error(404, "Unknown Webhook", 10015)  # Discord rejects follow-ups before the callback
        return record

    def _webhook_message(self, record: InteractionRecord, message_id: str) -> dict[str, Any] | None:
        if message_id == "@original":
            return record.original
        candidates = [record.original, *record.followups]
        return next((m for m in candidates if m is not None and m["id"] == message_id), None)

    async def followup(self, request: web.Request) -> web.Response:
        record = self._webhook(request)
        if isinstance(record, web.Response):
            return record
        body = request[BODY] or {}
        original = record.original
        if original is not None and int(original.get("flags") or 0) & LOADING:
            # The first follow-up after a deferral replaces the "thinking…" message.
            self.emu.apply_edit(original, body, edited=False)
            record.show(original)
            return reply(original)
        flags = int(body.get("flags") or 0)
        message = self.emu.new_message(
            record.channel_id,
            {**body, "flags": flags},
            record=record,
            message_type=MESSAGE_REPLY,
            followup=True,
        )
        record.followups.append(message)
        record.show(message)
        return reply(message)

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        record = self._webhook(request)
        if isinstance(record, web.Response):
            return record
        message = self._webhook_message(record, request.match_info["message_id"])
        return reply(message) if message else error(404, "Unknown Message", 10008)

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        record = self._webhook(request)
        if isinstance(record, web.Response):
            return record
        message = self._webhook_message(record, request.match_info["message_id"])
        if message is None:
            return error(404, "Unknown Message", 10008)
        self.emu.apply_edit(message, request[BODY] or {})
        record.show(message)
        return reply(message)

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        record = self._webhook(request)
        if isinstance(record, web.Response):
            return record
        message = self._webhook_message(record, request.match_info["message_id"])
        if message is None:
            return error(404, "Unknown Message", 10008)
        self.emu.delete_message(message)
        if message is record.original:
            record.original = None
        else:
            record.followups.remove(message)
        return reply(None, 204)

    # -- channels and guilds ---------------------------------------------------------------------------

    async def get_channel(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        if (dm := self._bot_dm(channel_id)) is not None:
            return reply(dm.payload())
        found = self.emu.channel(channel_id)
        return reply(found[1].payload()) if found else error(404, "Unknown Channel", 10003)

    def _bot_dm(self, channel_id: int) -> PrivateChannel | None:
        """The DM between the bot and a user, if `channel_id` is one (the bot is in no group DM)."""
        channel = self.emu.private_channels.get(channel_id)
        return channel if channel is not None and channel.type == DM else None

    async def create_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        if (dm := self._bot_dm(channel_id)) is not None:
            if not dm.recipients[0].accepts_dms:
                # The user closed DMs from server members / this app, or blocked the bot.
                return error(403, "Cannot send messages to this user", 50007)
            return self._store_message(channel_id, request[BODY] or {})
        if channel_id in self.emu.private_channels:  # a group DM: the bot is not in it
            return error(403, "Missing Access", 50001)
        found = self.emu.channel(channel_id)
        if found is None:
            return error(404, "Unknown Channel", 10003)
        guild, channel = found
        permissions = guild.permissions_in(channel, self.emu.bot_user.id)
        if not permissions & VIEW_CHANNEL:
            return error(403, "Missing Access", 50001)
        if not permissions & (SEND_MESSAGES_IN_THREADS if channel.type == PUBLIC_THREAD else SEND_MESSAGES):
            return error(403, "Missing Permissions", 50013)
        return self._store_message(channel_id, request[BODY] or {})

    def _store_message(self, channel_id: int, body: dict[str, Any]) -> web.Response:
        nonce = str(body["nonce"]) if body.get("nonce") is not None and body.get("enforce_nonce") else None
        if nonce is not None and (existing := self.emu.remembered_nonce(channel_id, nonce)) is not None:
            return reply(existing)  # a retried send: Discord returns the first message, stores nothing new
        message = self.emu.new_message(channel_id, body)
        if nonce is not None:
            self.emu.remember_nonce(channel_id, nonce, message)
        if self.emu.on_message_stored is not None:
            self.emu.on_message_stored(message)
        return reply(message)

    async def edit_message(self, request: web.Request) -> web.Response:
        """Edit one of the bot's own messages in a channel (View Channel is the only permission it needs)."""
        channel_id = int(request.match_info["channel_id"])
        found = self.emu.channel(channel_id)
        if found is None:
            return error(404, "Unknown Channel", 10003)
        guild, channel = found
        if not guild.permissions_in(channel, self.emu.bot_user.id) & VIEW_CHANNEL:
            return error(403, "Missing Access", 50001)
        message_id = request.match_info["message_id"]
        message = next(
            (m for m in self.emu.world.messages.get(channel_id, []) if m["id"] == message_id), None
        )
        if message is None:
            return error(404, "Unknown Message", 10008)
        if message["author"]["id"] != str(self.emu.bot_user.id):
            return error(403, "Cannot edit a message authored by another user", 50005)
        self.emu.apply_edit(message, request[BODY] or {})
        self.emu.dispatch("MESSAGE_UPDATE", message)
        return reply(message)

    async def create_thread(self, request: web.Request) -> web.Response:
        """Open a public thread on a message: one per message, with the message's id, as Discord does."""
        channel_id = int(request.match_info["channel_id"])
        found = self.emu.channel(channel_id)
        if found is None:
            return error(404, "Unknown Channel", 10003)
        guild, channel = found
        permissions = guild.permissions_in(channel, self.emu.bot_user.id)
        if not permissions & VIEW_CHANNEL:
            return error(403, "Missing Access", 50001)
        if not permissions & CREATE_PUBLIC_THREADS:
            return error(403, "Missing Permissions", 50013)
        message_id = int(request.match_info["message_id"])
        if not any(int(m["id"]) == message_id for m in self.emu.world.messages.get(channel_id, [])):
            return error(404, "Unknown Message", 10008)
        if message_id in guild.threads:
            return error(400, "A thread has already been created for this message", 160004)
        body = request[BODY] or {}
        thread = Channel(
            id=message_id,
            guild_id=guild.id,
            name=str(body.get("name", "")),
            type=PUBLIC_THREAD,
            parent_id=channel.id,
            owner_id=self.emu.bot_user.id,
        )
        guild.threads[thread.id] = thread
        self.emu.dispatch("THREAD_CREATE", thread.payload() | {"newly_created": True})
        return reply(thread.payload(), 201)

    async def list_messages(self, request: web.Request) -> web.Response:
        """A page of the channel's stored messages, newest first, as Discord pages them."""
        query = _history_query(request.query)
        if isinstance(query, str):
            self.emu.validation_errors.append(
                ValidationError("GET", request[RECORD].path, query, dict(request.query))
            )
            return reply({"message": "Invalid Form Body", "code": 50035, "errors": {"query": query}}, 400)
        limit, after, before = query
        channel_id = int(request.match_info["channel_id"])
        if self._bot_dm(channel_id) is None:
            found = self.emu.channel(channel_id)
            if found is None:
                return error(404, "Unknown Channel", 10003)
            guild, channel = found
            permissions = guild.permissions_in(channel, self.emu.bot_user.id)
            if not permissions & VIEW_CHANNEL or not permissions & READ_MESSAGE_HISTORY:
                return error(403, "Missing Access", 50001)
        stored = sorted(self.emu.world.messages.get(channel_id, []), key=lambda m: int(m["id"]))
        if after is not None:
            # The `limit` messages right after `after` (discord.py pages on from the newest of them).
            page = [m for m in stored if int(m["id"]) > after and (before is None or int(m["id"]) < before)]
            page = page[:limit]
        else:
            page = [m for m in stored if before is None or int(m["id"]) < before][-limit:]
        # A nonce is only echoed to the sender of a create; fetched messages do not carry it.
        return reply([{k: v for k, v in m.items() if k != "nonce"} for m in reversed(page)])

    def _guild(self, request: web.Request) -> Any:
        return self.emu.guilds.get(int(request.match_info["guild_id"]))

    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        return reply(_rest_guild(guild)) if guild else error(404, "Unknown Guild", 10004)

    async def guild_roles(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        if guild is None:
            return error(404, "Unknown Guild", 10004)
        return reply([r.payload() for r in guild.roles.values()])

    async def guild_channels(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        if guild is None:
            return error(404, "Unknown Guild", 10004)
        return reply([c.payload() for c in guild.channels.values()])

    async def guild_member(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        member = guild.members.get(int(request.match_info["user_id"])) if guild else None
        return reply(member.payload()) if member else error(404, "Unknown Member", 10007)

    # -- scheduled events ------------------------------------------------------------------------------

    def _events(self, request: web.Request) -> tuple[Any, list[dict[str, Any]]] | web.Response:
        guild = self._guild(request)
        if guild is None:
            return error(404, "Unknown Guild", 10004)
        return guild, self.emu.scheduled_events[guild.id]

    def _event(self, request: web.Request) -> tuple[Any, list[dict[str, Any]], dict[str, Any]] | web.Response:
        found = self._events(request)
        if isinstance(found, web.Response):
            return found
        guild, events = found
        event = next((e for e in events if e["id"] == request.match_info["event_id"]), None)
        if event is None:
            return error(404, "Unknown Guild Scheduled Event", 10070)
        return guild, events, event

    def _may_manage_events(self, guild: Any) -> bool:
        return bool(guild.base_permissions(self.emu.bot_user.id) & (MANAGE_EVENTS | CREATE_EVENTS))

    async def list_events(self, request: web.Request) -> web.Response:
        found = self._events(request)
        return found if isinstance(found, web.Response) else reply(found[1])

    async def get_event(self, request: web.Request) -> web.Response:
        found = self._event(request)
        return found if isinstance(found, web.Response) else reply(found[2])

    async def create_event(self, request: web.Request) -> web.Response:
        found = self._events(request)
        if isinstance(found, web.Response):
            return found
        guild, events = found
        if not self._may_manage_events(guild):
            return error(403, "Missing Permissions", 50013)
        body = request[BODY] or {}
        if body.get("entity_type") == 3 and not (
            body.get("scheduled_end_time") and (body.get("entity_metadata") or {}).get("location")
        ):
            return reply(
                {
                    "message": "Invalid Form Body",
                    "code": 50035,
                    "errors": {"entity_metadata": "location required"},
                },
                400,
            )
        event = {
            "id": str(self.emu.snowflake()),
            "guild_id": str(guild.id),
            "channel_id": body.get("channel_id"),
            "creator_id": str(self.emu.bot_user.id),
            "creator": self.emu.bot_user.payload(),
            "name": body["name"],
            "description": body.get("description"),
            "scheduled_start_time": body["scheduled_start_time"],
            "scheduled_end_time": body.get("scheduled_end_time"),
            "privacy_level": body.get("privacy_level", 2),
            "status": 1,
            "entity_type": body["entity_type"],
            "entity_id": None,
            "entity_metadata": body.get("entity_metadata"),
            "user_count": 0,
            "image": None,
            "recurrence_rule": body.get("recurrence_rule"),
            "guild_scheduled_event_exceptions": [],
        }
        events.append(event)
        self.emu.dispatch("GUILD_SCHEDULED_EVENT_CREATE", event)
        return reply(event)

    async def edit_event(self, request: web.Request) -> web.Response:
        found = self._event(request)
        if isinstance(found, web.Response):
            return found
        guild, _, event = found
        if not self._may_manage_events(guild):
            return error(403, "Missing Permissions", 50013)
        event.update({k: v for k, v in (request[BODY] or {}).items() if k in event})
        self.emu.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", event)
        return reply(event)

    async def delete_event(self, request: web.Request) -> web.Response:
        found = self._event(request)
        if isinstance(found, web.Response):
            return found
        guild, events, event = found
        if not self._may_manage_events(guild):
            return error(403, "Missing Permissions", 50013)
        events.remove(event)
        self.emu.dispatch("GUILD_SCHEDULED_EVENT_DELETE", event)
        return reply(None, 204)


def _history_query(query: Any) -> tuple[int, int | None, int | None] | str:
    """`limit` (1-100, default 50), `after` and `before` (snowflakes) as the document defines them."""
    parsed: dict[str, int] = {}
    for name in ("limit", "after", "before"):
        if name in query:
            text = query[name]
            if not text.isdigit():
                return f"{name}={text!r} is not an integer"
            parsed[name] = int(text)
    limit = parsed.get("limit", 50)
    if not 1 <= limit <= 100:
        return f"limit={limit} is outside 1-100"
    return limit, parsed.get("after"), parsed.get("before")


def _rest_guild(guild: Any) -> dict[str, Any]:
    payload = guild.payload()
    for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at", "large", "lazy"):
        payload.pop(key, None)
    return payload
