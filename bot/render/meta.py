"""The /about answer."""

from __future__ import annotations

import math
from collections.abc import Mapping

import discord

from bot.domain.dates import long_date
from bot.domain.model import Dataset
from bot.domain.text import truncate
from bot.render.common import BRAND_COLOUR, fit_embed


def about_embed(
    *, version: str, dataset: Dataset, counts: Mapping[str, int], latency: float
) -> discord.Embed:
    embed = discord.Embed(
        title="Fandex",
        description=truncate(
            f"A fan-made guide to **{dataset.title}**: cast, plot, books and countdowns, "
            "answered from a local dataset where every fact keeps its source.",
            4096,
        ),
        colour=BRAND_COLOUR,
    )
    embed.add_field(name="Version", value=version, inline=True)
    embed.add_field(name="Dataset", value=truncate(dataset.title, 1024), inline=True)
    embed.add_field(name="Facts last verified", value=long_date(dataset.verified_on), inline=True)
    listed = ", ".join(
        f"{number} {kind.removesuffix('s') if number == 1 else kind}" for kind, number in counts.items()
    )
    embed.add_field(name="Entries", value=truncate(listed or "empty", 1024), inline=False)
    ping = "measuring…" if not math.isfinite(latency) else f"{latency * 1000:.0f} ms"
    embed.add_field(name="Gateway latency", value=ping, inline=True)
    if dataset.knowledge_note:
        embed.set_footer(text=dataset.knowledge_note)
    return fit_embed(embed)
