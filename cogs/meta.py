"""/about: what this bot is and how fresh its facts are; /help: every command, with an example.

/help is private: it is for the person asking, it is long enough to push a channel's conversation
away, and it lists the moderators' commands without advertising them to everyone."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.app.help import command_help
from bot.app.language import words_for
from bot.app.reach import PRIVATE_OPTION, everywhere
from bot.domain.model import counts
from bot.render.meta import about_embed, help_embed

if TYPE_CHECKING:
    from bot.app.client import FandexBot


class Meta(commands.Cog):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot

    @everywhere
    @app_commands.command(
        name="about",
        description="About Fandex: version, dataset and how fresh its facts are",
        extras={"example": "/about"},
    )
    @app_commands.describe(private=PRIVATE_OPTION)
    async def about(self, interaction: discord.Interaction[FandexBot], private: bool = False) -> None:
        embed = about_embed(
            version=__version__,
            dataset=self.bot.dataset,
            counts=counts(self.bot.dataset),
            latency=self.bot.latency,
            tr=await words_for(interaction, private=private is True),
        )
        await interaction.response.send_message(embed=embed, ephemeral=private is True)

    @everywhere
    @app_commands.command(
        name="help", description="Every command, with an example", extras={"example": "/help"}
    )
    @app_commands.describe(private=PRIVATE_OPTION)
    async def help(self, interaction: discord.Interaction[FandexBot], private: bool = False) -> None:
        tr = await words_for(interaction, private=private is True)
        embed = help_embed(command_help(self.bot.tree), self.bot.dataset, tr)
        await interaction.response.send_message(embed=embed, ephemeral=private is True)


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Meta(bot))
