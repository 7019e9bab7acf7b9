"""IANA time zone names: validation and suggestions (for /config timezone)."""

from __future__ import annotations

import functools
import zoneinfo

from bot.domain.errors import InvalidOptionError, Text
from bot.domain.text import clean_user_text, escape_user_text


@functools.cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name known here, sorted; computed once (it walks the tz database)."""
    names = {name for name in zoneinfo.available_timezones() if not name.startswith(("posix/", "right/"))}
    names.add("UTC")
    return tuple(sorted(names))


@functools.cache
def _by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in zone_names()}


def resolve_timezone(text: str) -> str:
    """The canonical zone name for `text` ("europe/london" -> "Europe/London"), or a clear error."""
    key = clean_user_text(text).replace(" ", "_").casefold()
    name = _by_folded_name().get(key)
    if name is None:
        close = suggest_timezones(text, limit=3)
        hint = Text(" Did you mean {zones}?", zones=", ".join(close)) if close else ""
        raise InvalidOptionError(
            "**{text}** is not a time zone I know. Use an IANA name such as `Europe/London` or "
            "`America/New_York`.{hint}",
            text=escape_user_text(text, 60) or Text("That"),
            hint=hint,
        )
    return name


def suggest_timezones(text: str, limit: int = 25) -> list[str]:
    """Zone names containing what was typed, prefix matches (of the zone or its city) first."""
    needle = clean_user_text(text).replace(" ", "_").casefold()
    if not needle:
        common = [
            "UTC",
            "Europe/London",
            "Europe/Dublin",
            "America/New_York",
            "America/Chicago",
            "America/Los_Angeles",
            "Australia/Sydney",
            "Europe/Berlin",
            "Asia/Tokyo",
        ]
        return common[:limit]
    starts: list[str] = []
    contains: list[str] = []
    for folded, name in _by_folded_name().items():
        city = folded.rsplit("/", 1)[-1]
        if folded.startswith(needle) or city.startswith(needle):
            starts.append(name)
        elif needle in folded:
            contains.append(name)
        if len(starts) >= limit:
            break
    return (starts + contains)[:limit]
