"""The /countdown card: a view model of plain strings in, PNG bytes out (Pillow), and its alt text.

The words come from a `CardWords` (English by default), so a locale is one more input. The date is told
to the precision the source gives (a month or a year never gets a day count), with "as of" the day the
dataset's facts were checked once they are older than today (bot/domain/claims.py). Only a release's
title, status and date are drawn: never story text, so no spoiler limit can hide anything on a card.
The font is Source Sans Pro from the `font-source-sans-pro` wheel (SIL OFL 1.1): Pillow's own scalable
default has ASCII glyphs only.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import date, datetime
from importlib.resources import as_file, files
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from bot.domain.claims import claim_state
from bot.domain.countdown import CountdownEvent, period
from bot.domain.dates import PartialDate
from bot.domain.i18n import ENGLISH as ENGLISH_WORDS
from bot.domain.i18n import N_, Words
from bot.domain.text import truncate

CARD_SIZE = (1000, 500)
ALT_TEXT_LIMIT = 1024  # Discord's limit on an attachment's description
FONT_FILES = {"regular": "SourceSansPro-Regular.ttf", "bold": "SourceSansPro-Bold.ttf"}
PINK, INK, CREAM, GREY = (232, 121, 158), (43, 29, 51), (255, 247, 242), (110, 100, 115)
STATUS_COLOURS = {
    "confirmed": (46, 139, 87),
    "announced": (214, 137, 16),
    "rumoured": (127, 140, 141),
    "server": (88, 101, 242),
}


@dataclass(frozen=True, slots=True)
class CardWords:
    """Every word a card shows, as format strings: one instance per locale."""

    confirmed: str = N_("Confirmed")
    announced: str = N_("Announced, not yet confirmed")
    rumoured: str = N_("Rumour, not confirmed")
    server: str = N_("This server's own event")
    days_to_go: str = N_("{n} days to go")
    one_day_to_go: str = N_("1 day to go")
    today: str = N_("Today")
    yesterday: str = N_("Yesterday")
    days_ago: str = N_("{n} days ago")
    this_month: str = N_("This month")
    next_month: str = N_("Next month")
    in_months: str = N_("In {n} months")
    last_month: str = N_("Last month")
    months_ago: str = N_("{n} months ago")
    this_year: str = N_("This year")
    next_year: str = N_("Next year")
    in_years: str = N_("In {n} years")
    last_year: str = N_("Last year")
    years_ago: str = N_("{n} years ago")
    no_date: str = N_("No date known yet")
    was_expected: str = N_("Was expected, no later news")
    no_exact_day: str = N_("{date}, no exact day announced yet")
    at_time: str = N_("{date}, {time} ({zone})")
    as_of: str = N_("As of {date}")
    zone: str = N_("Days counted in {zone}")
    status_label: str = N_("Status")
    brand: str = N_("Fandex · Heartstopper countdown")
    tr: Words = ENGLISH_WORDS  # its dates and numbers

    def status(self, kind: str) -> str:
        """The badge for a status, or "server" for a server's own event."""
        labels = {"confirmed": self.confirmed, "announced": self.announced, "rumoured": self.rumoured}
        return labels.get(kind, self.server)


ENGLISH = CardWords()


@dataclass(frozen=True, slots=True)
class CountdownCard:
    """What a countdown card says, every line ready to draw."""

    title: str
    left: str  # the time left (or since) in words
    date: str  # the date at the precision the source gives
    status: str
    status_kind: str  # "confirmed", "announced", "rumoured" or "server": the badge's colour
    as_of: str | None = None
    zone: str | None = None
    brand: str = ENGLISH.brand
    status_label: str = ENGLISH.status_label


def _count(n: int, words: CardWords, kind: str) -> str:
    """ "In 3 months", "Last year", "This month"... for a month ("months") or year ("years") distance."""
    if kind == "months":
        options = (words.this_month, words.next_month, words.in_months, words.last_month, words.months_ago)
    else:
        options = (words.this_year, words.next_year, words.in_years, words.last_year, words.years_ago)
    now_text, next_text, ahead, last_text, ago = options
    if n == 0:
        return now_text
    if n == 1:
        return next_text
    if n == -1:
        return last_text
    return (ahead if n > 0 else ago).format(n=abs(n))


def _days(n: int, words: CardWords) -> str:
    if n == 0:
        return words.today
    if n == 1:
        return words.one_day_to_go
    if n == -1:
        return words.yesterday
    return (words.days_to_go if n > 0 else words.days_ago).format(n=abs(n))


def _date_and_left(value: PartialDate, today: date, words: CardWords) -> tuple[str, str]:
    assert value.year is not None
    if value.precision in ("time", "day"):
        assert value.month is not None and value.day is not None
        day = date(value.year, value.month, value.day)
        text = words.tr.day(day, weekday=True)
        if value.time is not None:
            text = words.at_time.format(date=text, time=f"{value.time:%H:%M}", zone=value.tz)
        return text, _days((day - today).days, words)
    if value.precision == "month":
        assert value.month is not None
        months = (value.year - today.year) * 12 + value.month - today.month
        return words.no_exact_day.format(date=words.tr.human(value)), _count(months, words, "months")
    return words.no_exact_day.format(date=words.tr.human(value)), _count(
        value.year - today.year, words, "years"
    )


def countdown_card(
    event: CountdownEvent,
    now: datetime,
    zone: ZoneInfo,
    *,
    words: CardWords = ENGLISH,
) -> CountdownCard:
    """The card for `event` as seen at `now`, calendar days counted in `zone`: it changes at most once a
    day, so the card itself is the key its PNG is cached by."""
    kind = event.status or "server"
    checked = event.verified_on
    state = "current"
    if event.status is not None and checked is not None:
        state = claim_state(event.date, event.status, now=now, verified_on=checked, zone=zone)
    value = event.date
    if period(value, zone) is None:
        date_text, left = words.no_date, words.no_date
    else:
        local_today = now.astimezone(zone).date()
        if value.precision == "time":
            moment = value.moment()
            assert moment is not None
            date_text, _ = _date_and_left(value, local_today, words)  # the day and time in its own zone
            left = _days((moment.astimezone(zone).date() - local_today).days, words)
        else:
            date_text, left = _date_and_left(value, local_today, words)
    if state == "lapsed":
        left = words.was_expected
    return CountdownCard(
        title=event.title,
        left=left,
        date=date_text,
        status=words.status(kind),
        status_kind=kind,
        as_of=words.as_of.format(date=words.tr.day(checked)) if state == "as_of" and checked else None,
        zone=words.zone.format(zone=zone.key) if event.date.precision == "day" else None,
        brand=words.brand,
        status_label=words.status_label,
    )


def card_alt_text(card: CountdownCard) -> str:
    """The card in words, for screen readers: the attachment's description (at most 1024 characters)."""
    parts = [card.title, card.left, card.date, f"{card.status_label}: {card.status}"]
    parts += [part for part in (card.as_of, card.zone) if part]
    return truncate(". ".join(part.rstrip(".") for part in parts) + ".", ALT_TEXT_LIMIT)


@functools.lru_cache(maxsize=32)
def font(size: int, weight: str = "regular") -> ImageFont.FreeTypeFont:
    """The cards' font at `size` pixels (loaded once per size: the file never changes). Opened by path, so
    FreeType reads the file as it needs it rather than each size holding its own copy of it in memory."""
    with as_file(files("font_source_sans_pro") / "files" / FONT_FILES[weight]) as path:
        return ImageFont.truetype(str(path), size)


def fit_lines(text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """`text` wrapped on spaces into at most `max_lines` lines of `width` pixels, the last cut with "…"."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if face.getlength(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    last = lines[-1] if lines else ""
    while last and face.getlength(last) > width:
        last = last[:-2].rstrip() + "…"
    return [*lines[:-1], last] if lines else []


def png_bytes(image: Image.Image) -> bytes:
    """A 256-colour PNG: a third of the full-colour file's bytes for flat colours and text, at about the
    same encoding time, and every answer that carries the card uploads it."""
    out = io.BytesIO()
    image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(
        out, format="PNG", compress_level=6
    )
    return out.getvalue()


def render_countdown_card(card: CountdownCard) -> bytes:
    """The card as a 1000×500 PNG."""
    width, height = CARD_SIZE
    image = Image.new("RGB", CARD_SIZE, CREAM)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 16), fill=PINK)
    draw.rectangle((0, height - 56, width, height), fill=PINK)
    margin, y = 56, 44
    for line in fit_lines(card.title, font(46, "bold"), width - 2 * margin, 2):
        draw.text((margin, y), line, font=font(46, "bold"), fill=INK)
        y += 56
    y += 14
    for line in fit_lines(card.left, font(84, "bold"), width - 2 * margin, 1):
        draw.text((margin, y), line, font=font(84, "bold"), fill=PINK)
        y += 98
    for line in fit_lines(card.date, font(34), width - 2 * margin, 2):
        draw.text((margin, y), line, font=font(34), fill=INK)
        y += 42
    y += 12
    badge = font(28, "bold")
    label = fit_lines(card.status, badge, width - 2 * margin - 32, 1)[0]
    right = margin + 32 + int(badge.getlength(label))
    draw.rounded_rectangle((margin, y, right, y + 44), radius=22, fill=STATUS_COLOURS[card.status_kind])
    draw.text((margin + 16, y + 6), label, font=badge, fill=(255, 255, 255))
    notes = [note for note in (card.as_of, card.zone) if note]
    if notes:
        note = fit_lines(" · ".join(notes), font(26), width - right - 24 - margin, 1)[0]
        draw.text((right + 24, y + 8), note, font=font(26), fill=GREY)
    draw.text((margin, height - 44), card.brand, font=font(26, "bold"), fill=(255, 255, 255))
    return png_bytes(image)
