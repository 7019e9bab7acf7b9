"""Everything Fandex stores about one fan, deleted at once (/me forget).

Each store of per-fan data (`FandexBot.fan_stores()`: the fan's settings, and whatever a later feature keeps
about a fan) forgets its part inside one transaction, so a fan is forgotten completely or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.storage.database import Connection, Transaction, transaction


class FanStore(Protocol):
    async def forget(self, user_id: int, *, tx: Transaction | None = None) -> bool:
        """Delete what this store holds about the fan (in `tx`); whether it held anything."""
        ...


async def forget_fan(db: Connection, stores: Sequence[FanStore], user_id: int) -> bool:
    """Delete everything every store holds about the fan, in one transaction; whether there was anything."""
    async with transaction(db) as tx:
        found = [await store.forget(user_id, tx=tx) for store in stores]
    return any(found)
