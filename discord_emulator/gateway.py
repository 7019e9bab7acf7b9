"""The gateway websocket: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay, shards, and fault hooks.

Shards: a session that identifies with `shard: [id, count]` gets only the guilds whose
`(guild_id >> 22) % count` is its id, in READY and in every later dispatch; events outside a guild (DMs) go
to shard 0, as Discord sends them. One current session per shard: the newest to identify for it.

Frames are sent as plain text: discord.py asks for zlib-stream/zstd but only decompresses binary frames.
Every dispatch gets the session's next sequence number and is kept, so a RESUME replays what the bot missed,
including dispatches made while no socket was connected.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, RESUME, REQUEST_MEMBERS = 0, 1, 2, 3, 6, 8
INVALID_SESSION, HELLO, HEARTBEAT_ACK = 9, 10, 11

# Events only sent to a session that identified with the intent (https://discord.com/developers/docs/events).
GUILDS, GUILD_MEMBERS, GUILD_MESSAGES, GUILD_SCHEDULED_EVENTS = 1 << 0, 1 << 1, 1 << 9, 1 << 16
EVENT_INTENTS = {
    "GUILD_CREATE": GUILDS,
    "GUILD_UPDATE": GUILDS,
    "GUILD_DELETE": GUILDS,
    "GUILD_ROLE_CREATE": GUILDS,
    "GUILD_ROLE_UPDATE": GUILDS,
    "GUILD_ROLE_DELETE": GUILDS,
    "CHANNEL_CREATE": GUILDS,
    "CHANNEL_UPDATE": GUILDS,
    "CHANNEL_DELETE": GUILDS,
    "GUILD_MEMBER_ADD": GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": GUILD_MEMBERS,
    "MESSAGE_CREATE": GUILD_MESSAGES,
    "MESSAGE_UPDATE": GUILD_MESSAGES,
    "MESSAGE_DELETE": GUILD_MESSAGES,
    "GUILD_SCHEDULED_EVENT_CREATE": GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_UPDATE": GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_DELETE": GUILD_SCHEDULED_EVENTS,
}


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    request: web.Request
    query: dict[str, str]


@dataclass(eq=False)
class Session:
    id: str
    identify: dict[str, Any]
    history: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None
    delivered: int = 0  # the last sequence number written to the current connection
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def shard(self) -> tuple[int, int]:
        """(shard id, shard count) this session identified as; (0, 1) when it sent no `shard`."""
        shard = self.identify.get("shard") or [0, 1]
        return int(shard[0]), int(shard[1])

    @property
    def seq(self) -> int:
        return self.history[-1]["s"] if self.history else 0

    def append(self, event: str, data: dict[str, Any]) -> int:
        frame = {"op": DISPATCH, "t": event, "s": self.seq + 1, "d": data}
        self.history.append(frame)
        self.wakeup.set()
        return frame["s"]


class Gateway:
    """One bot's gateway. `ready_payloads` builds READY + GUILD_CREATEs for a new session."""

    def __init__(
        self,
        *,
        heartbeat_interval_ms: int,
        ready_payloads: Callable[[str, tuple[int, int]], list[tuple[str, dict[str, Any]]]],
        member_chunk: Callable[[dict[str, Any]], list[dict[str, Any]]],
    ) -> None:
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self._ready_payloads = ready_payloads
        self._member_chunk = member_chunk
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None  # the newest session to identify, whatever its shard
        self.by_shard: dict[int, Session] = {}  # the current session of each shard id
        self.identify_payloads: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.connections: list[Connection] = []
        self.session_ready = asyncio.Event()
        self._writers: set[asyncio.Task[None]] = set()

    # -- test-facing -----------------------------------------------------------------------------------

    def dispatch(self, event: str, data: dict[str, Any]) -> int | None:
        """Queue a dispatch on the session of the event's shard; its sequence number, or None if not
        delivered.

        Not delivered: no bot has identified for that shard, or it did not ask for the event's intent.
        """
        session = self.session_for(guild_of(event, data))
        if session is None:
            return None
        intent = EVENT_INTENTS.get(event, 0)
        if intent and not int(session.identify.get("intents") or 0) & intent:
            return None
        return session.append(event, data)

    def session_for(self, guild_id: int | None) -> Session | None:
        """The current session that gets `guild_id`'s events (None: outside any guild, shard 0)."""
        if self.current is None:
            return None
        count = self.current.shard[1]
        return self.by_shard.get(shard_of(guild_id, count) if guild_id is not None else 0)

    @property
    def connected(self) -> bool:
        return self.current is not None and self.current.connection is not None

    @property
    def shards_connected(self) -> set[int]:
        """The shard ids whose current session has a socket."""
        return {shard for shard, s in self.by_shard.items() if s.connection is not None}

    async def close(self, code: int = 4000) -> None:
        """Close the bot's socket with a close frame carrying `code` (4000: discord.py resumes)."""
        connection = self._detach()
        if connection is not None:
            await connection.ws.close(code=code, message=b"emulator closed the gateway")

    async def drop(self) -> None:
        """Cut the TCP connection without a close frame, as a network failure would."""
        connection = self._detach()
        if connection is not None and connection.request.transport is not None:
            connection.request.transport.abort()
        await asyncio.sleep(0)

    def invalidate_sessions(self) -> None:
        """Forget every session: the bot's next RESUME gets INVALID_SESSION and it identifies again."""
        self.sessions.clear()

    async def shutdown(self) -> None:
        for connection in list(self.connections):
            await connection.ws.close(code=1001)
        for task in list(self._writers):
            task.cancel()
        await asyncio.gather(*self._writers, return_exceptions=True)

    def _detach(self) -> Connection | None:
        session = self.current
        if session is None or session.connection is None:
            return None
        connection, session.connection = session.connection, None
        session.wakeup.set()  # let the writer notice and stop
        return connection

    # -- websocket handler -----------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False, max_msg_size=0)
        await ws.prepare(request)
        connection = Connection(ws=ws, request=request, query=dict(request.query))
        self.connections.append(connection)
        await self._send(ws, {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue
                await self._receive(connection, json.loads(message.data))
        except ConnectionResetError:
            pass
        finally:
            self.connections.remove(connection)
            for session in self.sessions.values():
                if session.connection is connection:
                    session.connection = None
                    session.wakeup.set()
        return ws

    async def _receive(self, connection: Connection, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == HEARTBEAT:
            await self._send(connection.ws, {"op": HEARTBEAT_ACK, "d": None})
        elif op == IDENTIFY:
            self._identify(connection, data)
        elif op == RESUME:
            await self._resume(connection, data)
        elif op == REQUEST_MEMBERS:
            session = next((s for s in self.sessions.values() if s.connection is connection), None)
            if session is not None:
                for chunk in self._member_chunk(data):
                    session.append("GUILD_MEMBERS_CHUNK", chunk)
        elif op == PRESENCE:
            log.debug("presence update: %s", data)
        else:
            log.debug("ignored gateway op %s", op)

    def _identify(self, connection: Connection, data: dict[str, Any]) -> None:
        self.identify_payloads.append(data)
        session = Session(id=secrets.token_hex(16), identify=data)
        self.sessions[session.id] = session
        self.current = session
        self.by_shard[session.shard[0]] = session
        for event, payload in self._ready_payloads(session.id, session.shard):
            session.append(event, payload)
        self._attach(session, connection, delivered=0)
        self.session_ready.set()

    async def _resume(self, connection: Connection, data: dict[str, Any]) -> None:
        self.resumes.append(data)
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or self.by_shard.get(session.shard[0]) is not session:
            await self._send(connection.ws, {"op": INVALID_SESSION, "d": False})
            return
        seq = data.get("seq") or 0
        session.append("RESUMED", {"_trace": ["emulator"]})
        self._attach(session, connection, delivered=seq)

    def _attach(self, session: Session, connection: Connection, *, delivered: int) -> None:
        session.connection = connection
        session.delivered = delivered
        task = asyncio.create_task(self._write(session, connection))
        self._writers.add(task)
        task.add_done_callback(self._writers.discard)

    async def _write(self, session: Session, connection: Connection) -> None:
        """Deliver the session's frames in order while `connection` is its socket."""
        while session.connection is connection and not connection.ws.closed:
            session.wakeup.clear()
            while session.connection is connection and session.delivered < session.seq:
                frame = session.history[session.delivered]  # frames are numbered from 1
                try:
                    await self._send(connection.ws, frame)
                except (ConnectionResetError, RuntimeError):
                    return
                session.delivered = frame["s"]
            await session.wakeup.wait()

    @staticmethod
    async def _send(ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        await ws.send_str(json.dumps(payload))


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a guild's events on."""
    return (guild_id >> 22) % shard_count


def guild_of(event: str, data: dict[str, Any]) -> int | None:
    """The guild a dispatch is about, if any: `guild_id`, or `id` for GUILD_CREATE/UPDATE/DELETE."""
    raw = data.get("guild_id")
    if raw is None and event in ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"):
        raw = data.get("id")
    return int(raw) if raw is not None else None
