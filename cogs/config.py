"""/config: moderators' per-server settings. Discord hides the group from members without Manage
Server (default_permissions); `interaction_check` enforces it here too, whatever the client claims."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import safe_autocomplete
from bot.render.common import choice_text
from bot.render.settings import settings_embed
from bot.timezones import resolve_timezone, suggest_timezones

if TYPE_CHECKING:
    from bot.client import FandexBot


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Config(commands.GroupCog, group_name="config", group_description="Fandex settings for this server (moderators)"):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[FandexBot], /) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    @app_commands.command(name="show", description="Show this server's Fandex settings")
    async def show(self, interaction: discord.Interaction[FandexBot]) -> None:
        assert interaction.guild_id is not None  # guild_only
        settings = await self.bot.guild_settings.get(interaction.guild_id)
        guild_name = interaction.guild.name if interaction.guild else "this server"
        await interaction.response.send_message(embed=settings_embed(settings, guild_name=guild_name), ephemeral=True)

    @app_commands.command(name="timezone", description="Set the time zone this server counts release days in")
    @app_commands.describe(tz="An IANA time zone such as Europe/London or America/New_York (default UTC)")
    async def timezone(self, interaction: discord.Interaction[FandexBot], tz: str) -> None:
        assert interaction.guild_id is not None  # guild_only
        name = resolve_timezone(tz)
        await self.bot.guild_settings.update(interaction.guild_id, timezone=name)
        await interaction.response.send_message(
            f"Time zone set to **{name}**. Day-only release dates are now counted in it, and "
            "day-precision announcements go out at 09:00 there.",
            ephemeral=True,
        )

    @timezone.autocomplete("tz")
    @safe_autocomplete
    async def timezone_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=choice_text(name), value=name) for name in suggest_timezones(current)]


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Config(bot))
