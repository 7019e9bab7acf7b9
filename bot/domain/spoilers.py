"""The spoiler policy: how far a server has caught up, and what that hides."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import InvalidOptionError
from bot.domain.model import Dataset, Production, Work
from bot.domain.story import adapted_works, adapting_productions, productions_in_order


@dataclass(frozen=True, slots=True)
class SpoilerLimit:
    """Content beyond `season` or `volume` is shown only inside spoiler tags. None = no limit on that axis."""

    season: int | None = None
    volume: int | None = None

    def hides_season(self, season: int | None) -> bool:
        """Whether story content from `season` (the film counts as the season after the last) is hidden."""
        return self.season is not None and season is not None and season > self.season

    def hides_volume(self, volume: int | None) -> bool:
        return self.volume is not None and volume is not None and volume > self.volume


NO_LIMIT = SpoilerLimit()


def max_spoiler_season(dataset: Dataset) -> int:
    """The highest season level a limit can name (the film counts as the season after the last)."""
    return max((p.spoiler_season for p in dataset.productions), default=0)


def max_spoiler_volume(dataset: Dataset) -> int:
    return max((w.spoiler_volume for w in dataset.works), default=0)


def production_at_level(dataset: Dataset, level: int) -> Production | None:
    return next((p for p in productions_in_order(dataset) if p.spoiler_season == level), None)


def check_spoiler_limit(dataset: Dataset, season: object, volume: object) -> SpoilerLimit:
    """Validate a moderator's /config spoilers values against the dataset; the error names the range."""
    top_season = max_spoiler_season(dataset)
    top_volume = max_spoiler_volume(dataset)
    last = production_at_level(dataset, top_season)
    last_name = f" ({last.title})" if last else ""
    problems = []
    if not _whole_number_between(season, 0, top_season):
        problems.append(
            f"`season` must be 0–{top_season}: 0 = none watched yet, {top_season}{last_name} = all."
        )
    if not _whole_number_between(volume, 0, top_volume):
        problems.append(f"`volume` must be 0–{top_volume}: 0 = none read yet, {top_volume} = all.")
    if problems:
        raise InvalidOptionError(" ".join(problems))
    assert isinstance(season, int) and isinstance(volume, int)
    return SpoilerLimit(season=season, volume=volume)


def _whole_number_between(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def production_hidden(limit: SpoilerLimit, production: Production) -> bool:
    """Whether the season's/film's story content (summary, content notes, episode titles, notes) is hidden."""
    return limit.hides_season(production.spoiler_season)


def work_hidden(limit: SpoilerLimit, work: Work) -> bool:
    return limit.hides_volume(work.spoiler_volume)


def adaptation_note_hidden(limit: SpoilerLimit, dataset: Dataset, production: Production) -> bool:
    """Whether a production's adaptation note must be hidden.

    Which books a season adapts is shown plainly: it is a list of titles, and titles are never
    hidden. The note is free text comparing the season with the books and with what came later
    (Season 2's says what from Volume 4 went into Season 3), so it stays hidden until the server
    has caught up with this production, the next one, and every book it adapts.
    """
    following = production_at_level(dataset, production.spoiler_season + 1)
    return (
        production_hidden(limit, production)
        or (following is not None and production_hidden(limit, following))
        or any(work_hidden(limit, work) for work in adapted_works(dataset, production))
    )


def work_notes_hidden(limit: SpoilerLimit, dataset: Dataset, work: Work) -> bool:
    """A work's notes can mention its adaptation (This Winter's names a Season 3 episode), so they
    are hidden when the work or any production adapting it is."""
    return work_hidden(limit, work) or any(
        production_hidden(limit, production) for production in adapting_productions(dataset, work)
    )


def caught_up_text(dataset: Dataset, limit: SpoilerLimit) -> str:
    """ "caught up to Season 2 and Volume 3" in the dataset's own names."""
    parts: list[str] = []
    if limit.season is not None:
        production = production_at_level(dataset, limit.season)
        if not limit.season:
            parts.append("no season yet")
        else:
            parts.append(production.title if production else f"Season {limit.season}")
    if limit.volume is not None:
        parts.append(f"Volume {limit.volume}" if limit.volume else "no book yet")
    return "caught up to " + " and ".join(parts) if parts else "no limit"


def nothing_hidden(dataset: Dataset, limit: SpoilerLimit) -> bool:
    return not any(production_hidden(limit, p) for p in dataset.productions) and not any(
        work_hidden(limit, w) for w in dataset.works
    )
