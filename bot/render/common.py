"""Helpers every renderer shares: escaping, spoiler tags, timestamps and Discord's size limits."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

import discord

BRAND_COLOUR = discord.Colour(0xE8799E)  # Heartstopper pink
ERROR_COLOUR = discord.Colour(0xC0392B)

CONTENT_LIMIT = 2000
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

ELLIPSIS = "…"
# C0/C1 controls and the bidi/zero-width formatting marks that let text masquerade as something else.
_INVISIBLE = re.compile(r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

# <@123>, <@!123>, <@&123>, <#123>, </cmd:123>: rendered as live mentions even when they do not ping.
_RAW_MENTION = re.compile(r"<([@#/][^<>]*)>")

STATUS_LABELS = {
    "confirmed": "Confirmed",
    "announced": "Announced (not yet confirmed)",
    "rumoured": "Rumoured (unconfirmed, treat with care)",
}
STATUS_ICONS = {"confirmed": "✅", "announced": "📣", "rumoured": "❓"}


def truncate(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS if limit > 0 else ""


def clean_user_text(text: str) -> str:
    """Drop control and invisible formatting characters and fold whitespace."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub(" ", text)
    return " ".join(text.split())


def escape_user_text(text: str, limit: int = 100) -> str:
    """Make user text safe to echo: no markdown, no mentions, no control characters, bounded length."""
    cleaned = truncate(clean_user_text(text), limit)
    escaped = discord.utils.escape_markdown(cleaned, as_needed=False)
    return _RAW_MENTION.sub("<\u200b\\1>", discord.utils.escape_mentions(escaped))


def escape_spoiler_body(text: str) -> str:
    """A `|` inside a spoiler could close the `||` tag early; escape every one.

    Callers pass markdown-escaped text (backslashes already doubled by escape_markdown), so a
    trailing backslash cannot escape the closing tag."""
    return text.replace("|", "\\|")


def spoiler(text: str) -> str:
    return f"||{escape_spoiler_body(text)}||" if text else text


def maybe_spoiler(text: str, hidden: bool) -> str:
    return spoiler(text) if hidden else text


def timestamp(moment: datetime, style: Literal["f", "F", "d", "D", "t", "T", "R"] = "F") -> str:
    return discord.utils.format_dt(moment, style=style)


def status_label(status: str) -> str:
    return f"{STATUS_ICONS.get(status, '')} {STATUS_LABELS.get(status, status)}".strip()


def source_links(urls: Iterable[str], limit: int = FIELD_VALUE_LIMIT) -> str:
    """Sources as short markdown links ("[radiotimes.com](url)"), as many as fit in `limit`."""
    parts: list[str] = []
    used = 0
    urls = list(dict.fromkeys(urls))
    for index, url in enumerate(urls):
        host = urlsplit(url).netloc.removeprefix("www.") or url
        link = f"[{host}]({url})"
        remaining = len(urls) - index - 1
        suffix = f" +{remaining} more" if remaining else ""
        if used + len(link) + 3 + len(suffix) > limit:
            parts.append(f"+{len(urls) - index} more")
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
