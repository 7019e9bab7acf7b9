"""The SQLite connection: pragmas, numbered migrations and write transactions."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bot.domain.errors import StorageError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

# One writer at a time per connection: an explicit transaction spans awaits, so two coroutines
# sharing the connection must not interleave their statements inside it.
_write_locks: weakref.WeakKeyDictionary[aiosqlite.Connection, asyncio.Lock] = weakref.WeakKeyDictionary()
# What to run when the transaction open on a connection ends (see after_transaction).
_when_done: weakref.WeakKeyDictionary[aiosqlite.Connection, list[Callable[[], object]]] = (
    weakref.WeakKeyDictionary()
)


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
async def transaction(db: aiosqlite.Connection) -> AsyncIterator[aiosqlite.Connection]:
    """A write transaction (BEGIN IMMEDIATE … COMMIT), rolled back on any error.

    SQLite errors (read-only file, locked database, full disk) become StorageError, so the user
    gets a clear private message and nothing is half-written.
    """
    lock = _write_locks.setdefault(db, asyncio.Lock())
    async with lock:
        try:
            await db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            log.error("Could not start a write transaction: %s", exc)
            raise StorageError(_storage_message(exc)) from exc
        _when_done[db] = []
        try:
            yield db
            await db.execute("COMMIT")
        except BaseException as exc:
            if db.in_transaction:
                await db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and not isinstance(
                exc, sqlite3.IntegrityError
            ):
                log.error("Write transaction failed: %s", exc)
                raise StorageError(_storage_message(exc)) from exc
            raise
        finally:
            for callback in _when_done.pop(db, []):
                callback()


@asynccontextmanager
async def joined_transaction(
    db: aiosqlite.Connection, tx: aiosqlite.Connection | None
) -> AsyncIterator[aiosqlite.Connection]:
    """`tx`, a transaction the caller already opened with `transaction()`, or else a new one on `db`.

    Repositories take `tx=` so that one caller can make several of their writes a single transaction.
    """
    if tx is None:
        async with transaction(db) as new:
            yield new
    else:
        yield tx


def after_transaction(tx: aiosqlite.Connection, callback: Callable[[], object]) -> None:
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
