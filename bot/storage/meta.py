"""Key/value metadata (the hash of the last synced command set): the only code that touches `meta`."""

from __future__ import annotations

from bot.storage.database import Connection, transaction


class MetaRepository:
    def __init__(self, db: Connection) -> None:
        self._db = db

    async def get(self, key: str) -> str | None:
        async with self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cursor:
            row = await cursor.fetchone()
        return None if row is None else str(row[0])

    async def put(self, key: str, value: str) -> None:
        async with transaction(self._db) as db:
            await db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
