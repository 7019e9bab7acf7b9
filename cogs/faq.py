"""/faq: the series facts (creator, directors, awards, no Season 4, …) by topic, behind the spoiler limit."""

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
from bot.domain.faq import find_topics, suggest_topics, topics_id
from bot.render.faq import faq_answer, faq_index, topic_choice_name
from bot.render.memo import EmbedMemo
from bot.render.story import Answer, Moment

if TYPE_CHECKING:
    from bot.app.client import FandexBot


class Faq(commands.Cog):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot
        # The answer is a pure function of (catalog, topics, spoiler limit, day).
        self.answers = EmbedMemo[Answer]()

    @everywhere
    @app_commands.command(
        name="faq",
        description="Series facts: who made it, directors, awards, Season 4…",
        extras={"example": "/faq question:directors"},
    )
    @app_commands.describe(
        question='A topic (pick one) or a question such as "who directed season 3"; empty lists the topics',
        private=PRIVATE_OPTION,
    )
    async def faq(
        self, interaction: discord.Interaction[FandexBot], question: str | None = None, private: bool = False
    ) -> None:
        private = private is True
        catalog = self.bot.catalog
        limit = await spoiler_limit_for(interaction)
        tr = await words_for(interaction, private=private)
        if question is None:
            embed = faq_index(catalog.dataset, catalog.faq, limit, tr)
            await interaction.response.send_message(embed=embed, ephemeral=private)
            return
        topics = find_topics(catalog.faq, question, catalog.dataset.title)
        moment = Moment(self.bot.clock.now().date(), catalog.dataset.verified_on)
        answer = self.answers.get(
            (catalog, topics_id(topics), limit, moment, tr.code),
            lambda: faq_answer(catalog.dataset, topics, limit, moment, tr),
        )
        await send_answer(interaction, answer, "faq", topics_id(topics), private=private, tr=tr)

    @faq.autocomplete("question")
    @safe_autocomplete
    async def question_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: str
    ) -> list[app_commands.Choice[str]]:
        catalog = self.bot.catalog
        return [
            app_commands.Choice(name=topic_choice_name(topic), value=topic.key)
            for topic in suggest_topics(catalog.faq, current, catalog.dataset.title)
        ]


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Faq(bot))
