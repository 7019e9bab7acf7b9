"""The /plot and /volume answers: season, episode, film and book embeds, spoiler-aware.

Dataset text is plain, so it is escaped here. Every piece of markup passes through exactly one
`|` escape: `spoiler()` for hidden text, `escape_spoiler_body()` for visible text. Hidden text is
cut to size *before* it is wrapped, so a limit can never cut off a closing `||` and reveal it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import discord

from bot.domain.dates import PartialDate
from bot.domain.model import Dataset, Episode, Production, Publication, Work
from bot.domain.spoilers import (
    SpoilerLimit,
    adaptation_note_hidden,
    caught_up_text,
    production_at_level,
    production_hidden,
    work_hidden,
    work_notes_hidden,
)
from bot.domain.story import adapted_works, adapting_productions, episode_count
from bot.domain.text import truncate
from bot.render.common import (
    BRAND_COLOUR,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_TITLE_LIMIT,
    FIELD_VALUE_LIMIT,
    escape_spoiler_body,
    fit_embed,
    source_links,
    spoiler,
    status_label,
    timestamp,
)

# Summaries are a few hundred characters; this bound keeps room for the fields under 6000 in total.
SUMMARY_LIMIT = 3000
KIND_LABELS = {
    "graphic novel": "Graphic novel",
    "novella": "Novella",
    "novel": "Novel",
    "companion": "Companion book",
}
NOT_CONFIRMED_TITLE = "*title not confirmed*"


# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------


def escape_text(text: str) -> str:
    """Escape Discord markdown in dataset text, leaving `|` for the one spoiler-aware escape later."""
    return "|".join(discord.utils.escape_markdown(part) for part in text.split("|"))


def reveal(markup: str, hidden: bool) -> str:
    """Markup built from `escape_text` pieces, shown plainly or inside spoiler tags."""
    return spoiler(markup) if hidden else escape_spoiler_body(markup)


def fitted(text: str, limit: int, render: Callable[[str], str]) -> str:
    """`render(text)` cut to `limit` characters by shortening `text` itself, so closing tags survive."""
    out = render(text)
    while len(out) > limit and text:
        # Escaping can double the length, so shrink in proportion (and always by at least one).
        text = truncate(text, min(len(text) - 1, len(text) * max(limit, 0) // len(out)))
        out = render(text)
    return out


def dataset_text(text: str, *, hidden: bool = False, limit: int = FIELD_VALUE_LIMIT) -> str:
    return fitted(text, limit, lambda part: reveal(escape_text(part), hidden))


def join_lines(lines: Iterable[str], limit: int = FIELD_VALUE_LIMIT) -> str:
    """Whole lines only, as many as fit; the rest are counted, never cut mid-markup."""
    lines = list(lines)
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        remaining = len(lines) - index
        suffix = f"\n…and {remaining - 1} more" if remaining > 1 else ""
        if used + len(line) + 1 + len(suffix) > limit:
            kept.append(f"…and {remaining} more")
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def lines_block(lines: list[str], hidden: bool, limit: int = FIELD_VALUE_LIMIT) -> str:
    """Lines of escaped markup, as one spoiler block when hidden (one click reveals the list)."""
    # Escaping adds a backslash per `|`; spoiler tags add four characters.
    reserve = sum(line.count("|") for line in lines) + (4 if hidden else 0)
    return reveal(join_lines(lines, limit - reserve), hidden)


def date_text(date: PartialDate, status: str) -> str:
    """A date exactly as precise as the dataset knows it, with its status.

    Only a date with a time is an instant, so only it becomes a Discord timestamp; a day is printed
    as that day (a midnight-UTC timestamp would show the previous day in the Americas).
    """
    expected = status != "confirmed"
    moment = date.moment()
    if moment is not None:
        text = f"{timestamp(moment, 'D')} ({timestamp(moment, 'R')})"
    elif date.precision == "day":
        text = f"expected {date.human()}" if expected else date.human()
    elif date.precision == "month":
        text = (
            f"expected {date.human()}, no exact day announced"
            if expected
            else f"{date.human()} (exact day unknown)"
        )
    elif date.precision == "year":
        text = (
            f"expected {date.human()}, no exact date announced"
            if expected
            else f"{date.human()} (exact date unknown)"
        )
    else:
        text = "date unknown"
    return f"{text} · {status_label(status)}"


def _bullets(items: Iterable[str]) -> list[str]:
    return [f"• {escape_text(item)}" for item in items]


def _add_unconfirmed(embed: discord.Embed, items: tuple[str, ...]) -> None:
    """What the dataset marks as not backed by a source, said plainly rather than left out."""
    if items:
        embed.add_field(
            name="Not confirmed yet", value=lines_block(_bullets(items), hidden=False), inline=False
        )


def _sources(*groups: Iterable[str]) -> str:
    return source_links(url for group in groups for url in group)


def _footer(embed: discord.Embed, dataset: Dataset, limit: SpoilerLimit, any_hidden: bool) -> None:
    verified = f"Facts verified {dataset.verified_on.day} {dataset.verified_on:%B %Y}"
    if any_hidden:
        embed.set_footer(
            text=f"🔒 Spoiler limit active in this server ({caught_up_text(dataset, limit)}): "
            f"later story content is hidden, click it to reveal. {verified}."
        )
    else:
        embed.set_footer(text=f"{verified}.")


def _base_embed(dataset: Dataset, title: str, description: str | None) -> discord.Embed:
    embed = discord.Embed(
        title=dataset_text(title, limit=EMBED_TITLE_LIMIT), description=description, colour=BRAND_COLOUR
    )
    embed.set_author(name=truncate(dataset.title, 256))
    return embed


# --------------------------------------------------------------------------------------------
# Seasons and the film
# --------------------------------------------------------------------------------------------


def production_label(production: Production) -> str:
    """An autocomplete name: "Season 2 · 2023 · 8 episodes", "Heartstopper Forever · film · 2026"."""
    year = str(production.release_date.year) if production.release_date.year else "date unknown"
    if production.kind == "season":
        count = episode_count(production)
        episodes = f" · {count} episodes" if count else ""
        return f"{production.title} · {year}{episodes}"
    expected = " (expected)" if production.release_status != "confirmed" else ""
    return f"{production.title} · {production.kind} · {year}{expected}"


def _release_field(production: Production) -> str:
    # The date always shows; a long note is what gets cut.
    when = date_text(production.release_date, production.release_status)
    if not production.release_note:
        return when
    return when + "\n" + dataset_text(production.release_note, limit=FIELD_VALUE_LIMIT - len(when) - 1)


def _episodes_field(production: Production, hidden: bool) -> tuple[str, str]:
    if production.kind != "season":
        runtime = (
            f"Runtime: {escape_text(production.runtime)}" if production.runtime else "Runtime: not confirmed"
        )
        return "Format", escape_spoiler_body(f"{production.kind.capitalize()}. {runtime}")
    count = episode_count(production)
    header = f"{count} episodes" if count else "Episode count not confirmed"
    if production.runtime:
        header += f", {escape_text(production.runtime)}"
    header = escape_spoiler_body(header)
    if not production.episodes:
        return "Episodes", header
    lines = [
        f"{episode.number}. {escape_text(episode.title) if episode.title else NOT_CONFIRMED_TITLE}"
        for episode in production.episodes
    ]
    return "Episodes", header + "\n" + lines_block(lines, hidden, FIELD_VALUE_LIMIT - len(header) - 1)


def _adapts_field(dataset: Dataset, production: Production, limit: SpoilerLimit) -> str:
    works = adapted_works(dataset, production)
    value = dataset_text(
        ", ".join(w.title for w in works) if works else "No book listed", limit=FIELD_VALUE_LIMIT // 2
    )
    if production.adapts_note:
        room = FIELD_VALUE_LIMIT - len(value) - 1
        note = dataset_text(
            production.adapts_note, hidden=adaptation_note_hidden(limit, dataset, production), limit=room
        )
        value += "\n" + note
    return value


def production_embed(dataset: Dataset, production: Production, limit: SpoilerLimit) -> discord.Embed:
    """A season or the film: release, episodes, adapted books, summary, content notes, sources."""
    hidden = production_hidden(limit, production)
    embed = _base_embed(
        dataset,
        production.title,
        dataset_text(production.summary, hidden=hidden, limit=SUMMARY_LIMIT) if production.summary else None,
    )
    embed.add_field(name="Release", value=_release_field(production), inline=False)
    name, value = _episodes_field(production, hidden)
    embed.add_field(name=name, value=value, inline=False)
    embed.add_field(name="Adapts", value=_adapts_field(dataset, production, limit), inline=False)
    if production.content_notes:
        notes = dataset_text(", ".join(production.content_notes), hidden=hidden)
        embed.add_field(name="Content notes", value=notes, inline=False)
    extras = [*production.notes, *(fact.text for fact in production.facts)]
    if extras:
        embed.add_field(name="Behind the scenes", value=lines_block(_bullets(extras), hidden), inline=False)
    _add_unconfirmed(embed, production.unverified)
    embed.add_field(
        name="Sources",
        value=_sources(
            production.sources,
            production.release_sources,
            production.summary_sources,
            production.adapts_sources,
            production.episodes_sources,
            (url for fact in production.facts for url in fact.sources),
        ),
        inline=False,
    )
    any_hidden = hidden or (
        bool(production.adapts_note) and adaptation_note_hidden(limit, dataset, production)
    )
    _footer(embed, dataset, limit, any_hidden)
    return fit_embed(embed)


def episode_embed(
    dataset: Dataset, production: Production, episode: Episode, limit: SpoilerLimit
) -> discord.Embed:
    """One episode: its title (hidden beyond the limit) and what the dataset knows of it."""
    hidden = production_hidden(limit, production)
    if episode.title:
        title_line = f"**{dataset_text(episode.title, hidden=hidden, limit=EMBED_DESCRIPTION_LIMIT - 4)}**"
    else:
        title_line = "Title not confirmed: no source gives this episode's title."
    embed = _base_embed(dataset, f"{production.title}, episode {episode.number}", title_line)
    embed.add_field(name="Episode", value=f"{episode.number} of {episode_count(production)}", inline=True)
    embed.add_field(name="Season release", value=_release_field(production), inline=False)
    _add_unconfirmed(embed, episode.unverified)
    embed.add_field(
        name="Sources", value=_sources(production.episodes_sources or production.sources), inline=False
    )
    _footer(embed, dataset, limit, hidden and bool(episode.title))
    return fit_embed(embed)


# --------------------------------------------------------------------------------------------
# Books
# --------------------------------------------------------------------------------------------


def work_label(work: Work) -> str:
    """An autocomplete name: "Heartstopper: Volume 3 · graphic novel · 2020"."""
    years = sorted(p.date.year for p in work.publications if p.date.year)
    first = f" · {years[0]}" if years else ""
    return f"{work.title} · {work.kind}{first}"


def kind_text(work: Work) -> str:
    label = KIND_LABELS.get(work.kind, work.kind.capitalize())
    return f"{label}, volume {work.number}" if work.number is not None else label


def publication_line(publication: Publication, *, with_note: bool = True) -> str:
    region = truncate(publication.region[:1].upper() + publication.region[1:], 100)
    line = f"**{escape_text(region)}**: {date_text(publication.date, publication.status)}"
    if publication.note and with_note:
        line += f"\n{escape_text(publication.note)}"
    return line


def _published_field(work: Work) -> str:
    """Every publication date; the notes too when they all fit, since dates matter more."""
    if not work.publications:
        return "Not known"
    lines = [publication_line(p) for p in work.publications]
    if sum(len(line) + 1 + line.count("|") for line in lines) > FIELD_VALUE_LIMIT:
        lines = [publication_line(p, with_note=False) for p in work.publications]
    return lines_block(lines, hidden=False)


def work_embed(dataset: Dataset, work: Work, limit: SpoilerLimit) -> discord.Embed:
    """A book: kind, publication dates, adaptation, summary, content notes, notes, sources."""
    hidden = work_hidden(limit, work)
    embed = _base_embed(
        dataset,
        work.title,
        dataset_text(work.summary, hidden=hidden, limit=SUMMARY_LIMIT) if work.summary else None,
    )
    embed.add_field(name="Kind", value=dataset_text(kind_text(work)), inline=True)
    productions = adapting_productions(dataset, work)
    adapted = ", ".join(p.title for p in productions) if productions else "Not adapted on screen"
    embed.add_field(name="Adapted in", value=dataset_text(adapted), inline=True)
    embed.add_field(name="Published", value=_published_field(work), inline=False)
    if work.content_notes:
        embed.add_field(
            name="Content notes",
            value=dataset_text(", ".join(work.content_notes), hidden=hidden),
            inline=False,
        )
    notes_hidden = work_notes_hidden(limit, dataset, work)
    if work.notes:
        embed.add_field(name="Notes", value=lines_block(_bullets(work.notes), notes_hidden), inline=False)
    _add_unconfirmed(embed, work.unverified)
    embed.add_field(
        name="Sources",
        value=_sources(
            work.sources, work.summary_sources, (url for p in work.publications for url in p.sources)
        ),
        inline=False,
    )
    _footer(embed, dataset, limit, hidden or (bool(work.notes) and notes_hidden))
    return fit_embed(embed)


# --------------------------------------------------------------------------------------------
# /config spoilers
# --------------------------------------------------------------------------------------------


def spoiler_level_label(dataset: Dataset, level: int) -> str:
    """An autocomplete name for a season level: "0 · nothing watched yet", "4 · Heartstopper Forever"."""
    if level == 0:
        return "0 · nothing watched yet"
    production = production_at_level(dataset, level)
    return f"{level} · {production.title if production else f'Season {level}'}"


def volume_level_label(dataset: Dataset, level: int) -> str:
    """ "4 · Heartstopper: Volume 4 (also This Winter, Solitaire, …)": every work at that level."""
    if level == 0:
        return "0 · nothing read yet"
    works = [w for w in dataset.works if w.spoiler_volume == level]
    numbered = [w.title for w in works if w.number == level]
    others = [w.title for w in works if w.number != level]
    text = f"{level} · {numbered[0] if numbered else f'Volume {level}'}"
    if others:
        text += f" (also {', '.join(others)})"
    return text


def spoiler_limit_set_text(dataset: Dataset, limit: SpoilerLimit, *, nothing_hidden: bool) -> str:
    """The private confirmation after /config spoilers."""
    text = f"Spoiler limit set: this server is {caught_up_text(dataset, limit)}. "
    if nothing_hidden:
        return text + "That is everything in the dataset, so nothing is hidden for now."
    return (
        text + "Later story content in /plot, /volume and /cast now appears inside spoiler tags "
        "(click to reveal); titles and dates stay visible. `/config spoilers-off` lifts the limit."
    )


def spoiler_limit_lifted_text(had_limit: bool) -> str:
    if not had_limit:
        return "There was no spoiler limit here: everything is already shown plainly."
    return "Spoiler limit lifted: /plot, /volume and /cast now show everything plainly in this server."
