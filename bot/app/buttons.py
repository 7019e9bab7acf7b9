"""Buttons that work for as long as the message exists, across restarts: their custom_id says what they
are about ("fx:sources:production:season-1"), so any process can answer them from the catalog."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.app.components import send_with_view
from bot.app.replies import send_private
from bot.app.trivia_buttons import TriviaAnswerButton
from bot.domain.sources import SourcePick, pick_sources
from bot.render.common import all_sources_text
from bot.render.story import Answer, production_sources, work_sources

if TYPE_CHECKING:
    from bot.app.client import FandexBot


def entry_sources(bot: FandexBot, kind: str, entry_id: str) -> tuple[str, SourcePick] | None:
    """The title and sources of a catalog entry, or None if this dataset no longer has it."""
    catalog = bot.catalog
    if kind == "production" and (production := catalog.productions.get(entry_id)):
        return production.title, production_sources(catalog.dataset, production)
    if kind == "work" and (work := catalog.works.get(entry_id)):
        return work.title, work_sources(catalog.dataset, work)
    if kind == "character" and (character := catalog.characters.get(entry_id)):
        return character.name, pick_sources(catalog.dataset, character.sources)
    return None


class AllSourcesButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"fx:sources:(?P<kind>production|work|character):(?P<id>[a-z0-9-]{1,80})",
):
    """ "All sources": every source fit to link, best first, in a private reply."""

    def __init__(self, kind: str, entry_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="All sources",
                emoji="📚",
                style=discord.ButtonStyle.secondary,
                custom_id=f"fx:sources:{kind}:{entry_id}",
            )
        )
        self.kind = kind
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> AllSourcesButton:
        return cls(match["kind"], match["id"])

    async def callback(self, interaction: discord.Interaction[FandexBot]) -> None:
        found = entry_sources(interaction.client, self.kind, self.entry_id)
        if found is None:
            await send_private(interaction, "That entry is no longer in the dataset: run the command again.")
            return
        title, pick = found
        await send_private(interaction, all_sources_text(title, pick))


def answer_view(kind: str, entry_id: str, pick: SourcePick) -> discord.ui.View | None:
    """The buttons under a fact answer (None when there is nothing more to list)."""
    if not pick.more and not pick.unreliable:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(AllSourcesButton(kind, entry_id))
    return view


async def send_embed(
    interaction: discord.Interaction[FandexBot], embed: discord.Embed, view: discord.ui.View | None
) -> None:
    if view is None:
        await interaction.response.send_message(embed=embed)
    else:
        await send_with_view(interaction, view, embed=embed)


async def send_answer(
    interaction: discord.Interaction[FandexBot], answer: Answer, kind: str, entry_id: str
) -> None:
    """A fact answer, with its "All sources" button when it has more sources than it shows."""
    await send_embed(interaction, answer.embed, answer_view(kind, entry_id, answer.sources))


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (AllSourcesButton, TriviaAnswerButton)
