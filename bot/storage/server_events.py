"""Each server's own events: the only SQL for `guild_events`."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime

import aiosqlite

from bot.domain.clock import Clock
from bot.domain.countdown import MAX_SERVER_EVENTS, ServerEvent, clean_event_name
from bot.domain.dates import PartialDate
from bot.domain.errors import InvalidOptionError
from bot.domain.text import escape_user_text
from bot.storage.database import transaction

log = logging.getLogger(__name__)

_COLUMNS = "id, guild_id, name, date, scheduled_event_id, created_by, created_at"


def _from_row(row: aiosqlite.Row) -> ServerEvent:
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


def _refuse_if_taken(taken: set[str], name: str) -> None:
    """`taken`: the server's event names, casefolded."""
    if name.casefold() in taken:
        raise InvalidOptionError(
            f"This server already has an event called **{escape_user_text(name)}**. "
            "Pick another name, or remove that one first."
        )
    if len(taken) >= MAX_SERVER_EVENTS:
        raise InvalidOptionError(
            f"This server already has {MAX_SERVER_EVENTS} events, the most it can have. "
            "Remove one with `/config event-remove` first."
        )


class ServerEventRepository:
    """The only code that reads or writes `guild_events`."""

    def __init__(self, db: aiosqlite.Connection, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        # /countdown reads its server's events on every call; this process is the only writer,
        # so each server's list is cached and dropped whenever a write touches it.
        self._cache: dict[int, tuple[ServerEvent, ...]] = {}
        # Counts finished writes. A read that a write finished during (its rows may predate the write)
        # returns its rows but does not cache them: it would put back what the write just dropped.
        self._writes = 0

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
        """Every server's events (at most 25 each), for the announcer."""
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
        scheduled_event_id: int | None = None,
    ) -> ServerEvent:
        """Store a new event (with the Discord scheduled event listing it, if any) in one INSERT; the
        limit and the unique name are checked in the same transaction."""
        name = clean_event_name(name)
        created_at = self._clock.now()
        with self._invalidating(guild_id):
            return await self._add(guild_id, name, date, created_by, created_at, scheduled_event_id)

    async def check_addable(self, guild_id: int, name: str) -> None:
        """Refuse now what `add` would refuse (a taken name, a full list), before anything else is done."""
        async with self._db.execute(
            "SELECT name_key FROM guild_events WHERE guild_id = ?", (guild_id,)
        ) as cursor:
            taken = {row[0] for row in await cursor.fetchall()}
        _refuse_if_taken(taken, clean_event_name(name))

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
        scheduled_event_id: int | None,
    ) -> ServerEvent:
        async with transaction(self._db) as db:
            async with db.execute(
                "SELECT name_key FROM guild_events WHERE guild_id = ?", (guild_id,)
            ) as cursor:
                taken = {row[0] for row in await cursor.fetchall()}
            _refuse_if_taken(taken, name)
            try:
                cursor = await db.execute(
                    "INSERT INTO guild_events"
                    " (guild_id, name, name_key, date, scheduled_event_id, created_by, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
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
            except sqlite3.IntegrityError as exc:  # the UNIQUE backstop, should the check above ever miss
                raise InvalidOptionError("An event with that name already exists here.") from exc
            event_id = cursor.lastrowid
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
        if removed:
            log.info("Guild %s removed event %s", guild_id, event_id)
        return removed
