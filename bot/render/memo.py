"""Embeds that are a pure function of their key, built once per key.

The dataset never changes while the bot runs, so an answer like /plot's depends only on which entry
was asked for and the server's spoiler limit. Building it (escaping and fitting the dataset's text)
was a quarter of /plot's profile (py-spy, `python -m bench.profile "plot" season=2`: production_embed
24% of the samples against 33% for discord.py's whole send_message), so each is built once.

The cached embeds are shared between requests: callers send them as they are and never mutate them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import discord

# Keys are (entry, episode, spoiler limit): a few hundred on the shipped dataset. The bound only
# matters for a large cast (10,000 characters × limits); past it, the oldest entries are dropped.
DEFAULT_MAX_ENTRIES = 4096


class EmbedMemo:
    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self._max_entries = max_entries
        self._embeds: dict[Hashable, discord.Embed] = {}

    def get(self, key: Hashable, build: Callable[[], discord.Embed]) -> discord.Embed:
        """The embed for `key`, built by `build()` the first time it is asked for."""
        embed = self._embeds.get(key)
        if embed is None:
            embed = build()
            if len(self._embeds) >= self._max_entries:
                del self._embeds[next(iter(self._embeds))]  # the oldest: dicts keep insertion order
            self._embeds[key] = embed
        return embed

    def __len__(self) -> int:
        return len(self._embeds)
