"""A fan's own settings (/me): the only code that reads or writes `user_settings`.

Nothing is stored about a fan until they set something, and a change that leaves nothing set deletes their
row: a fan with no row and a fan who never used /me look the same.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from datetime import datetime
from typing import Any

from bot.domain.clock import Clock
from bot.domain.settings import UserSettings
from bot.storage.database import (
    Connection,
    Transaction,
    after_transaction,
    joined_transaction,
    listen,
    notify_on_commit,
)

_COLUMNS = tuple(f.name for f in dataclasses.fields(UserSettings))
_WRITABLE = frozenset(_COLUMNS) - {"user_id", "updated_at"}
# Every fan command reads its invoker's settings. Fans are many more than servers, so the cache keeps the
# most recently seen ones only (a miss costs one indexed read).
CACHE_SIZE = 10_000
# NOTIFY channel: a fan's settings changed in some process (the payload is their id).
CHANGED = "fandex_user_settings"


def _from_row(row: Any) -> UserSettings:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["updated_at"] = datetime.fromisoformat(values["updated_at"])
    return UserSettings(**values)


class UserSettingsRepository:
    def __init__(self, db: Connection, clock: Clock, *, cache_size: int = CACHE_SIZE) -> None:
        self._db = db
        self._clock = clock
        # Write-through, dropped on every change here and, through `watch`, on every change elsewhere.
        self._cache: OrderedDict[int, UserSettings] = OrderedDict()
        self._cache_size = cache_size
        # Counts notifications heard: a read that one arrived during is returned but not cached.
        self._heard = 0

    async def watch(self) -> None:
        """Drop a cached fan when any process changes their settings (PostgreSQL; nothing on SQLite)."""
        await listen(self._db, CHANGED, self._changed)

    def _changed(self, payload: str) -> None:
        self._heard += 1
        if payload.isdigit():
            self._cache.pop(int(payload), None)
        else:
            self._cache.clear()

    async def get(self, user_id: int) -> UserSettings:
        """The fan's settings, or the empty defaults when nothing is stored about them."""
        cached = self._cache.get(user_id)
        if cached is not None:
            self._cache.move_to_end(user_id)
            return cached
        heard = self._heard
        settings = await self._read(self._db, user_id)
        if heard != self._heard:
            return settings
        self._cache[user_id] = settings
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return settings

    async def _read(self, db: Transaction, user_id: int) -> UserSettings:
        async with db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM user_settings WHERE user_id = ?", (user_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _from_row(row) if row else UserSettings(user_id=user_id)

    async def update(self, user_id: int, *, tx: Transaction | None = None, **changes: Any) -> UserSettings:
        """Change some of the fan's settings in one transaction (the caller's `tx`, if given) and return
        them as stored. When nothing is left set, the row is deleted in the same transaction."""
        unknown = set(changes) - _WRITABLE
        if unknown:
            raise TypeError(f"Unknown user setting(s): {', '.join(sorted(unknown))}")
        if not changes:
            return await self.get(user_id)
        names = sorted(changes)
        columns = ", ".join(["user_id", *names, "updated_at"])
        placeholders = ", ".join("?" for _ in range(len(names) + 2))
        assignments = ", ".join(f"{name} = excluded.{name}" for name in [*names, "updated_at"])
        empty = " AND ".join(f"{name} IS NULL" for name in sorted(_WRITABLE))
        async with joined_transaction(self._db, tx) as db:
            await db.execute(
                f"INSERT INTO user_settings ({columns}) VALUES ({placeholders}) "
                f"ON CONFLICT(user_id) DO UPDATE SET {assignments}",
                (user_id, *(changes[name] for name in names), self._clock.now().isoformat()),
            )
            await db.execute(f"DELETE FROM user_settings WHERE user_id = ? AND {empty}", (user_id,))
            self._forget_cached(db, user_id)
            # Read back in the transaction: on PostgreSQL another connection would not see it yet.
            return await self._read(db, user_id)

    async def forget(self, user_id: int, *, tx: Transaction | None = None) -> bool:
        """Delete everything stored about the fan here; whether there was anything."""
        async with joined_transaction(self._db, tx) as db:
            cursor = await db.execute("DELETE FROM user_settings WHERE user_id = ?", (user_id,))
            deleted = cursor.rowcount > 0
            await cursor.close()
            self._forget_cached(db, user_id)
        return deleted

    def _forget_cached(self, tx: Transaction, user_id: int) -> None:
        # Dropped now, and again when the transaction ends, committed or not, so that a read made while it
        # was open (on this same connection) cannot leave an uncommitted value behind.
        self._cache.pop(user_id, None)
        after_transaction(tx, lambda: self._cache.pop(user_id, None))
        notify_on_commit(tx, CHANGED, str(user_id))
