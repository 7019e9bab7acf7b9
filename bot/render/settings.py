"""The /config answers."""

from __future__ import annotations

import discord

from bot.domain.settings import GuildSettings
from bot.domain.text import truncate
from bot.render.common import BRAND_COLOUR, fit_embed, timestamp

REMINDER_LABELS = {"none": "no reminder", "1d": "1 day before", "1w": "1 week before"}


def spoiler_limit_text(settings: GuildSettings) -> str:
    if not settings.has_spoiler_limit:
        return "None: everything is shown plainly."
    parts = []
    if settings.spoiler_season is not None:
        parts.append(f"up to Season {settings.spoiler_season}" if settings.spoiler_season else "no seasons")
    if settings.spoiler_volume is not None:
        parts.append(f"up to Volume {settings.spoiler_volume}" if settings.spoiler_volume else "no volumes")
    return "Caught up: " + " and ".join(parts) + "; anything later is hidden behind spoiler tags."


def announcements_text(settings: GuildSettings) -> str:
    if settings.announce_channel_id is None:
        return "Off."
    text = f"In <#{settings.announce_channel_id}>"
    text += f", pinging <@&{settings.announce_role_id}>" if settings.announce_role_id else ", no ping"
    text += f"; {REMINDER_LABELS.get(settings.reminder, settings.reminder)}"
    text += "; a spoiler thread on each release." if settings.announce_thread else "."
    return text


def daily_text(channel_id: int | None) -> str:
    """/config show's line for "On this day"."""
    if channel_id is None:
        return "Off."
    return f"In <#{channel_id}>, at 09:00 server time on days with an anniversary."


def defaults_note(settings: GuildSettings, *, has_events: bool) -> str | None:
    """A footer for settings all at their defaults, claiming no more than the settings show."""
    if not settings.is_default:
        return None
    if settings.updated_at is not None:
        return "All settings are back at their defaults."
    if has_events:
        return "All settings are at their defaults."
    return "Defaults: no setting has been changed in this server yet."


def settings_embed(
    settings: GuildSettings,
    *,
    guild_name: str,
    extra_fields: list[tuple[str, str]] | None = None,
    has_events: bool,
) -> discord.Embed:
    """`has_events`: whether the server has events of its own (upcoming or past), listed in `extra_fields`."""
    embed = discord.Embed(title=truncate(f"Fandex settings for {guild_name}", 256), colour=BRAND_COLOUR)
    embed.add_field(name="Spoiler limit", value=spoiler_limit_text(settings), inline=False)
    embed.add_field(name="Time zone", value=settings.timezone, inline=True)
    embed.add_field(name="Release-day announcements", value=announcements_text(settings), inline=False)
    if settings.announce_error:
        embed.add_field(
            name="⚠️ Last announcement problem", value=truncate(settings.announce_error, 1024), inline=False
        )
    if settings.thread_error:
        embed.add_field(
            name="⚠️ Last release thread problem", value=truncate(settings.thread_error, 1024), inline=False
        )
    embed.add_field(name="On this day", value=daily_text(settings.daily_channel_id), inline=False)
    if settings.daily_error:
        embed.add_field(
            name="⚠️ Last On this day problem", value=truncate(settings.daily_error, 1024), inline=False
        )
    for name, value in extra_fields or []:
        embed.add_field(name=name, value=value, inline=False)
    if settings.updated_at:
        embed.add_field(name="Settings last changed", value=timestamp(settings.updated_at, "f"), inline=True)
    note = defaults_note(settings, has_events=has_events)
    if note:
        embed.set_footer(text=note)
    return fit_embed(embed)
