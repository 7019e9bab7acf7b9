"""The spoiler policy: how far a server has caught up, and exactly what that hides.

Every piece of story text in the dataset states the story point it reveals (a season and/or a volume,
validated by `check-data`). A text is hidden when, and only when, the server has not reached its
point: a season-only or volume-only point on that axis; a point in both (story the show and the books
both tell) while neither has been reached. Names (of books, seasons, the film and the cast), dates and
content notes are never story text: they always show. What moderators are told is built from
`HIDDEN_KINDS` and `ALWAYS_SHOWN`, the same lists the renderers are tested against, so the promise and
the behaviour cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.domain.errors import InvalidOptionError, Text, Translate
from bot.domain.i18n import ENGLISH, N_, Words
from bot.domain.model import Dataset, Production, StoryPoint, StoryText
from bot.domain.story import productions_in_order

# What goes behind spoiler tags beyond the limit, and what never does (said once, shown to moderators).
HIDDEN_KINDS = (
    N_("summaries"),
    N_("episode titles"),
    N_("role lines"),
    N_("notes and facts"),
    N_("adaptation notes"),
)
ALWAYS_SHOWN = (
    N_("titles of books, seasons and the film"),
    N_("cast names"),
    N_("dates"),
    N_("content notes"),
)


# Whose limit it is: the server's, the fan's own (/me), or the stricter of both where neither alone gives it.
LimitOwner = Literal["server", "fan", "both"]


@dataclass(frozen=True, slots=True)
class SpoilerLimit:
    """Content beyond `season` or `volume` is shown only inside spoiler tags. None = no limit on that axis.

    `owner` only changes what an answer says about the limit (never a fan's level in a server's reply); it
    is part of the value, so answers memoised by limit stay right.
    """

    season: int | None = None
    volume: int | None = None
    owner: LimitOwner = "server"

    def hides_season(self, season: int | None) -> bool:
        """Whether story content from `season` (the film counts as the season after the last) is hidden."""
        return self.season is not None and season is not None and season > self.season

    def hides_volume(self, volume: int | None) -> bool:
        return self.volume is not None and volume is not None and volume > self.volume

    def hides(self, point: StoryPoint) -> bool:
        """Whether text revealing `point` goes behind a spoiler tag under this limit.

        A point naming both a season and a volume is story told in both: a fan who has reached it by
        either path knows it already, so it is hidden only while both lie beyond the limit.
        """
        if point.season is not None and point.volume is not None:
            return self.hides_season(point.season) and self.hides_volume(point.volume)
        return self.hides_season(point.season) or self.hides_volume(point.volume)

    def hides_text(self, text: StoryText) -> bool:
        return self.hides(text.reveals)


NO_LIMIT = SpoilerLimit()


def stricter(a: SpoilerLimit, b: SpoilerLimit) -> SpoilerLimit:
    """The limit that hides whatever either one hides: on each axis the earlier of the two (no limit on an
    axis is later than any). A fan's own limit and the server's combine this way, so more spoiler tags
    never show anyone something their own limit hides. Its owner is whichever one alone gives it."""
    season, volume = _earlier(a.season, b.season), _earlier(a.volume, b.volume)
    if (season, volume) == (a.season, a.volume):
        owner = a.owner
    elif (season, volume) == (b.season, b.volume):
        owner = b.owner
    else:
        owner = a.owner if a.owner == b.owner else "both"
    return SpoilerLimit(season=season, volume=volume, owner=owner)


def _earlier(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def max_spoiler_season(dataset: Dataset) -> int:
    """The highest season level a limit can name (the film counts as the season after the last)."""
    return max((p.spoiler_season for p in dataset.productions), default=0)


def max_spoiler_volume(dataset: Dataset) -> int:
    return max((w.spoiler_volume for w in dataset.works), default=0)


def production_at_level(dataset: Dataset, level: int) -> Production | None:
    return next((p for p in productions_in_order(dataset) if p.spoiler_season == level), None)


def check_spoiler_limit(dataset: Dataset, season: object, volume: object) -> SpoilerLimit:
    """Validate /config spoilers (or /me spoilers) values against the dataset; the error names the range."""
    top_season = max_spoiler_season(dataset)
    top_volume = max_spoiler_volume(dataset)
    last = production_at_level(dataset, top_season)
    last_name = f" ({last.title})" if last else ""
    bad_season = not _whole_number_between(season, 0, top_season)
    bad_volume = not _whole_number_between(volume, 0, top_volume)
    values = {"seasons": top_season, "last": last_name, "volumes": top_volume}
    if bad_season and bad_volume:
        raise InvalidOptionError(
            "`season` must be 0–{seasons}: 0 = none watched yet, {seasons}{last} = all. "
            "`volume` must be 0–{volumes}: 0 = none read yet, {volumes} = all.",
            **values,
        )
    if bad_season:
        raise InvalidOptionError(
            "`season` must be 0–{seasons}: 0 = none watched yet, {seasons}{last} = all.", **values
        )
    if bad_volume:
        raise InvalidOptionError(
            "`volume` must be 0–{volumes}: 0 = none read yet, {volumes} = all.", **values
        )
    assert isinstance(season, int) and isinstance(volume, int)
    return SpoilerLimit(season=season, volume=volume)


def _whole_number_between(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def caught_up_text(dataset: Dataset, limit: SpoilerLimit, tr: Words = ENGLISH) -> str:
    """ "caught up to Season 2 and Volume 3" in the dataset's own names."""
    parts: list[str] = []
    if limit.season is not None:
        production = production_at_level(dataset, limit.season)
        if not limit.season:
            parts.append(tr("no season yet"))
        else:
            parts.append(production.title if production else tr("Season {n}", n=limit.season))
    if limit.volume is not None:
        parts.append(tr("Volume {n}", n=limit.volume) if limit.volume else tr("no book yet"))
    return tr("caught up to {parts}", parts=tr(" and ").join(parts)) if parts else tr("no limit")


class CaughtUpText(Text):
    """`caught_up_text` inside an error's message, told in the language the error is shown in."""

    __slots__ = ("dataset", "limit")

    def __init__(self, dataset: Dataset, limit: SpoilerLimit) -> None:
        super().__init__("{limit}")
        self.dataset = dataset
        self.limit = limit

    def localized(self, tr: Translate) -> str:
        return caught_up_text(self.dataset, self.limit, tr if isinstance(tr, Words) else ENGLISH)


def story_points(dataset: Dataset) -> frozenset[StoryPoint]:
    """Every story point any text in the dataset reveals."""
    points: set[StoryPoint] = set()
    for work in dataset.works:
        points.update(t.reveals for t in (work.summary, *work.notes))
    for production in dataset.productions:
        texts = [
            production.summary,
            *production.notes,
            *([production.adapts_note] if production.adapts_note else []),
        ]
        points.update(t.reveals for t in texts)
        points.update(f.reveals for f in production.facts)
        points.update(e.reveals for e in production.episodes)
    for character in dataset.characters:
        points.update(t.reveals for t in (character.role, *character.notes))
    points.update(f.reveals for f in dataset.series_facts)
    return frozenset(points)


def nothing_hidden(points: frozenset[StoryPoint], limit: SpoilerLimit) -> bool:
    """Whether this limit hides no text at all (the server has caught up with everything)."""
    return not any(limit.hides(point) for point in points)
