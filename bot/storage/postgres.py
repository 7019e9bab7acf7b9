"""The PostgreSQL backend (DATABASE_URL=postgresql://...): an asyncpg pool behind the interface that
bot/storage/database.py gives repositories, numbered migrations from migrations/postgres/, and LISTEN/NOTIFY
so that a write in one process drops the others' cached copies."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Callable
from functools import lru_cache
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.domain.errors import StorageError
from bot.storage.database import (
    POSTGRES_MIGRATIONS_DIR,
    BufferedCursor,
    IntegrityError,
    Migration,
    Remote,
    RemoteDatabase,
    discover_migrations,
)

log = logging.getLogger(__name__)

# A command must answer within Discord's 3 seconds: waiting longer for a connection is not worth it.
CONNECT_TIMEOUT = 2
COMMAND_TIMEOUT = 2.0
POOL_SIZE = 10
# Taken (for the transaction only) while migrating, so that processes starting together migrate once.
_MIGRATION_LOCK = 0x46414E444558  # "FANDEX"
UNAVAILABLE = "Storage is unavailable, nothing was changed. Please try again in a moment."
_ROWS = re.compile(r"^\s*(SELECT|WITH)\b|\bRETURNING\b", re.IGNORECASE)
# The server is gone or going: the pool reconnects by itself once it is back.
_UNREACHABLE = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.AdminShutdownError,
)


@lru_cache(maxsize=512)
def numbered(sql: str) -> str:
    """`?` placeholders as PostgreSQL's `$1, $2, ...` (none of our SQL has a `?` inside a literal)."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    count = 0
    for index in range(0, len(parts), 2):
        pieces = parts[index].split("?")
        text = pieces[0]
        for piece in pieces[1:]:
            count += 1
            text += f"${count}{piece}"
        parts[index] = text
    return "".join(parts)


def _changed(status: str) -> int:
    """How many rows a command tag ("INSERT 0 1", "DELETE 3", "UPDATE 0") says changed."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


async def _run(
    conn: PoolConnectionProxy | asyncpg.Pool, sql: str, parameters: tuple[Any, ...]
) -> BufferedCursor:
    query = numbered(sql)
    try:
        if _ROWS.search(query):
            rows = await conn.fetch(query, *parameters)
            return BufferedCursor(rows, len(rows))
        return BufferedCursor((), _changed(await conn.execute(query, *parameters)))
    except asyncpg.IntegrityConstraintViolationError as exc:
        raise IntegrityError(str(exc)) from exc
    except _UNREACHABLE as exc:
        log.error("PostgreSQL is unreachable: %s", exc)
        raise StorageError(UNAVAILABLE) from exc


class _InTransaction(Remote):
    def __init__(self, conn: PoolConnectionProxy) -> None:
        self._conn = conn
        self.notices: set[tuple[str, str]] = set()

    async def run(self, sql: str, parameters: tuple[Any, ...]) -> BufferedCursor:
        return await _run(self._conn, sql, parameters)


class PostgresDatabase(RemoteDatabase):
    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self._url = url
        self._listeners: dict[str, list[Callable[[str], object]]] = {}
        self._listening: asyncpg.Connection | None = None
        self._watch: asyncio.Task[None] | None = None

    async def run(self, sql: str, parameters: tuple[Any, ...]) -> BufferedCursor:
        return await _run(self._pool, sql, parameters)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Remote]:
        try:
            conn = await self._pool.acquire(timeout=CONNECT_TIMEOUT)
        except _UNREACHABLE as exc:
            log.error("PostgreSQL is unreachable: %s", exc)
            raise StorageError(UNAVAILABLE) from exc
        try:
            tx = _InTransaction(conn)
            try:
                async with conn.transaction():
                    yield tx
                    for channel, payload in sorted(tx.notices):  # sent at COMMIT, dropped on rollback
                        await conn.execute("SELECT pg_notify($1, $2)", channel, payload)
            except _UNREACHABLE as exc:
                log.error("PostgreSQL is unreachable: %s", exc)
                raise StorageError(UNAVAILABLE) from exc
        finally:
            with contextlib.suppress(*_UNREACHABLE):
                await self._pool.release(conn)

    # -- LISTEN/NOTIFY ------------------------------------------------------------------------------------

    async def listen(self, channel: str, callback: Callable[[str], object]) -> None:
        """Call `callback(payload)` for every NOTIFY on `channel`, from this process or any other."""
        self._listeners.setdefault(channel, []).append(callback)
        if self._listening is not None:
            await self._listening.add_listener(channel, self._notified)
        elif self._watch is None:
            await self._connect_listener()
            self._watch = asyncio.create_task(self._keep_listening(), name="fandex-pg-listen")

    def _notified(self, _conn: object, _pid: int, channel: str, payload: str) -> None:
        for callback in self._listeners.get(channel, ()):
            callback(payload)

    async def _connect_listener(self) -> None:
        conn = await asyncpg.connect(self._url, timeout=CONNECT_TIMEOUT)
        for channel in self._listeners:
            await conn.add_listener(channel, self._notified)
        self._listening = conn

    async def _keep_listening(self) -> None:
        """Reconnect the listening connection when it is lost; what was missed meanwhile is unknown, so
        every listener hears "*" (drop everything) once it is back."""
        while True:
            await asyncio.sleep(0.5)
            if self._listening is not None and not self._listening.is_closed():
                continue
            self._listening = None
            try:
                await self._connect_listener()
            except (*_UNREACHABLE, asyncpg.PostgresError) as exc:
                log.warning("PostgreSQL listener not reconnected yet: %s", exc)
                continue
            for channel in self._listeners:
                self._notified(None, 0, channel, "*")

    async def close(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        if self._listening is not None:
            with contextlib.suppress(*_UNREACHABLE, asyncpg.PostgresError):
                await self._listening.close(timeout=CONNECT_TIMEOUT)
        await self._pool.close()


async def apply_migrations(
    conn: asyncpg.Connection | PoolConnectionProxy, migrations: list[Migration] | None = None
) -> int:
    """Apply every migration newer than the recorded version in one transaction; return the new version."""
    migrations = discover_migrations(POSTGRES_MIGRATIONS_DIR) if migrations is None else migrations
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        current = await conn.fetchval("SELECT max(version) FROM schema_version") or 0
        pending = [m for m in migrations if m.version > current]
        for migration in pending:
            await conn.execute(migration.sql)
        if pending:
            await conn.execute("DELETE FROM schema_version")
            await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", pending[-1].version)
    if pending:
        log.info("PostgreSQL schema migrated from version %d to %d", current, pending[-1].version)
        return pending[-1].version
    return current


async def open_postgres(url: str, *, migrate: bool = True) -> PostgresDatabase:
    """A pool on the database at `url`, migrated to the latest schema (unless `migrate` is False: a reader
    such as `python -m bot reports` changes nothing). StorageError when the server cannot be reached."""
    try:
        pool = await asyncpg.create_pool(
            url, min_size=1, max_size=POOL_SIZE, timeout=CONNECT_TIMEOUT, command_timeout=COMMAND_TIMEOUT
        )
    except (*_UNREACHABLE, asyncpg.PostgresError) as exc:
        raise StorageError(f"Cannot connect to PostgreSQL (DATABASE_URL): {exc}") from exc
    try:
        if migrate:
            async with pool.acquire() as conn:
                await apply_migrations(conn)
    except BaseException:
        await pool.close()
        raise
    return PostgresDatabase(pool, url)
