"""Shared by all renderers: colours, Discord's limits, spoiler tags, timestamps, links."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

import discord

from bot.domain.i18n import ENGLISH, N_, Words
from bot.domain.sources import SourcePick
from bot.domain.text import clean_user_text, truncate

BRAND_COLOUR = discord.Colour(0xE8799E)  # Heartstopper pink


EMBED_TOTAL_LIMIT = 6000


EMBED_TITLE_LIMIT = 256


EMBED_DESCRIPTION_LIMIT = 4096


EMBED_FIELDS_LIMIT = 25


FIELD_NAME_LIMIT = 256


FIELD_VALUE_LIMIT = 1024


FOOTER_LIMIT = 2048


AUTHOR_LIMIT = 256


CHOICE_LIMIT = 25


CHOICE_TEXT_LIMIT = 100


STATUS_LABELS = {
    "confirmed": N_("Confirmed"),
    "announced": N_("Announced (not yet confirmed)"),
    "rumoured": N_("Rumoured (unconfirmed, treat with care)"),
}


STATUS_ICONS = {"confirmed": "✅", "announced": "📣", "rumoured": "❓"}


def escape_spoiler_body(text: str) -> str:
    """A `|` inside a spoiler could close the `||` tag early; escape every one.

    Callers pass markdown-escaped text (backslashes already doubled by escape_markdown), so a
    trailing backslash cannot escape the closing tag."""
    return text.replace("|", "\\|")


def spoiler(text: str) -> str:
    return f"||{escape_spoiler_body(text)}||" if text else text


def timestamp(moment: datetime, style: Literal["f", "F", "d", "D", "t", "T", "R"] = "F") -> str:
    return discord.utils.format_dt(moment, style=style)


def status_label(status: str, tr: Words = ENGLISH) -> str:
    label = tr(STATUS_LABELS[status]) if status in STATUS_LABELS else status
    return f"{STATUS_ICONS.get(status, '')} {label}".strip()


def source_links(urls: Iterable[str], limit: int = FIELD_VALUE_LIMIT, tr: Words = ENGLISH) -> str:
    """Sources as short markdown links ("[radiotimes.com](url)"), as many as fit in `limit`."""
    parts: list[str] = []
    used = 0
    urls = list(dict.fromkeys(urls))
    for index, url in enumerate(urls):
        host = urlsplit(url).netloc.removeprefix("www.") or url
        link = f"[{host}]({url})"
        remaining = len(urls) - index - 1
        suffix = " " + tr("+{n} more", n=remaining) if remaining else ""
        if used + len(link) + 3 + len(suffix) > limit:
            parts.append(tr("+{n} more", n=len(urls) - index))
            break
        parts.append(link)
        used += len(link) + 3
    return " · ".join(parts) or "—"


def _embed_length(embed: discord.Embed) -> int:
    return len(embed)


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Clamp every part of `embed` to Discord's limits, dropping trailing fields if the total is too big."""
    if embed.title:
        embed.title = truncate(embed.title, EMBED_TITLE_LIMIT)
    if embed.description:
        embed.description = truncate(embed.description, EMBED_DESCRIPTION_LIMIT)
    if embed.author and embed.author.name:
        embed.set_author(
            name=truncate(embed.author.name, AUTHOR_LIMIT),
            url=embed.author.url,
            icon_url=embed.author.icon_url,
        )
    if embed.footer and embed.footer.text:
        embed.set_footer(text=truncate(embed.footer.text, FOOTER_LIMIT), icon_url=embed.footer.icon_url)
    fields = embed.fields[:EMBED_FIELDS_LIMIT]
    embed.clear_fields()
    for field in fields:
        embed.add_field(
            name=truncate(field.name or "\u200b", FIELD_NAME_LIMIT),
            value=truncate(field.value or "\u200b", FIELD_VALUE_LIMIT),
            inline=bool(field.inline),
        )
    while _embed_length(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if _embed_length(embed) > EMBED_TOTAL_LIMIT and embed.description:
        excess = _embed_length(embed) - EMBED_TOTAL_LIMIT
        embed.description = truncate(embed.description, max(len(embed.description) - excess, 1))
    return embed


def choice_text(text: str) -> str:
    """An autocomplete choice name/value: 1-100 characters, no control characters."""
    cleaned = truncate(clean_user_text(text), CHOICE_TEXT_LIMIT)
    return cleaned or "?"


def join_lines(lines: Iterable[str], limit: int = FIELD_VALUE_LIMIT, tr: Words = ENGLISH) -> str:
    """Whole lines only, as many as fit; the rest are counted, never cut mid-markup."""
    lines = list(lines)
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        remaining = len(lines) - index
        suffix = "\n" + tr("…and {n} more", n=remaining - 1) if remaining > 1 else ""
        if used + len(line) + 1 + len(suffix) > limit:
            kept.append(tr("…and {n} more", n=remaining))
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def sources_text(pick: SourcePick, tr: Words = ENGLISH) -> str:
    """At most three links, best first; a weak page is never linked, only counted."""
    text = source_links(pick.shown, tr=tr)
    if pick.more:
        text += " · " + tr("+{n} more (All sources)", n=len(pick.more))
    if pick.unreliable and not pick.shown:
        text = tr("Only unreliable pages report this, so none is linked.")
    return text


def all_sources_text(title: str, pick: SourcePick, tr: Words = ENGLISH) -> str:
    """The private list behind the "All sources" button: every source fit to link, best first."""
    lines = [tr("Sources for **{title}**, best first:", title=discord.utils.escape_markdown(title))]
    lines += [f"• {source_links([url], tr=tr)}" for url in pick.all_linkable]
    if pick.unreliable:
        lines.append(tr("({n} unreliable page(s) not linked.)", n=pick.unreliable))
    return truncate("\n".join(lines), 2000)
