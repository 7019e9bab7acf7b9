"""Per-server settings: the dataclass and the only code that reads or writes `guild_settings`."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from bot.domain.clock import Clock
from bot.domain.settings import GuildSettings
from bot.storage.database import (
    Connection,
    Transaction,
    after_transaction,
    joined_transaction,
    listen,
    notify_on_commit,
)

# NOTIFY channel: a server's settings changed in some process (the payload is its id).
CHANGED = "fandex_guild_settings"

_COLUMNS = tuple(f.name for f in dataclasses.fields(GuildSettings))
_WRITABLE = frozenset(_COLUMNS) - {"guild_id", "updated_at"}


def _from_row(row: Any) -> GuildSettings:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["updated_at"] = datetime.fromisoformat(values["updated_at"]) if values["updated_at"] else None
    values["announce_thread"] = bool(values["announce_thread"])
    return GuildSettings(**values)


class GuildSettingsRepository:
    def __init__(self, db: Connection, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        # Every command reads its server's settings: a write-through cache saves a database round trip per
        # request (measured in bench/). On PostgreSQL other processes write too: `watch` hears their writes.
        self._cache: dict[int, GuildSettings] = {}
        # Counts notifications heard: a read that one arrived during is returned but not cached.
        self._heard = 0

    async def watch(self) -> None:
        """Drop a cached server when any process changes its settings (PostgreSQL; nothing on SQLite)."""
        await listen(self._db, CHANGED, self._changed)

    def _changed(self, payload: str) -> None:
        self._heard += 1
        if payload.isdigit():
            self._cache.pop(int(payload), None)
        else:
            self._cache.clear()

    async def get(self, guild_id: int) -> GuildSettings:
        """The server's settings, or the defaults when it never changed any."""
        cached = self._cache.get(guild_id)
        if cached is not None:
            return cached
        heard = self._heard
        settings = await self._read(self._db, guild_id)
        if heard == self._heard:
            self._cache[guild_id] = settings
        return settings

    async def _read(self, db: Transaction, guild_id: int) -> GuildSettings:
        async with db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM guild_settings WHERE guild_id = ?", (guild_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _from_row(row) if row else GuildSettings(guild_id=guild_id)

    async def update(self, guild_id: int, *, tx: Transaction | None = None, **changes: Any) -> GuildSettings:
        """Change some settings in one transaction (the caller's `tx`, if given) and return them as stored."""
        unknown = set(changes) - _WRITABLE
        if unknown:
            raise TypeError(f"Unknown guild setting(s): {', '.join(sorted(unknown))}")
        if not changes:
            return await self.get(guild_id)
        now = self._clock.now().isoformat()
        names = sorted(changes)
        columns = ", ".join(["guild_id", *names, "updated_at"])
        placeholders = ", ".join("?" for _ in range(len(names) + 2))
        assignments = ", ".join(f"{name} = excluded.{name}" for name in [*names, "updated_at"])
        async with joined_transaction(self._db, tx) as db:
            await db.execute(
                f"INSERT INTO guild_settings ({columns}) VALUES ({placeholders}) "
                f"ON CONFLICT(guild_id) DO UPDATE SET {assignments}",
                (guild_id, *(changes[name] for name in names), now),
            )
            # Dropped now, and again when the transaction ends, committed or not, so that a read made
            # while it was open (on this same connection) cannot leave an uncommitted value behind.
            self._cache.pop(guild_id, None)
            after_transaction(db, lambda: self._cache.pop(guild_id, None))
            notify_on_commit(db, CHANGED, str(guild_id))
            # Read back in the transaction: on PostgreSQL another connection would not see it yet.
            return await self._read(db, guild_id)

    async def with_daily(self) -> list[GuildSettings]:
        """Every server with an "On this day" channel configured."""
        async with self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM guild_settings WHERE daily_channel_id IS NOT NULL"
        ) as cursor:
            rows = await cursor.fetchall()
        return [_from_row(row) for row in rows]

    async def with_announcements(self) -> list[GuildSettings]:
        """Every server with an announcement channel configured."""
        async with self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM guild_settings WHERE announce_channel_id IS NOT NULL"
        ) as cursor:
            rows = await cursor.fetchall()
        return [_from_row(row) for row in rows]
