"""The /about and /help answers."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import discord

from bot.domain.dates import long_date
from bot.domain.model import Dataset
from bot.domain.text import truncate
from bot.render.common import BRAND_COLOUR, fit_embed, join_lines

HELP_LIMIT = 2000  # the whole /help answer, as for a message


@dataclass(frozen=True, slots=True)
class CommandHelp:
    name: str  # "cast lookup"
    description: str
    example: str  # "/cast lookup name:Kit Connor"
    moderators: bool  # shown by Discord only to members with Manage Server
    group_description: str = ""  # a subcommand's group ("Your own settings…"), shown once for the group


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
    embed.add_field(
        name="More", value="`/faq` for the series facts, `/help` for every command.", inline=False
    )
    if dataset.knowledge_note:
        embed.set_footer(text=dataset.knowledge_note)
    return fit_embed(embed)


def _help_lines(entries: Sequence[CommandHelp]) -> list[str]:
    """One line per command; a group's subcommands share one line (each example, then the group's words),
    so the whole list stays within one message as commands are added."""
    groups: dict[str, list[CommandHelp]] = {}
    for entry in entries:
        groups.setdefault(entry.name.split(" ", 1)[0], []).append(entry)
    lines: list[str] = []
    for members in groups.values():
        if len(members) == 1:
            lines.append(f"`{members[0].example}` — {members[0].description}")
            continue
        examples = " · ".join(f"`{member.example}`" for member in members)
        lines.append(f"{examples} — {members[0].group_description or members[0].description}")
    return lines


def help_embed(entries: Sequence[CommandHelp], dataset: Dataset) -> discord.Embed:
    """Every command with one example, fans' commands first, within 2,000 characters in all."""
    fans = _help_lines([entry for entry in entries if not entry.moderators])
    moderators = _help_lines([entry for entry in entries if entry.moderators])
    intro = (
        f"Answers about **{dataset.title}** from a dataset checked on {long_date(dataset.verified_on)}. "
        "Type `/` and pick a command: options suggest values as you type."
    )
    sections = [intro, "", "**For fans**", *fans]
    if moderators:
        sections += ["", "**For moderators** (Manage Server)", *moderators]
    title = "Fandex commands"
    embed = discord.Embed(
        title=title,
        description=join_lines(sections, HELP_LIMIT - len(title)),
        colour=BRAND_COLOUR,
    )
    return fit_embed(embed)
