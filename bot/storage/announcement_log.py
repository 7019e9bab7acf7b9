"""The announcement log: the only SQL for `announcements`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.announcements import Announcement, Kind, State
from bot.storage.claims import claim_row, claim_values, claimant_for, release_row
from bot.storage.database import Connection, Transaction, joined_transaction, transaction


def _from_row(row: Any) -> Announcement:
    return Announcement(
        guild_id=row["guild_id"],
        event_key=row["event_key"],
        kind=row["kind"],
        due_at=datetime.fromisoformat(row["due_at"]),
        state=row["state"],
        nonce=row["nonce"],
        message_id=row["message_id"],
        attempted_at=datetime.fromisoformat(row["attempted_at"]) if row["attempted_at"] else None,
        detail=row["detail"],
    )


class AnnouncementLog:
    def __init__(self, db: Connection, *, claimant: str | None = None) -> None:
        """`claimant`: who this process is in the claims it makes (tests stand in for two processes)."""
        self._db = db
        self._claimant = claimant_for(db, claimant)

    async def get(self, guild_id: int, event_key: str, kind: Kind) -> Announcement | None:
        async with self._db.execute(
            "SELECT * FROM announcements WHERE guild_id = ? AND event_key = ? AND kind = ?",
            (guild_id, event_key, kind),
        ) as cursor:
            row = await cursor.fetchone()
        return _from_row(row) if row else None

    async def for_guild(self, guild_id: int) -> list[Announcement]:
        async with self._db.execute(
            "SELECT * FROM announcements WHERE guild_id = ? ORDER BY due_at, kind", (guild_id,)
        ) as cursor:
            rows = await cursor.fetchall()
        return [_from_row(row) for row in rows]

    async def insert(self, announcement: Announcement, now: datetime | None = None) -> bool:
        """Record a new row (committed on return), claimed by this process when `now` is given; False if
        one already exists for that key (another process, or an earlier run, has it)."""
        claimed_by, claimed_until = claim_values(now, self._claimant) if now is not None else (None, None)
        async with transaction(self._db) as db:
            cursor = await db.execute(
                "INSERT INTO announcements (guild_id, event_key, kind, due_at, state, nonce, message_id,"
                " attempted_at, detail, claimed_by, claimed_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (guild_id, event_key, kind) DO NOTHING",
                (
                    announcement.guild_id,
                    announcement.event_key,
                    announcement.kind,
                    announcement.due_at.isoformat(),
                    announcement.state,
                    announcement.nonce,
                    announcement.message_id,
                    announcement.attempted_at.isoformat() if announcement.attempted_at else None,
                    announcement.detail,
                    claimed_by,
                    claimed_until,
                ),
            )
            return cursor.rowcount > 0

    async def claim(self, announcement: Announcement, now: datetime) -> bool:
        """Claim a pending row for this process (committed on return; see claims.claim_row)."""
        return await claim_row(self._db, "announcements", _key(announcement), now, self._claimant)

    async def release(self, announcement: Announcement) -> None:
        """Give up this process's claim on a row left pending (to be retried by whichever process is next)."""
        await release_row(self._db, "announcements", _key(announcement), self._claimant)

    async def settle(
        self,
        announcement: Announcement,
        state: State,
        *,
        message_id: int | None = None,
        detail: str | None = None,
        tx: Transaction | None = None,
    ) -> None:
        """Move a pending row on (in the caller's transaction `tx`, if given); a settled row never changes."""
        async with joined_transaction(self._db, tx) as db:
            await db.execute(
                "UPDATE announcements SET state = ?, message_id = COALESCE(?, message_id),"
                " detail = COALESCE(?, detail)"
                " WHERE guild_id = ? AND event_key = ? AND kind = ? AND state = 'pending'",
                (
                    state,
                    message_id,
                    detail,
                    announcement.guild_id,
                    announcement.event_key,
                    announcement.kind,
                ),
            )


def _key(announcement: Announcement) -> dict[str, object]:
    return {
        "guild_id": announcement.guild_id,
        "event_key": announcement.event_key,
        "kind": announcement.kind,
    }
