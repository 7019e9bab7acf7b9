"""The /config answers."""

from __future__ import annotations

import discord

from bot.domain.i18n import ENGLISH, N_, Words, language_by_code
from bot.domain.settings import GuildSettings
from bot.domain.text import truncate
from bot.render.common import BRAND_COLOUR, fit_embed, timestamp

REMINDER_LABELS = {"none": N_("no reminder"), "1d": N_("1 day before"), "1w": N_("1 week before")}


def spoiler_limit_text(settings: GuildSettings, tr: Words = ENGLISH) -> str:
    if not settings.has_spoiler_limit:
        return tr("None: everything is shown plainly.")
    parts = []
    if settings.spoiler_season is not None:
        season = settings.spoiler_season
        parts.append(tr("up to Season {n}", n=season) if season else tr("no seasons"))
    if settings.spoiler_volume is not None:
        volume = settings.spoiler_volume
        parts.append(tr("up to Volume {n}", n=volume) if volume else tr("no volumes"))
    return tr(
        "Caught up: {parts}; anything later is hidden behind spoiler tags.", parts=tr(" and ").join(parts)
    )


def announcements_text(settings: GuildSettings, tr: Words = ENGLISH) -> str:
    if settings.announce_channel_id is None:
        return tr("Off.")
    text = tr("In {channel}", channel=f"<#{settings.announce_channel_id}>")
    if settings.announce_role_id:
        text += tr(", pinging {role}", role=f"<@&{settings.announce_role_id}>")
    else:
        text += tr(", no ping")
    reminder = REMINDER_LABELS.get(settings.reminder)
    text += f"; {tr(reminder) if reminder else settings.reminder}"
    text += tr("; a spoiler thread on each release.") if settings.announce_thread else "."
    return text


def daily_text(channel_id: int | None, tr: Words = ENGLISH) -> str:
    """/config show's line for "On this day"."""
    if channel_id is None:
        return tr("Off.")
    return tr("In {channel}, at 09:00 server time on days with an anniversary.", channel=f"<#{channel_id}>")


def defaults_note(settings: GuildSettings, *, has_events: bool, tr: Words = ENGLISH) -> str | None:
    """A footer for settings all at their defaults, claiming no more than the settings show."""
    if not settings.is_default:
        return None
    if settings.updated_at is not None:
        return tr("All settings are back at their defaults.")
    if has_events:
        return tr("All settings are at their defaults.")
    return tr("Defaults: no setting has been changed in this server yet.")


def settings_embed(
    settings: GuildSettings,
    *,
    guild_name: str,
    extra_fields: list[tuple[str, str]] | None = None,
    has_events: bool,
    tr: Words = ENGLISH,
) -> discord.Embed:
    """`has_events`: whether the server has events of its own (upcoming or past), listed in `extra_fields`."""
    embed = discord.Embed(
        title=truncate(tr("Fandex settings for {guild}", guild=guild_name), 256), colour=BRAND_COLOUR
    )
    embed.add_field(name=tr("Spoiler limit"), value=spoiler_limit_text(settings, tr), inline=False)
    embed.add_field(name=tr("Time zone"), value=settings.timezone, inline=True)
    language = language_by_code(settings.language)
    if language is not None:  # shown once chosen: without a choice, the server's Discord language applies
        embed.add_field(name=tr("Language"), value=language.name, inline=True)
    embed.add_field(
        name=tr("Release-day announcements"), value=announcements_text(settings, tr), inline=False
    )
    if settings.announce_error:
        embed.add_field(
            name=tr("⚠️ Last announcement problem"),
            value=truncate(settings.announce_error, 1024),
            inline=False,
        )
    if settings.thread_error:
        embed.add_field(
            name=tr("⚠️ Last release thread problem"),
            value=truncate(settings.thread_error, 1024),
            inline=False,
        )
    embed.add_field(name=tr("On this day"), value=daily_text(settings.daily_channel_id, tr), inline=False)
    if settings.daily_error:
        embed.add_field(
            name=tr("⚠️ Last On this day problem"), value=truncate(settings.daily_error, 1024), inline=False
        )
    for name, value in extra_fields or []:
        embed.add_field(name=name, value=value, inline=False)
    if settings.updated_at:
        embed.add_field(
            name=tr("Settings last changed"), value=timestamp(settings.updated_at, "f"), inline=True
        )
    note = defaults_note(settings, has_events=has_events, tr=tr)
    if note:
        embed.set_footer(text=note)
    return fit_embed(embed)
