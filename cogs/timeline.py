"""/timeline: the books, the seasons and the film on one time axis, with what adapts what, as a picture.

Within the reply's spoiler limit (bot/app/limits.py): what lies beyond it is drawn unnamed. The picture is
rendered once per (catalog, limit) and cached (bot/app/cards.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.buttons import send_embed
from bot.app.cards import CardCache, card_file
from bot.app.language import words_for
from bot.app.limits import spoiler_limit_for
from bot.app.reach import PRIVATE_OPTION, everywhere
from bot.domain.i18n import localized
from bot.render.timeline_card import (
    TimelineWords,
    render_timeline,
    timeline_alt_text,
    timeline_embed,
    timeline_view,
)

if TYPE_CHECKING:
    from bot.app.client import FandexBot

TIMELINE_FILENAME = "timeline.png"


class Timeline(commands.Cog):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot
        self.cards = CardCache(maxsize=64)

    @everywhere
    @app_commands.command(
        name="timeline",
        description="The books, seasons and film on a time axis",
        extras={"example": "/timeline"},
    )
    @app_commands.describe(private=PRIVATE_OPTION)
    async def timeline(self, interaction: discord.Interaction[FandexBot], private: bool = False) -> None:
        private = private is True
        limit = await spoiler_limit_for(interaction)
        catalog = self.bot.catalog
        tr = await words_for(interaction, private=private)
        view = timeline_view(catalog.dataset, limit, localized(TimelineWords, tr))
        png = await self.cards.png((catalog, limit, tr.code), lambda: render_timeline(view))
        embed = timeline_embed(view, f"attachment://{TIMELINE_FILENAME}")
        file = card_file(png, TIMELINE_FILENAME, timeline_alt_text(view))
        await send_embed(interaction, embed, None, private=private, file=file)


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Timeline(bot))
