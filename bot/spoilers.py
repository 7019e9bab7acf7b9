"""How far a server has caught up, and what that hides."""

from __future__ import annotations

from dataclasses import dataclass

from bot.guild_settings import GuildSettings


@dataclass(frozen=True, slots=True)
class SpoilerLimit:
    """Content beyond `season` or `volume` is shown only inside spoiler tags. None = no limit on that axis."""

    season: int | None = None
    volume: int | None = None

    @classmethod
    def from_settings(cls, settings: GuildSettings | None) -> SpoilerLimit:
        if settings is None:
            return cls()
        return cls(season=settings.spoiler_season, volume=settings.spoiler_volume)

    @property
    def active(self) -> bool:
        return self.season is not None or self.volume is not None

    def hides_season(self, season: int | None) -> bool:
        """Whether story content from `season` (the film counts as the season after the last) is hidden."""
        return self.season is not None and season is not None and season > self.season

    def hides_volume(self, volume: int | None) -> bool:
        return self.volume is not None and volume is not None and volume > self.volume


NO_LIMIT = SpoilerLimit()
