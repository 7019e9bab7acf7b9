""" "Something wrong?" reports: the only SQL for `reports`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, cast

from bot.domain.clock import Clock
from bot.domain.reports import (
    REPORT_WINDOW,
    EntryKind,
    EntryRef,
    LimitReached,
    Report,
    ReportText,
    limit_reached,
)
from bot.storage.database import Connection, Transaction, dialect, joined_transaction, serialize, transaction

log = logging.getLogger(__name__)

_COLUMNS = "id, entry_kind, entry_id, entry_title, guild_id, channel_id, user_id, created_at, text"


def _stamp(moment: datetime) -> str:
    """One fixed format (UTC, microseconds) so that comparing the text compares the times."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _from_row(row: Any) -> Report:
    return Report(
        id=row["id"],
        entry=EntryRef(cast(EntryKind, row["entry_kind"]), row["entry_id"]),
        entry_title=row["entry_title"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        user_id=row["user_id"],
        created_at=datetime.fromisoformat(row["created_at"]),
        text=row["text"],
    )


class ReportRepository:
    """The only code that reads or writes `reports`."""

    def __init__(self, db: Connection, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def _recent(self, db: Transaction, user_id: int, now: datetime) -> list[datetime]:
        async with db.execute(
            "SELECT created_at FROM reports WHERE user_id = ? AND created_at > ?",
            (user_id, _stamp(now - REPORT_WINDOW)),
        ) as cursor:
            return [datetime.fromisoformat(row[0]) for row in await cursor.fetchall()]

    async def limit_reached(self, user_id: int) -> LimitReached | None:
        """Whether `user_id` has used up their reports for now (checked again by `add`)."""
        now = self._clock.now()
        return limit_reached(await self._recent(self._db, user_id, now), now)

    async def add(
        self,
        entry: EntryRef,
        entry_title: str,
        text: ReportText,
        *,
        guild_id: int | None,
        channel_id: int | None,
        user_id: int,
    ) -> Report | LimitReached:
        """Store a report, unless the user has reached the limit: both in one transaction, so two forms
        submitted at once cannot both slip under it."""
        now = self._clock.now()
        async with transaction(self._db) as db:
            await serialize(db, f"reports:user:{user_id}")
            if (limited := limit_reached(await self._recent(db, user_id, now), now)) is not None:
                return limited
            cursor = await db.execute(
                "INSERT INTO reports"
                " (entry_kind, entry_id, entry_title, guild_id, channel_id, user_id, created_at, text)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (entry.kind, entry.id, entry_title, guild_id, channel_id, user_id, _stamp(now), text.text),
            )
            returned = await cursor.fetchone()
            report_id = int(returned[0]) if returned else None
        assert report_id is not None
        log.info("Report %s on %s stored (guild %s)", report_id, entry, guild_id)
        return Report(report_id, entry, entry_title, guild_id, channel_id, user_id, now, text.text)

    async def table_exists(self) -> bool:
        """False on a database the bot has not migrated to the reports schema yet."""
        sql = (
            "SELECT 1 FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_name = 'reports'"
            if dialect(self._db) == "postgres"
            else "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reports'"
        )
        async with self._db.execute(sql) as cursor:
            return await cursor.fetchone() is not None

    async def count_by(self, user_id: int) -> int:
        """How many reports this fan has sent (for /me show)."""
        async with self._db.execute("SELECT count(*) FROM reports WHERE user_id = ?", (user_id,)) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def forget(self, user_id: int, *, tx: Transaction | None = None) -> bool:
        """Delete the fan's reports (/me forget); whether there were any."""
        async with joined_transaction(self._db, tx) as db:
            cursor = await db.execute("DELETE FROM reports WHERE user_id = ?", (user_id,))
            deleted = cursor.rowcount > 0
            await cursor.close()
        return deleted

    async def count(self) -> int:
        async with self._db.execute("SELECT count(*) FROM reports") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def newest(self, limit: int) -> list[Report]:
        """The latest `limit` reports, newest first."""
        async with self._db.execute(
            f"SELECT {_COLUMNS} FROM reports ORDER BY created_at DESC, id DESC LIMIT ?", (limit,)
        ) as cursor:
            return [_from_row(row) for row in await cursor.fetchall()]
