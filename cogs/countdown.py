"""/countdown, and the background loop that posts release-day announcements and deletes past server events.

The loop only wakes up and asks the announcer what is due; what is due is computed from the database and
the dataset each time, so a restart loses nothing. Each run also deletes the server events shown as past
for a week. Tests await `run_due_announcements()` or `purge_past_events()` after moving a fake clock, or
shorten `Announcer.poll_interval`.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.background import BackgroundTask
from bot.app.buttons import event_view, send_embed
from bot.app.cards import CardCache, card_file
from bot.app.components import send_with_view
from bot.app.language import private_words, words_for
from bot.app.limits import time_zone_for
from bot.app.reach import PRIVATE_OPTION, everywhere, installed_server_id
from bot.app.tree import safe_autocomplete
from bot.app.views import CandidateView
from bot.domain.countdown import (
    CountdownEvent,
    lapsed,
    merged_events,
    most_recent,
    next_upcoming,
    zone_of,
)
from bot.domain.event_search import OneEvent, match_event, suggest_events
from bot.domain.i18n import N_, Words, localized
from bot.domain.server_events import server_event_book
from bot.domain.settings import ZoneOwner
from bot.render.cards import CardWords, card_alt_text, countdown_card, render_countdown_card
from bot.render.countdown import (
    countdown_embed,
    event_candidates_embed,
    event_choice_name,
    event_options,
    nothing_upcoming_embed,
)
from bot.services.announcer import Announcer, RunReport
from bot.services.past_events import purge_past_events

if TYPE_CHECKING:
    from bot.app.client import FandexBot

log = logging.getLogger(__name__)

CHOICE_VALUE_LIMIT = 100
CARD_FILENAME = "countdown.png"  # the embed's image is `attachment://countdown.png`


class Countdown(commands.Cog):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot
        self.events = bot.server_events
        self.announcer = Announcer(bot, self.events)
        self.background = BackgroundTask("fandex-announcements", self._announce_forever)
        self.cards = CardCache()

    async def cog_load(self) -> None:
        self.background.start()

    async def cog_unload(self) -> None:
        await self.background.stop()

    async def run_due_announcements(self) -> RunReport:
        """Post whatever is due right now (by the bot's clock); safe to call while the loop runs."""
        return await self.announcer.run_due()

    async def _announce_forever(self) -> None:
        await self.bot.wait_until_ready()  # guilds and channels must be cached to check permissions
        while not self.bot.is_closed():
            try:
                await self.run_due_announcements()
            except Exception:
                log.exception("Announcement run failed; trying again in %.0f s", self.announcer.poll_interval)
            try:
                await self.purge_past_events()
            except Exception:
                log.exception(
                    "Deleting past server events failed; trying again in %.0f s", self.announcer.poll_interval
                )
            await asyncio.sleep(self.announcer.poll_interval)

    async def purge_past_events(self) -> int:
        """Delete the server events past their week of being shown as past (by the bot's clock)."""
        return await purge_past_events(self.events, self.bot.guild_settings, self.bot.clock.now())

    async def _events_here(
        self, interaction: discord.Interaction[FandexBot], now: datetime, *, private: bool
    ) -> tuple[ZoneInfo, ZoneOwner, list[CountdownEvent]]:
        """The zone days are counted in for this reply, whose zone it is, and every event visible here: the
        dataset's, and (where that server installed Fandex) the server's own, upcoming or past for less than
        a week. Whether a server's event has ended counts in the server's own zone, as its purge does."""
        zone, owner = await time_zone_for(interaction, private=private)
        guild_id = installed_server_id(interaction)
        if guild_id is None:
            return zone_of(zone), owner, merged_events(self.bot.catalog.events, [])
        server_zone = zone_of((await self.bot.guild_settings.get(guild_id)).timezone)
        book = server_event_book(await self.events.for_guild(guild_id), now, server_zone)
        return zone_of(zone), owner, merged_events(self.bot.catalog.events, book.shown)

    async def _card(
        self, embed: discord.Embed, event: CountdownEvent, now: datetime, zone: ZoneInfo, tr: Words
    ) -> discord.File:
        """The event's card as the embed's image: a PNG attachment with the same in words as alt text,
        in the answer's language."""
        card = countdown_card(event, now, zone, words=localized(CardWords, tr))
        png = await self.cards.png(card, lambda: render_countdown_card(card))
        embed.set_image(url=f"attachment://{CARD_FILENAME}")
        return card_file(png, CARD_FILENAME, card_alt_text(card))

    @everywhere
    @app_commands.command(
        name="countdown",
        description="How long until the next release, or an event you pick",
        extras={"example": "/countdown event:film"},
    )
    @app_commands.describe(
        event='The event to count down to: "film", "Volume 6", a title… (default: the next release)',
        private=PRIVATE_OPTION,
    )
    async def countdown(
        self, interaction: discord.Interaction[FandexBot], event: str | None = None, private: bool = False
    ) -> None:
        private = private is True
        now = self.bot.clock.now()
        zone, owner, events = await self._events_here(interaction, now, private=private)
        tr = await words_for(interaction, private=private)

        def buttons(shown: CountdownEvent | None, at: datetime) -> discord.ui.View | None:
            return event_view(shown, at, zone.key, tr)

        if event is None:
            upcoming = next_upcoming(events, now, zone)
            if upcoming is None:
                overdue = lapsed(events, now, zone)
                recent = most_recent(events, now, zone)
                embed = nothing_upcoming_embed(recent, now, zone, zone_owner=owner, overdue=overdue, tr=tr)
                await send_embed(interaction, embed, None, private=private)
                return
            embed = countdown_embed(upcoming, now, zone, zone_owner=owner, tr=tr)
            card = await self._card(embed, upcoming, now, zone, tr)
            await send_embed(interaction, embed, buttons(upcoming, now), private=private, file=card)
            return
        found = match_event(events, event, now, zone)
        if isinstance(found, OneEvent):
            embed = countdown_embed(found.event, now, zone, zone_owner=owner, tr=tr)
            card = await self._card(embed, found.event, now, zone, tr)
            await send_embed(interaction, embed, buttons(found.event, now), private=private, file=card)
            return
        candidates = {candidate.key: candidate for candidate in found.events}

        def render(key: str) -> tuple[discord.Embed, discord.ui.View | None] | None:
            chosen = candidates.get(key)  # counted down from the moment it is picked
            if chosen is None:
                return None
            picked_at = self.bot.clock.now()
            embed = countdown_embed(chosen, picked_at, zone, zone_owner=owner, tr=tr)
            return embed, buttons(chosen, picked_at)

        options = event_options(found.events, now, zone, tr)
        view = CandidateView(
            interaction, options, render, command="countdown", placeholder=N_("Pick an event"), tr=tr
        )
        embed = event_candidates_embed(event, found.events, more=found.more, tr=tr)
        await send_with_view(interaction, view, embed=embed, ephemeral=private)

    @countdown.autocomplete("event")
    @safe_autocomplete
    async def countdown_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: str
    ) -> list[app_commands.Choice[str]]:
        now = self.bot.clock.now()
        private = getattr(interaction.namespace, "private", None) is True
        zone, _, events = await self._events_here(interaction, now, private=private)
        tr = private_words(interaction)  # suggestions are seen by the one typing only
        return [
            app_commands.Choice(name=event_choice_name(event, now, zone, tr), value=event.key)
            for event in suggest_events(events, now, zone, current)
            if len(event.key) <= CHOICE_VALUE_LIMIT
        ]


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Countdown(bot))
