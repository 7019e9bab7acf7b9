"""The settings that apply to an interaction: the server's where it installed Fandex, the fan's own always.

A reply follows the stricter of the two spoiler limits (more spoiler tags never hurt anyone); without a
server (DMs, private channels, a server that only the fan installed Fandex for) the fan's own applies.
Day-only dates count in the server's time zone for public replies in a server, and in the fan's own for
everything else (else the server's, else UTC).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.app.reach import installed_server_id
from bot.domain.settings import ZoneOwner
from bot.domain.spoilers import SpoilerLimit, stricter

if TYPE_CHECKING:
    from bot.app.client import FandexBot


async def spoiler_limit_for(interaction: discord.Interaction[FandexBot]) -> SpoilerLimit:
    """The stricter of the server's limit (where it applies) and the invoker's own."""
    bot = interaction.client
    own = (await bot.user_settings.get(interaction.user.id)).spoiler_limit
    guild_id = installed_server_id(interaction)
    if guild_id is None:
        return own
    return stricter((await bot.guild_settings.get(guild_id)).spoiler_limit, own)


async def time_zone_for(
    interaction: discord.Interaction[FandexBot], *, private: bool
) -> tuple[str, ZoneOwner]:
    """The time zone name day-only dates count in for this reply, and whose it is."""
    bot = interaction.client
    guild_id = installed_server_id(interaction)
    if guild_id is not None and not private:
        return (await bot.guild_settings.get(guild_id)).timezone, "server"
    own = (await bot.user_settings.get(interaction.user.id)).timezone
    if own is not None:
        return own, "fan"
    if guild_id is not None:
        return (await bot.guild_settings.get(guild_id)).timezone, "server"
    return "UTC", None
