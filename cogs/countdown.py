"""/countdown, and the background loop that posts release-day announcements and deletes past server events.

The loop only wakes up and asks the announcer what is due; what is due is computed from the database and
the dataset each time, so a restart loses nothing. Each run also deletes the server events shown as past
for a week. Tests await `run_due_announcements()` or `purge_past_events()` after moving a fake clock, or
shorten `Announcer.poll_interval`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.tree import safe_autocomplete
from bot.domain.countdown import (
    CountdownEvent,
    autocomplete_events,
    find_event,
    lapsed,
    merged_events,
    most_recent,
    next_upcoming,
    zone_of,
)
from bot.domain.server_events import server_event_book
from bot.render.countdown import countdown_embed, event_choice_name, nothing_upcoming_embed
from bot.services.announcer import Announcer, RunReport
from bot.services.past_events import purge_past_events

if TYPE_CHECKING:
    from bot.app.client import FandexBot

log = logging.getLogger(__name__)

CHOICE_VALUE_LIMIT = 100


class Countdown(commands.Cog):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot
        self.events = bot.server_events
        self.announcer = Announcer(bot, self.events)
        self._loop_task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self._loop_task = asyncio.create_task(self._announce_forever(), name="fandex-announcements")

    async def cog_unload(self) -> None:
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
            self._loop_task = None

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
        self, guild_id: int | None, now: datetime
    ) -> tuple[ZoneInfo, list[CountdownEvent]]:
        """The zone days are counted in (UTC outside a server) and every event visible here: the dataset's,
        and the server's own, upcoming or past for less than a week."""
        if guild_id is None:
            return ZoneInfo("UTC"), merged_events(self.bot.catalog.events, [])
        zone = zone_of((await self.bot.guild_settings.get(guild_id)).timezone)
        book = server_event_book(await self.events.for_guild(guild_id), now, zone)
        return zone, merged_events(self.bot.catalog.events, book.shown)

    @app_commands.command(
        name="countdown", description="How long until the next release, or an event you pick"
    )
    @app_commands.describe(event="The event to count down to (default: the next upcoming release)")
    async def countdown(self, interaction: discord.Interaction[FandexBot], event: str | None = None) -> None:
        now = self.bot.clock.now()
        zone, events = await self._events_here(interaction.guild_id, now)
        in_server = interaction.guild_id is not None
        if event is None:
            upcoming = next_upcoming(events, now, zone)
            if upcoming is None:
                embed = nothing_upcoming_embed(
                    most_recent(events, now, zone),
                    now,
                    zone,
                    server_zone=in_server,
                    overdue=lapsed(events, now, zone),
                )
            else:
                embed = countdown_embed(upcoming, now, zone, server_zone=in_server)
        else:
            embed = countdown_embed(find_event(events, event), now, zone, server_zone=in_server)
        await interaction.response.send_message(embed=embed)

    @countdown.autocomplete("event")
    @safe_autocomplete
    async def countdown_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: str
    ) -> list[app_commands.Choice[str]]:
        now = self.bot.clock.now()
        zone, events = await self._events_here(interaction.guild_id, now)
        return [
            app_commands.Choice(name=event_choice_name(event, now, zone), value=event.key)
            for event in autocomplete_events(events, now, zone, current)
            if len(event.key) <= CHOICE_VALUE_LIMIT
        ]


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Countdown(bot))
