"""The "On this day" log and the release-thread log: the only SQL for `daily_posts` and `release_threads`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.domain.anniversaries import DailyPost, ReleaseThread
from bot.storage.claims import claim_row, claim_values, claimant_for, release_row
from bot.storage.database import Connection, Transaction, joined_transaction, transaction


def _post(row: Any) -> DailyPost:
    return DailyPost(
        guild_id=row["guild_id"],
        day=date.fromisoformat(row["day"]),
        state=row["state"],
        nonce=row["nonce"],
        attempted_at=datetime.fromisoformat(row["attempted_at"]),
        message_id=row["message_id"],
        detail=row["detail"],
    )


def _thread(row: Any) -> ReleaseThread:
    return ReleaseThread(
        guild_id=row["guild_id"],
        event_key=row["event_key"],
        state=row["state"],
        attempted_at=datetime.fromisoformat(row["attempted_at"]),
        message_id=row["message_id"],
        thread_id=row["thread_id"],
        detail=row["detail"],
    )


class DailyLog:
    def __init__(self, db: Connection, *, claimant: str | None = None) -> None:
        """`claimant`: who this process is in the claims it makes (tests stand in for two processes)."""
        self._db = db
        self._claimant = claimant_for(db, claimant)

    async def get(self, guild_id: int, day: date) -> DailyPost | None:
        async with self._db.execute(
            "SELECT * FROM daily_posts WHERE guild_id = ? AND day = ?", (guild_id, day.isoformat())
        ) as cursor:
            row = await cursor.fetchone()
        return _post(row) if row else None

    async def for_guild(self, guild_id: int) -> list[DailyPost]:
        async with self._db.execute(
            "SELECT * FROM daily_posts WHERE guild_id = ? ORDER BY day", (guild_id,)
        ) as cursor:
            rows = await cursor.fetchall()
        return [_post(row) for row in rows]

    async def insert(self, post: DailyPost) -> bool:
        """Record a new pending row claimed by this process (committed on return); False if that server's
        day has one already (another process, or an earlier run, has it)."""
        async with transaction(self._db) as db:
            cursor = await db.execute(
                "INSERT INTO daily_posts (guild_id, day, state, nonce, attempted_at, claimed_by,"
                " claimed_until) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, day) DO NOTHING",
                (
                    post.guild_id,
                    post.day.isoformat(),
                    post.state,
                    post.nonce,
                    post.attempted_at.isoformat(),
                    *claim_values(post.attempted_at, self._claimant),
                ),
            )
            return cursor.rowcount > 0

    async def claim(self, post: DailyPost, now: datetime) -> bool:
        """Claim a pending row for this process (committed on return; see claims.claim_row)."""
        return await claim_row(self._db, "daily_posts", _key(post), now, self._claimant)

    async def release(self, post: DailyPost) -> None:
        """Give up this process's claim on a row left pending."""
        await release_row(self._db, "daily_posts", _key(post), self._claimant)

    async def settle(
        self,
        post: DailyPost,
        state: str,
        *,
        message_id: int | None = None,
        detail: str | None = None,
        tx: Transaction | None = None,
    ) -> None:
        async with joined_transaction(self._db, tx) as db:
            await db.execute(
                "UPDATE daily_posts SET state = ?, message_id = ?, detail = ?"
                " WHERE guild_id = ? AND day = ? AND state = 'pending'",
                (state, message_id, detail, post.guild_id, post.day.isoformat()),
            )


class ReleaseThreadLog:
    def __init__(self, db: Connection) -> None:
        self._db = db

    async def get(self, guild_id: int, event_key: str) -> ReleaseThread | None:
        async with self._db.execute(
            "SELECT * FROM release_threads WHERE guild_id = ? AND event_key = ?", (guild_id, event_key)
        ) as cursor:
            row = await cursor.fetchone()
        return _thread(row) if row else None

    async def for_guild(self, guild_id: int) -> list[ReleaseThread]:
        async with self._db.execute(
            "SELECT * FROM release_threads WHERE guild_id = ? ORDER BY attempted_at", (guild_id,)
        ) as cursor:
            rows = await cursor.fetchall()
        return [_thread(row) for row in rows]

    async def want(self, guild_id: int, event_key: str, now: datetime) -> None:
        """Record that this release's announcement gets a thread (committed on return; once per release)."""
        async with transaction(self._db) as db:
            await db.execute(
                "INSERT INTO release_threads (guild_id, event_key, state, attempted_at)"
                " VALUES (?, ?, 'pending', ?) ON CONFLICT (guild_id, event_key) DO NOTHING",
                (guild_id, event_key, now.isoformat()),
            )

    async def settle(
        self,
        thread: ReleaseThread,
        state: str,
        *,
        message_id: int | None = None,
        thread_id: int | None = None,
        detail: str | None = None,
        tx: Transaction | None = None,
    ) -> None:
        async with joined_transaction(self._db, tx) as db:
            await db.execute(
                "UPDATE release_threads SET state = ?, message_id = ?, thread_id = ?, detail = ?"
                " WHERE guild_id = ? AND event_key = ? AND state = 'pending'",
                (state, message_id, thread_id, detail, thread.guild_id, thread.event_key),
            )


def _key(post: DailyPost) -> dict[str, object]:
    return {"guild_id": post.guild_id, "day": post.day.isoformat()}
