"""/volume: a book of the series (graphic novels, novellas, companion), behind the reader's spoiler limit."""

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
from bot.domain.story import resolve_work, suggest_works
from bot.render.common import choice_text
from bot.render.memo import EmbedMemo
from bot.render.story import Answer, Moment, work_answer, work_label

if TYPE_CHECKING:
    from bot.app.client import FandexBot


class Volume(commands.Cog):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot
        # The answer is a pure function of (catalog, book, spoiler limit, day, language).
        self.answers = EmbedMemo[Answer]()

    @everywhere
    @app_commands.command(
        name="volume",
        description="A book of the series: dates, adaptation and story (spoiler-aware)",
        extras={"example": "/volume book:Solitaire"},
    )
    @app_commands.describe(book="A volume (3, Volume 3, vol 3) or a book's title", private=PRIVATE_OPTION)
    async def volume(
        self, interaction: discord.Interaction[FandexBot], book: str, private: bool = False
    ) -> None:
        catalog = self.bot.catalog
        work = resolve_work(catalog, book)
        limit = await spoiler_limit_for(interaction)
        moment = Moment(self.bot.clock.now().date(), catalog.dataset.verified_on)
        tr = await words_for(interaction, private=private is True)
        answer = self.answers.get(
            (catalog, work.id, limit, moment, tr.code),
            lambda: work_answer(catalog.dataset, work, limit, moment, tr),
        )
        await send_answer(interaction, answer, "work", work.id, private=private is True, tr=tr)

    @volume.autocomplete("book")
    @safe_autocomplete
    async def book_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=choice_text(work_label(work)), value=choice_text(work.id))
            for work in suggest_works(self.bot.catalog, current)
        ]


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Volume(bot))
