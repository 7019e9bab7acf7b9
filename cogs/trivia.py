"""/trivia: a question from the canon for everyone in the channel, the server's leaderboard, a fan's stats;
and the background loop that reveals each answer when its time is up (bot/services/trivia.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.background import BackgroundTask
from bot.app.components import send_with_view
from bot.app.language import private_words, words_for
from bot.app.limits import spoiler_limit_for
from bot.app.reach import everywhere, installed_server_id
from bot.app.replies import send_private
from bot.domain.spoilers import NO_LIMIT, caught_up_text
from bot.render.trivia import (
    SERVER_ONLY_TEXT,
    already_open_text,
    leaderboard_embed,
    no_questions_text,
    question_embed,
    question_view,
    stats_text,
)

if TYPE_CHECKING:
    from bot.app.client import FandexBot


@everywhere  # /trivia stats works anywhere; a question and a leaderboard need a server that added Fandex
class Trivia(commands.GroupCog, group_name="trivia", group_description="Trivia from the canon, with scores"):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot
        self.game = bot.trivia
        self.background = BackgroundTask("fandex-trivia-reveals", self.game.run_forever)
        super().__init__()

    async def cog_load(self) -> None:
        self.background.start()

    async def cog_unload(self) -> None:
        await self.background.stop()

    @app_commands.command(name="play", description="Ask this channel a trivia question from the canon")
    async def play(self, interaction: discord.Interaction[FandexBot]) -> None:
        guild_id = installed_server_id(interaction)
        mine = private_words(interaction)
        if guild_id is None or interaction.channel_id is None:
            await send_private(interaction, mine(SERVER_ONLY_TEXT))
            return
        limit = await spoiler_limit_for(interaction)  # the asker's own too: never spoil who asked
        opening = await self.game.open(guild_id, interaction.channel_id, limit, seed=interaction.id)
        asked = opening.question
        if opening.already_open and asked is not None:
            await send_private(interaction, already_open_text(asked, self.bot.clock.now(), mine))
            return
        if asked is None:
            caught_up = caught_up_text(self.bot.dataset, limit, mine) if limit != NO_LIMIT else None
            await send_private(interaction, no_questions_text(caught_up, mine))
            return
        tr = await words_for(interaction, private=False)  # the question is for the whole channel
        caught_up = caught_up_text(self.bot.dataset, limit, tr) if limit != NO_LIMIT else None
        try:
            sent = await send_with_view(
                interaction,
                question_view(asked),
                embed=question_embed(asked, caught_up, tr),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except Exception:
            await self.game.discard(asked)
            raise
        message_id = sent.message_id or (await interaction.original_response()).id
        await self.game.posted(asked, interaction, message_id)

    @app_commands.command(name="leaderboard", description="This server's top 10 trivia fans")
    async def leaderboard(self, interaction: discord.Interaction[FandexBot]) -> None:
        guild_id = installed_server_id(interaction)
        if guild_id is None:
            await send_private(interaction, private_words(interaction)(SERVER_ONLY_TEXT))
            return
        scores = await self.game.store.leaderboard(guild_id)
        tr = await words_for(interaction, private=False)
        await interaction.response.send_message(
            embed=leaderboard_embed(scores, tr), allowed_mentions=discord.AllowedMentions.none()
        )

    @app_commands.command(name="stats", description="Your trivia points, answers and best streak")
    async def stats(self, interaction: discord.Interaction[FandexBot]) -> None:
        guild_id = installed_server_id(interaction)
        stats = await self.game.store.stats(interaction.user.id, guild_id)
        await send_private(
            interaction, stats_text(stats, in_server=guild_id is not None, tr=private_words(interaction))
        )


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Trivia(bot))
