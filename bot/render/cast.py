"""The /cast answers: one cast member, the candidates for an ambiguous name, and the paged cast list."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import discord
from discord import app_commands

from bot.domain.errors import Text
from bot.domain.i18n import ENGLISH, N_, Words
from bot.domain.model import CHARACTER_GROUPS, Character, Dataset, Production, StoryText
from bot.domain.sources import SourcePick
from bot.domain.spoilers import SpoilerLimit
from bot.domain.text import escape_user_text, truncate
from bot.render.common import (
    BRAND_COLOUR,
    CHOICE_LIMIT,
    CHOICE_TEXT_LIMIT,
    FIELD_VALUE_LIMIT,
    choice_text,
    fit_embed,
    join_lines,
    sources_text,
    spoiler,
)
from bot.render.spoilers import limit_footer

log = logging.getLogger(__name__)

PAGE_SIZE = 15  # cast members per list page: a screenful on a phone
# A name inside a longer line, and the seasons in a list line: at most 15 lines of
# (2 x 60 escaped = 120) x 2 + 40 + punctuation still fit one 6000-character embed.
NAME_LIMIT = 60
SEASONS_LIMIT = 40
GROUP_LABELS = {"main": N_("Main cast"), "recurring": N_("Recurring"), "guest": N_("Guests")}
UNKNOWN_ACTOR = N_("not confirmed (unverified)")


# The only characters escape_markdown's patterns can match (markdown marks, quotes, headings, list
# dashes, masked links); a URL alone comes back unchanged. Most names hold none, and skipping its
# regex for them took a cast member's first embed from 28 to 20 µs and an ambiguous name's list and
# menu from 87 to 60 µs (10,000 characters, median over the benchmark's queries).
_MARKDOWN_CHARACTERS = frozenset("_\\~|*`>[#-")


def _plain(text: str, limit: int = FIELD_VALUE_LIMIT) -> str:
    """Dataset text is plain: escape anything Discord would read as markdown."""
    text = truncate(text, limit)
    if _MARKDOWN_CHARACTERS.isdisjoint(text):
        return text
    return discord.utils.escape_markdown(text)


def _story_line(text: StoryText, limit: SpoilerLimit, room: int = FIELD_VALUE_LIMIT) -> str:
    if not limit.hides_text(text):
        return _plain(text.text, room)
    # spoiler() escapes pipes itself; leaving escape_markdown's would print stray backslashes.
    return spoiler(_plain(text.text, room - 8).replace("\\|", "|"))


def group_label(group: str, tr: Words = ENGLISH) -> str:
    if group in GROUP_LABELS:
        return tr(GROUP_LABELS[group])
    return group.capitalize() or tr("Cast")


def actor_text(character: Character, tr: Words = ENGLISH) -> str:
    return character.actor or tr(UNKNOWN_ACTOR)


def seasons_text(seasons: Sequence[int], tr: Words = ENGLISH) -> str:
    if not seasons:
        return tr("no season listed")
    numbers = ", ".join(str(number) for number in seasons)
    return (
        tr("Season {numbers}", numbers=numbers)
        if len(seasons) == 1
        else tr("Seasons {numbers}", numbers=numbers)
    )


def film_text(character: Character, dataset: Dataset, tr: Words = ENGLISH) -> str | None:
    """The film appearance as the dataset states it: confirmed, expected but unverified, or nothing."""
    film = dataset.film
    if film is None or character.film is None:
        return None
    if character.film == "confirmed":
        return tr("{title} (film, cast confirmed)", title=film.title)
    return tr("{title} (film): expected, unverified", title=film.title)


def appearances_text(character: Character, dataset: Dataset, tr: Words = ENGLISH) -> str:
    parts = [seasons_text(character.seasons, tr)]
    film = film_text(character, dataset, tr)
    if film:
        parts.append(film)
    return _plain(" · ".join(parts))


def choice_label(character: Character, tr: Words = ENGLISH) -> str:
    """The "Character — Actor" label of a suggestion or menu option, 1-100 characters."""
    return choice_text(f"{character.name} — {character.actor or tr('actor unverified')}")


def autocomplete_choices(
    characters: Sequence[Character], tr: Words = ENGLISH
) -> list[app_commands.Choice[str]]:
    """Suggestions whose value is the entry id, so picking one is an exact hit."""
    return [
        app_commands.Choice(
            name=choice_label(character, tr),
            # An id too long for a choice value falls back to the name, which finds it too.
            value=character.id if len(character.id) <= CHOICE_TEXT_LIMIT else choice_text(character.name),
        )
        for character in characters[:CHOICE_LIMIT]
    ]


def _bullet_list(items: Sequence[str], tr: Words) -> str:
    lines: list[str] = []
    used = 0
    for index, item in enumerate(items):
        line = f"• {_plain(item, 300)}"
        if used + len(line) + 1 > FIELD_VALUE_LIMIT - 20:
            lines.append(tr("…and {n} more", n=len(items) - index))
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def character_embed(
    character: Character,
    *,
    dataset: Dataset,
    other_roles: Sequence[Character] = (),
    limit: SpoilerLimit,
    sources: SourcePick,
    tr: Words = ENGLISH,
) -> discord.Embed:
    """One cast member: role, actor, appearances, other roles, what is unverified, and the sources."""
    hidden = limit.hides_text(character.role)
    embed = discord.Embed(
        title=_plain(character.name, 200),
        description=_story_line(character.role, limit),
        colour=BRAND_COLOUR,
    )
    embed.add_field(name=tr("Played by"), value=_plain(actor_text(character, tr)), inline=True)
    embed.add_field(name=tr("Cast group"), value=_plain(group_label(character.group, tr)), inline=True)
    embed.add_field(name=tr("Appears in"), value=appearances_text(character, dataset, tr), inline=False)
    if other_roles:
        roles = [f"{role.name} ({seasons_text(role.seasons, tr)})" for role in other_roles]
        name = tr("Also plays ({n})", n=len(other_roles))
        embed.add_field(name=name, value=_bullet_list(roles, tr), inline=False)
    if character.unverified:
        embed.add_field(name=tr("Unverified"), value=_bullet_list(character.unverified, tr), inline=False)
    if character.notes:
        notes = [f"• {_story_line(note, limit, 300)}" for note in character.notes]
        embed.add_field(name=tr("Notes"), value=join_lines(notes, tr=tr), inline=False)
    embed.add_field(name=tr("Sources"), value=sources_text(sources, tr), inline=False)
    if hidden or any(limit.hides_text(note) for note in character.notes):
        embed.set_footer(text=limit_footer(dataset, limit, tr))
    return fit_embed(embed)


def candidates_embed(
    query: str, candidates: Sequence[Character], *, more: bool, tr: Words = ENGLISH
) -> discord.Embed:
    lines = [
        f"• **{_plain(c.name, NAME_LIMIT)}** — {_plain(actor_text(c, tr), NAME_LIMIT)} "
        f"({group_label(c.group, tr)})"
        for c in candidates
    ]
    if more:
        lines.append(tr("…and more: type more of the name to narrow it down."))
    shown = escape_user_text(query, 60) or tr("that")
    intro = tr("Several cast members match **{query}**. Pick one below.", query=shown)
    embed = discord.Embed(
        title=tr("Which one?"), description=intro + "\n\n" + "\n".join(lines), colour=BRAND_COLOUR
    )
    return fit_embed(embed)


def not_found_text(query: str, suggestions: Sequence[Character]) -> Text:
    """The error for a name nobody has, as a `Text` the error handler puts in the reader's language."""
    shown = escape_user_text(query, 60) or Text("that")
    if not suggestions:
        return Text("No cast member matches **{query}**.", query=shown)
    names = [f"**{_plain(c.name, NAME_LIMIT)}** ({_plain(actor_text(c), NAME_LIMIT)})" for c in suggestions]
    if len(names) == 1:
        return Text("No cast member matches **{query}**. Did you mean {name}?", query=shown, name=names[0])
    return Text(
        "No cast member matches **{query}**. Did you mean {names} or {last}?",
        query=shown,
        names=", ".join(names[:-1]),
        last=names[-1],
    )


def empty_query_text(dataset: Dataset) -> Text:
    example = next(iter(dataset.characters), None)
    if example is None:
        return Text("Type a character or actor name, or pick a suggestion.")
    return Text(
        "Type a character or actor name such as **{name}**, or pick a suggestion.",
        name=_plain(example.name, NAME_LIMIT),
    )


# -- the cast list -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Section:
    group: str
    members: tuple[Character, ...]
    continued: bool


def _list_line(character: Character, dataset: Dataset, tr: Words) -> str:
    parts = [
        f"**{_plain(character.name, NAME_LIMIT)}** — {_plain(actor_text(character, tr), NAME_LIMIT)}",
        truncate(seasons_text(character.seasons, tr), SEASONS_LIMIT),
    ]
    if character.film == "confirmed" and dataset.film is not None:
        parts.append(tr("film"))
    elif character.film == "unverified" and dataset.film is not None:
        parts.append(tr("film expected (unverified)"))
    return " · ".join(parts)


def _paginate(members: Sequence[Character], page_size: int) -> list[list[_Section]]:
    """Pages of up to `page_size` members; a group starts a new page unless it fits whole in the room left."""
    groups: dict[str, list[Character]] = {}
    for character in members:
        groups.setdefault(character.group, []).append(character)
    order = [g for g in CHARACTER_GROUPS if g in groups] + [g for g in groups if g not in CHARACTER_GROUPS]
    pages: list[list[_Section]] = [[]]
    room = page_size
    for group in order:
        remaining = groups[group]
        if len(remaining) > room and room < page_size:
            pages.append([])
            room = page_size
        continued = False
        while remaining:
            if room == 0:
                pages.append([])
                room = page_size
            chunk, remaining = remaining[:room], remaining[room:]
            pages[-1].append(_Section(group, tuple(chunk), continued))
            room -= len(chunk)
            continued = True
    return pages


def _field_values(lines: Sequence[str]) -> list[str]:
    """Lines packed into as few field values as fit, so long names never cut anyone off the list."""
    values: list[str] = []
    current = ""
    for line in lines:
        line = truncate(line, FIELD_VALUE_LIMIT)
        if current and len(current) + 1 + len(line) > FIELD_VALUE_LIMIT:
            values.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        values.append(current)
    return values


def film_cast_note(members: Sequence[Character], as_of: date | None, tr: Words = ENGLISH) -> str:
    """Who is confirmed for the film and who only expected, dated once the facts are older than today."""
    confirmed = sum(1 for c in members if c.film == "confirmed")
    expected = len(members) - confirmed
    dated = tr(" (as of {date})", date=tr.day(as_of)) if as_of is not None and expected else ""
    return tr(
        "Confirmed for the film: {confirmed} · expected to return, not confirmed: {expected}{dated}.",
        confirmed=confirmed,
        expected=expected,
        dated=dated,
    )


def cast_list_pages(
    dataset: Dataset,
    members: Sequence[Character],
    *,
    production: Production | None,
    as_of: date | None = None,
    page_size: int = PAGE_SIZE,
    tr: Words = ENGLISH,
) -> list[discord.Embed]:
    """The cast grouped as the dataset groups it, one embed per page (at least one): everyone, one
    season's, or the film's (with who is confirmed; `as_of` dates the expectations)."""
    if production is not None:
        title = tr("{title} cast: {production}", title=dataset.title, production=production.title)
    else:
        title = tr("{title} cast", title=dataset.title)
    film = production is not None and production.kind != "season"
    note = film_cast_note(members, as_of, tr) if film else None
    if not members:
        embed = discord.Embed(
            title=truncate(title, 256), description=tr("Nobody listed."), colour=BRAND_COLOUR
        )
        return [fit_embed(embed)]
    pages = _paginate(members, page_size)
    embeds: list[discord.Embed] = []
    for number, sections in enumerate(pages, start=1):
        embed = discord.Embed(title=truncate(title, 256), description=note, colour=BRAND_COLOUR)
        for section in sections:
            continued = section.continued
            for value in _field_values([_list_line(c, dataset, tr) for c in section.members]):
                name = group_label(section.group, tr) + (tr(" (continued)") if continued else "")
                embed.add_field(name=name, value=value, inline=False)
                continued = True
        footer = tr.plural(
            len(members),
            "{n} cast member · /cast lookup for details",
            "{n} cast members · /cast lookup for details",
        )
        if len(pages) > 1:
            footer = tr("Page {number}/{pages} · {footer}", number=number, pages=len(pages), footer=footer)
        embed.set_footer(text=footer)
        embeds.append(fit_embed(embed))
    return embeds


def candidate_options(candidates: Sequence[Character], tr: Words = ENGLISH) -> list[discord.SelectOption]:
    """The pick menu's options for an ambiguous /cast lookup."""
    return [
        discord.SelectOption(
            label=choice_label(c, tr),
            value=c.id,
            description=choice_text(f"{group_label(c.group, tr)} · {seasons_text(c.seasons, tr)}"),
        )
        for c in candidates[:CHOICE_LIMIT]
    ]
