"""Embeds that are a pure function of their key, built once per key.

The dataset never changes while the bot runs, so an answer like /plot's depends only on which entry
was asked for and the server's spoiler limit. Building it (escaping and fitting the dataset's text)
was a quarter of /plot's profile (py-spy, `python -m bench.profile "plot" season=2`: production_embed
24% of the samples against 33% for discord.py's whole send_message), so each is built once.

The cached embeds are shared between requests, so they are frozen: any attempt to change one raises.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar, cast

import discord

# Keys are (entry, episode, spoiler limit): a few hundred on the shipped dataset. The bound only
# matters for a large cast (10,000 characters × limits); past it, the oldest entries are dropped.
DEFAULT_MAX_ENTRIES = 4096
T = TypeVar("T")


_MUTATORS = (
    "set_footer",
    "remove_footer",
    "set_image",
    "set_thumbnail",
    "set_author",
    "remove_author",
    "add_field",
    "insert_field_at",
    "clear_fields",
    "remove_field",
    "set_field_at",
)


class FrozenEmbed(discord.Embed):
    """An embed that refuses every change once built (a copy of it is an ordinary, mutable embed)."""

    __slots__ = ("_frozen",)

    @classmethod
    def freeze(cls, embed: discord.Embed) -> FrozenEmbed:
        frozen = cls.from_dict(embed.to_dict())
        object.__setattr__(frozen, "_frozen", True)
        return frozen

    def copy(self) -> discord.Embed:
        return discord.Embed.from_dict(copy.deepcopy(self.to_dict()))

    def __setattr__(self, name: str, value: object) -> None:
        if getattr(self, "_frozen", False):
            raise AttributeError("a memoised embed is shared between replies: copy() it to change it")
        super().__setattr__(name, value)


def _refuse(name: str) -> Callable[..., Any]:
    def refuse(self: FrozenEmbed, *args: object, **kwargs: object) -> Any:
        if getattr(self, "_frozen", False):
            raise AttributeError(f"a memoised embed is shared between replies: copy() it to {name}")
        return getattr(discord.Embed, name)(self, *args, **kwargs)

    return refuse


for _name in _MUTATORS:
    setattr(FrozenEmbed, _name, _refuse(_name))


def freeze(value: T) -> T:
    """The value with every embed in it frozen: an embed itself, or a dataclass holding one as `embed`."""
    if isinstance(value, discord.Embed):
        return cast(T, FrozenEmbed.freeze(value))
    embed = getattr(value, "embed", None)
    if isinstance(embed, discord.Embed) and dataclasses.is_dataclass(value):
        return cast(T, dataclasses.replace(cast(Any, value), embed=FrozenEmbed.freeze(embed)))
    return value


class EmbedMemo(Generic[T]):
    """Answers keyed explicitly by everything they depend on; each built once, then shared frozen."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self._max_entries = max_entries
        self._embeds: dict[Hashable, T] = {}

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value for `key`, built by `build()` the first time it is asked for."""
        value = self._embeds.get(key)
        if value is None:
            value = freeze(build())
            if len(self._embeds) >= self._max_entries:
                del self._embeds[next(iter(self._embeds))]  # the oldest: dicts keep insertion order
            self._embeds[key] = value
        return value

    def __len__(self) -> int:
        return len(self._embeds)
