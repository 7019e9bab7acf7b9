"""/config: moderators' per-server settings. Discord hides the group from members without Manage
Server (default_permissions); `interaction_check` enforces it here too, whatever the client claims. It is
installed to servers only and used in them only; a fan's own settings are /me (cogs/me.py).

Longer than 400 lines because every /config subcommand is a method of this one GroupCog (discord.py
builds the group from one class); what they say is rendered elsewhere (bot/render/settings.py,
server_events.py, spoilers.py, daily.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.language import private_words
from bot.app.reach import NotInstalledHere, installed_server_id
from bot.app.replies import send_private
from bot.app.transformers import AnnouncementChannel
from bot.app.tree import safe_autocomplete
from bot.domain.countdown import clean_event_name, find_server_event, parse_event_date, zone_of
from bot.domain.errors import InvalidOptionError, NotFoundError
from bot.domain.i18n import LANGUAGES, language_by_code
from bot.domain.server_events import ServerEventBook, server_event_book
from bot.domain.spoilers import check_spoiler_limit, max_spoiler_season, max_spoiler_volume, nothing_hidden
from bot.domain.text import clean_user_text
from bot.domain.timezones import resolve_timezone, suggest_timezones
from bot.render.common import choice_text
from bot.render.daily import daily_saved_text
from bot.render.server_events import (
    announcements_saved_text,
    event_added_text,
    event_removed_text,
    server_event_choice_name,
    server_events_fields,
)
from bot.render.settings import settings_embed
from bot.render.spoilers import (
    spoiler_level_label,
    spoiler_limit_lifted_text,
    spoiler_limit_set_text,
    volume_level_label,
)
from bot.services.announcement_checks import check_announcement_channel, check_announcement_role
from bot.services.scheduled_events import add_listed_event, delete_scheduled_event

if TYPE_CHECKING:
    from bot.app.client import FandexBot

LANGUAGE_OFF = "off"


@app_commands.guild_only()
@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.default_permissions(manage_guild=True)
class Config(
    commands.GroupCog, group_name="config", group_description="Fandex settings for this server (moderators)"
):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot
        self.events = bot.server_events
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[FandexBot], /) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if installed_server_id(interaction) is None:  # only a fan's own install reaches this server
            raise NotInstalledHere()
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    @app_commands.command(
        name="show",
        description="Show this server's Fandex settings",
        extras={"example": "/config show"},
    )
    async def show(self, interaction: discord.Interaction[FandexBot]) -> None:
        assert interaction.guild_id is not None  # guild_only
        settings = await self.bot.guild_settings.get(interaction.guild_id)
        tr = private_words(interaction)
        guild_name = interaction.guild.name if interaction.guild else tr("this server")
        zone = zone_of(settings.timezone)
        book = await self._event_book(interaction.guild_id, zone)
        embed = settings_embed(
            settings,
            guild_name=guild_name,
            extra_fields=server_events_fields(book, zone, tr),
            has_events=bool(book.shown),
            tr=tr,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    async def _event_book(self, guild_id: int, zone: ZoneInfo) -> ServerEventBook:
        """The server's own events now: upcoming, and past ones still listed."""
        return server_event_book(await self.events.for_guild(guild_id), self.bot.clock.now(), zone)

    @app_commands.command(
        name="timezone",
        description="Set the time zone this server counts release days in",
        extras={"example": "/config timezone tz:Europe/London"},
    )
    @app_commands.describe(tz="An IANA time zone such as Europe/London or America/New_York (default UTC)")
    async def timezone(self, interaction: discord.Interaction[FandexBot], tz: str) -> None:
        assert interaction.guild_id is not None  # guild_only
        name = resolve_timezone(tz)
        await self.bot.guild_settings.update(interaction.guild_id, timezone=name)
        tr = private_words(interaction)
        text = tr(
            "Time zone set to **{zone}**. Day-only release dates are now counted in it, and day-precision "
            "announcements go out at 09:00 there.",
            zone=name,
        )
        await interaction.response.send_message(text, ephemeral=True)

    @timezone.autocomplete("tz")
    @safe_autocomplete
    async def timezone_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=choice_text(name), value=name) for name in suggest_timezones(current)
        ]

    @app_commands.command(
        name="spoilers",
        description="Hide story content beyond how far this server has caught up",
        extras={"example": "/config spoilers season:1 volume:2"},
    )
    @app_commands.describe(
        season="Last season everyone has watched (0 = none; the film counts as the season after the last)",
        volume="Last book volume everyone has read (0 = none)",
    )
    async def spoilers(
        self,
        interaction: discord.Interaction[FandexBot],
        season: app_commands.Range[int, 0, 50],
        volume: app_commands.Range[int, 0, 50],
    ) -> None:
        assert interaction.guild_id is not None  # guild_only
        # The real bounds come from the dataset (checked here, whatever the client sent).
        limit = check_spoiler_limit(self.bot.dataset, season, volume)
        await self.bot.guild_settings.update(
            interaction.guild_id, spoiler_season=limit.season, spoiler_volume=limit.volume
        )
        text = spoiler_limit_set_text(
            self.bot.dataset,
            limit,
            nothing_hidden=nothing_hidden(self.bot.catalog.story_points, limit),
            tr=private_words(interaction),
        )
        await interaction.response.send_message(text, ephemeral=True)

    @spoilers.autocomplete("season")
    @safe_autocomplete
    async def spoiler_season_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: int | str
    ) -> list[app_commands.Choice[int]]:
        levels = range(max_spoiler_season(self.bot.dataset) + 1)
        tr = private_words(interaction)
        return [
            app_commands.Choice(
                name=choice_text(spoiler_level_label(self.bot.dataset, level, tr)), value=level
            )
            for level in levels
        ]

    @spoilers.autocomplete("volume")
    @safe_autocomplete
    async def spoiler_volume_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: int | str
    ) -> list[app_commands.Choice[int]]:
        levels = range(max_spoiler_volume(self.bot.dataset) + 1)
        tr = private_words(interaction)
        return [
            app_commands.Choice(
                name=choice_text(volume_level_label(self.bot.dataset, level, tr)), value=level
            )
            for level in levels
        ]

    @app_commands.command(
        name="spoilers-off",
        description="Lift the spoiler limit: show everything plainly",
        extras={"example": "/config spoilers-off"},
    )
    async def spoilers_off(self, interaction: discord.Interaction[FandexBot]) -> None:
        assert interaction.guild_id is not None  # guild_only
        had_limit = (await self.bot.guild_settings.get(interaction.guild_id)).has_spoiler_limit
        if had_limit:
            await self.bot.guild_settings.update(
                interaction.guild_id, spoiler_season=None, spoiler_volume=None
            )
        text = spoiler_limit_lifted_text(had_limit, private_words(interaction))
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(
        name="language",
        description="Choose the language of this server's public replies and posts",
        extras={"example": "/config language language:Português (Brasil)"},
    )
    @app_commands.describe(language="A language, or off to follow the server's own Discord language")
    @app_commands.choices(
        language=[
            *(app_commands.Choice(name=lang.name, value=lang.code) for lang in LANGUAGES),
            app_commands.Choice(name="Off: the server's own language", value=LANGUAGE_OFF),
        ]
    )
    async def language(self, interaction: discord.Interaction[FandexBot], language: str) -> None:
        assert interaction.guild_id is not None  # guild_only
        tr = private_words(interaction)
        chosen = language_by_code(language)
        if chosen is None and language != LANGUAGE_OFF:
            names = ", ".join(f"**{lang.name}**" for lang in LANGUAGES)
            raise InvalidOptionError(
                "Fandex doesn't speak that language yet. Pick one of: {names}, or **off**.", names=names
            )
        await self.bot.guild_settings.update(interaction.guild_id, language=chosen.code if chosen else None)
        if chosen is None:
            text = tr(
                "Language setting cleared: public replies follow the server's Discord language (English "
                "when Fandex doesn't speak it). Private replies always follow each fan's own."
            )
        else:
            text = tr(
                "Public replies and posts here are now in **{language}**. Private replies still follow "
                "each fan's own Discord language.",
                language=chosen.name,
            )
        await send_private(interaction, text)

    # -- release-day announcements and this server's own events ------------------------------------

    @app_commands.command(
        name="announcements",
        description="Where to post release-day announcements, and whom to ping",
        extras={"example": "/config announcements channel:#announcements"},
    )
    @app_commands.describe(
        channel="The text channel to post in (I need View Channel, Send Messages and Embed Links there)",
        role="A role to ping (optional: without one, nobody is pinged)",
        reminder="Also post a reminder before each release",
        thread="Open a spoiler-discussion thread on each release (I need Create Public Threads there)",
    )
    @app_commands.choices(
        reminder=[
            app_commands.Choice(name="No reminder", value="none"),
            app_commands.Choice(name="1 day before", value="1d"),
            app_commands.Choice(name="1 week before", value="1w"),
        ]
    )
    async def announcements(
        self,
        interaction: discord.Interaction[FandexBot],
        channel: app_commands.Transform[discord.TextChannel, AnnouncementChannel],
        role: discord.Role | None = None,
        reminder: app_commands.Choice[str] | None = None,
        thread: bool = False,
    ) -> None:
        assert interaction.guild is not None  # guild_only
        check_announcement_channel(channel, thread=thread is True)
        warnings = check_announcement_role(interaction.guild, role)
        settings = await self.bot.guild_settings.update(
            interaction.guild.id,
            announce_channel_id=channel.id,
            announce_role_id=role.id if role else None,
            reminder=reminder.value if reminder else "none",
            announce_error=None,
            announce_thread=thread is True,
            thread_error=None,
        )
        text = announcements_saved_text(settings, warnings, private_words(interaction))
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(
        name="announcements-off",
        description="Stop posting release-day announcements here",
        extras={"example": "/config announcements-off"},
    )
    async def announcements_off(self, interaction: discord.Interaction[FandexBot]) -> None:
        assert interaction.guild_id is not None  # guild_only
        await self.bot.guild_settings.update(
            interaction.guild_id,
            announce_channel_id=None,
            announce_role_id=None,
            reminder="none",
            announce_error=None,
            announce_thread=False,
            thread_error=None,
        )
        tr = private_words(interaction)
        text = tr("Release-day announcements are off. Turn them back on with `/config announcements`.")
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(
        name="daily",
        description='Post "On this day" at 09:00 server time on days with an anniversary',
        extras={"example": "/config daily channel:#general"},
    )
    @app_commands.describe(
        channel="The text channel to post in (I need View Channel, Send Messages and Embed Links there)"
    )
    async def daily(
        self,
        interaction: discord.Interaction[FandexBot],
        channel: app_commands.Transform[discord.TextChannel, AnnouncementChannel],
    ) -> None:
        assert interaction.guild is not None  # guild_only
        check_announcement_channel(channel)
        await self.bot.guild_settings.update(
            interaction.guild.id, daily_channel_id=channel.id, daily_error=None
        )
        await interaction.response.send_message(
            daily_saved_text(channel.id, private_words(interaction)), ephemeral=True
        )

    @app_commands.command(
        name="daily-off",
        description='Stop posting "On this day" here',
        extras={"example": "/config daily-off"},
    )
    async def daily_off(self, interaction: discord.Interaction[FandexBot]) -> None:
        assert interaction.guild_id is not None  # guild_only
        await self.bot.guild_settings.update(interaction.guild_id, daily_channel_id=None, daily_error=None)
        tr = private_words(interaction)
        text = tr('"On this day" is off. Turn it back on with `/config daily`.')
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(
        name="event-add",
        description="Add this server's own event: a watch party, a premiere…",
        extras={"example": "/config event-add name:Watch party date:2026-12-24 time:19:30"},
    )
    @app_commands.describe(
        name="What it is (up to 100 characters, unique in this server)",
        date="The day, as YYYY-MM-DD, in this server's time zone",
        time="Optional start time, as HH:MM on a 24-hour clock",
        discord_event="Also list it in the server's Events tab (I need the Create Events permission)",
    )
    async def event_add(
        self,
        interaction: discord.Interaction[FandexBot],
        name: str,
        date: str,
        time: str | None = None,
        discord_event: bool = False,
    ) -> None:
        assert interaction.guild is not None  # guild_only
        guild = interaction.guild
        tr = private_words(interaction)
        settings = await self.bot.guild_settings.get(guild.id)
        now = self.bot.clock.now()
        cleaned_name = clean_event_name(name)
        when = parse_event_date(date, time, settings.timezone, now)
        note = None
        if discord_event:
            await interaction.response.defer(ephemeral=True, thinking=True)  # a Discord round trip follows
            event, refused = await add_listed_event(
                self.events,
                guild,
                name=cleaned_name,
                date=when,
                created_by=interaction.user.id,
                zone=zone_of(settings.timezone),
                now=now,
            )
            if refused:
                note = f"⚠️ {refused.localized(tr)}"
            else:
                note = tr("It is also listed in the server's Events tab.")
        else:
            event = await self.events.add(
                guild.id,
                name=cleaned_name,
                date=when,
                created_by=interaction.user.id,
                zone=zone_of(settings.timezone),
            )
        text = event_added_text(
            event, scheduled_note=note, announcements_on=settings.announce_channel_id is not None, tr=tr
        )
        await send_private(interaction, text)

    @app_commands.command(
        name="event-remove",
        description="Remove one of this server's own events",
        extras={"example": "/config event-remove name:Watch party"},
    )
    @app_commands.describe(name="The event to remove")
    async def event_remove(self, interaction: discord.Interaction[FandexBot], name: str) -> None:
        assert interaction.guild is not None  # guild_only
        settings = await self.bot.guild_settings.get(interaction.guild.id)
        events = (await self._event_book(interaction.guild.id, zone_of(settings.timezone))).shown
        if not events:
            raise NotFoundError("This server has no events of its own. Add one with `/config event-add`.")
        event = find_server_event(events, name)
        if not await self.events.remove(interaction.guild.id, event.id):
            raise NotFoundError("That event was just removed by someone else.")
        self.bot.dispatch("server_event_removed")  # fans' reminders of it are cancelled (cogs/reminders.py)
        note = None
        tr = private_words(interaction)
        if event.scheduled_event_id is not None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            if await delete_scheduled_event(interaction.guild, event.scheduled_event_id):
                note = tr("Its entry in the server's Events tab is gone too.")
            else:
                note = tr(
                    "⚠️ I could not remove its entry in the server's Events tab; remove it there by hand."
                )
        await send_private(interaction, event_removed_text(event, scheduled_note=note, tr=tr))

    @event_remove.autocomplete("name")
    @safe_autocomplete
    async def event_remove_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild_id is not None  # guild_only
        settings = await self.bot.guild_settings.get(interaction.guild_id)
        book = await self._event_book(interaction.guild_id, zone_of(settings.timezone))
        typed = clean_user_text(current).casefold()
        tr = private_words(interaction)
        return [
            app_commands.Choice(name=server_event_choice_name(e, past=e in book.past, tr=tr), value=e.key)
            for e in book.shown
            if typed in e.name.casefold()
        ]


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Config(bot))
