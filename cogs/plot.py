"""/plot: a season, one of its episodes, or the film, behind the reader's spoiler limit."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.buttons import send_answer
from bot.app.language import words_for
from bot.app.limits import spoiler_limit_for
from bot.app.reach import PRIVATE_OPTION, everywhere
from bot.app.tree import safe_autocomplete
from bot.domain.faq import later_season_topics, topics_id
from bot.domain.story import LaterSeason, resolve_episode, resolve_plot, suggest_productions
from bot.render.common import choice_text
from bot.render.faq import later_season_answer
from bot.render.memo import EmbedMemo
from bot.render.story import Answer, Moment, episode_answer, production_answer, production_label

if TYPE_CHECKING:
    from bot.app.client import FandexBot


class Plot(commands.Cog):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot
        # The answer is a pure function of (season, episode, spoiler limit, language) for the one dataset.
        self.answers = EmbedMemo[Answer]()

    @everywhere
    @app_commands.command(
        name="plot",
        description="What happens in a season or the film (spoiler-aware)",
        extras={"example": "/plot season:2"},
    )
    @app_commands.describe(
        season='A season (2, Season 2, s2), or the film by its title or as "film"',
        episode="Just this episode of the season",
        details="Also list the episodes and the behind-the-scenes facts",
        private=PRIVATE_OPTION,
    )
    async def plot(
        self,
        interaction: discord.Interaction[FandexBot],
        season: str,
        episode: app_commands.Range[int, 1, 50] | None = None,
        details: bool = False,
        private: bool = False,
    ) -> None:
        catalog = self.bot.catalog
        dataset = catalog.dataset
        production = resolve_plot(catalog, season)
        limit = await spoiler_limit_for(interaction)
        moment = Moment(self.bot.clock.now().date(), dataset.verified_on)
        tr = await words_for(interaction, private=private is True)
        if isinstance(production, LaterSeason):  # "Season 4": what the series facts say about it
            topics = later_season_topics(catalog.faq)
            answer = self.answers.get(
                (catalog, f"later:{production.number}", None, limit, moment, False, tr.code),
                lambda: later_season_answer(dataset, production.number, topics, limit, moment, tr),
            )
            await send_answer(interaction, answer, "faq", topics_id(topics), private=private is True, tr=tr)
            return
        if episode is None:
            answer = self.answers.get(
                (catalog, production.id, None, limit, moment, details is True, tr.code),
                lambda: production_answer(dataset, production, limit, moment, details=details is True, tr=tr),
            )
        else:
            # Discord enforces the range, but a hostile client can send any value: the core checks it.
            chosen = resolve_episode(production, episode)
            answer = self.answers.get(
                (catalog, production.id, chosen.number, limit, moment, False, tr.code),
                lambda: episode_answer(dataset, production, chosen, limit, moment, tr),
            )
        await send_answer(interaction, answer, "production", production.id, private=private is True, tr=tr)

    @plot.autocomplete("season")
    @safe_autocomplete
    async def season_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(
                name=choice_text(production_label(production)), value=choice_text(production.id)
            )
            for production in suggest_productions(self.bot.catalog, current)
        ]


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Plot(bot))
