"""The /plot and /volume answers: season, episode, film and book embeds, spoiler-aware.

Dataset text is plain, so it is escaped here. Every piece of markup passes through exactly one
`|` escape: `spoiler()` for hidden text, `escape_spoiler_body()` for visible text. Hidden text is
cut to size *before* it is wrapped, so a limit can never cut off a closing `||` and reveal it.

Longer than 400 lines because the season, episode and book answers share these escaping and spoiler
helpers, which must stay one implementation; the words around dataset text come from the catalogs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import discord

from bot.domain.claims import ClaimState, claim_state
from bot.domain.dates import PartialDate
from bot.domain.i18n import ENGLISH, N_, Words
from bot.domain.model import Dataset, Episode, Production, Publication, StoryText, Work
from bot.domain.sources import SourcePick, pick_sources
from bot.domain.spoilers import SpoilerLimit
from bot.domain.story import adapted_works, adapting_productions, episode_count
from bot.domain.text import truncate
from bot.render.common import (
    BRAND_COLOUR,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_TITLE_LIMIT,
    FIELD_VALUE_LIMIT,
    escape_spoiler_body,
    fit_embed,
    join_lines,
    sources_text,
    spoiler,
    status_label,
    timestamp,
)
from bot.render.spoilers import limit_footer


@dataclass(frozen=True, slots=True)
class Answer:
    """What a /plot or /volume answer shows, and what it keeps for the "All sources" button."""

    embed: discord.Embed
    sources: SourcePick


@dataclass(frozen=True, slots=True)
class Moment:
    """When the answer is given, as far as dated claims care: the day, and how old the facts are."""

    today: date
    verified_on: date

    def claim(self, value: PartialDate, status: str) -> ClaimState:
        from datetime import UTC, datetime

        now = datetime(self.today.year, self.today.month, self.today.day, tzinfo=UTC)
        return claim_state(value, status, now=now, verified_on=self.verified_on)


# Summaries are a few hundred characters; this bound keeps room for the fields under 6000 in total.
SUMMARY_LIMIT = 3000
KIND_LABELS = {
    "graphic novel": N_("Graphic novel"),
    "novella": N_("Novella"),
    "novel": N_("Novel"),
    "companion": N_("Companion book"),
}
PRODUCTION_KINDS = {"season": N_("Season"), "film": N_("Film")}
NOT_CONFIRMED_TITLE = N_("*title not confirmed*")


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


def story_text(text: StoryText, limit: SpoilerLimit, *, room: int = FIELD_VALUE_LIMIT) -> str:
    """Story text, inside spoiler tags exactly when the point it reveals lies beyond the limit."""
    return dataset_text(text.text, hidden=limit.hides_text(text), limit=room)


def lines_block(lines: list[str], hidden: bool, limit: int = FIELD_VALUE_LIMIT) -> str:
    """Lines of escaped markup, as one spoiler block when hidden (one click reveals the list)."""
    # Escaping adds a backslash per `|`; spoiler tags add four characters.
    reserve = sum(line.count("|") for line in lines) + (4 if hidden else 0)
    return reveal(join_lines(lines, limit - reserve), hidden)


def date_text(date: PartialDate, status: str, moment: Moment | None = None, tr: Words = ENGLISH) -> str:
    """A date exactly as precise as the dataset knows it, with its status, dated when it is a claim.

    Only a date with a time is an instant, so only it becomes a Discord timestamp; a day is printed
    as that day (a midnight-UTC timestamp would show the previous day in the Americas). An unconfirmed
    date says "as of" the day the facts were checked once that is past, and "was expected" once its
    window is over.
    """
    claim = moment.claim(date, status) if moment is not None else "current"
    label = status_label(status, tr)
    if claim == "lapsed" and moment is not None:
        return tr(
            "was expected {date}; this dataset has no later news (facts verified {verified}) · {status}",
            date=tr.human(date),
            verified=tr.day(moment.verified_on),
            status=label,
        )
    as_of = ""
    if claim == "as_of" and moment is not None:
        as_of = tr(" (as of {date})", date=tr.day(moment.verified_on))
    return f"{_when_text(date, status, tr)}{as_of} · {label}"


def _when_text(date: PartialDate, status: str, tr: Words) -> str:
    expected = status != "confirmed"
    moment = date.moment()
    told = tr.human(date)
    if moment is not None:
        text = f"{timestamp(moment, 'D')} ({timestamp(moment, 'R')})"
    elif date.precision == "day":
        text = tr("expected {date}", date=told) if expected else told
    elif date.precision == "month":
        if expected:
            text = tr("expected {date}, no exact day announced", date=told)
        else:
            text = tr("{date} (exact day unknown)", date=told)
    elif date.precision == "year":
        if expected:
            text = tr("expected {date}, no exact date announced", date=told)
        else:
            text = tr("{date} (exact date unknown)", date=told)
    else:
        text = tr("date unknown")
    return text


def _bullets(items: Iterable[str]) -> list[str]:
    return [f"• {escape_text(item)}" for item in items]


def _story_bullets(items: Iterable[StoryText], limit: SpoilerLimit, room: int = FIELD_VALUE_LIMIT) -> str:
    """One line per text, each inside its own spoiler tag when its point lies beyond the limit."""
    items = list(items)
    share = max(room // max(len(items), 1) - 8, 40)
    return join_lines((f"• {story_text(item, limit, room=share)}" for item in items), room)


def _add_unconfirmed(embed: discord.Embed, items: tuple[str, ...], tr: Words) -> None:
    """What the dataset marks as not confirmed, said plainly rather than left out."""
    if items:
        embed.add_field(
            name=tr("Not confirmed yet"), value=lines_block(_bullets(items), hidden=False), inline=False
        )


def _add_sources(embed: discord.Embed, pick: SourcePick, tr: Words) -> None:
    embed.add_field(name=tr("Sources"), value=sources_text(pick, tr), inline=False)


def set_facts_footer(
    embed: discord.Embed, dataset: Dataset, limit: SpoilerLimit, any_hidden: bool, tr: Words = ENGLISH
) -> None:
    verified = tr("Facts verified {date}", date=tr.day(dataset.verified_on))
    if any_hidden:
        embed.set_footer(text=f"{limit_footer(dataset, limit, tr)} {verified}.")
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


def _release_field(production: Production, moment: Moment, tr: Words) -> str:
    # The date always shows; a long note is what gets cut.
    when = date_text(production.release_date, production.release_status, moment, tr)
    if not production.release_note:
        return when
    return when + "\n" + dataset_text(production.release_note, limit=FIELD_VALUE_LIMIT - len(when) - 1)


def _format_line(production: Production, tr: Words) -> str:
    if production.kind != "season":
        if production.runtime:
            runtime = tr("runtime {runtime}", runtime=production.runtime)
        else:
            runtime = tr("runtime not confirmed")
        kind = production.kind.capitalize()
        kind = tr(PRODUCTION_KINDS[production.kind]) if production.kind in PRODUCTION_KINDS else kind
        return escape_spoiler_body(escape_text(f"{kind}, {runtime}"))
    count = episode_count(production)
    header = tr("{n} episodes", n=count) if count else tr("Episode count not confirmed")
    if production.runtime:
        header += f", {production.runtime}"
    return escape_spoiler_body(escape_text(header))


def _episode_line(episode: Episode, limit: SpoilerLimit, tr: Words, room: int = 120) -> str:
    if not episode.title:
        return f"{episode.number}. {tr(NOT_CONFIRMED_TITLE)}"
    return f"{episode.number}. {story_text(StoryText(episode.title, episode.reveals), limit, room=room)}"


def _adapts_field(dataset: Dataset, production: Production, limit: SpoilerLimit, tr: Words) -> str:
    works = adapted_works(dataset, production)
    value = dataset_text(
        ", ".join(w.title for w in works) if works else tr("No book listed"), limit=FIELD_VALUE_LIMIT // 2
    )
    if production.adapts_note and production.adapts_note.text.strip() != ", ".join(w.title for w in works):
        value += "\n" + story_text(production.adapts_note, limit, room=FIELD_VALUE_LIMIT - len(value) - 1)
    return value


def production_sources(dataset: Dataset, production: Production) -> SourcePick:
    return pick_sources(
        dataset,
        [
            *production.sources,
            *production.release_sources,
            *production.summary_sources,
            *production.adapts_sources,
            *production.episodes_sources,
            *(url for fact in production.facts for url in fact.sources),
        ],
    )


def production_answer(
    dataset: Dataset,
    production: Production,
    limit: SpoilerLimit,
    moment: Moment,
    *,
    details: bool = False,
    tr: Words = ENGLISH,
) -> Answer:
    """A season or the film: release, format, adapted books, summary, content notes, three sources.

    With `details`, the episode list and the behind-the-scenes facts too.
    """
    embed = _base_embed(
        dataset,
        production.title,
        story_text(production.summary, limit, room=SUMMARY_LIMIT) if production.summary.text else None,
    )
    embed.add_field(name=tr("Release"), value=_release_field(production, moment, tr), inline=False)
    embed.add_field(name=tr("Format"), value=_format_line(production, tr), inline=True)
    embed.add_field(name=tr("Adapts"), value=_adapts_field(dataset, production, limit, tr), inline=True)
    if production.content_notes:
        embed.add_field(
            name=tr("Content notes"), value=dataset_text(", ".join(production.content_notes)), inline=False
        )
    extras = [*production.notes, *(StoryText(f.text, f.reveals) for f in production.facts)]
    if details and production.episodes:
        lines = [_episode_line(e, limit, tr) for e in production.episodes]
        embed.add_field(name=tr("Episodes"), value=join_lines(lines, tr=tr), inline=False)
    if details and extras:
        embed.add_field(name=tr("Behind the scenes"), value=_story_bullets(extras, limit), inline=False)
    _add_unconfirmed(embed, production.unverified, tr)
    pick = production_sources(dataset, production)
    _add_sources(embed, pick, tr)
    shown = [production.summary, *(extras if details else [])]
    if details:
        shown += [StoryText(e.title, e.reveals) for e in production.episodes if e.title]
    if production.adapts_note:
        shown.append(production.adapts_note)
    set_facts_footer(embed, dataset, limit, any(limit.hides_text(t) for t in shown), tr)
    if (production.episodes or extras) and not details:
        embed.set_footer(text=f"{embed.footer.text} {tr('More with details:True.')}")
    return Answer(fit_embed(embed), pick)


def episode_answer(
    dataset: Dataset,
    production: Production,
    episode: Episode,
    limit: SpoilerLimit,
    moment: Moment,
    tr: Words = ENGLISH,
) -> Answer:
    """One episode: its title (hidden beyond the limit) and what the dataset knows of it."""
    if episode.title:
        title = StoryText(episode.title, episode.reveals)
        title_line = f"**{story_text(title, limit, room=EMBED_DESCRIPTION_LIMIT - 4)}**"
    else:
        title_line = tr("Title not confirmed yet.")
    title = tr("{title}, episode {n}", title=production.title, n=episode.number)
    embed = _base_embed(dataset, title, title_line)
    of = tr("{n} of {count}", n=episode.number, count=episode_count(production))
    embed.add_field(name=tr("Episode"), value=of, inline=True)
    embed.add_field(name=tr("Season release"), value=_release_field(production, moment, tr), inline=False)
    _add_unconfirmed(embed, episode.unverified, tr)
    pick = pick_sources(dataset, production.episodes_sources or production.sources)
    _add_sources(embed, pick, tr)
    set_facts_footer(embed, dataset, limit, bool(episode.title) and limit.hides(episode.reveals), tr)
    return Answer(fit_embed(embed), pick)


# --------------------------------------------------------------------------------------------
# Books
# --------------------------------------------------------------------------------------------


def work_label(work: Work) -> str:
    """An autocomplete name: "Heartstopper: Volume 3 · graphic novel · 2020"."""
    years = sorted(p.date.year for p in work.publications if p.date.year)
    first = f" · {years[0]}" if years else ""
    return f"{work.title} · {work.kind}{first}"


def kind_text(work: Work, tr: Words = ENGLISH) -> str:
    label = tr(KIND_LABELS[work.kind]) if work.kind in KIND_LABELS else work.kind.capitalize()
    return tr("{kind}, volume {n}", kind=label, n=work.number) if work.number is not None else label


def publication_line(
    publication: Publication, moment: Moment | None = None, *, with_note: bool = True, tr: Words = ENGLISH
) -> str:
    region = truncate(publication.region[:1].upper() + publication.region[1:], 100)
    line = f"**{escape_text(region)}**: {date_text(publication.date, publication.status, moment, tr)}"
    if publication.note and with_note:
        line += f"\n{escape_text(publication.note)}"
    return line


def _published_field(work: Work, moment: Moment, tr: Words) -> str:
    """Every publication date; the notes too when they all fit, since dates matter more."""
    if not work.publications:
        return tr("Not known")
    lines = [publication_line(p, moment, tr=tr) for p in work.publications]
    if sum(len(line) + 1 + line.count("|") for line in lines) > FIELD_VALUE_LIMIT:
        lines = [publication_line(p, moment, with_note=False, tr=tr) for p in work.publications]
    return lines_block(lines, hidden=False)


def work_sources(dataset: Dataset, work: Work) -> SourcePick:
    return pick_sources(
        dataset,
        [*work.sources, *work.summary_sources, *(url for p in work.publications for url in p.sources)],
    )


def work_answer(
    dataset: Dataset, work: Work, limit: SpoilerLimit, moment: Moment, tr: Words = ENGLISH
) -> Answer:
    """A book: kind, publication dates, adaptation, summary, content notes, notes, three sources."""
    embed = _base_embed(
        dataset,
        work.title,
        story_text(work.summary, limit, room=SUMMARY_LIMIT) if work.summary.text else None,
    )
    embed.add_field(name=tr("Kind"), value=dataset_text(kind_text(work, tr)), inline=True)
    productions = adapting_productions(dataset, work)
    adapted = ", ".join(p.title for p in productions) if productions else tr("Not adapted on screen")
    embed.add_field(name=tr("Adapted in"), value=dataset_text(adapted), inline=True)
    embed.add_field(name=tr("Published"), value=_published_field(work, moment, tr), inline=False)
    if work.content_notes:
        notes = dataset_text(", ".join(work.content_notes))
        embed.add_field(name=tr("Content notes"), value=notes, inline=False)
    if work.notes:
        embed.add_field(name=tr("Notes"), value=_story_bullets(work.notes, limit), inline=False)
    _add_unconfirmed(embed, work.unverified, tr)
    pick = work_sources(dataset, work)
    _add_sources(embed, pick, tr)
    hidden = any(limit.hides_text(t) for t in (work.summary, *work.notes))
    set_facts_footer(embed, dataset, limit, hidden, tr)
    return Answer(fit_embed(embed), pick)
