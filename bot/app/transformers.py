"""Option transformers: Discord values to the objects commands need, or a private error."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.domain.errors import InvalidOptionError

if TYPE_CHECKING:
    from bot.app.client import FandexBot


class AnnouncementChannel(app_commands.Transformer):
    """A text or announcement channel of this server, from the bot's cache (so permissions can be checked)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.text, discord.ChannelType.news]

    async def transform(
        self, interaction: discord.Interaction[FandexBot], value: object, /
    ) -> discord.TextChannel:
        channel_id = getattr(value, "id", None)
        guild = interaction.guild
        channel = guild.get_channel(channel_id) if guild is not None and isinstance(channel_id, int) else None
        if not isinstance(channel, discord.TextChannel):
            raise InvalidOptionError(
                "I can't find that channel here (deleted, or not a text channel I can see). "
                "Pick a text channel from the list."
            )
        return channel
