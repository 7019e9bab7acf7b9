"""A server's settings and a fan's own, as the domain sees them: frozen values, whatever stores them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from bot.domain.spoilers import SpoilerLimit

Reminder = Literal["none", "1d", "1w"]
# Whose time zone a reply counts day-only dates in: the server's, the fan's own, or neither (UTC).
ZoneOwner = Literal["server", "fan"] | None


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
    daily_channel_id: int | None = None  # where "On this day" posts go (None: off)
    daily_error: str | None = None
    announce_thread: bool = False  # open a spoiler thread on each release-day announcement
    thread_error: str | None = None
    language: str | None = None  # /config language, a code from bot/domain/i18n.py (None: not set)

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


@dataclass(frozen=True, slots=True)
class UserSettings:
    """What one fan set with /me. Nothing is stored for a fan who never did: `updated_at` is then None."""

    user_id: int
    spoiler_season: int | None = None
    spoiler_volume: int | None = None
    timezone: str | None = None  # None: no zone of their own (the server's applies, else UTC)
    updated_at: datetime | None = None

    @property
    def has_spoiler_limit(self) -> bool:
        return self.spoiler_season is not None or self.spoiler_volume is not None

    @property
    def spoiler_limit(self) -> SpoilerLimit:
        return SpoilerLimit(season=self.spoiler_season, volume=self.spoiler_volume, owner="fan")
