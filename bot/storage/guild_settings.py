"""Per-server settings: the dataclass and the only code that reads or writes `guild_settings`."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.clock import Clock
from bot.domain.settings import GuildSettings
from bot.storage.database import after_transaction, joined_transaction

_COLUMNS = tuple(f.name for f in dataclasses.fields(GuildSettings))
_WRITABLE = frozenset(_COLUMNS) - {"guild_id", "updated_at"}


def _from_row(row: aiosqlite.Row) -> GuildSettings:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["updated_at"] = datetime.fromisoformat(values["updated_at"]) if values["updated_at"] else None
    return GuildSettings(**values)


class GuildSettingsRepository:
    def __init__(self, db: aiosqlite.Connection, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        # Every command reads its server's settings; this process is the only writer, so a
        # write-through cache saves a database round trip per request (measured in bench/).
        self._cache: dict[int, GuildSettings] = {}

    async def get(self, guild_id: int) -> GuildSettings:
        """The server's settings, or the defaults when it never changed any."""
        cached = self._cache.get(guild_id)
        if cached is not None:
            return cached
        async with self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM guild_settings WHERE guild_id = ?", (guild_id,)
        ) as cursor:
            row = await cursor.fetchone()
        settings = _from_row(row) if row else GuildSettings(guild_id=guild_id)
        self._cache[guild_id] = settings
        return settings

    async def update(
        self, guild_id: int, *, tx: aiosqlite.Connection | None = None, **changes: Any
    ) -> GuildSettings:
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
        return await self.get(guild_id)

    async def with_announcements(self) -> list[GuildSettings]:
        """Every server with an announcement channel configured."""
        async with self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM guild_settings WHERE announce_channel_id IS NOT NULL"
        ) as cursor:
            rows = await cursor.fetchall()
        return [_from_row(row) for row in rows]
