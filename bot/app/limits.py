"""The spoiler limit that applies to an interaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain.spoilers import NO_LIMIT, SpoilerLimit

if TYPE_CHECKING:
    from bot.storage.guild_settings import GuildSettingsRepository


async def spoiler_limit_for(settings: GuildSettingsRepository, guild_id: int | None) -> SpoilerLimit:
    """The limit a server set; outside a server (DMs) there is none."""
    if guild_id is None:
        return NO_LIMIT
    return (await settings.get(guild_id)).spoiler_limit
