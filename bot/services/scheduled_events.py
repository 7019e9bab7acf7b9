"""The Discord scheduled event made alongside a server event (so it shows in the server's Events tab)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import discord

from bot.domain.countdown import ServerEvent, local_midnight
from bot.domain.dates import PartialDate
from bot.domain.errors import FandexError
from bot.storage.server_events import ServerEventRepository

log = logging.getLogger(__name__)

SCHEDULED_EVENT_LENGTH = timedelta(hours=2)


# Where the Discord scheduled event says it happens: neutral, because a server's event may be a watch
# party, a premiere or a book launch, and the platform is a fact the dataset would have to hold.
SCHEDULED_EVENT_LOCATION = "Online"


class ScheduledEventRefused(FandexError):
    """Discord would not (or we may not) create the scheduled event; the bot-side event is kept."""


def scheduled_event_times(value: PartialDate, zone: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    """Start and end for Discord: an exact time lasts two hours; a whole day runs 09:00 to midnight there."""
    if value.precision == "time":
        start = value.moment()
        assert start is not None
        end = start + SCHEDULED_EVENT_LENGTH
    else:
        assert value.year is not None and value.month is not None and value.day is not None
        day = date(value.year, value.month, value.day)
        start = datetime.combine(day, time(9, 0), tzinfo=zone).astimezone(UTC)
        end = local_midnight(day + timedelta(days=1), zone)
    # Discord refuses a start in the past (a day event added for today, after 09:00).
    start = max(start, now + timedelta(minutes=1))
    return start, max(end, start + timedelta(minutes=30))


async def add_listed_event(
    events: ServerEventRepository,
    guild: discord.Guild,
    *,
    name: str,
    date: PartialDate,
    created_by: int,
    zone: ZoneInfo,
    now: datetime,
) -> tuple[ServerEvent, ScheduledEventRefused | None]:
    """Add a server event also listed in the server's Events tab, as one change.

    Discord's scheduled event is made first; the event and its link to it are then one INSERT, and should
    that fail, the scheduled event is deleted again: never an event that lost its listing, nor a listing
    the bot forgot. When Discord refuses the listing, the event is added without one (and why is returned).
    """
    await events.check_addable(guild.id, name, zone)  # the usual refusals, before Discord is asked anything
    scheduled_id: int | None = None
    refused: ScheduledEventRefused | None = None
    try:
        scheduled_id = (await create_scheduled_event(guild, name, date, zone, now)).id
    except ScheduledEventRefused as exc:
        refused = exc
    try:
        event = await events.add(
            guild.id, name=name, date=date, created_by=created_by, zone=zone, scheduled_event_id=scheduled_id
        )
    except Exception:
        if scheduled_id is not None and not await delete_scheduled_event(
            guild, scheduled_id, reason="/config event-add failed"
        ):
            log.warning("Scheduled event %s in guild %s outlived its failed add", scheduled_id, guild.id)
        raise
    return event, refused


async def create_scheduled_event(
    guild: discord.Guild, name: str, date: PartialDate, zone: ZoneInfo, now: datetime
) -> discord.ScheduledEvent:
    me = guild.me
    permissions = me.guild_permissions if me is not None else discord.Permissions.none()
    if not (permissions.manage_events or permissions.create_events):
        raise ScheduledEventRefused(
            "I could not add it to the server's Events tab: I need the **Create Events** (or Manage Events) "
            "permission. The event itself is saved."
        )
    start, end = scheduled_event_times(date, zone, now)
    try:
        return await guild.create_scheduled_event(
            name=name,
            start_time=start,
            end_time=end,
            entity_type=discord.EntityType.external,
            location=SCHEDULED_EVENT_LOCATION,
            privacy_level=discord.PrivacyLevel.guild_only,
            description="Added with Fandex by this server's moderators.",
            reason="/config event-add",
        )
    except discord.Forbidden as exc:
        raise ScheduledEventRefused(
            "Discord refused to add it to the server's Events tab: I need the **Manage Events** permission. "
            "The event itself is saved."
        ) from exc
    except discord.HTTPException as exc:
        log.warning("Creating a scheduled event in guild %s failed: %s", guild.id, exc)
        raise ScheduledEventRefused(
            f"Discord could not add it to the server's Events tab right now (error {exc.status}). "
            "The event itself is saved."
        ) from exc


async def delete_scheduled_event(
    guild: discord.Guild, scheduled_event_id: int, *, reason: str = "/config event-remove"
) -> bool:
    """Remove the scheduled event we made; False if Discord refused (it may already be gone)."""
    try:
        scheduled = await guild.fetch_scheduled_event(scheduled_event_id)
        await scheduled.delete(reason=reason)
    except discord.NotFound:
        return True
    except discord.HTTPException as exc:
        log.info("Could not delete scheduled event %s in guild %s: %s", scheduled_event_id, guild.id, exc)
        return False
    return True
