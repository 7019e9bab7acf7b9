"""The /about and /help answers."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import discord

from bot.domain.i18n import DESCRIPTION, ENGLISH, N_, Words
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


# Other languages say "Temporadas: 3", which needs no plural forms; English keeps "3 seasons", "1 work".
_COUNTED = {
    "works": N_("{n} works"),
    "seasons": N_("{n} seasons"),
    "episodes": N_("{n} episodes"),
    "films": N_("{n} films"),
    "characters": N_("{n} characters"),
    "events": N_("{n} events"),
}


def _entry_count(kind: str, number: int, tr: Words) -> str:
    """ "3 seasons", "1 work": the kinds are bot/domain/model.py's `counts`."""
    if tr.is_english or kind not in _COUNTED:
        return f"{number} {kind.removesuffix('s') if number == 1 else kind}"
    return tr(_COUNTED[kind], n=tr.number(number))


def about_embed(
    *, version: str, dataset: Dataset, counts: Mapping[str, int], latency: float, tr: Words = ENGLISH
) -> discord.Embed:
    embed = discord.Embed(
        title="Fandex",
        description=truncate(
            tr(
                "A fan-made guide to **{title}**: cast, plot, books and countdowns, answered from a local "
                "dataset where every fact keeps its source.",
                title=dataset.title,
            ),
            4096,
        ),
        colour=BRAND_COLOUR,
    )
    embed.add_field(name=tr("Version"), value=version, inline=True)
    embed.add_field(name=tr("Dataset"), value=truncate(dataset.title, 1024), inline=True)
    embed.add_field(name=tr("Facts last verified"), value=tr.day(dataset.verified_on), inline=True)
    listed = ", ".join(_entry_count(kind, number, tr) for kind, number in counts.items())
    embed.add_field(name=tr("Entries"), value=truncate(listed or tr("empty"), 1024), inline=False)
    ping = tr("measuring…") if not math.isfinite(latency) else f"{latency * 1000:.0f} ms"
    embed.add_field(name=tr("Gateway latency"), value=ping, inline=True)
    embed.add_field(
        name=tr("More"), value=tr("`/faq` for the series facts, `/help` for every command."), inline=False
    )
    if dataset.knowledge_note:
        embed.set_footer(text=dataset.knowledge_note)
    return fit_embed(embed)


def _described(description: str, tr: Words) -> str:
    """A command's description in the reader's language: the one its localizations carry."""
    return tr.in_context(DESCRIPTION, description) or description


def _help_lines(entries: Sequence[CommandHelp], tr: Words) -> list[str]:
    """One line per command; a group's subcommands share one line (each example, then the group's words),
    so the whole list stays within one message as commands are added."""
    groups: dict[str, list[CommandHelp]] = {}
    for entry in entries:
        groups.setdefault(entry.name.split(" ", 1)[0], []).append(entry)
    lines: list[str] = []
    for members in groups.values():
        if len(members) == 1:
            lines.append(f"`{members[0].example}` — {_described(members[0].description, tr)}")
            continue
        examples = " · ".join(f"`{member.example}`" for member in members)
        described = _described(members[0].group_description or members[0].description, tr)
        lines.append(f"{examples} — {described}")
    return lines


def help_embed(entries: Sequence[CommandHelp], dataset: Dataset, tr: Words = ENGLISH) -> discord.Embed:
    """Every command with one example, fans' commands first, within 2,000 characters in all."""
    fans = _help_lines([entry for entry in entries if not entry.moderators], tr)
    moderators = _help_lines([entry for entry in entries if entry.moderators], tr)
    intro = tr(
        "Answers about **{title}** from a dataset checked on {date}. Type `/` and pick a command: options "
        "suggest values as you type.",
        title=dataset.title,
        date=tr.day(dataset.verified_on),
    )
    sections = [intro, "", tr("**For fans**"), *fans]
    if moderators:
        sections += ["", tr("**For moderators** (Manage Server)"), *moderators]
    title = tr("Fandex commands")
    embed = discord.Embed(
        title=title,
        description=join_lines(sections, HELP_LIMIT - len(title)),
        colour=BRAND_COLOUR,
    )
    return fit_embed(embed)
