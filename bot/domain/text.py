"""User text: cleaning, bounded length, and a markdown- and mention-safe echo."""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"


# C0/C1 controls and the bidi/zero-width formatting marks that let text masquerade as something else.
_INVISIBLE = re.compile(r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


# The markdown Discord renders, and links it leaves alone: the same rules as discord.py's
# escape_markdown(as_needed=False), which the domain cannot import (tests/bot/test_text.py compares them).
_MARKDOWN = re.compile(
    r"(?P<url><[^: >]+:/[^ >]+>|(?:https?|steam)://[^\s<]+[^<.,:;\"'\]\s])"
    r"|(?P<markdown>[_\\~|*`]|^>(?:>>)?\s|\[.+\]\(.+\)|^#{1,3}|^\s*-)",
    re.MULTILINE,
)
_MENTION = re.compile(r"@(everyone|here|[!&]?[0-9]{17,20})")

# <@123>, <@!123>, <@&123>, <#123>, </cmd:123>: rendered as live mentions even when they do not ping.
_RAW_MENTION = re.compile(r"<([@#/][^<>]*)>")


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
    return _RAW_MENTION.sub("<\u200b\\1>", escape_mentions(escape_markdown(cleaned)))


def escape_markdown(text: str) -> str:
    """Backslash every markdown character Discord would render, leaving links as they are."""
    return _MARKDOWN.sub(lambda match: match["url"] or "\\" + match["markdown"], text)


def escape_mentions(text: str) -> str:
    """Break @everyone, @here and <@id>-style mentions with a zero-width space."""
    return _MENTION.sub("@\u200b\\1", text)
