"""/about: what this bot is and how fresh its facts are."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.app.reach import PRIVATE_OPTION, everywhere
from bot.domain.model import counts
from bot.render.meta import about_embed

if TYPE_CHECKING:
    from bot.app.client import FandexBot


class Meta(commands.Cog):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot

    @everywhere
    @app_commands.command(
        name="about", description="About Fandex: version, dataset and how fresh its facts are"
    )
    @app_commands.describe(private=PRIVATE_OPTION)
    async def about(self, interaction: discord.Interaction[FandexBot], private: bool = False) -> None:
        embed = about_embed(
            version=__version__,
            dataset=self.bot.dataset,
            counts=counts(self.bot.dataset),
            latency=self.bot.latency,
        )
        await interaction.response.send_message(embed=embed, ephemeral=private is True)


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Meta(bot))
