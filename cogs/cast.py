"""/cast: find a cast member by any of their names, or list the cast (optionally one season)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.buttons import answer_view, send_embed
from bot.app.components import send_with_view
from bot.app.language import words_for
from bot.app.limits import spoiler_limit_for
from bot.app.reach import PRIVATE_OPTION, everywhere
from bot.app.tree import safe_autocomplete
from bot.app.views import CandidateView, PagesView
from bot.domain.cast import Ambiguous, CastIndex, Found, cast_members, query_tokens
from bot.domain.claims import as_of
from bot.domain.errors import InvalidOptionError, NotFoundError
from bot.domain.i18n import Words
from bot.domain.model import Character
from bot.domain.sources import pick_sources
from bot.domain.spoilers import SpoilerLimit
from bot.domain.story import resolve_production, suggest_productions
from bot.render.cast import (
    autocomplete_choices,
    candidate_options,
    candidates_embed,
    cast_list_pages,
    character_embed,
    empty_query_text,
    not_found_text,
)
from bot.render.common import CHOICE_LIMIT, choice_text
from bot.render.memo import EmbedMemo
from bot.render.story import production_label

if TYPE_CHECKING:
    from bot.app.client import FandexBot

log = logging.getLogger(__name__)


@everywhere
class Cast(commands.GroupCog, group_name="cast", group_description="The cast: who plays whom, and when"):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot
        # A cast member's embed is a pure function of (character, spoiler limit) for the one dataset.
        self.embeds = EmbedMemo()
        # One autocomplete choice per character, built once: 25 of them cost 33 µs per keystroke
        # (cleaning and cutting the labels), against 49 µs for the matcher itself at 10,000 characters.
        # Bounded by the dataset's characters, as the ids are.
        self.choices: dict[str, app_commands.Choice[str]] = {}
        super().__init__()

    @property
    def index(self) -> CastIndex:
        return self.bot.catalog.cast

    def _entry_embed(self, character: Character, limit: SpoilerLimit, tr: Words) -> discord.Embed:
        catalog = self.bot.catalog
        return self.embeds.get(
            (catalog, character.id, limit, tr.code),
            lambda: character_embed(
                character,
                dataset=catalog.dataset,
                other_roles=self.index.other_roles(character),
                limit=limit,
                sources=pick_sources(catalog.dataset, character.sources),
                tr=tr,
            ),
        )

    def _entry_answer(
        self, character: Character, limit: SpoilerLimit, tr: Words
    ) -> tuple[discord.Embed, discord.ui.View | None]:
        """A cast member's card and its buttons, in the answer's language."""
        pick = pick_sources(self.bot.dataset, character.sources)
        view = answer_view("character", character.id, pick, tr)
        return self._entry_embed(character, limit, tr), view

    @app_commands.command(
        name="lookup",
        description="Find a character or actor: who plays whom, and when",
        extras={"example": "/cast lookup name:Kit Connor"},
    )
    @app_commands.describe(
        name="A character or actor: full name, first name, surname or nickname", private=PRIVATE_OPTION
    )
    async def lookup(
        self, interaction: discord.Interaction[FandexBot], name: str, private: bool = False
    ) -> None:
        private = private is True
        result = self.index.lookup(name)
        if isinstance(result, Found):
            limit = await spoiler_limit_for(interaction)
            tr = await words_for(interaction, private=private)
            await send_embed(interaction, *self._entry_answer(result.character, limit, tr), private=private)
        elif isinstance(result, Ambiguous):
            limit = await spoiler_limit_for(interaction)
            tr = await words_for(interaction, private=private)

            def render(character_id: str) -> tuple[discord.Embed, discord.ui.View | None] | None:
                character = self.index.get(character_id)
                return None if character is None else self._entry_answer(character, limit, tr)

            view = CandidateView(interaction, candidate_options(result.candidates, tr), render, tr=tr)
            embed = candidates_embed(name, result.candidates, more=result.more, tr=tr)
            await send_with_view(interaction, view, embed=embed, ephemeral=private)
        elif not query_tokens(name):
            hint = empty_query_text(self.bot.dataset)
            raise InvalidOptionError(hint.template, **hint.values)
        else:
            missing = not_found_text(name, result.suggestions)
            raise NotFoundError(missing.template, **missing.values)

    @lookup.autocomplete("name")
    @safe_autocomplete
    async def lookup_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: str
    ) -> list[app_commands.Choice[str]]:
        choices: list[app_commands.Choice[str]] = []
        for character in self.index.suggest(current)[:CHOICE_LIMIT]:
            choice = self.choices.get(character.id)
            if choice is None:
                choice = self.choices[character.id] = autocomplete_choices([character])[0]
            choices.append(choice)
        return choices

    @app_commands.command(
        name="list",
        description="The cast, grouped; optionally only one season or the film",
        extras={"example": "/cast list season:film"},
    )
    @app_commands.describe(
        season='Only who appears in this season (2, Season 2, s2) or the film ("film")',
        private=PRIVATE_OPTION,
    )
    async def cast_list(
        self,
        interaction: discord.Interaction[FandexBot],
        season: str | None = None,
        private: bool = False,
    ) -> None:
        catalog = self.bot.catalog
        production = None if season is None else resolve_production(catalog, season)
        members = cast_members(catalog.dataset, production)
        dated = as_of(self.bot.clock.now(), catalog.dataset.verified_on)
        tr = await words_for(interaction, private=private is True)
        pages = cast_list_pages(catalog.dataset, members, production=production, as_of=dated, tr=tr)
        if len(pages) == 1:
            await interaction.response.send_message(embed=pages[0], ephemeral=private is True)
            return
        await send_with_view(
            interaction, PagesView(interaction, pages, tr), embed=pages[0], ephemeral=private is True
        )

    @cast_list.autocomplete("season")
    @safe_autocomplete
    async def season_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=choice_text(production_label(p)), value=choice_text(p.id))
            for p in suggest_productions(self.bot.catalog, current)
        ]


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Cast(bot))
