"""The /timeline picture: the books above a time axis, the seasons and the film below it, a line from each
screen release to each book it adapts; a view model in, PNG bytes out, and its alt text.

Within the spoiler limit: a book past the limit's volume, or a season past its season (the film counts as
the season after the last), is drawn as an unlabeled grey mark with no adaptation line, and the alt text
only counts them. Each date is shown to the precision the source gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import discord
from PIL import Image, ImageDraw

from bot.domain.dates import PartialDate
from bot.domain.i18n import ENGLISH, N_, Words
from bot.domain.model import Dataset, StoryPoint
from bot.domain.spoilers import SpoilerLimit
from bot.domain.story import adapted_works, productions_in_order
from bot.domain.text import truncate
from bot.render.cards import ALT_TEXT_LIMIT, CREAM, GREY, INK, PINK, fit_lines, font, png_bytes
from bot.render.common import BRAND_COLOUR

TIMELINE_SIZE = (1200, 600)
SCREEN_COLOUR = (88, 101, 242)
HIDDEN_COLOUR = (190, 182, 190)
LINK_COLOUR = (214, 190, 222)


@dataclass(frozen=True, slots=True)
class TimelineWords:
    """Every word the picture and its alt text show: one instance per locale."""

    title: str = N_("Heartstopper: the books and the screen")
    books: str = N_("Books")
    screen: str = N_("On screen")
    adapts: str = N_("adapts")
    announced: str = N_("announced")
    hidden: str = N_("{n} beyond the spoiler limit here, not named")
    undated: str = N_("Date unknown: {names}")
    legend: str = N_("Lines join each season or film to the books it adapts")
    caption: str = N_(
        "Books above the line, the seasons and the film below; an open dot is not yet confirmed."
    )
    volume: str = N_("Volume {n}")
    tr: Words = ENGLISH  # its dates


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    key: str  # the work's or production's id
    label: str | None  # None: beyond the spoiler limit, drawn unlabeled
    date: PartialDate
    screen: bool  # a season or the film (below the axis), else a book (above)
    announced: bool = False  # not yet confirmed


@dataclass(frozen=True, slots=True)
class TimelineView:
    entries: tuple[TimelineEntry, ...]  # dated ones, in date order
    links: tuple[tuple[str, str], ...]  # (production id, work id): which season adapts which book
    undated: tuple[str, ...]  # labels of the shown entries without a date
    hidden: int  # how many entries the limit leaves unnamed
    words: TimelineWords = TimelineWords()


def timeline_view(dataset: Dataset, limit: SpoilerLimit, words: TimelineWords | None = None) -> TimelineView:
    """The releases to draw: each book at its first dated publication, each season and the film at its
    release; those beyond `limit` unnamed and unlinked."""
    words = words or TimelineWords()
    entries: list[TimelineEntry] = []
    undated: list[str] = []
    hidden: set[str] = set()
    for work in dataset.works:
        beyond = limit.hides(StoryPoint(volume=work.spoiler_volume))
        label = (
            words.volume.format(n=work.number) if work.kind == "graphic novel" and work.number else work.title
        )
        dated = sorted(
            (p for p in work.publications if p.date.year is not None), key=lambda p: p.date.sort_key()
        )
        if beyond:
            hidden.add(work.id)
        if dated:
            entry = TimelineEntry(work.id, None if beyond else label, dated[0].date, screen=False)
            entries.append(entry)
        elif not beyond:
            undated.append(label)
    for production in productions_in_order(dataset):
        beyond = limit.hides(StoryPoint(season=production.spoiler_season))
        if beyond:
            hidden.add(production.id)
        if production.release_date.year is None:
            if not beyond:
                undated.append(production.title)
            continue
        announced = production.release_status != "confirmed"
        label = None if beyond else production.title
        entries.append(TimelineEntry(production.id, label, production.release_date, True, announced))
    dated_ids = {entry.key for entry in entries}
    links = tuple(
        (production.id, work.id)
        for production in productions_in_order(dataset)
        for work in adapted_works(dataset, production)
        if production.id not in hidden and work.id not in hidden and {production.id, work.id} <= dated_ids
    )
    entries.sort(key=lambda entry: entry.date.sort_key())
    return TimelineView(tuple(entries), links, tuple(undated), len(hidden), words)


def timeline_alt_text(view: TimelineView) -> str:
    """The picture in words: each book and screen release with its date, what each adapts."""
    words = view.words
    names = {entry.key: entry.label for entry in view.entries if entry.label}

    def listed(screen: bool) -> str:
        parts = []
        for entry in view.entries:
            if entry.screen != screen or entry.label is None:
                continue
            status = f", {words.announced}" if entry.announced else ""
            text = f"{entry.label} ({words.tr.human(entry.date)}{status})"
            adapted = [names[work] for production, work in view.links if production == entry.key]
            parts.append(text + (f" {words.adapts} {', '.join(adapted)}" if adapted else ""))
        return "; ".join(parts)

    lines = [f"{words.title}.", f"{words.books}: {listed(False)}.", f"{words.screen}: {listed(True)}."]
    if view.undated:
        lines.append(words.undated.format(names=", ".join(view.undated)) + ".")
    if view.hidden:
        lines.append(words.hidden.format(n=view.hidden) + ".")
    return truncate(" ".join(lines), ALT_TEXT_LIMIT)


def _x(value: date, first_year: int, last_year: int, left: int, right: int) -> int:
    span = date(last_year + 1, 1, 1).toordinal() - date(first_year, 1, 1).toordinal()
    return left + round((value.toordinal() - date(first_year, 1, 1).toordinal()) / span * (right - left))


def render_timeline(view: TimelineView) -> bytes:
    """The timeline as a 1200×600 PNG."""
    width, height = TIMELINE_SIZE
    image = Image.new("RGB", TIMELINE_SIZE, CREAM)
    draw = ImageDraw.Draw(image)
    words = view.words
    draw.rectangle((0, 0, width, 12), fill=PINK)
    draw.text(
        (40, 26), fit_lines(words.title, font(36, "bold"), width - 80, 1)[0], font=font(36, "bold"), fill=INK
    )
    draw.text((40, 70), fit_lines(words.legend, font(22), width - 80, 1)[0], font=font(22), fill=GREY)
    axis_y, left, right = 330, 60, width - 60
    years = [entry.date.year for entry in view.entries if entry.date.year is not None]
    first_year, last_year = (min(years), max(years)) if years else (2014, 2027)
    draw.line((left, axis_y, right, axis_y), fill=INK, width=3)
    for year in range(first_year, last_year + 1):
        x = _x(date(year, 1, 1), first_year, last_year, left, right)
        draw.line((x, axis_y - 6, x, axis_y + 6), fill=INK, width=2)
        draw.text((x + 4, axis_y + 8), str(year), font=font(18), fill=GREY)
    label_font, date_font = font(22, "bold"), font(18)
    placed: list[tuple[TimelineEntry, int, int, int]] = []  # entry, stem x, label x, label y
    level_ends: dict[tuple[bool, int], int] = {}
    for entry in view.entries:
        start = entry.date.earliest()
        assert start is not None
        x = _x(start.date(), first_year, last_year, left, right)
        box = int(
            max(label_font.getlength(entry.label or ""), date_font.getlength(view.words.tr.short(entry.date)))
        )
        text_x = min(x + 4, width - box - 16)  # a label near the right edge sits left of its stem
        level = next((n for n in range(4) if level_ends.get((entry.screen, n), -1) < text_x), 3)
        level_ends[(entry.screen, level)] = text_x + box + 24
        y = axis_y + 44 + 56 * level if entry.screen else axis_y - 90 - 56 * level
        placed.append((entry, x, text_x, y))
    where = {entry.key: (x, y) for entry, x, _, y in placed}
    for production, work in view.links:  # under everything else
        (sx, sy), (bx, by) = where[production], where[work]
        draw.line((sx, sy, bx, by + 48), fill=LINK_COLOUR, width=2)
    for entry, x, text_x, y in placed:
        colour = HIDDEN_COLOUR if entry.label is None else SCREEN_COLOUR if entry.screen else PINK
        draw.line((x, axis_y, x, y + (0 if entry.screen else 48)), fill=colour, width=2)
        marker = (x - 7, axis_y - 7, x + 7, axis_y + 7)
        draw.ellipse(marker, fill=CREAM if entry.announced else colour, outline=colour, width=3)
        if entry.label is not None:
            draw.text((text_x, y), entry.label, font=label_font, fill=INK)
            draw.text((text_x, y + 26), view.words.tr.short(entry.date), font=date_font, fill=GREY)
    notes = []
    if view.undated:
        notes.append(words.undated.format(names=", ".join(view.undated)))
    if view.hidden:
        notes.append(words.hidden.format(n=view.hidden))
    footer = fit_lines(" · ".join(notes), font(20), width - 80, 1)
    if footer and footer[0]:
        draw.text((40, height - 40), footer[0], font=font(20), fill=GREY)
    return png_bytes(image)


def timeline_embed(view: TimelineView, image_url: str) -> discord.Embed:
    """The answer around the picture (`image_url`: the attachment it shows, "attachment://timeline.png")."""
    embed = discord.Embed(title=view.words.title, description=view.words.caption, colour=BRAND_COLOUR)
    return embed.set_image(url=image_url)
