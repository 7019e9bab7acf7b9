"""Each server's own events: the only SQL for `guild_events`."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Collection, Iterable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.clock import Clock
from bot.domain.countdown import ServerEvent, clean_event_name
from bot.domain.dates import PartialDate
from bot.domain.errors import InvalidOptionError
from bot.domain.server_events import check_addable, last_day_possibly_expired, server_event_book
from bot.storage.database import (
    INTEGRITY_ERRORS,
    Connection,
    Transaction,
    listen,
    notify_on_commit,
    serialize,
    transaction,
)

log = logging.getLogger(__name__)

_COLUMNS = "id, guild_id, name, date, scheduled_event_id, created_by, created_at"
# NOTIFY channel: a server's events changed in some process (the payload is its id, or "*").
CHANGED = "fandex_guild_events"


def _from_row(row: Any) -> ServerEvent:
    return ServerEvent(
        id=row["id"],
        guild_id=row["guild_id"],
        name=row["name"],
        date=PartialDate.parse(row["date"]),
        scheduled_event_id=row["scheduled_event_id"],
        created_by=row["created_by"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )


def _chronological(events: Iterable[ServerEvent]) -> list[ServerEvent]:
    return sorted(events, key=lambda e: (e.date.sort_key(), e.id))


async def _delete(db: Transaction, events: Collection[ServerEvent]) -> int:
    """Delete `events` inside the caller's transaction."""
    if not events:
        return 0
    cursor = await db.executemany("DELETE FROM guild_events WHERE id = ?", [(e.id,) for e in events])
    return cursor.rowcount


class ServerEventRepository:
    """The only code that reads or writes `guild_events`."""

    def __init__(self, db: Connection, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        # /countdown reads its server's events on every call, so each server's list is cached and dropped
        # whenever a write touches it: one of this process's, or (`watch`) another process's.
        self._cache: dict[int, tuple[ServerEvent, ...]] = {}
        # Counts finished writes. A read that a write finished during (its rows may predate the write)
        # returns its rows but does not cache them: it would put back what the write just dropped.
        self._writes = 0

    async def watch(self) -> None:
        """Drop a server's cached events when any process changes them (PostgreSQL; nothing on SQLite)."""
        await listen(self._db, CHANGED, self._changed)

    def _changed(self, payload: str) -> None:
        self._writes += 1
        if payload.isdigit():
            self._cache.pop(int(payload), None)
        else:
            self._cache.clear()

    @property
    def generation(self) -> int:
        """Changes whenever a write ends: a reader holding an older number knows the events may differ."""
        return self._writes

    async def for_guild(self, guild_id: int) -> list[ServerEvent]:
        cached = self._cache.get(guild_id)
        if cached is None:
            writes_before = self._writes
            async with self._db.execute(
                f"SELECT {_COLUMNS} FROM guild_events WHERE guild_id = ?", (guild_id,)
            ) as cur:
                rows = await cur.fetchall()
            cached = tuple(_chronological(_from_row(row) for row in rows))
            if self._writes == writes_before:
                self._cache[guild_id] = cached
        return list(cached)

    async def by_guild(self) -> dict[int, list[ServerEvent]]:
        """Every server's events, for the announcer (25 upcoming at most each, and the recent past)."""
        async with self._db.execute(f"SELECT {_COLUMNS} FROM guild_events") as cursor:
            rows = await cursor.fetchall()
        grouped: dict[int, list[ServerEvent]] = {}
        for row in rows:
            event = _from_row(row)
            grouped.setdefault(event.guild_id, []).append(event)
        return {guild_id: _chronological(events) for guild_id, events in grouped.items()}

    async def add(
        self,
        guild_id: int,
        *,
        name: str,
        date: PartialDate,
        created_by: int,
        zone: ZoneInfo,
        scheduled_event_id: int | None = None,
    ) -> ServerEvent:
        """Store a new event (with the Discord scheduled event listing it, if any) in one INSERT. In the same
        transaction the limit and the unique name are checked (upcoming events in `zone`, the server's
        time zone, count; past ones do not) and events past their time to be shown are deleted."""
        name = clean_event_name(name)
        created_at = self._clock.now()
        with self._invalidating(guild_id):
            return await self._add(guild_id, name, date, created_by, created_at, zone, scheduled_event_id)

    async def check_addable(self, guild_id: int, name: str, zone: ZoneInfo) -> None:
        """Refuse now what `add` would refuse (a taken name, a full list), before anything else is done."""
        book = server_event_book(await self.for_guild(guild_id), self._clock.now(), zone)
        check_addable(book, clean_event_name(name))

    async def possibly_expired(self, now: datetime) -> list[ServerEvent]:
        """Every server's events old enough that they may have expired by `now` (a superset: which have
        depends on each server's time zone)."""
        async with self._db.execute(
            f"SELECT {_COLUMNS} FROM guild_events WHERE substr(date, 1, 10) <= ?",
            (last_day_possibly_expired(now).isoformat(),),
        ) as cursor:
            rows = await cursor.fetchall()
        return [_from_row(row) for row in rows]

    async def delete(self, events: Collection[ServerEvent]) -> int:
        """Delete these events (of any servers) in one transaction; how many were still there."""
        if not events:
            return 0
        with self._invalidating(None):
            async with transaction(self._db) as db:
                deleted = await _delete(db, events)
                for guild_id in {event.guild_id for event in events}:
                    notify_on_commit(db, CHANGED, str(guild_id))
        log.info("Deleted %d past server event(s)", deleted)
        return deleted

    @contextlib.contextmanager
    def _invalidating(self, guild_id: int | None) -> Iterator[None]:
        """Drop cached lists once a write ends, committed or not (None: every server's)."""
        try:
            yield
        finally:
            self._writes += 1
            if guild_id is None:
                self._cache.clear()
            else:
                self._cache.pop(guild_id, None)

    async def _add(
        self,
        guild_id: int,
        name: str,
        date: PartialDate,
        created_by: int,
        created_at: datetime,
        zone: ZoneInfo,
        scheduled_event_id: int | None,
    ) -> ServerEvent:
        async with transaction(self._db) as db:
            await serialize(db, f"guild_events:{guild_id}")
            notify_on_commit(db, CHANGED, str(guild_id))
            async with db.execute(
                f"SELECT {_COLUMNS} FROM guild_events WHERE guild_id = ?", (guild_id,)
            ) as cursor:
                book = server_event_book(
                    [_from_row(row) for row in await cursor.fetchall()], created_at, zone
                )
            await _delete(db, book.expired)
            check_addable(book, name)
            try:
                cursor = await db.execute(
                    "INSERT INTO guild_events"
                    " (guild_id, name, name_key, date, scheduled_event_id, created_by, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        guild_id,
                        name,
                        name.casefold(),
                        date.iso(),
                        scheduled_event_id,
                        created_by,
                        created_at.isoformat(),
                    ),
                )
                returned = await cursor.fetchone()
            except INTEGRITY_ERRORS as exc:  # the UNIQUE backstop, should the check above ever miss
                raise InvalidOptionError("An event with that name already exists here.") from exc
            event_id = int(returned[0]) if returned else None
        assert event_id is not None
        log.info("Guild %s added event %s (%s)", guild_id, event_id, date.iso())
        return ServerEvent(event_id, guild_id, name, date, scheduled_event_id, created_by, created_at)

    async def remove(self, guild_id: int, event_id: int) -> bool:
        with self._invalidating(guild_id):
            async with transaction(self._db) as db:
                cursor = await db.execute(
                    "DELETE FROM guild_events WHERE guild_id = ? AND id = ?", (guild_id, event_id)
                )
                removed = cursor.rowcount > 0
                notify_on_commit(db, CHANGED, str(guild_id))
        if removed:
            log.info("Guild %s removed event %s", guild_id, event_id)
        return removed
