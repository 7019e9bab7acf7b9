"""Cards as attachments: a bounded cache of rendered PNGs and the `discord.File` an answer carries.

A card is rendered once per key (for /countdown the card's own content, which follows from the event, the
day in the zone days count in and the locale, and never depends on the spoiler limit: a card holds no story
text; for /timeline the catalog, the spoiler limit and the language) and kept in a least-recently-used cache
of `maxsize` entries, so a busy day renders each card once. A cold render runs in a worker thread, so the
event loop keeps answering meanwhile (bench/bench_cards.py measures both).
"""

from __future__ import annotations

import asyncio
import io
from collections import OrderedDict
from collections.abc import Callable, Hashable

import discord

from bot.render.cards import ALT_TEXT_LIMIT


class CardCache:
    """The last `maxsize` rendered cards, by key."""

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self._cards: OrderedDict[Hashable, bytes] = OrderedDict()

    async def png(self, key: Hashable, render: Callable[[], bytes]) -> bytes:
        """The card for `key`, rendered by `render` (in a thread) unless it is cached."""
        cached = self._cards.get(key)
        if cached is not None:
            self._cards.move_to_end(key)
            return cached
        rendered = await asyncio.to_thread(render)
        self._cards[key] = rendered
        while len(self._cards) > self.maxsize:
            self._cards.popitem(last=False)
        return rendered

    def __len__(self) -> int:
        return len(self._cards)


def card_file(png: bytes, filename: str, alt_text: str) -> discord.File:
    """The attachment: `filename` is what the embed's `attachment://` image names; alt text ≤1024."""
    return discord.File(io.BytesIO(png), filename=filename, description=alt_text[:ALT_TEXT_LIMIT])
