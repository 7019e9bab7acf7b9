""" "🔔 Remind me": the only SQL for `reminders`.

Every change to a pending reminder is conditional on it still being pending, so a reminder the fan
cancelled (or forgot) while a delivery was under way is not brought back, and a settled one never changes.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.domain.clock import Clock
from bot.domain.reminders import (
    MAX_PENDING,
    Added,
    AddResult,
    AlreadySet,
    Lead,
    Reminder,
    State,
    TooMany,
    due_time,
)
from bot.storage.claims import CLAIMABLE, claim_values, claimable, claimant_for
from bot.storage.database import (
    Connection,
    Transaction,
    joined_transaction,
    listen,
    notify_on_commit,
    serialize,
    transaction,
)

log = logging.getLogger(__name__)

_FIELDS = tuple(f.name for f in dataclasses.fields(Reminder))
_COLUMNS = ", ".join(_FIELDS)
_TIMES = frozenset({"starts_at", "due_at", "next_try_at", "created_at", "doubt_since", "settled_at"})
_PENDING_FIRST = (
    "ORDER BY state != 'pending', CASE WHEN state = 'pending' THEN due_at END, settled_at DESC, id"
)


def _stamp(moment: datetime) -> str:
    """One fixed format (UTC, microseconds) so that comparing the text compares the times."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _optional_stamp(moment: datetime | None) -> str | None:
    return None if moment is None else _stamp(moment)


def _from_row(row: Any) -> Reminder:
    values: dict[str, Any] = dict(zip(_FIELDS, row, strict=True))
    for name in _TIMES:
        if values[name] is not None:
            values[name] = datetime.fromisoformat(values[name])
    return Reminder(**values)


# NOTIFY channel: a fan added a reminder in some process (the payload is their id).
ADDED = "fandex_reminder_added"


class ReminderRepository:
    """A fan's reminders, and what the delivery needs of all of them."""

    def __init__(
        self,
        db: Connection,
        clock: Clock,
        *,
        split: tuple[int, tuple[int, ...]] | None = None,
        claimant: str | None = None,
    ) -> None:
        """`split` (shard count, this process's shard ids): the delivery reads only the reminders of fans
        whose `(user_id >> 22) % count` is one of the ids, so that processes split the DMs between them
        by a rule that never changes while the count does not; None: every fan's (one process)."""
        self._db = db
        self._clock = clock
        self._split = split
        self._claimant = claimant_for(db, claimant)  # who this process is in the claims it makes

    async def _select(self, where: str, params: tuple[Any, ...]) -> list[Reminder]:
        async with self._db.execute(f"SELECT {_COLUMNS} FROM reminders WHERE {where}", params) as cur:
            return [_from_row(row) for row in await cur.fetchall()]

    async def add(
        self,
        *,
        user_id: int,
        event_key: str,
        event_title: str,
        lead: Lead,
        starts_at: datetime,
        zone: str,
        guild_id: int | None,
        channel_id: int | None,
    ) -> AddResult:
        """Store a reminder, unless the fan has the same one already or MAX_PENDING waiting: checked in the
        same transaction, so two clicks at once cannot both slip under the limit."""
        now = self._clock.now()
        due_at = due_time(starts_at, lead)
        async with transaction(self._db) as db:
            await serialize(db, f"reminders:user:{user_id}")
            notify_on_commit(db, ADDED, str(user_id))  # the process delivering this fan's DMs wakes
            async with db.execute(
                f"SELECT {_COLUMNS} FROM reminders WHERE user_id = ? AND state = 'pending'", (user_id,)
            ) as cursor:
                pending = [_from_row(row) for row in await cursor.fetchall()]
            same = next((r for r in pending if (r.event_key, r.lead) == (event_key, lead)), None)
            if same is not None:
                return AlreadySet(same)
            if len(pending) >= MAX_PENDING:
                return TooMany(len(pending))
            cursor = await db.execute(
                "INSERT INTO reminders (user_id, event_key, event_title, lead, starts_at, due_at, zone,"
                " guild_id, channel_id, state, next_try_at, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id",
                (
                    user_id,
                    event_key,
                    event_title,
                    lead,
                    _stamp(starts_at),
                    _stamp(due_at),
                    zone,
                    guild_id,
                    channel_id,
                    _stamp(due_at),
                    _stamp(now),
                ),
            )
            returned = await cursor.fetchone()
            reminder_id = int(returned[0]) if returned else None
        assert reminder_id is not None
        log.info("Reminder %s set for %s (%s), due %s", reminder_id, event_key, lead, due_at.isoformat())
        reminder = Reminder(
            reminder_id,
            user_id,
            event_key,
            event_title,
            lead,
            starts_at,
            due_at,
            zone,
            guild_id,
            channel_id,
            "pending",
            due_at,
            now,
        )
        return Added(reminder)

    async def get(self, reminder_id: int) -> Reminder | None:
        found = await self._select("id = ?", (reminder_id,))
        return found[0] if found else None

    async def for_user(self, user_id: int) -> list[Reminder]:
        """The fan's reminders: those waiting, soonest first, then the settled ones, latest first."""
        return await self._select(f"user_id = ? {_PENDING_FIRST}", (user_id,))

    async def pending(self, user_id: int | None = None) -> list[Reminder]:
        """Every reminder waiting (one fan's with `user_id`)."""
        if user_id is None:
            return await self._select("state = 'pending'", ())
        return await self._select("state = 'pending' AND user_id = ?", (user_id,))

    async def counts(self, user_id: int) -> tuple[int, int]:
        """How many of the fan's reminders wait, and how many are settled (for /me show)."""
        async with self._db.execute(
            "SELECT coalesce(sum(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0), count(*) FROM reminders"
            " WHERE user_id = ?",
            (user_id,),
        ) as cursor:
            row = await cursor.fetchone()
        pending, total = (int(row[0]), int(row[1])) if row else (0, 0)
        return pending, total - pending

    async def watch(self, added: Callable[[], object]) -> None:
        """Call `added()` when a reminder is added in any process (PostgreSQL; nothing on SQLite), so that
        the process delivering it wakes even when another one took the click."""
        await listen(self._db, ADDED, lambda _payload: added())

    def _mine(self) -> tuple[str, tuple[int, ...]]:
        """The condition (and its parameters) for the fans this process delivers to."""
        if self._split is None:
            return "", ()
        count, ids = self._split
        return f" AND (user_id >> 22) % ? IN ({', '.join('?' * len(ids))})", (count, *ids)

    async def due(self, now: datetime, limit: int) -> list[Reminder]:
        """Pending reminders (of this process's fans) whose time has come, the longest waiting first."""
        mine, params = self._mine()
        return await self._select(
            f"state = 'pending' AND next_try_at <= ?{mine} ORDER BY next_try_at, id LIMIT ?",
            (_stamp(now), *params, limit),
        )

    async def next_try_at(self) -> datetime | None:
        """When the soonest pending reminder (of this process's fans) is next to be tried."""
        mine, params = self._mine()
        async with self._db.execute(
            f"SELECT min(next_try_at) FROM reminders WHERE state = 'pending'{mine}", params
        ) as cursor:
            row = await cursor.fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def _update(
        self, reminder: Reminder, assignments: str, params: tuple[Any, ...], *, claimed: bool = False
    ) -> bool:
        """Change a reminder that is still pending; whether it was. `claimed`: only while no other process
        holds an unexpired claim on it (a delivery step: the claimer's try is not to be overwritten)."""
        condition, extra = (
            (" AND " + CLAIMABLE, claimable(self._clock.now(), self._claimant)) if claimed else ("", ())
        )
        async with transaction(self._db) as db:
            cursor = await db.execute(
                f"UPDATE reminders SET {assignments} WHERE id = ? AND state = 'pending'{condition}",
                (*params, reminder.id, *extra),
            )
            return cursor.rowcount > 0

    async def record_try(
        self, reminder: Reminder, dm_channel_id: int, *, doubt_since: datetime
    ) -> Reminder | None:
        """Record a try (committed on return) before it is sent, in doubt since `doubt_since` until its
        outcome is known, and claim it for this process: the reminder as it now is, or None when it is
        no longer pending (cancelled or forgotten meanwhile) or another process claimed it: not to be sent."""
        changed = await self._update(
            reminder,
            "tries = tries + 1, doubt_since = ?, dm_channel_id = ?, claimed_by = ?, claimed_until = ?",
            (_stamp(doubt_since), dm_channel_id, *claim_values(self._clock.now(), self._claimant)),
            claimed=True,
        )
        if not changed:
            return None
        return dataclasses.replace(
            reminder, tries=reminder.tries + 1, doubt_since=doubt_since, dm_channel_id=dm_channel_id
        )

    async def retry(
        self,
        reminder: Reminder,
        at: datetime,
        *,
        doubt_since: datetime | None,
        forget_channel: bool = False,
    ) -> None:
        """Try again at `at`; `doubt_since`: since when a try may have posted it (None: none did)."""
        channel = "NULL" if forget_channel else "dm_channel_id"
        await self._update(
            reminder,
            f"next_try_at = ?, doubt_since = ?, dm_channel_id = {channel}, claimed_until = NULL",
            (_stamp(at), _optional_stamp(doubt_since)),
            claimed=True,
        )

    async def refused(
        self,
        reminder: Reminder,
        at: datetime | None,
        now: datetime,
        note: str,
        *,
        doubt_since: datetime | None,
    ) -> None:
        """The fan's DMs refused a try: try again at `at`, or with None settle it as failed (`note`)."""
        if at is not None:
            await self._update(
                reminder,
                "refusals = refusals + 1, doubt_since = ?, next_try_at = ?, claimed_until = NULL",
                (_optional_stamp(doubt_since), _stamp(at)),
                claimed=True,
            )
            return
        await self._update(
            reminder,
            "refusals = refusals + 1, doubt_since = NULL, state = 'failed', note = ?, settled_at = ?",
            (note, _stamp(now)),
        )

    async def settle(
        self,
        reminder: Reminder,
        state: State,
        now: datetime,
        *,
        message_id: int | None = None,
        note: str | None = None,
    ) -> bool:
        """Settle a pending reminder for good (sent, failed, cancelled, missed); whether it was pending."""
        return await self._update(
            reminder,
            "state = ?, message_id = COALESCE(?, message_id), note = COALESCE(?, note), settled_at = ?,"
            " doubt_since = NULL",
            (state, message_id, note, _stamp(now)),
        )

    async def move(
        self, reminder: Reminder, *, starts_at: datetime, due_at: datetime, title: str, note: str
    ) -> None:
        await self._update(
            reminder,
            "starts_at = ?, due_at = ?, next_try_at = ?, event_title = ?, note = ?",
            (_stamp(starts_at), _stamp(due_at), _stamp(due_at), title, note),
        )

    async def retitle(self, reminder: Reminder, title: str) -> None:
        await self._update(reminder, "event_title = ?", (title,))

    async def cancel(self, reminder_id: int, user_id: int) -> bool:
        """Delete the fan's own pending reminder (they cancelled it); whether there was one."""
        async with transaction(self._db) as db:
            cursor = await db.execute(
                "DELETE FROM reminders WHERE id = ? AND user_id = ? AND state = 'pending'",
                (reminder_id, user_id),
            )
            return cursor.rowcount > 0

    async def forget(self, user_id: int, *, tx: Transaction | None = None) -> bool:
        """Delete all the fan's reminders (/me forget); whether there were any."""
        async with joined_transaction(self._db, tx) as db:
            cursor = await db.execute("DELETE FROM reminders WHERE user_id = ?", (user_id,))
            deleted = cursor.rowcount > 0
            await cursor.close()
        return deleted

    async def prune(self, settled_before: datetime) -> int:
        """Delete reminders settled before `settled_before`; how many."""
        async with transaction(self._db) as db:
            cursor = await db.execute(
                "DELETE FROM reminders WHERE state != 'pending' AND settled_at < ?", (_stamp(settled_before),)
            )
            return cursor.rowcount
