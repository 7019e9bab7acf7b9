"""Buttons that work for as long as the message exists, across restarts: their custom_id says what they
are about ("fx:sources:faq:directors", "fx:report:work:volume-1"), so any process can answer them
from the catalog. Every fact answer carries "Something wrong?" (bot/app/reports.py), and "All sources"
when it has more sources than it shows."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.app.components import send_with_view
from bot.app.language import private_words
from bot.app.reminders import REMINDER_ITEMS, remind_button
from bot.app.replies import send_private
from bot.app.reports import ReportButton, report_button
from bot.app.trivia_buttons import TriviaAnswerButton
from bot.domain.countdown import DATASET_KEY_PREFIX, CountdownEvent
from bot.domain.i18n import ENGLISH, N_, Words
from bot.domain.sources import SourcePick, pick_sources
from bot.render.common import all_sources_text
from bot.render.story import Answer, production_sources, work_sources

if TYPE_CHECKING:
    from bot.app.client import FandexBot

ALL_SOURCES = N_("All sources")


def entry_sources(bot: FandexBot, kind: str, entry_id: str) -> tuple[str, SourcePick] | None:
    """The title and sources of a catalog entry, or None if this dataset no longer has it."""
    catalog = bot.catalog
    if kind == "production" and (production := catalog.productions.get(entry_id)):
        return production.title, production_sources(catalog.dataset, production)
    if kind == "work" and (work := catalog.works.get(entry_id)):
        return work.title, work_sources(catalog.dataset, work)
    if kind == "character" and (character := catalog.characters.get(entry_id)):
        return character.name, pick_sources(catalog.dataset, character.sources)
    if kind == "faq":  # one topic's key, or several joined by "." (an answer that fits a few)
        topics = {topic.key: topic for topic in catalog.faq}
        chosen = [topics[key] for key in entry_id.split(".") if key in topics]
        if chosen:
            title = ", ".join(topic.label for topic in chosen)
            return title, pick_sources(catalog.dataset, [url for topic in chosen for url in topic.sources])
    return None


class AllSourcesButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"fx:sources:(?P<kind>production|work|character|faq):(?P<id>[a-z0-9.-]{1,80})",
):
    """ "All sources": every source fit to link, best first, in a private reply."""

    def __init__(self, kind: str, entry_id: str, *, label: str = ALL_SOURCES) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
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
        tr = private_words(interaction)
        if found is None:
            await send_private(
                interaction, tr("That entry is no longer in the dataset: run the command again.")
            )
            return
        title, pick = found
        await send_private(interaction, all_sources_text(title, pick, tr))


def answer_view(
    kind: str, entry_id: str, pick: SourcePick | None = None, tr: Words = ENGLISH
) -> discord.ui.View | None:
    """The buttons under a fact answer: "All sources" when `pick` has more than the answer shows, then
    "Something wrong?" (None only for an entry no button can name); labelled in the answer's language."""
    items: list[discord.ui.Item[Any]] = []
    if pick is not None and (pick.more or pick.unreliable):
        items.append(AllSourcesButton(kind, entry_id, label=tr(ALL_SOURCES)))
    if (report := report_button(kind, entry_id, tr)) is not None:
        items.append(report)
    return _view(items)


def _view(items: list[discord.ui.Item[Any]]) -> discord.ui.View | None:
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


def event_view(
    event: CountdownEvent | None, now: datetime, zone_name: str, tr: Words = ENGLISH
) -> discord.ui.View | None:
    """The buttons under a /countdown answer: "🔔 Remind me" for an event with a day or a time still
    ahead, and "Something wrong?" for a dataset event (a server's own events are its moderators' to fix)."""
    if event is None:
        return None
    items: list[discord.ui.Item[Any]] = []
    if (remind := remind_button(event, now, zone_name, tr)) is not None:
        items.append(remind)
    if event.key.startswith(DATASET_KEY_PREFIX):
        report = report_button("event", event.key.removeprefix(DATASET_KEY_PREFIX), tr)
        if report is not None:
            items.append(report)
    return _view(items)


async def send_embed(
    interaction: discord.Interaction[FandexBot],
    embed: discord.Embed,
    view: discord.ui.View | None,
    *,
    private: bool = False,
    file: discord.File | None = None,
) -> None:
    """An answer for everyone here, or with `private` for the invoker only (its buttons work either way);
    `file`: an attachment, such as the card the embed's image names."""
    extra: dict[str, Any] = {} if file is None else {"file": file}
    if view is None:
        await interaction.response.send_message(embed=embed, ephemeral=private, **extra)
    else:
        await send_with_view(interaction, view, embed=embed, ephemeral=private, **extra)


async def send_answer(
    interaction: discord.Interaction[FandexBot],
    answer: Answer,
    kind: str,
    entry_id: str,
    *,
    private: bool = False,
    tr: Words = ENGLISH,
) -> None:
    """A fact answer, with its buttons (`answer_view`) in the answer's language."""
    view = answer_view(kind, entry_id, answer.sources, tr)
    await send_embed(interaction, answer.embed, view, private=private)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AllSourcesButton,
    ReportButton,
    TriviaAnswerButton,
    *REMINDER_ITEMS,
)
