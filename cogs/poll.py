"""/poll: a native Discord poll of the canon (favourite season, book, character or episode of a season),
its answers from the dataset and within the server's spoiler limit."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.language import words_for
from bot.app.limits import spoiler_limit_for
from bot.app.reach import everywhere
from bot.app.tree import safe_autocomplete
from bot.domain.polls import DEFAULT_HOURS, MAX_HOURS, MIN_HOURS, TOPICS, canon_poll
from bot.domain.spoilers import NO_LIMIT, caught_up_text
from bot.domain.story import suggest_productions
from bot.render.common import choice_text
from bot.render.polls import native_poll, poll_note
from bot.render.story import production_label

if TYPE_CHECKING:
    from bot.app.client import FandexBot


class Poll(commands.Cog):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot

    @everywhere
    @app_commands.command(
        name="poll",
        description="A poll of the canon: favourite season, book, character…",
        extras={"example": "/poll about:season"},
    )
    @app_commands.describe(
        about="What fans vote on",
        season="For a character or episode poll: the season (2, Season 2, s2) or the film",
        hours=f"How long the poll stays open, in hours ({MIN_HOURS}–{MAX_HOURS}, default {DEFAULT_HOURS})",
    )
    @app_commands.choices(
        about=[app_commands.Choice(name=name, value=value) for value, name in TOPICS.items()]
    )
    async def poll(
        self,
        interaction: discord.Interaction[FandexBot],
        about: str,
        season: str | None = None,
        hours: app_commands.Range[int, MIN_HOURS, MAX_HOURS] = DEFAULT_HOURS,
    ) -> None:
        limit = await spoiler_limit_for(interaction)
        tr = await words_for(interaction, private=False)  # the poll is public; its refusals private
        canon = canon_poll(self.bot.catalog, about, season, hours, limit, tr)
        caught_up = caught_up_text(self.bot.dataset, limit, tr) if limit != NO_LIMIT else None
        note = poll_note(canon, caught_up, tr)
        await interaction.response.send_message(
            content=note, poll=native_poll(canon), allowed_mentions=discord.AllowedMentions.none()
        )

    @poll.autocomplete("season")
    @safe_autocomplete
    async def season_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=choice_text(production_label(p)), value=choice_text(p.id))
            for p in suggest_productions(self.bot.catalog, current)
        ]


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Poll(bot))
