"""Claims: the one process that sends a pending announcement, daily post or reminder (issue 15, item 3).

Several processes (shards, an overlapping deploy) may find the same row pending. Each claims it with one
conditional write: the first INSERT (ON CONFLICT DO NOTHING) or an UPDATE that succeeds only when nobody
holds an unexpired lease; the row count says who won, on SQLite and PostgreSQL alike (an UPDATE re-checks
its WHERE once the row's lock is free, so two claims at once cannot both succeed). A process that dies
mid-send holds its claim until `LEASE` runs out; then another claims it and retries with the same nonce.
On SQLite one process runs at a time: every process claims as the same one, so a restart retries at once.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.storage.database import dialect, transaction

if TYPE_CHECKING:
    from bot.storage.database import Connection

# Longer than one attempt takes (a history read and a send, each at most 30 s).
LEASE = timedelta(minutes=2)
# Who claims: this process, distinguishable from a restarted one with the same pid.
PROCESS = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
SQLITE = "sqlite"  # the claimant on SQLite: one process at a time, the same one across restarts
# The WHERE condition (two parameters: now, PROCESS): nobody else holds an unexpired claim.
CLAIMABLE = "(claimed_until IS NULL OR claimed_until <= ? OR claimed_by = ?)"


def claimant_for(db: Connection, claimant: str | None) -> str:
    """`claimant`, else who this process is on `db`: itself on PostgreSQL, "sqlite" on SQLite."""
    if claimant is not None:
        return claimant
    return PROCESS if dialect(db) == "postgres" else SQLITE


def stamp(moment: datetime) -> str:
    """One fixed format (UTC, microseconds) so that comparing the text compares the times."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def claim_values(now: datetime, claimant: str) -> tuple[str, str]:
    """(claimed_by, claimed_until) for a claim `claimant` makes now."""
    return claimant, stamp(now + LEASE)


def claimable(now: datetime, claimant: str) -> tuple[str, str]:
    """The parameters of CLAIMABLE, for `claimant`."""
    return stamp(now), claimant


def _where(key: Mapping[str, object]) -> str:
    return " AND ".join(f"{column} = ?" for column in key)


async def claim_row(
    db: Connection, table: str, key: Mapping[str, object], now: datetime, claimant: str
) -> bool:
    """Claim the pending row of `table` whose columns equal `key` (committed on return): False when it is
    settled, or another process holds an unexpired claim on it (it is sending it, or died less than LEASE
    ago). `table` and the column names are the repository's own constants, never user input."""
    async with transaction(db) as tx:
        cursor = await tx.execute(
            f"UPDATE {table} SET claimed_by = ?, claimed_until = ?"
            f" WHERE {_where(key)} AND state = 'pending' AND {CLAIMABLE}",
            (*claim_values(now, claimant), *key.values(), *claimable(now, claimant)),
        )
        return cursor.rowcount > 0


async def release_row(db: Connection, table: str, key: Mapping[str, object], claimant: str) -> None:
    """Give up `claimant`'s claim on the row of `table` whose columns equal `key`, left pending (to be
    retried by whichever process is next)."""
    async with transaction(db) as tx:
        await tx.execute(
            f"UPDATE {table} SET claimed_until = NULL WHERE {_where(key)} AND claimed_by = ?",
            (*key.values(), claimant),
        )
