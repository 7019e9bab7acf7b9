"""The storage connection: SQLite (pragmas, `PRAGMA user_version`) or PostgreSQL (bot/storage/postgres.py),
numbered migrations and write transactions.

Repositories see one small interface whichever backend is behind it: `execute(sql, params)` (awaited, or used
as `async with ... as cursor`) with `fetchone`, `fetchall` and `rowcount` on the cursor, and
`transaction(db)` for every change. SQL is written once with `?` placeholders in the dialect both share
(ON CONFLICT, RETURNING, CASE); the PostgreSQL backend numbers the placeholders. Where the dialects differ,
`dialect(db)` says which one is behind `db`, and migrations have a PostgreSQL copy in migrations/postgres/.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import weakref
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Coroutine, Generator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import aiosqlite

from bot.domain.errors import StorageError

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from bot.config import Settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
POSTGRES_MIGRATIONS_DIR = MIGRATIONS_DIR / "postgres"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

# One writer at a time per connection: an explicit transaction spans awaits, so two coroutines
# sharing the connection must not interleave their statements inside it.
_write_locks: weakref.WeakKeyDictionary[object, asyncio.Lock] = weakref.WeakKeyDictionary()
# What to run when the transaction open on a connection ends (see after_transaction).
_when_done: weakref.WeakKeyDictionary[object, list[Callable[[], object]]] = weakref.WeakKeyDictionary()


Dialect = Literal["sqlite", "postgres"]


class IntegrityError(Exception):
    """A constraint refused a write on PostgreSQL (a UNIQUE backstop, a CHECK)."""


# What a refused constraint raises, whichever backend refused it.
INTEGRITY_ERRORS = (sqlite3.IntegrityError, IntegrityError)


class BufferedCursor:
    """The rows a statement returned (already read) and how many rows it changed."""

    def __init__(self, rows: Sequence[Any], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    async def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> Sequence[Any]:
        return self._rows

    async def close(self) -> None:
        return None


class _Pending:
    """A statement both awaited (`await db.execute(...)`) and entered (`async with db.execute(...) as c`),
    as aiosqlite's are."""

    def __init__(self, run: Coroutine[Any, Any, BufferedCursor]) -> None:
        self._run = run

    def __await__(self) -> Generator[Any, None, BufferedCursor]:
        return self._run.__await__()

    async def __aenter__(self) -> BufferedCursor:
        return await self._run

    async def __aexit__(self, *_exc_info: object) -> None:
        return None


class Remote(ABC):
    """A connection to a database server, or one transaction on it: what repositories call `db` or `tx`."""

    dialect: Dialect = "postgres"
    # NOTIFY (channel, payload) to send when this transaction commits (none outside one).
    notices: set[tuple[str, str]]

    def execute(self, sql: str, parameters: Iterable[Any] = ()) -> _Pending:
        return _Pending(self.run(sql, tuple(parameters)))

    async def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> BufferedCursor:
        changed = 0
        for parameters in rows:
            changed += (await self.run(sql, tuple(parameters))).rowcount
        return BufferedCursor((), changed)

    @abstractmethod
    async def run(self, sql: str, parameters: tuple[Any, ...]) -> BufferedCursor: ...


class RemoteDatabase(Remote):
    """A pool of connections to a database server; each `transaction()` holds one of them."""

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Remote]: ...

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def listen(self, channel: str, callback: Callable[[str], object]) -> None: ...


# What repositories hold (`db`) and what a transaction hands them (`tx`).
Connection = aiosqlite.Connection | RemoteDatabase
Transaction = aiosqlite.Connection | Remote


def dialect(db: Transaction) -> Dialect:
    return db.dialect if isinstance(db, Remote) else "sqlite"


async def open_storage(settings: Settings) -> Connection:
    """PostgreSQL when DATABASE_URL is set (no SQLite file is created then), else SQLite at DATABASE_PATH."""
    if settings.database_url:
        from bot.storage.postgres import open_postgres  # asyncpg is an optional extra

        return await open_postgres(settings.database_url)
    return await open_database(settings.database_path)


async def open_reader(settings: Settings) -> Connection:
    """The configured database for reading only, migrating nothing (the bot may be running on it):
    FileNotFoundError when there is no SQLite file, StorageError when PostgreSQL cannot be reached."""
    if settings.database_url:
        from bot.storage.postgres import open_postgres

        return await open_postgres(settings.database_url, migrate=False)
    return await open_read_only(settings.database_path)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def discover_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            raise RuntimeError(f"Migration file name {path.name!r} must look like 0001_description.sql")
        migrations.append(Migration(int(match.group(1)), path.name, path.read_text(encoding="utf-8")))
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"Migrations must be numbered 1..n without gaps; found {versions}")
    return migrations


async def apply_migrations(db: aiosqlite.Connection, migrations: list[Migration] | None = None) -> int:
    """Apply every migration newer than PRAGMA user_version in one transaction; return the new version."""
    migrations = discover_migrations() if migrations is None else migrations
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    pending = [m for m in migrations if m.version > current]
    if not pending:
        return current

    target = pending[-1].version
    # executescript runs the whole batch; BEGIN/COMMIT inside it make the batch one transaction,
    # so a failing migration leaves the schema and user_version exactly as they were.
    script = "BEGIN IMMEDIATE;\n"
    for migration in pending:
        script += f"-- {migration.name}\n{migration.sql}\n"
    script += f"PRAGMA user_version = {target};\nCOMMIT;\n"
    try:
        await db.executescript(script)
    except Exception:
        if db.in_transaction:
            await db.execute("ROLLBACK")
        raise
    log.info("Database schema migrated from version %d to %d", current, target)
    return target


async def open_database(path: Path) -> aiosqlite.Connection:
    """Open (creating if needed) the database at `path`, migrated to the latest schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = await aiosqlite.connect(path, isolation_level=None)
    try:
        db.row_factory = aiosqlite.Row
        await db.execute("PRAGMA busy_timeout = 1000")
        await db.execute("PRAGMA foreign_keys = ON")
        async with db.execute("PRAGMA journal_mode = WAL") as cursor:
            row = await cursor.fetchone()
        if row is None or str(row[0]).lower() != "wal":
            log.warning("SQLite refused WAL mode for %s (journal_mode=%s)", path, row[0] if row else None)
        # Settings are written rarely; FULL makes every acknowledged write survive even a power cut.
        await db.execute("PRAGMA synchronous = FULL")
        await apply_migrations(db)
    except BaseException:
        await db.close()
        raise
    return db


async def open_read_only(path: Path) -> aiosqlite.Connection:
    """Open the existing database at `path` for reading only, migrating nothing: the bot may be running
    on it (WAL lets a reader and the writer work at once). FileNotFoundError when there is no such file."""
    db = await aiosqlite.connect(await asyncio.to_thread(_read_only_uri, path), uri=True)
    try:
        db.row_factory = aiosqlite.Row
        await db.execute("PRAGMA busy_timeout = 1000")
    except BaseException:
        await db.close()
        raise
    return db


def _read_only_uri(path: Path) -> str:
    if not path.is_file():
        raise FileNotFoundError(path)
    return f"{path.resolve().as_uri()}?mode=ro"


@asynccontextmanager
async def transaction(db: Connection) -> AsyncIterator[Transaction]:
    """A write transaction, committed at the end, rolled back on any error.

    Storage errors (SQLite: a read-only file, a locked database, a full disk; PostgreSQL: the server
    unreachable) become StorageError, so the user gets a clear private message and nothing is half-written.
    """
    if isinstance(db, RemoteDatabase):
        async with db.transaction() as remote:
            _when_done[remote] = []
            try:
                yield remote
            finally:
                for callback in _when_done.pop(remote, []):
                    callback()
        return
    async with _sqlite_transaction(db) as tx:
        yield tx


@asynccontextmanager
async def _sqlite_transaction(db: aiosqlite.Connection) -> AsyncIterator[aiosqlite.Connection]:
    """BEGIN IMMEDIATE … COMMIT on the one SQLite connection, one writer at a time."""
    lock = _write_locks.setdefault(db, asyncio.Lock())
    async with lock:
        try:
            await db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            log.error("Could not start a write transaction: %s", exc)
            raise StorageError(_storage_message(exc)) from exc
        except BaseException:
            await _roll_back(db)  # cancelled: the BEGIN still runs on aiosqlite's thread
            raise
        _when_done[db] = []
        try:
            yield db
            await db.execute("COMMIT")
        except BaseException as exc:
            await _roll_back(db)
            if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and not isinstance(
                exc, sqlite3.IntegrityError
            ):
                log.error("Write transaction failed: %s", exc)
                raise StorageError(_storage_message(exc)) from exc
            raise
        finally:
            for callback in _when_done.pop(db, []):
                callback()


async def _roll_back(db: aiosqlite.Connection) -> None:
    """Roll back what is open, if anything: a BEGIN or COMMIT interrupted by a cancellation still runs on
    aiosqlite's thread, queued before this ROLLBACK, so there may be no transaction left. Never raises, so
    the error (or the cancellation) that brought us here is the one that goes on."""
    try:
        await db.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "no transaction is active" not in str(exc):
            log.warning("Rollback failed: %s", exc)
    except (sqlite3.Error, ValueError) as exc:  # ValueError: aiosqlite's connection is closed
        log.warning("Rollback failed: %s", exc)


@asynccontextmanager
async def joined_transaction(db: Connection, tx: Transaction | None) -> AsyncIterator[Transaction]:
    """`tx`, a transaction the caller already opened with `transaction()`, or else a new one on `db`.

    Repositories take `tx=` so that one caller can make several of their writes a single transaction.
    """
    if tx is None:
        async with transaction(db) as new:
            yield new
    else:
        yield tx


async def serialize(tx: Transaction, key: str) -> None:
    """Make transactions that pass the same `key` run one after another, from here until each ends: for a
    read-check-write (a limit, a unique pick). SQLite has one writer at a time already; on PostgreSQL
    (read committed) this takes a transaction-level advisory lock on the key."""
    if isinstance(tx, Remote):
        await tx.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (key,))


def notify_on_commit(tx: Transaction, channel: str, payload: str) -> None:
    """Tell every process (listening with `listen`) that `payload` on `channel` changed, once `tx` commits.
    Nothing to do on SQLite: one process only."""
    if isinstance(tx, Remote) and not isinstance(tx, RemoteDatabase):
        tx.notices.add((channel, payload))


async def listen(db: Connection, channel: str, callback: Callable[[str], object]) -> None:
    """Call `callback(payload)` on each notification on `channel`, "*" when some may have been missed."""
    if isinstance(db, RemoteDatabase):
        await db.listen(channel, callback)


def after_transaction(tx: Transaction, callback: Callable[[], object]) -> None:
    """Run `callback` when the transaction open on `tx` ends, committed or rolled back (to drop a cache
    entry: a read made while it was open may have seen a write that never committed)."""
    _when_done[tx].append(callback)


def _storage_message(exc: sqlite3.Error) -> str:
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        reason = "the settings database is read-only right now"
    elif "locked" in text or "busy" in text:
        reason = "the settings database is busy right now"
    elif "full" in text:
        reason = "the bot's disk is full"
    else:
        reason = "the settings database could not be written"
    return f"Nothing was changed: {reason}. Please try again later, or tell the bot's admins."
