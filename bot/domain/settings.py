"""A server's settings as the domain sees them: a frozen value, whatever stores it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from bot.domain.spoilers import SpoilerLimit

Reminder = Literal["none", "1d", "1w"]


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    spoiler_season: int | None = None
    spoiler_volume: int | None = None
    timezone: str = "UTC"
    announce_channel_id: int | None = None
    announce_role_id: int | None = None
    reminder: Reminder = "none"
    announce_error: str | None = None
    updated_at: datetime | None = None

    @property
    def has_spoiler_limit(self) -> bool:
        return self.spoiler_season is not None or self.spoiler_volume is not None

    @property
    def spoiler_limit(self) -> SpoilerLimit:
        return SpoilerLimit(season=self.spoiler_season, volume=self.spoiler_volume)

    @property
    def is_default(self) -> bool:
        """Every setting as in a server that never used /config (when they last changed is no setting)."""
        return replace(self, updated_at=None) == GuildSettings(guild_id=self.guild_id)
