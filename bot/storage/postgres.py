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


async def _run(conn: PoolConnectionProxy, sql: str, parameters: tuple[Any, ...]) -> BufferedCursor:
    """Run one statement; asyncpg's unreachable-server errors are left to the caller (see `_Breaker`)."""
    query = numbered(sql)
    try:
        if _ROWS.search(query):
            rows = await conn.fetch(query, *parameters)
            return BufferedCursor(rows, len(rows))
        return BufferedCursor((), _changed(await conn.execute(query, *parameters)))
    except asyncpg.IntegrityConstraintViolationError as exc:
        raise IntegrityError(str(exc)) from exc


def _drop(conn: PoolConnectionProxy) -> None:
    """Close a connection that failed at once, without a goodbye (asyncpg may have let it go already)."""
    with contextlib.suppress(asyncpg.InterfaceError):
        conn.terminate()


class _Breaker:
    """Fail fast while the server is known to be unreachable.

    A command has Discord's 3 seconds for all its storage steps: once one step has waited out a timeout (a
    hung server or network), the next ones in the same command, and in every other one for `PAUSE`
    seconds, fail at once instead of each waiting again. After the pause the next step tries the server
    for real, so the bot recovers by itself within about `PAUSE` of the server's return. A refused
    connection fails at once by itself: no pause, and the first step after the server's return succeeds.
    """

    PAUSE = 1.0

    def __init__(self) -> None:
        self._down_until = 0.0

    def check(self) -> None:
        if asyncio.get_running_loop().time() < self._down_until:
            raise StorageError(UNAVAILABLE)

    def tripped(self, exc: BaseException) -> StorageError:
        """The StorageError for `exc`; a timeout (not a refusal, which fails at once anyway) pauses."""
        now = asyncio.get_running_loop().time()
        if not isinstance(exc, TimeoutError):
            log.error("PostgreSQL is unreachable: %s", exc)
        elif now >= self._down_until:
            log.error("PostgreSQL timed out, failing fast for %.0f s", self.PAUSE)
        if isinstance(exc, TimeoutError):
            self._down_until = now + self.PAUSE
        return StorageError(UNAVAILABLE)


class _InTransaction(Remote):
    def __init__(self, conn: PoolConnectionProxy, breaker: _Breaker) -> None:
        self._conn = conn
        self._breaker = breaker
        self.notices: set[tuple[str, str]] = set()
        self.broken = False  # the connection failed mid-transaction: dropped, not rolled back

    async def run(self, sql: str, parameters: tuple[Any, ...]) -> BufferedCursor:
        try:
            return await _run(self._conn, sql, parameters)
        except _UNREACHABLE as exc:
            self.broken = True
            raise self._breaker.tripped(exc) from exc


class PostgresDatabase(RemoteDatabase):
    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self._url = url
        self._breaker = _Breaker()
        self._listeners: dict[str, list[Callable[[str], object]]] = {}
        self._listening: asyncpg.Connection | None = None
        self._watch: asyncio.Task[None] | None = None

    async def run(self, sql: str, parameters: tuple[Any, ...]) -> BufferedCursor:
        async with self._connection() as conn:
            tx = _InTransaction(conn, self._breaker)
            try:
                return await tx.run(sql, parameters)
            finally:
                if tx.broken:
                    _drop(conn)

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[PoolConnectionProxy]:
        """A pooled connection, within CONNECT_TIMEOUT or a StorageError; one that failed is dropped."""
        self._breaker.check()
        try:
            conn = await self._pool.acquire(timeout=CONNECT_TIMEOUT)
        except _UNREACHABLE as exc:
            if isinstance(exc, TimeoutError) and self._pool.get_idle_size() == 0 and self._busy():
                log.warning("Every PostgreSQL connection was busy for %s s", CONNECT_TIMEOUT)
                raise StorageError(UNAVAILABLE) from exc  # busy, not down: the others carry on
            raise self._breaker.tripped(exc) from exc
        try:
            yield conn
        finally:
            with contextlib.suppress(*_UNREACHABLE):
                await self._pool.release(conn, timeout=CONNECT_TIMEOUT)

    def _busy(self) -> bool:
        """Whether the pool is full of connections, all in use."""
        return self._pool.get_size() >= POOL_SIZE

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Remote]:
        async with self._connection() as conn:
            tx = _InTransaction(conn, self._breaker)
            try:
                await tx.run("BEGIN", ())
                try:
                    yield tx
                    for channel, payload in sorted(tx.notices):  # sent at COMMIT, dropped on rollback
                        await tx.run("SELECT pg_notify(?, ?)", (channel, payload))
                    await tx.run("COMMIT", ())
                except BaseException:
                    # A connection that failed is dropped (the server rolls back what it had); waiting for
                    # a ROLLBACK on it would only spend the command's time.
                    if not tx.broken:
                        with contextlib.suppress(StorageError):
                            await tx.run("ROLLBACK", ())
                    raise
            finally:
                if tx.broken:
                    _drop(conn)

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
